"""Handover work as plain functions: start, citizen messages, claim, reply, hand back, and the inbox's figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from backoffice.applications.models import Application
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.citizens import services as citizens
from backoffice.core.clock import utcnow
from backoffice.core.problems import Problem, invalid, not_found
from backoffice.extensions import db
from backoffice.handover import live
from backoffice.handover.models import CLAIMED, CLOSED, WAITING, Handover, HandoverMessage
from backoffice.handover.office_hours import OfficeHours
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.people.models import Department, User

SEND_TASK = "backoffice.handover.tasks.send_handover_message"
GENERAL = "general"
GENERAL_NAME = {"en": "the Delhi Government helpdesk", "hi": "दिल्ली सरकार हेल्पडेस्क"}
MAX_TEXT = 4096
MAX_TRANSCRIPT = 100
BACK_TO_BOT = {
    "en": "The officer has handed you back to the Seva assistant. Type *menu* to see what I can do.",
    "hi": "अधिकारी ने आपको वापस सेवा सहायक को सौंप दिया है। मैं क्या कर सकता हूँ, यह देखने के लिए *मेनू* लिखें।",
}
# How a non-text citizen message reads in the officer's inbox.
KIND_LABELS = {"image": "📷 photo", "document": "📎 document", "audio": "🎤 voice note", "video": "🎞 video",
               "location": "📍 location", "sticker": "sticker"}  # fmt: skip


def office_hours() -> OfficeHours:
    """The configured office hours."""
    return OfficeHours.parse(current_app.config["HANDOVER_OFFICE_HOURS"])


def open_handover(conversation: str) -> Handover | None:
    """The conversation's handover still waiting or claimed, if any."""
    return db.session.scalar(
        select(Handover).where(Handover.conversation == conversation, Handover.status != CLOSED)
    )


def department_name(code: str) -> dict[str, str]:
    """A department's name in both languages."""
    if code == GENERAL:
        return GENERAL_NAME
    department = db.session.get(Department, code)
    return (
        {"en": department.name_en, "hi": department.name_hi}
        if department
        else {"en": code.title(), "hi": code}
    )


