"""Signed PDF receipts for confirmed payments: an application's fee, a property's tax, a water bill."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.audit import services as audit
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.issuing.services import SYSTEM, facts_for, issue_paper
from backoffice.payments.models import PAID, REFUNDED, PaymentIntent, PropertyTaxDemand, WaterBill
from catalog import load_catalog
from catalog.model import known_language
from catalog.money import display
from certificates.issue import Issuer
from certificates.receipts import RECEIPT, receipt_facts

# The catalog service each purpose is paid under (an application's own service otherwise).
PURPOSE_SERVICES = {"property_tax": "property_tax", "water_bill": "water_bill"}


def receipt_number(reference: str) -> str:
    """The receipt's certificate number: our payment reference and `-R`."""
    return f"{reference}-R"


def _payer(intent: PaymentIntent, application: Application | None) -> str:
    if application is not None:
        return facts_for(application, "").holder_name or "—"
    for item in intent.lines:
        table, _, row_id = (item.get("ledger") or "").partition(":")
        if table == "property_tax_demands":
            return db.session.get(PropertyTaxDemand, int(row_id)).owner_name
        if table == "water_bills":
            return db.session.get(WaterBill, int(row_id)).consumer_name
    return "—"


def issue_receipt(reference: str, issuer: Issuer) -> Certificate | None:
    """Issue and store the receipt of a paid intent; None if it is not paid or already has one (a redelivery)."""
    intent = db.session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))
    if intent is None or intent.status not in (PAID, REFUNDED):
        return None
    number = receipt_number(reference)
    if db.session.scalar(select(Certificate.id).where(Certificate.number == number)) is not None:
        return None
    application = db.session.get(Application, intent.application_id) if intent.application_id else None
    service = load_catalog()[application.service if application else PURPOSE_SERVICES[intent.purpose]]
    paid_at = (intent.settled_at or intent.updated_at).replace(tzinfo=UTC)
    facts = receipt_facts(
        service,
        number=number,
        payer=_payer(intent, application),
        amount=display(intent.amount_paid_paise or intent.amount_paise).removeprefix("₹"),
        reference=f"{intent.reference} / {intent.payment_id}" if intent.payment_id else intent.reference,
        paid_at=paid_at,
        language=known_language(intent.language),
    )
    receipt = issue_paper(issuer, RECEIPT, facts, intent.citizen, intent.application_id)
    audit.record(SYSTEM, "receipt.issue", f"certificate:{number}", {"payment": reference})
    db.session.commit()
    return receipt
