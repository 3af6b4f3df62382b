"""Providers' signed callbacks for opt-in: a missed call (telephony) and an SMS to our long code."""

from __future__ import annotations

from flask import current_app, jsonify, request

from backoffice.api.blueprint import PUBLIC_ENDPOINTS, blueprint, problem_response
from backoffice.extensions import db
from backoffice.notifications.sms import callback_is_genuine
from backoffice.optin import channels
from backoffice.optin.requests import signature_is_genuine


@blueprint.post("/telephony/missed-call")
def telephony_missed_call():
    """Exotel's Passthru callback for our missed-call number, signed; anything forged or stale is refused."""
    body = request.get_data()
    if not signature_is_genuine(current_app.config["TELEPHONY_WEBHOOK_SECRET"], body,
                                request.headers.get("X-Telephony-Timestamp"),
                                request.headers.get("X-Telephony-Signature")):  # fmt: skip
        return problem_response(401, "bad_signature", "the callback is not signed by the provider")
    outcome = channels.missed_call(request.form.get("CallSid", "")[:80], request.form.get("CallFrom", ""))
    db.session.commit()
    return jsonify({"outcome": outcome})


@blueprint.post("/sms/inbound")
def sms_inbound():
    """A citizen's SMS to our long code, forwarded signed by the provider."""
    body = request.get_data()
    if not callback_is_genuine(
        body, request.headers.get("X-Sms-Timestamp"), request.headers.get("X-Sms-Signature")
    ):
        return problem_response(401, "bad_signature", "the callback is not signed by the provider")
    form = request.form
    outcome = channels.inbound_sms(
        form.get("SmsSid", "")[:80], form.get("From", ""), form.get("Body", "")[:500]
    )
    db.session.commit()
    return jsonify({"outcome": outcome})


PUBLIC_ENDPOINTS.update({"api.telephony_missed_call", "api.sms_inbound"})
