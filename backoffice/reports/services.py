"""Saving and finding reports within the user's scope, and auditing every export."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from backoffice.audit import services as audit
from backoffice.extensions import db
from backoffice.people import services as people
from backoffice.people.models import User
from backoffice.reports.access import watched_department
from backoffice.reports.models import SavedReport
from backoffice.reports.query import ReportRefused, ReportSpec


def save_report(user: User, name: str, spec: ReportSpec) -> SavedReport:
    """Save `spec` under `name`, in the user's department (a head's) or for administrators."""
    name = " ".join(name.split())[:120]
    if not name:
        raise ReportRefused("Give the report a name / रिपोर्ट का नाम दें")
    report = SavedReport(
        name=name, owner_id=user.id, department_code=watched_department(user), spec=spec.to_json()
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        people.actor_for(user), "report.saved", f"report:{report.id}", {"name": name, **spec.to_json()}
    )
    return report


def saved_reports(user: User) -> list[SavedReport]:
    """The reports `user` may open: their department's, or the administrators' for an administrator."""
    department = watched_department(user)
    query = select(SavedReport).order_by(SavedReport.name, SavedReport.id)
    if department is None:
        query = query.where(SavedReport.department_code.is_(None))
    else:
        query = query.where(SavedReport.department_code == department)
    return list(db.session.scalars(query))


def saved_report(user: User, report_id: int) -> SavedReport:
    """A saved report `user` may open; 404 for any other (as if it did not exist)."""
    report = db.session.get(SavedReport, report_id)
    if report is None or report.department_code != watched_department(user):
        abort(404)
    return report


def record_export(
    user: User, report_id: int | None, spec: ReportSpec, file_format: str, rows: int, complete: bool
) -> None:
    """Audit one export: who, which report (saved id or the ad-hoc spec), the format and how many rows left."""
    audit.record(
        people.actor_for(user),
        "report.exported",
        f"report:{report_id}" if report_id else "report:ad-hoc",
        {"format": file_format, "rows": rows, "complete": complete, **spec.to_json()},
    )
