"""Consent ledger, campaigns, opt-in requests, email opt-ins, suppressed messages, reminders, broadcasts; the old opted_in flag moves into the ledger

Revision ID: i15
Revises: i16 (after 0005, which still reads the opted_in columns this drops)
Create Date: 2026-12-06 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i15"
down_revision = "i16"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consent_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.String(length=200), nullable=False),
        sa.Column("notice_version", sa.String(length=16), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_consent_entries_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_entries")),
    )
    op.create_index(
        "ix_consent_entries_citizen_purpose", "consent_entries", ["citizen_id", "purpose", "department", "id"]
    )
    op.create_table(
        "consent_campaigns",
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["departments.code"],
            name=op.f("fk_consent_campaigns_department_code_departments"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("code", name=op.f("pk_consent_campaigns")),
    )
    op.create_table(
        "consent_optin_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.String(length=120), nullable=False),
        sa.Column("mobile_masked", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("welcome_message_id", sa.String(length=80), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_optin_requests")),
        sa.UniqueConstraint("token", name=op.f("uq_consent_optin_requests_token")),
        sa.UniqueConstraint("evidence", name=op.f("uq_consent_optin_requests_evidence")),
    )
    op.create_table(
        "email_optins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("mobile_masked", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("notice_version", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_optins")),
    )
    op.create_table(
        "suppressed_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_suppressed_messages_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressed_messages")),
    )
    op.create_index(op.f("ix_suppressed_messages_citizen_id"), "suppressed_messages", ["citizen_id"])
    op.create_index(op.f("ix_suppressed_messages_at"), "suppressed_messages", ["at"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("citizen_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("snooze_until", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.String(length=80), nullable=True),
        sa.Column("error", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_reminders_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("kind", "event_key", "citizen_id", name="uq_reminders_event"),
    )
    op.create_index(op.f("ix_reminders_citizen_id"), "reminders", ["citizen_id"])
    op.create_index(op.f("ix_reminders_sent_at"), "reminders", ["sent_at"])

    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_hi", sa.Text(), nullable=False),
        sa.Column("media_id", sa.String(length=80), nullable=True),
        sa.Column("media_kind", sa.String(length=10), nullable=True),
        sa.Column("media_filename", sa.String(length=120), nullable=True),
        sa.Column("service", sa.String(length=64), nullable=True),
        sa.Column("pincode", sa.String(length=6), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("paused_reason", sa.String(length=120), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("approved_by", sa.String(length=60), nullable=True),
        sa.Column("send_at", sa.DateTime(), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_code"], ["departments.code"], name=op.f("fk_broadcasts_department_code_departments")
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    op.create_index(op.f("ix_broadcasts_department_code"), "broadcasts", ["department_code"])
    op.create_table(
        "broadcast_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=14), nullable=False),
        sa.Column("message_id", sa.String(length=80), nullable=True),
        sa.Column("delivery", sa.String(length=10), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"], ["broadcasts.id"], name=op.f("fk_broadcast_recipients_broadcast_id_broadcasts")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_broadcast_recipients_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_recipients")),
        sa.UniqueConstraint("broadcast_id", "citizen_id", name="uq_broadcast_recipients_citizen"),
    )
    op.create_index(op.f("ix_broadcast_recipients_broadcast_id"), "broadcast_recipients", ["broadcast_id"])
    op.create_index(op.f("ix_broadcast_recipients_message_id"), "broadcast_recipients", ["message_id"])
    op.create_index(op.f("ix_broadcast_recipients_sent_at"), "broadcast_recipients", ["sent_at"])

    # The old flag becomes ledger entries: a START once recorded is a grant of updates and reminders.
    op.execute(
        "INSERT INTO consent_entries (citizen_id, purpose, department, granted, channel, evidence, notice_version, at) "
        "SELECT id, purpose, '', true, 'migrated', 'opted_in:' || COALESCE(opt_in_source, 'whatsapp'), NULL, "
        "COALESCE(opt_in_changed_at, created_at) FROM citizens "
        "CROSS JOIN (SELECT 'updates' AS purpose UNION ALL SELECT 'reminders') AS purposes WHERE opted_in"
    )
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.drop_column("opt_in_changed_at")
        batch_op.drop_column("opt_in_source")
        batch_op.drop_column("opted_in")


def downgrade():
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opted_in", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("opt_in_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("opt_in_changed_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE citizens SET opted_in = true WHERE id IN (SELECT e.citizen_id FROM consent_entries e "
        "WHERE e.purpose = 'updates' AND e.id = (SELECT MAX(id) FROM consent_entries l "
        "WHERE l.citizen_id = e.citizen_id AND l.purpose = 'updates' AND l.department = '') AND e.granted)"
    )
    op.drop_table("broadcast_recipients")
    op.drop_table("broadcasts")
    op.drop_table("reminders")
    op.drop_table("suppressed_messages")
    op.drop_table("consent_campaigns")
    op.drop_table("consent_optin_requests")
    op.drop_table("email_optins")
    op.drop_index("ix_consent_entries_citizen_purpose", table_name="consent_entries")
    op.drop_table("consent_entries")
