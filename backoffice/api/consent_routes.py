"""The bot's consent routes: the privacy notice to show before asking, and STOP/START per purpose."""

from __future__ import annotations

from flask import current_app, jsonify, request

from backoffice.api.blueprint import blueprint, json_body
from backoffice.consent import notice
from backoffice.consent import services as consent
from backoffice.core.problems import Problem, not_found
from backoffice.extensions import db
from backoffice.optin.requests import redeem


def _purposes(value) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or any(p not in consent.PURPOSES for p in value):
        raise Problem(422, "invalid", "unknown purpose", [{"field": "purposes", "code": "unknown_purpose"}])
    return tuple(value)


@blueprint.get("/privacy-notice")
def privacy_notice():
    """The current notice as a chat message in each language, for the purposes about to be asked."""
    purposes = tuple(p for p in request.args.get("purposes", "").split(",") if p in consent.PURPOSES)
    url = current_app.config["PUBLIC_URL"] + "/privacy"
    chosen = purposes or consent.DEFAULT_PURPOSES
    return jsonify({
        "version": notice.current()["version"],
        "url": url,
        "text": {language: notice.chat_text(language, url, chosen) for language in ("hi", "en")},
    })  # fmt: skip


@blueprint.post("/citizens/<citizen_id>/consent")
def citizen_consent(citizen_id: str):
    """Record the citizen's grant (of the notice version they were shown) or withdrawal; answer their standing."""
    if len(citizen_id) > 64:
        raise not_found("citizen")
    body = json_body()
    granted, evidence = body.get("granted"), body.get("evidence")
    if not isinstance(granted, bool) or not isinstance(evidence, str) or not 0 < len(evidence) <= 120:
        raise Problem(422, "invalid", "granted and evidence are required", [{"field": "granted", "code": "required"}])  # fmt: skip
    campaign = body.get("campaign")
    if campaign is not None and not (isinstance(campaign, str) and consent.CAMPAIGN_CODE.match(campaign)):
        raise Problem(422, "invalid", "bad campaign code", [{"field": "campaign", "code": "text_format"}])
    purposes = _purposes(body.get("purposes"))
    evidence, channel = f"wamid:{evidence}", "whatsapp"
    token = body.get("optin_request")
    if granted and isinstance(token, str) and token:
        # The welcome template's button after a missed call or SMS: that channel and its evidence.
        opened = redeem(token[:64])
        if opened is not None:
            evidence, channel = f"{opened.evidence} {evidence}", opened.channel
    if granted:
        result = consent.grant(citizen_id, channel, evidence, str(body.get("notice_version") or ""), campaign,
                               purposes or consent.DEFAULT_PURPOSES)  # fmt: skip
    else:
        result = consent.withdraw(citizen_id, "whatsapp", evidence, purposes)
    db.session.commit()
    return jsonify(result)
