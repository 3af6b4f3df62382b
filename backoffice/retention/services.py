"""Deletes what has served its purpose (abandoned drafts, old documents and their OCR) and says what must stay.

Every function takes `now` (UTC, naive) so a run, and its tests, can be pinned to one instant.
Runs log counts only: no id, name or number of anyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.models import OcrResult
from backoffice.retention.periods import document_rule, draft_period

log = logging.getLogger(__name__)


def delete_documents(documents: list[Document]) -> int:
    """Delete documents: their encrypted files, what OCR read from them, and their rows."""
    store = current_app.extensions["seva_documents"]
    for document in documents:
        store.delete(document.storage_key)
        db.session.execute(delete(OcrResult).where(OcrResult.document_id == document.id))
        db.session.delete(document)
    return len(documents)


def purge_drafts(now: datetime) -> dict[str, int]:
    """Drafts untouched for the draft period go, with their documents, and documents never attached that old."""
    cutoff = now - draft_period()
    drafts = list(
        db.session.scalars(
            select(Application).where(Application.status == workflow.DRAFT, Application.updated_at < cutoff)
        )
    )
    documents = [d for draft in drafts for d in draft.documents]
    documents += db.session.scalars(
        select(Document).where(Document.application_id.is_(None), Document.created_at < cutoff)
    )
    deleted_documents = delete_documents(documents)
    for draft in drafts:
        db.session.delete(draft)
    return {"drafts": len(drafts), "unattached_documents": deleted_documents}


def purge_decided_documents(now: datetime) -> dict[str, int]:
    """Documents of decided applications whose service's retention period has run out since the decision."""
    decided = db.session.scalars(
        select(Application).where(
            Application.status.in_(workflow.FINAL),
            Application.decided_at.is_not(None),
            Application.documents.any(),
        )
    )
    documents = [
        d for a in decided if a.decided_at + document_rule(a.service).period < now for d in a.documents
    ]
    return {"decided_documents": delete_documents(documents)}


def run(now: datetime) -> dict[str, int]:
    """One retention run, committed; returns and logs the counts."""
    counts = {**purge_drafts(now), **purge_decided_documents(now)}
    db.session.commit()
    log.info("retention run: %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


@dataclass(frozen=True)
class Hold:
    """Data a law makes Seva keep: which application, until when, and the law ({"en","hi"})."""

    number: str
    until: datetime | None  # None: still pending, kept at least until decided and then for `years`
    years: int
    law: dict[str, str]


def holds(citizen_id: str) -> list[Hold]:
    """What of the citizen's data must stay, and why: every submitted application is a department record."""
    applications = db.session.scalars(
        select(Application)
        .where(Application.citizen_id == citizen_id, Application.number.is_not(None))
        .order_by(Application.id)
    )
    found = []
    for application in applications:
        rule = document_rule(application.service)
        until = application.decided_at + rule.period if application.decided_at else None
        found.append(Hold(application.number, until, rule.years, rule.law))
    return found
