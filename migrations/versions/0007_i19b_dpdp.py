"""DPDP duties: the Aadhaar vault (existing answers sealed and masked), officers' second factor, data principal
rights requests, the breach register

Revision ID: i19b
Revises: i19a
Create Date: 2026-12-06 07:00:00

"""

import os

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

from catalog import load_catalog
from catalog.validation import is_aadhaar_number, mask_aadhaar

revision = "i19b"
down_revision = "i19a"
branch_labels = None
depends_on = None


def _vault_keys():
    from backoffice.vault.crypto import VaultKeys

    secret = current_app.config["SECRET_KEY"] if has_app_context() else os.environ.get("SECRET_KEY", "")
    return VaultKeys.from_env({**os.environ, "SECRET_KEY": secret})


def _seal_existing_answers(connection) -> None:
    """Every full Aadhaar number already in `applications.answers` goes into the vault; the answer keeps it masked."""
    from backoffice.vault.crypto import associated_data, digest, seal

    catalog = load_catalog()
    applications = sa.table(
        "applications",
        sa.column("id", sa.Integer),
        sa.column("service", sa.String),
        sa.column("answers", sa.JSON),
    )
    records = sa.table(
        "aadhaar_records",
        sa.column("application_id", sa.Integer),
        sa.column("field_id", sa.String),
        sa.column("digest", sa.String),
        sa.column("sealed", sa.LargeBinary),
        sa.column("created_at", sa.DateTime),
    )
    keys = None
    for row in connection.execute(sa.select(applications)).all():
        service = catalog.get(row.service)
        answers = dict(row.answers or {})
        fields = [f.id for f in service.fields if f.type == "aadhaar"] if service else []
        changed = False
        for field_id in fields:
            digits = str(answers.get(field_id) or "")
            if not is_aadhaar_number(digits):
                continue
            keys = keys or _vault_keys()
            connection.execute(
                records.insert().values(
                    application_id=row.id,
                    field_id=field_id,
                    digest=digest(keys, digits),
                    sealed=seal(keys, digits, associated_data(row.id, field_id)),
                    created_at=sa.func.now(),
                )
            )
            answers[field_id] = mask_aadhaar(digits)
            changed = True
        if changed:
            connection.execute(
                applications.update().where(applications.c.id == row.id).values(answers=answers)
            )


def upgrade():
    op.create_table(
        "aadhaar_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "field_id", name="uq_aadhaar_records_answer"),
    )
    with op.batch_alter_table("aadhaar_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aadhaar_records_digest"), ["digest"], unique=False)
    _seal_existing_answers(op.get_bind())

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "rights_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=True),
        sa.Column("citizen_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference", name=op.f("uq_rights_requests_reference")),
    )
    op.create_index("ix_rights_requests_open_due", "rights_requests", ["status", "due_by"], unique=False)
    op.create_index("ix_rights_requests_citizen_id", "rights_requests", ["citizen_id"], unique=False)

    op.create_table(
        "breach_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("became_aware_at", sa.DateTime(), nullable=False),
        sa.Column("board_report_due_at", sa.DateTime(), nullable=False),
        sa.Column("board_reported_at", sa.DateTime(), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "breach_affected",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.String(length=64), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("notice", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["breach_incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "citizen_id", name="uq_breach_affected_citizen"),
    )
    with op.batch_alter_table("breach_affected", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_affected_incident_id"), ["incident_id"], unique=False)


def downgrade():
    # The sealed numbers are not put back in clear: a downgrade keeps the answers masked.
    op.drop_table("breach_affected")
    op.drop_table("breach_incidents")
    op.drop_table("rights_requests")
    op.drop_table("recovery_codes")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
    op.drop_table("aadhaar_records")
