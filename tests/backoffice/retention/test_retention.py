"""Retention runs against a frozen clock: what has served its purpose goes, the rest stays; logs hold counts only."""

from __future__ import annotations

import logging
from datetime import timedelta

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.models import OcrResult
from backoffice.retention import services as retention
from backoffice.retention.tasks import apply_retention

CITIZEN = "wa-eeeeeeeeeeeeeeeeeeee"


def draft(api, service: str) -> int:
    return api.post(
        "/api/v1/drafts", json={"citizen": CITIZEN, "service": service, "answers": {}}
    ).get_json()["id"]


def test_drafts_untouched_for_30_days_go_with_their_documents_and_younger_ones_stay(app, api, caplog):
    old, young = draft(api, "birth_certificate"), draft(api, "income_certificate")
    now = utcnow()
    with app.app_context():
        db.session.get(Application, old).updated_at = now - timedelta(days=31)
        db.session.get(Application, young).updated_at = now - timedelta(days=29)
        db.session.commit()
        with caplog.at_level(logging.INFO, logger="backoffice.retention.services"):
            counts = retention.run(now)
        assert counts["drafts"] == 1
        assert db.session.get(Application, old) is None and db.session.get(Application, young) is not None
    [line] = [r.getMessage() for r in caplog.records if "retention run" in r.getMessage()]
    assert "drafts=1" in line and CITIZEN not in line and str(old) not in line.split("drafts=")[0]


def test_documents_and_their_ocr_go_after_the_services_period_from_the_decision(app, submitted, tmp_path):
    kept_id, expired_id = submitted(citizen=CITIZEN), submitted(citizen=CITIZEN)
    now = utcnow()
    with app.app_context():
        for application_id, decided in (
            (kept_id, now - timedelta(days=365 * 3 - 1)),
            (expired_id, now - timedelta(days=365 * 3 + 1)),
        ):
            application = db.session.get(Application, application_id)
            workflow.transition(application, "withdraw", Actor("citizen", CITIZEN), notify=False)
            application.decided_at = decided
        expired_documents = [d.id for d in db.session.get(Application, expired_id).documents]
        files = [
            tmp_path / "documents" / d.storage_key[:2] / d.storage_key
            for d in db.session.get(Application, expired_id).documents
        ]
        db.session.add(OcrResult(document_id=expired_documents[0], sha256="0" * 64, kind="aadhaar", verdict="match",
                                 reasons=[], confidences={}, fields={"text": "read text"}, quality={}))  # fmt: skip
        db.session.commit()
        assert all(f.exists() for f in files)
        counts = retention.run(now)
        assert counts["decided_documents"] == len(expired_documents)
        assert all(db.session.get(Document, d) is None for d in expired_documents)
        gone = db.session.query(OcrResult).filter(OcrResult.document_id.in_(expired_documents)).count()
        assert gone == 0  # OCR text goes with its document
        assert not any(f.exists() for f in files)
        assert len(db.session.get(Application, kept_id).documents) > 0
        assert db.session.get(Application, expired_id).number  # the register entry itself stays


def test_the_beat_runs_the_job_daily_by_default(app):
    schedule = app.config["CELERY"]["beat_schedule"]["apply-retention"]
    assert schedule["task"] == apply_retention.name and schedule["schedule"] == 86400.0
