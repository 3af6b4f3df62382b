"""The data principal's rights in the chat: each request goes to the back-office, which answers or files it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES, BackOfficeError, backoffice
from actions.turn import language_of, latest_turn, whatsapp_address
from catalog.validation import check_mobile

KIND_OF_INTENT = {
    "data_correction": "correction",
    "data_grievance": "grievance",
    "data_nomination": "nomination",
}
_MOBILE = re.compile(r"(?:\+?91[ -]?|0)?[6-9]\d{4}[ -]?\d{5}")


async def file(tracker: Tracker, kind: str, **fields: Any) -> dict[str, Any]:
    """Make sure the back-office knows how to reach the citizen (the PDF, the answer), then file the request."""
    await backoffice.update_citizen(tracker.sender_id, **whatsapp_address(tracker))
    return await backoffice.rights_request(tracker.sender_id, kind, **fields)


def shown_date(iso: str | None) -> str:
    """A due date as the citizen reads it: DD/MM/YYYY."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def kept_lines(kept: list[dict[str, Any]], language: str) -> str:
    """One line per application the law keeps: number, until when, and the law, in the citizen's language."""
    lines = []
    for item in kept:
        law = item["law"].get(language) or item["law"]["en"]
        if item.get("until"):
            until = shown_date(item["until"])
            when = f"{until} तक" if language == "hi" else f"until {until}"
        else:
            years = item["years"]
            when = (
                f"निर्णय के बाद {years} वर्ष तक" if language == "hi" else f"for {years} years after the decision"
            )
        lines.append(f"• {item['number']}: {when} ({law})")
    return "\n".join(lines)


class ActionDataAccess(Action):
    """Access: the back-office sends a PDF of what it holds and why."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_data_access"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """File the access request; the PDF follows in the chat."""
        try:
            answer = await file(tracker, "access")
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return []
        dispatcher.utter_message(response="utter_data_access_sent", reference=answer["reference"])
        return []


class ActionDataErasure(Action):
    """Erasure, once confirmed: what no law keeps goes; what must stay is named with its law and date."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_data_erasure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """File the erasure and say what was deleted and what the law keeps."""
        try:
            answer = await file(tracker, "erasure")
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return []
        if answer.get("kept"):
            dispatcher.utter_message(response="utter_data_erasure_kept", reference=answer["reference"],
                                     kept=kept_lines(answer["kept"], language_of(tracker)))  # fmt: skip
        else:
            dispatcher.utter_message(response="utter_data_erased", reference=answer["reference"])
        return []


class ActionStartDataRequest(Action):
    """Remember which request needs the citizen's message (correction, grievance, nomination)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_data_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Set the kind from the intent; clear any earlier message."""
        kind = KIND_OF_INTENT.get(latest_turn(tracker).intent, "grievance")
        return [SlotSet("rights_kind", kind), SlotSet("rights_text", None)]


class ActionAskRightsText(Action):
    """Ask for the one message the request needs, worded for its kind."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ask_rights_text"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Utter the question for the current kind."""
        kind = tracker.get_slot("rights_kind") or "grievance"
        dispatcher.utter_message(response=f"utter_ask_rights_{kind}")
        return []


def nominee_from(text: str) -> dict[str, str] | None:
    """`name, relation, mobile` (any order of the last two) from one message, or None without name and mobile."""
    match = _MOBILE.search(text)
    mobile = check_mobile(match[0]) if match else None
    if mobile is None or not mobile.ok:
        return None
    rest = [p.strip() for p in (text[: match.start()] + text[match.end() :]).split(",") if p.strip()]
    if not rest:
        return None
    return {"name": rest[0], "relation": ", ".join(rest[1:]), "mobile": str(mobile.value)}


class ActionFileDataRequest(Action):
    """File the correction, grievance or nomination with the citizen's message; say when the answer is due."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_file_data_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Send the request to the back-office and tell the citizen its reference."""
        kind = tracker.get_slot("rights_kind") or "grievance"
        text = str(tracker.get_slot("rights_text") or "").strip()
        done = [SlotSet("rights_kind", None), SlotSet("rights_text", None)]
        try:
            if kind == "nomination":
                nominee = nominee_from(text)
                if nominee is None:
                    dispatcher.utter_message(response="utter_nominee_invalid")
                    return done
                answer = await file(tracker, "nomination", nominee=nominee)
                dispatcher.utter_message(response="utter_nominee_recorded", name=nominee["name"],
                                         reference=answer["reference"])  # fmt: skip
                return done
            answer = await file(tracker, kind, text=text)
        except BackOfficeError as error:
            dispatcher.utter_message(
                response="utter_nominee_invalid" if error.status == 422 else "utter_try_later"
            )
            return done
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return done
        dispatcher.utter_message(response="utter_data_request_filed", reference=answer["reference"],
                                 due_by=shown_date(answer.get("due_by")))  # fmt: skip
        return done
