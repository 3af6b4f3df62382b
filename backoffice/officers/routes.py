"""Officer screens: queue with filters and bulk assignment, application page with actions, document viewer."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from backoffice.applications import deadlines, workflow
from backoffice.applications.models import Application, ApplicationEvent
from backoffice.applications.queue import QueueFilters, queue_page
from backoffice.audit import services as audit
from backoffice.core.clock import today_ist
from backoffice.documents import services as documents
from backoffice.extensions import db
from backoffice.officers.access import office_required, scope, visible_application, visible_document
from backoffice.officers.forms import AssignForm, TransitionForm
from backoffice.officers.labels import MOVE_LABELS, answer_rows
from backoffice.people import services as people
from backoffice.people.models import DEPARTMENT_ROLES, User
from backoffice.vault import services as vault
from catalog import load_catalog

blueprint = Blueprint("officers", __name__, template_folder="templates")
# Moves with their own form elsewhere (an assessed fee needs an amount: the payments panel).
OWN_FORMS = frozenset({"assess_fee"})


@blueprint.get("/")
def home():
    """The queue is the officer's home page."""
    return redirect(url_for("officers.queue"))


def _department_officers(department: str | None) -> list[User]:
    query = (
        select(User).where(User.active.is_(True), User.role.in_(DEPARTMENT_ROLES)).order_by(User.full_name)
    )
    if department is not None:
        query = query.where(User.department_code == department)
    return list(db.session.scalars(query))


@blueprint.get("/queue")
@office_required
def queue():
    """The department's applications, most urgent first."""
    args = request.args
    filters = QueueFilters(
        service=args.get("service", ""),
        status=args.get("status", "open"),
        deadline=args.get("deadline", ""),
        search=args.get("q", "")[:40],
        page=args.get("page", 1, type=int) or 1,
    )
    department = scope(current_user)
    today = today_ist()
    page = queue_page(department, filters, today, current_app.config["QUEUE_PAGE_SIZE"])
    catalog = load_catalog()
    services = [s for s in catalog.values() if department is None or s.department == department]
    html = render_template(
        "queue.html",
        page=page,
        filters=filters,
        services=services,
        catalog=catalog,
        statuses=workflow.STATUS_LABELS,
        state=lambda a: deadlines.deadline_state(
            a.decision_by, today, a.decided_at, a.status == workflow.QUERY_RAISED
        ),
        officers=_department_officers(department),
        form=AssignForm(),
    )
    # Recorded after rendering: committing first would expire every row and reload each one for the page.
    audit.record(
        people.actor_for(current_user),
        "queue.viewed",
        f"department:{department or '*'}",
        {
            "filters": {k: v for k, v in filters.__dict__.items() if v},
            "shown": [a.id for a in page.applications],
        },
    )
    db.session.commit()
    return html


@blueprint.post("/queue/assign")
@office_required
def assign():
    """Assign the ticked applications to one officer of the same department."""
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    officer = db.session.get(User, form.officer.data or 0)
    actor = people.actor_for(current_user)
    chosen = [visible_application(current_user, i) for i in form.application_ids.data or []]
    if officer is None or not officer.active or officer.role not in DEPARTMENT_ROLES:
        flash("Choose an officer to assign to.")
        return redirect(request.referrer or url_for("officers.queue"))
    for application in chosen:
        if officer.department_code != application.department_code:
            flash(f"{officer.full_name} is not in the department of {application.number}.")
            db.session.rollback()
            return redirect(request.referrer or url_for("officers.queue"))
        application.assigned_to_id = officer.id
        db.session.add(
            ApplicationEvent(
                application=application, kind="assigned", actor=actor.label, note=officer.full_name
            )
        )
        audit.record(actor, "application.assigned", f"application:{application.id}", {"to": officer.username})
    db.session.commit()
    flash(f"{len(chosen)} application(s) assigned to {officer.full_name}.")
    return redirect(request.referrer or url_for("officers.queue"))


@blueprint.get("/applications/<int:application_id>")
@office_required
def application(application_id: int):
    """An application: answers with catalog labels, documents, history, and the moves this officer may make."""
    record = visible_application(current_user, application_id)
    actor = people.actor_for(current_user)
    service = load_catalog().get(record.service)
    html = render_template(
        "application.html",
        application=record,
        service=service,
        answers=answer_rows(service, record.answers),
        same_aadhaar=_same_aadhaar(record),
        moves=[m for m in workflow.allowed(record, actor) if m.name not in OWN_FORMS],
        state=deadlines.deadline_state(
            record.decision_by, today_ist(), record.decided_at, record.status == workflow.QUERY_RAISED
        ),
        status_label=workflow.status_label,
        form=TransitionForm(),
        move_labels=MOVE_LABELS,
    )
    audit.record(actor, "application.viewed", f"application:{record.id}", {"number": record.number})
    db.session.commit()
    return html


def _same_aadhaar(record: Application) -> list[Application]:
    """Other submitted applications with the same Aadhaar number (keyed digest), of departments the user sees."""
    department = scope(current_user)
    others = (db.session.get(Application, i) for i in vault.sharing_the_number(record.id))
    return [a for a in others if a is not None and a.number and department in (None, a.department_code)]


@blueprint.post("/applications/<int:application_id>/move")
@office_required
def move(application_id: int):
    """Make one workflow move (approve, reject with reason, raise a query, …)."""
    record = visible_application(current_user, application_id)
    form = TransitionForm()
    if not form.validate_on_submit() or form.move.data in OWN_FORMS:
        abort(400)
    try:
        workflow.transition(record, form.move.data, people.actor_for(current_user), form.reason.data)
    except workflow.TransitionRefused as refused:
        db.session.rollback()
        messages = {
            "reason_required": "Please give a reason (for a query: the question to the citizen).",
            "forbidden": "Your role cannot make this move.",
        }
        flash(messages.get(refused.code, f"Not possible: {refused}"))
        return redirect(url_for("officers.application", application_id=application_id)), 303
    db.session.commit()
    flash(f"{record.number}: {workflow.status_label(record.status)['en']}.")
    return redirect(url_for("officers.application", application_id=application_id)), 303


@blueprint.get("/applications/<int:application_id>/documents/<document_id>")
@office_required
def document(application_id: int, document_id: str):
    """One document of the application, decrypted, shown inline (the page's viewer)."""
    record = visible_document(current_user, application_id, document_id)
    audit.record(
        people.actor_for(current_user),
        "document.viewed",
        f"document:{record.id}",
        {"application": application_id},
    )
    db.session.commit()
    response = Response(documents.read(record), mimetype=record.mime_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
