"""The team fact sheet: facts about a campaign team, filled in openly by its lead or HR.

Revision ID: 0007_fact_sheet
Revises: 0006_participants
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0007_fact_sheet'
down_revision = '0006_instr'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'team_fact_sheet',
        sa.Column('campaign_team_id', sa.Uuid(), nullable=False),
        sa.Column('goals_written', sa.Boolean(), nullable=False),
        sa.Column('goals_link', sa.String(length=500), nullable=False),
        sa.Column('decision_record', sa.Boolean(), nullable=False),
        sa.Column('review_cadence', sa.String(length=20), nullable=False),
        sa.Column('last_lesson', sa.Date(), nullable=True),
        sa.Column('filled_by', sa.String(length=254), nullable=False),
        sa.Column('filled_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('saves', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_team_id'], ['campaign_team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('campaign_team_id'),
    )


def downgrade() -> None:
    op.drop_table('team_fact_sheet')
