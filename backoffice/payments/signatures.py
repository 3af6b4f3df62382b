"""Razorpay's signatures: the webhook's `X-Razorpay-Signature` and the payment link's browser redirect."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, message: bytes) -> str:
    """Return the hex HMAC-SHA256 of `message` under `secret`, as Razorpay computes it."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_webhook_signature(secret: str, raw_body: bytes, signature: str | None) -> bool:
    """Tell whether a webhook's signature matches HMAC-SHA256(webhook secret, raw body), in constant time."""
    if not signature or not secret:
        return False
    return hmac.compare_digest(sign(secret, raw_body), signature.strip())


def verify_redirect_signature(key_secret: str, params: dict[str, str]) -> bool:
    """Tell whether a payment link redirect's `razorpay_signature` is genuine (it still confirms nothing)."""
    fields = (
        "razorpay_payment_link_id",
        "razorpay_payment_link_reference_id",
        "razorpay_payment_link_status",
        "razorpay_payment_id",
    )
    message = "|".join(params.get(name, "") for name in fields).encode()
    return verify_webhook_signature(key_secret, message, params.get("razorpay_signature"))
