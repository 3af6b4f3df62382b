"""Payment routes: thin views over `payment_requests` and `payments.callbacks` (contract: docs/architecture.md)."""

from __future__ import annotations

from flask import Response, jsonify, render_template, request, url_for

from backoffice.api.blueprint import PUBLIC_ENDPOINTS, blueprint, created, json_body, problem_response
from backoffice.core.problems import Problem
from backoffice.extensions import db
from backoffice.payments import services as payment_requests
from backoffice.payments.callbacks import (
    ForgedCallback,
    handle_razorpay_webhook,
    handle_whatsapp_payment_status,
    intent_for_redirect,
)
from backoffice.payments.messages import payment_state
from backoffice.payments.razorpay import GatewayError
from backoffice.payments.upi import upi_qr_png
from backoffice.payments.wiring import effects, gateway_client, providers, settings


@blueprint.post("/payments")
def create_payment():
    """Open (or find) the one payment of a subject and answer how to pay it: 201 new, 200 existing."""
    payload, new = payment_requests.request_payment(json_body())
    if payload["upi_link"]:
        payload["upi_qr_url"] = url_for("api.payment_upi_qr", reference=payload["reference"], _external=True)
    return created(payload, 201 if new else 200)


@blueprint.get("/payments/<reference>")
def payment(reference: str):
    """The state of one of the citizen's payments (`?citizen=`)."""
    intent = payment_requests.citizen_payment(reference, request.args.get("citizen"))
    return jsonify(payment_requests.payment_state_json(intent))


@blueprint.get("/payments/<reference>/upi-qr.png")
def payment_upi_qr(reference: str):
    """The UPI QR of an open payment, to scan from another phone (public: the reference is unguessable)."""
    link = providers()["upi"].link(payment_requests.open_payment(reference))
    return Response(upi_qr_png(link), mimetype="image/png", headers={"Cache-Control": "no-store"})


@blueprint.post("/payments/razorpay/webhook")
def razorpay_webhook():
    """Razorpay's signed webhook: a hint to look the payment up; 400 if forged, 503 to make Razorpay retry."""
    try:
        outcome = handle_razorpay_webhook(
            db.session,
            request.get_data(),
            request.headers.get("X-Razorpay-Signature"),
            request.headers.get("X-Razorpay-Event-Id"),
            settings().razorpay_webhook_secret,
            gateway_client(),
            providers(),
            effects(),
        )
    except ForgedCallback:
        return problem_response(400, "forged", "the signature does not match the body")
    except GatewayError:
        db.session.rollback()
        return problem_response(503, "unavailable", "the payment could not be looked up; retry later")
    return jsonify({"outcome": outcome})


@blueprint.get("/payments/razorpay/return")
def razorpay_return():
    """Where the gateway sends the citizen's browser after paying: it shows the stored state, never confirms."""
    intent = intent_for_redirect(db.session, request.args.to_dict(), settings().razorpay_key_secret)
    message = payment_state(intent) if intent is not None else None
    language = intent.language if intent is not None else "hi"
    return render_template("payment_return.html", message=message, language=language)


@blueprint.post("/payments/whatsapp/status")
def whatsapp_payment_status():
    """A `type: payment` status the channel received in a Meta-signed webhook; looked up before it counts."""
    body = json_body()
    if not isinstance(body.get("status"), dict):
        raise Problem(400, "bad_json", "the body must hold the webhook's status object")
    try:
        outcome = handle_whatsapp_payment_status(db.session, body["status"], providers(), effects())
    except GatewayError:
        db.session.rollback()
        return problem_response(503, "unavailable", "the payment could not be looked up; retry later")
    return jsonify({"outcome": outcome})


PUBLIC_ENDPOINTS.update({"api.razorpay_webhook", "api.razorpay_return", "api.payment_upi_qr"})
