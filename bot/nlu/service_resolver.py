"""Rasa NLU component that adds the entity `service`, valued with the catalog id, to messages that name a service."""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.service_matcher import ServiceMatcher
from bot.nlu.untrained import UntrainedComponent
from catalog import load_catalog

SERVICE_ENTITY = "service"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ServiceResolver(UntrainedComponent):
    """Resolves service names, however spelt, to catalog ids using the catalog's synonyms."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`catalog_dir`: where the service files are; by default `SEVA_CATALOG_DIR` or `data/services`."""
        return {"catalog_dir": None}

    def __init__(self, matcher: ServiceMatcher):
        self._matcher = matcher

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ServiceResolver:
        """Build the matcher from the catalog; the catalog is read when the model loads, so edits need no retraining."""
        return cls(ServiceMatcher(load_catalog(config.get("catalog_dir"))))

    def process(self, messages: list[Message]) -> list[Message]:
        """Add one `service` entity to each message that names a service."""
        for message in messages:
            match = self._matcher.find(message.get(TEXT) or "")
            if match is None:
                continue
            others = [e for e in message.get(ENTITIES, []) if e.get("entity") != SERVICE_ENTITY]
            entity = {
                "entity": SERVICE_ENTITY,
                "value": match.service_id,
                "start": match.start,
                "end": match.end,
                "confidence_entity": round(match.score / 100, 3),
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*others, entity], add_to_output=True)
        return messages
