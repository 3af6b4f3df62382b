"""What the bot does with applications: drafts, answers checked against the catalog, submission and tracking."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from backoffice.applications import deadlines, workflow
from backoffice.applications.models import Application, ApplicationEvent
from backoffice.audit.services import Actor
from backoffice.citizens import services as citizens
from backoffice.core.clock import today_ist, utcnow
from backoffice.core.problems import Problem, invalid, not_found
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.people import services as people
from backoffice.vault import services as vault
from catalog import Service, load_catalog
from catalog.districts import district_of
from catalog.fees import ChargeError, application_charge
from catalog.money import display
from catalog.validation import check_service_answer

CHANNELS = ("whatsapp", "csc")
# The OCR room reads attached documents; named, since OCR itself reads applications.
OCR_DOCUMENT = "backoffice.ocr.tasks.ocr_document"


def department_prefix(code: str) -> str:
    """The department's part of an application number: initials of a compound code, else its first 3 letters."""
    parts = code.split("_")
    return ("".join(p[0] for p in parts) if len(parts) > 1 else code[:3]).upper()


def application_number(application: Application, year: int) -> str:
    """`DL-REV-2026-000123`: state, department, year of submission, and the application's id."""
    return f"DL-{department_prefix(application.department_code)}-{year}-{application.id:06d}"


def service_or_404(service_id: str) -> Service:
    """The catalog service, or a 404 problem."""
    service = load_catalog().get(service_id)
    if service is None:
        raise not_found("service")
    return service


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def check_answers(service: Service, answers: dict[str, Any]) -> dict[str, Any]:
    """Normalise each answer through its catalog field; raise Problem 422 with `errors` for bad ones.

    A `None` value is kept as None: the caller removes that answer.
    """
    if not isinstance(answers, dict):
        raise invalid("answers", "not_object", "answers must be an object")
    checked, errors = {}, []
    for field_id, value in answers.items():
        field = service.field(field_id)
        if field is None:
            errors.append({"field": field_id, "code": "unknown_field"})
            continue
        if value is None:
            checked[field_id] = None
            continue
        result = check_service_answer(service, field, str(value))
        if result.ok:
            checked[field_id] = jsonable(result.value)
        else:
            errors.append(
                {
                    "field": field_id,
                    "code": result.reason,
                    **({"params": dict(result.params)} if result.params else {}),
                }
            )
    if errors:
        raise Problem(422, "invalid_answers", "some answers are not valid", errors)
    return checked


def draft_json(application: Application) -> dict[str, Any]:
    """A draft as the bot sees it."""
    return {
        "id": application.id,
        "citizen": application.citizen_id,
        "service": application.service,
        "channel": application.channel,
        "answers": application.answers,
        "documents": [
            {"id": d.id, "requirement": d.requirement, "mime_type": d.mime_type, "size": d.size}
            for d in application.documents
        ],
        "updated_at": application.updated_at.isoformat(timespec="seconds") + "Z",
    }


def open_draft(citizen_id: str, service_id: str | None = None) -> Application | None:
    """The citizen's newest open draft (of one service, if given)."""
    query = select(Application).where(
        Application.citizen_id == citizen_id, Application.status == workflow.DRAFT
    )
    if service_id:
        query = query.where(Application.service == service_id)
    return db.session.scalar(query.order_by(Application.updated_at.desc(), Application.id.desc()).limit(1))


def create_draft(body: dict[str, Any]) -> tuple[Application, bool]:
    """Start a draft, or return the citizen's open draft of that service; True when it was created."""
    citizen_id = _citizen_field(body)
    service = service_or_404(str(body.get("service", "")))
    channel = body.get("channel", "whatsapp")
    if channel not in CHANNELS:
        raise invalid("channel", "unknown_channel", "channel must be whatsapp or csc")
    answers = {k: v for k, v in check_answers(service, body.get("answers") or {}).items() if v is not None}
    citizen = citizens.touch(citizen_id)
    existing = open_draft(citizen_id, service.id)
    if existing is not None:
        return existing, False
    people.ensure_department(service)
    draft = Application(
        citizen_id=citizen_id,
        service=service.id,
        department_code=service.department,
        status=workflow.DRAFT,
        answers=answers,
        channel=channel,
        csc_operator=(str(body["csc_operator"])[:60] if body.get("csc_operator") else None),
        language=citizen.language,
    )
    db.session.add(draft)
    db.session.flush()
    draft.answers = sealed(draft, service)
    return draft, True


def sealed(application: Application, service: Service) -> dict[str, Any]:
    """The answers to store: every full Aadhaar number goes to the vault and stays here only masked."""
    aadhaar = [f.id for f in service.fields if f.type == "aadhaar"]
    return vault.keep(application.id, aadhaar, application.answers) if aadhaar else application.answers


