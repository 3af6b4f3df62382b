"""Delhi Jal Board water bills looked up by K-number; the newest bill carries any arrears, as DJB bills do.

Uncertain (for the department): the late-payment surcharge after the due date is not applied, and the
K-number is taken to be exactly 10 digits.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.payments.models import WaterBill
from catalog.fees import Charge, ChargeError, line

_K_NUMBER = re.compile(r"^\d{10}$")


def normalise_k_number(text: str) -> str:
    """Return a K-number without spaces or hyphens, or raise ChargeError("invalid_k_number")."""
    k_number = re.sub(r"[\s\-]", "", text or "")
    if not _K_NUMBER.match(k_number):
        raise ChargeError("invalid_k_number", text)
    return k_number


def water_bill_charge(session: Session, k_number_text: str) -> Charge:
    """What is owed on a water connection: its newest bill, unless that is already paid."""
    k_number = normalise_k_number(k_number_text)
    bill = session.scalars(
        select(WaterBill).where(WaterBill.k_number == k_number).order_by(WaterBill.issued_on.desc()).limit(1)
    ).first()
    if bill is None:
        raise ChargeError("unknown_k_number", k_number)
    if bill.paid_reference:
        raise ChargeError("nothing_due", k_number)
    return Charge(
        purpose="water_bill",
        subject_key=f"water_bill:{bill.bill_number}",
        description_en=f"Water bill {bill.period}, K-number {k_number}",
        description_hi=f"पानी का बिल {bill.period}, के-नंबर {k_number}",
        lines=(
            line(
                "water_bill",
                f"Water bill {bill.bill_number}",
                f"पानी का बिल {bill.bill_number}",
                bill.amount_paise,
                f"water_bills:{bill.id}",
            ),
        ),
    )
