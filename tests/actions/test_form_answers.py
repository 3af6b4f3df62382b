"""Inside the form, free text is the answer to the question asked; only explicit commands interrupt (issue 14, item 5)."""

from __future__ import annotations

import itertools

import pytest

from catalog import load_catalog
from tests.actions.conftest import Conversation
from tests.actions.lookalike_answers import ADDRESSES, NAMES
from tests.actions.sample_answers import sample_answer

SERVICE = load_catalog()["death_certificate"]
_citizens = itertools.count(1)


def question_of(chat: Conversation) -> str:
    """The question the bot asked last in this turn (asked again, after "back", with the answer given)."""
    return [m for m in chat.said if "question" in m][-1]["question"]


async def death_certificate_at(field_id: str) -> Conversation:
    """A death certificate application answered up to (not including) the question `field_id`."""
    chat = Conversation(f"wa-lookalike{next(_citizens):04d}")
    await chat.tap("apply_service", service=SERVICE.id)
    for field in SERVICE.fields:
        if field.id == field_id:
            return chat
        if field.options:
            await chat.tap("inform", option=field.options[0].value)
        else:
            await chat.say(sample_answer(SERVICE, field, "en"))
    raise AssertionError(field_id)


async def test_fifty_names_and_addresses_that_read_like_intents_are_taken_as_answers(backoffice_server):
    names = await death_certificate_at("deceased_name")
    for name, lookalike in NAMES:
        await names.say(name, intent=lookalike, confidence=0.99)
        assert "utter_continue_application" not in names.responses(), name
        assert question_of(names) == SERVICE.field("date_of_death").question.en, name
        assert names.slots["answers"]["deceased_name"] == name
        await names.tap("go_back")
        assert question_of(names) == SERVICE.field("deceased_name").question.en

    addresses = await death_certificate_at("address")
    for address, lookalike in ADDRESSES:
        await addresses.say(address, intent=lookalike, confidence=0.99)
        assert question_of(addresses) == SERVICE.field("pincode").question.en, address
        assert addresses.slots["answers"]["address"] == address
        await addresses.say("back", intent="go_back")
        assert question_of(addresses) == SERVICE.field("address").question.en


@pytest.mark.parametrize(
    ("typed", "classified", "response"),
    [("menu", "main_menu", "utter_continue_application"), ("मदद करो", "help", "utter_form_help"),
     ("please cancel", "cancel", "utter_confirm_cancel"), ("रद्द करें", "cancel", "utter_confirm_cancel"),
     ("agent se baat karao", "talk_to_human", "utter_handover_no_officer"),
     ("STOP", "opt_out", "utter_opt_out"), ("peeche", "go_back", "utter_ask_field_again")],
)  # fmt: skip
async def test_explicit_commands_still_interrupt_a_name_question(
    backoffice_server, typed, classified, response
):
    chat = await death_certificate_at("applicant_name")
    await chat.say(typed, intent=classified, confidence=0.99)
    assert response in chat.responses()
    assert "applicant_name" not in (chat.slots["answers"] or {})


async def test_a_side_question_that_is_no_name_is_still_answered(backoffice_server):
    chat = await death_certificate_at("deceased_name")
    await chat.say("what is the fee?", intent="ask_fees", confidence=0.95)
    assert question_of(chat) == SERVICE.field("deceased_name").question.en
    assert "deceased_name" not in (chat.slots["answers"] or {})
    assert chat.responses()[0] != "utter_ask_field"  # the fee was told first
