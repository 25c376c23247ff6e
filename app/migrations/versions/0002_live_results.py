"""Live results: an organization setting and the snapshot of the last released results.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organization') as batch:
        batch.add_column(sa.Column('live_results', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'result_snapshot',
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('response_count', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('campaign_id'),
    )


def downgrade() -> None:
    op.drop_table('result_snapshot')
    with op.batch_alter_table('organization') as batch:
        batch.drop_column('live_results')
