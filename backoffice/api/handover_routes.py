"""The bot's handover calls: queue a conversation for officers, and pass on what the citizen writes meanwhile."""

from __future__ import annotations

from flask import jsonify
from redis.exceptions import RedisError

from backoffice.api.blueprint import blueprint, created, json_body
from backoffice.core.problems import Problem
from backoffice.extensions import db
from backoffice.handover import live, services


@blueprint.post("/handovers")
def start_handover():
    """Queue the conversation in its department's inbox (201), or answer the one already open (200)."""
    body = json_body()
    conversation = body.get("conversation")
    existing = services.open_handover(conversation) if isinstance(conversation, str) else None
    try:
        handover = services.start(body)
        db.session.commit()
    except RedisError as error:
        # Without the flag the bot would keep answering over the officer: refuse rather than half-start.
        db.session.rollback()
        raise Problem(503, "unavailable", "the officer inbox cannot be reached") from error
    if existing is None:
        live.publish(handover.department_code, handover.id, "new")
    return created(services.answer(handover), 200 if existing is not None else 201)


@blueprint.post("/handovers/messages")
def handover_message():
    """A citizen's message during a handover (the channel forwards it); 404 when none is open."""
    try:
        message = services.citizen_message(json_body())
        db.session.commit()
    except RedisError as error:
        db.session.rollback()
        raise Problem(503, "unavailable", "the officer inbox cannot be reached") from error
    handover = message.handover
    live.publish(
        handover.department_code, handover.id, "closed" if handover.status == "closed" else "message"
    )
    return jsonify({"handover": handover.id, "status": handover.status, "message": message.id})
