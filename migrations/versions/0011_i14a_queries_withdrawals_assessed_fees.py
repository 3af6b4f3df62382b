"""Queries pause the Act's clock and are reminded; assessed fees; refunds Seva makes on a withdrawal

Revision ID: i14a
Revises: i17
Create Date: 2026-12-06 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14a"
down_revision = "i17"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("query_raised_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("query_reminder_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("query_answered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("clock_paused_days", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("assessed_fee_paise", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assessed_fee_reason", sa.String(length=200), nullable=True))
        batch_op.create_index(
            "ix_applications_query_reminder_due_at", ["query_reminder_due_at"], unique=False
        )
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.alter_column("officer_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.alter_column("officer_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_query_reminder_due_at")
        batch_op.drop_column("assessed_fee_reason")
        batch_op.drop_column("assessed_fee_paise")
        batch_op.drop_column("clock_paused_days")
        batch_op.drop_column("query_answered_at")
        batch_op.drop_column("query_reminder_due_at")
        batch_op.drop_column("query_raised_at")
