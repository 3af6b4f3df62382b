"""The data principal's rights as plain functions: file a request, answer it, and list what is due.

- access: answered at once with a PDF of what is held and why (rights/summary.py), sent on WhatsApp;
- correction: an officer corrects the answer, audited (old values never copied into the audit log);
- erasure: what no law makes Seva keep goes at once; what must stay is named with the law and the date;
- nomination: the person who may use these rights if the citizen dies or cannot (DPDP Act s.14);
- grievance: goes to the Grievance Officer, who must answer by the due date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from backoffice.applications import services as applications
from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.citizens import services as citizens
from backoffice.citizens.models import Citizen
from backoffice.core.clock import today_ist, utcnow
from backoffice.core.problems import Problem, invalid, not_found
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.retention import services as retention
from backoffice.rights.models import RightsRequest
from backoffice.vault import services as vault
from backoffice.vault.crypto import seal
from catalog.validation import check_mobile, check_service_answer

KINDS = ("access", "correction", "erasure", "nomination", "grievance")
OPEN, DONE, REFUSED = "open", "done", "refused"
SEND_ACCESS_SUMMARY = "backoffice.rights.tasks.send_access_summary"
TELL_CITIZEN = "backoffice.notifications.tasks.send_citizen_text"
MAX_TEXT = 2000


def due_by(kind: str, on: date) -> date:
    """When a request filed `on` must be answered: GRIEVANCE_RESPONSE_DAYS or RIGHTS_RESPONSE_DAYS later."""
    config = current_app.config
    days = config["GRIEVANCE_RESPONSE_DAYS"] if kind == "grievance" else config["RIGHTS_RESPONSE_DAYS"]
    return on + timedelta(days=days)


def _actor(citizen_id: str) -> Actor:
    return Actor("citizen", citizen_id)


def file_request(citizen_id: str, body: dict[str, Any]) -> RightsRequest:
    """A citizen uses a right; access, erasure and nomination are met at once, the others wait for an officer."""
    kind = body.get("kind")
    if kind not in KINDS:
        raise invalid("kind", "unknown_kind", f"kind must be one of {', '.join(KINDS)}")
    text = str(body.get("text") or "").strip()[:MAX_TEXT] or None
    if kind in ("correction", "grievance") and not text:
        raise invalid("text", "empty", "say what is wrong")
    citizen = citizens.find(citizen_id)
    if citizen is None:
        raise not_found("citizen")
    citizens.touch(citizen_id)
    request = RightsRequest(citizen_id=citizen_id, kind=kind, text=text, details={},
                            due_by=due_by(kind, today_ist()), status=OPEN)  # fmt: skip
    db.session.add(request)
    db.session.flush()
    request.reference = f"DPR-{today_ist().year}-{request.id:06d}"
    audit.record(_actor(citizen_id), f"rights.{kind}_requested", f"rights:{request.reference}", {})
    if kind == "access":
        enqueue_after_commit(db.session(), SEND_ACCESS_SUMMARY, request.id)
        _close(request, DONE, "summary sent on WhatsApp", Actor("system", "rights"))
    elif kind == "nomination":
        _nominate(request, body.get("nominee"))
    elif kind == "erasure":
        _erase(request, citizen)
    return request


def _nominate(request: RightsRequest, nominee: Any) -> None:
    if not isinstance(nominee, dict) or not str(nominee.get("name") or "").strip():
        raise invalid("nominee", "required", "nominee needs a name, a relation and a mobile number")
    mobile = check_mobile(str(nominee.get("mobile") or ""))
    if not mobile.ok:
        raise invalid("nominee.mobile", mobile.reason or "mobile_format", "the nominee's mobile is not valid")
    digits = str(mobile.value)
    request.details = {
        "nominee": {
            "name": str(nominee["name"]).strip()[:120],
            "relation": str(nominee.get("relation") or "").strip()[:40],
            "mobile_masked": "******" + digits[-4:],
            # Sealed like an Aadhaar number: the Grievance Officer opens it only to reach the nominee.
            "mobile_sealed": seal(vault.keys(), digits, f"nominee:{request.id}".encode()).hex(),
        }
    }
    _close(request, DONE, "nominee recorded", Actor("system", "rights"))


def _erase(request: RightsRequest, citizen: Citizen) -> None:
    """Delete what no law needs: drafts, documents never submitted, nominations, the mobile number; name the rest."""
    drafts = list(
        db.session.scalars(
            select(Application).where(
                Application.citizen_id == citizen.id, Application.status == workflow.DRAFT
            )
        )
    )
    documents = [d for draft in drafts for d in draft.documents]
    documents += db.session.scalars(
        select(Document).where(Document.citizen_id == citizen.id, Document.application_id.is_(None))
    )
    erased_documents = retention.delete_documents(documents)
    for draft in drafts:
        db.session.delete(draft)
    for nomination in db.session.scalars(
        select(RightsRequest).where(
            RightsRequest.citizen_id == citizen.id,
            RightsRequest.kind == "nomination",
            RightsRequest.id != request.id,
        )
    ):
        nomination.details = {"nominee": "erased"}
    citizen.mobile = None
    citizen.mobile_masked = None
    holds = retention.holds(citizen.id)
    request.details = {
        "erased": {"drafts": len(drafts), "documents": erased_documents},
        "kept": [
            {
                "number": h.number,
                "until": h.until.date().isoformat() if h.until else None,
                "years": h.years,
                "law": h.law,
            }
            for h in holds
        ],  # fmt: skip
    }
    if holds:
        _close(
            request, REFUSED, "kept by law: " + ", ".join(h.number for h in holds), Actor("system", "rights")
        )
    else:
        _close(request, DONE, "erased", Actor("system", "rights"))


def _close(request: RightsRequest, status: str, response: str, actor: Actor) -> None:
    request.status = status
    request.response = response[:MAX_TEXT]
    request.closed_at = utcnow()
    request.closed_by = actor.label[:80]
    audit.record(actor, f"rights.{request.kind}_{status}", f"rights:{request.reference}", {})


def answer(request: RightsRequest, response: str, refused: bool, actor: Actor) -> None:
    """An officer answers an open correction or grievance; the citizen is told on WhatsApp."""
    response = response.strip()
    if request.status != OPEN:
        raise Problem(409, "closed", "this request is already answered")
    if not response:
        raise invalid("response", "empty", "write the answer the citizen will read")
    _close(request, REFUSED if refused else DONE, response, actor)
    header = {"en": "Answer to your request", "hi": "आपके अनुरोध का उत्तर"}
    citizen = citizens.find(request.citizen_id)
    language = citizen.language if citizen is not None and citizen.language in header else "hi"
    enqueue_after_commit(
        db.session(), TELL_CITIZEN, request.citizen_id, f"{header[language]} {request.reference}:\n{response}"
    )


def correct_answer(
    request: RightsRequest, number: str, field_id: str, value: str, actor: Actor
) -> Application:
    """Correct one answer of the citizen's application as asked; audited with the field, never the values."""
    if request.kind != "correction" or request.status != OPEN:
        raise Problem(409, "closed", "only an open correction request can correct an answer")
    application = db.session.scalar(select(Application).where(Application.number == number.strip()))
    if application is None or application.citizen_id != request.citizen_id:
        raise not_found("application")  # only this citizen's own applications
    service = applications.service_or_404(application.service)
    field = service.field(field_id)
    if field is None:
        raise invalid("field", "unknown_field", "no such question in this service")
    checked = check_service_answer(service, field, value)
    if not checked.ok:
        raise invalid("value", checked.reason or "invalid", "the new value is not valid for this question")
    answers = dict(application.answers)
    answers[field_id] = applications.jsonable(checked.value)
    application.answers = answers
    application.answers = applications.sealed(application, service)
    audit.record(actor, "rights.answer_corrected", f"application:{application.number}",
                 {"request": request.reference, "field": field_id})  # fmt: skip
    return application


