"""Typed, read-only objects for a loaded catalog: services, their fields, documents, fees and certificates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

LANGUAGES = ("en", "hi")
# Delhi's citizens are written to in Hindi unless they chose English.
DEFAULT_LANGUAGE = "hi"


def known_language(language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """`language` when Seva writes in it, else `default`: the one language fallback of chat, web and PDF."""
    return language if language in LANGUAGES else default


@dataclass(frozen=True)
class Text:
    """A phrase in English and Hindi."""

    en: str
    hi: str

    def get(self, language: str | None) -> str:
        """Return the phrase in `language`, English when the language is unknown."""
        return self.hi if known_language(language, "en") == "hi" else self.en

    @classmethod
    def from_dict(cls, data: Mapping[str, str] | None) -> Text | None:
        """Build from `{en: ..., hi: ...}`, or None when absent."""
        return None if data is None else cls(en=data["en"], hi=data["hi"])


@dataclass(frozen=True)
class Option:
    """One allowed answer of a choice field; `value` is what the form stores."""

    value: str
    label: Text


@dataclass(frozen=True)
class Field:
    """One question the bot asks, with the rules its answer must follow."""

    id: str
    type: str
    question: Text
    help: Text
    required: bool = True
    validation: Mapping[str, Any] = dataclass_field(default_factory=dict)
    options: tuple[Option, ...] = ()

    def option(self, value: str) -> Option | None:
        """Return the option stored as `value`, if any."""
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Document:
    """A document the citizen uploads; `ocr_kind` says which reader can check it."""

    id: str
    name: Text
    required: bool
    ocr_kind: str


@dataclass(frozen=True)
class Fee:
    """What the department charges; the CSC or doorstep service charge is added by the back-office."""

    kind: str  # free | fixed | per_option | as_assessed
    amount: int | None = None
    field: str | None = None
    amounts: Mapping[str, int] = dataclass_field(default_factory=dict)
    note: Text | None = None

    def amount_for(self, answers: Mapping[str, Any]) -> int | None:
        """Return the fee in rupees for these answers, or None when it is assessed or not yet known."""
        if self.kind == "free":
            return 0
        if self.kind == "fixed":
            return self.amount
        if self.kind == "per_option" and self.field is not None:
            return self.amounts.get(str(answers.get(self.field)))
        return None


@dataclass(frozen=True)
class Deadline:
    """Days the department has under the Delhi time-bound delivery Act; None with a reason when not notified."""

    days: int | None
    reason: Text | None = None


@dataclass(frozen=True)
class Template:
    """The issued paper: title, body lines with `{field_id}` placeholders, and months of validity."""

    title: Text
    body_en: tuple[str, ...]
    body_hi: tuple[str, ...]
    validity_months: int | None

    def body(self, language: str | None) -> tuple[str, ...]:
        """Return the body lines in `language`."""
        return self.body_hi if language == "hi" else self.body_en


@dataclass(frozen=True)
class Issuance:
    """What the citizen receives at the end: certificate, licence, receipt or acknowledgement."""

    kind: str
    template: Template


@dataclass(frozen=True)
class Eligibility:
    """Who may apply; numeric limits are machine-checked, `text` explains them to people."""

    text: Text
    min_age: int | None = None
    max_age: int | None = None
    age_field: str | None = None
    residence_years: int | None = None
    income_ceiling: int | None = None
    gender: str | None = None


@dataclass(frozen=True)
class Uncertain:
    """A fact whose sources disagree, for the department to confirm or correct."""

    fact: str
    note: str


@dataclass(frozen=True)
class Service:
    """One citizen service as the catalog describes it."""

    id: str
    department: str
    department_name: Text
    name: Text
    description: Text
    eligibility: Eligibility
    fields: tuple[Field, ...]
    documents: tuple[Document, ...]
    fee: Fee
    deadline: Deadline
    issues: Issuance
    synonyms: Mapping[str, tuple[str, ...]]
    uncertain: tuple[Uncertain, ...] = ()
    source: str = ""

    def field(self, field_id: str) -> Field | None:
        """Return the field named `field_id`, if the service has one."""
        return next((f for f in self.fields if f.id == field_id), None)

    def all_synonyms(self) -> tuple[str, ...]:
        """Return every way of naming the service, names included, without duplicates."""
        names = [self.name.en, self.name.hi, *(s for group in self.synonyms.values() for s in group)]
        return tuple(dict.fromkeys(names))


class Catalog(Mapping[str, Service]):
    """All services by id, in file-name order."""

    def __init__(self, services: list[Service]):
        self._services = {s.id: s for s in services}

    def __getitem__(self, service_id: str) -> Service:
        return self._services[service_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._services)

    def __len__(self) -> int:
        return len(self._services)

    def by_department(self, department: str) -> list[Service]:
        """Return the services one department delivers."""
        return [s for s in self._services.values() if s.department == department]
