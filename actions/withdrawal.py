"""Withdrawing an application in chat: pick one of the citizen's open applications, confirm, and hear about the fee."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES, BackOfficeError, backoffice
from actions.catalog_source import catalog_source
from actions.tracking import service_name
from actions.turn import citizen_of, language_of, latest_turn
from catalog import CatalogError

# Statuses in which the department still owes a decision: only these can be withdrawn.
OPEN_STATUSES = ("submitted", "payment_pending", "document_check", "under_review", "query_raised")
LISTED = 10  # rows in one WhatsApp list
# Why the back-office refused (its problem code, or the application's status), and what the citizen is told.
REFUSALS = {
    "already_withdrawn": "utter_withdraw_already",
    "withdrawn": "utter_withdraw_already",
    "already_issued": "utter_withdraw_issued",
    "issued": "utter_withdraw_issued",
    "already_decided": "utter_withdraw_decided",
    "approved": "utter_withdraw_decided",
    "rejected": "utter_withdraw_decided",
}


async def _catalog():
    try:
        return await catalog_source.get()
    except (*FAILURES, CatalogError):
        return None  # numbers still identify the applications


class ActionWithdrawApplication(Action):
    """ "Withdraw my application": list the open ones, or (one chosen) ask to confirm."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_withdraw_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """List, confirm, or refuse politely."""
        language, citizen = language_of(tracker), citizen_of(tracker)
        number = latest_turn(tracker).application_number()
        catalog = await _catalog()
        try:
            if number:
                application = await backoffice.application(number, citizen)
                rows = None
            else:
                rows = await backoffice.applications(citizen)
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return []
        if rows is not None:
            _offer_choice(dispatcher, [r for r in rows if r["status"] in OPEN_STATUSES], catalog, language)
            return []
        if application is None:  # none such, or another citizen's: the same answer
            dispatcher.utter_message(response="utter_application_not_found", number=number)
        elif application["status"] in REFUSALS:
            dispatcher.utter_message(response=REFUSALS[application["status"]], number=application["number"])
        else:
            dispatcher.utter_message(
                response="utter_withdraw_confirm",
                number=application["number"],
                service_name=service_name(catalog, application["service"], language),
                buttons=_confirm_buttons(application["number"], language),
            )
        return []


def _offer_choice(
    dispatcher: CollectingDispatcher, rows: list[dict[str, Any]], catalog, language: str
) -> None:
    if not rows:
        dispatcher.utter_message(response="utter_withdraw_none")
        return
    choices = [
        {
            # A long title is cut on a button; in a list its whole text follows in the row's second line.
            "title": f"{row['number']} {service_name(catalog, row['service'], language)}",
            "payload": f'/withdraw_application{{"number":"{row["number"]}"}}',
        }
        for row in rows[:LISTED]
    ]
    dispatcher.utter_message(response="utter_withdraw_choose", buttons=choices)


def _confirm_buttons(number: str, language: str) -> list[dict[str, str]]:
    yes, no = ("हाँ, वापस लें", "नहीं, रहने दें") if language == "hi" else ("Yes, withdraw", "No, keep it")
    return [
        {"title": yes, "payload": f'/confirm_withdraw{{"number":"{number}"}}'},
        {"title": no, "payload": "/main_menu"},
    ]


class ActionConfirmWithdraw(Action):
    """The citizen confirmed: withdraw, then say whether the fee is refunded."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_confirm_withdraw"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Withdraw through the back-office and tell the outcome."""
        number = latest_turn(tracker).application_number()
        if not number:
            dispatcher.utter_message(response="utter_withdraw_none")
            return []
        try:
            result = await backoffice.withdraw(number, citizen_of(tracker))
        except BackOfficeError as error:
            if error.status == 404:
                dispatcher.utter_message(response="utter_application_not_found", number=number)
            elif error.code in REFUSALS:
                dispatcher.utter_message(response=REFUSALS[error.code], number=number)
            else:
                dispatcher.utter_message(response="utter_try_later")
            return []
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return []
        dispatcher.utter_message(response="utter_withdrawn", number=result["number"])
        refund = result.get("refund")
        if refund:
            amount = refund["amount_label"][language_of(tracker)]
            response = (
                "utter_withdrawn_refunding"
                if refund["outcome"] == "refunding"
                else "utter_withdrawn_fee_kept"
            )
            dispatcher.utter_message(response=response, amount=amount)
        return []
