"""CSC desk: centres, operators, sessions for a citizen, applications made there, money taken, closed days

Revision ID: i18
Revises: i14b
Create Date: 2026-12-06 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i18"
down_revision = "i14b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cscs",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("district", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "csc_operators",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csc_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["csc_code"], ["cscs.code"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index("ix_csc_operators_csc_code", "csc_operators", ["csc_code"])
    op.create_table(
        "csc_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("csc_code", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.String(length=64), nullable=False),
        sa.Column("mobile_masked", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_expires_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"]),
        sa.ForeignKeyConstraint(["csc_code"], ["cscs.code"]),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_csc_sessions_csc_code", "csc_sessions", ["csc_code"])
    op.create_index("ix_csc_sessions_citizen_id", "csc_sessions", ["citizen_id"])
    op.create_table(
        "csc_applications",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("csc_code", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["csc_code"], ["cscs.code"]),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["csc_sessions.id"]),
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_index("ix_csc_applications_csc_code", "csc_applications", ["csc_code"])
    op.create_index("ix_csc_applications_session_id", "csc_applications", ["session_id"])
    op.create_table(
        "csc_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("csc_code", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("service_charge_paise", sa.Integer(), nullable=False),
        sa.Column("fee_paise", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("reversed_at", sa.DateTime(), nullable=True),
        sa.Column("reversed_by_id", sa.Integer(), nullable=True),
        sa.Column("reversal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["csc_code"], ["cscs.code"]),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["reversed_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", name="uq_csc_collections_application_id"),
        sa.UniqueConstraint("receipt_number", name="uq_csc_collections_receipt_number"),
    )
    op.create_index("ix_csc_collections_csc_code", "csc_collections", ["csc_code"])
    op.create_index("ix_csc_collections_business_day", "csc_collections", ["business_day"])
    op.create_table(
        "csc_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("csc_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=False),
        sa.Column("cash_paise", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["csc_code"], ["cscs.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("csc_code", "day", name="uq_csc_days_csc_code"),
    )


def downgrade():
    op.drop_table("csc_days")
    op.drop_index("ix_csc_collections_business_day", table_name="csc_collections")
    op.drop_index("ix_csc_collections_csc_code", table_name="csc_collections")
    op.drop_table("csc_collections")
    op.drop_index("ix_csc_applications_session_id", table_name="csc_applications")
    op.drop_index("ix_csc_applications_csc_code", table_name="csc_applications")
    op.drop_table("csc_applications")
    op.drop_index("ix_csc_sessions_citizen_id", table_name="csc_sessions")
    op.drop_index("ix_csc_sessions_csc_code", table_name="csc_sessions")
    op.drop_table("csc_sessions")
    op.drop_index("ix_csc_operators_csc_code", table_name="csc_operators")
    op.drop_table("csc_operators")
    op.drop_table("cscs")
