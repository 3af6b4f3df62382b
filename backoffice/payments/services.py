"""What the bot asks of payments: a way to pay one subject (a fee, a property's tax, a water bill), and its state."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.citizens import services as citizens
from backoffice.core.clock import today_ist
from backoffice.core.problems import Problem, not_found
from backoffice.extensions import db
from backoffice.payments.assessed_fees import assessed_fee_charge
from backoffice.payments.intents import IntentNotOpen, issue_checkout, open_intent
from backoffice.payments.messages import text
from backoffice.payments.models import OPEN, PaymentIntent
from backoffice.payments.property_tax import property_tax_charge
from backoffice.payments.providers import Checkout
from backoffice.payments.razorpay import GatewayError
from backoffice.payments.water_bills import water_bill_charge
from backoffice.payments.wiring import effects, providers
from catalog import load_catalog
from catalog.fees import Charge, ChargeError, application_charge
from catalog.model import known_language
from catalog.money import display

log = logging.getLogger(__name__)
PROVIDERS = ("gateway", "upi", "whatsapp")
# ChargeError codes as the API answers them: (status, problem code).
REFUSALS = {
    "invalid_upic": (422, "invalid"),
    "invalid_k_number": (422, "invalid"),
    "unknown_property": (404, "not_found"),
    "unknown_k_number": (404, "not_found"),
    "nothing_due": (409, "already_paid"),
    "nothing_to_pay": (409, "nothing_to_pay"),
    "fee_not_known": (409, "nothing_to_pay"),
}


def _application_charge(number: str, citizen_id: str) -> Charge:
    application = db.session.scalar(select(Application).where(Application.number == number))
    if application is None or application.citizen_id != citizen_id:
        raise not_found("application")
    if application.status == workflow.PAYMENT_PENDING and application.assessed_fee_paise:
        return assessed_fee_charge(application)
    service = load_catalog()[application.service]
    charge = application_charge(application.id, service, application.answers, application.channel == "csc")
    if application.status != workflow.PAYMENT_PENDING:
        paid = db.session.scalar(
            select(PaymentIntent.id).where(PaymentIntent.live_subject == charge.subject_key)
        )
        raise Problem(409, "already_paid" if paid else "nothing_to_pay", "no fee is due on this application")
    return charge


def _charge(subject: Any, citizen_id: str) -> Charge:
    if not isinstance(subject, dict):
        raise Problem(422, "invalid", "subject must be an object")
    kind = subject.get("kind")
    try:
        if kind == "application":
            return _application_charge(str(subject.get("number", "")), citizen_id)
        if kind == "property_tax":
            return property_tax_charge(db.session, str(subject.get("upic", "")), today_ist())
        if kind == "water_bill":
            return water_bill_charge(db.session, str(subject.get("k_number", "")))
    except ChargeError as refusal:
        status, code = REFUSALS[refusal.code]
        raise Problem(status, code, refusal.code) from refusal
    raise Problem(422, "invalid", "subject.kind must be application, property_tax or water_bill")


def _checkout(intent: PaymentIntent, provider: str) -> tuple[Checkout, bool]:
    from backoffice.payments.tasks import send_payment_order

    if provider == "whatsapp":
        # Sticky: once an order went out, lookups ask WhatsApp as well as the gateway.
        db.session.execute(
            update(PaymentIntent).where(PaymentIntent.id == intent.id).values(provider="whatsapp")
        )
        db.session.commit()
        send_payment_order.delay(intent.reference)
        return Checkout(intent.reference), True
    return issue_checkout(db.session, intent, providers()[provider]), False


def request_payment(body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Open (or find) the subject's one payment and return how to pay it, and whether it is new."""
    citizen_id = body.get("citizen")
    provider = body.get("provider", "gateway")
    language = known_language(body.get("language"))
    if not isinstance(citizen_id, str) or not 0 < len(citizen_id) <= 64:
        raise Problem(422, "invalid", "citizen is required")
    if provider not in PROVIDERS or provider not in providers():
        raise Problem(422, "invalid", f"provider must be one of {', '.join(providers())}")
    charge = _charge(body.get("subject"), citizen_id)
    citizens.touch(citizen_id)
    db.session.commit()
    intent, created = open_intent(db.session, charge, citizen_id, language, provider, effects())
    if intent.status != OPEN:
        raise Problem(409, "already_paid", f"payment {intent.reference} is {intent.status}")
    try:
        checkout, order_sent = _checkout(intent, provider)
    except IntentNotOpen as exc:
        raise Problem(409, "already_paid", "paid meanwhile") from exc
    except GatewayError as exc:
        log.warning("gateway refused a checkout for %s: %s", intent.reference, exc)
        raise Problem(503, "unavailable", "the payment gateway is not answering; please try again") from exc
    return payment_json(intent, checkout, order_sent), created


def payment_json(intent: PaymentIntent, checkout: Checkout, order_sent: bool) -> dict[str, Any]:
    """The contract's answer to `POST /payments`: amount, lines, and the way to pay."""
    db.session.refresh(intent)
    url = checkout.url or intent.checkout_url
    amount = display(intent.amount_paise)
    return {
        "reference": intent.reference,
        "status": intent.status,
        "provider": intent.provider,
        "amount_paise": intent.amount_paise,
        "amount_label": {"en": amount, "hi": amount},
        "lines": [
            {
                "code": line["code"],
                "label": {"en": line["label_en"], "hi": line["label_hi"]},
                "amount_paise": line["amount_paise"],
            }
            for line in intent.lines
        ],  # fmt: skip
        "url": url,
        "upi_link": checkout.upi_link,
        "order_sent": order_sent,
        "message": {
            language: text(
                "pay_prompt",
                language,
                amount=amount,
                what=intent.description,
                reference=intent.reference,
                url=url or "",
            )
            for language in ("en", "hi")
        },  # fmt: skip
    }


def citizen_payment(reference: str, citizen_id: str | None) -> PaymentIntent:
    """The citizen's payment `reference`; 404 for another citizen's, as for one that does not exist."""
    intent = db.session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))
    if intent is None or intent.citizen != citizen_id:
        raise not_found("payment")
    return intent


def payment_state_json(intent: PaymentIntent) -> dict[str, Any]:
    """The contract's answer to `GET /payments/<reference>`."""
    amount = display(intent.amount_paise)
    return {
        "reference": intent.reference,
        "status": intent.status,
        "amount_label": {"en": amount, "hi": amount},
        "subject_label": {"en": intent.description, "hi": intent.description},
    }


def open_payment(reference: str) -> PaymentIntent:
    """An open payment by its reference, or 404."""
    intent = db.session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))
    if intent is None or intent.status != OPEN:
        raise not_found("payment")
    return intent
