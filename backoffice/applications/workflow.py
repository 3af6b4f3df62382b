"""The one state machine of every application: which move is legal, and who may make it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from backoffice.applications import deadlines
from backoffice.applications.models import PENDING_STATUSES, Application, ApplicationEvent
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.core.clock import ist_date, utcnow
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit

# The tasks a move starts in other rooms, by their stable Celery names.
SEND_STATUS_NOTIFICATION = "backoffice.notifications.tasks.send_status_notification"
ISSUE_CERTIFICATE = "backoffice.certificates_tasks.issue_certificate"
ACKNOWLEDGE_SUBMISSION = "backoffice.certificates_tasks.acknowledge_submission"

DRAFT = "draft"
SUBMITTED = "submitted"
PAYMENT_PENDING = "payment_pending"
DOCUMENT_CHECK = "document_check"
UNDER_REVIEW = "under_review"
QUERY_RAISED = "query_raised"
APPROVED = "approved"
ISSUED = "issued"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"

STATUSES = (
    DRAFT, SUBMITTED, PAYMENT_PENDING, DOCUMENT_CHECK, UNDER_REVIEW, QUERY_RAISED, APPROVED, ISSUED, REJECTED, WITHDRAWN,
)  # fmt: skip
FINAL = (ISSUED, REJECTED, WITHDRAWN)
# Still waiting for the department: the Act's clock runs in these.
PENDING = PENDING_STATUSES

STATUS_LABELS = {
    DRAFT: ("Draft", "मसौदा"),
    SUBMITTED: ("Submitted", "जमा किया गया"),
    PAYMENT_PENDING: ("Waiting for payment", "भुगतान बाकी"),
    DOCUMENT_CHECK: ("Documents being checked", "दस्तावेज़ों की जाँच"),
    UNDER_REVIEW: ("Under review", "समीक्षा में"),
    QUERY_RAISED: ("Question from the officer", "अधिकारी का प्रश्न"),
    APPROVED: ("Approved", "स्वीकृत"),
    ISSUED: ("Issued", "जारी किया गया"),
    REJECTED: ("Rejected", "अस्वीकृत"),
    WITHDRAWN: ("Withdrawn", "वापस लिया गया"),
}

OFFICERS = ("officer", "approver")


@dataclass(frozen=True)
class Transition:
    """A legal move: its name, from which statuses, to which status, by which actor kinds."""

    name: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_reason: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", (DRAFT,), SUBMITTED, ("citizen", "csc_operator")),
        Transition("require_payment", (SUBMITTED,), PAYMENT_PENDING, ("system",)),
        Transition("check_documents", (SUBMITTED, PAYMENT_PENDING), DOCUMENT_CHECK, ("system",)),
        Transition("start_review", (DOCUMENT_CHECK,), UNDER_REVIEW, (*OFFICERS, "system")),
        Transition("raise_query", (DOCUMENT_CHECK, UNDER_REVIEW), QUERY_RAISED, OFFICERS, needs_reason=True),
        Transition("answer_query", (QUERY_RAISED,), UNDER_REVIEW, ("citizen",)),
        Transition("assess_fee", (DOCUMENT_CHECK, UNDER_REVIEW), PAYMENT_PENDING, OFFICERS, needs_reason=True),
        Transition("assessed_fee_paid", (PAYMENT_PENDING,), UNDER_REVIEW, ("system",)),
        Transition("approve", (UNDER_REVIEW,), APPROVED, ("approver",)),
        Transition("issue", (APPROVED,), ISSUED, ("system", "approver")),
        Transition("reject", (DOCUMENT_CHECK, UNDER_REVIEW, QUERY_RAISED), REJECTED, ("approver",), needs_reason=True),
        Transition("withdraw", PENDING, WITHDRAWN, ("citizen",)),
    )
}  # fmt: skip


class TransitionRefused(Exception):
    """The move is not legal from the current status, or not for this actor, or lacks its reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def status_label(status: str) -> dict[str, str]:
    """The status in English and Hindi, as `{"en", "hi"}`."""
    en, hi = STATUS_LABELS[status]
    return {"en": en, "hi": hi}


def allowed(application: Application, actor: Actor) -> list[Transition]:
    """The moves `actor` may make on `application` now (for the buttons an officer sees)."""
    return [
        t
        for t in TRANSITIONS.values()
        if application.status in t.sources and actor.kind in t.roles and _in_department(application, actor)
    ]


def _in_department(application: Application, actor: Actor) -> bool:
    return actor.kind not in OFFICERS or actor.department == application.department_code


def transition(
    application: Application, name: str, actor: Actor, reason: str | None = None, notify: bool = True
) -> ApplicationEvent:
    """Make move `name`, recording history and audit; the citizen is told after commit when `notify`.

    Raises TransitionRefused when the move is illegal from this status, not this actor's, or lacks a reason.
    """
    move = TRANSITIONS.get(name)
    if move is None:
        raise TransitionRefused("unknown_transition", f"there is no move called {name!r}")
    if actor.kind not in move.roles or not _in_department(application, actor):
        raise TransitionRefused("forbidden", f"a {actor.kind} may not {name.replace('_', ' ')}")
    if application.status not in move.sources:
        raise TransitionRefused(
            "illegal_transition",
            f"cannot {name.replace('_', ' ')} an application that is {application.status}",
        )
    reason = (reason or "").strip() or None
    if move.needs_reason and not reason:
        raise TransitionRefused("reason_required", f"{name.replace('_', ' ')} needs a reason")
    previous = application.status
    application.status = move.target
    application.updated_at = now = utcnow()
    detail = None
    if name == "raise_query":
        application.query_text = reason
        application.query_raised_at = now
        application.query_reminder_due_at = now + deadlines.QUERY_REMINDER_AFTER
        application.query_answered_at = None
    elif name == "answer_query":
        detail = _resume_clock(application, now)
    elif name in ("approve", "reject"):
        application.decided_at = now
        application.decision_reason = reason
    elif name == "withdraw":
        application.decided_at = now
    if move.target in FINAL:
        application.query_reminder_due_at = None  # nobody is reminded of a query on a closed application
    event = ApplicationEvent(
        application=application,
        kind="transition",
        from_status=previous,
        to_status=move.target,
        actor=actor.label,
        note=reason,
        detail=detail,
    )
    db.session.add(event)
    audit.record(
        actor,
        f"application.{name}",
        f"application:{application.id}",
        {"number": application.number, "from": previous, "to": move.target, "reason": reason},
    )
    # Other rooms' work is named, not imported: notifications and issuing both read applications.
    if notify:
        enqueue_after_commit(db.session(), SEND_STATUS_NOTIFICATION, application.id, move.target)
    if name == "approve" and current_app.config.get("ISSUE_ON_APPROVAL"):
        enqueue_after_commit(db.session(), ISSUE_CERTIFICATE, application.id)
    if name == "submit" and current_app.config.get("ACKNOWLEDGE_ON_SUBMIT"):
        enqueue_after_commit(db.session(), ACKNOWLEDGE_SUBMISSION, application.id)
    return event


def _resume_clock(application: Application, now) -> dict:
    """The answer restarts the Act's clock: the deadline moves by the days the query stood open."""
    raised = application.query_raised_at or now
    days = deadlines.paused_days(ist_date(raised), ist_date(now))
    if application.decision_by is not None:
        application.decision_by = application.decision_by + timedelta(days=days)
    application.clock_paused_days = (application.clock_paused_days or 0) + days
    application.query_text = None
    application.query_raised_at = None
    application.query_reminder_due_at = None
    application.query_answered_at = now
    return {"clock_paused_days": days}
