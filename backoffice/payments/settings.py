"""Configuration of the payment providers, read from environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

STANDIN_URL = "http://127.0.0.1:8082"
# Development-only secrets, shared with the gateway stand-in's defaults; refused for any other gateway.
DEV_KEY_ID = "rzp_test_seva"
DEV_KEY_SECRET = "dev-razorpay-key-secret"  # noqa: S105 - development default
DEV_WEBHOOK_SECRET = "dev-razorpay-webhook-secret"  # noqa: S105 - development default


class PaymentSettingsError(ValueError):
    """The payment configuration is unsafe or incomplete."""


@dataclass(frozen=True)
class PaymentSettings:
    """Everything the payment providers need; `from_env()` gives the development defaults."""

    razorpay_base_url: str = STANDIN_URL
    razorpay_key_id: str = DEV_KEY_ID
    razorpay_key_secret: str = DEV_KEY_SECRET
    razorpay_webhook_secret: str = DEV_WEBHOOK_SECRET
    upi_vpa: str = "seva.delhi@upi"
    upi_payee_name: str = "Govt of NCT of Delhi"
    whatsapp_payment_configuration: str = "seva-razorpay"
    # Where the gateway sends the citizen's browser after paying; it never confirms anything.
    callback_url: str = "http://127.0.0.1:5000/api/v1/payments/razorpay/return"
    # A payment still open after this many minutes is looked up by reconciliation.
    stale_after_minutes: int = 15
    # Hours a payment link stays payable.
    link_valid_hours: int = 48

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> PaymentSettings:
        """Build settings from the environment; development secrets are allowed only with a loopback gateway."""
        env = os.environ if environ is None else environ
        public = env.get("SEVA_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        settings = cls(
            razorpay_base_url=env.get("RAZORPAY_BASE_URL", STANDIN_URL).rstrip("/"),
            razorpay_key_id=env.get("RAZORPAY_KEY_ID", DEV_KEY_ID),
            razorpay_key_secret=env.get("RAZORPAY_KEY_SECRET", DEV_KEY_SECRET),
            razorpay_webhook_secret=env.get("RAZORPAY_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET),
            upi_vpa=env.get("UPI_VPA", cls.upi_vpa),
            upi_payee_name=env.get("UPI_PAYEE_NAME", cls.upi_payee_name),
            whatsapp_payment_configuration=env.get(
                "WHATSAPP_PAYMENT_CONFIGURATION", cls.whatsapp_payment_configuration
            ),
            callback_url=public + "/api/v1/payments/razorpay/return",
            stale_after_minutes=int(env.get("PAYMENT_STALE_MINUTES", cls.stale_after_minutes)),
            link_valid_hours=int(env.get("PAYMENT_LINK_VALID_HOURS", cls.link_valid_hours)),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse development secrets when talking to anything but a gateway on this machine."""
        host = urlsplit(self.razorpay_base_url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            return
        if self.razorpay_key_secret == DEV_KEY_SECRET or self.razorpay_webhook_secret == DEV_WEBHOOK_SECRET:
            raise PaymentSettingsError(
                "set RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET for a real gateway"
            )
