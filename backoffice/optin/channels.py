"""What a missed call or an inbound SMS means for consent: START opens a request, STOP withdraws at once."""

from __future__ import annotations

import logging
import re

from flask import current_app

from backoffice.consent import services as consent
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.optin.requests import citizens_of, open_request
from catalog.validation import check_mobile

log = logging.getLogger(__name__)
START = re.compile(r"^\W*start\b", re.IGNORECASE)
STOP = re.compile(r"^\W*(stop|unsubscribe|band\b|बंद)", re.IGNORECASE)

SMS_REPLIES = {
    "start": "सेवा: हमने आपको व्हाट्सऐप पर संदेश भेजा है; सहमति के लिए उसका बटन दबाएँ। सूचना: {url} "
             "Seva: we sent you a WhatsApp message; tap its button to agree. Notice: {url}",
    "stop": "सेवा: अब आपको हमारी ओर से कोई संदेश नहीं भेजा जाएगा। दोबारा पाने के लिए START भेजें। "
            "Seva: you will get no more messages from us. Send START to get them again.",
    "help": "सेवा: व्हाट्सऐप पर अपडेट के लिए START, बंद करने के लिए STOP भेजें। "
            "Seva: send START for updates on WhatsApp, STOP to end them.",
}  # fmt: skip


def missed_call(call_sid: str, caller: str) -> str:
    """A missed call asks for updates: open a request (once per call) and queue the welcome. The outcome."""
    mobile = check_mobile(caller)
    if not call_sid or not mobile.ok:
        return "ignored"
    request = open_request(mobile.value, "missed_call", f"call:{call_sid}")
    return "requested" if request else "replayed"


def inbound_sms(sms_sid: str, sender: str, body: str) -> str:
    """START opens a request and says so by SMS; STOP withdraws every purpose of that number at once."""
    mobile = check_mobile(sender)
    if not sms_sid or not mobile.ok:
        return "ignored"
    if STOP.match(body):
        for citizen_id in citizens_of(mobile.value):
            consent.withdraw(citizen_id, "sms", f"sms:{sms_sid}")
        outcome = "withdrawn"
    elif START.match(body):
        if open_request(mobile.value, "sms", f"sms:{sms_sid}") is None:
            return "replayed"
        outcome = "requested"
    else:
        outcome = "help"
    reply = SMS_REPLIES[outcome.replace("withdrawn", "stop").replace("requested", "start")]
    url = current_app.config["PUBLIC_URL"] + "/privacy"
    enqueue_after_commit(
        db.session, "backoffice.optin.tasks.send_sms_reply", mobile.value, reply.format(url=url)
    )
    return outcome
