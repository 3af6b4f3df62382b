"""The public email opt-in pages: the notice and the form, the confirmation click, the unsubscribe link."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from backoffice.consent import notice
from backoffice.extensions import db
from backoffice.optin import email
from catalog.validation import check_mobile

blueprint = Blueprint("optin", __name__, template_folder="templates")

WORDS = {
    "en": {"title": "Updates on WhatsApp, confirmed by email", "mobile": "Your WhatsApp number",
           "email": "Your email address", "send": "Email me the confirmation link", "other": "हिन्दी में",
           "sent": "We have emailed you a link. Open it within a day to confirm.",
           "bad_mobile": "Please give a 10-digit Indian mobile number.",
           "granted": "Thank you. Updates and reminders will come to your WhatsApp. Send STOP there to end them.",
           "welcome_sent": "Thank you. We sent a message to your WhatsApp: tap its button to finish.",
           "expired": "This link has expired. Please ask for a new one.", "used": "This link was already used.",
           "invalid": "This link is not valid.", "unsubscribed": "You will get no more messages from us."},
    "hi": {"title": "व्हाट्सऐप पर अपडेट, ईमेल से पुष्टि", "mobile": "आपका व्हाट्सऐप नंबर", "email": "आपका ईमेल पता",
           "send": "पुष्टि का लिंक ईमेल करें", "other": "English",
           "sent": "हमने आपको एक लिंक ईमेल किया है। पुष्टि के लिए इसे एक दिन में खोलें।",
           "bad_mobile": "कृपया 10 अंकों का भारतीय मोबाइल नंबर दें।",
           "granted": "धन्यवाद। अपडेट और रिमाइंडर आपके व्हाट्सऐप पर आएँगे। बंद करने के लिए वहाँ STOP भेजें।",
           "welcome_sent": "धन्यवाद। हमने आपके व्हाट्सऐप पर संदेश भेजा है: पूरा करने के लिए उसका बटन दबाएँ।",
           "expired": "इस लिंक की अवधि समाप्त हो गई है। कृपया नया लिंक माँगें।", "used": "यह लिंक पहले ही उपयोग हो चुका है।",
           "invalid": "यह लिंक सही नहीं है।", "unsubscribed": "अब आपको हमारी ओर से कोई संदेश नहीं भेजा जाएगा।"},
}  # fmt: skip


class EmailOptInForm(FlaskForm):
    """The WhatsApp number and the email address to confirm it from."""

    mobile = StringField(validators=[DataRequired(), Length(max=20)])
    email = EmailField(validators=[DataRequired(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")])


def _language() -> str:
    return "hi" if request.args.get("lang", "hi") == "hi" else "en"


def _result(key: str, status: int = 200):
    language = _language()
    return render_template("optin/result.html", words=WORDS[language], message=WORDS[language][key],
                           page_lang=language), status  # fmt: skip


@blueprint.route("/updates/email", methods=["GET", "POST"])
def email_form():
    """The notice, then the form; a valid one mails the confirmation link."""
    language = _language()
    form = EmailOptInForm()
    error = None
    if form.validate_on_submit():
        mobile = check_mobile(form.mobile.data)
        if mobile.ok:
            email.start(form.email.data.strip(), mobile.value, language)
            db.session.commit()
            return _result("sent")
        error = WORDS[language]["bad_mobile"]
    current = notice.current()
    return render_template("optin/email.html", form=form, words=WORDS[language], lang=language, error=error,
                           notice=current, page_lang=language)  # fmt: skip


@blueprint.get("/updates/email/confirm/<token>")
def email_confirm(token: str):
    """The confirmation click (the consent), once and before it expires."""
    try:
        outcome = email.confirm(token)
    except email.LinkRefused as refused:
        db.session.rollback()
        return _result(refused.reason, 410 if refused.reason in ("expired", "used") else 400)
    db.session.commit()
    return _result(outcome)


@blueprint.get("/updates/email/unsubscribe/<token>")
def email_unsubscribe(token: str):
    """Any mail's unsubscribe link: every purpose withdrawn at once."""
    try:
        email.unsubscribe(token)
    except email.LinkRefused as refused:
        db.session.rollback()
        return _result(refused.reason, 400)
    db.session.commit()
    return _result("unsubscribed")
