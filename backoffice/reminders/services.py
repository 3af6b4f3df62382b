"""Send what is due: quiet hours, the per-citizen cap, consent, then one claim per event so nothing goes twice.

The claim is a row under a unique key (kind, event, citizen) committed before the send: of two sweeps (two
beat processes, or a task redelivered after a worker died) only one inserts it, and only that one sends.
A sweep killed between its claim and the send loses that one reminder rather than risking a second copy.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from backoffice.citizens.models import Citizen
from backoffice.consent.services import may_send
from backoffice.core.clock import IST, utcnow
from backoffice.core.problems import Problem, not_found
from backoffice.extensions import db
from backoffice.notifications.graph import WINDOW_CLOSED, GraphClient, GraphError
from backoffice.notifications.numbers import sender_number
from backoffice.notifications.send import WINDOW, graph_client
from backoffice.reminders.due import Due, Horizons, due_now
from backoffice.reminders.models import FAILED, SENDING, SENT, SNOOZED, SUPPRESSED, Reminder
from catalog.model import known_language

log = logging.getLogger(__name__)
MESSAGES_FILE = Path(__file__).with_name("messages.yaml")
ALREADY = "already"  # reminded (or suppressed, or failed) on an earlier sweep
# Meta's errors that mean this number cannot get the message (not on WhatsApp, unsupported, limits): the
# reminder is marked failed for that reason; consent is never withdrawn on an error.
CANNOT_RECEIVE = frozenset({131026, 131049, 131050, 131051})


@cache
def messages() -> dict:
    """The reminder texts and button titles (`messages.yaml`)."""
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Rules:
    """Quiet hours, the cap, snoozing and the horizons, from the app's settings."""

    quiet_start: time
    quiet_end: time
    daily_cap: int
    snooze: timedelta
    horizons: Horizons

    @classmethod
    def from_config(cls, config) -> Rules:
        """Read the REMINDER_* settings."""
        start, end = (time.fromisoformat(t.strip()) for t in config["REMINDER_QUIET_HOURS"].split("-"))
        month, day = (int(x) for x in config["PROPERTY_TAX_DUE"].split("-"))
        return cls(
            start, end, config["REMINDER_DAILY_CAP"], timedelta(days=config["REMINDER_SNOOZE_DAYS"]),
            Horizons(payment_after=timedelta(hours=config["REMINDER_PAYMENT_AFTER_HOURS"]),
                     query_after=timedelta(days=config["REMINDER_QUERY_AFTER_DAYS"]),
                     bill_before=timedelta(days=config["REMINDER_BILL_BEFORE_DAYS"]),
                     tax_before=timedelta(days=config["REMINDER_TAX_BEFORE_DAYS"]),
                     licence_before=timedelta(days=config["REMINDER_LICENCE_BEFORE_DAYS"]),
                     certificate_after=timedelta(days=config["REMINDER_CERTIFICATE_AFTER_DAYS"]),
                     property_tax_due=(month, day)),
        )  # fmt: skip

    def quiet(self, now: datetime) -> bool:
        """True in Delhi's quiet hours (e.g. 21:00-08:00 IST), when no reminder may go."""
        local = now.replace(tzinfo=UTC).astimezone(IST).time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end


def _sent_recently(citizen_id: str, now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Reminder)
        .where(Reminder.citizen_id == citizen_id, Reminder.state.in_((SENT, SENDING)),
               Reminder.claimed_at > now - timedelta(hours=24))
    )  # fmt: skip


def _existing(due: Due) -> Reminder | None:
    return db.session.scalar(
        select(Reminder).where(Reminder.kind == due.kind, Reminder.event_key == due.event_key,
                               Reminder.citizen_id == due.citizen_id)
    )  # fmt: skip


def _waiting(reminder: Reminder | None, now: datetime) -> bool:
    """True for an event never reminded, or snoozed until a time now past."""
    return reminder is None or (
        reminder.state == SNOOZED and reminder.snooze_until is not None and reminder.snooze_until <= now
    )


def _claim(due: Due, existing: Reminder | None, now: datetime) -> Reminder | None:
    """Take the event for this sweep alone: insert its row, or wake a snoozed one whose time has come."""
    if existing is None:
        reminder = Reminder(kind=due.kind, event_key=due.event_key, citizen_id=due.citizen_id, state=SENDING,
                            claimed_at=now)  # fmt: skip
        db.session.add(reminder)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another sweep claimed it first
            return None
        return reminder
    woken = db.session.execute(
        update(Reminder).where(Reminder.id == existing.id, Reminder.state == SNOOZED)
        .values(state=SENDING, claimed_at=now)
    ).rowcount  # fmt: skip
    db.session.commit()
    if woken != 1:
        return None
    db.session.refresh(existing)
    return existing


