"""The decision register: its versions per organization and the register frozen into
a campaign at launch.

Revision ID: 0006_register
Revises: 0005
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_register'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'register_version',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('organization_id', sa.Uuid(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organization_id', 'number'),
    )
    op.create_index('ix_register_version_organization_id', 'register_version', ['organization_id'])
    op.create_table(
        'campaign_register',
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('register_number', sa.Integer(), nullable=False),
        sa.Column('decisions', sa.JSON(), nullable=False),
        sa.Column('design', sa.JSON(), nullable=False),
        sa.Column('agreements', sa.JSON(), nullable=False),
        sa.Column('asked', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('campaign_id'),
    )


def downgrade() -> None:
    op.drop_table('campaign_register')
    op.drop_index('ix_register_version_organization_id', 'register_version')
    op.drop_table('register_version')
