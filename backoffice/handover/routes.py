"""The officer inbox at `/inbox`: handed-over conversations of the officer's department, live over SSE."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from backoffice.audit import services as audit
from backoffice.core.clock import utcnow
from backoffice.core.problems import Problem
from backoffice.extensions import db
from backoffice.handover import live, services
from backoffice.handover.forms import ActionForm, ReplyForm
from backoffice.handover.models import Handover
from backoffice.officers.access import office_required, scope
from backoffice.people import services as people
from backoffice.people.models import Department

blueprint = Blueprint("handover", __name__, template_folder="templates")


def visible_handover(handover_id: int) -> Handover:
    """A handover of the officer's department (any for administrators); 404 otherwise, as if absent."""
    handover = db.session.get(Handover, handover_id)
    department = scope(current_user)
    if handover is None or (department is not None and handover.department_code != department):
        abort(404)
    return handover


def _departments(department: str | None) -> list[str]:
    if department is not None:
        return [department]
    return [*db.session.scalars(db.select(Department.code).order_by(Department.code)), services.GENERAL]


@blueprint.get("/inbox")
@office_required
def inbox():
    """Conversations waiting or held, the longest waiting first, with each department's service level."""
    department = scope(current_user)
    now = utcnow()
    handovers = services.visible_handovers(department)
    live.mark_online(department, current_user.id)
    html = render_template(
        "inbox.html",
        handovers=handovers,
        levels={code: services.service_level(code, now) for code in _departments(department)},
        now=now,
        hours=services.office_hours(),
    )
    audit.record(people.actor_for(current_user), "inbox.viewed", f"department:{department or '*'}",
                 {"shown": [h.id for h in handovers]})  # fmt: skip
    db.session.commit()
    return html


@blueprint.get("/inbox/events")
@office_required
def events():
    """Server-sent events: something changed in this department's inbox (bounded; the browser reconnects)."""
    department = scope(current_user)
    live.mark_online(department, current_user.id)
    seconds = current_app.config["HANDOVER_SSE_SECONDS"]
    db.session.remove()  # the stream holds no database connection while it waits
    response = Response(stream_with_context(live.events(department, seconds)), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx must pass events on at once
    return response


@blueprint.get("/inbox/<int:handover_id>")
@office_required
def conversation(handover_id: int):
    """One conversation: every message with its delivery, earlier handovers, and the citizen's applications."""
    handover = visible_handover(handover_id)
    live.mark_online(scope(current_user), current_user.id)
    html = render_template(
        "conversation.html",
        handover=handover,
        history=services.history(handover),
        applications=services.citizen_applications(handover),
        outcome=lambda m: live.outcome(m.wamid, f"handover-message:{m.id}") if m.author != "citizen" and m.delivery else {},
        now=utcnow(),
        reply_form=ReplyForm(),
        action_form=ActionForm(),
    )  # fmt: skip
    audit.record(people.actor_for(current_user), "handover.viewed", f"handover:{handover.id}", {})
    db.session.commit()
    return html


@blueprint.post("/inbox/<int:handover_id>/claim")
@office_required
def claim(handover_id: int):
    """Take the conversation; a second officer is told someone else was first."""
    handover = visible_handover(handover_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.claim(handover, current_user):
        db.session.commit()
        live.publish(handover.department_code, handover.id, "claim")
        flash("You have the conversation. The citizen sees your replies on WhatsApp.")
    else:
        db.session.rollback()
        flash("Another officer already took this conversation.")
    return redirect(url_for("handover.conversation", handover_id=handover_id)), 303


@blueprint.post("/inbox/<int:handover_id>/reply")
@office_required
def reply(handover_id: int):
    """Answer the citizen on WhatsApp."""
    handover = visible_handover(handover_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash("Write a reply of at most 4,096 characters.")
        return redirect(url_for("handover.conversation", handover_id=handover_id)), 303
    try:
        services.reply(handover, current_user, form.text.data)
    except Problem as refused:
        db.session.rollback()
        flash(f"Not sent: {refused.detail}.")
        return redirect(url_for("handover.conversation", handover_id=handover_id)), 303
    db.session.commit()
    live.publish(handover.department_code, handover.id, "message")
    return redirect(url_for("handover.conversation", handover_id=handover_id)), 303


@blueprint.post("/inbox/<int:handover_id>/hand-back")
@office_required
def hand_back(handover_id: int):
    """End the handover: the bot answers the citizen again."""
    handover = visible_handover(handover_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.hand_back(handover, current_user)
    except Problem as refused:
        db.session.rollback()
        flash(f"Not possible: {refused.detail}.")
        return redirect(url_for("handover.conversation", handover_id=handover_id)), 303
    db.session.commit()
    live.publish(handover.department_code, handover.id, "closed")
    flash("The conversation is back with the bot.")
    return redirect(url_for("handover.inbox")), 303
