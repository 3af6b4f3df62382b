"""Talk to a person: the action queues the conversation at the real back-office and tells the citizen what next."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from actions import backoffice_api
from actions.handover import ActionNotUnderstood, ActionStartHandover, wait_phrase
from tests.actions.single_turns import run

REVENUE = "100000000000002"


def conversation(sender: str, *turns: tuple[str, str], language: str = "en") -> Tracker:
    """A tracker of alternating citizen and bot messages; each user turn is (text, intent)."""
    events = []
    for text, intent in turns:
        parse = {"text": text, "intent": {"name": intent, "confidence": 0.3}, "entities": []}
        events += [
            {"event": "user", "text": text, "parse_data": parse, "timestamp": 1790000000,
             "metadata": {"whatsapp": {"phone_number_id": REVENUE, "department": "revenue", "wa_id": "919800011122"}}},
            {"event": "bot", "text": f"(answer to {text})", "timestamp": 1790000001},
        ]  # fmt: skip
    latest = {**events[-2]["parse_data"], "metadata": events[-2]["metadata"]}
    return Tracker.from_dict(
        {"sender_id": sender, "slots": {"language": language}, "latest_message": latest, "events": events[:-1],
         "active_loop": {}, "latest_action_name": "action_listen"}
    )  # fmt: skip


async def test_talk_to_a_person_queues_the_conversation_for_the_numbers_department(backoffice_server):
    said, _ = await run(
        ActionStartHandover(), conversation("wa-hand0001", ("agent se baat karao", "talk_to_human"))
    )
    # Nobody has the inbox open in this test: the citizen is told so, and the conversation waits in the queue.
    assert [m["response"] for m in said] == ["utter_handover_no_officer"]
    with sqlite3.connect(backoffice_server["database"]) as db:
        department, status = db.execute(
            "SELECT department_code, status FROM handovers WHERE conversation = 'wa-hand0001'"
        ).fetchone()
        transcript = [r[0] for r in db.execute(
            "SELECT author FROM handover_messages m JOIN handovers h ON h.id = m.handover_id "
            "WHERE h.conversation = 'wa-hand0001' ORDER BY m.id")]  # fmt: skip
    assert (department, status) == ("revenue", "waiting")
    assert transcript == ["citizen", "system"]  # what the citizen wrote, then the handover itself


async def test_one_miss_is_an_apology_and_the_second_in_a_row_hands_over(backoffice_server):
    once = conversation("wa-hand0002", ("asdf qwer", "nlu_fallback"))
    said, _ = await run(ActionNotUnderstood(), once)
    assert [m["response"] for m in said] == ["utter_default"]
    twice = conversation("wa-hand0002", ("asdf qwer", "nlu_fallback"), ("zxcv", "nlu_fallback"))
    said, _ = await run(ActionNotUnderstood(), twice)
    assert [m["response"] for m in said] == ["utter_not_understood_twice", "utter_handover_no_officer"]


async def test_a_miss_after_an_understood_message_is_only_an_apology(backoffice_server):
    tracker = conversation(
        "wa-hand0003", ("asdf", "nlu_fallback"), ("status", "check_status"), ("zxcv", "nlu_fallback")
    )
    said, _ = await run(ActionNotUnderstood(), tracker)
    assert [m["response"] for m in said] == ["utter_default"]


async def test_an_unreachable_back_office_gets_a_polite_try_later():
    backoffice_api.backoffice.settings = backoffice_api.Settings("http://127.0.0.1:9", "x", timeout=2)
    await backoffice_api.backoffice.close()
    said, _ = await run(
        ActionStartHandover(), conversation("wa-hand0004", ("talk to a person", "talk_to_human"))
    )
    assert [m["response"] for m in said] == ["utter_handover_unavailable"]


@pytest.mark.parametrize(
    ("minutes", "language", "expected"),
    [
        (1, "en", "The expected wait is about 1 minute."),
        (5, "en", "The expected wait is about 5 minutes."),
        (1, "hi", "लगभग 1 मिनट का इंतज़ार है।"),
    ],
)
async def test_the_expected_wait_reads_right_in_either_language(minutes, language, expected):
    # It once read "about 1 minutes".
    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
    tracker = DialogueStateTracker.from_events("c", [SlotSet("language", language)], domain.slots)
    message = await TemplatedNaturalLanguageGenerator(domain.responses).generate(
        "utter_handover_queued",
        tracker,
        "whatsapp",
        department="Revenue",
        wait=wait_phrase(minutes, language),
    )
    assert expected in message["text"]
