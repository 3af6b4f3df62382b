"""Fees a department assesses after submission (a late fee, an assessed tax): the officer sets it, the citizen pays in chat.

The application waits in `payment_pending` until the payment is confirmed, then goes back to review.
"""

from __future__ import annotations

import logging

from flask import current_app

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.notifications.send import NO_ADDRESS, NOT_NOTIFIED, _in_window
from backoffice.payments.intents import issue_checkout, open_intent
from backoffice.payments.messages import text
from backoffice.payments.models import OPEN
from backoffice.payments.wiring import effects, providers
from catalog.fees import Charge, line
from catalog.model import known_language
from catalog.money import display

log = logging.getLogger(__name__)
PURPOSE = "assessed_fee"
MAX_PAISE = 10_000_000  # Rs 1 lakh: above this an assessment is a typing mistake, not a fee
# Named, not imported: the task module imports this one.
REQUEST_ASSESSED_FEE = "backoffice.payments_tasks.request_assessed_fee"
SEND_PAYMENT_ORDER = "backoffice.payments_tasks.send_payment_order"
SEND_CITIZEN_TEXT = "backoffice.notifications.tasks.send_citizen_text"


class AssessmentRefused(Exception):
    """The fee cannot be assessed; `code`: bad_amount, no_reason, or a workflow refusal's code."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def assess_fee(application: Application, amount_paise: int, reason: str, actor: Actor) -> None:
    """Record the fee, move the application to wait for payment, and ask the citizen to pay once committed."""
    reason = " ".join(reason.split())[:200]
    if not 0 < amount_paise <= MAX_PAISE:
        raise AssessmentRefused("bad_amount")
    if not reason:
        raise AssessmentRefused("no_reason")
    try:
        workflow.transition(
            application, "assess_fee", actor, f"{display(amount_paise)}: {reason}", notify=False
        )
    except workflow.TransitionRefused as refused:
        raise AssessmentRefused(refused.code) from refused
    application.assessed_fee_paise = amount_paise
    application.assessed_fee_reason = reason
    enqueue_after_commit(db.session(), REQUEST_ASSESSED_FEE, application.id)


def assessed_fee_charge(application: Application) -> Charge:
    """What the citizen owes for the application's assessed fee; one payment per assessment."""
    reason = application.assessed_fee_reason or "Assessed fee"
    return Charge(
        purpose=PURPOSE,
        # The event count keeps a second assessment on the same application a new subject.
        subject_key=f"application:{application.id}:assessed:{len(application.events)}",
        description_en=f"{reason} (application {application.number})",
        description_hi=f"{reason} (आवेदन {application.number})",
        lines=(line("assessed_fee", reason, reason, application.assessed_fee_paise),),
        application_id=application.id,
    )


def request_assessed_fee(application_id: int) -> str:
    """Open the payment of an assessed fee and send the citizen a way to pay it: a WhatsApp order or a link."""
    application = db.session.get(Application, application_id)
    if (
        application is None
        or application.status != workflow.PAYMENT_PENDING
        or not application.assessed_fee_paise
    ):
        return NOT_NOTIFIED  # paid, withdrawn or decided meanwhile
    citizen = application.citizen
    language = known_language(citizen.language if citizen else None)
    ways = providers()
    configured = "whatsapp" in ways and bool(current_app.config.get("WHATSAPP_PAYMENT_NUMBER"))
    # An order is an interactive message: only inside the 24-hour window; else a link in a text or template.
    whatsapp = configured and citizen is not None and _in_window(citizen)
    provider = "whatsapp" if whatsapp else "gateway"
    intent, _ = open_intent(db.session, assessed_fee_charge(application), application.citizen_id, language,
                            provider, effects())  # fmt: skip
    if intent.status != OPEN:
        return NOT_NOTIFIED
    if citizen is None or not citizen.wa_id:
        return NO_ADDRESS
    facts = {"number": application.number, "amount": display(intent.amount_paise),
             "reason": application.assessed_fee_reason, "reference": intent.reference}  # fmt: skip
    message = text("assessed_fee", language, **facts)
    if whatsapp:
        enqueue_after_commit(db.session(), SEND_CITIZEN_TEXT, application.citizen_id, message)
        enqueue_after_commit(db.session(), SEND_PAYMENT_ORDER, intent.reference)
        db.session.commit()
        return "order"
    checkout = issue_checkout(db.session, intent, ways["gateway"])
    prompt = text("pay_prompt", language, amount=facts["amount"], what=intent.description,
                  reference=intent.reference, url=checkout.url or intent.checkout_url or "")  # fmt: skip
    enqueue_after_commit(db.session(), SEND_CITIZEN_TEXT, application.citizen_id, f"{message}\n\n{prompt}")
    db.session.commit()
    log.info("asked for the assessed fee of %s by link", application.number)
    return "link"
