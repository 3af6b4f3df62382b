"""Sends an issued certificate to the citizen on WhatsApp: the PDF inside the 24 h window, else a template."""

from __future__ import annotations

import logging

from sqlalchemy import select

from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.issuing.services import stored_pdf
from backoffice.notifications.graph import WINDOW_CLOSED, GraphClient, GraphError
from backoffice.notifications.send import (
    NO_ADDRESS,
    NOT_NOTIFIED,
    _in_window,
    _masked,
    graph_client,
    notify_status_change,
)  # fmt: skip
from catalog import load_catalog
from catalog.model import known_language

log = logging.getLogger(__name__)
SENT_DOCUMENT = "sent_document"
CAPTIONS = {
    "en": "Your {service} {number} is attached. Scan its QR code or open {url} to check it.",
    "hi": "आपका {service} {number} संलग्न है। इसकी जाँच के लिए QR कोड स्कैन करें या {url} खोलें।",
}
# The acknowledgement of a submission: proof that the department received it, and by when it must decide.
ACKNOWLEDGEMENT_CAPTIONS = {
    "en": "Acknowledgement {number} of your application for {service} is attached. Check it at {url}.",
    "hi": "{service} के आपके आवेदन की पावती {number} संलग्न है। जाँच के लिए {url} खोलें।",
}
RECEIPT_CAPTIONS = {
    "en": "Your payment receipt {number} for {service} is attached. Check it at {url}.",
    "hi": "{service} के भुगतान की आपकी रसीद {number} संलग्न है। जाँच के लिए {url} खोलें।",
}
PAPER_CAPTIONS = {"acknowledgement": ACKNOWLEDGEMENT_CAPTIONS, "receipt": RECEIPT_CAPTIONS}


def caption_for(certificate: Certificate, language: str, verify_url: str) -> str:
    """The short message sent with the PDF, in the citizen's language."""
    service = load_catalog().get(certificate.service_id)
    name = service.name.get(language) if service else certificate.service_id
    captions = PAPER_CAPTIONS.get(certificate.kind, CAPTIONS)
    return captions[language].format(
        service=name, number=certificate.number, url=f"{verify_url}{certificate.number}"
    )


def deliver(number: str, verify_url: str, client: GraphClient | None = None) -> str:
    """Send certificate `number` to its citizen; return what happened (SENT_DOCUMENT, SENT_TEMPLATE, ...).

    A document may only go inside the 24 h window; outside it the citizen gets the `issued` status
    template, and replying to it opens the window. Raises GraphError when a retry may succeed.
    """
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
    if certificate is None:
        return NOT_NOTIFIED
    citizen = certificate.owner
    if not citizen.wa_id:
        return NO_ADDRESS
    if not (_in_window(citizen) and citizen.phone_number_id):
        # An acknowledgement or receipt follows a message that already said it all; only a certificate
        # earns a template outside the window.
        if certificate.kind in PAPER_CAPTIONS:
            return NOT_NOTIFIED
        return notify_status_change(certificate.application_id, "issued", client)
    client = client or graph_client()
    language = known_language(citizen.language)
    filename = f"{number}.pdf"
    try:
        media_id = client.upload_media(
            citizen.phone_number_id, stored_pdf(certificate), "application/pdf", filename
        )
        client.send_document(citizen.phone_number_id, citizen.wa_id, media_id, filename,
                             caption_for(certificate, language, verify_url))  # fmt: skip
    except GraphError as error:
        # Meta says the window closed after all: its word is final, so fall back to the template.
        if error.code != WINDOW_CLOSED:
            raise
        if certificate.kind in PAPER_CAPTIONS:
            return NOT_NOTIFIED
        return notify_status_change(certificate.application_id, "issued", client)
    if certificate.downloaded_at is None:
        certificate.downloaded_at = utcnow()  # the first download only: a resend keeps it
        db.session.commit()
    log.info("sent certificate %s to %s", number, _masked(citizen.wa_id))
    return SENT_DOCUMENT
