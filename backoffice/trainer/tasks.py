"""The trainer room's Celery tasks: draining the capture queue, exports and model rounds (on the worker)."""

from __future__ import annotations

from celery import shared_task

from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.trainer import capture, rounds


@shared_task(name="backoffice.trainer.tasks.drain_captures")
def drain_captures() -> int:
    """Move what the bot queued into the inbox (beat, every TRAINER_DRAIN_SECONDS)."""
    return capture.drain(capture.capture_queue())


@shared_task(name="backoffice.trainer.tasks.export_examples")
def export_examples(round_id: int) -> None:
    """Write the labelled examples into the NLU folder if `rasa data validate` passes."""
    rounds.run_export(round_id)


# Training may take many minutes; no automatic retry (a failed round is shown and started again by hand).
@shared_task(name="backoffice.trainer.tasks.train_and_evaluate", acks_late=False)
def train_and_evaluate(round_id: int) -> None:
    """Train a candidate and score it against the running model on the held-out split."""
    rounds.run_training(round_id)


@shared_task(name="backoffice.trainer.tasks.promote_model")
def promote_model(round_id: int, actor: dict) -> None:
    """Load a round's model into every Rasa instance; a refusal is written on the round."""
    try:
        rounds.promote(round_id, Actor(**actor))
        db.session.commit()
    except rounds.PromotionRefused as refused:
        db.session.rollback()
        rounds.note(round_id, str(refused))


@shared_task(name="backoffice.trainer.tasks.rollback_model")
def rollback_model(round_id: int, actor: dict) -> None:
    """Put every Rasa instance back on the previous model."""
    try:
        rounds.rollback(Actor(**actor))
        db.session.commit()
    except rounds.PromotionRefused as refused:
        db.session.rollback()
        rounds.note(round_id, str(refused))