def _text(value: Any, field: str, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(field, "text_required", f"{field} must be text")
    return value.strip()[:MAX_TEXT]


def _department_for(
    citizen_id: str, number_department: str, number: str | None
) -> tuple[str, Application | None]:
    """The application's department when the citizen discusses one of theirs, else the number's; the general
    number goes to the department of the citizen's newest application, if any."""
    application = None
    if number:
        application = db.session.scalar(
            select(Application).where(
                Application.number == number.upper(), Application.citizen_id == citizen_id
            )
        )
    if application is not None:
        return application.department_code, application
    if number_department != GENERAL:
        return number_department[:32], None
    newest = db.session.scalar(
        select(Application)
        .where(Application.citizen_id == citizen_id, Application.number.is_not(None))
        .order_by(Application.submitted_at.desc())
        .limit(1)
    )
    return (newest.department_code, newest) if newest else (GENERAL, None)


def _at(value: Any) -> datetime:
    try:
        return datetime.utcfromtimestamp(float(value))
    except (TypeError, ValueError, OverflowError, OSError):
        return utcnow()


def start(body: dict[str, Any]) -> Handover:
    """Queue a conversation for its department's officers (or return the one already open) and silence the bot."""
    conversation = _text(body.get("conversation"), "conversation")
    if len(conversation) > 64:
        raise invalid("conversation", "too_long", "conversation is at most 64 characters")
    transcript = body.get("transcript") or []
    if not isinstance(transcript, list) or len(transcript) > MAX_TRANSCRIPT:
        raise invalid("transcript", "invalid", f"transcript is a list of at most {MAX_TRANSCRIPT} messages")
    existing = open_handover(conversation)
    if existing is not None:
        return existing
    language = body.get("language") if body.get("language") in ("hi", "en") else "hi"
    # The person (the same on every department number); the conversation stands for them on other channels.
    person = body.get("citizen") if isinstance(body.get("citizen"), str) and body["citizen"] else conversation
    citizen = citizens.touch(person[:64], language)
    number = body.get("application") if isinstance(body.get("application"), str) else None
    department, application = _department_for(citizen.id, str(body.get("department") or GENERAL), number)
    phone_number_id = body.get("phone_number_id") if isinstance(body.get("phone_number_id"), str) else None
    wa_id = body.get("wa_id")
    if isinstance(wa_id, str) and wa_id.isdigit() and len(wa_id) <= 32:
        citizen.wa_id = wa_id  # where the officer's replies go, even before the citizen chose a language
    handover = Handover(
        conversation=conversation, citizen_id=citizen.id, department_code=department,
        application_id=application.id if application else None,
        phone_number_id=(phone_number_id or citizen.phone_number_id or "")[:32] or None, language=language,
    )  # fmt: skip
    db.session.add(handover)
    for line in transcript:
        if (
            isinstance(line, dict)
            and line.get("who") in ("citizen", "bot")
            and isinstance(line.get("text"), str)
        ):
            handover.messages.append(
                HandoverMessage(author=line["who"], text=line["text"][:MAX_TEXT], at=_at(line.get("at")))
            )
    handover.messages.append(HandoverMessage(author="system", text="The citizen asked to talk to a person."))
    db.session.flush()
    audit.record(Actor("citizen", conversation), "handover.start", f"handover:{handover.id}",
                 {"department": department, "application": application.number if application else None})  # fmt: skip
    live.flag_on(conversation, handover.id)
    return handover


def answer(handover: Handover, now: datetime | None = None) -> dict[str, Any]:
    """What the bot tells the citizen: the department, the expected wait, office hours, officers online."""
    now = now or utcnow()
    hours = office_hours()
    return {
        "handover": handover.id,
        "status": handover.status,
        "department": handover.department_code,
        "department_name": department_name(handover.department_code),
        "wait_minutes": expected_wait_minutes(handover.department_code, now),
        "office_open": hours.is_open(now),
        "hours": hours.describe(),
        "opens": hours.describe_opening(now),
        "officers_online": live.officers_online(handover.department_code),
    }


def citizen_message(body: dict[str, Any]) -> HandoverMessage:
    """A message the citizen wrote during the handover (forwarded by the channel); 404 when none is open."""
    conversation = _text(body.get("conversation"), "conversation")
    handover = open_handover(conversation)
    if handover is None:
        raise not_found("handover")
    wamid = body.get("wamid") if isinstance(body.get("wamid"), str) and body["wamid"] else None
    if wamid:
        known = db.session.scalar(select(HandoverMessage).where(HandoverMessage.wamid == wamid[:128]))
        if known is not None:
            return known  # Meta's redelivery, or the channel's retry
    text = _text(body.get("text"), "text", required=False)
    kind = str(body.get("kind") or "text")
    if text.startswith("/"):
        text = KIND_LABELS.get(kind, f"[{kind[:20]}]")
    message = HandoverMessage(author="citizen", text=text or "…", wamid=wamid[:128] if wamid else None)
    handover.messages.append(message)
    citizens.touch(handover.citizen_id or conversation)
    if body.get("returns_to_bot") is True:
        close(handover, Actor("citizen", conversation), "citizen", tell_citizen=False)
    else:
        live.flag_on(conversation, handover.id)
    db.session.flush()
    return message


def claim(handover: Handover, user: User) -> bool:
    """Take a waiting conversation; False when another officer was first (a conditional UPDATE decides)."""
    taken = db.session.execute(
        update(Handover)
        .where(Handover.id == handover.id, Handover.status == WAITING)
        .values(status=CLAIMED, claimed_by_id=user.id, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return False
    db.session.refresh(handover)
    handover.messages.append(
        HandoverMessage(author="system", text=f"{user.full_name} took the conversation.")
    )
    audit.record(_officer(user), "handover.claim", f"handover:{handover.id}", {})
    return True


def _officer(user: User) -> Actor:
    from backoffice.people import services as people

    return people.actor_for(user)


def reply(handover: Handover, user: User, text: Any) -> HandoverMessage:
    """An officer's answer, sent after commit through the WhatsApp send task (window, template, retries)."""
    if handover.status != CLAIMED or handover.claimed_by_id != user.id:
        raise Problem(409, "not_claimed", "claim the conversation before answering")
    body = _text(text, "text")
    message = HandoverMessage(author="officer", officer_id=user.id, text=body, delivery="queued")
    handover.messages.append(message)
    db.session.flush()
    audit.record(_officer(user), "handover.reply", f"handover:{handover.id}", {"message": message.id})
    enqueue_after_commit(db.session, SEND_TASK, message.id)
    return message


def hand_back(handover: Handover, user: User) -> None:
    """End the handover from the inbox: the bot answers the citizen again, and the citizen is told so."""
    if handover.status == CLOSED:
        raise Problem(409, "closed", "the conversation is already back with the bot")
    if handover.status == CLAIMED and handover.claimed_by_id != user.id and user.role != "admin":
        raise Problem(409, "not_claimed", "another officer holds this conversation")
    close(handover, _officer(user), user.username, tell_citizen=True)


def close(handover: Handover, actor: Actor, by: str, tell_citizen: bool) -> None:
    """Close the handover and lift the bot's silence; optionally tell the citizen in their language."""
    handover.status = CLOSED
    handover.closed_at = utcnow()
    handover.closed_by = by[:64]
    handover.messages.append(HandoverMessage(author="system", text=f"Handed back to the bot ({by})."))
    if tell_citizen:
        message = HandoverMessage(author="system", text=BACK_TO_BOT.get(handover.language, BACK_TO_BOT["hi"]),
                                  delivery="queued")  # fmt: skip
        handover.messages.append(message)
        db.session.flush()
        enqueue_after_commit(db.session, SEND_TASK, message.id)
    db.session.flush()
    audit.record(actor, "handover.hand_back", f"handover:{handover.id}", {"by": by[:64]})
    live.flag_off(handover.conversation)


def queue_length(department: str | None) -> int:
    """How many conversations wait for an officer (one department, or all for None): for dashboards."""
    query = select(func.count(Handover.id)).where(Handover.status == WAITING)
    if department is not None:
        query = query.where(Handover.department_code == department)
    return db.session.scalar(query) or 0


def _claim_waits(department: str, since: datetime) -> list[float]:
    rows = db.session.execute(
        select(Handover.created_at, Handover.claimed_at).where(
            Handover.department_code == department,
            Handover.claimed_at.is_not(None),
            Handover.created_at >= since,
        )
    )
    return [(claimed - created).total_seconds() / 60 for created, claimed in rows]


def expected_wait_minutes(department: str, now: datetime) -> int:
    """The median wait before a claim over the last day, rounded up; the configured guess without history."""
    waits = _claim_waits(department, now - timedelta(days=1))
    if not waits:
        return current_app.config["HANDOVER_DEFAULT_WAIT_MINUTES"]
    return max(1, int(-(-median(waits) // 1)))


def service_level(department: str, now: datetime) -> dict[str, Any]:
    """The last day's share of conversations claimed within the target, counting those still waiting past it."""
    target = current_app.config["HANDOVER_TARGET_MINUTES"]
    since = now - timedelta(days=1)
    waits = _claim_waits(department, since)
    overdue = db.session.scalar(
        select(func.count(Handover.id)).where(
            Handover.department_code == department, Handover.status == WAITING,
            Handover.created_at >= since, Handover.created_at < now - timedelta(minutes=target),
        )
    ) or 0  # fmt: skip
    total = len(waits) + overdue
    within = sum(1 for wait in waits if wait <= target)
    return {
        "target_minutes": target,
        "within_target": round(100 * within / total) if total else None,
        "answered": len(waits),
        "median_wait_minutes": round(median(waits), 1) if waits else None,
    }


def visible_handovers(department: str | None) -> list[Handover]:
    """Open conversations of a department (all for administrators), the longest waiting first."""
    query = select(Handover).where(Handover.status != CLOSED).order_by(Handover.created_at)
    if department is not None:
        query = query.where(Handover.department_code == department)
    return list(db.session.scalars(query))


def history(handover: Handover) -> list[Handover]:
    """The same conversation's earlier handovers, newest first."""
    return list(
        db.session.scalars(
            select(Handover)
            .where(Handover.conversation == handover.conversation, Handover.id != handover.id)
            .order_by(Handover.created_at.desc())
            .limit(10)
        )
    )


def citizen_applications(handover: Handover) -> list[Application]:
    """The citizen's submitted applications, newest first."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.citizen_id == handover.citizen_id, Application.number.is_not(None))
            .order_by(Application.submitted_at.desc())
        )
    )
