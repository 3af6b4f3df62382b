"""Send a broadcast: at most its number's rate (80 msg/s, shared by every broadcast from that number) and the
number's tier of unique users per 24 h, each recipient once.

Recipients are taken a batch at a time: one statement claims them (pending → claimed, skipping rows another
sender holds), one checks their consent, the batch goes out as fast as the number's one-second window lets it, and one statement records
the outcomes. A resumed or re-delivered send skips everyone already done; a sender killed mid-batch leaves
its batch claimed, and the next sender marks those in doubt rather than risk sending anyone twice. Quality
and tier errors pause the broadcast; errors that mean "this number cannot receive" mark the recipient
undeliverable and never touch their consent.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

import httpx
from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import exists, func, or_, select, update

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
    SUPPRESSED,
    UNDELIVERABLE,
    Broadcast,
    BroadcastRecipient,
)
from backoffice.broadcasts.services import department_number
from backoffice.citizens.models import Citizen
from backoffice.consent.services import may_send_many
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.jobs.redis_client import redis_client
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
# Batches claimed at once: the one going out and two waiting (half a second at 80/s and batches of 20), which a
# killed sender leaves in doubt.
AHEAD = 3
# How often a sender waiting for a place in the number's window looks again when the first to free is in flight.
POLL = 0.005
TIER_USED_UP = "tier: the number's unique users for 24 h are used up"


# The number's sliding window, a sorted set in Redis: one member per send, scored with the time it stops
# counting. A send counts from the moment it may start until one second after its answer came back: Meta
# stamps a message somewhere between the two, so 81 stamps in one second would need 81 members at once, which
# the window never holds. In flight, a member counts for `hold` seconds at most (a killed sender's sends free
# their places then); its answer sets the real end. Times are Redis's (senders on several hosts agree) unless a
# test gives them.
_CLOCK = """
local function clock(given)
  local now = tonumber(given)
  if now ~= nil then return now end
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""
_TAKE = (
    _CLOCK
    + """
local now = clock(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local free = tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1])
if free <= 0 then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, string.format('%.6f', tonumber(first[2]) - now)}
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 60)
return {1, '0'}
"""
)
_DONE = (
    _CLOCK
    + """
local now = clock(ARGV[3])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
return 1
"""
)


class NumberWindow:
    """At most `rate` sends of one business number in any one second, shared (in Redis) by every broadcast
    and every process sending from that number: Meta's throughput cap is per number.

    `take()` blocks until the send may start and names it; `done(name)` once its answer is back.
    """

    def __init__(self, redis: Redis, number: str, rate: float, hold: float = LEASE.total_seconds(),
                 sleep: Callable[[float], None] = time.sleep):  # fmt: skip
        self.key = f"{current_app.config['BROADCAST_PACE_PREFIX']}:{number}"
        self.limit, self.hold, self.sleep = int(rate), hold, sleep
        self._take, self._done = redis.register_script(_TAKE), redis.register_script(_DONE)

    def try_take(self, name: str, at: float | None = None) -> float:
        """Count send `name` in the window if it has room (0.0), else how long until its first place frees.

        `at`: the time on Redis's clock, for tests; Redis's own time otherwise. Raises RedisError when Redis
        is away.
        """
        clock = [] if at is None else [repr(at)]
        taken, wait = self._take(keys=[self.key], args=[self.limit, repr(self.hold), name, *clock])
        return 0.0 if int(taken) else max(float(wait), 1e-6)  # a refusal never reads as 0 (rounding)

    def take(self) -> str:
        """Block until a send may start; its name for `done`."""
        name = uuid.uuid4().hex
        while (wait := self.try_take(name)) > 0:
            # The first place to free may be a send in flight, whose answer can free it before `wait`.
            self.sleep(min(wait, POLL))
        return name

    def done(self, name: str, at: float | None = None) -> None:
        """Send `name` was answered: it counts one more second from now (or from `at`, for tests)."""
        self._done(keys=[self.key], args=[1.0, name, *([] if at is None else [repr(at)])])


