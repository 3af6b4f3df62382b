"""Money at the CSC counter: the charge shown before submission, cash or UPI recorded once, receipts, the daily register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.core.clock import IST, today_ist, utcnow
from backoffice.csc.models import Csc, CscApplication, CscCollection, CscDay
from backoffice.csc.services import CscRefused, actor, csc_of, visible_application
from backoffice.documents import services as documents
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.issuing.services import REQUIREMENT_PREFIX, facts_for, issue_paper
from backoffice.people.models import User
from catalog import load_catalog
from catalog.fees import CSC_FEE_PAISE
from catalog.model import known_language
from catalog.money import display
from certificates.receipts import CSC_RECEIPT, csc_receipt_facts

METHODS = ("cash", "upi")
METHOD_LABELS = {"cash": "cash / नकद", "upi": "UPI"}


@dataclass(frozen=True)
class CounterCharge:
    """What the citizen pays at the counter for one application, in paise."""

    service_charge_paise: int
    fee_paise: int

    @property
    def total_paise(self) -> int:
        """Both amounts together."""
        return self.service_charge_paise + self.fee_paise


def counter_charge(application: Application) -> CounterCharge:
    """Rs 50 for the CSC plus the government fee (the application's total, less the CSC's part)."""
    total = application.fee_paise or CSC_FEE_PAISE
    return CounterCharge(CSC_FEE_PAISE, max(total - CSC_FEE_PAISE, 0))


def _rupees(paise: int) -> str:
    return display(paise).removeprefix("₹")


def _day_closed(csc_code: str, day: date) -> bool:
    return (
        db.session.scalar(select(CscDay.id).where(CscDay.csc_code == csc_code, CscDay.day == day)) is not None
    )


def collection_of(application: Application) -> CscCollection | None:
    """The money recorded for an application at a CSC, if any."""
    return db.session.scalar(select(CscCollection).where(CscCollection.application_id == application.id))


def record_collection(operator: User, number: str, method: str) -> CscCollection:
    """Record the money taken for application `number` of the operator's CSC; refused a second time."""
    application = visible_application(operator, number)
    if application is None:
        raise CscRefused("No such application at this CSC.")
    if method not in METHODS:
        raise CscRefused("Choose cash or UPI.")
    if collection_of(application) is not None:
        raise CscRefused("The money for this application is already recorded. / राशि पहले ही दर्ज है।")
    if application.status not in (workflow.PAYMENT_PENDING, workflow.SUBMITTED):
        raise CscRefused("This application is not waiting for payment.")
    csc = csc_of(operator)
    day = today_ist()
    if _day_closed(csc.code, day):
        raise CscRefused("Today's register is closed.")
    charge = counter_charge(application)
    collection = CscCollection(
        application_id=application.id, csc_code=csc.code, operator_id=operator.id, method=method,
        service_charge_paise=charge.service_charge_paise, fee_paise=charge.fee_paise, business_day=day,
        receipt_number=f"{application.number}-C",
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(collection)
    except IntegrityError as race:  # a double click that passed the check above at the same moment
        raise CscRefused("The money for this application is already recorded. / राशि पहले ही दर्ज है।") from race
    who = actor(operator)
    audit.record(who, "csc.collected", f"application:{application.id}",
                 {"method": method, "charge": charge.service_charge_paise, "fee": charge.fee_paise})  # fmt: skip
    if application.status == workflow.PAYMENT_PENDING:
        workflow.transition(application, "check_documents", Actor("system", "csc"))
    return collection


def issue_receipt(collection: CscCollection, issuer) -> bytes:
    """Sign and store the bilingual receipt of a collection (once); return its PDF."""
    existing = receipt_pdf(collection)
    if existing is not None:
        return existing
    application = collection.application
    service = load_catalog()[application.service]
    csc = db.session.get(Csc, collection.csc_code)
    amounts = {
        "fee": _rupees(collection.fee_paise),
        "service_charge": _rupees(collection.service_charge_paise),
        "total": _rupees(collection.fee_paise + collection.service_charge_paise),
        "method": METHOD_LABELS[collection.method],
    }
    facts = csc_receipt_facts(
        service,
        number=collection.receipt_number,
        payer=facts_for(application, "").holder_name or "—",
        amounts=amounts,
        csc={"csc_code": csc.code, "csc_name": csc.name, "operator": collection.operator.full_name},
        application_number=application.number,
        paid_at=collection.recorded_at.replace(tzinfo=UTC),
        language=known_language(application.language),
    )
    issue_paper(issuer, CSC_RECEIPT, facts, application.citizen_id, application.id)
    db.session.flush()
    return receipt_pdf(collection)


def receipt_pdf(collection: CscCollection) -> bytes | None:
    """The stored receipt PDF of a collection, or None before it is issued."""
    document = db.session.scalar(
        select(Document).where(Document.requirement == f"{REQUIREMENT_PREFIX}{collection.receipt_number}")
    )
    return documents.read(document) if document is not None else None


def reverse(operator: User, collection_id: int, reason: str) -> CscCollection:
    """Undo a recorded collection with a reason (audited); the only change a closed day allows."""
    csc = csc_of(operator)
    collection = db.session.get(CscCollection, collection_id)
    if collection is None or csc is None or collection.csc_code != csc.code:
        raise CscRefused("No such entry in this CSC's register.")
    if collection.reversed_at is not None:
        raise CscRefused("Already reversed.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise CscRefused("Give the reason for the reversal.")
    collection.reversed_at, collection.reversed_by_id, collection.reversal_reason = (
        utcnow(),
        operator.id,
        reason[:500],
    )
    audit.record(actor(operator), "csc.collection_reversed", f"application:{collection.application_id}",
                 {"collection": collection.id, "reason": reason[:500]})  # fmt: skip
    return collection


@dataclass(frozen=True)
class Register:
    """One CSC's day: the entries, the totals, and whether it is closed."""

    csc: Csc
    day: date
    entries: list[CscCollection]
    applications: list[Application]
    closed: CscDay | None

    def _live(self, method: str | None = None) -> list[CscCollection]:
        return [c for c in self.entries if c.reversed_at is None and (method is None or c.method == method)]

    @property
    def charges_paise(self) -> int:
        """CSC service charges taken (reversals left out)."""
        return sum(c.service_charge_paise for c in self._live())

    @property
    def fees_paise(self) -> int:
        """Government fees taken (reversals left out)."""
        return sum(c.fee_paise for c in self._live())

    @property
    def cash_to_deposit_paise(self) -> int:
        """Cash in the drawer: what was taken in cash, both amounts."""
        return sum(c.service_charge_paise + c.fee_paise for c in self._live("cash"))


def register(csc: Csc, day: date | None = None) -> Register:
    """A CSC's register for `day` (today in Delhi by default)."""
    day = day or today_ist()
    entries = list(
        db.session.scalars(
            select(CscCollection)
            .where(CscCollection.csc_code == csc.code, CscCollection.business_day == day)
            .order_by(CscCollection.id)
        )
    )
    start = _ist_midnight_utc(day)
    applications = list(
        db.session.scalars(
            select(Application)
            .join(CscApplication, CscApplication.application_id == Application.id)
            .where(
                CscApplication.csc_code == csc.code,
                Application.submitted_at >= start,
                Application.submitted_at < start + timedelta(days=1),
            )  # fmt: skip
            .order_by(Application.submitted_at)
        )
    )
    closed = db.session.scalar(select(CscDay).where(CscDay.csc_code == csc.code, CscDay.day == day))
    return Register(csc, day, entries, applications, closed)


def close_day(operator: User, day: date | None = None) -> CscDay:
    """Close the day's register: from then on its entries change only by reversal."""
    csc = csc_of(operator)
    if csc is None:
        raise CscRefused("You are not attached to a CSC.")
    book = register(csc, day)
    if book.closed is not None:
        raise CscRefused("This day is already closed.")
    closed = CscDay(
        csc_code=book.csc.code, day=book.day, closed_by_id=operator.id, cash_paise=book.cash_to_deposit_paise
    )
    db.session.add(closed)
    audit.record(actor(operator), "csc.day_closed", f"csc:{book.csc.code}",
                 {"day": book.day.isoformat(), "cash": book.cash_to_deposit_paise})  # fmt: skip
    return closed


def totals_per_csc(start: date, end: date) -> list[dict]:
    """For reports and dashboards: per CSC over [start, end], charges, fees and cash taken, reversals left out."""
    live = CscCollection.reversed_at.is_(None)
    query = (
        select(
            Csc.code,
            Csc.name,
            Csc.district,
            func.count(CscCollection.id).filter(live),
            func.coalesce(func.sum(case((live, CscCollection.service_charge_paise), else_=0)), 0),
            func.coalesce(func.sum(case((live, CscCollection.fee_paise), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (
                            live & (CscCollection.method == "cash"),
                            CscCollection.service_charge_paise + CscCollection.fee_paise,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        )
        .outerjoin(
            CscCollection,
            (CscCollection.csc_code == Csc.code) & CscCollection.business_day.between(start, end),
        )
        .group_by(Csc.code, Csc.name, Csc.district)
        .order_by(Csc.code)
    )
    return [
        {
            "csc": code,
            "name": name,
            "district": district,
            "applications": count,
            "charges_paise": int(charges),
            "fees_paise": int(fees),
            "cash_paise": int(cash),
        }  # fmt: skip
        for code, name, district, count, charges, fees, cash in db.session.execute(query)
    ]


def _ist_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), IST).astimezone(UTC).replace(tzinfo=None)
