"""Our payment references: short, unguessable, alphanumeric, and valid for UPI, WhatsApp and Razorpay alike."""

from __future__ import annotations

import re
import secrets

# UPI's `tr` and WhatsApp's reference_id allow 35 characters, Razorpay's reference_id 40; we use 15.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_PATTERN = re.compile(r"^SVP[A-HJ-NP-Z2-9]{12}$")


def new_reference() -> str:
    """Return a fresh payment reference such as `SVP7KQ2M9XH4T3C` (no 0/O/1/I to misread on a call)."""
    return "SVP" + "".join(secrets.choice(_ALPHABET) for _ in range(12))


def is_reference(text: str) -> bool:
    """Tell whether `text` has the shape of one of our payment references."""
    return bool(_PATTERN.match(text))
