"""The migration gives applications submitted before it the district of their PIN code."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from backoffice.app import create_app
from backoffice.config import TestConfig
from backoffice.extensions import db


def test_existing_applications_get_their_district_and_drafts_stay_without(tmp_path):
    app = create_app(TestConfig(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        upgrade(revision="i19a")
        db.session.execute(
            text("INSERT INTO departments (code, name_en, name_hi) VALUES ('revenue', 'Revenue', 'राजस्व')")
        )
        db.session.execute(
            text(
                "INSERT INTO citizens (id, language, opted_in, created_at) VALUES ('wa-1', 'hi', 1, '2026-01-01')"
            )
        )
        for id_, answers, submitted in ((1, '{"pincode": "110092"}', "2026-01-02"), (2, '{"pincode": "999999"}', "2026-01-02"),
                                        (3, '{"pincode": "110092"}', None)):  # fmt: skip
            db.session.execute(text(
                "INSERT INTO applications (id, service, department_code, citizen_id, status, answers, channel, language,"
                " submitted_at, created_at, updated_at) VALUES (:id, 'income_certificate', 'revenue', 'wa-1',"
                " 'submitted', :answers, 'whatsapp', 'hi', :submitted, '2026-01-02', '2026-01-02')"
            ), {"id": id_, "answers": answers, "submitted": submitted})  # fmt: skip
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT id, district FROM applications ORDER BY id")).all()
        db.engine.dispose()
    assert rows == [(1, "east"), (2, "unknown"), (3, None)]
