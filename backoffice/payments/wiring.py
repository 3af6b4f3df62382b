"""The payment providers, the gateway client and the effects, built from the app's configuration."""

from __future__ import annotations

from flask import current_app

from backoffice.payments.backoffice_effects import BackofficePaymentEffects
from backoffice.payments.providers import PaymentProvider, providers_from_settings
from backoffice.payments.razorpay import RazorpayClient
from backoffice.payments.settings import PaymentSettings
from backoffice.payments.whatsapp_pay import WhatsAppPaymentLookup


def settings() -> PaymentSettings:
    """The payment settings of this app (read from the environment when the app was built)."""
    return current_app.config["PAYMENTS"]


def gateway_client() -> RazorpayClient:
    """A client for the gateway (Razorpay, or its stand-in in development)."""
    return RazorpayClient.from_settings(settings())


def whatsapp_lookup() -> WhatsAppPaymentLookup | None:
    """The Graph API payment lookup on the number that sends orders; None when no number is configured."""
    config = current_app.config
    if not config["WHATSAPP_PAYMENT_NUMBER"]:
        return None
    return WhatsAppPaymentLookup(
        config["WHATSAPP_GRAPH_URL"],
        config["WHATSAPP_API_VERSION"],
        config["WHATSAPP_ACCESS_TOKEN"],
        config["WHATSAPP_PAYMENT_NUMBER"],
        settings().whatsapp_payment_configuration,
    )


def providers() -> dict[str, PaymentProvider]:
    """Every configured way to pay, by name (gateway, upi, whatsapp)."""
    return providers_from_settings(settings(), whatsapp_lookup())


def effects() -> BackofficePaymentEffects:
    """What the back-office does when money moves."""
    return BackofficePaymentEffects()
