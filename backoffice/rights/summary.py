"""The access right's answer: a bilingual PDF of what Seva holds about a citizen, and why.

Numbers stay masked in it (Aadhaar, mobile): the PDF travels over WhatsApp and may be forwarded.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.citizens.models import Citizen
from backoffice.consent.services import standing as consent_standing
from backoffice.core.clock import IST
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.rights.models import RightsRequest
from catalog import load_catalog
from catalog.validation import mask_aadhaar
from certificates.fonts import DEVANAGARI, register_fonts, script_markup

# Why each kind of data is held: the purpose the citizen was told when giving it.
PURPOSES = [
    ("Your WhatsApp number and language", "आपका व्हाट्सऐप नंबर और भाषा",
     "to answer you and send updates on your applications", "आपको जवाब देने और आवेदनों की जानकारी भेजने के लिए"),
    ("Your answers and documents", "आपके उत्तर और दस्तावेज़",
     "to decide your application, as the law for each service requires", "सेवा के कानून के अनुसार आपके आवेदन पर निर्णय के लिए"),
    ("Your Aadhaar number (encrypted)", "आपका आधार नंबर (एन्क्रिप्टेड)",
     "to check your identity documents; shown only as XXXX-XXXX-1234", "आपके पहचान दस्तावेज़ों की जाँच के लिए; केवल XXXX-XXXX-1234 के रूप में दिखता है"),
    ("Payments", "भुगतान", "to account for fees, as financial rules require", "वित्तीय नियमों के अनुसार शुल्क का हिसाब रखने के लिए"),
]  # fmt: skip


def _style(size: float, leading: float) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}", fontName=DEVANAGARI, fontSize=size, leading=leading, shaping=1)


def _p(text: str, size: float = 9.5, bold: bool = False) -> Paragraph:
    return Paragraph(script_markup(text, bold=bold), _style(size, size * 1.5))


def _ist(moment: datetime | None) -> str:
    return moment.replace(tzinfo=UTC).astimezone(IST).strftime("%d/%m/%Y") if moment else "—"


def _answer(service, field_id: str, value: object) -> str:
    field = service.field(field_id) if service else None
    text = str(value)
    if field is not None and field.type == "aadhaar":
        return mask_aadhaar(text)
    if field is not None and field.type == "mobile":
        return "******" + text[-4:]
    if field is not None and field.type == "choice" and field.option(text):
        option = field.option(text)
        return f"{option.label.en} / {option.label.hi}"
    return escape(text)


def build_summary(citizen_id: str, generated_at: datetime) -> bytes:
    """The PDF for one citizen: profile, applications with answers, documents, requests, purposes."""
    register_fonts()
    catalog = load_catalog()
    citizen = db.session.get(Citizen, citizen_id)
    story: list = [
        _p("What Seva holds about you · सेवा के पास आपकी जानकारी", 15, bold=True),
        _p(
            f"Prepared on {generated_at.strftime('%d/%m/%Y')} under the Digital Personal Data Protection Act, 2023, "
            "section 11 · डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 11 के अंतर्गत",
            8.5,
        ),  # fmt: skip
        Spacer(1, 4 * mm),
        _p("Your profile · आपकी प्रोफ़ाइल", 12, bold=True),
    ]
    if citizen is not None:
        story += [
            _p(f"Mobile · मोबाइल: {citizen.mobile_masked or '—'}"),
            _p(f"Language · भाषा: {'हिंदी' if citizen.language == 'hi' else 'English'}"),
            _p(
                f"Updates on WhatsApp · व्हाट्सऐप पर जानकारी: {'yes · हाँ' if consent_standing(citizen.id)['updates'] else 'no · नहीं'}"
            ),
            _p(f"With us since · कब से: {_ist(citizen.created_at)}"),
        ]
    applications = db.session.scalars(
        select(Application).where(Application.citizen_id == citizen_id).order_by(Application.id)
    )
    story += [Spacer(1, 3 * mm), _p("Your applications · आपके आवेदन", 12, bold=True)]
    for application in applications:
        service = catalog.get(application.service)
        name = f"{service.name.en} · {service.name.hi}" if service else application.service
        label = workflow.status_label(application.status)
        story.append(
            _p(f"{application.number or 'Draft · मसौदा'} — {name} — {label['en']} · {label['hi']}", bold=True)
        )
        rows = [[_p(f"{f.question.en} · {f.question.hi}", 8), _p(_answer(service, f.id, application.answers[f.id]), 8)]
                for f in (service.fields if service else []) if f.id in application.answers]  # fmt: skip
        if rows:
            table = Table(rows, colWidths=[95 * mm, 75 * mm])
            table.setStyle(
                TableStyle([("GRID", (0, 0), (-1, -1), 0.25, "#999999"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
            )
            story.append(table)
    documents = list(
        db.session.scalars(
            select(Document).where(Document.citizen_id == citizen_id).order_by(Document.created_at)
        )
    )
    story += [Spacer(1, 3 * mm), _p("Your documents · आपके दस्तावेज़", 12, bold=True)]
    story += [_p(f"{d.requirement or 'not attached · संलग्न नहीं'} — {d.mime_type} — {_ist(d.created_at)}") for d in documents] or [_p("—")]  # fmt: skip
    requests = db.session.scalars(
        select(RightsRequest).where(RightsRequest.citizen_id == citizen_id).order_by(RightsRequest.id)
    )
    story += [Spacer(1, 3 * mm), _p("Your requests about your data · आपके डेटा संबंधी अनुरोध", 12, bold=True)]
    story += [_p(f"{r.reference} — {r.kind} — {r.status} — due · अंतिम तिथि {r.due_by.strftime('%d/%m/%Y')}") for r in requests]  # fmt: skip
    story += [Spacer(1, 3 * mm), _p("Why we hold it · हम यह क्यों रखते हैं", 12, bold=True)]
    story += [
        _p(f"{en_what} · {hi_what}: {en_why} · {hi_why}") for en_what, hi_what, en_why, hi_why in PURPOSES
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Seva data summary", author="Seva",
                      leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm).build(story)  # fmt: skip
    return out.getvalue()
