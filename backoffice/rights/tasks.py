"""Sends the access right's PDF to the citizen on WhatsApp."""

from __future__ import annotations

import logging

from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.notifications.send import NO_ADDRESS, graph_client
from backoffice.notifications.tasks import retry_while_meta_is_busy, whatsapp_send_task
from backoffice.rights.models import RightsRequest
from backoffice.rights.summary import build_summary

log = logging.getLogger(__name__)
CAPTION = {
    "en": "What Seva holds about you, and why ({reference}).",
    "hi": "सेवा के पास आपकी कौन-सी जानकारी है, और क्यों ({reference})।",
}


def send_summary(request_id: int) -> str:
    """Build the PDF and send it to the citizen who asked (they just wrote, so the 24 h window is open)."""
    from backoffice.citizens.models import Citizen

    request = db.session.get(RightsRequest, request_id)
    citizen = db.session.get(Citizen, request.citizen_id) if request else None
    if citizen is None or not citizen.wa_id or not citizen.phone_number_id:
        return NO_ADDRESS
    pdf = build_summary(citizen.id, utcnow())
    client = graph_client()
    media = client.upload_media(citizen.phone_number_id, pdf, "application/pdf", f"{request.reference}.pdf")
    language = citizen.language if citizen.language in CAPTION else "hi"
    client.send_document(citizen.phone_number_id, citizen.wa_id, media, f"{request.reference}.pdf",
                         CAPTION[language].format(reference=request.reference))  # fmt: skip
    log.info("sent a data summary (%d bytes)", len(pdf))
    return "sent_document"


@whatsapp_send_task("backoffice.rights.tasks.send_access_summary")
def send_access_summary(self, request_id: int) -> str:
    """The access right's answer, on WhatsApp."""
    return retry_while_meta_is_busy(self, send_summary, request_id)