@dataclasses.dataclass
class Outcome:
    """What became of one claimed recipient, written back with the rest of its batch."""

    id: int
    state: str
    message_id: str | None = None
    error_code: int | None = None
    sent_at: datetime | None = None


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


@dataclasses.dataclass(frozen=True)
class Announcement:
    """What every recipient of one broadcast gets, read once (the sending threads never touch the database)."""

    number: str
    title: str
    texts: dict[str, str]
    header: dict | None

    @classmethod
    def of(cls, broadcast: Broadcast) -> Announcement:
        """The broadcast's template parts and its media header, if any."""
        header = None
        if broadcast.media_id:
            media = {"id": broadcast.media_id}
            if broadcast.media_kind == "document":
                media["filename"] = broadcast.media_filename or "announcement.pdf"
            header = {"type": broadcast.media_kind, broadcast.media_kind: media}
        return cls(department_number(broadcast.department_code), broadcast.title,
                   {"hi": broadcast.text_hi, "en": broadcast.text_en}, header)  # fmt: skip

    def send(self, client: GraphClient, wa_id: str, language: str) -> str:
        """Send it to one citizen in their language; Meta's message id."""
        return client.send_template(self.number, wa_id, TEMPLATE, language, (self.title, self.texts[language]),
                                    header=self.header)  # fmt: skip


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


def send(broadcast_id: int, client: GraphClient | None = None) -> str:
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
            return _send_all(broadcast, dataclasses.replace(graph_client(), http=http))
    return _send_all(broadcast, client)


def _claim(broadcast: Broadcast, size: int) -> list[tuple[int, str, str]] | None:
    """The next batch to send: (recipient, wa_id, language) of up to `size` pending recipients with consent.

    None when an officer paused the broadcast meanwhile; an empty list when nobody is left.
    """
    while True:
        batch = _claim_once(broadcast, size)
        if batch is None or batch:
            return batch
        if not _pending_left(broadcast.id):
            return []
        # A batch of withdrawals only: take the next.


