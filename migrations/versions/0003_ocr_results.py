"""OCR results per document version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 01:27:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ocr_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("confidences", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("quality", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ocr_results", schema=None) as batch_op:
        batch_op.create_index("ix_ocr_results_document_id", ["document_id"], unique=False)
        batch_op.create_index("ux_ocr_results_document_sha256", ["document_id", "sha256"], unique=True)


def downgrade():
    with op.batch_alter_table("ocr_results", schema=None) as batch_op:
        batch_op.drop_index("ux_ocr_results_document_sha256")
        batch_op.drop_index("ix_ocr_results_document_id")
    op.drop_table("ocr_results")
