"""The public page /verify/<number>: valid, revoked and expired shown in Hindi and English; details only to whoever
holds the paper (the QR's signed payload or the printed check code); an acknowledgement never names anyone."""

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from backoffice.verify.views import create_verify_blueprint
from catalog.model import Text
from certificates.qr_payload import full_qr_text, qr_text, sign_claims
from certificates.status import CertificateRecord, revoke

TODAY = date(2026, 12, 1)


CODE = "7KQ2M9XD"


def record(
    number: str, expires_on: date | None = date(2027, 11, 21), kind="certificate"
) -> CertificateRecord:
    return CertificateRecord(
        number=number,
        kind=kind,
        title=Text(hi="आय प्रमाण पत्र", en="Income Certificate"),
        department=Text(hi="राजस्व विभाग", en="Revenue Department"),
        holder="क्षितिज त्रिपाठी",
        issued_on=date(2026, 11, 22),
        expires_on=expires_on,
        check_code=CODE,
    )


@pytest.fixture
def client(settings):
    """A tiny app with only the verification blueprint, and the back-office's lookup faked by a dict."""
    records = {
        "DL-REV-2026-000042": record("DL-REV-2026-000042"),
        "DL-REV-2025-000007": record("DL-REV-2025-000007", expires_on=date(2026, 6, 30)),
        "DL-REV-2026-000050": revoke(
            record("DL-REV-2026-000050"),
            "आय का गलत विवरण / wrong income declared",
            by="officer-17",
            at=datetime(2026, 11, 30, tzinfo=UTC),
            replaced_by="DL-REV-2026-000051",
        ),
        "DL-REV-2026-000060-A": record("DL-REV-2026-000060-A", kind="acknowledgement"),
    }
    app = Flask(__name__)
    app.register_blueprint(
        create_verify_blueprint(records.get, settings.keyset_path, settings.verify_url, today=lambda: TODAY)
    )
    return app.test_client()


def test_a_bare_number_says_only_valid_in_hindi_by_default_and_nothing_personal(client):
    page = client.get("/verify/DL-REV-2026-000042").get_data(as_text=True)
    assert 'data-state="valid"' in page and "वैध · DL-REV-2026-000042" in page
    assert "क्षितिज त्रिपाठी" not in page and "आय प्रमाण पत्र" not in page
    assert 'id="check-code"' in page and "जाँच कोड" in page  # where to type the printed code


def test_the_printed_check_code_opens_the_details_however_it_is_typed(client):
    page = client.get("/verify/DL-REV-2026-000042", query_string={"code": "7kq2-m9xd"}).get_data(as_text=True)
    assert "क्षितिज त्रिपाठी" in page and "आय प्रमाण पत्र" in page and 'id="check-code"' not in page


def test_a_wrong_check_code_shows_nothing_more(client):
    page = client.get("/verify/DL-REV-2026-000042?lang=en&code=7KQ2M9XE").get_data(as_text=True)
    assert "does not match" in page and "क्षितिज त्रिपाठी" not in page
    assert 'data-state="valid"' in page


def test_an_acknowledgement_never_shows_the_applicants_name(client):
    for query in ("", f"?code={CODE}"):
        page = client.get(f"/verify/DL-REV-2026-000060-A{query}").get_data(as_text=True)
        assert 'data-state="valid"' in page and "क्षितिज त्रिपाठी" not in page


def test_english_is_one_toggle_away(client):
    hindi = client.get("/verify/DL-REV-2026-000042").get_data(as_text=True)
    assert 'href="?lang=en"' in hindi
    english = client.get(f"/verify/DL-REV-2026-000042?lang=en&code={CODE}").get_data(as_text=True)
    assert "Valid · DL-REV-2026-000042" in english and "Income Certificate" in english
    assert (
        client.get("/verify/DL-REV-2026-000042", headers={"Accept-Language": "en-IN,en"})
        .get_data(as_text=True)
        .count("Valid ·")
    )


def test_a_revoked_certificate_shows_the_reason_and_its_replacement(client):
    bare = client.get("/verify/DL-REV-2026-000050?lang=en").get_data(as_text=True)
    assert 'data-state="revoked"' in bare and "wrong income declared" not in bare
    page = client.get(f"/verify/DL-REV-2026-000050?lang=en&code={CODE}").get_data(as_text=True)
    assert 'data-state="revoked"' in page and "Revoked · DL-REV-2026-000050" in page
    assert "wrong income declared (30-11-2026)" in page
    assert "DL-REV-2026-000051" in page
    assert "officer-17" not in page  # who revoked it is for the audit trail, not the public


def test_an_expired_certificate_says_expired(client):
    page = client.get("/verify/DL-REV-2025-000007").get_data(as_text=True)
    assert 'data-state="expired"' in page and "अवधि समाप्त" in page


def test_an_unknown_or_malformed_number_gets_a_polite_404(client):
    unknown = client.get("/verify/DL-REV-1999-000001?lang=en")
    assert unknown.status_code == 404 and "No certificate with this number" in unknown.get_data(as_text=True)
    malformed = client.get("/verify/%3Cscript%3E")
    assert malformed.status_code == 404 and "QR कोड दोबारा स्कैन" in malformed.get_data(as_text=True)


def test_scanning_the_qr_opens_the_page_with_the_signed_facts(client, issuer, issued):
    scanned = full_qr_text(*qr_text(issued.claims, sign_claims(issued.claims, issuer.qr_key("revenue"))))
    address = urlsplit(scanned)
    assert address.path == "/VERIFY/DL-REV-2026-000042"
    response = client.get(address.path, query_string={"p": parse_qs(address.query)["p"][0], "lang": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The digital signature is correct." in page
    assert "annual_income" in page and "2,40,000" in page
    assert "क्षितिज त्रिपाठी" in page  # the paper in hand shows whose it is


def test_a_tampered_payload_in_the_address_is_called_out(client, issuer, issued):
    payload = sign_claims(issued.claims, issuer.qr_key("revenue"))
    page = client.get("/verify/DL-REV-2026-000043", query_string={"p": payload, "lang": "en"}).get_data(
        as_text=True
    )
    assert "do not trust this paper" in page
    assert 'id="signed"' not in page


def test_the_public_keys_are_published_for_offline_verifiers(client, issuer):
    keys = client.get("/verify/keys.json").get_json()
    assert any(k["department"] == "revenue" and k["crv"] == "Ed25519" for k in keys["keys"])
