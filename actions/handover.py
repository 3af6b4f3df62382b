"""Hand a citizen's conversation to an officer: on request, on a tap, or after two misses in a row.

The back-office queues the conversation in the right department's inbox and sets the flag that keeps the
bot silent for this citizen; this action only tells the citizen what happens next and how long it takes.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES, backoffice
from actions.turn import APPLICATION_NUMBER, citizen_of, language_of, whatsapp_address

log = logging.getLogger(__name__)

# How much of the conversation the officer gets to read (the tracker keeps only the current session).
TRANSCRIPT_MESSAGES = 40
FALLBACK = "nlu_fallback"


def transcript(tracker: Tracker) -> list[dict[str, Any]]:
    """The session's messages as the officer reads them: who said what, and when."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and (event.get("text") or "").strip():
            text = event["text"]
            if text.startswith("/"):  # a tapped button: the officer reads what it meant, not its payload
                intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or "button"
                text = f"(tapped: {intent.replace('_', ' ')})"
            lines.append({"who": "citizen", "text": text, "at": event.get("timestamp")})
        elif event.get("event") == "bot" and (event.get("text") or "").strip():
            lines.append({"who": "bot", "text": event["text"], "at": event.get("timestamp")})
    return lines[-TRANSCRIPT_MESSAGES:]


def discussed_application(tracker: Tracker) -> str | None:
    """The newest application number the citizen wrote or tapped in this session, if any."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        match = APPLICATION_NUMBER.search(event.get("text") or "")
        if match:
            return match[0].upper()
    subject = str(tracker.get_slot("payment_subject") or "")
    return subject.split(":", 1)[1] if subject.startswith("application:") else None


def wait_phrase(minutes: int, language: str) -> str:
    """The expected wait as the citizen reads it: "1 minute" / "5 minutes", "1 मिनट" (Hindi does not change)."""
    if language == "hi":
        return f"{minutes} मिनट"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


async def start_handover(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Ask the back-office to queue the conversation, then tell the citizen the wait (or the office hours)."""
    language = language_of(tracker)
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    body = {
        "conversation": tracker.sender_id,
        "citizen": citizen_of(tracker),
        "department": str((metadata.get("whatsapp") or {}).get("department") or "general"),
        "application": discussed_application(tracker),
        "language": language,
        "transcript": transcript(tracker),
        **whatsapp_address(tracker),
    }
    try:
        answer = await backoffice.start_handover(body)
    except FAILURES:
        dispatcher.utter_message(response="utter_handover_unavailable")
        return
    department = (answer.get("department_name") or {}).get(language) or answer.get("department", "")
    if not answer.get("office_open"):
        dispatcher.utter_message(
            response="utter_handover_after_hours",
            department=department,
            hours=(answer.get("hours") or {}).get(language, ""),
            opens=(answer.get("opens") or {}).get(language, ""),
        )
    elif not answer.get("officers_online"):
        dispatcher.utter_message(response="utter_handover_no_officer", department=department)
    else:
        minutes = int(answer.get("wait_minutes", 5))
        dispatcher.utter_message(
            response="utter_handover_queued", department=department, wait=wait_phrase(minutes, language)
        )


class ActionStartHandover(Action):
    """ "Talk to a person", typed or tapped."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_handover"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        """Queue the conversation for an officer and tell the citizen."""
        await start_handover(dispatcher, tracker)
        return []


class ActionNotUnderstood(Action):
    """A message the bot did not understand: say so once; at the second miss in a row, hand over."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        """Apologise, or hand over when the message before this one was not understood either."""
        intents = [
            (event.get("parse_data") or {}).get("intent", {}).get("name")
            for event in tracker.events
            if event.get("event") == "user"
        ]
        if len(intents) >= 2 and intents[-1] == FALLBACK and intents[-2] == FALLBACK:
            dispatcher.utter_message(response="utter_not_understood_twice")
            await start_handover(dispatcher, tracker)
        else:
            dispatcher.utter_message(response="utter_default")
        return []
