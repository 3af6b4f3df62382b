"""The issued PDF as a reader sees it: shaped Hindi that extracts as typed, a vector QR that scans and verifies."""

import re
import subprocess
import unicodedata

from PIL import Image

from certificates.fonts import DEVANAGARI, LATIN, script_markup
from certificates.qr_code import read_qr_texts, render_pdf_page
from certificates.qr_keys import PublicKeyset
from certificates.qr_payload import verify_qr_text
from certificates.template import body_text


def page_text(pdf_path) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True
    ).stdout
    return normalise(text.decode())


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def test_the_hindi_body_extracts_exactly_as_it_was_filled_in(pdf_path, income_template, facts):
    expected = normalise(body_text(income_template, facts, "hi"))
    assert "क्षितिज त्रिपाठी" in expected and "स्रोतों" in expected
    assert expected in page_text(pdf_path)


def test_the_page_names_department_number_decision_officer_and_dates(pdf_path):
    text = page_text(pdf_path)
    for printed in (
        "राजस्व विभाग",
        "Revenue Department",
        "आय प्रमाण पत्र",
        "DL-REV-2026-000042",
        "स्वीकृत / Approved",
        "Anil Kumar",
        "Date of issue: 22-11-2026",
        "Valid until: 21-11-2027",
        "https://seva.example.gov.in/verify/DL-REV-2026-000042",
    ):
        assert printed in text


def test_the_qr_from_the_rendered_page_verifies(pdf_path, settings, issued):
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf_path), str(pdf_path.with_suffix(""))],
        check=True,
    )
    texts = read_qr_texts(Image.open(pdf_path.with_suffix(".png")))
    assert len(texts) == 1
    claims = verify_qr_text(texts[0], PublicKeyset.load(settings.keyset_path))
    assert claims == issued.claims
    assert claims.holder == "क्षितिज त्रिपाठी" and claims.facts == {"annual_income": "2,40,000"}


def test_the_qr_is_drawn_as_vectors_and_stays_small_enough_for_a_phone(pdf_path, issued):
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf_path)], capture_output=True, check=True, text=True
    ).stdout
    assert len(images.strip().splitlines()) == 2  # the header lines only: no bitmap anywhere
    assert issued.qr_version <= 12
    assert read_qr_texts(render_pdf_page(pdf_path, dpi=100))  # still scans at screen resolution


def test_a_latin_word_that_ends_a_hindi_sentence_keeps_its_letters_and_its_danda_readable():
    # "pay_123।" was one word set in the Devanagari font, which has no Latin letters: the receipt showed boxes.
    markup = script_markup("भुगतान संदर्भ pay_123।")
    assert f'<font face="{LATIN}">pay_123' in markup
    assert re.search(f'<font face="{DEVANAGARI}">[^<]*।</font>$', markup)
