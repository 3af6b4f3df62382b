"""What the citizen's latest message was: intent, confidence, text, entities, and whether it was a tapped button."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker

APPLICATION_NUMBER = re.compile(r"\bDL-[A-Z]{2,4}-\d{4}-\d{6}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    """The latest user message as the actions need it."""

    intent: str
    confidence: float
    text: str
    entities: dict[str, Any] = field(default_factory=dict)

    @property
    def tapped(self) -> bool:
        """True for a button or list payload: the channel strips a leading `/` from typed text."""
        return self.text.startswith("/")

    def application_number(self) -> str | None:
        """An application number tapped (the `number` entity of a list row) or written, upper-cased, if any."""
        if self.entities.get("number"):
            return str(self.entities["number"]).upper()
        match = APPLICATION_NUMBER.search(self.text)
        return match[0].upper() if match else None


def latest_turn(tracker: Tracker) -> Turn:
    """Read the latest user message of `tracker`."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    entities = {e["entity"]: e.get("value") for e in message.get("entities") or [] if "entity" in e}
    return Turn(
        intent=intent.get("name") or "",
        confidence=float(intent.get("confidence") or 0.0),
        text=(message.get("text") or "").strip(),
        entities=entities,
    )


def whatsapp_address(tracker: Tracker) -> dict[str, str]:
    """The citizen's WhatsApp number and the business number they wrote to, as the channel put them in the metadata."""
    whatsapp = _whatsapp(tracker)
    return {key: str(whatsapp[key]) for key in ("wa_id", "phone_number_id") if whatsapp.get(key)}


def _whatsapp(tracker: Tracker) -> dict:
    return ((tracker.latest_message or {}).get("metadata") or {}).get("whatsapp") or {}


def citizen_of(tracker: Tracker) -> str:
    """The person the back-office knows, the same on every department number; the conversation id elsewhere.

    The WhatsApp channel names the person in the metadata (whatsapp_contract.identity); other channels
    (the REST channel of tools and tests) have only the conversation, which then stands for the person.
    """
    return str(_whatsapp(tracker).get("citizen") or tracker.sender_id)


def language_of(tracker: Tracker) -> str:
    """The citizen's language: `hi` or `en` (the default)."""
    return "hi" if tracker.get_slot("language") == "hi" else "en"
