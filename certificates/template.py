"""The bilingual certificate template and the facts printed on a certificate, and filling one from the other."""

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from catalog.model import Text

IST = timezone(timedelta(hours=5, minutes=30), "IST")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
KIND_LABELS = {
    "certificate": ("प्रमाण पत्र संख्या", "Certificate No."),
    "licence": ("लाइसेंस संख्या", "Licence No."),
    "receipt": ("रसीद संख्या", "Receipt No."),
    "acknowledgement": ("पावती संख्या", "Acknowledgement No."),
}


class TemplateError(ValueError):
    """A template that cannot be filled from the facts given; the message names the placeholder."""


def printed(value, language: str) -> str:
    """An answer as printed in `language`: a Text answer picks its language, anything else is str()."""
    return value.get(language) if isinstance(value, Text) else str(value)


@dataclass(frozen=True)
class CertificateTemplate:
    """What the paper says: kind, title, body lines with `{field_id}` placeholders, validity, QR facts."""

    kind: str  # certificate, licence, receipt or acknowledgement
    title: Text
    body_hi: tuple[str, ...]
    body_en: tuple[str, ...]
    validity_months: int | None
    key_facts: tuple[str, ...] = ()  # field ids also signed into the QR; keep them few and short

    @classmethod
    def from_service(cls, service, key_facts: tuple[str, ...] = ()) -> "CertificateTemplate":
        """The template of a catalog `Service` (see catalog/model.py)."""
        template = service.issues.template
        return cls(
            kind=service.issues.kind,
            title=template.title,
            body_hi=tuple(template.body_hi),
            body_en=tuple(template.body_en),
            validity_months=template.validity_months,
            key_facts=tuple(getattr(service.issues, "key_facts", ()) or key_facts),
        )


@dataclass(frozen=True)
class Department:
    """The issuing department: its code (as in the catalog) and its names."""

    code: str
    name: Text

    @classmethod
    def of(cls, service) -> "Department":
        """The department that delivers a catalog `Service`."""
        return cls(service.department, service.department_name)


@dataclass(frozen=True)
class Officer:
    """The officer who decided the application."""

    name: str
    designation: Text


@dataclass(frozen=True)
class Detail:
    """One labelled line of the citizen's details table."""

    label: Text
    value: str


@dataclass(frozen=True)
class CertificateFacts:
    """Everything about one issued paper that the template does not say."""

    number: str
    service: str
    department: Department
    holder_name: str
    answers: Mapping[str, "str | Text"]  # field id -> value as printed (Text when it differs)
    details: tuple[Detail, ...]
    decision: Text
    officer: Officer
    issued_at: datetime
    application_number: str = ""
    fee_paid: str = ""
    language: str = "hi"  # the citizen's language, printed first
    extra: Mapping[str, str] = field(default_factory=dict)
    # Random, printed on the paper and kept by the issuer: it opens the details on the public verify page.
    check_code: str = ""


# The applicant's details a certificate prints in its table, in this order, when the service asked for them.
DETAIL_LABELS = {
    "applicant_name": Text(hi="आवेदक का नाम", en="Applicant's name"),
    "father_name": Text(hi="पिता/पति का नाम", en="Father's/husband's name"),
    "date_of_birth": Text(hi="जन्म तिथि", en="Date of birth"),
    "address": Text(hi="पता", en="Address"),
    "pincode": Text(hi="पिन कोड", en="PIN code"),
}
APPROVED = Text(hi="स्वीकृत", en="Approved")


def approved_facts(
    service,
    number: str,
    answers: Mapping[str, "str | Text"],
    holder_name: str,
    officer: Officer,
    issued_at: datetime,
    application_number: str,
    fee_paid: str,
    language: str = "hi",
) -> CertificateFacts:
    """The facts of an approved application of catalog `service`: its department, details table and decision."""
    return CertificateFacts(
        number=number,
        service=service.id,
        department=Department.of(service),
        holder_name=holder_name,
        answers=answers,
        details=tuple(Detail(label, answers[fid]) for fid, label in DETAIL_LABELS.items() if fid in answers),
        decision=APPROVED,
        officer=officer,
        issued_at=issued_at,
        application_number=application_number,
        fee_paid=fee_paid,
        language=language,
    )


def add_months(day: date, months: int) -> date:
    """`day` moved on by `months`, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def issue_day(facts: CertificateFacts) -> date:
    """The day of issue in Delhi."""
    issued = facts.issued_at
    return (issued.astimezone(IST) if issued.tzinfo else issued).date()


def valid_until(template: CertificateTemplate, facts: CertificateFacts) -> date | None:
    """The last day the paper is valid, or None when it does not expire."""
    if template.validity_months is None:
        return None
    return add_months(issue_day(facts), template.validity_months) - timedelta(days=1)


def format_date(day: date | None, language: str) -> str:
    """A date as Delhi prints it (DD-MM-YYYY), or 'no expiry' in `language`."""
    if day is None:
        return "स्थायी" if language == "hi" else "Permanent"
    return day.strftime("%d-%m-%Y")


def placeholder_values(
    template: CertificateTemplate, facts: CertificateFacts, language: str
) -> dict[str, str]:
    """The values placeholders may name: the answers plus the system placeholders of the catalog."""
    return {
        **{key: printed(value, language) for key, value in facts.answers.items()},
        "certificate_number": facts.number,
        "application_number": facts.application_number,
        "issue_date": format_date(issue_day(facts), language),
        "valid_until": format_date(valid_until(template, facts), language),
        "officer_name": facts.officer.name,
        "fee_paid": facts.fee_paid,
        **facts.extra,
    }


def fill(line: str, values: Mapping[str, str]) -> str:
    """`line` with every `{placeholder}` replaced, or TemplateError naming the one without a value."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"the template needs '{name}' but the application has no such answer")
        return values[name]

    return PLACEHOLDER.sub(value, line)


def body_text(template: CertificateTemplate, facts: CertificateFacts, language: str) -> str:
    """The template's body in `language` with the facts filled in, as one paragraph.

    Catalog body lines are pieces of one sentence broken for readability, so they are joined.
    """
    lines = template.body_hi if language == "hi" else template.body_en
    values = placeholder_values(template, facts, language)
    return " ".join(fill(line, values).strip() for line in lines)
