"""Dashboard and reports: applications carry a district (backfilled from the PIN code), saved reports, daily counts

Revision ID: i16
Revises: i19b
Create Date: 2026-12-06 07:00:00

"""

import json

import sqlalchemy as sa
from alembic import op

from catalog import load_catalog
from catalog.districts import district_of

revision = "i16"
down_revision = "i19b"
branch_labels = None
depends_on = None
# As in backoffice/applications/models.py (a migration keeps its own copy: the model may change later).
REPORT_COLUMNS = ["department_code", "service", "status", "district", "channel", "assigned_to_id", "fee_paise",
                  "decided_at", "decision_by"]  # fmt: skip


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_applications_report", ["submitted_at"], postgresql_include=REPORT_COLUMNS)
        batch_op.create_index(
            "ix_applications_department_report",
            ["department_code", "submitted_at"],
            postgresql_include=REPORT_COLUMNS,
        )
    with op.batch_alter_table("payment_intents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_intents_settled", ["status", "settled_at"],
            postgresql_include=["provider", "method", "amount_paid_paise", "amount_paise", "application_id"],
        )  # fmt: skip
    with op.batch_alter_table("ocr_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ocr_results_created", ["created_at"], postgresql_include=["verdict", "document_id"]
        )
    op.create_table(
        "saved_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["department_code"], ["departments.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("saved_reports", schema=None) as batch_op:
        batch_op.create_index("ix_saved_reports_department_code", ["department_code"], unique=False)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_updated", ["updated_at"], unique=False)
    op.create_table(
        "application_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("fees_paise", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("judged", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "department", "service", "status", "district", "channel"),
    )
    op.create_table(
        "application_days_watermark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("through", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _backfill_districts()


def _backfill_districts():
    """Give every submitted application the district of the PIN code among its answers."""
    pincode_fields = {
        service.id: [f.id for f in service.fields if f.type == "pincode"]
        for service in load_catalog().values()
    }
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, service, answers FROM applications WHERE submitted_at IS NOT NULL")
    ).fetchall()
    for application_id, service, answers in rows:
        answers = json.loads(answers) if isinstance(answers, str) else (answers or {})
        pincode = next((answers.get(f) for f in pincode_fields.get(service, ()) if answers.get(f)), None)
        connection.execute(
            sa.text("UPDATE applications SET district = :district WHERE id = :id"),
            {"district": district_of(pincode), "id": application_id},
        )


def downgrade():
    with op.batch_alter_table("saved_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_saved_reports_department_code")
    op.drop_table("application_days_watermark")
    op.drop_table("application_days")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_updated")
    op.drop_table("saved_reports")
    with op.batch_alter_table("ocr_results", schema=None) as batch_op:
        batch_op.drop_index("ix_ocr_results_created")
    with op.batch_alter_table("payment_intents", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_intents_settled")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_department_report")
        batch_op.drop_index("ix_applications_report")
        batch_op.drop_column("district")
