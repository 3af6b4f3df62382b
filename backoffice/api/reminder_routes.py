"""The bot's reminder route: the "Remind me later" button under a reminder."""

from __future__ import annotations

from flask import jsonify

from backoffice.api.blueprint import blueprint, json_body
from backoffice.core.problems import Problem
from backoffice.extensions import db
from backoffice.reminders.services import snooze


@blueprint.post("/reminders/<int:reminder_id>/snooze")
def snooze_reminder(reminder_id: int):
    """Put one of the citizen's reminders off; 404 for another citizen's, 409 when it is not pending."""
    citizen = json_body().get("citizen")
    if not isinstance(citizen, str) or not 0 < len(citizen) <= 64:
        raise Problem(422, "invalid", "citizen is required", [{"field": "citizen", "code": "required"}])
    result = snooze(reminder_id, citizen)
    db.session.commit()
    return jsonify(result)
