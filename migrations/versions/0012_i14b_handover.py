"""Human handover: conversations in the officer inbox and their messages (one open handover per conversation)

Revision ID: i14b
Revises: i14a
Create Date: 2026-12-06 06:43:42.107054

"""

import sqlalchemy as sa
from alembic import op

revision = "i14b"
down_revision = "i14a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("citizen_id", sa.String(length=64), nullable=True),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("phone_number_id", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_handovers_application_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_handovers_citizen_id_citizens")
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"], ["users.id"], name=op.f("fk_handovers_claimed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handovers_department_status", ["department_code", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            "uq_handovers_open_conversation",
            ["conversation"],
            unique=True,
            postgresql_where=sa.text("status != 'closed'"),
            sqlite_where=sa.text("status != 'closed'"),
        )

    op.create_table(
        "handover_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("wamid", sa.String(length=128), nullable=True),
        sa.Column("delivery", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["handover_id"], ["handovers.id"], name=op.f("fk_handover_messages_handover_id_handovers")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_handover_messages_officer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_messages")),
        sa.UniqueConstraint("wamid", name=op.f("uq_handover_messages_wamid")),
    )
    with op.batch_alter_table("handover_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_messages_handover_id"), ["handover_id"], unique=False)


def downgrade():
    with op.batch_alter_table("handover_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_messages_handover_id"))

    op.drop_table("handover_messages")
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_handovers_open_conversation",
            postgresql_where=sa.text("status != 'closed'"),
            sqlite_where=sa.text("status != 'closed'"),
        )
        batch_op.drop_index("ix_handovers_department_status")

    op.drop_table("handovers")
