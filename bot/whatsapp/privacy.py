"""Pseudonymous sender ids and masked phone numbers, so no log or tracker key holds a phone number."""

import hashlib
import hmac

SENDER_PREFIX = "wa-"


def sender_id(salt: str, phone_number_id: str, user_key: str) -> str:
    """The Rasa sender_id for a citizen writing to one of our numbers (see docs/architecture.md)."""
    digest = hmac.new(salt.encode(), f"{phone_number_id}:{user_key}".encode(), hashlib.sha256).hexdigest()
    return SENDER_PREFIX + digest[:20]


def mask_phone(number: str | None) -> str:
    """Keep the last 4 digits of a phone number (or user id) for logs: `…1234`."""
    if not number:
        return "…"
    return "…" + str(number)[-4:]


def short_wamid(wamid: str | None) -> str:
    """The tail of a message id for logs: a wamid is base64 that embeds the citizen's phone number."""
    return "…" + (wamid or "")[-8:]
