"""Compares what the document says with what the citizen answered on the form, field by field."""

import os
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from backoffice.ocr.extract import Extraction
from backoffice.ocr.masking import mask_aadhaar
from backoffice.ocr.normalise import normalise_text
from backoffice.ocr.transliterate import fold_name

# Ordered-token similarity (0-100) at or above which two names are the same person's.
NAME_THRESHOLD = float(os.environ.get("SEVA_OCR_NAME_THRESHOLD", "85"))
# Below this extraction confidence (0-1) a field is not trusted enough to call a mismatch.
MIN_FIELD_CONFIDENCE = float(os.environ.get("SEVA_OCR_MIN_FIELD_CONFIDENCE", "0.4"))

_NUMBER_FIELDS = {"aadhaar": "aadhaar_number", "pan": "pan_number"}


@dataclass
class Verdict:
    """ "match", "mismatch" or "unreadable", with a reason code per failed check and confidences."""

    verdict: str
    reasons: list[str] = field(default_factory=list)
    confidences: dict[str, float] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready form for storage and the officer's view."""
        return {"verdict": self.verdict, "reasons": self.reasons, "confidences": self.confidences,
                "checks": self.checks}  # fmt: skip


def name_similarity(a: str, b: str) -> float:
    """0-100 similarity of two names in either script, token order kept ("Sunita" vs "Sunita Devi" is low)."""
    fa, fb = fold_name(a), fold_name(b)
    if not fa or not fb:
        return 0.0
    # fuzz.ratio on the whole folded string: every token counts, in order, unlike token_set_ratio.
    return float(fuzz.ratio(fa, fb))


def _same_number(kind: str, read: str, answered: str) -> bool:
    clean = "".join(ch for ch in normalise_text(answered).upper() if ch.isalnum())
    if kind == "aadhaar" and clean.startswith("XXXXXXXX"):
        # The form may hold only the masked number; then the last four digits must agree.
        return mask_aadhaar(read) == mask_aadhaar(clean)
    return clean == read


def cross_check(extraction: Extraction, answers: dict[str, str]) -> Verdict:
    """Check name (fuzzy, transliteration-tolerant), date of birth (exact) and document number (exact)."""
    if not extraction.quality.get("ok"):
        return Verdict("unreadable", [extraction.quality.get("reason") or "unreadable"])
    fields, conf = extraction.fields, extraction.confidences
    verdict = Verdict("match", confidences={k: round(v, 3) for k, v in conf.items()})
    # (field, reason when it fails, outcome or None when unread, how sure the reading is)
    checks: list[tuple[str, str, bool | None, float]] = []
    if answers.get("name"):
        scores = [name_similarity(answers["name"], fields[f]) for f in ("name", "name_hi") if fields.get(f)]
        verdict.confidences["name_similarity"] = max(scores, default=0.0)
        sure = max(conf.get("name", 0.0), conf.get("name_hi", 0.0))
        checks.append(("name", "name_mismatch", max(scores) >= NAME_THRESHOLD if scores else None, sure))
    if answers.get("dob"):
        dob = fields.get("dob")
        checks.append(
            (
                "dob",
                "dob_mismatch",
                None if dob is None else dob == answers["dob"].strip(),
                conf.get("dob", 0.0),
            )
        )
    number_field = _NUMBER_FIELDS.get(extraction.kind)
    if number_field and answers.get(number_field):
        read = fields.get(number_field)
        same = None if read is None else _same_number(extraction.kind, read, answers[number_field])
        checks.append((number_field, "number_mismatch", same, conf.get(number_field, 0.0)))
    for name, reason, outcome, sure in checks:
        # A doubtful reading that disagrees is sent to the officer as unreadable, not as a mismatch.
        if outcome is None or (outcome is False and sure < MIN_FIELD_CONFIDENCE):
            verdict.reasons.append(f"{name}_unreadable")
        elif outcome is False:
            verdict.reasons.append(reason)
        verdict.checks[name] = bool(outcome)
    if any(r.endswith("_mismatch") for r in verdict.reasons):
        verdict.verdict = "mismatch"
    elif verdict.reasons:
        verdict.verdict = "unreadable"
    return verdict
