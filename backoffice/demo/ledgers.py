"""Loads the demonstration property-tax and water-bill ledgers into the database (idempotent)."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.payments.models import PropertyTaxDemand, WaterBill
from catalog.money import parse_rupees

DEMO_FILE = Path(__file__).with_name("ledgers.yaml")


def seed_demo_ledgers(session: Session, path: Path = DEMO_FILE) -> int:
    """Add the demo rows that are missing and commit; return how many were added."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    added = 0
    for prop in data["property_tax_demands"]:
        for year, rupees in prop["years"].items():
            exists = session.scalar(
                select(PropertyTaxDemand.id).where(
                    PropertyTaxDemand.upic == prop["upic"], PropertyTaxDemand.financial_year == year
                )
            )
            if exists:
                continue
            session.add(
                PropertyTaxDemand(
                    upic=prop["upic"],
                    financial_year=year,
                    owner_name=prop["owner_name"],
                    address=prop["address"],
                    category=prop["category"],
                    tax_paise=parse_rupees(str(rupees)),
                    paid_reference="DEMO-PAID" if year in prop.get("paid", []) else None,
                )
            )
            added += 1
    for connection in data["water_bills"]:
        for bill in connection["bills"]:
            if session.scalar(select(WaterBill.id).where(WaterBill.bill_number == bill["bill_number"])):
                continue
            session.add(
                WaterBill(
                    k_number=connection["k_number"],
                    bill_number=bill["bill_number"],
                    consumer_name=connection["consumer_name"],
                    period=bill["period"],
                    issued_on=bill["issued_on"],
                    due_date=bill["due_date"],
                    amount_paise=parse_rupees(f"{bill['amount']:.2f}"),
                    paid_reference="DEMO-PAID" if bill.get("paid") else None,
                )
            )
            added += 1
    session.commit()
    return added