def _citizen_field(body: dict[str, Any]) -> str:
    citizen = body.get("citizen") if isinstance(body, dict) else None
    if not isinstance(citizen, str) or not 0 < len(citizen) <= 64:
        raise invalid("citizen", "required", "citizen (the sender_id) is required")
    return citizen


def citizen_draft(draft_id: int, citizen_id: str) -> Application:
    """The citizen's own open draft, or 404 (also for another citizen's draft)."""
    draft = db.session.get(Application, draft_id)
    if draft is None or draft.citizen_id != citizen_id or draft.status != workflow.DRAFT:
        raise not_found("draft")
    return draft


def update_draft(draft_id: int, body: dict[str, Any]) -> Application:
    """Merge checked answers into a draft; a None value removes that answer."""
    citizen_id = _citizen_field(body)
    draft = citizen_draft(draft_id, citizen_id)
    service = service_or_404(draft.service)
    checked = check_answers(service, body.get("answers") or {})
    merged = dict(draft.answers)
    for key, value in checked.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    draft.answers = merged
    draft.answers = sealed(draft, service)
    draft.updated_at = utcnow()
    citizens.touch(citizen_id)
    return draft


def delete_draft(draft_id: int, citizen_id: str) -> None:
    """The citizen cancels a draft: it and its link to any documents go (the documents stay theirs)."""
    draft = citizen_draft(draft_id, citizen_id)
    for document in draft.documents:
        document.application_id = None
        document.requirement = None
    db.session.delete(draft)


def attach_document(draft_id: int, body: dict[str, Any]) -> Application:
    """Attach one of the citizen's stored documents to a draft as the catalog document it satisfies."""
    citizen_id = _citizen_field(body)
    draft = citizen_draft(draft_id, citizen_id)
    service = service_or_404(draft.service)
    requirement = body.get("requirement")
    if not any(d.id == requirement for d in service.documents):
        raise invalid("requirement", "unknown_document", "requirement is not a document of this service")
    document = db.session.get(Document, str(body.get("document_id", "")))
    if document is None or document.citizen_id != citizen_id:
        raise not_found("document")
    if document.application_id not in (None, draft.id):
        raise Problem(409, "document_in_use", "that document belongs to another application")
    for other in draft.documents:
        if other.requirement == requirement and other.id != document.id:
            other.application_id, other.requirement = None, None  # a newer upload replaces the older one
    document.application_id = draft.id
    document.requirement = requirement
    draft.updated_at = utcnow()
    enqueue_after_commit(db.session(), OCR_DOCUMENT, document.id)  # the beat sweep catches a lost one
    db.session.flush()
    db.session.refresh(draft)
    return draft


def submit(draft_id: int, body: dict[str, Any]) -> Application:
    """Submit a complete draft: number, deadline and fee are set; it moves on to payment or document check."""
    citizen_id = _citizen_field(body)
    draft = citizen_draft(draft_id, citizen_id)
    service = service_or_404(draft.service)
    errors = [
        {"field": f.id, "code": "missing"} for f in service.fields if f.required and f.id not in draft.answers
    ]
    attached = {d.requirement for d in draft.documents}
    errors += [
        {"field": f"documents.{d.id}", "code": "missing_document"}
        for d in service.documents
        if d.required and d.id not in attached
    ]
    if errors:
        raise Problem(422, "incomplete", "some answers or documents are missing", errors)
    citizen = citizens.touch(citizen_id)
    actor = Actor("citizen", citizen_id)
    workflow.transition(draft, "submit", actor, notify=False)
    now = utcnow()
    draft.submitted_at = now
    draft.language = citizen.language
    draft.number = application_number(draft, now.year)
    draft.decision_by = deadlines.decision_by(today_ist(), service.deadline.days)
    draft.district = district_of(
        next((draft.answers.get(f.id) for f in service.fields if f.type == "pincode"), None)
    )
    try:
        draft.fee_paise = application_charge(
            draft.id, service, draft.answers, draft.channel == "csc"
        ).total_paise
    except ChargeError:
        draft.fee_paise = None  # free, or assessed later by the department
    system = Actor("system", "workflow")
    if draft.fee_paise:
        workflow.transition(draft, "require_payment", system, notify=False)
    else:
        workflow.transition(draft, "check_documents", system, notify=False)
    return draft


def submission_json(application: Application) -> dict[str, Any]:
    """What the bot tells the citizen after submitting."""
    fee = None
    if application.fee_paise:
        amount = display(application.fee_paise)
        fee = {
            "amount_paise": application.fee_paise,
            "label": {"en": amount, "hi": amount},
        }
    return {
        "number": application.number,
        "status": application.status,
        "status_label": workflow.status_label(application.status),
        "decision_by": application.decision_by.isoformat() if application.decision_by else None,
        "fee": fee,
    }


