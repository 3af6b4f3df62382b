"""Checks action-server answers against Rasa's schema with a validator built once, not once per answer.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate`, which checks the schema itself
and builds a validator on every call: about a tenth of a bot turn under load (py-spy, README). The check stays
the same (same schema, same errors); only the validator is kept.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Validator, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def answer_validator() -> Validator:
    """The validator of Rasa's action-server answer schema, checked and built once per process."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(action: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check of one answer, raising the same ValidationError with the same hint."""
    error = best_match(answer_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Use the kept validator for every remote action of this process."""
    RemoteAction._validate_action_result = validate_action_result
