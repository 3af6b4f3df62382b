"""Words the citizen gets on a status change, from `messages.yaml`: a free text, or a template's parameters."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from catalog.model import known_language

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")


@dataclass(frozen=True)
class StatusMessage:
    """One notification, ready to send either way: `text` in the window, `template` + `parameters` outside.

    `buttons` are (payload, title) reply buttons: with the text inside the window, as the template's quick
    replies outside it.
    """

    language: str
    text: str
    template: str
    parameters: tuple[str, ...]
    buttons: tuple[tuple[str, str], ...] = ()


@lru_cache(maxsize=1)
def _messages() -> dict[str, Any]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def notifiable_statuses() -> tuple[str, ...]:
    """The statuses the citizen is told about."""
    return tuple(_messages()["statuses"])


def compose(status: str, language: str, facts: dict[str, str]) -> StatusMessage | None:
    """The message for `status` in `language` (English when unknown), or None when nobody is told of it.

    `facts` fills the placeholders (number, service, status, reason, query, decision_by); a missing one
    becomes "-" so a gap in the data never stops the citizen hearing the news.
    """
    data = _messages()
    texts = data["statuses"].get(status)
    if texts is None:
        return None
    language = known_language(language, "en")
    values = _Defaulting({k: v for k, v in facts.items() if v})
    if status == "query_raised":
        query = data["query"]
        return StatusMessage(
            language=language,
            text=texts[language].format_map(values),
            template=query["template"],
            parameters=tuple(p.format_map(values) for p in query["parameters"]),
            buttons=tuple((b["payload"].format_map(values), b[language]) for b in query["buttons"]),
        )
    template = data["template"]
    return StatusMessage(
        language=language,
        text=texts[language].format_map(values),
        template=template["name"],
        parameters=tuple(p.format_map(values) for p in template["parameters"]),
    )


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "-"
