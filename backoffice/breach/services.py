"""Recording a personal data breach, the 72-hour clock for the Board's report, and the notices to citizens.

DPDP Rules, rule 7: each affected Data Principal is told without delay (what happened, the likely
consequences, what was done, what they can do, whom to ask), and the Board gets the full report within
72 hours of becoming aware. The register keeps both clocks visible to the administrator.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from backoffice.applications.models import Application
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.breach.models import BreachAffected, BreachIncident
from backoffice.core.clock import utcnow
from backoffice.core.problems import Problem, invalid
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit

BOARD_REPORT_HOURS = 72
SEND_NOTICE = "backoffice.breach.tasks.send_breach_notice"


def identify_affected(department: str | None, start: date, end: date) -> dict[str, int]:
    """Citizens with an application (draft or submitted) created in [start, end] (IST), of one department or
    all: citizen id → how many of their applications."""
    if end < start:
        raise invalid("end", "before_start", "the period ends before it starts")
    query = select(Application.citizen_id, func.count()).where(
        Application.created_at >= _utc(datetime.combine(start, datetime.min.time())),
        Application.created_at < _utc(datetime.combine(end + timedelta(days=1), datetime.min.time())),
    )
    if department:
        query = query.where(Application.department_code == department)
    return dict(db.session.execute(query.group_by(Application.citizen_id)).all())


def _utc(ist_wall_clock: datetime) -> datetime:
    """A wall-clock time in Delhi as the naive UTC every timestamp is stored in."""
    return ist_wall_clock - timedelta(hours=5, minutes=30)


def record_incident(
    title: str,
    description: str,
    measures: str,
    became_aware_at: datetime,
    affected: dict[str, int],
    by: Actor,
) -> BreachIncident:
    """Record a breach (times naive UTC); the Board's report falls due 72 hours after becoming aware."""
    if not title.strip() or not description.strip() or not measures.strip():
        raise invalid("description", "empty", "title, what happened and the measures are all needed")
    if became_aware_at > utcnow() + timedelta(minutes=5):
        raise invalid("became_aware_at", "future", "the time of becoming aware cannot be in the future")
    incident = BreachIncident(
        title=title.strip()[:200], description=description.strip(), measures=measures.strip(),
        became_aware_at=became_aware_at, board_report_due_at=became_aware_at + timedelta(hours=BOARD_REPORT_HOURS),
        recorded_by=by.label[:80],
    )  # fmt: skip
    incident.affected = [BreachAffected(citizen_id=c, applications=n) for c, n in sorted(affected.items())]
    db.session.add(incident)
    db.session.flush()
    audit.record(by, "breach.recorded", f"breach:{incident.id}", {"affected": len(affected)})
    return incident


def hours_left(incident: BreachIncident, now: datetime) -> float:
    """Hours until the Board's report is due (negative once late)."""
    return (incident.board_report_due_at - now).total_seconds() / 3600


def mark_reported(incident: BreachIncident, by: Actor, now: datetime) -> None:
    """The full report went to the Board."""
    incident.board_reported_at = now
    audit.record(
        by, "breach.reported_to_board", f"breach:{incident.id}", {"late": now > incident.board_report_due_at}
    )


def notify_affected(incident: BreachIncident, by: Actor, now: datetime) -> int:
    """Queue the notice (a utility template) to every affected citizen not yet told; returns how many."""
    if incident.notified_at is not None:
        raise Problem(409, "already_notified", "the citizens were already notified")
    pending = [a for a in incident.affected if a.notice is None]
    for affected in pending:
        enqueue_after_commit(db.session(), SEND_NOTICE, affected.id)
    incident.notified_at = now
    audit.record(by, "breach.citizens_notified", f"breach:{incident.id}", {"citizens": len(pending)})
    return len(pending)


def notice_parameters(incident: BreachIncident) -> tuple[str, str, str]:
    """The template's {{1}} date (IST), {{2}} what happened, {{3}} the measures."""
    aware = incident.became_aware_at.replace(tzinfo=None) + timedelta(hours=5, minutes=30)
    return aware.strftime("%d/%m/%Y"), incident.description[:500], incident.measures[:500]
