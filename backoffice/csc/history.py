"""The CSC chat's earlier messages, so the operator's page shows the conversation again after a reload.

The conversation lives in Rasa's tracker store (Aadhaar numbers already masked there, bot/tracker_store.py). The
back-office reads it server-side with the Rasa token, which never reaches the browser, and only for a session of
the operator's own CSC (the view checks that first).
"""

from __future__ import annotations

from typing import Any

import httpx
from flask import current_app

MESSAGES_SHOWN = 200  # a long session's oldest lines stay in the tracker; the page needs the recent ones
UPLOADS = ("document_received", "document_rejected")  # what the page sends for a scan from the file picker


class HistoryUnavailable(Exception):
    """Rasa could not be reached or refused; the page says so and the chat still works."""


def conversation(sender: str) -> list[dict[str, Any]]:
    """The conversation's messages, oldest first: `{"who": "bot"|"operator", "text", "choices"}`."""
    instance = current_app.config["RASA_INSTANCES"][0]
    token = current_app.config["RASA_TOKEN"]
    try:
        answer = httpx.get(
            f"{instance}/conversations/{sender}/tracker",
            params={"include_events": "ALL", **({"token": token} if token else {})},
            timeout=10,
        )
    except httpx.HTTPError as error:
        raise HistoryUnavailable(type(error).__name__) from error
    if answer.status_code != 200:
        raise HistoryUnavailable(f"Rasa answered {answer.status_code}")
    try:
        events = answer.json().get("events") or []
    except ValueError as error:
        raise HistoryUnavailable("Rasa's answer is not JSON") from error
    return messages(events)[-MESSAGES_SHOWN:]


def messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the page showed: the bot's messages with their choices, the operator's typed texts, a tapped choice by
    its title (its payload is what was sent), an upload as 📎."""
    shown: list[dict[str, Any]] = []
    offered: dict[str, str] = {}  # payload -> title of the choices on offer
    for event in events:
        kind = event.get("event")
        if kind == "bot" and event.get("text"):
            data = event.get("data") or {}
            choices = [
                {"title": str(b["title"]), "payload": str(b["payload"])}
                for b in data.get("buttons") or data.get("quick_replies") or []
                if isinstance(b, dict) and b.get("title") and b.get("payload")
            ]
            offered.update({c["payload"]: c["title"] for c in choices})
            # As Rasa's socket.io output sent it: one message per paragraph, the choices under the last one.
            parts = str(event["text"]).strip().split("\n\n")
            shown += [{"who": "bot", "text": part, "choices": []} for part in parts[:-1]]
            shown.append({"who": "bot", "text": parts[-1], "choices": choices})
        elif kind == "user":
            text = str(event.get("text") or "")
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if not text.startswith("/"):  # typed: the channel strips a typed leading slash
                shown.append({"who": "operator", "text": text, "choices": []})
            elif text in offered:
                shown.append({"who": "operator", "text": offered[text], "choices": []})
            elif intent in UPLOADS:
                shown.append({"who": "operator", "text": "📎 scan", "choices": []})
    return shown
