"""Configuration of the gateway stand-in, read from environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Everything the stand-in needs; `from_env()` gives development defaults shared with the back-office."""

    key_id: str = "rzp_test_seva"
    key_secret: str = "dev-razorpay-key-secret"  # noqa: S105 - development default
    webhook_secret: str = "dev-razorpay-webhook-secret"  # noqa: S105 - development default
    webhook_url: str = "http://127.0.0.1:5000/api/v1/payments/razorpay/webhook"
    host: str = "127.0.0.1"
    port: int = 8082
    public_url: str = "http://127.0.0.1:8082"
    # Seconds between webhook delivery attempts; Razorpay retries a webhook that is not answered 2xx.
    retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0)
    account_id: str = "acc_SevaStandIn01"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from the environment, keeping the defaults for anything unset."""
        env = os.environ if environ is None else environ
        port = int(env.get("GATEWAY_PORT", cls.port))
        return cls(
            key_id=env.get("RAZORPAY_KEY_ID", cls.key_id),
            key_secret=env.get("RAZORPAY_KEY_SECRET", cls.key_secret),
            webhook_secret=env.get("RAZORPAY_WEBHOOK_SECRET", cls.webhook_secret),
            webhook_url=env.get("GATEWAY_WEBHOOK_URL", cls.webhook_url),
            host=env.get("GATEWAY_HOST", cls.host),
            port=port,
            public_url=env.get("GATEWAY_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/"),
            retry_delays=tuple(
                float(s) for s in env.get("GATEWAY_RETRY_DELAYS", "0.5,2,5").split(",") if s.strip()
            ),
        )
