"""Offering a payment (amount, itemised lines, link; UPI or WhatsApp on request) and checking one, over `/payments`."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import BackOfficeError, BackOfficeUnavailable, backoffice
from actions.citizen_profile import record_address
from actions.turn import citizen_of, language_of, latest_turn

log = logging.getLogger(__name__)

PROVIDERS = ("gateway", "upi", "whatsapp")
# What identifies each kind of subject in the back-office's payment contract.
SUBJECT_KEYS = {"application": "number", "property_tax": "upic", "water_bill": "k_number"}
PAYMENT_REFERENCE = re.compile(r"\bSVP[A-Z2-9]{12}\b", re.IGNORECASE)
LISTED = 10  # rows in one WhatsApp list
REFUSALS = {
    "already_paid": "utter_payment_already_paid",
    "nothing_to_pay": "utter_payment_nothing_to_pay",
    "invalid": "utter_payment_invalid",
}


def subject(kind: str, value: str) -> dict[str, str]:
    """The contract's subject object, e.g. `{"kind": "property_tax", "upic": "..."}`."""
    return {"kind": kind, SUBJECT_KEYS[kind]: value}


def subject_slot(payment_subject: dict[str, str]) -> str:
    """A subject as the `payment_subject` slot keeps it: `<kind>:<id>`."""
    kind = payment_subject["kind"]
    return f"{kind}:{payment_subject[SUBJECT_KEYS[kind]]}"


def subject_from_slot(value: Any) -> dict[str, str] | None:
    """The subject kept by `subject_slot`, or None when there is none (or it is garbled)."""
    kind, _, identifier = str(value or "").partition(":")
    return subject(kind, identifier) if kind in SUBJECT_KEYS and identifier else None


def rupees(paise: int) -> str:
    """An amount in paise as Indians write rupees: ₹1,23,456.50; a rebate keeps its minus sign."""
    sign = "−" if paise < 0 else ""
    whole, part = divmod(abs(int(paise)), 100)
    digits = str(whole)
    if len(digits) > 3:
        head = re.sub(r"(\d)(?=(\d\d)+$)", r"\1,", digits[:-3])
        digits = f"{head},{digits[-3:]}"
    return f"{sign}₹{digits}" + (f".{part:02d}" if part else "")


def payment_lines(payment: dict[str, Any], language: str) -> str:
    """The itemised lines (fee, arrears, rebates...), one per row."""
    return "\n".join(
        f"• {(line.get('label') or {}).get(language, '')}: {rupees(line.get('amount_paise', 0))}"
        for line in payment.get("lines") or []
    )


def show_checkout(dispatcher: CollectingDispatcher, payment: dict[str, Any], language: str) -> None:
    """Tell the citizen how to pay, for the provider the back-office used."""
    amount = (payment.get("amount_label") or {}).get(language) or rupees(payment.get("amount_paise", 0))
    common = {"amount": amount, "lines": payment_lines(payment, language), "reference": payment["reference"]}
    if payment.get("provider") == "whatsapp" and payment.get("order_sent"):
        dispatcher.utter_message(response="utter_payment_whatsapp_sent", **common)
    elif payment.get("provider") == "upi" and payment.get("upi_link"):
        dispatcher.utter_message(response="utter_payment_upi", upi_link=payment["upi_link"], **common)
    elif payment.get("url"):
        dispatcher.utter_message(response="utter_payment_link", url=payment["url"], **common)
    else:
        log.warning("payment %s came back without a way to pay", payment["reference"])
        dispatcher.utter_message(response="utter_payment_unavailable")


