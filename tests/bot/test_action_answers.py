"""The kept validator judges action-server answers exactly as Rasa's own check does."""

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.action_answers import validate_action_result

ANSWERS = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "language", "value": "hi"}],
        "responses": [{"response": "utter_x"}],
    },
    {"events": [{"event": "followup", "name": "action_listen"}]},
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"events": [{"event": "no_such_event"}]},
    {"responses": [["not", "an", "object"]]},
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_the_kept_validator_agrees_with_rasas_check(answer):
    try:  # what Rasa 3.6's RemoteAction._validate_action_result does, before it adds its hint
        validate(answer, RemoteAction.action_response_format_spec())
        rasas = True
    except ValidationError as error:
        rasas = error.message
    try:
        ours = validate_action_result(RemoteAction("action_x", None), answer)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
        ours = error.message.split(". Failed to validate")[0]
    assert ours == rasas
