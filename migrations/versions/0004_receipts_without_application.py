"""Receipts for taxes and bills: a certificate may name its service and citizen without an application

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("citizen_id", sa.String(length=64), nullable=True))
        batch_op.alter_column("application_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key("fk_certificates_citizen_id", "citizens", ["citizen_id"], ["id"])


def downgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_constraint("fk_certificates_citizen_id", type_="foreignkey")
        batch_op.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("citizen_id")
        batch_op.drop_column("service")
