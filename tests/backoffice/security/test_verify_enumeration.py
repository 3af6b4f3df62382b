"""The public verify page cannot be walked for names: sequential numbers say only valid/revoked/unknown, the
details need the check code printed on the paper (or its QR), acknowledgements name no one, and each address
gets a limited number of lookups."""

import re

import pypdfium2
import pytest
from sqlalchemy import select

from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.issuing.services import issue_acknowledgement, issue_for_application, stored_pdf
from certificates.issue import Issuer
from certificates.settings import CertificateSettings
from tests.backoffice.conftest import move

APPROVER = Actor("approver", "rev.approver", department="revenue")


def printed_check_code(pdf: bytes) -> str:
    """The check code as a person reads it off the paper."""
    page = pypdfium2.PdfDocument(pdf)[0]
    text = page.get_textpage().get_text_range()
    match = re.search(r"Check code: ([0-9A-Z]{4}-[0-9A-Z]{4})", text)
    assert match, f"no check code printed on the paper: {text[:400]}"
    return match.group(1)


@pytest.fixture
def papers(app, submitted, tmp_path, monkeypatch):
    """An issued certificate and an acknowledgement: their records, holder names and printed check codes."""
    monkeypatch.setenv("SEVA_PKI_DIR", str(tmp_path / "pki"))
    issuer = Issuer(CertificateSettings.from_env())
    application_id = submitted("income_certificate", "wa-verify", "9811100042", "en")
    with app.app_context():
        acknowledgement = issue_acknowledgement(application_id, issuer)
        ack = (acknowledgement.number, printed_check_code(stored_pdf(acknowledgement)))
    move(app, application_id, "start_review", APPROVER)
    move(app, application_id, "approve", APPROVER)
    with app.app_context():
        certificate = issue_for_application(application_id, issuer)
        cert = (certificate.number, certificate.holder, printed_check_code(stored_pdf(certificate)))
        application_number = certificate.application.number
    return {"certificate": cert, "acknowledgement": ack, "application": application_number}


def test_a_bare_number_tells_only_the_state(app, papers):
    number, holder, _code = papers["certificate"]
    assert holder
    page = app.test_client().get(f"/verify/{number}?lang=en").get_data(as_text=True)
    assert 'data-state="valid"' in page and holder not in page and "Income" not in page
    neighbour = number.replace("-C1", "-C2")
    assert app.test_client().get(f"/verify/{neighbour}").status_code == 404


def test_the_code_printed_on_the_paper_shows_the_details(app, papers):
    number, holder, code = papers["certificate"]
    page = app.test_client().get(f"/verify/{number}?lang=en&code={code}").get_data(as_text=True)
    assert holder in page and "Income" in page
    with app.app_context():
        stored = db.session.scalar(select(Certificate).where(Certificate.number == number))
        assert code.replace("-", "") not in number and stored.check_code == code.replace("-", "")


def test_an_acknowledgement_shows_no_name_even_with_its_code(app, papers):
    number, code = papers["acknowledgement"]
    with app.app_context():
        stored = db.session.scalar(select(Certificate).where(Certificate.number == number))
        assert stored.holder == ""  # not even kept for the page
    page = app.test_client().get(f"/verify/{number}?lang=en&code={code}").get_data(as_text=True)
    assert 'data-state="valid"' in page and "Applicant" not in page


def test_lookups_are_limited_per_address(app, papers):
    number, _holder, _code = papers["certificate"]
    app.config["VERIFY_LOOKUPS_PER_MINUTE"] = 5
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    answers = [guesser.get(f"/verify/DL-ZZZ-1999-{n:06d}-C1?lang=en").status_code for n in range(6)]
    assert answers[:5] == [404] * 5 and answers[5] == 429
    refused = guesser.get(f"/verify/{number}?lang=en")
    assert refused.status_code == 429 and "Too many tries" in refused.get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    assert other.get(f"/verify/{number}").status_code == 200
