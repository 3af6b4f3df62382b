"""The public page `/verify/<number>`: status from the back-office and the signed facts of the QR, in Hindi or English."""

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from flask import Blueprint, Response, render_template, request

from certificates.qr_keys import PublicKeyset
from certificates.qr_payload import PayloadError, verify_payload
from certificates.status import CertificateRecord, status_of
from certificates.template import IST

NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
WORDS = {
    "hi": {
        "title": "प्रमाण पत्र सत्यापन",
        "valid": "वैध",
        "revoked": "रद्द",
        "expired": "अवधि समाप्त",
        "unknown": "इस संख्या का कोई प्रमाण पत्र नहीं मिला",
        "bad_number": "यह प्रमाण पत्र संख्या सही नहीं है। कृपया QR कोड दोबारा स्कैन करें।",
        "number": "संख्या",
        "holder": "धारक",
        "department": "विभाग",
        "issued": "जारी करने की तिथि",
        "expires": "वैध तिथि तक",
        "permanent": "स्थायी",
        "reason": "रद्द करने का कारण",
        "replaced_by": "इसके स्थान पर जारी",
        "signed": "QR कोड के हस्ताक्षरित तथ्य",
        "signature_ok": "डिजिटल हस्ताक्षर सही है।",
        "signature_bad": "QR कोड का हस्ताक्षर सही नहीं है; इस कागज़ पर भरोसा न करें।",
        "service": "सेवा",
        "switch": "English",
    },
    "en": {
        "title": "Certificate verification",
        "valid": "Valid",
        "revoked": "Revoked",
        "expired": "Expired",
        "unknown": "No certificate with this number was found",
        "bad_number": "This is not a certificate number. Please scan the QR code again.",
        "number": "Number",
        "holder": "Holder",
        "department": "Department",
        "issued": "Date of issue",
        "expires": "Valid until",
        "permanent": "Permanent",
        "reason": "Reason for revocation",
        "replaced_by": "Reissued as",
        "signed": "Signed facts in the QR code",
        "signature_ok": "The digital signature is correct.",
        "signature_bad": "The QR code's signature is wrong; do not trust this paper.",
        "service": "Service",
        "switch": "हिंदी",
    },
}

Lookup = Callable[[str], CertificateRecord | None]


def create_verify_blueprint(
    lookup: Lookup, keyset_path: Path, verify_url: str, today: Callable[[], date] | None = None
) -> Blueprint:
    """The verification blueprint; `lookup` finds a certificate record by number (None when unknown)."""
    blueprint = Blueprint("verify", __name__, template_folder="templates")
    today = today or (lambda: datetime.now(IST).date())

    @blueprint.get("/verify/keys.json")
    def keys() -> Response:
        """The public QR keys as a JWK Set, for offline verifiers."""
        return Response(PublicKeyset.load(keyset_path).to_json(), mimetype="application/jwk-set+json")

    # The QR carries the address upper-cased (QR alphanumeric mode has no lower case).
    @blueprint.get("/VERIFY/<number>")
    @blueprint.get("/verify/<number>")
    def verify(number: str):
        """The status and facts of certificate `number`."""
        language = request.args.get("lang") if request.args.get("lang") in WORDS else _preferred_language()
        words = WORDS[language]
        if not NUMBER.match(number):
            return render_template("verify.html", words=words, language=language, bad=True), 404
        record = lookup(number)
        signed, signature_problem = None, None
        if request.args.get("p"):
            try:
                signed = verify_payload(
                    request.args["p"], verify_url + number, PublicKeyset.load(keyset_path)
                )
            except PayloadError as exc:
                signature_problem = str(exc)
        state = status_of(record, today()) if record else "unknown"
        switch = {**request.args.to_dict(), "lang": "en" if language == "hi" else "hi"}
        return render_template(
            "verify.html",
            words=words,
            language=language,
            number=number,
            record=record,
            state=state,
            signed=signed,
            signed_issued=signed.issued_at.astimezone(IST).date() if signed else None,
            signature_problem=signature_problem,
            switch=switch,
        ), (200 if record or signed else 404)

    return blueprint


def _preferred_language() -> str:
    return request.accept_languages.best_match(["hi", "en"], default="hi")
