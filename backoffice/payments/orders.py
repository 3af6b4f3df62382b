"""Sends a payment's WhatsApp `order_details` message, so the citizen can review and pay inside WhatsApp."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from backoffice.citizens.models import Citizen
from backoffice.extensions import db
from backoffice.notifications.send import NO_ADDRESS, NOT_NOTIFIED, graph_client
from backoffice.payments.models import OPEN, PaymentIntent
from backoffice.payments.wiring import providers

log = logging.getLogger(__name__)
SENT_ORDER = "sent_order"


def send_order(reference: str) -> str:
    """Send the order of open payment `reference` from the payment number; return what happened."""
    intent = db.session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))
    whatsapp = providers().get("whatsapp")
    if intent is None or intent.status != OPEN or whatsapp is None:
        return NOT_NOTIFIED  # paid or closed meanwhile: an order now could only charge twice
    citizen = db.session.get(Citizen, intent.citizen)
    if citizen is None or not citizen.wa_id:
        return NO_ADDRESS
    interactive = whatsapp.checkout(intent).whatsapp_interactive
    graph_client().send_interactive(current_app.config["WHATSAPP_PAYMENT_NUMBER"], citizen.wa_id, interactive)
    log.info("sent the WhatsApp order of payment %s", reference)
    return SENT_ORDER
