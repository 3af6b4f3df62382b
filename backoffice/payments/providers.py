"""The one payment interface and its providers: the card/net-banking/UPI gateway, UPI link and QR, WhatsApp."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Protocol

from backoffice.payments.models import PaymentIntent
from backoffice.payments.razorpay import GatewayError, RazorpayClient
from backoffice.payments.settings import PaymentSettings
from backoffice.payments.truth import PaymentTruth, gateway_truth
from backoffice.payments.upi import upi_link, upi_qr_png
from backoffice.payments.whatsapp_pay import WhatsAppPaymentLookup, order_details

# Razorpay refuses an expire_by less than 15 minutes ahead; we keep a minute of slack.
MIN_LINK_SECONDS = 16 * 60


@dataclass(frozen=True)
class Checkout:
    """How the citizen pays one intent: a hosted page, a UPI link and QR, or a WhatsApp order message."""

    reference: str
    url: str | None = None
    upi_link: str | None = None
    qr_png: bytes | None = None
    whatsapp_interactive: dict[str, Any] | None = None
    gateway_link_id: str | None = None


class PaymentProvider(Protocol):
    """A way to pay: it can offer a checkout for an intent and say, by a lookup, what happened to it."""

    name: str

    def checkout(self, intent: PaymentIntent) -> Checkout:
        """Return (creating once, at the provider) the way to pay this intent."""
        ...

    def truth(self, intent: PaymentIntent) -> PaymentTruth:
        """Ask the provider what happened to this intent."""
        ...


@dataclass
class GatewayProvider:
    """Razorpay payment links (card, net banking, UPI on the hosted page)."""

    client: RazorpayClient
    callback_url: str
    link_valid_hours: int = 48
    name: str = "gateway"

    def checkout(self, intent: PaymentIntent) -> Checkout:
        """Create the intent's payment link, or find the one an earlier attempt already created."""
        link = self._link(intent)
        return Checkout(intent.reference, url=link["short_url"], gateway_link_id=link["id"])

    def truth(self, intent: PaymentIntent) -> PaymentTruth:
        """Look the intent's link (and its paying payment) up at the gateway."""
        link_id = intent.gateway_link_id
        if link_id is None:
            links = self.client.find_payment_links(intent.reference)
            if not links:
                return PaymentTruth("open")
            link_id = links[0]["id"]
        return gateway_truth(self.client, link_id)

    def _link(self, intent: PaymentIntent) -> dict[str, Any]:
        if intent.gateway_link_id:
            return self.client.fetch_payment_link(intent.gateway_link_id)
        expire_by = int(time.time()) + self.link_valid_hours * 3600
        if intent.expires_at is not None:
            expire_by = min(expire_by, int(intent.expires_at.replace(tzinfo=UTC).timestamp()))
        body = {
            "amount": intent.amount_paise,
            "currency": intent.currency,
            "accept_partial": False,
            "reference_id": intent.reference,
            "description": intent.description[:2048],
            "notes": {"seva_reference": intent.reference, "purpose": intent.purpose},
            "notify": {"sms": False, "email": False},
            "reminder_enable": False,
            "callback_url": self.callback_url,
            "callback_method": "get",
            "expire_by": max(expire_by, int(time.time()) + MIN_LINK_SECONDS),
        }
        try:
            return self.client.create_payment_link(body)
        except GatewayError as exc:
            # Our reference is the link's reference_id, which the gateway keeps unique: a concurrent or
            # earlier attempt created it already, so use that link instead of a second one.
            if exc.field != "reference_id":
                raise
            links = self.client.find_payment_links(intent.reference)
            if not links:
                raise
            return links[0]


@dataclass
class UpiProvider:
    """A UPI intent link and its QR code to our collecting VPA, with our reference in `tr`.

    The collecting bank account sits behind the gateway, which reports the credit against the same
    reference; so the UPI checkout also opens the gateway link, and confirmation is the gateway's.
    """

    gateway: GatewayProvider
    vpa: str
    payee_name: str
    name: str = "upi"

    def checkout(self, intent: PaymentIntent) -> Checkout:
        """Return the UPI link and QR (and the gateway page as a fallback)."""
        hosted = self.gateway.checkout(intent)
        link = self.link(intent)
        return Checkout(
            intent.reference, hosted.url, link, upi_qr_png(link), gateway_link_id=hosted.gateway_link_id
        )

    def link(self, intent: PaymentIntent) -> str:
        """The intent's `upi://pay` link (no call to anyone)."""
        return upi_link(
            self.vpa, self.payee_name, intent.amount_paise, intent.reference, intent.description[:50]
        )

    def truth(self, intent: PaymentIntent) -> PaymentTruth:
        """Look the payment up at the gateway."""
        return self.gateway.truth(intent)


@dataclass
class WhatsAppPayProvider:
    """WhatsApp's own checkout: an `order_details` message; the Graph API's lookup says what happened."""

    lookup: WhatsAppPaymentLookup
    name: str = "whatsapp"

    def checkout(self, intent: PaymentIntent) -> Checkout:
        """Return the interactive `order_details` object for the back-office to send."""
        body = f"{intent.description}. Reference {intent.reference}."
        message = order_details(
            intent.reference, body, intent.lines, self.lookup.configuration_name, intent.language
        )
        return Checkout(intent.reference, whatsapp_interactive=message)

    def truth(self, intent: PaymentIntent) -> PaymentTruth:
        """Ask the Graph API about the order."""
        return self.lookup.truth(intent.reference)


def intent_truth(intent: PaymentIntent, providers: dict[str, PaymentProvider]) -> PaymentTruth:
    """Ask every way the intent was offered what happened: its provider, and the gateway if it made a link.

    A citizen may take the hosted link first and pay in WhatsApp later, or the other way round; the
    intent keeps `whatsapp` once an order went out, and its gateway link id once a link was made.
    """
    names = [intent.provider]
    if intent.provider == "whatsapp" and intent.gateway_link_id:
        names.append("gateway")
    truth = PaymentTruth("open")
    for name in names:
        provider = providers.get(name)
        if provider is None:
            continue
        truth = provider.truth(intent)
        if truth.state != "open":
            return truth
    return truth


def providers_from_settings(
    settings: PaymentSettings, whatsapp_lookup: WhatsAppPaymentLookup | None = None
) -> dict[str, PaymentProvider]:
    """Build every configured provider by name; WhatsApp payments only when a lookup is given."""
    gateway = GatewayProvider(
        RazorpayClient.from_settings(settings), settings.callback_url, settings.link_valid_hours
    )
    providers: dict[str, PaymentProvider] = {
        "gateway": gateway,
        "upi": UpiProvider(gateway, settings.upi_vpa, settings.upi_payee_name),
    }
    if whatsapp_lookup is not None:
        providers["whatsapp"] = WhatsAppPayProvider(whatsapp_lookup)
    return providers
