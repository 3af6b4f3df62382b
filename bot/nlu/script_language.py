"""Marks a message written in Devanagari as Hindi, so the reply language follows the script."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.untrained import UntrainedComponent

DEVANAGARI = range(0x0900, 0x0980)


def devanagari_share(text: str) -> float:
    """Return the share of letters in `text` that are Devanagari (0.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha() or ord(c) in DEVANAGARI]
    if not letters:
        return 0.0
    return sum(ord(c) in DEVANAGARI for c in letters) / len(letters)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ScriptLanguageDetector(UntrainedComponent):
    """Adds the entity `language: hi` to messages that are mostly Devanagari."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Tag Devanagari messages; payload messages never reach NLU components."""
        for message in messages:
            text = message.get(TEXT) or ""
            if devanagari_share(text) >= 0.5:
                entity = {
                    "entity": "language",
                    "value": "hi",
                    "start": 0,
                    "end": len(text),
                    "extractor": self.__class__.__name__,
                }
                message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
