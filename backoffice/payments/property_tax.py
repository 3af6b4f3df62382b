"""MCD property tax: the demand ledger looked up by UPIC, and the early-payment and online rebates.

The rebate rules below are as the department's public pages state them, but how the two combine is
NOT confirmed (marked uncertain for the department to settle). What we do:
1. The early-payment rebate, 15 %, applies when the current year's tax is paid on or before 30 June
   of that financial year (Indian time); it is taken on the year's gross tax.
2. The online rebate, 2 %, applies to residential property whose gross tax for the year is at most
   Rs 10,000 (eligibility judged on the gross, before any rebate); it is taken on what is left after
   the early-payment rebate (compounding: 10,000 -> 8,500 -> 8,330, not 8,300).
Arrears of earlier years get no rebate. Each rebate is rounded half up to the paisa.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.payments.models import PropertyTaxDemand
from catalog.fees import Charge, ChargeError, line
from catalog.money import percent_of

IST = timezone(timedelta(hours=5, minutes=30))
EARLY_REBATE_PERCENT = 15
ONLINE_REBATE_PERCENT = 2
ONLINE_REBATE_CEILING_PAISE = 10_000 * 100
# The exact UPIC format is not published where we could check; accept 6 to 20 letters and digits.
_UPIC = re.compile(r"^[A-Z0-9]{6,20}$")


def normalise_upic(text: str) -> str:
    """Return a UPIC without spaces or hyphens, upper-cased, or raise ChargeError("invalid_upic")."""
    upic = re.sub(r"[\s\-/]", "", text or "").upper()
    if not _UPIC.match(upic):
        raise ChargeError("invalid_upic", text)
    return upic


def financial_year(on: date) -> str:
    """The Indian financial year (April to March) containing a date, spelt "2025-26"."""
    start = on.year if on.month >= 4 else on.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def early_rebate_deadline(year: str) -> date:
    """The last day the early-payment rebate applies for a financial year: 30 June of its first year."""
    return date(int(year[:4]), 6, 30)


def rebate_lines(gross_paise: int, category: str, year: str, on: date, online: bool) -> list[dict]:
    """The rebates on one year's gross tax paid on `on`, in the order of application, as negative lines."""
    lines = []
    left = gross_paise
    if on <= early_rebate_deadline(year):
        early = percent_of(gross_paise, EARLY_REBATE_PERCENT)
        lines.append(
            line("rebate_early", "Rebate: paid by 30 June (15%)", "छूट: 30 जून तक भुगतान (15%)", -early)
        )
        left -= early
    if online and category == "residential" and gross_paise <= ONLINE_REBATE_CEILING_PAISE:
        lines.append(
            line(
                "rebate_online",
                "Rebate: online payment (2%)",
                "छूट: ऑनलाइन भुगतान (2%)",
                -percent_of(left, ONLINE_REBATE_PERCENT),
            )
        )
    return lines


def property_tax_charge(session: Session, upic_text: str, on: date, online: bool = True) -> Charge:
    """What is owed today for a property: this year's tax less rebates, plus unpaid earlier years."""
    upic = normalise_upic(upic_text)
    demands = session.scalars(
        select(PropertyTaxDemand)
        .where(PropertyTaxDemand.upic == upic)
        .order_by(PropertyTaxDemand.financial_year)
    ).all()
    if not demands:
        raise ChargeError("unknown_property", upic)
    year = financial_year(on)
    lines = []
    for demand in demands:
        if demand.paid_reference or demand.financial_year > year:
            continue
        ledger = f"property_tax_demands:{demand.id}"
        if demand.financial_year == year:
            lines.append(
                line(
                    f"tax:{year}",
                    f"Property tax {year}",
                    f"संपत्ति कर {year}",
                    demand.tax_paise,
                    ledger,
                )
            )
            lines.extend(rebate_lines(demand.tax_paise, demand.category, year, on, online))
        else:
            label = demand.financial_year
            lines.append(
                line(f"arrears:{label}", f"Arrears {label}", f"बकाया {label}", demand.tax_paise, ledger)
            )
    if not lines:
        raise ChargeError("nothing_due", upic)
    deadline = early_rebate_deadline(year)
    valid_until = None
    if any(item["code"] == "rebate_early" for item in lines):
        # The amount is right only until the rebate ends: midnight after 30 June, Indian time, in UTC.
        end = datetime.combine(deadline + timedelta(days=1), time(0), IST)
        valid_until = end.astimezone(timezone.utc).replace(tzinfo=None)
    return Charge(
        purpose="property_tax",
        subject_key=f"property_tax:{upic}:{year}",
        description_en=f"Property tax {year}, UPIC {upic}",
        description_hi=f"संपत्ति कर {year}, UPIC {upic}",
        lines=tuple(lines),
        valid_until=valid_until,
    )
