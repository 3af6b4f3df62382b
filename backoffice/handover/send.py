"""Officers' messages to the citizen: text inside the 24-hour window, else held for the citizen's reply behind
the re-engagement template (the same rule as the channel's, error 131047 included). Never silently lost."""

from __future__ import annotations

import logging

from backoffice.citizens import services as citizens
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.handover import live
from backoffice.handover.models import HandoverMessage
from backoffice.notifications import held
from backoffice.notifications.graph import WINDOW_CLOSED, GraphClient, GraphError
from backoffice.notifications.send import WINDOW, graph_client
from whatsapp_contract.handover import SENT_SECONDS, held_entry, resume_template, sent_key

log = logging.getLogger(__name__)

SENT, HELD, FAILED = "text", "held", "failed"


def deliver(message_id: int, client: GraphClient | None = None) -> str:
    """Send one queued handover message; return how it went (text, held, failed), or "" when already done.

    Raises GraphError for Meta's retryable refusals (rate limits, outages): the task retries with back-off.
    """
    message = db.session.get(HandoverMessage, message_id)
    if message is None or message.delivery != "queued":
        return ""
    handover = message.handover
    citizen = citizens.find(handover.citizen_id or handover.conversation)
    number = handover.phone_number_id or (citizen.phone_number_id if citizen else None)
    if citizen is None or not citizen.wa_id or not number:
        message.delivery = FAILED
        db.session.commit()
        live.publish(handover.department_code, handover.id, "message")
        return FAILED
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": citizen.wa_id, "type": "text",
            "text": {"preview_url": False, "body": message.text}}  # fmt: skip
    ref = f"handover-message:{message.id}"
    client = client or graph_client()
    in_window = citizen.last_inbound_at is not None and utcnow() - citizen.last_inbound_at < WINDOW
    if in_window:
        try:
            message.wamid = client.send_body(number, body)
            message.delivery = SENT
            # Meta may still report the closed window by a failed status: the channel then holds this body.
            live.client().set(sent_key(message.wamid), held_entry(number, body, ref), ex=SENT_SECONDS)
            db.session.commit()
            live.publish(handover.department_code, handover.id, "message")
            return SENT
        except GraphError as error:
            if error.code != WINDOW_CLOSED:
                raise
    if held.hold(handover.conversation, number, body, ref):
        client.send_body(number, resume_template({"to": citizen.wa_id}, handover.language))
    message.delivery = HELD
    db.session.commit()
    live.publish(handover.department_code, handover.id, "message")
    log.info("handover message %s held for the citizen's reply (24 h window closed)", message.id)
    return HELD
