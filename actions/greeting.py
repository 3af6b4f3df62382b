"""Greeting and reply-routing actions for the first conversation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

REJECTION_RESPONSES = {
    "corrupt": "utter_document_rejected_corrupt",
    "too_large": "utter_document_rejected_too_large",
    "unsupported_type": "utter_document_rejected_unsupported_type",
}


class ActionGreet(Action):
    """Welcome a citizen: ask for a language until one is chosen, then greet with the menu."""

    def name(self) -> str:
        """Name the action as the domain does."""
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Utter the language choice, or the welcome and the main menu in the chosen language."""
        if not tracker.get_slot("language_chosen"):
            dispatcher.utter_message(response="utter_choose_language")
        else:
            dispatcher.utter_message(response="utter_welcome")
            dispatcher.utter_message(response="utter_main_menu")
        return []


class ActionDocumentRejected(Action):
    """Tell the citizen, in their language, why a document they sent was refused."""

    def name(self) -> str:
        """Name the action as the domain does."""
        return "action_document_rejected"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Pick the response for the refusal reason the channel reported."""
        reason = tracker.get_slot("rejection_reason")
        dispatcher.utter_message(response=REJECTION_RESPONSES.get(reason, "utter_document_rejected_other"))
        return []
