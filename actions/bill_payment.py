"""Paying a property tax (by UPIC) or a water bill (by K-number): which bill, its number, then the payment."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.payments import offer_payment, subject
from actions.turn import language_of, latest_turn
from catalog.validation import check_kno, check_upic, explain

BILLS = {"property_tax": check_upic, "water_bill": check_kno}
# Typed words that leave the question instead of answering it (never when the text is a valid number).
LEAVING = ("cancel", "main_menu", "deny", "go_back", "greet")
# The words the question itself tells the citizen to type to stop: honoured whatever the NLU's confidence.
STOP_WORDS = {"cancel", "रद्द", "radd"}
MAX_FAILURES = 3
BILL_SLOTS = ("bill_kind", "bill_number", "bill_failures")


def reset() -> list[SlotSet]:
    """Events that forget the bill in progress."""
    return [SlotSet(name, None) for name in BILL_SLOTS] + [SlotSet("bill_ready", False)]


class ActionChooseBill(Action):
    """ "Pay a bill or tax": ask which, or start asking for the number of the one named."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_choose_bill"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Start the number form when the message names property tax or a water bill; else offer both."""
        kind = str(latest_turn(tracker).entities.get("service") or "")
        if kind not in BILLS:
            dispatcher.utter_message(response="utter_choose_bill")
            return reset()
        return [
            *reset(),
            SlotSet("bill_kind", kind),
            SlotSet("requested_slot", None),
            SlotSet("bill_ready", True),
        ]


class ValidateBillPaymentForm(FormValidationAction):
    """Checks the UPIC or K-number as typed; explains a wrong format and asks again, or lets the citizen leave."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_bill_payment_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
        """The number until the bill is given up (no `bill_kind` any more)."""
        return ["bill_number"] if tracker.get_slot("bill_kind") in BILLS else []

    async def validate_bill_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """Keep a well-formed number; else explain, and stop after a cancel or three misses."""
        kind = tracker.get_slot("bill_kind")
        language = language_of(tracker)
        checked = BILLS[kind](str(value or ""))
        if checked.reason is None:
            return {"bill_number": checked.value}
        turn = latest_turn(tracker)
        said = turn.text.strip(" .!*").casefold()
        if said in STOP_WORDS or (turn.intent in LEAVING and (turn.tapped or turn.confidence >= 0.8)):
            dispatcher.utter_message(response="utter_bill_cancelled")
            return {"bill_number": None, "bill_kind": None}
        failures = int(tracker.get_slot("bill_failures") or 0) + 1
        if failures >= MAX_FAILURES:
            dispatcher.utter_message(response="utter_bill_number_give_up", reason=explain(checked, language))
            return {"bill_number": None, "bill_kind": None, "bill_failures": None}
        dispatcher.utter_message(response="utter_bill_number_invalid", reason=explain(checked, language))
        return {"bill_number": None, "bill_failures": float(failures)}


class ActionPayBill(Action):
    """After the number form: the bill's payment (lines with rebates, link), or the menu if it was given up."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_pay_bill"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Open the payment of the property or connection, then forget the form's slots."""
        kind, number = tracker.get_slot("bill_kind"), tracker.get_slot("bill_number")
        if kind not in BILLS or not number:
            dispatcher.utter_message(response="utter_main_menu")
            return reset()
        return [*reset(), *await offer_payment(dispatcher, tracker, subject(kind, number))]


class ActionAskBillNumber(Action):
    """The form's question: the UPIC for property tax, the K-number for a water bill."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ask_bill_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Ask for the number the chosen bill is known by."""
        asked = "utter_ask_upic" if tracker.get_slot("bill_kind") == "property_tax" else "utter_ask_k_number"
        dispatcher.utter_message(response=asked)
        return []
