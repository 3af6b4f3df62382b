"""Double opt-in by email: the confirmation mail over SMTP, its signed expiring single-use link, unsubscribe.

The page that takes the address shows the privacy notice first; the click in the mail is the consent. The
WhatsApp number travels inside the signed link, so the table keeps it masked. A citizen already known on
WhatsApp by that number gets the grant at once; an unknown number gets the welcome template to tap.
"""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from backoffice.citizens.services import mask_mobile
from backoffice.consent import notice
from backoffice.consent import services as consent
from backoffice.core import mail
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.optin.models import EmailOptIn
from backoffice.optin.requests import citizens_of, open_request

CONFIRM_SALT = "seva-email-optin-confirm"
UNSUBSCRIBE_SALT = "seva-email-optin-unsubscribe"
SUBJECT = {"hi": "सेवा: व्हाट्सऐप अपडेट की पुष्टि करें / Seva: confirm WhatsApp updates",
           "en": "Seva: confirm WhatsApp updates / सेवा: व्हाट्सऐप अपडेट की पुष्टि करें"}  # fmt: skip
BODY = """{hi_intro}
{confirm}

{en_intro}
{confirm}

सूचना / Notice: {privacy}

आपने यह नहीं माँगा? कुछ न करें। / Did not ask for this? Do nothing.
सदस्यता समाप्त करें / Unsubscribe: {unsubscribe}
"""


class LinkRefused(Exception):
    """A confirmation link that is forged, expired or already used; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def _send(to: str, subject: str, body: str, unsubscribe: str) -> None:
    message = mail.new_message(to, subject)
    # One-click unsubscribe for mail clients (RFC 8058), besides the link in the text.
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(body)
    mail.send(message)


def start(email: str, mobile: str, language: str) -> EmailOptIn:
    """Record the request and mail the confirmation link (valid EMAIL_CONFIRM_HOURS, once) and unsubscribe."""
    version = notice.current()["version"]
    optin = EmailOptIn(
        email=email, mobile_masked=mask_mobile(mobile), language=language, notice_version=version
    )
    db.session.add(optin)
    db.session.flush()
    public = current_app.config["PUBLIC_URL"]
    confirm = public + url_for(
        "optin.email_confirm", token=_confirm_serializer().dumps({"id": optin.id, "m": mobile}), lang=language
    )
    unsubscribe = public + url_for(
        "optin.email_unsubscribe", token=_unsubscribe_serializer().dumps({"id": optin.id, "m": mobile}), lang=language
    )  # fmt: skip
    body = BODY.format(
        hi_intro="व्हाट्सऐप पर सेवा के अपडेट और रिमाइंडर पाने के लिए इस लिंक को खोलें:",
        en_intro="Open this link to get Seva's updates and reminders on WhatsApp:",
        confirm=confirm, privacy=public + "/privacy", unsubscribe=unsubscribe,
    )  # fmt: skip
    _send(email, SUBJECT[language], body, unsubscribe)
    return optin


def confirm(token: str) -> str:
    """The click in the mail: grant (or open the WhatsApp welcome for an unknown number); once, before expiry."""
    try:
        data = _confirm_serializer().loads(token, max_age=current_app.config["EMAIL_CONFIRM_HOURS"] * 3600)
    except SignatureExpired as expired:
        raise LinkRefused("expired") from expired
    except BadSignature as forged:
        raise LinkRefused("invalid") from forged
    optin = db.session.get(EmailOptIn, int(data["id"]))
    if optin is None or optin.confirmed_at is not None or optin.unsubscribed_at is not None:
        raise LinkRefused("used")
    optin.confirmed_at = utcnow()
    known = citizens_of(data["m"])
    for citizen_id in known:
        consent.grant(citizen_id, "email", f"email:{optin.id}", optin.notice_version)
    if not known:
        open_request(data["m"], "email", f"email:{optin.id}")
    return "granted" if known else "welcome_sent"


def unsubscribe(token: str) -> None:
    """The unsubscribe link of any of our mails: withdraw everything for that number, at once."""
    try:
        data = _unsubscribe_serializer().loads(token)
    except BadSignature as forged:
        raise LinkRefused("invalid") from forged
    optin = db.session.get(EmailOptIn, int(data["id"]))
    if optin is None:
        raise LinkRefused("invalid")
    if optin.unsubscribed_at is None:
        optin.unsubscribed_at = utcnow()
    for citizen_id in citizens_of(data["m"]):
        consent.withdraw(citizen_id, "email", f"email:{optin.id}")
