"""Personal data out of a citizen's message before it is kept for trainers: it is redacted at the source.

Aadhaar numbers, phone numbers, e-mail addresses, PAN and every other number longer than 4 digits become
placeholders (an Aadhaar number is one that passes its Verhoeff check; a mistyped one is still a
number); an answer to a question asking for a name becomes `<NAME>` whole. Devanagari digits count
as digits, and numbers typed in groups ("9811 122 233", "1234-5678-9012") are caught as one number.
"""

from __future__ import annotations

import re

from stdnum.in_ import aadhaar

NAME = "<NAME>"
# A digit in either script; `\d` would also take digits of scripts nobody here writes.
_D = "[0-9\u0966-\u096f]"
# Digits with single spaces, dots or hyphens between them, so grouped numbers are one match.
_GROUPED = rf"{_D}(?:[ .\-]?{_D})*"

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{5}[0-9]{4}[A-Za-z](?![A-Za-z0-9])")
_NUMBER = re.compile(rf"(?<![0-9\u0966-\u096f])(\+?{_GROUPED})(?![0-9\u0966-\u096f])")


def _digits(text: str) -> str:
    return "".join(str(int(c)) for c in text if c.isdigit())


def _number_placeholder(match: re.Match) -> str:
    raw = match.group(1)
    digits = _digits(raw)
    if len(digits) <= 4:
        return raw
    if aadhaar.is_valid(digits) and not raw.startswith("+"):
        return "<AADHAAR>"
    national = digits[2:] if len(digits) == 12 and digits.startswith("91") else digits
    national = national[1:] if len(national) == 11 and national.startswith("0") else national
    if len(national) == 10 and national[0] in "6789":
        return "<PHONE>"
    return "<NUMBER>"


def redact(text: str, answers_name_question: bool = False) -> str:
    """`text` with personal data replaced by placeholders (`<AADHAAR>`, `<PHONE>`, `<EMAIL>`, `<PAN>`, ...)."""
    if answers_name_question and text.strip() and not text.startswith("/"):
        return NAME
    text = _EMAIL.sub("<EMAIL>", text)
    text = _PAN.sub("<PAN>", text)
    return _NUMBER.sub(_number_placeholder, text)
