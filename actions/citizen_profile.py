"""Records a citizen's language and WhatsApp address in the back-office (consent: `actions/consent.py`)."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES, backoffice
from actions.turn import citizen_of, language_of, whatsapp_address

log = logging.getLogger(__name__)


async def record_language(tracker: Tracker) -> None:
    """Store the citizen's chosen language and WhatsApp address; the conversation goes on if the back-office is down."""
    try:
        await backoffice.update_citizen(
            citizen_of(tracker), language=language_of(tracker), **whatsapp_address(tracker)
        )
    except FAILURES:
        log.warning("could not record the language choice; the tracker still has it")


async def record_address(tracker: Tracker) -> None:
    """Tell the back-office where to send this citizen's receipts, certificates and updates (the latest number)."""
    address = whatsapp_address(tracker)
    if not address:
        return
    try:
        await backoffice.update_citizen(citizen_of(tracker), **address)
    except FAILURES:
        # The step the citizen asked for goes on; updates then reach the number recorded before.
        log.warning("could not record the citizen's WhatsApp address")


class ActionSetLanguage(Action):
    """After the language buttons: remember the choice and confirm it in that language."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_set_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Record and confirm."""
        await record_language(tracker)
        dispatcher.utter_message(response="utter_language_set")
        return []
