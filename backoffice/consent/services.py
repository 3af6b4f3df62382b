"""The consent ledger's rules: record a grant or withdrawal, read a citizen's standing, hold back unconsented sends."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from backoffice.citizens.services import touch
from backoffice.consent import notice
from backoffice.consent.models import Campaign, ConsentEntry, SuppressedMessage
from backoffice.core.clock import utcnow
from backoffice.core.problems import Problem
from backoffice.extensions import db

PURPOSES = ("updates", "reminders", "broadcasts")
# What a plain START agrees to; a department's broadcasts need that department named (a campaign, a button).
DEFAULT_PURPOSES = ("updates", "reminders")
CHANNELS = ("whatsapp", "qr", "link", "missed_call", "sms", "email", "csc", "migrated")
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread off a printed poster
CAMPAIGN_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$")


def record(
    citizen_id: str,
    purpose: str,
    granted: bool,
    channel: str,
    evidence: str,
    notice_version: str | None = None,
    department: str = "",
) -> ConsentEntry:
    """Append one grant or withdrawal; a grant must name the notice version the citizen was shown."""
    if purpose not in PURPOSES or channel not in CHANNELS:
        raise Problem(422, "invalid", "unknown purpose or channel")
    if (purpose == "broadcasts") != bool(department):
        raise Problem(422, "invalid", "broadcasts are consented per department, other purposes for all")
    if granted and channel != "migrated" and notice.by_version(notice_version or "") is None:
        raise Problem(422, "invalid", "a grant needs the version of the notice shown", [{"field": "notice_version", "code": "unknown"}])  # fmt: skip
    entry = ConsentEntry(
        citizen_id=citizen_id, purpose=purpose, department=department, granted=granted,
        channel=channel, evidence=evidence[:200], notice_version=notice_version,
    )  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    return entry


def _latest_ids():
    return (
        select(func.max(ConsentEntry.id).label("id"))
        .group_by(ConsentEntry.citizen_id, ConsentEntry.purpose, ConsentEntry.department)
        .subquery()
    )


def latest(citizen_id: str, purpose: str, department: str = "") -> ConsentEntry | None:
    """The citizen's last word on this purpose (and department), if any."""
    return db.session.scalar(
        select(ConsentEntry)
        .where(ConsentEntry.citizen_id == citizen_id, ConsentEntry.purpose == purpose,
               ConsentEntry.department == department)
        .order_by(ConsentEntry.id.desc()).limit(1)
    )  # fmt: skip


def allows(citizen_id: str, purpose: str, department: str = "") -> bool:
    """True when the citizen's last word on this purpose was a grant."""
    entry = latest(citizen_id, purpose, department)
    return entry is not None and entry.granted


def may_send(citizen_id: str, purpose: str, kind: str, department: str = "") -> bool:
    """Check consent for a message that is not a reply; without it, record the message as suppressed."""
    if allows(citizen_id, purpose, department):
        return True
    db.session.add(
        SuppressedMessage(citizen_id=citizen_id, purpose=purpose, department=department, kind=kind[:60])
    )
    return False


def may_send_many(citizen_ids: list[str], purpose: str, kind: str, department: str = "") -> set[str]:
    """`may_send` for many citizens in two statements (a broadcast's batch): those who consent; the rest suppressed."""
    if not citizen_ids:
        return set()
    last_words = (
        select(func.max(ConsentEntry.id))
        .where(ConsentEntry.citizen_id.in_(citizen_ids), ConsentEntry.purpose == purpose,
               ConsentEntry.department == department)
        .group_by(ConsentEntry.citizen_id)
    )  # fmt: skip
    allowed = set(db.session.scalars(
        select(ConsentEntry.citizen_id).where(ConsentEntry.id.in_(last_words), ConsentEntry.granted)
    ))  # fmt: skip
    held_back = [c for c in citizen_ids if c not in allowed]
    if held_back:
        db.session.execute(
            insert(SuppressedMessage),
            [{"citizen_id": c, "purpose": purpose, "department": department, "kind": kind[:60], "at": utcnow()}
             for c in held_back],
        )  # fmt: skip
    return allowed


