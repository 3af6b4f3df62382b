"""One citizen across every department number: rows kept per (number, user) become one row per person

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 07:00:00

Until now the bot's conversation id (one per department number and WhatsApp user) was the citizen id, so the
same person writing to two numbers had two profiles, two languages and two lists of applications. The new id
is whatsapp_contract.identity.citizen_id of their wa_id, computed with the deployment's SEVA_ID_SALT as the
channel computes it. Rows of one person are merged into one, keeping the newest profile; their applications,
documents, certificates and payments move with them. Rows without a wa_id (tools, tests) keep their id.
"""

import os
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from whatsapp_contract.identity import DEVELOPMENT_SALT, citizen_id

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    "mobile", "mobile_masked", "wa_id", "phone_number_id", "language", "opted_in", "opt_in_source",
    "opt_in_changed_at", "last_inbound_at",
)  # fmt: skip
REFERENCES = (("applications", "citizen_id"), ("documents", "citizen_id"), ("certificates", "citizen_id"),
              ("payment_intents", "citizen"))  # fmt: skip


def upgrade():
    salt = os.environ.get("SEVA_ID_SALT") or DEVELOPMENT_SALT
    conn = op.get_bind()
    citizens = sa.table("citizens", sa.column("id"), sa.column("created_at"), *map(sa.column, COLUMNS))
    rows = conn.execute(sa.select(citizens).where(citizens.c.wa_id.is_not(None), citizens.c.wa_id != ""))
    people = defaultdict(list)
    for row in rows.mappings():
        people[citizen_id(salt, row["wa_id"])].append(dict(row))
    for person, old in people.items():
        old_ids = [row["id"] for row in old if row["id"] != person]
        if not old_ids:
            continue
        if not any(row["id"] == person for row in old):
            newest = max(old, key=lambda row: (str(row["last_inbound_at"] or ""), str(row["created_at"])))
            first = min(row["created_at"] for row in old)
            conn.execute(
                citizens.insert().values(id=person, created_at=first, **{k: newest[k] for k in COLUMNS})
            )
        for table, column in REFERENCES:
            referring = sa.table(table, sa.column(column))
            conn.execute(referring.update().where(referring.c[column].in_(old_ids)).values({column: person}))
        conn.execute(citizens.delete().where(citizens.c.id.in_(old_ids)))


def downgrade():
    # The per-number rows cannot be told apart again; the merged person stays one row.
    pass
