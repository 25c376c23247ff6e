"""Answer sets waiting to join their team in a batch, the link audit log, and what a
campaign with live results withheld at closing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pending_response',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('campaign_team_id', sa.Uuid(), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_team_id'], ['campaign_team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_pending_response_campaign_id', 'pending_response', ['campaign_id'])
    op.create_index('ix_pending_response_campaign_team_id', 'pending_response', ['campaign_team_id'])
    op.create_table(
        'link_audit',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('links', sa.Integer(), nullable=False),
        sa.Column('teams', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_link_audit_campaign_id', 'link_audit', ['campaign_id'])
    with op.batch_alter_table('campaign') as batch:
        batch.add_column(sa.Column('interim_results', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('withheld_answers', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('campaign') as batch:
        batch.drop_column('withheld_answers')
        batch.drop_column('interim_results')
    op.drop_index('ix_link_audit_campaign_id', 'link_audit')
    op.drop_table('link_audit')
    op.drop_index('ix_pending_response_campaign_team_id', 'pending_response')
    op.drop_index('ix_pending_response_campaign_id', 'pending_response')
    op.drop_table('pending_response')
