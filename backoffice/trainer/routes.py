"""The trainer workbench at /trainer: inbox, labels, disagreements, backlog, conversation review, model rounds."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.people import services as people
from backoffice.trainer import export, inbox, review, rounds
from backoffice.trainer.intents import domain_intents, service_ids
from backoffice.trainer.models import LABEL_KINDS, InboxItem, ModelRound
from trainer_capture.contract import REASONS
from trainer_capture.style import STYLE_LABELS, STYLES

blueprint = Blueprint("trainer", __name__, template_folder="templates")
TRAINER_ROLES = ("nlu_trainer", "admin")


class ActionForm(FlaskForm):
    """A POST button: the CSRF token is the whole form."""


def trainer_required(view):
    """Signed in as an NLU trainer or an administrator; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in TRAINER_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters() -> inbox.Filters:
    args = request.args
    state = args.get("state", "open")
    return inbox.Filters(
        style=args.get("style", "") if args.get("style") in STYLES else "",
        intent=args.get("intent", "")[:64],
        number=args.get("number", "")[:32],
        reason=args.get("reason", "") if args.get("reason") in REASONS else "",
        since=_date(args.get("since")),
        until=_date(args.get("until")),
        state=state if state in ("open", "disputed", "done", "all") else "open",
    )


@blueprint.get("/")
@trainer_required
def inbox_page():
    """The inbox: messages grouped by similarity, with filters and one form per group."""
    filters = _filters()
    found = inbox.items(filters)
    numbers = sorted(n for n in db.session.scalars(select(InboxItem.number).distinct()) if n)
    return render_template(
        "trainer/inbox.html", groups=inbox.groups(found), shown=len(found), filters=filters, numbers=numbers,
        intents=domain_intents(), services=service_ids(), styles=STYLE_LABELS, reasons=REASONS,
        state_of=inbox.state_of, form=ActionForm(), query=request.query_string.decode(),
    )  # fmt: skip


@blueprint.post("/label")
@trainer_required
def label():
    """Label one message or a group: an intent (with a service span), out of scope, or a new service."""
    back = url_for("trainer.inbox_page") + ("?" + request.form["query"] if request.form.get("query") else "")
    if not ActionForm().validate_on_submit():
        flash("The form expired; try again. / फ़ॉर्म की अवधि समाप्त हो गई; फिर से करें।")
        return redirect(back)
    try:
        ids = [int(i) for i in request.form.getlist("item_ids")][:500]
        kind = request.form.get("kind", "")
        entity = None
        if request.form.get("entity_value") and request.form.get("entity_end"):
            entity = {"start": request.form.get("entity_start"), "end": request.form.get("entity_end"),
                      "value": request.form.get("entity_value")}  # fmt: skip
        done = inbox.label(ids, current_user, kind if kind in LABEL_KINDS else "", request.form.get("intent"),
                           entity, people.actor_for(current_user))  # fmt: skip
    except (ValueError, TypeError) as refused:
        db.session.rollback()
        flash(str(refused) if isinstance(refused, inbox.LabelRefused) else "Bad request. / गलत अनुरोध।")
        return redirect(back), 303
    db.session.commit()
    disputed = sum(inbox.state_of(i) == "disputed" for i in done)
    flash(f"Labelled {len(done)} message(s). / {len(done)} संदेश लेबल किए गए।"
          + (f" {disputed} now disputed. / {disputed} पर असहमति।" if disputed else ""))  # fmt: skip
    return redirect(back), 303


@blueprint.get("/disputes")
@trainer_required
def disputes():
    """Messages whose trainers disagree; an administrator settles each."""
    return render_template("trainer/disputes.html", items=inbox.disputed(), form=ActionForm())


@blueprint.post("/items/<int:item_id>/resolve")
@trainer_required
def resolve(item_id: int):
    """An administrator keeps one trainer's label."""
    if current_user.role != "admin":
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        inbox.resolve(item_id, int(request.form.get("label_id", "0")), people.actor_for(current_user))
    except (inbox.LabelRefused, ValueError) as refused:
        db.session.rollback()
        flash(str(refused))
        return redirect(url_for("trainer.disputes")), 303
    db.session.commit()
    flash("Settled. / निर्णय हो गया।")
    return redirect(url_for("trainer.disputes")), 303


