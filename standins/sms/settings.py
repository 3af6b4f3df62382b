"""Configuration of the SMS provider stand-in, read from environment variables (shared with the back-office)."""

from __future__ import annotations

import os
from dataclasses import dataclass

# Development defaults only; the back-office refuses them with a provider that is not on loopback.
DEV_API_KEY = "dev-sms-key"
DEV_API_TOKEN = "dev-sms-token"  # noqa: S105 - development default
DEV_WEBHOOK_SECRET = "dev-sms-webhook-secret"  # noqa: S105 - development default
# TRAI's DLT: every commercial SMS names its registered sender header, entity and content template.
DEV_SENDER = "DLSEVA"
DEV_ENTITY_ID = "1101000000000000001"
DEV_TEMPLATES = "otp:1107000000000000001,status:1107000000000000002,consent:1107000000000000003"


def parse_templates(text: str) -> dict[str, str]:
    """`purpose:template_id,...` as a dict; blank entries are skipped."""
    pairs = (item.split(":", 1) for item in text.split(",") if ":" in item)
    return {purpose.strip(): template.strip() for purpose, template in pairs if purpose.strip()}


@dataclass(frozen=True)
class Settings:
    """Everything the stand-in needs; `from_env()` gives the development defaults."""

    account_sid: str = "seva"
    api_key: str = DEV_API_KEY
    api_token: str = DEV_API_TOKEN
    webhook_secret: str = DEV_WEBHOOK_SECRET
    sender: str = DEV_SENDER
    entity_id: str = DEV_ENTITY_ID
    template_ids: frozenset[str] = frozenset(parse_templates(DEV_TEMPLATES).values())
    # Where a citizen's SMS to our long code is forwarded (the back-office's inbound SMS webhook).
    inbound_url: str = "http://127.0.0.1:5000/api/v1/sms/inbound"
    long_code: str = "9220092200"
    host: str = "127.0.0.1"
    port: int = 8084
    # Seconds between an accepted send and its delivery report to the StatusCallback.
    status_delay: float = 0.2

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from the environment, keeping the defaults for anything unset."""
        env = os.environ if environ is None else environ
        return cls(
            account_sid=env.get("SMS_ACCOUNT_SID", cls.account_sid),
            api_key=env.get("SMS_API_KEY", cls.api_key),
            api_token=env.get("SMS_API_TOKEN", cls.api_token),
            webhook_secret=env.get("SMS_WEBHOOK_SECRET", cls.webhook_secret),
            sender=env.get("SMS_SENDER", cls.sender),
            entity_id=env.get("SMS_DLT_ENTITY_ID", cls.entity_id),
            template_ids=frozenset(parse_templates(env.get("SMS_DLT_TEMPLATES", DEV_TEMPLATES)).values()),
            inbound_url=env.get("SMS_INBOUND_URL", cls.inbound_url),
            long_code=env.get("SMS_LONG_CODE", cls.long_code),
            host=env.get("SMS_STANDIN_HOST", cls.host),
            port=int(env.get("SMS_STANDIN_PORT", cls.port)),
            status_delay=float(env.get("SMS_STATUS_DELAY", cls.status_delay)),
        )
