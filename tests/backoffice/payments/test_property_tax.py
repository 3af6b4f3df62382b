"""Property tax: the demand ledger by UPIC, and the 15 % early and 2 % online rebates on the right dates."""

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from backoffice.demo.ledgers import seed_demo_ledgers
from backoffice.payments.models import PropertyTaxDemand
from backoffice.payments.property_tax import financial_year, normalise_upic, property_tax_charge, rebate_lines
from catalog.fees import ChargeError


def rebates(gross_rupees: float, category: str, on: date, online: bool = True) -> list[tuple[str, int]]:
    year = financial_year(on)
    return [
        (item["code"], item["amount_paise"])
        for item in rebate_lines(round(gross_rupees * 100), category, year, on, online)
    ]


@pytest.fixture
def ledger(sqlite_db):
    with Session(sqlite_db) as session:
        seed_demo_ledgers(session)
        yield session


def test_financial_year_runs_april_to_march():
    assert financial_year(date(2026, 4, 1)) == "2026-27"
    assert financial_year(date(2027, 3, 31)) == "2026-27"
    assert financial_year(date(2026, 3, 31)) == "2025-26"


def test_both_rebates_on_the_last_day_of_june_compound_in_order():
    # 8,000: 15 % early = 1,200; then 2 % online of the 6,800 left = 136; payable 6,664.
    assert rebates(8000, "residential", date(2026, 6, 30)) == [
        ("rebate_early", -120000),
        ("rebate_online", -13600),
    ]


def test_early_rebate_ends_with_june():
    assert rebates(8000, "residential", date(2026, 7, 1)) == [("rebate_online", -16000)]
    assert rebates(8000, "residential", date(2026, 4, 1))[0] == ("rebate_early", -120000)


def test_online_rebate_is_for_residential_tax_up_to_ten_thousand_judged_before_rebates():
    assert rebates(10000, "residential", date(2026, 6, 1)) == [
        ("rebate_early", -150000),
        ("rebate_online", -17000),
    ]
    # 10,000.01 is over the ceiling: no online rebate (15 % of it, 1,500.0015, rounds to 1,500.00).
    assert rebates(10000.01, "residential", date(2026, 6, 1)) == [("rebate_early", -150000)]
    assert rebates(8000, "non_residential", date(2026, 8, 1)) == []
    assert rebates(8000, "residential", date(2026, 8, 1), online=False) == []


def test_rebates_round_half_up_to_the_paisa():
    # 15 % of 7,777.77 is 1,166.6655 -> 1,166.67
    assert rebates(7777.77, "non_residential", date(2026, 5, 5)) == [("rebate_early", -116667)]


def test_demo_property_charge_before_30_june_expires_when_the_rebate_ends(ledger):
    charge = property_tax_charge(ledger, "dl-05a-0012345", date(2026, 6, 30))
    assert charge.subject_key == "property_tax:DL05A0012345:2026-27"
    assert [(item["code"], item["amount_paise"]) for item in charge.lines] == [
        ("tax:2026-27", 840000),
        ("rebate_early", -126000),
        ("rebate_online", -14280),
    ]
    assert charge.total_paise == 699720
    assert charge.valid_until == datetime(2026, 6, 30, 18, 30)  # midnight in India, in UTC


def test_arrears_are_added_without_rebate(ledger):
    charge = property_tax_charge(ledger, "DL09C0045678", date(2026, 11, 22))
    assert [(item["code"], item["amount_paise"]) for item in charge.lines] == [
        ("arrears:2025-26", 1250000),
        ("tax:2026-27", 1300000),
    ]
    assert charge.valid_until is None


def test_unknown_paid_and_malformed_properties_are_explained(ledger):
    with pytest.raises(ChargeError) as unknown:
        property_tax_charge(ledger, "DL99Z9999999", date(2026, 11, 22))
    assert unknown.value.code == "unknown_property"
    with pytest.raises(ChargeError) as bad:
        normalise_upic("12")
    assert bad.value.code == "invalid_upic"
    row = ledger.query(PropertyTaxDemand).filter_by(upic="DL05A0012345", financial_year="2026-27").one()
    row.paid_reference = "SVPPAIDALREADY1"
    ledger.commit()
    with pytest.raises(ChargeError) as nothing:
        property_tax_charge(ledger, "DL05A0012345", date(2026, 11, 22))
    assert nothing.value.code == "nothing_due"


def test_seeding_twice_adds_nothing(ledger):
    assert seed_demo_ledgers(ledger) == 0
