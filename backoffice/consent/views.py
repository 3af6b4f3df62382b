"""The public privacy notice at `/privacy` (and each earlier version at `/privacy/<version>`), in Hindi or English."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from backoffice.consent import notice

blueprint = Blueprint("consent", __name__, template_folder="templates")

HEADINGS = {
    "en": {"title": "Privacy notice", "version": "Version", "effective": "in force from", "who": "Who we are",
           "data": "Personal data", "purpose": "Why we use it", "consent": "Messages you may agree to",
           "goods": "What you get", "rights": "Your rights", "how": "How to use your rights",
           "withdraw": "How to withdraw consent", "grievance": "Grievance Officer", "other": "हिन्दी में पढ़ें"},
    "hi": {"title": "गोपनीयता सूचना", "version": "संस्करण", "effective": "से लागू", "who": "हम कौन हैं",
           "data": "व्यक्तिगत डेटा", "purpose": "हम इसका उपयोग क्यों करते हैं", "consent": "संदेश जिनकी आप सहमति दे सकते हैं",
           "goods": "आपको क्या मिलता है", "rights": "आपके अधिकार", "how": "अपने अधिकारों का उपयोग कैसे करें",
           "withdraw": "सहमति कैसे वापस लें", "grievance": "शिकायत अधिकारी", "other": "Read in English"},
}  # fmt: skip


def _page(version: dict):
    language = "hi" if request.args.get("lang") == "hi" else "en"
    other = "en" if language == "hi" else "hi"
    return render_template(
        "consent/privacy.html", notice=version, lang=language, other=other, words=HEADINGS[language],
        page_lang=language,
    )  # fmt: skip


@blueprint.get("/privacy")
def privacy():
    """The notice in force (no sign-in)."""
    return _page(notice.current())


@blueprint.get("/privacy/<version>")
def privacy_version(version: str):
    """A published version, as it was shown to those who agreed under it."""
    found = notice.by_version(version)
    if found is None:
        abort(404)
    return _page(found)
