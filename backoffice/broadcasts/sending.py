"""Send a broadcast: at most 80 messages a second and the number's tier of unique users per 24 h, each once.

Each recipient is claimed (pending → claimed) before its send and marked after it, so a resumed or
re-delivered send skips everyone already done. Quality and tier errors pause the broadcast; errors that
mean "this number cannot receive" mark the recipient undeliverable and never touch their consent.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
from flask import current_app
from sqlalchemy import func, or_, select, update

from backoffice.broadcasts.models import (
    APPROVED,
    CLAIMED,
    DONE,
    FAILED,
    IN_DOUBT,
    PAUSED,
    PENDING,
    SENDING,
    SENT,
    UNDELIVERABLE,
    Broadcast,
    BroadcastRecipient,
)
from backoffice.broadcasts.services import department_number
from backoffice.citizens.models import Citizen
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.notifications.graph import GraphClient, GraphError
from backoffice.notifications.send import graph_client
from catalog.model import known_language

log = logging.getLogger(__name__)
TEMPLATE = "department_announcement"
# Meta's "stop sending for now" answers: spam/quality limits, a paused or disabled template, a blocked account.
PAUSE_CODES = frozenset({131048, 132015, 132016, 368, 80007})
# Meta's "this user cannot get it": undeliverable, unsupported, ecosystem limits, not a WhatsApp user.
CANNOT_RECEIVE = frozenset({131026, 131049, 131050, 131051})
# How long a sender holds a broadcast without renewing; a killed worker's broadcast is taken over after it.
LEASE = timedelta(seconds=30)
BUSY = "busy"
# Rate limits: wait and try the same recipient again, a few times.
BACK_OFF = frozenset({130429, 131056})


class Pacer:
    """Spaces sends evenly at `rate` per second (a send may never run ahead of its slot)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):  # fmt: skip
        self.interval, self.clock, self.sleep = 1.0 / rate, clock, sleep
        self.next_at = clock()

    def wait(self) -> None:
        """Block until the next send's slot."""
        now = self.clock()
        if self.next_at > now:
            self.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def _reached_today(number: str) -> int:
    """Unique citizens this number's broadcasts reached in the last 24 h (Meta's tier counts unique users)."""
    departments = [b.department_code for b in db.session.query(Broadcast.department_code).distinct()
                   if department_number(b.department_code) == number]  # fmt: skip
    return db.session.scalar(
        select(func.count(func.distinct(BroadcastRecipient.citizen_id)))
        .join(Broadcast, Broadcast.id == BroadcastRecipient.broadcast_id)
        .where(Broadcast.department_code.in_(departments), BroadcastRecipient.state == SENT,
               BroadcastRecipient.sent_at > utcnow() - timedelta(hours=24))
    )  # fmt: skip


def _components(broadcast: Broadcast, language: str) -> tuple[str, ...]:
    text = broadcast.text_hi if language == "hi" else broadcast.text_en
    return (broadcast.title, text)


def _send_one(client: GraphClient, number: str, broadcast: Broadcast, citizen: Citizen) -> str:
    language = known_language(citizen.language)
    header = None
    if broadcast.media_id:
        media = {"id": broadcast.media_id}
        if broadcast.media_kind == "document":
            media["filename"] = broadcast.media_filename or "announcement.pdf"
        header = {"type": broadcast.media_kind, broadcast.media_kind: media}
    return client.send_template(number, citizen.wa_id, TEMPLATE, language, _components(broadcast, language),
                                header=header)  # fmt: skip


def _pause(broadcast: Broadcast, reason: str) -> str:
    broadcast.state, broadcast.paused_reason, broadcast.lease_until = PAUSED, reason[:120], None
    db.session.commit()
    log.warning("broadcast %s paused: %s", broadcast.id, reason)
    return PAUSED


def _take(broadcast_id: int) -> bool:
    """Hold the broadcast's sending lease: one sender at a time, and a dead sender's lease runs out."""
    now = utcnow()
    taken = db.session.execute(
        update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.state.in_((APPROVED, SENDING)),
                                or_(Broadcast.lease_until.is_(None), Broadcast.lease_until < now))
        .values(state=SENDING, lease_until=now + LEASE)
    ).rowcount  # fmt: skip
    db.session.commit()
    return taken == 1


def _renew(broadcast_id: int) -> bool:
    """Extend the lease; False when an officer paused the broadcast meanwhile."""
    renewed = db.session.execute(
        update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.state == SENDING)
        .values(lease_until=utcnow() + LEASE)
    ).rowcount  # fmt: skip
    db.session.commit()
    return renewed == 1


