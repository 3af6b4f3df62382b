"""Compose, target, approve (four eyes), pause, resume and report a department's broadcast."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from backoffice.applications.models import Application
from backoffice.broadcasts.models import (
    APPROVED,
    DRAFT,
    FAILED,
    PAUSED,
    PENDING,
    SENDING,
    Broadcast,
    BroadcastRecipient,
)
from backoffice.consent.services import consented_citizens
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.notifications.graph import RETRYABLE_CODES, GraphClient
from backoffice.notifications.numbers import sender_number
from backoffice.notifications.send import graph_client
from backoffice.people.models import User
from catalog import load_catalog
from whatsapp_contract.limits import MEDIA_KINDS, media_kind

SEND_TASK = "backoffice.broadcasts.tasks.send_broadcast"
# A template body parameter must stay well under Meta's 1,024 characters with the template's own words.
MAX_TEXT = 900
# Utility means non-promotional: words of an offer or a sale make it marketing, which is refused.
PROMOTIONAL = re.compile(
    r"\b(offer|discount|sale|cashback|buy now|limited time|deal|coupon|free gift|win|lottery|prize)\b"
    r"|छूट|ऑफ़र|ऑफर|सेल|इनाम|लॉटरी|मुफ़्त उपहार",
    re.IGNORECASE,
)
BROADCAST_KINDS = ("image", "video", "document")


class BroadcastRefused(Exception):
    """A broadcast that may not be made or moved; the message says why, for the officer."""


@dataclass(frozen=True)
class Media:
    """An uploaded file to attach."""

    data: bytes
    mime_type: str
    filename: str


def department_number(department: str) -> str:
    """The business number that speaks for `department` (else the general one)."""
    return sender_number(current_app.config["WHATSAPP_NUMBERS"], department, None) or ""


def _check_text(title: str, text_en: str, text_hi: str) -> None:
    if not title.strip() or not text_en.strip() or not text_hi.strip():
        raise BroadcastRefused("Give a title and the announcement in both Hindi and English.")
    if len(title) > 60 or len(text_en) > MAX_TEXT or len(text_hi) > MAX_TEXT:
        raise BroadcastRefused(f"The title is at most 60 characters and each text at most {MAX_TEXT}.")
    if PROMOTIONAL.search(" ".join((title, text_en, text_hi))):
        raise BroadcastRefused(
            "This reads as marketing (an offer or a sale). Only utility announcements are sent."
        )


def compose(
    department: str,
    by: User,
    title: str,
    text_en: str,
    text_hi: str,
    service: str | None = None,
    pincode: str | None = None,
    status: str | None = None,
    media: Media | None = None,
    client: GraphClient | None = None,
) -> Broadcast:
    """A draft of `department`'s announcement, its media uploaded through the Graph API media endpoint."""
    _check_text(title, text_en, text_hi)
    catalog = load_catalog()
    if service and (service not in catalog or catalog[service].department != department):
        raise BroadcastRefused("That service is not one of this department's.")
    if pincode and not re.fullmatch(r"[1-9]\d{5}", pincode):
        raise BroadcastRefused("A PIN code has 6 digits.")
    broadcast = Broadcast(department_code=department, title=title.strip(), text_en=text_en.strip(),
                          text_hi=text_hi.strip(), service=service or None, pincode=pincode or None,
                          status=status or None, created_by=by.username)  # fmt: skip
    if media is not None:
        kind = media_kind(media.mime_type)
        if kind not in BROADCAST_KINDS or len(media.data) > MEDIA_KINDS[kind][1]:
            raise BroadcastRefused(
                "Attach a JPEG or PNG image (5 MB), an MP4 video (16 MB) or a PDF (100 MB)."
            )
        client = client or graph_client()
        broadcast.media_id = client.upload_media(department_number(department), media.data, media.mime_type,
                                                 media.filename[:120])  # fmt: skip
        broadcast.media_kind, broadcast.media_filename = kind, media.filename[:120]
    db.session.add(broadcast)
    db.session.flush()
    return broadcast


