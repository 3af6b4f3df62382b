"""Reads a document photo end to end: decode, quality gate, preprocessing, OCR passes and field votes."""

import os
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from backoffice.ocr import aadhaar, generic, pan, preprocess, quality
from backoffice.ocr.normalise import normalise_text
from backoffice.ocr.tesseract import Line, read_lines
from backoffice.ocr.transliterate import fold_name

KINDS = ("aadhaar", "pan", "generic")
REQUIRED = {
    "aadhaar": ("aadhaar_number", "name", "name_hi", "dob", "gender"),
    "pan": ("pan_number", "name", "dob"),
    "generic": ("text",),
}
_READERS = {"aadhaar": aadhaar.read, "pan": pan.read, "generic": generic.read}


@dataclass(frozen=True)
class Pass:
    """One Tesseract run: which prepared image, which languages in which order, which segmentation mode."""

    source: str  # "grey" or "binary"
    lang: str
    psm: int


# Chosen by measurement (docs/ocr.md): English first, uniform-block segmentation, on both images.
DEFAULT_PASSES = tuple(
    Pass(source, os.environ.get("SEVA_OCR_LANG", "eng+hin"), int(os.environ.get("SEVA_OCR_PSM", "6")))
    for source in ("grey", "binary")
)


@dataclass
class Extraction:
    """What was read from one document: fields, per-field and overall confidence (0-1), and quality."""

    kind: str
    fields: dict[str, str]
    confidences: dict[str, float]
    quality: dict
    text: str = ""
    missing: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        """The weakest required field's confidence; 0 when a required field is missing."""
        if self.missing or not self.quality.get("ok"):
            return 0.0
        return min((self.confidences.get(f, 0.0) for f in REQUIRED[self.kind]), default=0.0)

    def as_dict(self) -> dict:
        """The JSON printed by `flask ocr extract` (may hold a full Aadhaar number: never store it)."""
        return {
            "kind": self.kind,
            "fields": self.fields,
            "confidence": round(self.confidence, 3),
            "confidences": {k: round(v, 3) for k, v in self.confidences.items()},
            "missing": self.missing,
            "quality": self.quality,
        }


def _vote(
    readings: list[dict[str, tuple[str, float]]], english_name: str | None = None
) -> tuple[dict[str, str], dict[str, float]]:
    """Per field, the value most passes agree on; confidence scaled by agreement.

    Ties go to the Hindi name that best transliterates to `english_name`, then to the surer pass.
    """
    target = fold_name(english_name) if english_name else ""

    def agreement(name: str, value: str) -> float:
        return fuzz.ratio(fold_name(value), target) if name == "name_hi" and target else 0.0

    votes: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for reading in readings:
        for name, (value, conf) in reading.items():
            votes[name][value].append(conf)
    fields, confidences = {}, {}
    for name, by_value in votes.items():
        value, confs = max(by_value.items(), key=lambda kv: (len(kv[1]), agreement(name, kv[0]), sum(kv[1])))
        fields[name] = value
        confidences[name] = (sum(confs) / len(confs) / 100.0) * (len(confs) / len(readings))
    return fields, confidences


def combine(readings: list[dict[str, tuple[str, float]]]) -> tuple[dict[str, str], dict[str, float]]:
    """Merge the readings of several passes into one value and one confidence (0-1) per field."""
    fields, confidences = _vote(readings)
    if "name_hi" in fields and "name" in fields:
        fields, confidences = _vote(readings, fields["name"])
    return fields, confidences


def read_document(data: bytes, kind: str, passes: tuple[Pass, ...] = DEFAULT_PASSES) -> Extraction:
    """Extract the fields of a document of `kind` from image bytes; raises preprocess.UnreadableImage."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}")
    image = preprocess.decode(data)
    verdict = quality.assess(image)
    if not verdict.ok:
        return Extraction(kind, {}, {}, verdict.as_dict(), missing=list(REQUIRED[kind]))
    prepared = preprocess.prepare(image)
    runs: list[list[Line]] = [read_lines(getattr(prepared, p.source), p.lang, p.psm) for p in passes]
    fields, confidences = combine([_READERS[kind](lines) for lines in runs])
    text = normalise_text("\n".join(line.text for line in runs[0]))
    missing = [f for f in REQUIRED[kind] if f not in fields]
    return Extraction(kind, fields, confidences, verdict.as_dict(), text, missing)
