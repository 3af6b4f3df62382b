"""The signed QR payload: round trip, and every way of forging it is refused with a reason."""

import dataclasses
from datetime import UTC, date, datetime

import pytest

from certificates.qr_keys import PublicKeyset, create_signing_key
from certificates.qr_payload import (
    PREFIX,
    PayloadError,
    SignedClaims,
    full_qr_text,
    qr_text,
    sign_claims,
    verify_qr_text,
)

CLAIMS = SignedClaims(
    number="DL-REV-2026-000042",
    department="revenue",
    kind="certificate",
    service="income_certificate",
    holder="क्षितिज त्रिपाठी",
    issued_at=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
    expires_on=date(2027, 11, 21),
    verify_url="https://seva.example.gov.in/verify/",
    facts={"annual_income": "2,40,000"},
)


@pytest.fixture(scope="module")
def revenue_key(tmp_path_factory):
    return create_signing_key(tmp_path_factory.mktemp("qr"), "revenue")


@pytest.fixture(scope="module")
def keyset(revenue_key):
    keyset = PublicKeyset()
    keyset.add("revenue", revenue_key.private_key.public_key())
    return keyset


def scanned(claims, key) -> str:
    return full_qr_text(*qr_text(claims, sign_claims(claims, key)))


def test_a_signed_payload_gives_back_every_claim(revenue_key, keyset):
    text = scanned(CLAIMS, revenue_key)
    assert text.startswith("HTTPS://SEVA.EXAMPLE.GOV.IN/VERIFY/DL-REV-2026-000042?p=" + PREFIX)
    assert verify_qr_text(text, keyset) == CLAIMS


def test_a_payload_without_expiry_stays_without_expiry(revenue_key, keyset):
    permanent = dataclasses.replace(CLAIMS, expires_on=None)
    assert verify_qr_text(scanned(permanent, revenue_key), keyset).expires_on is None


def test_a_payload_signed_with_the_wrong_key_fails(tmp_path, keyset):
    impostor = create_signing_key(tmp_path, "revenue")
    with pytest.raises(PayloadError, match="unknown key"):
        verify_qr_text(scanned(CLAIMS, impostor), keyset)


def test_a_known_key_of_another_department_cannot_vouch_for_revenue(tmp_path, revenue_key, keyset):
    transport = create_signing_key(tmp_path, "transport")
    keyset = PublicKeyset.from_json(keyset.to_json())
    keyset.add("transport", transport.private_key.public_key())
    with pytest.raises(PayloadError, match="signed with a transport key"):
        verify_qr_text(scanned(CLAIMS, transport), keyset)


def test_a_payload_moved_to_another_certificate_number_fails(revenue_key, keyset):
    text = scanned(CLAIMS, revenue_key).replace("DL-REV-2026-000042", "DL-REV-2026-000043")
    with pytest.raises(PayloadError, match="does not match"):
        verify_qr_text(text, keyset)


def test_a_changed_character_in_the_payload_fails(revenue_key, keyset):
    text = scanned(CLAIMS, revenue_key)
    position = len(text) - 20
    forged = text[:position] + ("A" if text[position] != "A" else "B") + text[position + 1 :]
    with pytest.raises(PayloadError):
        verify_qr_text(forged, keyset)


def test_a_qr_code_that_is_not_ours_is_named_as_such(keyset):
    with pytest.raises(PayloadError, match="verification address"):
        verify_qr_text("https://example.com/", keyset)
    with pytest.raises(PayloadError, match="not a Seva payload"):
        verify_qr_text("https://seva.example.gov.in/verify/X1?p=HC1:6BFOXN", keyset)


def test_the_keyset_survives_its_json_form(revenue_key, keyset):
    again = PublicKeyset.from_json(keyset.to_json())
    assert again.find(revenue_key.kid)[0] == "revenue"
    assert verify_qr_text(scanned(CLAIMS, revenue_key), again) == CLAIMS
