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

# Words that start the date-of-birth and gender lines; the names are printed in the same column.
_COLUMN_LABELS = re.compile(r"जन्म|DOB|Year|पुरुष|महिला|MALE|FEMALE", re.IGNORECASE)
# How far (px, on the flattened document) a name word may start left of that column.
_COLUMN_SLACK = 30

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
    # The names sit just above the date of birth: English nearest, Hindi above it. Words left of the
    # labels' column are the photo's debris.
    column = min((w.left for ln in lines for w in ln.words if _COLUMN_LABELS.match(w.text)), default=0)
    above = [_in_column(ln, column) for ln in (lines[:dob_index] if dob_index is not None else lines)]
    above = [ln for ln in above if ln.words]
    en_index = None
    for i in range(len(above) - 1, -1, -1):
        name = _english_name(above[i])
        if name:
            out["name"] = (name, above[i].confidence)
            en_index = i
            break
    # The Hindi name is usually the line above the English one, but line order is not trusted:
    # any Devanagari line above the date of birth competes on how well it matches the English name.
    english = out.get("name", ("", 0.0))[0]
    candidates = [(line, _hindi_name(line, english)) for i, line in enumerate(above) if i != en_index]
    candidates = [(line, name) for line, name in candidates if name]
    if candidates:
        if english:
            target = fold_name(english)
            line, name = max(candidates, key=lambda c: fuzz.ratio(fold_name(c[1]), target))
        else:
            line, name = candidates[-1]
        out["name_hi"] = (name, line.confidence)
    return out


def _in_column(line: Line, column: int) -> Line:
    return Line(tuple(w for w in line.words if w.left >= column - _COLUMN_SLACK), line.top)


def _english_name(line: Line) -> str | None:
    words = [fields.repair_name_word(w.text.strip("|:;\"'()[{“”‘’")) for w in line.words]
    words = [w for w in words if w]
    if any(_NOT_NAME_WORDS.fullmatch(w.strip(".,")) for w in words):
        return None
    while words and not fields.latin_name(words[-1]):
        words.pop()
    # The photo's edge reads as debris in front of the name: take the longest clean run at the end.
    for start in range(len(words)):
        # A stray letter (real initials carry a dot) or a lowercase word (cards print names capitalised).
        if len(words[start]) == 1 or words[start][0].islower():
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
    # Debris from the photo or the card's edge reads as short Devanagari words around the name: keep
    # the run of words whose transliteration best matches the English name, the longest on a tie.
    target = fold_name(english)
    runs = [(a, b) for a in range(len(words)) for b in range(a + 1, len(words) + 1)]
    a, b = max(runs, key=lambda r: (fuzz.ratio(fold_name(" ".join(words[r[0] : r[1]])), target), r[1] - r[0]))
    return " ".join(words[a:b])
