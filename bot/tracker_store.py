"""A Redis tracker store whose cost per turn depends on the current conversation session, not on the history.

Rasa 3.6's `RedisTrackerStore` keeps each conversation as one JSON value. Every turn reads all of it, splits
it into sessions to hand back the last one, and every save reads it again and merges it with the new tracker
event by event (quadratic in the history): a citizen who comes back every month gets slower every month.

Here each conversation is a Redis list of events, one JSON value per event, and a counter holds where the
latest session starts. A turn reads only that session (`LRANGE start -1`) and a save appends only the
events the tracker gained (`RPUSH`). Older sessions stay in the list for `retrieve_full_tracker` (exports,
the trainer's transcripts) until the record expires. The conversation lock store makes each conversation's
turns run one at a time, so an append never races another append to the same list. A save also queues the
turn's misunderstood messages for the trainer inbox (`bot/misunderstood.py`) in the same pipeline.

A turn costs two round trips to Redis: one script reads the session (with where it starts, the list's length
and its oldest event), one appends. Redis calls here are synchronous and each one hands the GIL to the
webhook's thread and waits to get it back, so under load their number, not their size, sets the pace
(issue 13: eight calls per turn before, py-spy).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from redis.exceptions import NoScriptError

from bot import misunderstood
from catalog.validation import redact_aadhaar
from trainer_capture.contract import count_messages, push

logger = logging.getLogger(__name__)


def _is_session_start(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME


def _redacted(value: Any) -> Any:
    """Aadhaar numbers masked in every text of an event (what the citizen typed, NLU's copy, slots, replies).

    The metadata is left alone: it carries the channel's ids (a wa_id has 12 digits too), not what was typed.
    The action that needs the full number reads it from the turn's tracker in memory, before this save.
    """
    if isinstance(value, str):
        return redact_aadhaar(value)
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "metadata" else _redacted(v) for k, v in value.items()}
    return value


def _serialise(event: Event) -> str:
    return json.dumps(_redacted(event.as_dict()), ensure_ascii=False, separators=(",", ":"))


# KEYS: events, session, Rasa's own key. ARGV: 1 for the whole history. Answers false while the conversation
# is still in Rasa's layout, else {session start, list length, oldest event, events read}.
_READ = """
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local start = tonumber(redis.call('GET', KEYS[2]) or '0')
local from = start
if ARGV[1] == '1' then from = 0 end
return {start, redis.call('LLEN', KEYS[1]), redis.call('LINDEX', KEYS[1], 0) or '',
        redis.call('LRANGE', KEYS[1], from, -1)}
"""
# KEYS: events, session. ARGV: the length the list had when read, the new session start (-1: unchanged),
# seconds to expiry (0: none), then the events to append. Answers 0, changing nothing, if the list moved.
_APPEND = """
if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
for i = 4, #ARGV, 500 do
  redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 499, #ARGV)))
end
if ARGV[2] ~= '-1' then redis.call('SET', KEYS[2], ARGV[2]) end
if ARGV[3] ~= '0' then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return 1
"""
# What a tracker handed out by `retrieve` was read from: (the list's length, the list index of the tracker's
# first event, the oldest stored event's time). Rasa saves the very tracker object it retrieved.
_READ_FROM = "_seva_read_from"


class SessionRedisTrackerStore(RedisTrackerStore):
    """`tracker_store: type: bot.tracker_store.SessionRedisTrackerStore`, with RedisTrackerStore's settings."""

    def __init__(
        self,
        domain: Domain,
        host: str = "localhost",
        retention_days: float | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, host=host, **kwargs)
        # Events older than this are deleted at the conversation's next save (never from the current session).
        # A conversation nobody touches expires whole after `record_exp`, so every older event is reached:
        # either its citizen comes back (and saves) or the whole record goes.
        self.retention_seconds = float(retention_days) * 86400 if retention_days not in (None, "") else None
        # Rasa's own store keeps `<prefix>:tracker:<sender>` JSON values; this one keeps lists beside them.
        self._base = self.key_prefix.removesuffix("tracker:")
        self.capture_rules = misunderstood.CaptureRules.from_env()
        self._read = self.red.register_script(_READ)
        self._append = self.red.register_script(_APPEND)

    def _keys(self, sender_id: str) -> tuple[str, str, str]:
        return (
            f"{self._base}events:{sender_id}",
            f"{self._base}session:{sender_id}",
            f"{self.key_prefix}{sender_id}",  # Rasa's own layout, converted on first read
        )

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the latest conversation session only."""
        return self._retrieve_events(sender_id, whole_history=False)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker with every stored session."""
        return self._retrieve_events(sender_id, whole_history=True)

    def _retrieve_events(self, sender_id: str, whole_history: bool) -> DialogueStateTracker | None:
        keys = self._keys(sender_id)
        read = self._read(keys=keys, args=[1 if whole_history else 0])
        if not read:
            self._convert_rasa_layout(sender_id)
            read = self._read(keys=keys, args=[1 if whole_history else 0])
        start, count, oldest, stored = read
        if not stored:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(e) for e in stored], self.domain.slots
        )
        if not whole_history:
            oldest_at = json.loads(oldest).get("timestamp", 0) if oldest else 0
            setattr(tracker, _READ_FROM, (count, start, oldest_at))
        return tracker

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Append the events `tracker` gained since it was retrieved (or rewrite its session if it diverged)."""
        await self.stream_events(tracker)
        appended = self._append_turn(tracker, timeout)
        if appended:
            return
        events_key, session_key, _ = self._keys(tracker.sender_id)
        stored_count = self.red.llen(events_key)
        start = int(self.red.get(session_key) or 0)
        events = list(tracker.events)
        known = stored_count - start  # how many of the tracker's events are already stored
        keep = stored_count
        turn_starts = known
        if not 0 <= known <= len(events) or (known and not self._same_event(events_key, events[known - 1])):
            # Not a tracker this store handed out (a replaced history, one built elsewhere):
            # its events become the current session; earlier sessions stay.
            logger.info(
                "tracker of %s differs from its stored session; rewriting that session", tracker.sender_id
            )
            known, keep = 0, start
            turn_starts = len(events)  # a history replaced wholesale is no turn of a citizen's
        new = events[known:]
        starts = [keep + i for i, event in enumerate(new) if _is_session_start(event)]
        session_start = starts[-1] if starts else start
        expired = self._expired(events_key, min(keep, session_start))
        pipe = self.red.pipeline(transaction=True)
        if keep == 0:
            pipe.delete(events_key)  # LTRIM cannot empty a list
        elif keep < stored_count:
            pipe.ltrim(events_key, 0, keep - 1)
        if new:
            pipe.rpush(events_key, *(_serialise(e) for e in new))
        if expired:
            pipe.ltrim(events_key, expired, -1)
        if starts or expired:
            pipe.set(session_key, session_start - expired)
        expiry = timeout or self.record_exp
        if expiry:
            pipe.expire(events_key, int(expiry))
            pipe.expire(session_key, int(expiry))
        # Misunderstood messages ride along in the same round trip; the back-office drains them later.
        if appended is None:  # a refused append queued the turn's captures already
            self._capture(pipe, tracker.sender_id, events, turn_starts)
        pipe.execute()
        setattr(tracker, _READ_FROM, None)  # a second save of this object takes the long way again

    def _append_turn(self, tracker: DialogueStateTracker, timeout: float | None) -> bool | None:
        """The common save in one round trip: append what a tracker read by `retrieve` gained since.

        None, having done nothing, when the tracker was not read here or old events are due for deletion;
        False, having queued only the turn's captures, when the stored list changed since it was read.
        `save` then takes the long way.
        """
        read_from = getattr(tracker, _READ_FROM, None)
        if read_from is None:
            return None
        count, base, oldest_at = read_from
        events = list(tracker.events)
        known = count - base
        retention_due = (
            self.retention_seconds is not None and oldest_at < time.time() - self.retention_seconds
        )
        if retention_due or not 0 <= known <= len(events):
            return None
        new = events[known:]
        starts = [count + i for i, event in enumerate(new) if _is_session_start(event)]
        events_key, session_key, _ = self._keys(tracker.sender_id)
        expiry = int(timeout or self.record_exp or 0)
        keys = [events_key, session_key]
        args = [count, starts[-1] if starts else -1, expiry, *(_serialise(e) for e in new)]
        pipe = self.red.pipeline(transaction=False)
        # EVALSHA by hand: a script passed to a pipeline costs a SCRIPT EXISTS round trip on every execute.
        pipe.evalsha(self._append.sha, len(keys), *keys, *args)
        self._capture(pipe, tracker.sender_id, events, known)
        appended, *_ = pipe.execute(raise_on_error=False)
        if isinstance(appended, NoScriptError):  # Redis restarted or flushed its scripts since
            appended = self._append(keys=keys, args=args)
        elif isinstance(appended, Exception):
            raise appended
        if not appended:
            setattr(tracker, _READ_FROM, None)
            return False
        setattr(tracker, _READ_FROM, (count + len(new), base, oldest_at))
        return True

    def _capture(self, pipe: Any, sender_id: str, events: list[Event], turn_starts: int) -> None:
        """Queue the turn's misunderstood messages and count its typed ones, in the caller's round trip."""
        for entry in misunderstood.entries(sender_id, events, turn_starts, self.capture_rules):
            push(pipe, entry)
        typed = misunderstood.typed_messages(events, turn_starts)
        if typed:
            count_messages(pipe, typed)

    def _expired(self, events_key: str, limit: int) -> int:
        """How many of the first `limit` stored events (older sessions) are past the retention period."""
        if not self.retention_seconds or limit <= 0:
            return 0
        cutoff = time.time() - self.retention_seconds
        first = self.red.lindex(events_key, 0)
        if first is None or json.loads(first).get("timestamp", cutoff) >= cutoff:
            return 0  # the common case: one read, nothing to delete
        count = 0
        for stored in self.red.lrange(events_key, 0, limit - 1):
            if json.loads(stored).get("timestamp", cutoff) >= cutoff:
                break
            count += 1
        if count:
            logger.info("retention: deleted %d tracker events older than the retention period", count)
        return count

    def _same_event(self, events_key: str, event: Event) -> bool:
        stored = self.red.lindex(events_key, -1)
        return stored is not None and json.loads(stored) == json.loads(_serialise(event))

    def _convert_rasa_layout(self, sender_id: str) -> None:
        """Move a conversation stored by Rasa's own Redis store into this layout, once."""
        events_key, session_key, rasa_key = self._keys(sender_id)
        stored = self.red.get(rasa_key)
        if stored is None:
            return
        events = self.deserialise_tracker(sender_id, stored).events
        starts = [i for i, e in enumerate(events) if _is_session_start(e)]
        pipe = self.red.pipeline(transaction=True)
        pipe.delete(events_key)
        if events:
            pipe.rpush(events_key, *(_serialise(e) for e in events))
        pipe.set(session_key, starts[-1] if starts else 0)
        pipe.delete(rasa_key)
        if self.record_exp:
            pipe.expire(events_key, int(self.record_exp))
            pipe.expire(session_key, int(self.record_exp))
        pipe.execute()

    async def keys(self) -> Iterable[str]:
        """Every conversation id in the store."""
        prefix = f"{self._base}events:"
        return [key.removeprefix(prefix) for key in self.red.scan_iter(f"{prefix}*")]
