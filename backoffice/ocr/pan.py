"""Reads the PAN, the holder's name and date of birth from OCR lines of a PAN card."""

import re

from backoffice.ocr import fields
from backoffice.ocr.normalise import normalise_text
from backoffice.ocr.tesseract import Line

_NAME_LABEL = re.compile(r"\bname\b|नाम", re.IGNORECASE)
_FATHER_LABEL = re.compile(r"father|पिता", re.IGNORECASE)
_HEADER = re.compile(r"income|tax|department|govt|india|permanent|account|card|signature", re.IGNORECASE)

Reading = dict[str, tuple[str, float]]


def read(lines: list[Line]) -> Reading:
    """The PAN, the holder's name (not the father's) and date of birth found in `lines`."""
    out: Reading = {}
    texts = [normalise_text(line.text) for line in lines]
    for line, text in zip(lines, texts, strict=True):
        for number in fields.pan_candidates(text):
            out.setdefault("pan_number", (number, line.confidence))
        if "dob" not in out and (date := fields.parse_date(text)):
            out["dob"] = (date, line.confidence)
    for i, text in enumerate(texts):
        if _NAME_LABEL.search(text) and not _FATHER_LABEL.search(text):
            name = _name_after(lines, texts, i)
            if name:
                out["name"] = name
                break
    if "name" not in out:
        # Older cards have no labels: the holder's name is the first name-like line after the header.
        for i, text in enumerate(texts):
            if _HEADER.search(text):
                continue
            name = fields.latin_name(text)
            if name and i + 1 < len(lines):
                out["name"] = (name.upper(), lines[i].confidence)
                break
    return out


def _name_after(lines: list[Line], texts: list[str], label: int) -> tuple[str, float] | None:
    # Below the label, up to the father's-name label; then the line just above, because Tesseract
    # sometimes orders a line with debris in front of it before the label it sits under.
    below = []
    for j in range(label + 1, min(label + 4, len(lines))):
        if _FATHER_LABEL.search(texts[j]):
            break
        if not _NAME_LABEL.search(texts[j]):  # else: the label's English half, read as its own line
            below.append(j)
    for j in [*below, label - 1]:
        words = [fields.repair_name_word(w.strip(".,|:;'\"")) for w in texts[j].split()] if j >= 0 else []
        candidate = fields.latin_name(" ".join(w for w in words if w and w.isalpha() and len(w) > 1))
        if candidate and not _HEADER.search(candidate):
            return candidate.upper(), lines[j].confidence
    return None
