"""Records a citizen's language and WhatsApp consent in the back-office and confirms the change."""

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


async def record_consent(dispatcher: CollectingDispatcher, tracker: Tracker, opted_in: bool) -> None:
    """Store STOP or START and confirm it, or say it did not work (consent must never be assumed)."""
    try:
        await backoffice.update_citizen(citizen_of(tracker), opted_in=opted_in, opt_in_source="whatsapp")
    except FAILURES:
        dispatcher.utter_message(response="utter_try_later")
        return
    dispatcher.utter_message(response="utter_opt_in" if opted_in else "utter_opt_out")


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


class ActionOptOut(Action):
    """STOP: no more updates on WhatsApp."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_opt_out"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Record and confirm."""
        await record_consent(dispatcher, tracker, opted_in=False)
        return []


class ActionOptIn(Action):
    """START: updates on WhatsApp again."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_opt_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Record and confirm."""
        await record_consent(dispatcher, tracker, opted_in=True)
        return []
