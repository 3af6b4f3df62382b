"""Receipts and acknowledgements go through the same machinery: signed, with a QR that verifies."""

from datetime import UTC, datetime

import pytest

from catalog import load_catalog
from certificates.receipts import ACKNOWLEDGEMENT, RECEIPT, acknowledgement_facts, receipt_facts
from certificates.signing import check_pdf_signature, load_trust_roots


@pytest.fixture(scope="module")
def income():
    """The catalog's income certificate, whose papers the revenue department signs."""
    return load_catalog()["income_certificate"]


def test_a_payment_receipt_is_signed_and_signs_amount_and_reference(issuer, settings, income):
    facts = receipt_facts(
        income,
        "RCP-2026-000311",
        "सीता देवी",
        "1,500",
        "PAY-7QX2",
        datetime.now(UTC),
    )
    issued = issuer.issue(RECEIPT, facts)
    assert check_pdf_signature(issued.pdf, load_trust_roots(settings.trust_roots)).ok
    assert issued.claims.kind == "receipt" and issued.claims.expires_on is None
    assert issued.claims.facts == {"amount": "1,500", "reference": "PAY-7QX2"}


def test_an_acknowledgement_names_the_decision_date_in_each_language(issuer, income):
    facts = acknowledgement_facts(
        income, "ACK-2026-000903", "सीता देवी", "APP-2026-001234", "06-12-2026",
        datetime(2026, 11, 22, 10, tzinfo=UTC), language="en",
    )  # fmt: skip
    issued = issuer.issue(ACKNOWLEDGEMENT, facts)
    assert issued.claims.kind == "acknowledgement" and issued.claims.facts == {"decision_due": "06-12-2026"}
    assert issued.pdf.startswith(b"%PDF-")
