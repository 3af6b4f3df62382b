"""What the trainers work on: captured messages, their labels, the service backlog and the model rounds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.people.models import User

# What a label says about a message.
INTENT, OUT_OF_SCOPE, NEW_SERVICE = "intent", "out_of_scope", "new_service"
LABEL_KINDS = (INTENT, OUT_OF_SCOPE, NEW_SERVICE)


class InboxItem(db.Model):
    """One citizen message the bot misunderstood, redacted before it got here (trainer_capture/)."""

    __tablename__ = "trainer_inbox_items"
    # The same message is queued once per reason; a redelivered queue entry must not appear twice.
    __table_args__ = (Index("ux_trainer_inbox_items_message_reason", "message_id", "reason", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))  # fallback | low_confidence | correction | handover
    text: Mapped[str] = mapped_column(Text)
    conversation: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[str | None] = mapped_column(String(128))
    number: Mapped[str | None] = mapped_column(String(32))  # the business number (phone_number_id) written to
    said_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    style: Mapped[str] = mapped_column(String(12))
    previous_question: Mapped[str | None] = mapped_column(Text)
    active_form: Mapped[str | None] = mapped_column(String(64))
    # Set when the labels agree, or an administrator settles a disagreement.
    final_kind: Mapped[str | None] = mapped_column(String(16))
    final_intent: Mapped[str | None] = mapped_column(String(64))
    final_entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    labels: Mapped[list[Label]] = relationship(back_populates="item", order_by="Label.id")


class Label(db.Model):
    """One trainer's reading of one message; a second trainer's different reading is a disagreement."""

    __tablename__ = "trainer_labels"
    # One label per trainer and message: labelling again replaces one's own, never another's.
    __table_args__ = (Index("ux_trainer_labels_item_trainer", "item_id", "trainer_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("trainer_inbox_items.id"), index=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    # [{"entity": "service", "value": <catalog id>, "start", "end"}] over the redacted text.
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    labelled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[InboxItem] = relationship(back_populates="labels")
    trainer: Mapped[User] = relationship()


class ServiceRequest(db.Model):
    """A message asking for a service the catalog does not offer: the catalog team's backlog."""

    __tablename__ = "trainer_service_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("trainer_inbox_items.id"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ModelRound(db.Model):
    """One export or train-and-evaluate job, and (for a trained model) its promotion and rollback."""

    __tablename__ = "trainer_model_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # export | train
    # queued | running | failed | exported | evaluated | promoted | retired
    status: Mapped[str] = mapped_column(String(12), default="queued")
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str | None] = mapped_column(Text)  # the validator's or trainer's words when it failed
    model_file: Mapped[str | None] = mapped_column(String(400))
    baseline_file: Mapped[str | None] = mapped_column(String(400))
    # {"before": evaluation, "after": evaluation, "verdict": {...}} (see rounds.py)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    examples: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime)
    promoted_to: Mapped[list[str]] = mapped_column(JSON, default=list)
