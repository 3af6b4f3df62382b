"""`verify FILE` in plain functions: a PDF or a photo of its QR verifies offline; tampering fails with the reason."""

import io

import pytest
from PIL import Image, ImageFilter

from certificates.qr_code import build_qr, render_pdf_page
from certificates.qr_keys import PublicKeyset, create_signing_key
from certificates.qr_payload import qr_text, sign_claims
from certificates.signing import load_trust_roots
from certificates.verify import verify_file


@pytest.fixture
def keyset(settings):
    return PublicKeyset.load(settings.keyset_path)


@pytest.fixture
def roots(settings):
    return load_trust_roots(settings.trust_roots)


def test_the_issued_pdf_verifies(pdf_path, keyset, roots, issued):
    report = verify_file(pdf_path, keyset, roots)
    assert report.ok, report.problems
    assert report.claims == issued.claims
    assert report.pdf_signature.trusted


def test_a_phone_photo_of_the_qr_verifies(pdf_path, keyset, roots, issued, tmp_path):
    page = render_pdf_page(pdf_path, dpi=150).convert("L")
    width, height = page.size
    # Roughly what a phone keeps: the lower right of the page, slightly turned and soft.
    photo = page.crop((width // 2, height * 2 // 3, width, height)).rotate(4, expand=True, fillcolor=255)
    photo = photo.filter(ImageFilter.GaussianBlur(0.8))
    path = tmp_path / "photo.jpg"
    photo.save(path, quality=70)
    report = verify_file(path, keyset, roots)
    assert report.ok, report.problems
    assert report.claims.number == issued.claims.number
    assert report.pdf_signature is None  # a photo carries no PDF signature to check


def test_a_byte_changed_in_the_pdf_fails_and_says_why(issued, keyset, roots, tmp_path):
    position = issued.pdf.index(b"DL-REV-2026-000042")
    path = tmp_path / "forged.pdf"
    path.write_bytes(issued.pdf[:position] + b"DL-REV-2026-000099" + issued.pdf[position + 18 :])
    report = verify_file(path, keyset, roots)
    assert not report.ok
    assert report.problems == [
        "the PDF was changed after it was signed (its signed bytes no longer match the signature)"
    ]


def test_a_pdf_without_a_signature_fails(issued, keyset, roots, tmp_path, settings, income_template, facts):
    from certificates.issue import Issuer
    from certificates.layout import page_text, render_pdf

    claims = Issuer(settings).claims(income_template, facts)
    qr = build_qr(*qr_text(claims, sign_claims(claims, Issuer(settings).qr_key("revenue"))))
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(
        render_pdf(page_text(income_template, facts, claims.expires_on, claims.page_url), qr, "t", "a")
    )
    report = verify_file(path, keyset, roots)
    assert report.claims == claims  # the QR itself is genuine…
    assert "carries no digital signature" in report.problems[0]  # …but the paper is not


def test_a_qr_signed_with_the_wrong_key_fails(issued, keyset, roots, tmp_path, qr_picture):
    impostor = create_signing_key(tmp_path, "revenue")
    forged = build_qr(*qr_text(issued.claims, sign_claims(issued.claims, impostor)))
    path = tmp_path / "forged.png"
    qr_picture(forged.modules).save(path)
    report = verify_file(path, keyset, roots)
    assert not report.ok
    assert "signed with an unknown key" in report.problems[0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"hello", "neither a PDF nor an image"),
        (None, "no QR code could be read"),
    ],
)
def test_files_without_a_certificate_are_refused_politely(content, problem, keyset, roots, tmp_path):
    path = tmp_path / "upload"
    if content is None:
        buffer = io.BytesIO()
        Image.new("L", (400, 300), 255).save(buffer, "PNG")
        content = buffer.getvalue()
    path.write_bytes(content)
    report = verify_file(path, keyset, roots)
    assert not report.ok and problem in report.problems[0]
