"""The trainer workbench: captured messages, labels, the service backlog and model rounds

Revision ID: i17
Revises: i15
Create Date: 2026-12-06 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i17"
down_revision = "i15"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trainer_inbox_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=True),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("said_at", sa.DateTime(), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("alternatives", sa.JSON(), nullable=False),
        sa.Column("style", sa.String(length=12), nullable=False),
        sa.Column("previous_question", sa.Text(), nullable=True),
        sa.Column("active_form", sa.String(length=64), nullable=True),
        sa.Column("final_kind", sa.String(length=16), nullable=True),
        sa.Column("final_intent", sa.String(length=64), nullable=True),
        sa.Column("final_entities", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_inbox_items")),
    )
    with op.batch_alter_table("trainer_inbox_items", schema=None) as batch_op:
        batch_op.create_index("ix_trainer_inbox_items_conversation", ["conversation"], unique=False)
        batch_op.create_index("ix_trainer_inbox_items_said_at", ["said_at"], unique=False)
        batch_op.create_index("ux_trainer_inbox_items_message_reason", ["message_id", "reason"], unique=True)

    op.create_table(
        "trainer_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("labelled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["trainer_inbox_items.id"],
                                name=op.f("fk_trainer_labels_item_id_trainer_inbox_items")),
        sa.ForeignKeyConstraint(["trainer_id"], ["users.id"], name=op.f("fk_trainer_labels_trainer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_labels")),
    )  # fmt: skip
    with op.batch_alter_table("trainer_labels", schema=None) as batch_op:
        batch_op.create_index("ix_trainer_labels_item_id", ["item_id"], unique=False)
        batch_op.create_index("ux_trainer_labels_item_trainer", ["item_id", "trainer_id"], unique=True)

    op.create_table(
        "trainer_service_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["trainer_inbox_items.id"],
                                name=op.f("fk_trainer_service_requests_item_id_trainer_inbox_items")),
        sa.ForeignKeyConstraint(["raised_by"], ["users.id"],
                                name=op.f("fk_trainer_service_requests_raised_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_service_requests")),
        sa.UniqueConstraint("item_id", name=op.f("uq_trainer_service_requests_item_id")),
    )  # fmt: skip

    op.create_table(
        "trainer_model_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("model_file", sa.String(length=400), nullable=True),
        sa.Column("baseline_file", sa.String(length=400), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("promoted_at", sa.DateTime(), nullable=True),
        sa.Column("promoted_to", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["started_by"], ["users.id"], name=op.f("fk_trainer_model_rounds_started_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_model_rounds")),
    )


def downgrade():
    op.drop_table("trainer_model_rounds")
    op.drop_table("trainer_service_requests")
    with op.batch_alter_table("trainer_labels", schema=None) as batch_op:
        batch_op.drop_index("ux_trainer_labels_item_trainer")
        batch_op.drop_index("ix_trainer_labels_item_id")
    op.drop_table("trainer_labels")
    with op.batch_alter_table("trainer_inbox_items", schema=None) as batch_op:
        batch_op.drop_index("ux_trainer_inbox_items_message_reason")
        batch_op.drop_index("ix_trainer_inbox_items_said_at")
        batch_op.drop_index("ix_trainer_inbox_items_conversation")
    op.drop_table("trainer_inbox_items")
