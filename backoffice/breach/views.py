"""The administrator's breach register: record an incident, watch the Board's 72-hour clock, notify citizens."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from backoffice.breach import services as breaches
from backoffice.breach.models import BreachIncident
from backoffice.core.clock import utcnow
from backoffice.core.problems import Problem
from backoffice.extensions import db
from backoffice.officers.access import admin_required
from backoffice.people import services as people
from backoffice.people.models import Department

blueprint = Blueprint("breach", __name__, template_folder="templates")


class ActionForm(FlaskForm):
    """The CSRF token; the fields are read from the form by name."""


@blueprint.get("/breaches")
@admin_required
def register():
    """Every recorded incident, newest first, with the hours left for the Board's report."""
    incidents = db.session.scalars(select(BreachIncident).order_by(BreachIncident.id.desc()))
    departments = db.session.scalars(select(Department).order_by(Department.name_en))
    return render_template("breaches.html", incidents=list(incidents), now=utcnow(), hours_left=breaches.hours_left,
                           departments=list(departments), form=ActionForm())  # fmt: skip


def _ist_input(value: str) -> datetime:
    """An `<input type=datetime-local>` value, Delhi time, as naive UTC."""
    return datetime.fromisoformat(value) - timedelta(hours=5, minutes=30)


@blueprint.post("/breaches")
@admin_required
def record():
    """Record an incident; the affected citizens are those with applications of the period (and department)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    form = request.form
    try:
        start, end = date.fromisoformat(form.get("start", "")), date.fromisoformat(form.get("end", ""))
        aware = _ist_input(form.get("became_aware_at", ""))
    except ValueError:
        flash("Give the time you became aware, and the first and last day of the affected period.")
        return redirect(url_for("breach.register"))
    try:
        affected = breaches.identify_affected(form.get("department") or None, start, end)
        incident = breaches.record_incident(form.get("title", ""), form.get("description", ""),
                                            form.get("measures", ""), aware, affected, people.actor_for(current_user))  # fmt: skip
    except Problem as problem:
        db.session.rollback()
        flash(f"Not recorded: {problem}")
        return redirect(url_for("breach.register"))
    db.session.commit()
    flash(f"Incident {incident.id} recorded: {len(affected)} citizens affected. Report to the Board by "
          f"{(incident.board_report_due_at + timedelta(hours=5, minutes=30)).strftime('%d/%m/%Y %H:%M')} IST.")  # fmt: skip
    return redirect(url_for("breach.incident", incident_id=incident.id))


@blueprint.get("/breaches/<int:incident_id>")
@admin_required
def incident(incident_id: int):
    """One incident: the clock, the affected citizens' count and what became of their notices."""
    item = db.session.get(BreachIncident, incident_id) or abort(404)
    outcomes: dict[str, int] = {}
    for affected in item.affected:
        outcomes[affected.notice or "not yet sent"] = outcomes.get(affected.notice or "not yet sent", 0) + 1
    return render_template("breach.html", item=item, now=utcnow(), hours_left=breaches.hours_left(item, utcnow()),
                           outcomes=outcomes, form=ActionForm())  # fmt: skip


@blueprint.post("/breaches/<int:incident_id>/<any(reported, notify):action>")
@admin_required
def act(incident_id: int, action: str):
    """Mark the Board's report as sent, or send the notice to every affected citizen."""
    item = db.session.get(BreachIncident, incident_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    by = people.actor_for(current_user)
    try:
        if action == "reported":
            breaches.mark_reported(item, by, utcnow())
            done = "Marked as reported to the Data Protection Board."
        else:
            done = f"Notice queued for {breaches.notify_affected(item, by, utcnow())} citizens."
    except Problem as problem:
        db.session.rollback()
        flash(str(problem))
        return redirect(url_for("breach.incident", incident_id=item.id))
    db.session.commit()
    flash(done)
    return redirect(url_for("breach.incident", incident_id=item.id))
