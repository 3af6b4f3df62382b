"""What is due for a reminder now: one finder per kind, each giving (kind, event, citizen, department, facts)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from backoffice.applications.models import Application, ApplicationEvent
from backoffice.core.clock import IST
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.payments.models import PAID, PaymentIntent, PropertyTaxDemand, WaterBill
from catalog import load_catalog


@dataclass(frozen=True)
class Due:
    """One event a citizen should be reminded of; (kind, event_key, citizen_id) is sent at most once."""

    kind: str
    event_key: str
    citizen_id: str
    department: str
    facts: dict[str, dict[str, str] | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Horizons:
    """How long after (or before) an event its reminder falls due; from the app's settings."""

    payment_after: timedelta
    query_after: timedelta
    bill_before: timedelta
    tax_before: timedelta
    licence_before: timedelta
    certificate_after: timedelta
    property_tax_due: tuple[int, int]  # (month, day) in each financial year, e.g. (6, 30)


def _rupees(paise: int | None) -> str:
    return f"{(paise or 0) / 100:,.0f}"


def _service_name(service_id: str | None) -> dict[str, str] | str:
    service = load_catalog().get(service_id or "")
    return {"en": service.name.en, "hi": service.name.hi} if service else (service_id or "")


def _ist_date(now: datetime) -> date:
    """The date in Delhi at `now` (naive UTC, as stored)."""
    return now.replace(tzinfo=UTC).astimezone(IST).date()


def _shown(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def payments_pending(now: datetime, horizons: Horizons) -> Iterator[Due]:
    """Applications still waiting for their fee a while after they asked for it."""
    rows = db.session.scalars(
        select(Application).where(Application.status == "payment_pending",
                                  Application.updated_at <= now - horizons.payment_after)
    )  # fmt: skip
    for application in rows:
        yield Due("payment_pending", application.number or str(application.id), application.citizen_id,
                  application.department_code,
                  {"number": application.number or "", "service": _service_name(application.service),
                   "amount": _rupees(application.fee_paise)})  # fmt: skip


def queries_unanswered(now: datetime, horizons: Horizons) -> Iterator[Due]:
    """Officers' queries unanswered `query_after` after they were raised (each query its own event)."""
    rows = db.session.scalars(select(Application).where(Application.status == "query_raised"))
    for application in rows:
        raised = db.session.scalar(
            select(ApplicationEvent).where(ApplicationEvent.application_id == application.id,
                                           ApplicationEvent.to_status == "query_raised")
            .order_by(ApplicationEvent.id.desc()).limit(1)
        )  # fmt: skip
        if raised is None or raised.at > now - horizons.query_after:
            continue
        yield Due("query_unanswered", f"{application.number}:{raised.id}", application.citizen_id,
                  application.department_code, {"number": application.number or "", "query": application.query_text or ""})  # fmt: skip


def _payers(purpose: str) -> list[tuple[str, str]]:
    """(citizen, subject_key) of every paid intent of `purpose`: who pays which bill or tax, as they showed us."""
    return list(db.session.execute(
        select(PaymentIntent.citizen, PaymentIntent.subject_key)
        .where(PaymentIntent.purpose == purpose, PaymentIntent.status == PAID).distinct()
    ))  # fmt: skip


def water_bills_due(now: datetime, horizons: Horizons) -> Iterator[Due]:
    """Unpaid water bills due soon on K-numbers a citizen paid a bill of before."""
    today = _ist_date(now)
    k_numbers: dict[str, set[str]] = {}
    for citizen, subject in _payers("water_bill"):
        bill = db.session.scalar(select(WaterBill).where(WaterBill.bill_number == subject.split(":", 1)[-1]))
        if bill is not None:
            k_numbers.setdefault(bill.k_number, set()).add(citizen)
    if not k_numbers:
        return
    bills = db.session.scalars(
        select(WaterBill).where(WaterBill.k_number.in_(k_numbers), WaterBill.paid_reference.is_(None),
                                WaterBill.due_date >= today, WaterBill.due_date <= today + horizons.bill_before)
    )  # fmt: skip
    for bill in bills:
        for citizen in sorted(k_numbers[bill.k_number]):
            yield Due("water_bill_due", bill.bill_number, citizen, "djb",
                      {"bill": bill.bill_number, "amount": _rupees(bill.amount_paise), "k_number": bill.k_number,
                       "due": _shown(bill.due_date)})  # fmt: skip


def property_tax_due(now: datetime, horizons: Horizons) -> Iterator[Due]:
    """This financial year's unpaid property tax, near its due date, on properties a citizen paid for before."""
    today = _ist_date(now)
    start_year = today.year if today.month >= 4 else today.year - 1
    month, day = horizons.property_tax_due
    due = date(start_year, month, day)
    if not today <= due <= today + horizons.tax_before:
        return
    year = f"{start_year}-{(start_year + 1) % 100:02d}"
    upics: dict[str, set[str]] = {}
    for citizen, subject in _payers("property_tax"):
        upics.setdefault(subject.split(":")[1], set()).add(citizen)
    if not upics:
        return
    demands = db.session.scalars(
        select(PropertyTaxDemand).where(PropertyTaxDemand.upic.in_(upics), PropertyTaxDemand.financial_year == year,
                                        PropertyTaxDemand.paid_reference.is_(None))
    )  # fmt: skip
    for demand in demands:
        for citizen in sorted(upics[demand.upic]):
            yield Due("property_tax_due", f"{demand.upic}:{year}", citizen, "mcd",
                      {"upic": demand.upic, "year": year, "amount": _rupees(demand.tax_paise), "due": _shown(due)})  # fmt: skip


def licences_expiring(now: datetime, horizons: Horizons) -> Iterator[Due]:
    """Certificates with an end date (licences) that run out within `licence_before`, not revoked."""
    today = _ist_date(now)
    rows = db.session.execute(
        select(Certificate, Application).join(Application, Certificate.application_id == Application.id)
        .where(Certificate.kind == "certificate", Certificate.revoked_at.is_(None),
               Certificate.expires_on >= today, Certificate.expires_on <= today + horizons.licence_before)
    )  # fmt: skip
    for certificate, application in rows:
        yield Due("licence_expiring", certificate.number, application.citizen_id, application.department_code,
                  {"number": certificate.number, "service": _service_name(application.service),
                   "due": _shown(certificate.expires_on)})  # fmt: skip


def certificates_not_downloaded(now: datetime, horizons: Horizons) -> Iterator[Due]:
    """Certificates in force, issued `certificate_after` ago or more, whose PDF the citizen never got."""
    rows = db.session.execute(
        select(Certificate, Application).join(Application, Certificate.application_id == Application.id)
        .where(Certificate.kind == "certificate", Certificate.revoked_at.is_(None),
               Certificate.downloaded_at.is_(None), Certificate.created_at <= now - horizons.certificate_after)
    )  # fmt: skip
    for certificate, application in rows:
        yield Due("certificate_not_downloaded", certificate.number, application.citizen_id,
                  application.department_code,
                  {"number": certificate.number, "application": application.number or "",
                   "service": _service_name(application.service)})  # fmt: skip


FINDERS = (payments_pending, queries_unanswered, water_bills_due, property_tax_due, licences_expiring,
           certificates_not_downloaded)  # fmt: skip


def due_now(now: datetime, horizons: Horizons) -> Iterator[Due]:
    """Every reminder due at `now`, of every kind."""
    for finder in FINDERS:
        yield from finder(now, horizons)
