"""Lays out a certificate, receipt or acknowledgement as an unsigned one-page A4 PDF with ReportLab."""

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from certificates.fonts import DEVANAGARI, register_fonts, script_markup
from certificates.qr_code import QrMatrix, draw_qr
from certificates.template import (
    KIND_LABELS,
    CertificateFacts,
    CertificateTemplate,
    body_text,
    format_date,
    issue_day,
)

MARGIN = 18 * mm
QR_SIDE = 42 * mm
ACCENT = HexColor("#1f3a68")
# Plain zlib streams: ASCII85 on top only makes the file a quarter bigger and slower to write.
rl_config.useA85 = 0
GOVERNMENT = ("राष्ट्रीय राजधानी क्षेत्र दिल्ली सरकार", "Government of National Capital Territory of Delhi")


def _style(name: str, size: float, leading: float, **extra) -> ParagraphStyle:
    # shaping=1 is what makes ReportLab run HarfBuzz; without it conjuncts and matras break apart.
    return ParagraphStyle(name, fontName=DEVANAGARI, fontSize=size, leading=leading, shaping=1, **extra)


STYLES = {
    "small": _style("small", 8.5, 11.5),
    "body": _style("body", 10.5, 16, spaceAfter=3),
    "heading": _style("heading", 13, 18, alignment=TA_CENTER, textColor=ACCENT),
    "title": _style("title", 17, 23, alignment=TA_CENTER),
    "centre": _style("centre", 9, 12.5, alignment=TA_CENTER),
    "caption": _style("caption", 8, 11, alignment=TA_RIGHT),
}


@dataclass(frozen=True)
class PageText:
    """Every piece of text on the page, already filled in, in reading order."""

    heading: list[str]
    title: list[str]
    reference: list[str]
    body: list[str]
    details: list[tuple[str, str]]
    decision: str
    officer: list[str]
    qr_caption: list[str]


def _validity(expires_on: date | None) -> str:
    if expires_on is None:
        return f"{format_date(None, 'hi')} / {format_date(None, 'en')}"
    return format_date(expires_on, "en")


def _languages(facts: CertificateFacts) -> tuple[str, str]:
    return ("en", "hi") if facts.language == "en" else ("hi", "en")


def page_text(
    template: CertificateTemplate, facts: CertificateFacts, expires_on: date | None, url: str
) -> PageText:
    """The words of the page: Hindi and English, the citizen's language first."""
    first, second = _languages(facts)
    number_hi, number_en = KIND_LABELS[template.kind]

    def pair(hi: str, en: str) -> tuple[str, str]:
        return (hi, en) if first == "hi" else (en, hi)

    reference = [
        f"{number_hi} / {number_en}: {facts.number}",
        f"जारी करने की तिथि / Date of issue: {format_date(issue_day(facts), 'en')}    "
        f"वैध तिथि तक / Valid until: {_validity(expires_on)}",
    ]
    if facts.application_number:
        reference.append(f"आवेदन संख्या / Application No.: {facts.application_number}")
    if facts.check_code:
        reference.append(f"जाँच कोड / Check code: {facts.check_code}")
    return PageText(
        heading=[*pair(*GOVERNMENT), *pair(facts.department.name.hi, facts.department.name.en)],
        title=list(pair(template.title.hi, template.title.en)),
        reference=reference,
        body=[body_text(template, facts, first), body_text(template, facts, second)],
        details=[(f"{d.label.hi} / {d.label.en}", d.value) for d in facts.details],
        decision=f"निर्णय / Decision: {facts.decision.hi} / {facts.decision.en}",
        officer=[
            facts.officer.name,
            f"{facts.officer.designation.hi} / {facts.officer.designation.en}",
            f"{facts.department.name.hi} / {facts.department.name.en}",
            "डिजिटल हस्ताक्षरित / Digitally signed",
        ],
        qr_caption=["सत्यापन हेतु स्कैन करें / Scan to verify", url],
    )


def _utf16_hex(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@lru_cache(maxsize=1024)
def _wrapped(text: str, style: str, width: float, bold: bool) -> tuple[Paragraph, float]:
    # Most lines (headings, labels, captions) repeat on every paper; shaping them once saves a third
    # of the layout time. A wrapped Paragraph can be drawn any number of times.
    paragraph = Paragraph(script_markup(text, bold=bold), STYLES[style])
    _, height = paragraph.wrap(width, 1000)
    return paragraph, height


def _draw(
    canvas: Canvas, text: str, style: str, x: float, top: float, width: float, bold: bool = False
) -> float:
    """Draw one paragraph with its top at `top`; return the height used."""
    paragraph, height = _wrapped(text, style, width, bold)
    # Shaped glyphs (conjuncts, reordered matras) have no Unicode of their own, so text extraction
    # and screen readers get the real words from ActualText (PDF 32000, 14.9.4).
    canvas._code.append(f"/Span <</ActualText {_utf16_hex(text)}>> BDC")
    paragraph.drawOn(canvas, x, top - height)
    canvas._code.append("EMC")
    return height


def render_pdf(text: PageText, qr: QrMatrix, title: str, author: str) -> bytes:
    """The page as an unsigned PDF."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Seva")
    width, height = A4
    inner = width - 2 * MARGIN
    top = height - MARGIN

    for i, line in enumerate(text.heading):
        top -= _draw(canvas, line, "heading" if i >= 2 else "centre", MARGIN, top, inner, bold=i >= 2)
    top -= 3 * mm
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, top, width - MARGIN, top)
    top -= 5 * mm
    for line in text.title:
        top -= _draw(canvas, line, "title", MARGIN, top, inner, bold=True)
    top -= 4 * mm
    for line in text.reference:
        top -= _draw(canvas, line, "small", MARGIN, top, inner)
    top -= 5 * mm
    for line in text.body:
        top -= _draw(canvas, line, "body", MARGIN, top, inner) + 2 * mm
    top -= 3 * mm
    label_width = 62 * mm
    canvas.setLineWidth(0.4)
    for label, value in text.details:
        row = max(
            _draw(canvas, label, "body", MARGIN, top, label_width - 2 * mm),
            _draw(canvas, value, "body", MARGIN + label_width, top, inner - label_width, bold=True),
        )
        top -= row
        canvas.line(MARGIN, top + 2, width - MARGIN, top + 2)
    top -= 4 * mm
    top -= _draw(canvas, text.decision, "body", MARGIN, top, inner, bold=True)

    footer_top = MARGIN + QR_SIDE + 16 * mm
    officer_top = min(top - 8 * mm, footer_top)
    for i, line in enumerate(text.officer):
        officer_top -= _draw(
            canvas, line, "body", MARGIN, officer_top, inner - QR_SIDE - 10 * mm, bold=i == 0
        )
    qr_x = width - MARGIN - QR_SIDE
    qr_y = MARGIN + 12 * mm
    draw_qr(canvas, qr, qr_x, qr_y, QR_SIDE)
    # The caption keeps the four-module quiet zone that scanners need around the code.
    caption_top = qr_y - 4 * QR_SIDE / qr.size
    caption_width = QR_SIDE + 50 * mm
    for line in text.qr_caption:
        caption_top -= _draw(
            canvas, line, "caption", width - MARGIN - caption_width, caption_top, caption_width
        )
    canvas.showPage()
    canvas.save()
    return out.getvalue()
