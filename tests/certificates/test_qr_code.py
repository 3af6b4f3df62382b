"""The QR symbol: it reads back whole, and mixed modes keep a full-size payload within version 12."""

from certificates.qr_code import build_qr, read_qr_texts

ADDRESS = "HTTPS://SEVA.DELHI.GOV.IN/VERIFY/DL-REV-2026-000042"
PAYLOAD = "SEVA1:6BFOXN%20TSMAHN-H3O4%25KOS+8*.$V/7:" * 8  # 320 characters, as long as a Hindi name makes it


def test_the_code_reads_back_as_address_then_payload(qr_picture):
    assert read_qr_texts(qr_picture(build_qr(ADDRESS, PAYLOAD).modules)) == [ADDRESS + "?p=" + PAYLOAD]


def test_alphanumeric_mode_keeps_the_code_within_version_12():
    matrix = build_qr(ADDRESS, PAYLOAD)
    # In byte mode alone these 382 characters would need version 15 (77 modules a side).
    assert matrix.version <= 12 and matrix.size == 17 + 4 * matrix.version
