"""UPI intent links and QR codes: the exact `upi://pay` strings NPCI apps read, and a QR that scans back to them."""

import shutil
import subprocess

import pytest

from backoffice.payments.upi import upi_link, upi_qr_png
from catalog.money import display


def test_link_has_npci_parameters_in_order_with_two_decimals_and_spaces_as_percent_20():
    link = upi_link(
        "seva.delhi@upi", "Govt of NCT of Delhi", 15050, "SVP7KQ2M9XH4T3C", "Income certificate fee"
    )
    assert link == (
        "upi://pay?pa=seva.delhi@upi&pn=Govt%20of%20NCT%20of%20Delhi&am=150.50&cu=INR"
        "&tr=SVP7KQ2M9XH4T3C&tn=Income%20certificate%20fee"
    )


def test_whole_rupees_still_have_two_decimals_and_reserved_characters_are_escaped():
    link = upi_link("mcd.tax@sbi", "MCD", 5000, "SVPAAAAAAAAAAAA", "Tax & fee=50/-")
    assert "&am=50.00&" in link
    assert link.endswith("&tn=Tax%20%26%20fee%3D50%2F-")


def test_hindi_note_is_percent_encoded_utf8():
    link = upi_link("seva.delhi@upi", "दिल्ली", 100, "SVPBBBBBBBBBBBB", "शुल्क")
    assert "pn=%E0%A4%A6%E0%A4%BF%E0%A4%B2%E0%A5%8D%E0%A4%B2%E0%A5%80" in link
    assert link.isascii()


def test_zero_amount_is_refused():
    with pytest.raises(ValueError):
        upi_link("seva.delhi@upi", "Seva", 0, "SVPCCCCCCCCCCCC", "nothing")


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_qr_scans_back_to_the_exact_link(tmp_path):
    link = upi_link(
        "seva.delhi@upi", "Govt of NCT of Delhi", 68900, "SVPDDDDDDDDDDDD", "Water bill Sep-Oct 2026"
    )
    image = tmp_path / "upi.png"
    image.write_bytes(upi_qr_png(link))
    scanned = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True
    )
    assert scanned.stdout.strip() == link


@pytest.mark.parametrize(
    ("paise", "shown"),
    [
        (5000, "₹50"),
        (15050, "₹150.50"),
        (123456, "₹1,234.56"),
        (4500000, "₹45,000"),
        (12345678900, "₹12,34,56,789"),
    ],
)
def test_amounts_are_shown_to_citizens_in_rupees_grouped_the_indian_way(paise, shown):
    assert display(paise) == shown
