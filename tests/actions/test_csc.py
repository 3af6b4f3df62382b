"""At a CSC counter the actions act for the citizen named by the chat token and never offer WhatsApp payments."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.application_lifecycle import ActionFinishApplication
from actions.payments import offer_payment, subject
from actions.turn import citizen_of
from tests.actions.single_turns import run, tracker
from tests.actions.test_payments import payment_calls

CSC = {"csc": "DL-CSC-0001", "operator": "csc.operator", "session": 12, "citizen": "ph-0123456789abcdef0123"}


def at_counter(*args, **kwargs):
    """A tracker whose latest message came through the CSC chat (metadata from the verified token)."""
    made = tracker(*args, sender="csc-12", **kwargs)
    made.latest_message["metadata"] = {"csc": CSC}
    return made


async def test_submitting_at_a_counter_asks_for_the_money_instead_of_a_payment_link(double):
    said, slots = await run(
        ActionFinishApplication(),
        at_counter(
            "/affirm", "affirm", form_outcome="submit", draft_id=7, application_service="learner_licence"
        ),
    )
    submit = [body for method, path, body in double.calls if path == "/api/v1/drafts/7/submit"]
    assert submit == [{"citizen": CSC["citizen"]}]  # the citizen's application, not the chat's
    assert payment_calls(double) == []  # no gateway link, no WhatsApp order
    assert said[0]["response"] == "utter_application_submitted_no_deadline"
    assert said[1]["text"].startswith("💵 Collect *₹150* (CSC service charge ₹50 + government fee ₹100)")
    assert slots["draft_id"] is None


async def test_paying_a_fee_from_the_chat_at_a_counter_is_sent_to_the_desk(double):
    dispatcher = CollectingDispatcher()
    events = await offer_payment(
        dispatcher, at_counter("pay", "pay_fee", language="hi"), subject("application", "DL-TRA-2026-000042")
    )
    assert payment_calls(double) == []
    assert "काउंटर" in dispatcher.messages[0]["text"]
    assert events[0]["name"] == "payment_subject" and events[0]["value"] is None


def test_on_whatsapp_the_citizen_is_the_sender():
    assert citizen_of(tracker("hi", "greet", sender="wa-abc")) == "wa-abc"
    assert citizen_of(at_counter("hi", "greet")) == CSC["citizen"]
