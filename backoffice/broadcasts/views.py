"""The broadcaster's pages at /broadcasts: compose, see the audience, approve (another broadcaster), report."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from backoffice.applications.workflow import STATUS_LABELS
from backoffice.broadcasts import services
from backoffice.broadcasts.models import DRAFT, PAUSED, SENDING, Broadcast
from backoffice.broadcasts.statuses import refresh
from backoffice.core.clock import IST
from backoffice.extensions import db
from backoffice.notifications.graph import GraphError
from catalog import load_catalog

blueprint = Blueprint("broadcasts", __name__, template_folder="templates")


def broadcaster_required(view):
    """Signed in as a broadcaster of a department; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "broadcaster" or not current_user.department_code:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


class ComposeForm(FlaskForm):
    """A new announcement and whom it is for."""

    title = StringField("Title / शीर्षक", validators=[DataRequired(), Length(max=60)])
    text_en = TextAreaField("English", validators=[DataRequired(), Length(max=services.MAX_TEXT)])
    text_hi = TextAreaField("हिन्दी", validators=[DataRequired(), Length(max=services.MAX_TEXT)])
    service = SelectField("Service / सेवा", choices=[], validators=[Optional()])
    pincode = StringField("PIN code", validators=[Optional(), Length(max=6)])
    status = SelectField("Application status", choices=[], validators=[Optional()])
    media = FileField("Image, video or PDF (optional)")


class ApproveForm(FlaskForm):
    """Approve: now, or at a time in Delhi."""

    send_at = StringField("Send at (IST, empty for now)", validators=[Optional()])


class ActionForm(FlaskForm):
    """Pause, resume or retry (the CSRF token is the whole form)."""


def _mine(broadcast_id: int) -> Broadcast:
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.department_code != current_user.department_code:
        abort(404)  # another department's broadcast does not exist for this user
    return broadcast


def _compose_form() -> ComposeForm:
    form = ComposeForm()
    department = current_user.department_code
    form.service.choices = [("", "—")] + [(s.id, s.name.en) for s in load_catalog().values()
                                          if s.department == department]  # fmt: skip
    form.status.choices = [("", "—")] + [(k, en) for k, (en, _) in STATUS_LABELS.items() if k != "draft"]
    return form


@blueprint.route("/broadcasts", methods=["GET", "POST"])
@broadcaster_required
def index():
    """The department's broadcasts and the form for a new one."""
    form = _compose_form()
    if form.validate_on_submit():
        upload = request.files.get("media")
        media = None
        if upload and upload.filename:
            media = services.Media(upload.read(), upload.mimetype or "", upload.filename)
        try:
            made = services.compose(current_user.department_code, current_user, form.title.data, form.text_en.data,
                                    form.text_hi.data, form.service.data, form.pincode.data.strip() or None,
                                    form.status.data, media)  # fmt: skip
        except services.BroadcastRefused as refused:
            db.session.rollback()
            flash(str(refused))
        except GraphError:
            db.session.rollback()
            flash("The file could not be uploaded to WhatsApp just now. Please try again.")
        else:
            db.session.commit()
            return redirect(url_for("broadcasts.detail", broadcast_id=made.id))
    rows = db.session.scalars(
        select(Broadcast).where(Broadcast.department_code == current_user.department_code)
        .order_by(Broadcast.created_at.desc())
    ).all()  # fmt: skip
    return render_template("broadcasts/index.html", form=form, broadcasts=rows)


@blueprint.get("/broadcasts/<int:broadcast_id>")
@broadcaster_required
def detail(broadcast_id: int):
    """The announcement, its audience (before approval) or its report (after)."""
    broadcast = _mine(broadcast_id)
    if broadcast.state != DRAFT:
        refresh(broadcast.id)
    return render_template(
        "broadcasts/detail.html", broadcast=broadcast, approve=ApproveForm(), action=ActionForm(),
        audience=services.audience_size(broadcast) if broadcast.state == DRAFT else None,
        report=services.report(broadcast), may_approve=broadcast.created_by != current_user.username,
    )  # fmt: skip


@blueprint.post("/broadcasts/<int:broadcast_id>/approve")
@broadcaster_required
def approve(broadcast_id: int):
    """The second broadcaster approves; it goes now or at the time given."""
    broadcast = _mine(broadcast_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    send_at = None
    if form.send_at.data:
        try:
            local = datetime.fromisoformat(form.send_at.data)
        except ValueError:
            flash("Give the time as 2026-12-24T10:00.")
            return redirect(url_for("broadcasts.detail", broadcast_id=broadcast_id))
        send_at = (local if local.tzinfo else local.replace(tzinfo=IST)).astimezone(UTC).replace(tzinfo=None)
    try:
        count = services.approve(broadcast, current_user, send_at)
    except services.BroadcastRefused as refused:
        db.session.rollback()
        flash(str(refused))
    else:
        db.session.commit()
        flash(f"Approved for {count} citizens.")
    return redirect(url_for("broadcasts.detail", broadcast_id=broadcast_id))


@blueprint.post("/broadcasts/<int:broadcast_id>/<any(pause, resume, retry):move>")
@broadcaster_required
def act(broadcast_id: int, move: str):
    """Pause a sending broadcast, resume a paused one, or retry the failures Meta allows."""
    broadcast = _mine(broadcast_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if move == "pause":
            if broadcast.state != SENDING:
                raise services.BroadcastRefused("Only a broadcast being sent can be paused.")
            broadcast.state, broadcast.paused_reason = PAUSED, f"paused by {current_user.username}"
        elif move == "resume":
            services.resume(broadcast)
        else:
            flash(f"{services.retry_failed(broadcast)} recipients will be tried again.")
    except services.BroadcastRefused as refused:
        db.session.rollback()
        flash(str(refused))
    else:
        db.session.commit()
    return redirect(url_for("broadcasts.detail", broadcast_id=broadcast_id))
