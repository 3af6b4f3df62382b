"""Which messages reach the trainer inbox, with what, and that the save queues them in the same round trip."""

from __future__ import annotations

import json

import pytest
import redis
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.misunderstood import CaptureRules, entries, is_correction
from bot.tracker_store import SessionRedisTrackerStore
from tests.servers import ROOT
from trainer_capture.contract import CAPTURE_KEY
from trainer_capture.names import name_questions

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
RULES = CaptureRules(threshold=0.7, name_questions=("What is the child's full name?",))


def said(text: str, intent: str, confidence: float, *others: tuple[str, float], message_id: str = "wamid.1"):
    ranking = [{"name": intent, "confidence": confidence}, *({"name": n, "confidence": c} for n, c in others)]
    return UserUttered(
        text,
        intent={"name": intent, "confidence": confidence},
        parse_data={"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking},
        message_id=message_id,
    )


def turn(user: UserUttered, action: str, reply: str = "ok") -> list:
    return [user, ActionExecuted(action), BotUttered(reply), ActionExecuted(ACTION_LISTEN_NAME)]


def captured(events: list, first_new: int = 0) -> list[dict]:
    return [json.loads(e) for e in entries("wa-1", events, first_new, RULES)]


def test_a_fallback_is_kept_with_the_classifiers_own_guess_and_three_alternatives():
    events = [
        BotUttered("Which service do you need?"),
        *turn(
            said("my aadhaar 2345 6789 0124 kho gaya", "nlu_fallback", 0.55,
                 ("apply_service", 0.41), ("help", 0.2), ("check_status", 0.1), ("greet", 0.05), ("thank", 0.01)),
            "utter_default",
        ),
    ]  # fmt: skip
    [entry] = captured(events)
    assert entry["reason"] == "fallback"
    assert entry["text"] == "my aadhaar <AADHAAR> kho gaya"
    assert (entry["intent"], entry["confidence"]) == ("apply_service", 0.41)
    assert [a["intent"] for a in entry["alternatives"]] == ["help", "check_status", "greet"]
    assert entry["previous_question"] == "Which service do you need?"
    assert entry["style"] == "hinglish"
    assert (entry["conversation"], entry["message_id"]) == ("wa-1", "wamid.1")


def test_low_confidence_is_kept_and_a_confident_message_or_a_tap_is_not():
    events = [
        *turn(said("birth certificate", "apply_service", 0.97), "action_start_application"),
        *turn(said("/main_menu", "main_menu", 1.0), "utter_main_menu"),
        *turn(said("certificate kab tak", "ask_deadline", 0.62, ("check_status", 0.3)), "action_answer"),
    ]
    [entry] = captured(events)
    assert (entry["reason"], entry["text"], entry["intent"]) == (
        "low_confidence",
        "certificate kab tak",
        "ask_deadline",
    )


def test_only_the_turns_new_events_are_looked_at():
    old = turn(said("kuch bhi", "nlu_fallback", 0.5, ("greet", 0.3)), "utter_default")
    new = turn(said("hello", "greet", 0.99), "utter_greet")
    assert captured(old + new, first_new=len(old)) == []


def test_a_correction_keeps_the_message_it_corrects():
    events = [
        *turn(said("income proof chahiye", "check_status", 0.81), "action_status", "Your applications: ..."),
        *turn(said("no, I meant income certificate", "deny", 0.9, message_id="wamid.2"), "utter_ok"),
    ]
    [entry] = captured(events, first_new=4)
    assert (entry["reason"], entry["text"], entry["intent"]) == (
        "correction",
        "income proof chahiye",
        "check_status",
    )
    assert is_correction("nahi, mera matlab birth certificate")
    assert is_correction("इनमें से कोई नहीं")
    assert is_correction("none of these")
    assert not is_correction("no")
    assert not is_correction("I have no income certificate")


def test_asking_for_a_person_keeps_the_message_before_it_as_a_handover():
    events = [
        *turn(said("pension ka paisa nahi aaya", "check_payment", 0.75), "action_payment"),
        *turn(said("talk to a human", "talk_to_human", 0.99, message_id="wamid.2"), "utter_handover"),
    ]
    [entry] = captured(events, first_new=4)
    assert (entry["reason"], entry["text"]) == ("handover", "pension ka paisa nahi aaya")


def test_a_form_answer_is_no_misunderstanding_unless_the_bot_fell_back_and_a_name_answer_is_redacted():
    question = "What is the child's full name?"
    events = [
        ActiveLoop("application_form"),
        BotUttered(f"1/6 {question}"),
        *turn(said("12 March 2024", "inform", 0.4), "application_form"),
        BotUttered(f"2/6 {question}"),
        *turn(said("Aarav Sharma", "nlu_fallback", 0.5, ("inform", 0.45)), "utter_default"),
    ]
    [entry] = captured(events)
    assert (entry["reason"], entry["text"], entry["active_form"]) == (
        "fallback",
        "<NAME>",
        "application_form",
    )


def test_the_catalog_supplies_its_name_questions_in_both_languages():
    questions = name_questions()
    assert "What is the child's full name?" in questions
    assert "बच्चे का पूरा नाम क्या है?" in questions


@pytest.fixture
def store(redis_url):
    host, port = redis_url.removeprefix("redis://").split("/")[0].split(":")
    client = redis.Redis(host=host, port=int(port), db=4)
    client.flushdb()
    yield SessionRedisTrackerStore(DOMAIN, host=host, port=int(port), db=4, key_prefix="seva"), client
    client.flushdb()


async def test_saving_a_turn_queues_its_misunderstood_message_once(store):
    store, client = store
    tracker = DialogueStateTracker.from_events(
        "wa-1", turn(said("mujhe kuch chahiye 9811122233", "nlu_fallback", 0.5, ("help", 0.4)), "utter_default"),
        DOMAIN.slots,
    )  # fmt: skip
    await store.save(tracker)
    tracker = await store.retrieve("wa-1")
    for event in turn(said("hello", "greet", 0.99), "utter_greet"):
        tracker.update(event)
    await store.save(tracker)

    [entry] = [json.loads(e) for e in client.lrange(CAPTURE_KEY, 0, -1)]
    assert entry["text"] == "mujhe kuch chahiye <PHONE>"
