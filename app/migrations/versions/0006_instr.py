"""Campaigns bound to the exact questionnaire file (its SHA-256) and their list of
priorities; the language a response was given in.

Campaigns that exist already ran with the files shipped before version 2 of the
instrument; they are bound to those files' hashes.

Revision ID: 0006_instr
Revises: 0006_participants
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_instr'
down_revision = '0006_participants'
branch_labels = None
depends_on = None

# SHA-256 of the bundled files of version 1 (unchanged since they shipped)
V1_FILES = {
    ("aligned-autonomy-v1", 1): "212ca8dc64b78672bc275b40751452dd819ffdf8dcf79e4eb8ca9c5d3be16a35",
    ("aligned-autonomy-pulse-v1", 1): "637e5f459369b4287e41aca7908043f69fcbba50bee82fb2fc5864d0e60fdee4",
}


def upgrade() -> None:
    with op.batch_alter_table('campaign') as batch:
        batch.add_column(sa.Column('questionnaire_sha256', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('priorities', sa.JSON(), nullable=True))
    op.add_column('response', sa.Column('language', sa.String(length=5), nullable=True))
    campaign = sa.table(
        'campaign',
        sa.column('questionnaire_id', sa.String),
        sa.column('questionnaire_version', sa.Integer),
        sa.column('questionnaire_sha256', sa.String),
    )
    for (qid, version), digest in V1_FILES.items():
        op.execute(
            campaign.update()
            .where(campaign.c.questionnaire_id == qid, campaign.c.questionnaire_version == version)
            .values(questionnaire_sha256=digest)
        )


def downgrade() -> None:
    op.drop_column('response', 'language')
    with op.batch_alter_table('campaign') as batch:
        batch.drop_column('priorities')
        batch.drop_column('questionnaire_sha256')
