"""After submission, in chat: withdrawing an application and answering an officer's query (issue 14), against a real back-office."""

from __future__ import annotations

import itertools
import json
import sqlite3
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.query_answer import (
    ActionAskQueryReply,
    ActionFinishQueryAnswer,
    ActionStartQueryAnswer,
    ValidateQueryAnswerForm,
)
from actions.withdrawal import ActionConfirmWithdraw, ActionWithdrawApplication
from catalog import load_catalog
from tests.actions.conftest import DOMAIN, Conversation, upload_photo
from tests.actions.sample_answers import sample_answer

SERVICE = load_catalog()["income_certificate"]
_citizens = itertools.count(1)


@pytest.fixture
def citizen() -> str:
    """A fresh pseudonymous sender id per test."""
    return f"wa-loop{next(_citizens):04d}"


async def submitted(citizen: str, server: dict[str, str]) -> str:
    """An income certificate application submitted through the form; its number."""
    chat = Conversation(citizen)
    await chat.tap("apply_service", service=SERVICE.id)
    for field in SERVICE.fields:
        if field.options:
            await chat.tap("inform", option=field.options[0].value)
        else:
            await chat.say(sample_answer(SERVICE, field, "en"))
    await chat.tap("affirm")
    for _ in SERVICE.documents:
        await chat.tap("document_received", document_id=upload_photo(server, citizen))
    return chat.last("utter_application_submitted")["number"]


def officer_asks(server: dict[str, str], number: str, question: str) -> None:
    """The officer's raised query, as the back-office stores it (the officer's screen is tested there)."""
    with sqlite3.connect(server["database"]) as db:
        db.execute(
            "UPDATE applications SET status = 'query_raised', query_text = ? WHERE number = ?",
            (question, number),
        )


def status_of(server: dict[str, str], number: str) -> str:
    with sqlite3.connect(server["database"]) as db:
        return db.execute("SELECT status FROM applications WHERE number = ?", (number,)).fetchone()[0]


class Chat:
    """One citizen's turns outside the application form: the latest message, slots kept between actions."""

    def __init__(self, citizen: str):
        self.citizen = citizen
        self.slots: dict[str, Any] = {"language": "en", "language_chosen": True}
        self.message: dict[str, Any] = {}
        self.loop: str | None = None

    def write(self, text: str, intent: str = "inform", **entities: Any) -> None:
        """The citizen's next message (a tap when `text` starts with "/")."""
        self.message = {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0 if text.startswith("/") else 0.95},
            "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        }

    def tap(self, intent: str, **entities: Any) -> None:
        """Tap a button whose payload is `/intent{entities}`."""
        self.write("/" + intent + (json.dumps(entities) if entities else ""), intent, **entities)

    async def run(self, action) -> list[dict[str, Any]]:
        """Run one action on the latest message; apply its slots; return what it said."""
        tracker = Tracker.from_dict({
            "sender_id": self.citizen, "slots": dict(self.slots), "latest_message": self.message,
            "events": [{"event": "user", "text": self.message.get("text"), "parse_data": self.message}],
            "active_loop": {"name": self.loop} if self.loop else {}, "latest_action_name": "action_listen",
        })  # fmt: skip
        dispatcher = CollectingDispatcher()
        for event in await action.run(dispatcher, tracker, DOMAIN):
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        return dispatcher.messages

    async def answer_turn(self) -> list[dict[str, Any]]:
        """What Rasa does with a message while `query_answer_form` runs: validate, then ask or finish."""
        said = await self.run(ValidateQueryAnswerForm())
        if self.slots.get("query_outcome"):
            self.loop = None
            return said + await self.run(ActionFinishQueryAnswer())
        return said + await self.run(ActionAskQueryReply())