def _latest_rows(citizen_id: str) -> list[ConsentEntry]:
    latest_ids = _latest_ids()
    return list(
        db.session.scalars(
            select(ConsentEntry).join(latest_ids, ConsentEntry.id == latest_ids.c.id)
            .where(ConsentEntry.citizen_id == citizen_id)
        )
    )  # fmt: skip


def standing(citizen_id: str) -> dict[str, Any]:
    """What the citizen currently agrees to: {"updates": bool, "reminders": bool, "broadcasts": [departments]}."""
    result: dict[str, Any] = {"updates": False, "reminders": False, "broadcasts": []}
    for entry in _latest_rows(citizen_id):
        if entry.purpose == "broadcasts":
            if entry.granted:
                result["broadcasts"].append(entry.department)
        else:
            result[entry.purpose] = entry.granted
    result["broadcasts"].sort()
    return result


def consented_citizens(purpose: str, department: str = ""):
    """A select of the ids of citizens whose last word on this purpose (and department) is a grant."""
    latest_ids = _latest_ids()
    return (
        select(ConsentEntry.citizen_id)
        .join(latest_ids, ConsentEntry.id == latest_ids.c.id)
        .where(ConsentEntry.purpose == purpose, ConsentEntry.department == department, ConsentEntry.granted)
    )


def campaign(code: str) -> Campaign | None:
    """The campaign with this code (codes are compared upper-case), if the admin pages made it."""
    return db.session.get(Campaign, code.upper())


def create_campaign(department_code: str, label: str, created_by: str) -> Campaign:
    """A new campaign of the department, with a short code that always carries a digit (see the bot's START)."""
    prefix = "".join(c for c in department_code.upper() if c.isalnum())[:3] or "SEV"
    while True:
        code = prefix + str(secrets.randbelow(10)) + "".join(secrets.choice(CODE_LETTERS) for _ in range(4))
        if db.session.get(Campaign, code) is None:
            break
    made = Campaign(code=code, department_code=department_code, label=label[:120], created_by=created_by[:80])
    db.session.add(made)
    return made


def grant(
    citizen_id: str,
    channel: str,
    evidence: str,
    notice_version: str,
    campaign_code: str | None = None,
    purposes: tuple[str, ...] = DEFAULT_PURPOSES,
) -> dict[str, Any]:
    """Record a citizen's agreement to `purposes` (and, with a known campaign, its department's broadcasts).

    A campaign nobody made is still recorded as the evidence, marked unknown: the citizen did agree.
    """
    touch(citizen_id)
    known = campaign(campaign_code) if campaign_code else None
    if campaign_code:
        evidence = (
            f"{evidence} campaign:{known.code}"
            if known
            else f"{evidence} campaign-unknown:{campaign_code[:24]}"
        )
        channel = "qr" if channel == "whatsapp" else channel
    for purpose in purposes:
        if purpose != "broadcasts":
            record(citizen_id, purpose, True, channel, evidence, notice_version)
    if known is not None:
        record(citizen_id, "broadcasts", True, channel, evidence, notice_version, known.department_code)
    return {"standing": standing(citizen_id), "campaign": _campaign_json(campaign_code, known)}


def withdraw(
    citizen_id: str, channel: str, evidence: str, purposes: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Record withdrawal of `purposes` (default: everything granted now, every department's broadcasts too)."""
    touch(citizen_id)
    withdrawn = []
    for entry in _latest_rows(citizen_id):
        if entry.granted and (purposes is None or entry.purpose in purposes):
            record(citizen_id, entry.purpose, False, channel, evidence, None, entry.department)
            withdrawn.append(entry.purpose)
    return {"standing": standing(citizen_id), "withdrawn": sorted(set(withdrawn))}


def _campaign_json(code: str | None, known: Campaign | None) -> dict[str, Any] | None:
    if not code:
        return None
    if known is None:
        return {"code": code[:24], "known": False}
    return {"code": known.code, "known": True, "department": known.department_code}


def suppressed_counts(since: datetime) -> dict[str, int]:
    """How many messages were held back for want of consent since `since`, per purpose (for the dashboard)."""
    rows = db.session.execute(
        select(SuppressedMessage.purpose, func.count()).where(SuppressedMessage.at >= since)
        .group_by(SuppressedMessage.purpose)
    )  # fmt: skip
    return {purpose: count for purpose, count in rows}