async def offer_payment(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    payment_subject: dict[str, str],
    provider: str = "gateway",
    not_found: str | None = None,
) -> list[SlotSet]:
    """Open (or get) the subject's payment with `provider` and show it; every refusal gets a polite answer.

    `not_found` replaces the "check the number" answer where the number cannot be wrong (just submitted).
    """
    language = language_of(tracker)
    try:
        await record_address(tracker)  # the receipt and confirmation go to the number they pay from
        payment = await backoffice.create_payment(citizen_of(tracker), payment_subject, language, provider)
    except BackOfficeError as error:
        if error.code == "not_found":
            not_found = not_found or (
                "utter_payment_not_found"
                if payment_subject["kind"] == "application"
                else "utter_bill_not_found"
            )
            dispatcher.utter_message(
                response=not_found, number=payment_subject[SUBJECT_KEYS[payment_subject["kind"]]]
            )
        else:
            log.warning("payment refused: %s %s", error.status, error.code)
            dispatcher.utter_message(response=REFUSALS.get(error.code, "utter_payment_unavailable"))
        return [SlotSet("payment_subject", None)]
    except BackOfficeUnavailable:
        dispatcher.utter_message(response="utter_payment_unavailable")
        return [SlotSet("payment_subject", subject_slot(payment_subject))]
    try:
        show_checkout(dispatcher, payment, language)
    except (KeyError, TypeError, AttributeError):
        log.exception("the back-office answered a payment the bot cannot read")
        dispatcher.utter_message(response="utter_payment_unavailable")
        return [SlotSet("payment_subject", subject_slot(payment_subject))]
    return [
        SlotSet("payment_subject", subject_slot(payment_subject)),
        SlotSet("payment_reference", payment.get("reference")),
    ]


class ActionChoosePayment(Action):
    """A tap on "Pay with UPI" or "Pay in WhatsApp": the same subject's payment by that provider."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_choose_payment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Check out the payment last offered with the chosen provider."""
        provider = str(latest_turn(tracker).entities.get("provider") or "gateway")
        payment_subject = subject_from_slot(tracker.get_slot("payment_subject"))
        if payment_subject is None or provider not in PROVIDERS:
            return await pay_fee(dispatcher, tracker, None, "gateway")
        return await offer_payment(dispatcher, tracker, payment_subject, provider)


async def pay_fee(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: str | None, provider: str
) -> list:
    """Pay the fee of `number`, or of the one application awaiting payment; a list when several are."""
    if number:
        return await offer_payment(dispatcher, tracker, subject("application", number), provider)
    try:
        rows = await backoffice.applications(citizen_of(tracker))
    except (BackOfficeError, BackOfficeUnavailable):
        dispatcher.utter_message(response="utter_payment_unavailable")
        return []
    due = [row["number"] for row in rows if row.get("status") == "payment_pending"]
    if not due:
        dispatcher.utter_message(response="utter_no_fee_due")
        return []
    if len(due) == 1:
        return await offer_payment(dispatcher, tracker, subject("application", due[0]), provider)
    buttons = [{"title": n, "payload": f'/pay_fee{{"number":"{n}"}}'} for n in due[:LISTED]]
    dispatcher.utter_message(response="utter_choose_fee_application", buttons=buttons)
    return []


class ActionPayFee(Action):
    """ "Pay my fee" / "fees bharna hai": the payment of an application awaiting its fee."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_pay_fee"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Offer the payment of the application named (by tap or in the text), or find it."""
        return await pay_fee(dispatcher, tracker, latest_turn(tracker).application_number(), "gateway")


class ActionCheckPayment(Action):
    """ "Did my payment go through?": the state of the payment named, or of the one last offered."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_check_payment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Look the payment up in the back-office and say where it stands."""
        match = PAYMENT_REFERENCE.search(latest_turn(tracker).text)
        reference = match[0].upper() if match else tracker.get_slot("payment_reference")
        if not reference:
            dispatcher.utter_message(response="utter_ask_payment_reference")
            return []
        try:
            payment = await backoffice.payment(reference, citizen_of(tracker))
        except (BackOfficeError, BackOfficeUnavailable):
            dispatcher.utter_message(response="utter_payment_unavailable")
            return []
        if payment is None:
            dispatcher.utter_message(response="utter_payment_reference_unknown", reference=reference)
            return []
        language = language_of(tracker)
        state = payment.get("status")
        response = {"paid": "utter_payment_paid", "open": "utter_payment_open"}.get(
            state, "utter_payment_other"
        )
        dispatcher.utter_message(
            response=response,
            reference=reference,
            amount=(payment.get("amount_label") or {}).get(language, ""),
            subject=(payment.get("subject_label") or {}).get(language, ""),
        )
        return [SlotSet("payment_reference", reference)]