def audience(broadcast: Broadcast):
    """A select of the ids of the department's citizens the filter picks who consented to its broadcasts."""
    query = select(Application.citizen_id).where(Application.department_code == broadcast.department_code,
                                                 Application.status != "draft")  # fmt: skip
    if broadcast.service:
        query = query.where(Application.service == broadcast.service)
    if broadcast.status:
        query = query.where(Application.status == broadcast.status)
    if broadcast.pincode:
        query = query.where(Application.answers["pincode"].as_string() == broadcast.pincode)
    consented = consented_citizens("broadcasts", broadcast.department_code)
    return query.where(Application.citizen_id.in_(consented)).distinct()


def audience_size(broadcast: Broadcast) -> int:
    """How many citizens would get it now."""
    return db.session.scalar(select(func.count()).select_from(audience(broadcast).subquery()))


def approve(broadcast: Broadcast, by: User, send_at: datetime | None) -> int:
    """The second pair of eyes: fix the recipients and send now or at `send_at`; the number of recipients."""
    if broadcast.state != DRAFT:
        raise BroadcastRefused("Only a draft can be approved.")
    if by.username == broadcast.created_by:
        raise BroadcastRefused("Another broadcaster of the department must approve it (four eyes).")
    recipients = db.session.scalars(audience(broadcast)).all()
    db.session.add_all(BroadcastRecipient(broadcast_id=broadcast.id, citizen_id=c) for c in recipients)
    broadcast.state, broadcast.approved_by, broadcast.send_at = APPROVED, by.username, send_at
    if send_at is None or send_at <= utcnow():
        enqueue_after_commit(db.session, SEND_TASK, broadcast.id)
    return len(recipients)


def resume(broadcast: Broadcast) -> None:
    """Go on after a pause: only those not yet sent are sent."""
    if broadcast.state != PAUSED:
        raise BroadcastRefused("Only a paused broadcast can be resumed.")
    broadcast.state, broadcast.paused_reason = APPROVED, None
    enqueue_after_commit(db.session, SEND_TASK, broadcast.id)


def retry_failed(broadcast: Broadcast) -> int:
    """Send again to those whose failure Meta says may pass (rate limits, its own errors); how many."""
    rows = db.session.scalars(
        select(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == broadcast.id,
                                         BroadcastRecipient.state == FAILED,
                                         BroadcastRecipient.error_code.in_(RETRYABLE_CODES))
    ).all()  # fmt: skip
    for row in rows:
        row.state = PENDING
    if rows and broadcast.state not in (SENDING, APPROVED):
        broadcast.state = APPROVED
        enqueue_after_commit(db.session, SEND_TASK, broadcast.id)
    return len(rows)


def due_scheduled() -> list[int]:
    """Approved broadcasts whose time has come (the beat sends them)."""
    return list(db.session.scalars(
        select(Broadcast.id).where(Broadcast.state == APPROVED, Broadcast.send_at <= utcnow())
    ))  # fmt: skip


def report(broadcast: Broadcast) -> dict[str, int]:
    """Recipients per outcome: pending, sent, delivered, read, failed, undeliverable."""
    counts = dict(db.session.execute(
        select(BroadcastRecipient.state, func.count()).where(BroadcastRecipient.broadcast_id == broadcast.id)
        .group_by(BroadcastRecipient.state)
    ).all())  # fmt: skip
    deliveries = dict(db.session.execute(
        select(BroadcastRecipient.delivery, func.count()).where(BroadcastRecipient.broadcast_id == broadcast.id,
                                                                BroadcastRecipient.delivery.is_not(None))
        .group_by(BroadcastRecipient.delivery)
    ).all())  # fmt: skip
    return {"recipients": sum(counts.values()), **counts, **{f"status_{k}": v for k, v in deliveries.items()}}
