"""The printable A4 poster of a campaign: Hindi and English, a QR code that opens WhatsApp with "START <code>"."""

from __future__ import annotations

import io
from urllib.parse import quote

import qrcode
from reportlab.lib.colors import HexColor, black
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from certificates.fonts import DEVANAGARI, register_fonts, script_markup

ACCENT = HexColor("#1f4e8c")
QR_SIDE = 110 * mm
MARGIN = 18 * mm


def wa_me_link(display_number: str, code: str) -> str:
    """The click-to-chat link that opens WhatsApp with "START <code>" typed, ready to send."""
    return f"https://wa.me/{display_number}?text={quote(f'START {code}')}"


def _style(size: float, leading: float, colour=black) -> ParagraphStyle:
    # shaping=1 runs HarfBuzz, without which Hindi conjuncts and matras break apart.
    return ParagraphStyle(f"p{size}", fontName=DEVANAGARI, fontSize=size, leading=leading, alignment=TA_CENTER,
                          textColor=colour, shaping=1)  # fmt: skip


def _lines(canvas: Canvas, texts: list[str], style: ParagraphStyle, top: float, bold: bool = False) -> float:
    width = A4[0] - 2 * MARGIN
    for text in texts:
        paragraph = Paragraph(script_markup(text, bold=bold), style)
        _, height = paragraph.wrap(width, A4[1])
        top -= height
        paragraph.drawOn(canvas, MARGIN, top)
    return top


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, side: float) -> None:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    modules = code.get_matrix()  # includes the quiet zone
    cell = side / len(modules)
    canvas.setFillColor(black)
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                canvas.rect(x + column * cell, y + side - (row + 1) * cell, cell, cell, stroke=0, fill=1)


def poster_pdf(department_en: str, department_hi: str, link: str, code: str, privacy_url: str) -> bytes:
    """One A4 page: the department, why to scan, the QR code, what happens next, the notice's address."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(f"Seva WhatsApp updates - {department_en} - {code}")
    top = A4[1] - MARGIN
    top = _lines(canvas, [department_hi, department_en], _style(16, 22, ACCENT), top, bold=True)
    top = _lines(canvas, ["व्हाट्सऐप पर अपने आवेदनों के अपडेट और रिमाइंडर पाएँ", "Get updates and reminders on WhatsApp"],
                 _style(22, 30), top - 6 * mm, bold=True)  # fmt: skip
    top -= 8 * mm + QR_SIDE
    _draw_qr(canvas, link, (A4[0] - QR_SIDE) / 2, top, QR_SIDE)
    steps = [
        "1. फ़ोन के कैमरे से QR कोड स्कैन करें।  2. व्हाट्सऐप में START " + code + " भेजें।  3. सूचना पढ़ें और \"मैं सहमत हूँ\" दबाएँ।",
        "1. Scan the QR code with your phone's camera.  2. Send START " + code + " on WhatsApp.  3. Read the notice and tap \"I agree\".",
    ]  # fmt: skip
    top = _lines(canvas, steps, _style(12, 18), top - 6 * mm)
    top = _lines(canvas, [link], _style(11, 16, ACCENT), top - 4 * mm)
    closing = [
        "केवल सरकारी सेवा संदेश, कभी विज्ञापन नहीं। कभी भी STOP भेजकर बंद करें।",
        "Only government service messages, never advertising. Send STOP at any time to end them.",
        f"गोपनीयता सूचना / Privacy notice: {privacy_url}",
    ]
    _lines(canvas, closing, _style(11, 16), top - 6 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
