"""Where a citizen stands in an application (a question, the summary, a document, or done) and the moves between steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from catalog.model import Document, Field, Service
from catalog.validation import mask_aadhaar

SKIPPED = ""  # the stored value of an optional answer or document the citizen skipped


@dataclass(frozen=True)
class Step:
    """What the form waits for: `field`, `summary`, `document`, `confirm_cancel`, or `done`."""

    kind: str
    field: Field | None = None
    document: Document | None = None
    position: int = 0  # 1-based, among the fields or among the documents
    total: int = 0


@dataclass
class Progress:
    """The answers and documents so far plus the few flags that decide the next step; lives in slots."""

    service: Service
    answers: dict[str, str] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    reviewed: bool = False
    editing: str | None = None
    pending: str | None = None
    failures: int = 0

    @classmethod
    def from_slots(cls, service: Service, slots: Mapping[str, Any]) -> Progress:
        """Rebuild from the tracker's slots."""
        return cls(
            service=service,
            answers=dict(slots.get("answers") or {}),
            documents=dict(slots.get("documents") or {}),
            reviewed=bool(slots.get("reviewed")),
            editing=slots.get("editing") or None,
            pending=slots.get("pending") or None,
            failures=int(slots.get("failures") or 0),
        )

    def slots(self) -> dict[str, Any]:
        """The slot values that store this progress."""
        return {
            "answers": dict(self.answers),
            "documents": dict(self.documents),
            "reviewed": self.reviewed,
            "editing": self.editing,
            "pending": self.pending,
            "failures": float(self.failures),
        }

    def step(self) -> Step:
        """The step the citizen is on now."""
        fields = self.service.fields
        if self.pending == "cancel":
            return Step("confirm_cancel")
        if self.editing and self.service.field(self.editing) is not None:
            index = next(i for i, f in enumerate(fields) if f.id == self.editing)
            return Step("field", field=fields[index], position=index + 1, total=len(fields))
        for index, f in enumerate(fields):
            if f.id not in self.answers:
                return Step("field", field=f, position=index + 1, total=len(fields))
        if not self.reviewed:
            return Step("summary")
        documents = self.service.documents
        for index, d in enumerate(documents):
            if d.id not in self.documents:
                return Step("document", document=d, position=index + 1, total=len(documents))
        return Step("done")

    def record_answer(self, field_id: str, value: str) -> None:
        """Keep an accepted answer and move on."""
        self.answers[field_id] = value
        self.editing = None
        self.failures = 0

    def record_document(self, requirement: str, document_id: str) -> None:
        """Keep an attached document (or SKIPPED) and move on."""
        self.documents[requirement] = document_id
        self.failures = 0

    def edit(self, field_id: str) -> bool:
        """Ask an answered field again; False for an unknown field."""
        if self.service.field(field_id) is None:
            return False
        self.editing = field_id
        self.reviewed = False
        self.failures = 0
        return True

    def go_back(self) -> bool:
        """Step back one: the previous question (kept answer shown), the summary, or the previous document.

        Nothing is thrown away: going back re-asks an answer, which stays until a new one replaces it.
        False when already at the first question.
        """
        step = self.step()
        self.failures = 0
        if step.kind == "confirm_cancel":
            self.pending = None
            return True
        ids = [f.id for f in self.service.fields]
        if step.kind == "field":
            if step.position <= 1:
                return False
            self.editing = ids[step.position - 2]
            return True
        if step.kind == "summary":
            self.editing = ids[-1]
            return True
        if step.kind == "document" and step.position > 1:
            previous = self.service.documents[step.position - 2].id
            self.documents.pop(previous, None)
            return True
        self.reviewed = False
        return True

    def skip(self) -> bool:
        """Keep the current answer while editing, or skip an optional field or document; False if not allowed."""
        step = self.step()
        if step.kind == "field" and step.field is not None:
            if self.editing:
                self.editing = None
                self.failures = 0
                return True
            if not step.field.required:
                self.record_answer(step.field.id, SKIPPED)
                return True
        if step.kind == "document" and step.document is not None and not step.document.required:
            self.record_document(step.document.id, SKIPPED)
            return True
        return False


def slot_value(field: Field, value: Any) -> str:
    """What the tracker keeps of an accepted answer: dates in ISO form, Aadhaar masked, the rest as text."""
    if isinstance(value, date):
        return value.isoformat()
    if field.type == "aadhaar":
        return mask_aadhaar(str(value))
    return str(value)


def api_value(value: Any) -> str:
    """What the back-office receives: the full normalised answer as text."""
    return value.isoformat() if isinstance(value, date) else str(value)


def shown_value(field: Field, value: str, language: str | None) -> str:
    """An answer as the citizen reads it: the option's label, a date as DD/MM/YYYY, Aadhaar masked."""
    if value == SKIPPED:
        return "—"
    if field.type == "choice" and (option := field.option(value)) is not None:
        return option.label.get(language)
    if field.type == "date":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if field.type == "aadhaar" and not value.startswith("X"):
        return mask_aadhaar(value)
    return value


def answers_from_draft(service: Service, answers: Mapping[str, Any]) -> dict[str, str]:
    """The slot form of a back-office draft's answers (unknown fields dropped)."""
    kept = {}
    for field_id, value in answers.items():
        f = service.field(field_id)
        if f is not None and value is not None:
            kept[field_id] = mask_aadhaar(str(value)) if f.type == "aadhaar" else str(value)
    return kept


def documents_from_draft(draft: Mapping[str, Any]) -> dict[str, str]:
    """The slot form of a draft's attached documents: requirement → document id."""
    return {str(d["requirement"]): str(d["id"]) for d in draft.get("documents") or [] if d.get("requirement")}


def summary_lines(service: Service, answers: Mapping[str, str], language: str | None) -> str:
    """Every question with its answer, for the review before documents."""
    lines = []
    for index, f in enumerate(service.fields, start=1):
        if f.id in answers:
            lines.append(
                f"{index}. {f.question.get(language)}\n    *{shown_value(f, answers[f.id], language)}*"
            )
    return "\n".join(lines)