def citizen_requests(citizen_id: str) -> list[RightsRequest]:
    """The citizen's requests, newest first."""
    return list(
        db.session.scalars(
            select(RightsRequest)
            .where(RightsRequest.citizen_id == citizen_id)
            .order_by(RightsRequest.id.desc())
        )
    )


def due_requests(today: date | None = None) -> list[dict[str, Any]]:
    """Open requests by due date, for the admin dashboard: reference, kind, due_by, days_left, overdue."""
    today = today or today_ist()
    rows = db.session.scalars(
        select(RightsRequest)
        .where(RightsRequest.status == OPEN)
        .order_by(RightsRequest.due_by, RightsRequest.id)
    )
    return [
        {"id": r.id, "reference": r.reference, "kind": r.kind, "due_by": r.due_by,
         "days_left": (r.due_by - today).days, "overdue": r.due_by < today}
        for r in rows
    ]  # fmt: skip


def as_json(request: RightsRequest) -> dict[str, Any]:
    """A request as the bot tells the citizen about it."""
    body: dict[str, Any] = {
        "reference": request.reference,
        "kind": request.kind,
        "status": request.status,
        "due_by": request.due_by.isoformat(),
    }
    if request.kind == "erasure":
        body["erased"] = request.details.get("erased", {})
        body["kept"] = request.details.get("kept", [])
    return body
