"""Money as whole paise: the only unit the payments code computes in, and its rupee spellings."""

from __future__ import annotations

import re

_RUPEES = re.compile(r"^\s*(?:Rs\.?|₹)?\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$")


def rupees(paise: int) -> str:
    """Spell an amount in paise as rupees with exactly two decimals, as UPI's `am` wants: 15050 -> "150.50"."""
    if paise < 0:
        raise ValueError("amounts are never negative")
    return f"{paise // 100}.{paise % 100:02d}"


def display(paise: int) -> str:
    """Spell an amount for a citizen, grouped the Indian way: "₹1,23,456.50", or "₹1,234" with no paise."""
    digits = str(paise // 100)
    head, tail = digits[:-3], digits[-3:]
    while len(head) > 2:
        tail = f"{head[-2:]},{tail}"
        head = head[:-2]
    whole = f"{head},{tail}" if head else tail
    return f"₹{whole}" if paise % 100 == 0 else f"₹{whole}.{paise % 100:02d}"


def parse_rupees(text: str) -> int:
    """Read "150", "150.5" or "Rs 150.50" as paise; anything else is a ValueError."""
    match = _RUPEES.match(text)
    if match is None:
        raise ValueError(f"not an amount in rupees: {text!r}")
    whole, fraction = match.groups()
    return int(whole) * 100 + int((fraction or "0").ljust(2, "0"))


def percent_of(paise: int, percent: int) -> int:
    """Return `percent` % of an amount, rounded half up to the paisa, in integers only."""
    return (paise * percent + 50) // 100