def send(broadcast_id: int, client: GraphClient | None = None, pacer: Pacer | None = None) -> str:
    """Send every pending recipient of an approved broadcast; its state when this run stops ("busy": leased)."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.state not in (APPROVED, SENDING):
        return broadcast.state if broadcast else "unknown"
    if not _take(broadcast_id):
        return BUSY
    # A recipient claimed by a sender that died may or may not have been sent: never send it twice.
    db.session.execute(
        update(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == broadcast_id,
                                         BroadcastRecipient.state == CLAIMED).values(state=IN_DOUBT)
    )  # fmt: skip
    db.session.commit()
    db.session.refresh(broadcast)
    if client is None:
        with httpx.Client(timeout=15.0) as http:
            return _send_all(broadcast, dataclasses.replace(graph_client(), http=http), pacer)
    return _send_all(broadcast, client, pacer)


def _send_all(broadcast: Broadcast, client: GraphClient, pacer: Pacer | None) -> str:
    """The sending loop of `send`, once the lease is held."""
    config = current_app.config
    broadcast_id = broadcast.id
    pacer = pacer or Pacer(config["BROADCAST_RATE"])
    number = department_number(broadcast.department_code)
    room = config["WHATSAPP_TIER_LIMIT"] - _reached_today(number) if config["WHATSAPP_TIER_LIMIT"] else None
    while True:
        batch = db.session.execute(
            select(BroadcastRecipient.id, BroadcastRecipient.citizen_id)
            .where(BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.state == PENDING)
            .order_by(BroadcastRecipient.id).limit(500)
        ).all()  # fmt: skip
        if not batch:
            break
        for recipient_id, citizen_id in batch:
            if room is not None and room <= 0:
                return _pause(broadcast, "tier: the number's unique users for 24 h are used up")
            # Wait for the slot before claiming, so a sender killed while it waits leaves nothing in doubt.
            pacer.wait()
            if not _renew(broadcast_id):
                return PAUSED  # an officer paused it from the page
            claimed = db.session.execute(
                update(BroadcastRecipient).where(BroadcastRecipient.id == recipient_id,
                                                 BroadcastRecipient.state == PENDING)
                .values(state=CLAIMED, attempts=BroadcastRecipient.attempts + 1)
            ).rowcount  # fmt: skip
            db.session.commit()
            if not claimed:
                continue
            recipient = db.session.get(BroadcastRecipient, recipient_id)
            outcome = _attempt(
                client, number, broadcast, db.session.get(Citizen, citizen_id), recipient, pacer
            )
            if outcome is not None:
                return _pause(broadcast, outcome)
            if recipient.state == SENT and room is not None:
                room -= 1
    broadcast.state, broadcast.finished_at, broadcast.lease_until = DONE, utcnow(), None
    db.session.commit()
    return DONE


def _attempt(client, number, broadcast, citizen, recipient, pacer) -> str | None:
    """Send to one recipient (backing off on rate limits); a pause reason, or None to go on."""
    for attempt in range(4):
        if attempt:
            pacer.sleep(1.0)
            pacer.wait()
        try:
            recipient.message_id = _send_one(client, number, broadcast, citizen)
        except GraphError as error:
            if error.code in BACK_OFF:
                continue
            recipient.error_code = error.code
            if error.code in PAUSE_CODES:
                recipient.state = PENDING  # never sent: the resumed broadcast sends it
                db.session.commit()
                return f"quality: Meta answered {error.code}"
            recipient.state = UNDELIVERABLE if error.code in CANNOT_RECEIVE else FAILED
            db.session.commit()
            return None
        recipient.state, recipient.sent_at = SENT, utcnow()
        db.session.commit()
        return None
    recipient.state, recipient.error_code = FAILED, 130429
    db.session.commit()
    return None


def record_statuses(statuses: dict[str, tuple[str, int | None]]) -> int:
    """Meta's latest status per message id (from the status webhooks): sent, delivered, read or failed."""
    changed = 0
    for message_id, (status, error_code) in statuses.items():
        changed += db.session.execute(
            update(BroadcastRecipient).where(BroadcastRecipient.message_id == message_id)
            .values(delivery=status, error_code=error_code if status == "failed" else BroadcastRecipient.error_code,
                    state=UNDELIVERABLE if status == "failed" and error_code in CANNOT_RECEIVE
                    else (FAILED if status == "failed" else BroadcastRecipient.state))
        ).rowcount  # fmt: skip
    db.session.commit()
    return changed
