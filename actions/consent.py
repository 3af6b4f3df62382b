"""START and STOP per purpose: the privacy notice before any consent, the tap that gives it, withdrawal at once.

A typed START (or `START <campaign>` from a QR poster) shows the notice with an "I agree" button; only the
tap records consent, naming the notice version shown and the message as evidence. STOP needs no notice and
no second step: withdrawal must be as easy as consent. Button payloads name one purpose (the reminder's
"Stop these" button withdraws only reminders); a typed STOP withdraws everything.
"""

from __future__ import annotations

import logging
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES, backoffice
from actions.csc_counter import consent_on_whatsapp
from actions.turn import Turn, citizen_of, csc_session, language_of, latest_turn

log = logging.getLogger(__name__)

PURPOSES = ("updates", "reminders", "broadcasts")
DEFAULT_PURPOSES = ["updates", "reminders"]
# Campaign codes always carry a digit, so "start karo" is not read as a campaign called "karo".
START_CAMPAIGN = re.compile(
    r"^\W*start\s+([A-Za-z][A-Za-z0-9_-]{0,22}\d[A-Za-z0-9_-]{0,22})\W*$", re.IGNORECASE
)


def _wamid(tracker: Tracker) -> str:
    whatsapp = ((tracker.latest_message or {}).get("metadata") or {}).get("whatsapp") or {}
    return str(whatsapp.get("wamid") or tracker.latest_message.get("message_id") or "chat")[:120]


def _purpose(turn: Turn) -> str | None:
    purpose = turn.entities.get("consent_purpose") if turn.tapped else None
    return purpose if purpose in PURPOSES else None


async def ask_consent(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> None:
    """Show the itemised notice for what START asks, with the button whose tap is the consent."""
    purpose = _purpose(turn)
    match = START_CAMPAIGN.match(turn.text) if not turn.tapped else None
    campaign = match[1] if match else ""
    try:
        notice = await backoffice.privacy_notice([purpose] if purpose else DEFAULT_PURPOSES)
    except FAILURES:
        dispatcher.utter_message(response="utter_try_later")
        return
    dispatcher.utter_message(
        response="utter_privacy_notice", notice=notice["text"][language_of(tracker)],
        notice_version=notice["version"], campaign=campaign, consent_purpose=purpose or "",
    )  # fmt: skip


async def give_consent(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> None:
    """The "I agree" tap: record it with the notice version it answered, and confirm."""
    purpose = _purpose(turn)
    body = {
        "granted": True,
        "evidence": _wamid(tracker),
        "notice_version": str(turn.entities["notice_version"]),
    }
    if purpose:
        body["purposes"] = [purpose]
    if turn.entities.get("campaign"):
        body["campaign"] = str(turn.entities["campaign"])
    if turn.entities.get("optin_request"):  # the welcome template's button after a missed call or an SMS
        body["optin_request"] = str(turn.entities["optin_request"])
    try:
        result = await backoffice.record_consent(citizen_of(tracker), **body)
    except FAILURES:
        dispatcher.utter_message(response="utter_try_later")
        return
    dispatcher.utter_message(response="utter_opt_in_updates" if purpose == "updates" else "utter_opt_in")
    if (result.get("campaign") or {}).get("known"):
        dispatcher.utter_message(response="utter_opt_in_department")


async def withdraw_consent(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> None:
    """STOP: withdraw the tapped purpose, or everything, and say what stopped."""
    purpose = _purpose(turn)
    body = {"granted": False, "evidence": _wamid(tracker)}
    if purpose:
        body["purposes"] = [purpose]
    try:
        await backoffice.record_consent(citizen_of(tracker), **body)
    except FAILURES:
        dispatcher.utter_message(response="utter_try_later")
        return
    dispatcher.utter_message(response=f"utter_opt_out_{purpose}" if purpose else "utter_opt_out")


async def offer_updates(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """After a citizen's first application, ask once whether they want its updates on WhatsApp."""
    if csc_session(tracker):
        return  # made at a counter: its updates go by SMS whatever the citizen chose for WhatsApp
    try:
        profile = await backoffice.citizen(citizen_of(tracker))
        if profile is None or profile["consent"]["updates"]:
            return
        if len(await backoffice.applications(citizen_of(tracker))) != 1:
            return
    except FAILURES:
        return  # the offer can wait for the next application; the submission itself went through
    dispatcher.utter_message(response="utter_get_updates")


async def consent_turn(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer an `opt_in` or `opt_out` message, wherever in the conversation it comes."""
    if csc_session(tracker):  # an operator cannot agree to WhatsApp messages for the citizen
        consent_on_whatsapp(dispatcher, language_of(tracker))
        return
    turn = latest_turn(tracker)
    if turn.intent == "opt_out":
        await withdraw_consent(dispatcher, tracker, turn)
    elif turn.tapped and turn.entities.get("notice_version"):
        await give_consent(dispatcher, tracker, turn)
    else:
        await ask_consent(dispatcher, tracker, turn)


class ActionOptOut(Action):
    """STOP: no more messages of that purpose (or of any)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_opt_out"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Record and confirm."""
        await consent_turn(dispatcher, tracker)
        return []


class ActionOptIn(Action):
    """START: the notice first, then the tap that consents."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_opt_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Show the notice or record the agreement."""
        await consent_turn(dispatcher, tracker)
        return []


class ActionSnoozeReminder(Action):
    """The reminder's "Remind me later" button."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_snooze_reminder"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Put the reminder off, or say it is no longer pending."""
        reminder = str(latest_turn(tracker).entities.get("reminder") or "")
        if not reminder.isdigit():
            dispatcher.utter_message(response="utter_reminder_gone")
            return []
        try:
            result = await backoffice.snooze_reminder(int(reminder), citizen_of(tracker))
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return []
        if result is None:
            dispatcher.utter_message(response="utter_reminder_gone")
        else:
            dispatcher.utter_message(response="utter_reminder_snoozed", days=result["days"])
        return []