@blueprint.get("/backlog")
@trainer_required
def backlog():
    """Services citizens asked for that the catalog lacks."""
    return render_template("trainer/backlog.html", requests=inbox.service_requests())


@blueprint.get("/conversations/<conversation>")
@trainer_required
def conversation(conversation: str):
    """A redacted transcript with the tracker's events, fallbacks and forms; only of conversations in the inbox."""
    known = db.session.scalar(select(InboxItem.id).where(InboxItem.conversation == conversation).limit(1))
    if not review.CONVERSATION_ID.match(conversation) or known is None:
        abort(404)
    try:
        lines = review.transcript(review.tracker(conversation).get("events") or [])
        problem = None
    except review.ReviewUnavailable as error:
        lines, problem = [], str(error)
    return render_template("trainer/conversation.html", conversation=conversation, lines=lines, problem=problem,
                           highlight=request.args.get("message"))  # fmt: skip


@blueprint.get("/models")
@trainer_required
def models():
    """Exports and rounds, the model in use, and the buttons that start the next step."""
    return render_template("trainer/models.html", rounds=rounds.rounds(), current=rounds.current(),
                           running=rounds.running_model_file(), form=ActionForm())  # fmt: skip


def _start(kind: str, task: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    busy = db.session.scalar(select(ModelRound).where(ModelRound.status.in_(("queued", "running"))).limit(1))
    if busy is not None:
        flash(f"Round {busy.id} is still running; wait for it. / राउंड {busy.id} अभी चल रहा है।")
        return redirect(url_for("trainer.models")), 303
    round_ = ModelRound(kind=kind, started_by=current_user.id)
    db.session.add(round_)
    db.session.flush()
    enqueue_after_commit(db.session, task, round_.id)
    db.session.commit()
    return redirect(url_for("trainer.round_page", round_id=round_.id)), 303


@blueprint.post("/export")
@trainer_required
def start_export():
    """Write the labelled examples into data/nlu (after `rasa data validate`), on the worker."""
    return _start("export", "backoffice.trainer.tasks.export_examples")


@blueprint.get("/export.patch")
@trainer_required
def export_patch():
    """The export as a patch to download instead of writing it."""
    return Response(export.patch(), mimetype="text/x-diff",
                    headers={"Content-Disposition": "attachment; filename=trainer-export.patch"})  # fmt: skip


@blueprint.post("/train")
@trainer_required
def start_training():
    """Train and evaluate a candidate model on the worker."""
    return _start("train", "backoffice.trainer.tasks.train_and_evaluate")


@blueprint.get("/rounds/<int:round_id>")
@trainer_required
def round_page(round_id: int):
    """One round: its state, and for a trained one the before/after evaluation side by side."""
    round_ = db.session.get(ModelRound, round_id) or abort(404)
    return render_template(
        "trainer/round.html", round=round_, form=ActionForm(), running=rounds.running_model_file()
    )


@blueprint.post("/rounds/<int:round_id>/promote")
@trainer_required
def promote(round_id: int):
    """Promote an evaluated round to every Rasa instance (on the worker)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    round_ = db.session.get(ModelRound, round_id) or abort(404)
    if round_.status != "evaluated" or not round_.report.get("verdict", {}).get("promotable"):
        flash("This round cannot be promoted. / यह राउंड लागू नहीं किया जा सकता।")
        return redirect(url_for("trainer.round_page", round_id=round_id)), 303
    round_.message = None
    enqueue_after_commit(db.session, "backoffice.trainer.tasks.promote_model", round_id,
                         asdict(people.actor_for(current_user)))  # fmt: skip
    db.session.commit()
    flash("Loading the model into every Rasa instance… / मॉडल हर Rasa में लोड हो रहा है…")
    return redirect(url_for("trainer.round_page", round_id=round_id)), 303


@blueprint.post("/rollback")
@trainer_required
def rollback():
    """Put every Rasa instance back on the model before the current one (on the worker)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    round_ = rounds.current()
    if round_ is None:
        flash("Nothing to roll back. / वापस लेने को कुछ नहीं है।")
        return redirect(url_for("trainer.models")), 303
    enqueue_after_commit(db.session, "backoffice.trainer.tasks.rollback_model", round_.id,
                         asdict(people.actor_for(current_user)))  # fmt: skip
    db.session.commit()
    flash("Rolling back… / पिछला मॉडल वापस लाया जा रहा है…")
    return redirect(url_for("trainer.models")), 303
