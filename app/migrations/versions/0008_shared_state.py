"""State shared by several app servers on one database: rate-limit counters, report jobs
and their files, and the campaign's results version that invalidates cached results.

Revision ID: 0008_shared_state
Revises: 0007_fact_sheet
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0008_shared_state'
down_revision = '0007_fact_sheet'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_counter',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('bucket', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'bucket'),
    )
    op.create_index('ix_rate_counter_expires', 'rate_counter', ['expires'])
    op.create_table(
        'report_job',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('owner_id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('format', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_report_job_campaign_id', 'report_job', ['campaign_id'])
    op.create_index('ix_report_job_created_at', 'report_job', ['created_at'])
    op.create_table(
        'report_file',
        sa.Column('job_id', sa.String(length=32), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['report_job.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id'),
    )
    with op.batch_alter_table('campaign') as batch:
        batch.add_column(sa.Column('results_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('campaign') as batch:
        batch.drop_column('results_version')
    op.drop_table('report_file')
    op.drop_index('ix_report_job_created_at', 'report_job')
    op.drop_index('ix_report_job_campaign_id', 'report_job')
    op.drop_table('report_job')
    op.drop_index('ix_rate_counter_expires', 'rate_counter')
    op.drop_table('rate_counter')
