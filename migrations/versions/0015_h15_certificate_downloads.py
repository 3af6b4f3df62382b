"""When a citizen first got their certificate's PDF (for the "ready but not downloaded" reminder)

Revision ID: h15
Revises: h16
Create Date: 2026-12-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "h15"
down_revision = "h16"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("certificates", sa.Column("downloaded_at", sa.DateTime(), nullable=True))
    # Papers issued before downloads were recorded count as received: otherwise the first sweep after this
    # upgrade would remind every citizen who ever got a certificate.
    op.execute("UPDATE certificates SET downloaded_at = created_at")


def downgrade():
    op.drop_column("certificates", "downloaded_at")