def responses(said: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") or "text" for m in said]


async def test_withdraw_lists_confirms_withdraws_and_refuses_a_second_time(citizen, backoffice_server):
    number = await submitted(citizen, backoffice_server)
    chat = Chat(citizen)
    chat.write("withdraw my application", "withdraw_application")
    [listed] = await chat.run(ActionWithdrawApplication())
    assert listed["response"] == "utter_withdraw_choose"
    assert [b["payload"] for b in listed["buttons"]] == [f'/withdraw_application{{"number":"{number}"}}']

    chat.tap("withdraw_application", number=number)
    [confirm] = await chat.run(ActionWithdrawApplication())
    assert confirm["response"] == "utter_withdraw_confirm" and confirm["service_name"] == "Income certificate"
    assert confirm["buttons"][0]["payload"] == f'/confirm_withdraw{{"number":"{number}"}}'

    chat.tap("confirm_withdraw", number=number)
    assert responses(await chat.run(ActionConfirmWithdraw())) == ["utter_withdrawn"]  # nothing was paid
    assert status_of(backoffice_server, number) == "withdrawn"
    assert responses(await chat.run(ActionConfirmWithdraw())) == ["utter_withdraw_already"]
    chat.tap("withdraw_application", number=number)
    assert responses(await chat.run(ActionWithdrawApplication())) == ["utter_withdraw_already"]
    chat.write("withdraw my application", "withdraw_application")
    assert responses(await chat.run(ActionWithdrawApplication())) == ["utter_withdraw_none"]


async def test_nobody_withdraws_someone_elses_application(citizen, backoffice_server):
    number = await submitted(citizen, backoffice_server)
    stranger = Chat(citizen + "-stranger")
    stranger.tap("confirm_withdraw", number=number)
    [refused] = await stranger.run(ActionConfirmWithdraw())
    assert refused["response"] == "utter_application_not_found" and refused["number"] == number
    assert status_of(backoffice_server, number) != "withdrawn"


async def test_a_query_is_answered_with_text_and_a_document_then_sent(citizen, backoffice_server):
    number = await submitted(citizen, backoffice_server)
    officer_asks(backoffice_server, number, "The address proof is unreadable, send a clearer one")
    chat = Chat(citizen)
    chat.tap("answer_query", number=number)
    assert await chat.run(ActionStartQueryAnswer()) == []
    assert chat.slots["query_ready"] is True and chat.slots["query_number"] == number
    chat.loop, chat.slots["requested_slot"] = "query_answer_form", "query_reply"
    [asked] = await chat.run(ActionAskQueryReply())
    assert asked["response"] == "utter_query_ask" and "unreadable" in asked["query"]

    chat.tap("send_query_answer")  # nothing given yet
    assert responses(await chat.answer_turn()) == ["utter_query_empty", "utter_query_ask"]
    chat.write("Ram Prakash Sharma, 12 Shanti Nagar. Sending a clearer copy.", "greet")
    [noted] = await chat.answer_turn()
    assert noted["response"] == "utter_query_part_received" and noted["documents"] == 0
    chat.tap("document_received", document_id=upload_photo(backoffice_server, citizen))
    [noted] = await chat.answer_turn()
    assert noted["documents"] == 1 and noted["text_given"] == "✓"
    chat.write("send", "inform")
    [sent] = await chat.answer_turn()
    assert sent["response"] == "utter_query_sent" and sent["number"] == number
    assert status_of(backoffice_server, number) == "under_review"
    with sqlite3.connect(backoffice_server["database"]) as db:
        note, detail = db.execute(
            "SELECT note, detail FROM application_events WHERE kind = 'query_answer' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert note.startswith("Ram Prakash Sharma") and len(json.loads(detail)["document_ids"]) == 1

    chat.tap("answer_query", number=number)  # an old button, after the answer
    assert responses(await chat.run(ActionStartQueryAnswer())) == ["utter_query_closed"]


async def test_a_query_on_someone_elses_application_is_refused_and_cancel_sends_nothing(
    citizen, backoffice_server
):
    number = await submitted(citizen, backoffice_server)
    officer_asks(backoffice_server, number, "Which ward?")
    stranger = Chat(citizen + "-stranger")
    stranger.tap("answer_query", number=number)
    assert responses(await stranger.run(ActionStartQueryAnswer())) == ["utter_application_not_found"]

    chat = Chat(citizen)
    chat.write("answer query", "answer_query")
    await chat.run(ActionStartQueryAnswer())  # the citizen's only open query
    chat.loop, chat.slots["requested_slot"] = "query_answer_form", "query_reply"
    chat.write("Ward 12", "inform")
    await chat.answer_turn()
    chat.write("रद्द करें", "cancel")
    assert responses(await chat.answer_turn()) == ["utter_query_not_sent"]
    assert status_of(backoffice_server, number) == "query_raised"
    assert chat.slots["query_number"] is None and chat.slots["query_ready"] is False
