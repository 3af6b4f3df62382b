"""Intake refuses bad uploads with the contract's codes and cleans the good ones."""

import hashlib
import io

import pytest
from PIL import Image

from backoffice.documents.intake import limits
from backoffice.documents.intake.accept import accept_upload
from backoffice.documents.intake.refusal import DocumentRefused
from tests.backoffice.documents.intake.uploads import (
    blank_pdf,
    jpeg_with_exif,
    pdf_claiming_pages,
    pdf_with_stream,
)


def refusal(data: bytes, **kwargs) -> DocumentRefused:
    with pytest.raises(DocumentRefused) as caught:
        accept_upload(data, **kwargs)
    return caught.value


def test_good_photo_is_accepted_with_its_checksum(photo):
    accepted = accept_upload(photo, declared_mime="image/jpeg", sha256=hashlib.sha256(photo).hexdigest())
    assert accepted.mime_type == "image/jpeg"
    assert accepted.size == len(photo)
    assert accepted.sha256 == hashlib.sha256(photo).hexdigest()
    assert accepted.pages == (accepted.content,)


def test_exif_is_stripped(photo):
    assert Image.open(io.BytesIO(photo)).getexif()  # the fixture really carries EXIF
    cleaned = Image.open(io.BytesIO(accept_upload(photo).content))
    assert not cleaned.getexif()
    assert "exif" not in cleaned.info


def test_orientation_is_fixed(photo):
    # Orientation 6 means "rotate 90° clockwise to view": the 120x60 landscape pixels become 60x120.
    cleaned = Image.open(io.BytesIO(accept_upload(photo).content)).convert("RGB")
    assert cleaned.size == (60, 120)
    top, bottom = cleaned.getpixel((30, 5)), cleaned.getpixel((30, 115))
    assert top[0] > 150 and top[1] < 80  # the red half that was on the left is now on top
    assert bottom[1] > 200


def test_corrupt_image_is_refused(photo):
    assert refusal(photo[: len(photo) // 2]).code == "corrupt"


def test_empty_file_is_refused():
    assert refusal(b"").code == "corrupt"


def test_checksum_mismatch_is_refused(photo):
    assert refusal(photo, sha256="0" * 64).code == "checksum_mismatch"


def test_image_over_the_limit_is_refused(monkeypatch, photo):
    monkeypatch.setattr(limits, "MAX_IMAGE_BYTES", len(photo) - 1)
    assert refusal(photo).code == "too_large"


def test_file_over_every_limit_is_refused_before_any_decoding():
    huge = b"\xff\xd8\xff" + b"\0" * (max(limits.MAX_IMAGE_BYTES, limits.MAX_PDF_BYTES) + 1)
    assert refusal(huge).code == "too_large"


def test_pixel_bomb_image_is_refused(monkeypatch):
    # 4000x4000 of one colour compresses to a few kB yet decodes to 48 MB.
    out = io.BytesIO()
    Image.new("RGB", (4000, 4000), "white").save(out, "PNG")
    monkeypatch.setattr(limits, "MAX_PIXELS", 10_000_000)
    assert refusal(out.getvalue()).code == "too_large"


@pytest.mark.parametrize(
    ("data", "kwargs"),
    [
        (blank_pdf(1), {"filename": "photo.jpg"}),
        (blank_pdf(1), {"declared_mime": "image/jpeg"}),
        (b"MZ\x90\x00" + b"\0" * 200, {"filename": "photo.jpg"}),
        (b"\x7fELF" + b"\0" * 200, {"declared_mime": "image/jpeg"}),
        (b"PK\x03\x04" + b"\0" * 200, {"filename": "aadhaar.pdf"}),
        (jpeg_with_exif(), {"filename": "scan.pdf"}),
    ],
    ids=[
        "pdf-named-jpg",
        "pdf-declared-jpeg",
        "exe-named-jpg",
        "elf-declared-jpeg",
        "zip-named-pdf",
        "jpeg-named-pdf",
    ],
)
def test_disguised_type_is_refused(data, kwargs):
    assert refusal(data, **kwargs).code == "unsupported_type"


def test_png_declared_as_jpeg_is_accepted_as_png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    assert accept_upload(out.getvalue(), declared_mime="image/jpeg").mime_type == "image/png"


def test_pdf_pages_are_rasterised():
    accepted = accept_upload(blank_pdf(2), declared_mime="application/pdf")
    assert accepted.mime_type == "application/pdf"
    assert len(accepted.pages) == 2
    page = Image.open(io.BytesIO(accepted.pages[0]))
    assert page.size == (round(595 * limits.PDF_DPI / 72), round(842 * limits.PDF_DPI / 72))


def test_pdf_over_the_page_limit_is_refused():
    assert refusal(blank_pdf(limits.MAX_PDF_PAGES + 1)).code == "too_large"


def test_pdf_claiming_a_huge_page_count_is_refused():
    bomb = pdf_claiming_pages(100_000)
    assert len(bomb) < 1_000_000
    assert refusal(bomb).code == "too_large"


def test_pdf_decompression_bomb_is_refused():
    bomb = pdf_with_stream(b" " * (limits.MAX_PDF_INFLATED_BYTES + 1024 * 1024))
    assert len(bomb) < 1024 * 1024  # tiny on the wire
    error = refusal(bomb)
    assert error.code == "too_large"
    assert "decompression bomb" in error.detail


def test_renderer_out_of_memory_is_a_refusal_not_a_crash(monkeypatch):
    # A 5 m square page rendered at the full pixel limit needs ~160 MB; the child gets 128 MB.
    monkeypatch.setattr(limits, "RENDER_MEMORY_BYTES", 128 * 1024 * 1024)
    assert refusal(pdf_with_stream(b"", media_box="0 0 14400 14400")).code == "too_large"


def test_huge_page_is_rendered_within_the_pixel_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PIXELS", 2_000_000)
    accepted = accept_upload(pdf_with_stream(b"", media_box="0 0 14400 14400"))
    width, height = Image.open(io.BytesIO(accepted.pages[0])).size
    assert width * height <= 2_000_000


def test_corrupt_pdf_is_refused():
    assert refusal(b"%PDF-1.7\nthis is not a pdf at all\n").code == "corrupt"
