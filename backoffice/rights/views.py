"""Rights pages: the public `/privacy/rights` (how to use each right), and the Grievance Officer's desk."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.core.clock import today_ist
from backoffice.core.problems import Problem
from backoffice.extensions import db
from backoffice.officers.access import admin_required
from backoffice.people import services as people
from backoffice.rights import services as rights
from backoffice.rights.models import RightsRequest
from catalog import load_catalog

blueprint = Blueprint("rights", __name__, template_folder="templates")


class ActionForm(FlaskForm):
    """The CSRF token; the fields are read from the form by name."""


@blueprint.get("/privacy/rights")
def public_page():
    """What each right means and how to use it, in Hindi and English; who the Grievance Officer is."""
    config = current_app.config
    return render_template(
        "rights_public.html",
        officer=config["GRIEVANCE_OFFICER"],
        email=config["GRIEVANCE_OFFICER_EMAIL"],
        rights_days=config["RIGHTS_RESPONSE_DAYS"],
        grievance_days=config["GRIEVANCE_RESPONSE_DAYS"],
        page_lang="hi",
    )


@blueprint.get("/rights")
@admin_required
def desk():
    """Open requests by due date (overdue first), then the latest answered ones."""
    closed = db.session.scalars(
        select(RightsRequest)
        .where(RightsRequest.status != rights.OPEN)
        .order_by(RightsRequest.closed_at.desc())
        .limit(50)
    )
    return render_template("rights_desk.html", due=rights.due_requests(today_ist()), closed=list(closed))


def _request_or_404(request_id: int) -> RightsRequest:
    return db.session.get(RightsRequest, request_id) or abort(404)


@blueprint.get("/rights/<int:request_id>")
@admin_required
def detail(request_id: int):
    """One request, with the citizen's applications when it asks for a correction."""
    item = _request_or_404(request_id)
    own = db.session.scalars(
        select(Application).where(Application.citizen_id == item.citizen_id, Application.number.is_not(None))
    )
    return render_template("rights_request.html", item=item, applications=list(own), catalog=load_catalog(),
                           form=ActionForm())  # fmt: skip


@blueprint.post("/rights/<int:request_id>/answer")
@admin_required
def answer(request_id: int):
    """Answer (or refuse, with reasons) an open correction or grievance; the citizen is told on WhatsApp."""
    item = _request_or_404(request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        rights.answer(item, request.form.get("response", ""), request.form.get("refuse") == "1",
                      people.actor_for(current_user))  # fmt: skip
    except Problem as problem:
        db.session.rollback()
        flash(str(problem))
        return redirect(url_for("rights.detail", request_id=item.id))
    db.session.commit()
    flash(f"{item.reference} answered; the citizen is told on WhatsApp.")
    return redirect(url_for("rights.desk"))


@blueprint.post("/rights/<int:request_id>/correct")
@admin_required
def correct(request_id: int):
    """Correct one answer of the citizen's application, as the correction request asks."""
    item = _request_or_404(request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    form = request.form
    try:
        application = rights.correct_answer(item, form.get("number", ""), form.get("field", ""),
                                            form.get("value", ""), people.actor_for(current_user))  # fmt: skip
    except Problem as problem:
        db.session.rollback()
        flash(f"Not corrected: {problem}")
        return redirect(url_for("rights.detail", request_id=item.id))
    db.session.commit()
    flash(f"Corrected {form.get('field')} of {application.number}. Answer the request to tell the citizen.")
    return redirect(url_for("rights.detail", request_id=item.id))
