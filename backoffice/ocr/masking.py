"""Makes extraction results safe to store and show: an Aadhaar number keeps only its last 4 digits."""

import re

_DIGITS = re.compile(r"\d")


def mask_aadhaar(number: str) -> str:
    """ "XXXX-XXXX-1234" from any spelling of an Aadhaar number; "XXXX-XXXX-XXXX" if it has no 4 digits."""
    digits = "".join(_DIGITS.findall(number))
    return f"XXXX-XXXX-{digits[-4:]}" if len(digits) >= 4 else "XXXX-XXXX-XXXX"


def storable_fields(fields: dict[str, str]) -> dict[str, str]:
    """A copy of extracted fields fit for the database and the officer's screen (Aadhaar number masked)."""
    safe = dict(fields)
    if "aadhaar_number" in safe:
        safe["aadhaar_number"] = mask_aadhaar(safe["aadhaar_number"])
    if "text" in safe:
        # Generic documents may hold an Aadhaar number anywhere in their text.
        safe["text"] = mask_numbers_in_text(safe["text"])
    return safe


_AADHAAR_IN_TEXT = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?(\d{4})(?!\d)")


def mask_numbers_in_text(text: str) -> str:
    """Replace every 12-digit (4-4-4) number in free text by its masked form."""
    return _AADHAAR_IN_TEXT.sub(lambda m: f"XXXX-XXXX-{m.group(1)}", text)