def _text(due: Due, language: str) -> str:
    facts = {
        k: (v.get(language) or v.get("en", "")) if isinstance(v, dict) else v for k, v in due.facts.items()
    }
    return messages()["kinds"][due.kind][language].format_map(facts)


def _payloads(reminder: Reminder) -> tuple[str, str]:
    snooze = "/reminder_snooze" + json.dumps({"reminder": str(reminder.id)})
    stop = "/opt_out" + json.dumps({"consent_purpose": "reminders"})
    return snooze, stop


def _deliver(reminder: Reminder, due: Due, citizen: Citizen, now: datetime, client: GraphClient) -> str:
    """Text with buttons inside the window (from the number they wrote to), else the utility template."""
    language = known_language(citizen.language)
    text = _text(due, language)
    snooze, stop = _payloads(reminder)
    if citizen.phone_number_id and citizen.last_inbound_at and now - citizen.last_inbound_at < WINDOW:
        titles = messages()["buttons"]
        try:
            return client.send_interactive(citizen.phone_number_id, citizen.wa_id, {
                "type": "button", "body": {"text": text},
                "action": {"buttons": [
                    {"type": "reply", "reply": {"id": snooze, "title": titles["snooze"][language]}},
                    {"type": "reply", "reply": {"id": stop, "title": titles["stop"][language]}},
                ]},
            })  # fmt: skip
        except GraphError as error:
            if error.code != WINDOW_CLOSED:  # Meta's clock says the window closed: the template then
                raise
    number = sender_number(current_app.config["WHATSAPP_NUMBERS"], due.department, citizen.phone_number_id)
    return client.send_template(
        number, citizen.wa_id, messages()["template"], language, (text,), (snooze, stop)
    )


def remind(due: Due, now: datetime, rules: Rules, client: GraphClient) -> str:
    """Send one due reminder if every rule allows; return what happened (sent, capped, claimed elsewhere, ...)."""
    existing = _existing(due)
    if not _waiting(existing, now):
        return ALREADY
    citizen = db.session.get(Citizen, due.citizen_id)
    if citizen is None or not citizen.wa_id:
        return "no_address"
    if _sent_recently(due.citizen_id, now) >= rules.daily_cap:
        return "capped"  # a later sweep sends it, once the citizen's day has room
    reminder = _claim(due, existing, now)
    if reminder is None:
        return "claimed_elsewhere"
    if not may_send(due.citizen_id, "reminders", f"reminder:{due.kind}"):
        reminder.state = SUPPRESSED
        db.session.commit()
        return SUPPRESSED
    try:
        reminder.message_id = _deliver(reminder, due, citizen, now, client)
    except GraphError as error:
        if error.retryable:
            # Meta never took it: give the event back so the next sweep tries again.
            db.session.delete(reminder)
            db.session.commit()
            raise
        reminder.state, reminder.error = FAILED, f"{error.code} cannot receive" if error.code in CANNOT_RECEIVE else str(error.code)  # fmt: skip
        db.session.commit()
        return FAILED
    reminder.state, reminder.sent_at = SENT, now
    db.session.commit()
    return SENT


def sweep(now: datetime | None = None, client: GraphClient | None = None) -> dict[str, int]:
    """Send every reminder due now, outside quiet hours; count the outcomes (for logs and tests)."""
    now = now or utcnow()
    rules = Rules.from_config(current_app.config)
    if rules.quiet(now):
        return {"quiet_hours": 1}
    client = client or graph_client()
    outcomes: dict[str, int] = {}
    for due in list(due_now(now, rules.horizons)):
        try:
            outcome = remind(due, now, rules, client)
        except GraphError as error:
            log.warning("reminders paused for this sweep: Meta answered %s", error.code)
            outcomes["retry_later"] = outcomes.get("retry_later", 0) + 1
            break
        if outcome != ALREADY:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    log.info("reminder sweep: %s", outcomes)
    return outcomes


def snooze(reminder_id: int, citizen_id: str, now: datetime | None = None) -> dict[str, int]:
    """The citizen's "Remind me later": send this one again after the snooze (if it is still due then)."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None or reminder.citizen_id != citizen_id:
        raise not_found("reminder")
    if reminder.state not in (SENT, SNOOZED):
        raise Problem(409, "not_pending", "this reminder is not waiting for the citizen")
    rules = Rules.from_config(current_app.config)
    reminder.state, reminder.snooze_until = SNOOZED, (now or utcnow()) + rules.snooze
    return {"days": rules.snooze.days}
