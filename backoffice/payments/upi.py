"""UPI intent links and UPI QR codes in NPCI's `upi://pay` form, carrying our reference in `tr`."""

from __future__ import annotations

import io
from urllib.parse import quote

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from catalog.money import rupees


def upi_link(vpa: str, payee_name: str, amount_paise: int, reference: str, note: str) -> str:
    """Return `upi://pay?pa=&pn=&am=&cu=INR&tr=&tn=` with the amount in 2 decimals and spaces as %20."""
    if not amount_paise > 0:
        raise ValueError("a UPI request needs an amount above zero")
    params = [
        ("pa", quote(vpa, safe="@")),
        ("pn", quote(payee_name, safe="")),
        ("am", rupees(amount_paise)),
        ("cu", "INR"),
        ("tr", quote(reference, safe="")),
        ("tn", quote(note, safe="")),
    ]
    return "upi://pay?" + "&".join(f"{key}={value}" for key, value in params)


def upi_qr_png(link: str) -> bytes:
    """Render a UPI link as a PNG QR code that any UPI app can scan."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(link)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
