"""Reads the fields of the front of an Aadhaar card from OCR lines."""

import re

from rapidfuzz import fuzz

from backoffice.ocr import fields
from backoffice.ocr.normalise import normalise_text
from backoffice.ocr.tesseract import Line
from backoffice.ocr.transliterate import fold_name

# Printed words that are never a holder's name.
_NOT_NAME_WORDS = re.compile(r"government|govt|india|male|female|dob|aadhaar|unique|identification|authority",
                             re.IGNORECASE)  # fmt: skip
_NOT_HINDI_NAMES = ("भारत", "सरकार", "जन्म", "तिथि", "आधार", "पहचान", "पुरुष", "महिला", "विशिष्ट")

Reading = dict[str, tuple[str, float]]


def _text(line: Line) -> str:
    return normalise_text(line.text)


def read(lines: list[Line]) -> Reading:
    """The number, English and Hindi names, date of birth and gender found in `lines`, with confidences."""
    out: Reading = {}
    dob_index = None
    for i, line in enumerate(lines):
        text = _text(line)
        for number in fields.aadhaar_candidates(text):
            out.setdefault("aadhaar_number", (number, line.confidence))
        if "dob" not in out and (date := fields.parse_date(text) or fields.parse_year_of_birth(text)):
            out["dob"] = (date, line.confidence)
            dob_index = i
        if "gender" not in out and (gender := fields.parse_gender(text)):
            out["gender"] = (gender, line.confidence)
    # The names sit just above the date of birth: English nearest, Hindi above it.
    above = lines[:dob_index] if dob_index is not None else lines
    en_index = None
    for i in range(len(above) - 1, -1, -1):
        name = _english_name(above[i])
        if name:
            out["name"] = (name, above[i].confidence)
            en_index = i
            break
    hindi_lines = above[:en_index] if en_index is not None else above
    for line in reversed(hindi_lines):
        name = _hindi_name(line, out.get("name", ("", 0))[0])
        if name:
            out["name_hi"] = (name, line.confidence)
            break
    return out


def _english_name(line: Line) -> str | None:
    words = [w.text.strip("|:;\"'()[]{}“”‘’") for w in line.words]
    words = [w for w in words if w]
    if any(_NOT_NAME_WORDS.fullmatch(w.strip(".,")) for w in words):
        return None
    while words and not fields.latin_name(words[-1]):
        words.pop()
    # The photo's edge reads as debris in front of the name: take the longest clean run at the end.
    for start in range(len(words)):
        if len(words[start]) == 1:  # a stray letter; real initials carry a dot
            continue
        name = fields.latin_name(" ".join(words[start:]))
        if name:
            return name
    return None


def _hindi_name(line: Line, english: str) -> str | None:
    words = [w for w in fields.devanagari_words(normalise_text(line.text)) if w not in _NOT_HINDI_NAMES]
    if not words or any(w in _NOT_HINDI_NAMES for w in normalise_text(line.text).split()):
        return None
    if not english:
        return " ".join(words)
    # Debris from the photo often reads as short Devanagari words in front of the name: keep the
    # run of trailing words whose transliteration best matches the English name.
    target = fold_name(english)
    best = max(range(len(words)), key=lambda s: (fuzz.ratio(fold_name(" ".join(words[s:])), target), -s))
    return " ".join(words[best:])
