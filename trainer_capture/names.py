"""The catalog's questions that ask for a person's name: an answer to one is a name and is never kept."""

from __future__ import annotations

from functools import lru_cache

from catalog.loader import load_catalog


@lru_cache(maxsize=1)
def name_questions() -> tuple[str, ...]:
    """Every name question of the catalog, in both languages."""
    return tuple(
        question
        for service in load_catalog().values()
        for f in service.fields
        if f.type == "name"
        for question in (f.question.get("en"), f.question.get("hi"))
        if question
    )


def asks_for_name(bot_text: str | None, questions: tuple[str, ...]) -> bool:
    """Whether the bot's message carries one of the name questions."""
    return bool(bot_text) and any(q in bot_text for q in questions)
