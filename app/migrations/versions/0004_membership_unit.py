"""Viewers limited to one unit: the unit of a membership.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('membership') as batch:
        batch.add_column(sa.Column('unit_id', sa.Uuid(), nullable=True))
        batch.create_foreign_key('fk_membership_unit_id_unit', 'unit', ['unit_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('membership') as batch:
        batch.drop_constraint('fk_membership_unit_id_unit', type_='foreignkey')
        batch.drop_column('unit_id')
