"""Water bills: the DJB bill ledger looked up by K-number; only the newest unpaid bill is payable."""

import pytest
from sqlalchemy.orm import Session

from backoffice.demo.ledgers import seed_demo_ledgers
from backoffice.payments.water_bills import water_bill_charge
from catalog.fees import ChargeError


@pytest.fixture
def ledger(sqlite_db):
    with Session(sqlite_db) as session:
        seed_demo_ledgers(session)
        yield session


def test_newest_unpaid_bill_is_charged(ledger):
    charge = water_bill_charge(ledger, "12345 67890")
    assert charge.subject_key == "water_bill:WB2026110001"
    assert charge.total_paise == 68900
    assert charge.lines[0]["ledger"].startswith("water_bills:")


@pytest.mark.parametrize(
    ("k_number", "code"),
    [
        ("2345678901", "nothing_due"),
        ("9999999999", "unknown_k_number"),
        ("12345", "invalid_k_number"),
        ("", "invalid_k_number"),
    ],
)
def test_paid_unknown_and_malformed_k_numbers_are_explained(ledger, k_number, code):
    with pytest.raises(ChargeError) as refused:
        water_bill_charge(ledger, k_number)
    assert refused.value.code == code
