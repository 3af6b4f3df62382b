"""Single turns for actions outside the application form: a tracker with one message, and running an action."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.actions.conftest import DOMAIN

CITIZEN = "wa-pay0001"


def tracker(
    text: str,
    intent: str,
    entities: dict | None = None,
    language: str = "en",
    sender: str = CITIZEN,
    **slots: Any,
) -> Tracker:
    """A tracker whose latest message is `text`; slots as given (plus the language)."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0 if text.startswith("/") else 0.95},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
    }
    events = [{"event": "user", "text": text, "parse_data": message}]
    # Rasa's from_text mapping sets the form's slot after the message; the validation action checks it.
    if "bill_number" in slots:
        events.append({"event": "slot", "name": "bill_number", "value": slots["bill_number"]})
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {"language": language, **slots},
            "latest_message": message,
            "events": events,
            "active_loop": {"name": "bill_payment_form"} if "bill_kind" in slots else {},
            "latest_action_name": "action_listen",
        }
    )


async def run(action, tracker_: Tracker) -> tuple[list[dict], dict[str, Any]]:
    """Run an action; return what it said and the slots it set."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, DOMAIN)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
