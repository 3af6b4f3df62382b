"""The base of Seva's NLU components: Rasa builds them from their configuration alone, untrained and unstored."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class UntrainedComponent(GraphComponent):
    """A graph component that learns nothing in training and keeps nothing in the model; `from_config` builds it."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Rasa's constructor: build the component from its config when the model loads."""
        return cls.from_config(config)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GraphComponent:
        """Build the component; by default it needs nothing from its config."""
        return cls()
