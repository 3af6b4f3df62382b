"""Citizens as the bot knows them: create or update a profile and answer it masked."""

from __future__ import annotations

from typing import Any

from backoffice.citizens.models import Citizen
from backoffice.core.clock import utcnow
from backoffice.core.problems import Problem
from backoffice.extensions import db
from catalog.model import LANGUAGES
from catalog.validation import check_mobile


def mask_mobile(mobile: str) -> str:
    """Show only the last four digits of a mobile number: "******3210"."""
    return "*" * (len(mobile) - 4) + mobile[-4:]


def find(citizen_id: str) -> Citizen | None:
    """The citizen with this sender_id, if ever seen."""
    return db.session.get(Citizen, citizen_id)


def profile(citizen: Citizen) -> dict[str, Any]:
    """The profile the bot may see: never the full mobile number."""
    return {
        "citizen": citizen.id,
        "language": citizen.language,
        "mobile_masked": citizen.mobile_masked,
    }


def touch(citizen_id: str, language: str | None = None) -> Citizen:
    """Find or create the citizen and note that they wrote just now (WhatsApp's 24-hour window)."""
    citizen = find(citizen_id)
    if citizen is None:
        citizen = Citizen(id=citizen_id, language=language or "hi")
        db.session.add(citizen)
    citizen.last_inbound_at = utcnow()
    return citizen


def update(citizen_id: str, body: dict[str, Any]) -> Citizen:
    """Create or update a citizen from the bot's PUT body; raise Problem 422 listing bad fields."""
    errors = []
    language = body.get("language")
    if language is not None and language not in LANGUAGES:
        errors.append({"field": "language", "code": "unknown_language"})
    mobile = None
    if body.get("mobile") is not None:
        checked = check_mobile(str(body["mobile"]))
        if checked.ok:
            mobile = checked.value
        else:
            errors.append({"field": "mobile", "code": checked.reason})
    for key in ("wa_id", "phone_number_id"):
        value = body.get(key)
        if value is not None and not (isinstance(value, str) and 0 < len(value) <= 32):
            errors.append({"field": key, "code": "text_format"})
    if errors:
        raise Problem(422, "invalid", "some fields are not valid", errors)
    citizen = touch(citizen_id, language)
    if language is not None:
        citizen.language = language
    if mobile is not None:
        citizen.mobile = mobile
        citizen.mobile_masked = mask_mobile(mobile)
    for key in ("wa_id", "phone_number_id"):
        if body.get(key) is not None:
            setattr(citizen, key, body[key])
    return citizen
