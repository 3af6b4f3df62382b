"""The append-only, hash-chained audit log: every transition and every view of personal data.

Each entry's hash covers the previous entry's hash and its own content, so editing, deleting or
reordering any entry breaks every link after it; `verify_chain` finds the first broken link.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from backoffice.audit.models import AuditEntry
from backoffice.core.clock import utcnow
from backoffice.extensions import db

GENESIS = "0" * 64
# Any constant works; it names the one advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK = 0x5E7A_A0D1


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    content = json.dumps(
        [entry.at.isoformat(timespec="microseconds"), entry.actor, entry.action, entry.subject,
         entry.source, entry.details],
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who did something: a role or `citizen`/`system`, their name, and for people their department and address."""

    kind: str
    name: str
    user_id: int | None = None
    department: str | None = None
    ip: str | None = None

    @property
    def label(self) -> str:
        """`kind:name`, as history and the audit log show it."""
        return f"{self.kind}:{self.name}"


def record(actor: Actor, action: str, subject: str, details: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction: who (`actor`), what, about what, from where."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # Two transactions must not both chain onto the same last entry; held until commit.
        session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    last = session.scalar(db.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow(),
        actor=actor.label[:80],
        action=action,
        subject=subject[:80],
        source=(actor.ip or "")[:64] or None,
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        prev_hash=last or GENESIS,
    )
    entry.hash = _digest(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """What `verify_chain` found: how many entries it checked and the first broken one, if any."""

    checked: int
    broken_id: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        """True when every link holds."""
        return self.broken_id is None


def _entries(batch: int = 5000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        db.session.expunge_all()


def verify_chain() -> ChainReport:
    """Walk the log in order and report the first entry whose link or content does not check out."""
    expected_prev = GENESIS
    checked = 0
    for entry in _entries():
        if entry.prev_hash != expected_prev:
            return ChainReport(
                checked, entry.id, "does not link to the entry before it (one was removed or reordered)"
            )
        if _digest(entry.prev_hash, entry) != entry.hash:
            return ChainReport(checked, entry.id, "content does not match its hash (it was edited)")
        expected_prev = entry.hash
        checked += 1
    return ChainReport(checked)
