"""Decides how to tell a citizen about a status change, and sends it: text in the 24 h window, else a template."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError

from backoffice.applications.models import Application
from backoffice.consent.services import may_send
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.jobs.redis_client import redis_client
from backoffice.notifications import held
from backoffice.notifications.graph import WINDOW_CLOSED, GraphClient, GraphError
from backoffice.notifications.messages import compose
from backoffice.notifications.numbers import sender_number
from backoffice.notifications.sms import send_sms
from catalog import load_catalog
from catalog.model import known_language
from whatsapp_contract import meter
from whatsapp_contract.handover import resume_template

log = logging.getLogger(__name__)
# A little under Meta's 24 h, so a message composed at 23:59:59 is not refused in flight.
WINDOW = timedelta(hours=24) - timedelta(minutes=2)

SENT_TEXT = "sent_text"
SENT_TEMPLATE = "sent_template"
SENT_SMS = "sent_sms"
OPTED_OUT = "opted_out"
NO_ADDRESS = "no_address"
NOT_NOTIFIED = "not_notified"


def graph_client() -> GraphClient:
    """The Graph API client configured for this app."""
    config = current_app.config
    return GraphClient(
        config["WHATSAPP_GRAPH_URL"], config["WHATSAPP_API_VERSION"], config["WHATSAPP_ACCESS_TOKEN"],
        on_sent=count_sent,
    )  # fmt: skip


def count_sent(phone_number_id: str) -> None:
    """Count one message sent from `phone_number_id` for the dashboard; a Redis failure loses only the count."""
    try:
        pipe = redis_client().pipeline(transaction=False)
        meter.count_outbound(pipe, phone_number_id, 1)
        pipe.execute()
    except RedisError as error:
        log.warning("could not count a sent message: %s", error)


def _in_window(citizen) -> bool:
    return citizen.last_inbound_at is not None and utcnow() - citizen.last_inbound_at < WINDOW


def _masked(wa_id: str) -> str:
    return "*" * max(len(wa_id) - 4, 0) + wa_id[-4:]


def _facts(application: Application, status: str, language: str) -> dict[str, str]:
    from backoffice.applications.workflow import status_label

    service = load_catalog().get(application.service)
    decision_by = application.decision_by.strftime("%d/%m/%Y") if application.decision_by else ""
    return {
        "number": application.number or "",
        "service": service.name.get(language) if service else application.service,
        "status": status_label(status)[language],
        "reason": getattr(application, "decision_reason", None) or "",
        "query": application.query_text or "",
        "decision_by": decision_by,
    }


def notify_status_change(application_id: int, status: str, client: GraphClient | None = None) -> str:
    """Tell the application's citizen that it reached `status`; return what happened (SENT_TEXT, OPTED_OUT, ...).

    Raises GraphError when Meta refuses for a reason worth retrying (rate limits, outages).
    """
    application = db.session.get(Application, application_id)
    if application is None:
        return NOT_NOTIFIED
    citizen = application.citizen
    language = known_language(citizen.language)
    if application.channel == "csc":
        # Made at a counter for someone who may have no WhatsApp: by SMS, agreed with the code they read out.
        return _by_sms(citizen, compose(status, language, _facts(application, status, language)), status)
    # A status change is the department speaking first, even inside the window: it needs consent to updates.
    if not may_send(citizen.id, "updates", f"status:{status}"):
        return OPTED_OUT
    message = compose(status, language, _facts(application, status, language))
    if message is None:
        return NOT_NOTIFIED
    number = sender_number(
        current_app.config["WHATSAPP_NUMBERS"], application.department_code, citizen.phone_number_id
    )
    if not citizen.wa_id or not number:
        return NO_ADDRESS
    client = client or graph_client()
    # The window is per business number: a text must come from the number the citizen last wrote to.
    if _in_window(citizen) and citizen.phone_number_id:
        try:
            if message.buttons:
                client.send_interactive(citizen.phone_number_id, citizen.wa_id, _with_buttons(message))
            else:
                client.send_text(citizen.phone_number_id, citizen.wa_id, message.text)
            log.info("told %s of %s by text", _masked(citizen.wa_id), status)
            return SENT_TEXT
        except GraphError as error:
            # Our clock and Meta's disagree about the window: Meta's word is final, so use the template.
            if error.code != WINDOW_CLOSED:
                raise
    client.send_template(number, citizen.wa_id, message.template, message.language, message.parameters,
                         tuple(payload for payload, _ in message.buttons))  # fmt: skip
    log.info("told %s of %s by template", _masked(citizen.wa_id), status)
    return SENT_TEMPLATE


def _by_sms(citizen, message, status: str) -> str:
    if message is None:
        return NOT_NOTIFIED
    if not citizen.mobile:
        return NO_ADDRESS
    send_sms(citizen.mobile, message.text.replace("*", ""), purpose="status")
    log.info("told %s of %s by SMS", _masked(citizen.mobile), status)
    return SENT_SMS


def _with_buttons(message) -> dict:
    """The `interactive` object of a text with reply buttons (Meta: at most 3, titles of at most 20 characters)."""
    buttons = [
        {"type": "reply", "reply": {"id": payload, "title": title[:20]}} for payload, title in message.buttons
    ]
    return {"type": "button", "body": {"text": message.text[:1024]}, "action": {"buttons": buttons[:3]}}


def tell_citizen(citizen_id: str, text: str, client: GraphClient | None = None) -> str:
    """Send `text` (already in the citizen's language), e.g. a payment confirmation; return what happened.

    Inside the window it is a reply to what the citizen just did, so it goes as text. Outside it the text is
    held for the citizen's next message, and an opted-in citizen gets the `resume_conversation` template,
    which invites them to reply and read it.
    """
    from backoffice.citizens.models import Citizen

    citizen = db.session.get(Citizen, citizen_id)
    if citizen is None or not citizen.wa_id:
        return NO_ADDRESS
    number = citizen.phone_number_id or sender_number(current_app.config["WHATSAPP_NUMBERS"], "general", None)
    if not number:
        return NO_ADDRESS
    client = client or graph_client()
    language = known_language(citizen.language)
    if _in_window(citizen):
        try:
            client.send_text(number, citizen.wa_id, text)
            return SENT_TEXT
        except GraphError as error:
            if error.code != WINDOW_CLOSED:
                raise
    # Never lost: the text waits for the citizen's next message, which the channel answers with it first.
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": citizen.wa_id, "type": "text",
            "text": {"preview_url": False, "body": text}}  # fmt: skip
    digest = hashlib.sha256(f"{number}:{text}".encode()).hexdigest()[:16]
    first = held.hold(citizen.id, number, body, f"citizen-text:{digest}")
    if not may_send(citizen.id, "updates", "resume_conversation"):
        return OPTED_OUT
    if first:
        client.send_body(number, resume_template({"to": citizen.wa_id}, language))
    return SENT_TEMPLATE


def send_utility_template(
    citizen_id: str, name: str, parameters: tuple[str, ...], client: GraphClient | None = None
) -> str:
    """Send an approved utility template to a citizen, in their language, from the number they last wrote to.

    For notices the law requires (a breach notice): a template goes whatever the 24 h window, but only to a
    citizen who agreed to updates on WhatsApp (the consent ledger); the caller finds another way to reach the others.
    """
    from backoffice.citizens.models import Citizen

    citizen = db.session.get(Citizen, citizen_id)
    if citizen is None or not citizen.wa_id:
        return NO_ADDRESS
    if not may_send(citizen.id, "updates", f"notice:{name}"):
        return OPTED_OUT
    number = citizen.phone_number_id or sender_number(current_app.config["WHATSAPP_NUMBERS"], "general", None)
    if not number:
        return NO_ADDRESS
    client = client or graph_client()
    client.send_template(number, citizen.wa_id, name, known_language(citizen.language), parameters)
    log.info("sent template %s to %s", name, _masked(citizen.wa_id))
    return SENT_TEMPLATE
