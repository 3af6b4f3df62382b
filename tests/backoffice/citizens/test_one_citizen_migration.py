"""Migration 0005: one person who wrote to two department numbers becomes one citizen, keeping everything theirs."""

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from backoffice.extensions import db
from whatsapp_contract.identity import DEVELOPMENT_SALT, citizen_id

pytestmark = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
WA_ID = "919811122233"


def _citizen(row_id: str, number: str, language: str, seen: datetime) -> dict:
    return {"id": row_id, "wa_id": WA_ID, "phone_number_id": number, "language": language,
            "opted_in": False, "last_inbound_at": seen, "created_at": seen}  # fmt: skip


def test_two_conversations_of_one_person_become_one_citizen_with_both_documents(app, monkeypatch):
    monkeypatch.delenv("SEVA_ID_SALT", raising=False)
    with app.app_context():
        downgrade(revision="0004")
        rows = [
            _citizen("wa-revenue0000000001", "100000000000002", "hi", datetime(2026, 11, 1)),
            _citizen("wa-transport00000001", "100000000000004", "en", datetime(2026, 11, 20)),
            {**_citizen("wa-tools", "", "hi", datetime(2026, 11, 2)), "wa_id": None},
        ]
        db.session.execute(
            text(
                "INSERT INTO citizens (id, wa_id, phone_number_id, language, opted_in, last_inbound_at, created_at)"
                " VALUES (:id, :wa_id, :phone_number_id, :language, :opted_in, :last_inbound_at, :created_at)"
            ),
            rows,
        )
        for index, row in enumerate(rows):
            db.session.execute(
                text(
                    "INSERT INTO documents (id, citizen_id, mime_type, size, sha256, storage_key, source, created_at)"
                    " VALUES (:id, :citizen, 'image/jpeg', 1, 'x', 'k', 'whatsapp', :at)"
                ),
                {"id": f"doc{index}", "citizen": row["id"], "at": row["created_at"]},
            )
        db.session.commit()
        upgrade()
        person = citizen_id(DEVELOPMENT_SALT, WA_ID)
        citizens = db.session.execute(text("SELECT id, language, created_at FROM citizens ORDER BY id")).all()
        assert [(c.id, c.language) for c in citizens] == [(person, "en"), ("wa-tools", "hi")]
        assert str(citizens[0].created_at).startswith("2026-11-01")  # a citizen since their first message
        owners = dict(db.session.execute(text("SELECT id, citizen_id FROM documents")).all())
        assert owners == {"doc0": person, "doc1": person, "doc2": "wa-tools"}
