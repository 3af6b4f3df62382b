"""Everything the stand-in remembers about chats: messages in both directions, their statuses, and who wrote when."""

import asyncio
import time
from dataclasses import dataclass, field

WINDOW_SECONDS = 24 * 3600
_STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


@dataclass
class Entry:
    """One message in a conversation, as the control API shows it."""

    seq: int
    rev: int
    direction: str
    wamid: str
    phone_number_id: str
    type: str
    body: dict
    at: float
    status: str
    chat: str
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The control API's view of this message."""
        return {
            "seq": self.seq,
            "rev": self.rev,
            "direction": self.direction,
            "wamid": self.wamid,
            "phone_number_id": self.phone_number_id,
            "type": self.type,
            "body": self.body,
            "at": self.at,
            "status": self.status,
            **self.extra,
        }


class Conversations:
    """All chats, keyed by the citizen's wa_id (or user id).

    `seq` numbers messages in the order they were created and never changes; `rev` grows with every
    change (a new message or a new status), so a page can follow ticks as well as new messages.
    """

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        """Forget every message and wake every waiter; counters keep growing so open long-polls stay right."""
        self._seq = getattr(self, "_seq", 0)
        self._rev = getattr(self, "_rev", 0)
        self._entries: dict[str, Entry] = {}
        self._by_chat: dict[str, dict[str, Entry]] = {}
        self._last_inbound: dict[tuple[str, str], float] = {}
        self._closed = False
        old = getattr(self, "_changed", None)
        self._changed = asyncio.Event()
        if old is not None:
            old.set()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _next_rev(self) -> int:
        self._rev += 1
        return self._rev

    @property
    def rev(self) -> int:
        """The newest change number."""
        return self._rev

    def close(self) -> None:
        """Answer every open long-poll now, so the server can shut down without waiting for them."""
        self._closed = True
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def add(
        self,
        chat: str,
        direction: str,
        wamid: str,
        phone_number_id: str,
        kind: str,
        body: dict,
        status: str,
        extra: dict | None = None,
        at: float | None = None,
    ) -> Entry:
        """Record a message (at `at`, or now) and wake long-polls."""
        now = time.time() if at is None else at
        entry = Entry(
            self._next_seq(),
            self._next_rev(),
            direction,
            wamid,
            phone_number_id,
            kind,
            body,
            now,
            status,
            chat,
            extra or {},
        )
        self._entries[wamid] = entry
        self._by_chat.setdefault(chat, {})[wamid] = entry
        if direction == "in":
            self._last_inbound[(phone_number_id, chat)] = now
        self._notify()
        return entry

    def get(self, wamid: str) -> Entry | None:
        """The message with this id, if any."""
        return self._entries.get(wamid)

    def set_status(self, wamid: str, status: str, extra: dict | None = None) -> Entry | None:
        """Move a message forward to `status` (never back) and merge `extra`; a change gets a new rev."""
        entry = self._entries.get(wamid)
        advances = entry is not None and _STATUS_RANK.get(status, 0) > _STATUS_RANK.get(entry.status, 0)
        if entry is None or not (advances or extra):
            return entry
        if advances:
            entry.status = status
        entry.extra.update(extra or {})
        entry.rev = self._next_rev()
        self._notify()
        return entry

    def mark_read(self, wamid: str, extra: dict | None = None) -> None:
        """Mark a received message read, and with it every earlier one from the same citizen, as WhatsApp does."""
        entry = self._entries[wamid]
        for earlier in self.since(entry.chat, 0):
            same_thread = earlier.direction == "in" and earlier.phone_number_id == entry.phone_number_id
            if same_thread and earlier.seq < entry.seq:
                self.set_status(earlier.wamid, "read")
        self.set_status(wamid, "read", extra)

    def in_window(self, phone_number_id: str, chat: str) -> bool:
        """True if the citizen wrote to this number within the last 24 hours."""
        last = self._last_inbound.get((phone_number_id, chat))
        return last is not None and time.time() - last < WINDOW_SECONDS

    def age_window(self, phone_number_id: str, chat: str, seconds: float) -> None:
        """Pretend the citizen's last message is `seconds` older (to test the 24 h window)."""
        key = (phone_number_id, chat)
        if key in self._last_inbound:
            self._last_inbound[key] -= seconds

    def since(self, chat: str, after: int, changed_after: int | None = None) -> list[Entry]:
        """Messages of one chat created after seq `after`, or, with `changed_after`, changed after that rev."""
        entries = self._by_chat.get(chat, {}).values()
        if changed_after is None:
            return sorted((e for e in entries if e.seq > after), key=lambda e: e.seq)
        return sorted((e for e in entries if e.rev > changed_after), key=lambda e: e.rev)

    async def wait_since(
        self, chat: str, after: int, changed_after: int | None, timeout: float
    ) -> list[Entry]:
        """Like `since`, but wait up to `timeout` seconds for something new."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.since(chat, after, changed_after)
            remaining = deadline - loop.time()
            if found or remaining <= 0 or self._closed:
                return found
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return self.since(chat, after, changed_after)
