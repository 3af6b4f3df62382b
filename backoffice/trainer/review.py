"""A conversation as a trainer reviews it: the tracker's events from Rasa's HTTP API, redacted on the way in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from flask import current_app

from backoffice.core.clock import IST
from trainer_capture.names import asks_for_name, name_questions
from trainer_capture.redaction import redact

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
FALLBACKS = frozenset({"action_default_fallback", "utter_default", "action_two_stage_fallback"})


class ReviewUnavailable(Exception):
    """Rasa could not be asked for the conversation."""


@dataclass(frozen=True)
class Line:
    """One event of the transcript as the page shows it."""

    at: str
    who: str  # citizen | bot | action | form
    text: str
    detail: str = ""
    fallback: bool = False
    message_id: str | None = None


def tracker(conversation: str) -> dict:
    """The conversation's tracker (all sessions) from the first Rasa instance (they share one tracker store)."""
    instance = current_app.config["RASA_INSTANCES"][0]
    token = current_app.config["RASA_TOKEN"]
    try:
        answer = httpx.get(
            f"{instance}/conversations/{conversation}/tracker",
            params={"include_events": "ALL", **({"token": token} if token else {})},
            timeout=10,
        )
    except httpx.HTTPError as error:
        raise ReviewUnavailable(str(error)) from error
    if answer.status_code != 200:
        raise ReviewUnavailable(f"Rasa answered {answer.status_code}")
    return answer.json()


def transcript(events: list[dict]) -> list[Line]:
    """The events a trainer needs, every text redacted; slot values are never shown (they hold answers)."""
    questions = name_questions()
    lines: list[Line] = []
    last_bot: str | None = None
    for event in events:
        kind = event.get("event")
        at = (
            datetime.fromtimestamp(float(event.get("timestamp") or 0), UTC)
            .astimezone(IST)
            .strftime("%d %b %H:%M:%S")
        )
        if kind == "user":
            text = event.get("text") or ""
            intent = (event.get("parse_data") or {}).get("intent") or {}
            lines.append(Line(at, "citizen", redact(text, asks_for_name(last_bot, questions)),
                              f"{intent.get('name')} {float(intent.get('confidence') or 0):.2f}" if intent else "",
                              intent.get("name") == "nlu_fallback", event.get("message_id")))  # fmt: skip
        elif kind == "bot":
            last_bot = event.get("text") or ""
            lines.append(Line(at, "bot", redact(last_bot)))
        elif kind == "action" and event.get("name") not in (None, "action_listen"):
            name = event["name"]
            lines.append(Line(at, "action", name, fallback=name in FALLBACKS))
        elif kind == "active_loop":
            name = event.get("name")
            lines.append(Line(at, "form", f"form {name} started" if name else "form ended"))
    return lines
