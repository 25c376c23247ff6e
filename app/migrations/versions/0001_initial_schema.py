"""Initial schema: organizations, teams, users, campaigns, invitations, responses.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'organization',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('industry', sa.String(length=100), nullable=False),
        sa.Column('size_band', sa.String(length=20), nullable=False),
        sa.Column('k', sa.Integer(), nullable=False),
        sa.Column('k_acknowledged', sa.Boolean(), nullable=False),
        sa.Column('comment_k', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'user',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_email'), ['email'], unique=True)

    op.create_table(
        'campaign',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('organization_id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('questionnaire_id', sa.String(length=100), nullable=False),
        sa.Column('questionnaire_version', sa.Integer(), nullable=False),
        sa.Column('languages', sa.String(length=20), nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=True),
        sa.Column('closes_on', sa.Date(), nullable=True),
        sa.Column('status', sa.Enum('draft', 'open', 'closed', name='campaignstatus'), nullable=False),
        sa.Column('k', sa.Integer(), nullable=False),
        sa.Column('k_acknowledged', sa.Boolean(), nullable=False),
        sa.Column('comment_k', sa.Integer(), nullable=False),
        sa.Column('launched_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_organization_id'), ['organization_id'], unique=False)

    op.create_table(
        'membership',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('organization_id', sa.Uuid(), nullable=False),
        sa.Column('role', sa.Enum('consultant', 'hr_admin', 'viewer', name='role'), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'organization_id'),
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table(
        'unit',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('organization_id', sa.Uuid(), nullable=False),
        sa.Column('parent_id', sa.Uuid(), nullable=True),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organization_id', 'parent_id', 'name'),
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_organization_id'), ['organization_id'], unique=False)

    op.create_table(
        'user_session',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('csrf_token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    op.create_table(
        'campaign_team',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('team_id', sa.Uuid(), nullable=True),
        sa.Column('unit_path', sa.String(length=1000), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('headcount', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('campaign_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_team_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_team_team_id'), ['team_id'], unique=False)

    op.create_table(
        'team',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('organization_id', sa.Uuid(), nullable=False),
        sa.Column('unit_id', sa.Uuid(), nullable=True),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('headcount', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organization_id', 'unit_id', 'name'),
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_organization_id'), ['organization_id'], unique=False)

    op.create_table(
        'comment',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('campaign_team_id', sa.Uuid(), nullable=False),
        sa.Column('text', sa.String(length=10000), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_team_id'], ['campaign_team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_campaign_team_id'), ['campaign_team_id'], unique=False)

    op.create_table(
        'invitation',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('campaign_team_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.Enum('personal', 'open', name='invitationkind'), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('used', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_team_id'], ['campaign_team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_campaign_team_id'), ['campaign_team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_token_hash'), ['token_hash'], unique=True)

    op.create_table(
        'response',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Uuid(), nullable=False),
        sa.Column('campaign_team_id', sa.Uuid(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('tenure', sa.String(length=20), nullable=True),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_team_id'], ['campaign_team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_campaign_team_id'), ['campaign_team_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_campaign_team_id'))
        batch_op.drop_index(batch_op.f('ix_response_campaign_id'))

    op.drop_table('response')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_token_hash'))
        batch_op.drop_index(batch_op.f('ix_invitation_campaign_team_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_campaign_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_campaign_team_id'))
        batch_op.drop_index(batch_op.f('ix_comment_campaign_id'))

    op.drop_table('comment')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_organization_id'))

    op.drop_table('team')
    with op.batch_alter_table('campaign_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_team_team_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_team_campaign_id'))

    op.drop_table('campaign_team')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_session_token_hash'))

    op.drop_table('user_session')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_organization_id'))

    op.drop_table('unit')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_organization_id'))

    op.drop_table('membership')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_organization_id'))

    op.drop_table('campaign')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_email'))

    op.drop_table('user')
    op.drop_table('organization')
