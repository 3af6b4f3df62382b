"""Paying a bill marks its ledger rows paid; a bill paid meanwhile some other way is flagged, not paid twice."""

from datetime import date

import pytest

from backoffice.demo.ledgers import seed_demo_ledgers
from backoffice.payments.models import FLAGGED, PAID, PropertyTaxDemand, WaterBill
from backoffice.payments.property_tax import property_tax_charge
from backoffice.payments.water_bills import water_bill_charge
from catalog.fees import ChargeError


@pytest.fixture
def seeded(harness):
    with harness.Session() as session:
        seed_demo_ledgers(session)
    return harness


def test_paid_property_tax_settles_this_year_and_arrears(seeded):
    with seeded.Session() as session:
        charge = property_tax_charge(session, "DL09C0045678", date(2026, 11, 22))
    intent, _ = seeded.start(charge)
    seeded.pay(intent)
    seeded.gateway.settle_webhooks(2)
    assert seeded.intent(intent.reference).status == PAID
    with seeded.Session() as session:
        rows = session.query(PropertyTaxDemand).filter_by(upic="DL09C0045678").all()
        paid = {row.financial_year: row.paid_reference for row in rows}
        assert paid == {"2025-26": intent.reference, "2026-27": intent.reference, "2027-28": None}
        with pytest.raises(ChargeError) as nothing:
            property_tax_charge(session, "DL09C0045678", date(2026, 11, 23))
        assert nothing.value.code == "nothing_due"


def test_bill_paid_at_a_counter_meanwhile_is_flagged_for_refund(seeded):
    with seeded.Session() as session:
        charge = water_bill_charge(session, "3456789012")
    intent, _ = seeded.start(charge)
    with seeded.Session() as session:
        bill = session.query(WaterBill).filter_by(k_number="3456789012").one()
        bill.paid_reference = "DJB-COUNTER-0001"
        session.commit()
    seeded.pay(intent)
    seeded.gateway.settle_webhooks(2)
    assert seeded.intent(intent.reference).status == FLAGGED
    assert seeded.effects.confirmed == []
    with seeded.Session() as session:
        assert (
            session.query(WaterBill).filter_by(k_number="3456789012").one().paid_reference
            == "DJB-COUNTER-0001"
        )