def _claim_once(broadcast: Broadcast, size: int) -> list[tuple[int, str, str]] | None:
    """Renew the lease and claim up to `size` pending recipients in one transaction; those who withdrew
    consent since the approval are marked suppressed (and counted as such), the rest returned."""
    renewed = db.session.execute(
        update(Broadcast).where(Broadcast.id == broadcast.id, Broadcast.state == SENDING)
        .values(lease_until=utcnow() + LEASE)
    ).rowcount  # fmt: skip
    if renewed != 1:
        db.session.commit()
        return None
    waiting = (
        select(BroadcastRecipient.id)
        .where(BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.state == PENDING)
        .order_by(BroadcastRecipient.id).limit(size).with_for_update(skip_locked=True)
    )  # fmt: skip
    claimed = db.session.execute(
        update(BroadcastRecipient).where(BroadcastRecipient.id.in_(waiting))
        .values(state=CLAIMED, attempts=BroadcastRecipient.attempts + 1)
        .returning(BroadcastRecipient.id, BroadcastRecipient.citizen_id)
        .execution_options(synchronize_session=False)
    ).all()  # fmt: skip
    if not claimed:
        db.session.commit()
        return []
    # Consent is read again at the send: a citizen may have said STOP since the approval.
    allowed = may_send_many([citizen for _, citizen in claimed], "broadcasts", f"broadcast:{broadcast.id}",
                            broadcast.department_code)  # fmt: skip
    held_back = [recipient for recipient, citizen in claimed if citizen not in allowed]
    if held_back:
        db.session.execute(
            update(BroadcastRecipient).where(BroadcastRecipient.id.in_(held_back)).values(state=SUPPRESSED)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
    addresses = dict(db.session.execute(
        select(Citizen.id, Citizen).where(Citizen.id.in_(allowed))
    ).all()) if allowed else {}  # fmt: skip
    batch = [(recipient, addresses[citizen].wa_id, known_language(addresses[citizen].language))
             for recipient, citizen in claimed if citizen in allowed]  # fmt: skip
    db.session.commit()
    return batch


def _record(outcomes: list[Outcome]) -> None:
    """Write a batch's outcomes in one statement (one row each, by primary key)."""
    if outcomes:
        db.session.execute(update(BroadcastRecipient), [dataclasses.asdict(o) for o in outcomes])
    db.session.commit()


def _pending_left(broadcast_id: int) -> bool:
    return db.session.scalar(select(exists().where(BroadcastRecipient.broadcast_id == broadcast_id,
                                                   BroadcastRecipient.state == PENDING)))  # fmt: skip


class Dispatcher(threading.Thread):
    """Starts each claimed batch's sends as the number's window frees places while the caller claims and records
    the others.

    The database work of one batch (recording its outcomes, claiming the next) happens while the batch before
    is still going out, so the pace never waits for it; a sender killed meanwhile leaves those claimed (`AHEAD` batches) in doubt.
    """

    def __init__(self, app: Flask, pool: ThreadPoolExecutor, senders: int, client: GraphClient,
                 announcement: Announcement, window: NumberWindow):  # fmt: skip
        super().__init__(name="broadcast-dispatcher", daemon=True)
        self.app, self.pool, self.client = app, pool, client
        self.announcement, self.window = announcement, window
        self.claimed: queue.Queue = queue.Queue()  # batches to send, in order (the caller keeps two at most)
        self.dispatched: queue.Queue = queue.Queue()  # (batch, started sends, RedisError or None)
        self.stop = threading.Event()  # Meta said stop, an officer paused, or the caller gave up
        self.free = threading.Semaphore(senders)  # sender threads not busy with a send

    def run(self) -> None:
        while (batch := self.claimed.get()) is not None:
            if self.stop.is_set():
                self.dispatched.put((batch, [], None))
                continue
            started: list[Future] = []
            try:
                self._dispatch(batch, started)
            except RedisError as error:
                self.dispatched.put((batch, started, error))
                continue
            self.dispatched.put((batch, started, None))

    def _dispatch(self, batch: list[tuple[int, str, str]], started: list[Future]) -> None:
        for _, wa_id, language in batch:
            # Only with a sender free: a send queued behind busy ones would start later than its place.
            self.free.acquire()
            try:
                name = self.window.take()
            except RedisError:
                self.free.release()
                raise
            if self.stop.is_set():
                self._done(name)
                self.free.release()
                return
            future = self.pool.submit(_in_app, self.app, self.announcement, self.client, wa_id, language)
            future.add_done_callback(functools.partial(self._on_done, name))
            started.append(future)

    def _done(self, name: str) -> None:
        try:
            self.window.done(name)
        except RedisError as error:  # its place frees when its hold runs out instead
            log.warning("broadcast send not marked done in the window: %s", error)

    def _on_done(self, name: str, future: Future) -> None:
        self._done(name)
        self.free.release()
        error = future.exception()
        if isinstance(error, GraphError) and error.code in PAUSE_CODES:
            self.stop.set()  # Meta says stop: start no more

    def close(self) -> None:
        """Start nothing more and end the thread once it has handed back what it holds."""
        self.stop.set()
        self.claimed.put(None)
        self.join()


def _send_all(broadcast: Broadcast, client: GraphClient) -> str:
    """The sending loop of `send`, once the lease is held: claim ahead, record behind, the dispatcher between."""
    config = current_app.config
    announcement = Announcement.of(broadcast)
    window = NumberWindow(redis_client(), announcement.number, config["BROADCAST_RATE"])
    # Unique users the tier still allows, less those claimed and not yet recorded.
    room = (
        config["WHATSAPP_TIER_LIMIT"] - _reached_today(announcement.number)
        if config["WHATSAPP_TIER_LIMIT"]
        else None
    )
    reason = None  # why this run stops early: a pause reason, PAUSED (by an officer) or BUSY (Redis away)
    in_flight = 0
    # A few sends in flight at once, each started as the window frees a place: the Graph API's answer time then
    # does not slow the pace (one at a time, a 15 ms answer alone would cap it at 66/s).
    senders = config["BROADCAST_SENDERS"]
    with ThreadPoolExecutor(senders, thread_name_prefix="broadcast") as pool:
        dispatcher = Dispatcher(
            current_app._get_current_object(), pool, senders, client, announcement, window
        )
        dispatcher.start()
        try:
            while True:
                # Keep claimed batches waiting behind the one going out, so the dispatcher never waits for us.
                while reason is None and in_flight < AHEAD and not dispatcher.stop.is_set():
                    if room is not None and room <= 0:
                        if in_flight == 0 and _pending_left(broadcast.id):
                            reason = TIER_USED_UP
                        break
                    size = config["BROADCAST_BATCH"] if room is None else min(config["BROADCAST_BATCH"], room)
                    batch = _claim(broadcast, size)
                    if batch is None:
                        reason = PAUSED  # an officer paused it from the page
                        dispatcher.stop.set()
                    if not batch:
                        break
                    if room is not None:
                        room -= len(batch)
                    dispatcher.claimed.put(batch)
                    in_flight += 1
                if in_flight == 0:
                    break
                batch, started, redis_error = dispatcher.dispatched.get()
                in_flight -= 1
                if redis_error is not None:
                    # Nothing of this batch was sent: it goes back, and the task comes again later.
                    log.warning("broadcast %s waits for Redis: %s", broadcast.id, redis_error)
                    reason = reason or BUSY
                    dispatcher.stop.set()
                outcomes, pause = _outcomes(announcement, client, window, batch, started, dispatcher.stop)
                _record(outcomes)
                if room is not None:
                    room += sum(1 for o in outcomes if o.state != SENT)
                if pause is not None:
                    reason = pause
        finally:
            dispatcher.close()
    if reason == BUSY:
        db.session.execute(update(Broadcast).where(Broadcast.id == broadcast.id).values(lease_until=None))
        db.session.commit()
        return BUSY
    if reason == PAUSED:
        return PAUSED
    if reason is not None:
        return _pause(broadcast, reason)
    broadcast.state, broadcast.finished_at, broadcast.lease_until = DONE, utcnow(), None
    db.session.commit()
    return DONE


def _in_app(app: Flask, announcement: Announcement, client: GraphClient, wa_id: str, language: str) -> str:
    with app.app_context():  # the client's sent-counter reads the app's Redis
        return announcement.send(client, wa_id, language)


def _outcomes(announcement, client, window, batch, started, stop) -> tuple[list[Outcome], str | None]:
    """Every recipient's outcome once its send answered (never started: pending again), and a pause reason."""
    outcomes = [Outcome(recipient, PENDING) for recipient, _, _ in batch[len(started) :]]
    reason = None
    for (recipient, wa_id, language), future in zip(batch, started, strict=False):
        error = future.exception()
        message_id = None
        if isinstance(error, GraphError) and error.code in BACK_OFF and not stop.is_set():
            error, message_id = _retry(announcement, client, wa_id, language, window)
        elif error is None:
            message_id = future.result()
        if error is None:
            outcomes.append(Outcome(recipient, SENT, message_id, None, utcnow()))
        elif not isinstance(error, GraphError):
            raise error
        elif error.code in PAUSE_CODES or (error.code in BACK_OFF and stop.is_set()):
            outcomes.append(Outcome(recipient, PENDING, None, error.code))  # never sent: a resume sends it
            if error.code in PAUSE_CODES:
                reason = f"quality: Meta answered {error.code}"
        else:
            state = UNDELIVERABLE if error.code in CANNOT_RECEIVE else FAILED
            outcomes.append(Outcome(recipient, state, None, error.code))
    return outcomes, reason


def _retry(announcement, client, wa_id, language, window) -> tuple[GraphError | None, str | None]:
    """Meta said "too fast": try the same recipient again a few times, a second apart, each in the window."""
    for _ in range(3):
        window.sleep(1.0)
        name = window.take()
        try:
            return None, announcement.send(client, wa_id, language)
        except GraphError as error:
            if error.code not in BACK_OFF:
                return error, None
        finally:
            window.done(name)
    return GraphError(130429, "still rate limited after backing off", 400), None


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
