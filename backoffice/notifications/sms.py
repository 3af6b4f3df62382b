"""SMS through the provider (Exotel's API shape): send with the DLT fields, and check its signed callbacks.

SMS reaches citizens without WhatsApp (CSC applicants) and carries one-time codes and opt-ins. India's DLT
rules make every SMS name a registered sender, entity and content template, so each purpose has its template.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from flask import current_app

from catalog.validation import check_mobile

log = logging.getLogger(__name__)

STANDIN_URL = "http://127.0.0.1:8084"
DEV_API_TOKEN = "dev-sms-token"  # noqa: S105 - development default, shared with standins/sms
DEV_WEBHOOK_SECRET = "dev-sms-webhook-secret"  # noqa: S105 - development default, shared with standins/sms
DEV_TEMPLATES = "otp:1107000000000000001,status:1107000000000000002,consent:1107000000000000003"
# A signed callback older than this is refused: a captured one cannot be replayed later.
CALLBACK_MAX_AGE_SECONDS = 300


class SmsError(RuntimeError):
    """The provider refused the SMS or could not be reached; the message says which."""


def _templates(text: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in text.split(",") if ":" in item)
    return {purpose.strip(): template.strip() for purpose, template in pairs if purpose.strip()}


@dataclass(frozen=True)
class SmsSettings:
    """The provider's address, credentials and DLT registration; `from_env()` gives development defaults."""

    base_url: str = STANDIN_URL
    account_sid: str = "seva"
    api_key: str = "dev-sms-key"
    api_token: str = DEV_API_TOKEN
    webhook_secret: str = DEV_WEBHOOK_SECRET
    sender: str = "DLSEVA"
    entity_id: str = "1101000000000000001"
    templates: dict[str, str] = field(default_factory=lambda: _templates(DEV_TEMPLATES))
    # Where the provider reports delivery (our status callback), or "" for no reports.
    status_callback: str = ""

    @classmethod
    def from_env(cls, env) -> SmsSettings:
        """Read SMS_* variables; development secrets are refused unless the provider is on loopback."""
        settings = cls(
            base_url=env.get("SMS_BASE_URL", STANDIN_URL).rstrip("/"),
            account_sid=env.get("SMS_ACCOUNT_SID", cls.account_sid),
            api_key=env.get("SMS_API_KEY", cls.api_key),
            api_token=env.get("SMS_API_TOKEN", DEV_API_TOKEN),
            webhook_secret=env.get("SMS_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET),
            sender=env.get("SMS_SENDER", cls.sender),
            entity_id=env.get("SMS_DLT_ENTITY_ID", cls.entity_id),
            templates=_templates(env.get("SMS_DLT_TEMPLATES", DEV_TEMPLATES)),
            status_callback=env.get("SMS_STATUS_CALLBACK", ""),
        )
        loopback = urlsplit(settings.base_url).hostname in ("127.0.0.1", "localhost", "::1")
        if not loopback and (
            settings.api_token == DEV_API_TOKEN or settings.webhook_secret == DEV_WEBHOOK_SECRET
        ):
            raise ValueError("SMS_API_TOKEN and SMS_WEBHOOK_SECRET must be set for a real SMS provider")
        return settings


def masked(mobile: str) -> str:
    """The last four digits only, for logs."""
    return "******" + mobile[-4:]


def send_sms(to: str, body: str, purpose: str = "status") -> str:
    """Send `body` to the Indian mobile `to` under the DLT template of `purpose`; return the provider's id.

    Raises SmsError with the provider's message when it refuses (bad number, unregistered template) or is down.
    """
    settings: SmsSettings = current_app.config["SMS"]
    number = check_mobile(to)
    if not number.ok:
        raise SmsError(f"not an Indian mobile number ({number.reason})")
    template = settings.templates.get(purpose)
    if template is None:
        raise SmsError(f"no DLT template is configured for SMS purpose {purpose!r}")
    form = {
        "From": settings.sender,
        "To": number.value,
        "Body": body,
        "DltEntityId": settings.entity_id,
        "DltTemplateId": template,
    }
    if settings.status_callback:
        form["StatusCallback"] = settings.status_callback
    url = f"{settings.base_url}/v1/Accounts/{settings.account_sid}/Sms/send.json"
    try:
        response = httpx.post(url, data=form, auth=(settings.api_key, settings.api_token), timeout=10)
    except httpx.HTTPError as exc:
        raise SmsError(f"the SMS provider could not be reached: {type(exc).__name__}") from exc
    if response.status_code != 200:
        try:
            reason = response.json()["RestException"]["Message"]
        except (ValueError, KeyError, TypeError):
            reason = f"HTTP {response.status_code}"
        log.warning("SMS to %s refused: %s", masked(number.value), reason)
        raise SmsError(reason)
    sid = response.json()["SMSMessage"]["Sid"]
    log.info("SMS %s (%s) to %s accepted", sid, purpose, masked(number.value))
    return sid


def callback_is_genuine(
    body: bytes, timestamp: str | None, signature: str | None, now: float | None = None
) -> bool:
    """Whether a provider callback carries our secret's signature over its timestamp and body, and is recent."""
    settings: SmsSettings = current_app.config["SMS"]
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > CALLBACK_MAX_AGE_SECONDS:
        return False
    expected = hmac.new(settings.webhook_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + expected.hexdigest(), signature)
