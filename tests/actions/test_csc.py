"""At a CSC counter the actions act for the citizen named by the chat token and never offer WhatsApp payments."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions import consent
from actions.application_lifecycle import ActionFinishApplication
from actions.consent import ActionOptIn, ActionOptOut, offer_updates
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


async def test_start_and_stop_at_a_counter_record_no_whatsapp_consent_and_say_updates_go_by_sms(double):
    for action, text, intent in ((ActionOptIn(), "START", "opt_in"), (ActionOptOut(), "STOP", "opt_out")):
        said, _ = await run(action, at_counter(text, intent, language="hi"))
        assert "एसएमएस" in said[0]["text"] and "utter_privacy_notice" not in str(said)
    english, _ = await run(ActionOptIn(), at_counter("START", "opt_in"))
    assert "by SMS" in english[0]["text"]
    assert [call for call in double.calls if "consent" in call[1]] == []


async def test_a_first_application_at_a_counter_is_not_offered_whatsapp_updates(monkeypatch):
    async def first_timer(citizen):
        return {"consent": {"updates": False}}

    async def one_application(citizen):
        return [{"number": "DL-MCD-2026-000001"}]

    monkeypatch.setattr(consent.backoffice, "citizen", first_timer)
    monkeypatch.setattr(consent.backoffice, "applications", one_application)
    on_whatsapp, at_the_counter = CollectingDispatcher(), CollectingDispatcher()
    await offer_updates(on_whatsapp, tracker("/affirm", "affirm"))
    await offer_updates(at_the_counter, at_counter("/affirm", "affirm"))
    assert [m["response"] for m in on_whatsapp.messages] == ["utter_get_updates"]
    assert at_the_counter.messages == []  # its updates reach the citizen by SMS anyway
