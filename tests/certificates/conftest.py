"""Fixtures for the certificate tests: a throw-away development PKI, a template, facts and one issued PDF."""

from datetime import UTC, datetime

import numpy as np
import pytest
from PIL import Image

from catalog.model import Text
from certificates.dev_pki import ensure_dev_pki
from certificates.issue import Issuer
from certificates.settings import CertificateSettings
from certificates.template import CertificateFacts, CertificateTemplate, Department, Detail, Officer

VERIFY_URL = "https://seva.example.gov.in/verify/"
HINDI_BODY = (
    "प्रमाणित किया जाता है कि श्री {applicant_name}, पुत्र श्री {father_name}, निवासी {address},",
    "की सभी स्रोतों से वार्षिक आय ₹ {annual_income} है। यह प्रमाण पत्र छात्रवृत्ति हेतु जारी किया गया।",
)


@pytest.fixture(scope="session")
def pki_env(tmp_path_factory) -> dict[str, str]:
    """Environment for a development PKI of its own, in a temporary directory."""
    pki = tmp_path_factory.mktemp("pki")
    return {"SEVA_PKI_DIR": str(pki), "SEVA_SIGNING_BACKEND": "dev", "SEVA_VERIFY_URL": VERIFY_URL}


@pytest.fixture(scope="session")
def settings(pki_env) -> CertificateSettings:
    """Settings pointing at the test PKI, with keys for revenue and transport already made."""
    settings = CertificateSettings.from_env(pki_env)
    ensure_dev_pki(settings, ["revenue", "transport"])
    return settings


@pytest.fixture(scope="session")
def issuer(settings) -> Issuer:
    """One issuer for the session, as a worker process would keep one."""
    return Issuer(settings)


@pytest.fixture(scope="session")
def income_template() -> CertificateTemplate:
    """An income certificate template with Hindi conjuncts, matras and a reph."""
    return CertificateTemplate(
        kind="certificate",
        title=Text(hi="आय प्रमाण पत्र", en="Income Certificate"),
        body_hi=HINDI_BODY,
        body_en=(
            "This is to certify that {applicant_name}, son of {father_name}, resident of {address},",
            "has an annual income from all sources of ₹ {annual_income}.",
        ),
        validity_months=12,
        key_facts=("annual_income",),
    )


@pytest.fixture(scope="session")
def facts() -> CertificateFacts:
    """A decided income certificate application."""
    answers = {
        "applicant_name": "क्षितिज त्रिपाठी",
        "father_name": "श्रीकृष्ण त्रिपाठी",
        "address": "मकान 12, लक्ष्मी नगर, दिल्ली 110092",
        "annual_income": "2,40,000",
    }
    return CertificateFacts(
        number="DL-REV-2026-000042",
        service="income_certificate",
        department=Department("revenue", Text(hi="राजस्व विभाग", en="Revenue Department")),
        holder_name=answers["applicant_name"],
        answers=answers,
        details=(
            Detail(Text(hi="नाम", en="Name"), answers["applicant_name"]),
            Detail(Text(hi="पता", en="Address"), answers["address"]),
        ),
        decision=Text(hi="स्वीकृत", en="Approved"),
        officer=Officer("Anil Kumar", Text(hi="तहसीलदार", en="Tehsildar")),
        issued_at=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        application_number="APP-2026-001234",
    )


@pytest.fixture(scope="session")
def issued(issuer, income_template, facts):
    """The signed income certificate."""
    return issuer.issue(income_template, facts)


@pytest.fixture
def pdf_path(issued, tmp_path):
    """The signed certificate written to a file."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(issued.pdf)
    return path


@pytest.fixture(scope="session")
def qr_picture():
    """Turns a QR module matrix into a clean picture of the code, as a phone screen shows it."""

    def picture(modules, scale: int = 6) -> Image.Image:
        padded = np.pad(np.array(modules, dtype=bool), 4)
        pixels = np.where(padded, 0, 255).astype(np.uint8)
        return Image.fromarray(pixels).resize(
            (padded.shape[1] * scale, padded.shape[0] * scale), Image.NEAREST
        )

    return picture
