"""OCR verdicts per UTC day x department x verdict, for a department head's OCR tile (kept by the beat's refresh)

Revision ID: h16b
Revises: h15
Create Date: 2026-12-06 11:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "h16b"
down_revision = "h15"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ocr_verdict_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "department", "verdict"),
    )
    # Without a watermark the beat's next refresh builds every count again, this table's window included.
    op.execute("DELETE FROM application_days_watermark")


def downgrade():
    op.drop_table("ocr_verdict_days")
