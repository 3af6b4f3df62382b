"""Normalises OCR text before matching: NFC, Devanagari digits to ASCII, tidy whitespace."""

import re
import unicodedata

# Devanagari (U+0966..U+096F) and the rare Arabic-Indic digits Tesseract sometimes emits.
_DIGITS = {ord(c): str(i) for i, c in enumerate("०१२३४५६७८९")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")


def to_ascii_digits(text: str) -> str:
    """Replace Devanagari and Arabic-Indic digits with ASCII digits."""
    return text.translate(_DIGITS)


def normalise_text(text: str) -> str:
    """Return `text` in NFC with ASCII digits, no zero-width joiners and single spaces per line."""
    text = unicodedata.normalize("NFC", to_ascii_digits(text))
    # ZWJ/ZWNJ change rendering only, and OCR inserts them inconsistently.
    text = text.replace("\u200d", "").replace("\u200c", "")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
