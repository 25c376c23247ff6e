"""Participants (e-mail addresses with their sealed personal link and the state of the
last message), mail jobs, editable mail templates, and the address retention date.

Revision ID: 0006_participants
Revises: 0006_register
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_participants'
down_revision = '0006_register'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mail_job',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('base_url', sa.String(length=300), nullable=False),
        sa.Column('queued', sa.Integer(), nullable=False),
        sa.Column('sent', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_mail_job_campaign_id', 'mail_job', ['campaign_id'])
    op.create_table(
        'participant',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('campaign_team_id', sa.Uuid(), nullable=False),
        sa.Column('invitation_id', sa.Uuid(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('sealed_link', sa.LargeBinary(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('job_id', sa.Uuid(), nullable=True),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_team_id'], ['campaign_team.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['mail_job.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'email'),
        sa.UniqueConstraint('invitation_id'),
    )
    op.create_index('ix_participant_campaign_id', 'participant', ['campaign_id'])
    op.create_index('ix_participant_campaign_team_id', 'participant', ['campaign_team_id'])
    op.create_index('ix_participant_status', 'participant', ['status'])
    op.create_table(
        'mail_template',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.String(length=5000), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'kind', 'language'),
    )
    op.create_index('ix_mail_template_campaign_id', 'mail_template', ['campaign_id'])
    with op.batch_alter_table('campaign') as batch:
        batch.add_column(sa.Column('address_retention_until', sa.Date(), nullable=True))
        batch.add_column(sa.Column('addresses_deleted', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('campaign') as batch:
        batch.drop_column('addresses_deleted')
        batch.drop_column('address_retention_until')
    op.drop_index('ix_mail_template_campaign_id', 'mail_template')
    op.drop_table('mail_template')
    op.drop_index('ix_participant_status', 'participant')
    op.drop_index('ix_participant_campaign_team_id', 'participant')
    op.drop_index('ix_participant_campaign_id', 'participant')
    op.drop_table('participant')
    op.drop_index('ix_mail_job_campaign_id', 'mail_job')
    op.drop_table('mail_job')
