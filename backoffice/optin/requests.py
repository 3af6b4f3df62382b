"""Opt-in by missed call or SMS: the request, the welcome template on WhatsApp, and the tap that completes it.

Neither a missed call nor an SMS shows the privacy notice, so neither is consent by itself: each opens a
request and sends the number a utility template linking the notice, whose button the citizen taps to agree.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from flask import current_app
from sqlalchemy import select

from backoffice.citizens.models import Citizen
from backoffice.citizens.services import mask_mobile
from backoffice.consent import notice
from backoffice.consent.models import OptInRequest
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.notifications.graph import GraphClient
from backoffice.notifications.numbers import sender_number
from backoffice.notifications.send import graph_client

WELCOME_TEMPLATE = "consent_welcome"
HOW = {"missed_call": ("मिस्ड कॉल", "missed call"), "sms": ("SMS", "SMS"), "email": ("ईमेल", "email")}
# A signed callback older than this is refused, so a captured one cannot be replayed later.
CALLBACK_MAX_AGE_SECONDS = 300


def signature_is_genuine(secret: str, body: bytes, timestamp: str | None, signature: str | None) -> bool:
    """Whether a provider callback carries `secret`'s HMAC over "<timestamp>.<body>" and is recent."""
    if not secret or not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > CALLBACK_MAX_AGE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + expected, signature)


def open_request(mobile: str, channel: str, evidence: str) -> OptInRequest | None:
    """Record the request and queue the welcome to `mobile` (10 digits); None for a replayed callback."""
    if db.session.scalar(select(OptInRequest.id).where(OptInRequest.evidence == evidence)) is not None:
        return None
    request = OptInRequest(token=secrets.token_urlsafe(16), channel=channel, evidence=evidence[:120],
                           mobile_masked=mask_mobile(mobile))  # fmt: skip
    db.session.add(request)
    db.session.flush()
    # The number travels in the task's arguments only; the table keeps it masked.
    enqueue_after_commit(db.session, "backoffice.optin.tasks.send_welcome", request.id, mobile)
    return request


def send_welcome(request_id: int, mobile: str, client: GraphClient | None = None) -> str | None:
    """Send the welcome template with the notice's address and the button that agrees; the message id."""
    request = db.session.get(OptInRequest, request_id)
    if request is None or request.welcome_message_id:
        return None  # already sent by an earlier run of this task
    number = sender_number(current_app.config["WHATSAPP_NUMBERS"], "general", None)
    url = current_app.config["PUBLIC_URL"] + "/privacy"
    payload = "/opt_in" + json.dumps(
        {"optin_request": request.token, "notice_version": notice.current()["version"]}
    )
    hindi, english = HOW[request.channel]
    client = client or graph_client()
    request.welcome_message_id = client.send_template(number, "91" + mobile, WELCOME_TEMPLATE, "hi",
                                                      (hindi, url, english), (payload,))  # fmt: skip
    db.session.commit()
    return request.welcome_message_id


def redeem(token: str) -> OptInRequest | None:
    """The open request behind a welcome button, marked used; None when unknown or already used."""
    request = db.session.scalar(select(OptInRequest).where(OptInRequest.token == token).with_for_update())
    if request is None or request.used_at is not None:
        return None
    request.used_at = utcnow()
    return request


def citizens_of(mobile: str) -> list[str]:
    """The ids of citizens who write from this mobile number on WhatsApp, or gave it as theirs."""
    return list(db.session.scalars(
        select(Citizen.id).where((Citizen.wa_id == "91" + mobile) | (Citizen.mobile == mobile))
    ))  # fmt: skip
