"""Benchmark: an organization's opt-in and the pool of organization-level aggregates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organization') as batch:
        batch.add_column(sa.Column('benchmark_opt_in', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'benchmark_entry',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('entry_id', sa.String(length=32), nullable=False),
        sa.Column('organization_id', sa.Uuid(), nullable=True),
        sa.Column('campaign_id', sa.Uuid(), nullable=True),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('released', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id'),
    )
    op.create_index('ix_benchmark_entry_entry_id', 'benchmark_entry', ['entry_id'], unique=True)
    op.create_index('ix_benchmark_entry_organization_id', 'benchmark_entry', ['organization_id'])


def downgrade() -> None:
    op.drop_index('ix_benchmark_entry_organization_id', table_name='benchmark_entry')
    op.drop_index('ix_benchmark_entry_entry_id', table_name='benchmark_entry')
    op.drop_table('benchmark_entry')
    with op.batch_alter_table('organization') as batch:
        batch.drop_column('benchmark_opt_in')