def summary_json(application: Application) -> dict[str, Any]:
    """One line of a citizen's list of applications."""
    row = {
        "number": application.number,
        "service": application.service,
        "status": application.status,
        "status_label": workflow.status_label(application.status),
        "submitted_at": application.submitted_at.isoformat(timespec="seconds") + "Z",
        "decision_by": application.decision_by.isoformat() if application.decision_by else None,
    }
    if application.status == workflow.QUERY_RAISED and application.query_text:
        row["query"] = application.query_text
    if application.status == workflow.PAYMENT_PENDING and application.assessed_fee_paise:
        amount = display(application.assessed_fee_paise)
        row["assessed_fee"] = {"amount_paise": application.assessed_fee_paise, "label": {"en": amount, "hi": amount},
                               "reason": application.assessed_fee_reason}  # fmt: skip
    return row


def citizen_applications(citizen_id: str) -> list[Application]:
    """The citizen's submitted applications, newest first."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.citizen_id == citizen_id, Application.number.is_not(None))
            .order_by(Application.submitted_at.desc(), Application.id.desc())
        )
    )


def citizen_application(number: str, citizen_id: str | None) -> Application:
    """One of the citizen's applications by number, or 404 (also for another citizen's)."""
    application = db.session.scalar(select(Application).where(Application.number == number))
    if application is None or not citizen_id or application.citizen_id != citizen_id:
        raise not_found("application")
    return application


def detail_json(application: Application) -> dict[str, Any]:
    """An application with its history, as the citizen may see it (no officer names)."""
    history = [
        {
            "at": e.at.isoformat(timespec="seconds") + "Z",
            "status": e.to_status,
            "status_label": workflow.status_label(e.to_status) if e.to_status else None,
            "kind": e.kind,
            **({"note": e.note} if e.note and e.kind in ("transition", "query_answer") else {}),
        }
        for e in application.events
        if e.kind in ("transition", "query_answer")
    ]
    return {**summary_json(application), "history": history}


def answer_query(number: str, body: dict[str, Any]) -> Application:
    """The citizen answers an officer's query with text and/or documents; the application goes back to review."""
    citizen_id = _citizen_field(body)
    application = citizen_application(number, citizen_id)
    text = str(body.get("text") or "").strip()
    document_ids = body.get("document_ids") or []
    if not isinstance(document_ids, list):
        raise invalid("document_ids", "not_list", "document_ids must be a list")
    if not text and not document_ids:
        raise invalid("text", "empty", "an answer needs text or documents")
    documents = []
    for document_id in document_ids:
        document = db.session.get(Document, str(document_id))
        if document is None or document.citizen_id != citizen_id:
            raise not_found("document")
        if document.application_id not in (None, application.id):
            raise Problem(409, "document_in_use", "that document belongs to another application")
        documents.append(document)
    actor = Actor("citizen", citizen_id)
    _transition_or_conflict(application, "answer_query", actor)
    for document in documents:
        document.application_id = application.id
        document.requirement = document.requirement or "query_answer"
        # The same gate as a document sent in the form: the officer sees what OCR found in it.
        enqueue_after_commit(db.session(), OCR_DOCUMENT, document.id)
    db.session.add(
        ApplicationEvent(
            application=application,
            kind="query_answer",
            actor=actor.label,
            note=text or None,
            detail={"document_ids": [d.id for d in documents]},
        )
    )
    citizens.touch(citizen_id)
    return application


# Why a withdrawal is refused, by the application's status: each gets its own polite answer in the chat.
WITHDRAW_REFUSALS = {
    workflow.WITHDRAWN: ("already_withdrawn", "the application is already withdrawn"),
    workflow.ISSUED: ("already_issued", "the certificate is already issued"),
    workflow.APPROVED: ("already_decided", "the application is already approved"),
    workflow.REJECTED: ("already_decided", "the application is already decided"),
}


def service_started(application: Application) -> bool:
    """True once an officer began reviewing the application: from then on a paid fee is not refunded."""
    started = (workflow.UNDER_REVIEW, workflow.QUERY_RAISED)
    return any(e.kind == "transition" and e.to_status in started for e in application.events)


def withdraw(number: str, body: dict[str, Any]) -> Application:
    """The citizen withdraws a pending application (another citizen's is not found; a closed one is refused)."""
    citizen_id = _citizen_field(body)
    application = citizen_application(number, citizen_id)
    if application.status in WITHDRAW_REFUSALS:
        code, message = WITHDRAW_REFUSALS[application.status]
        raise Problem(409, code, message)
    _transition_or_conflict(application, "withdraw", Actor("citizen", citizen_id))
    citizens.touch(citizen_id)
    return application


def _transition_or_conflict(application: Application, name: str, actor: Actor) -> None:
    try:
        workflow.transition(application, name, actor, notify=False)
    except workflow.TransitionRefused as refused:
        raise Problem(409, refused.code, str(refused)) from refused
