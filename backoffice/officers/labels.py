"""Answers as an officer reads them: the catalog's words for each field and option, in both languages."""

from __future__ import annotations

from typing import Any

from backoffice.citizens.services import mask_mobile
from catalog import Service
from catalog.validation import mask_aadhaar


def field_title(field_id: str) -> str:
    """A field id as a heading: "date_of_birth" -> "Date of birth"."""
    return field_id.replace("_", " ").capitalize()


def answer_rows(service: Service | None, answers: dict[str, Any]) -> list[dict[str, str]]:
    """One row per answer: title, the question asked (en, hi), and the value (option labels; Aadhaar, mobile masked)."""
    rows = []
    for field_id, value in answers.items():
        field = service.field(field_id) if service else None
        shown, shown_hi = str(value), ""
        if field is not None and field.type == "choice" and field.option(str(value)):
            option = field.option(str(value))
            shown, shown_hi = option.label.en, option.label.hi
        elif field is not None and field.type == "aadhaar":
            shown = mask_aadhaar(str(value))
        elif field is not None and field.type == "mobile":
            shown = mask_mobile(str(value))
        rows.append(
            {
                "title": field_title(field_id),
                "question_en": field.question.en if field else "",
                "question_hi": field.question.hi if field else "",
                "value": shown,
                "value_hi": shown_hi,
            }
        )
    return rows


# The buttons an officer sees for each workflow move.
MOVE_LABELS = {
    "start_review": "Documents verified: start review",
    "raise_query": "Raise a query to the citizen",
    "approve": "Approve",
    "reject": "Reject",
    "issue": "Mark as issued",
}
