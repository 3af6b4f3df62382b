"""START shows the notice and only the tap consents; STOP per purpose at once; against the real back-office."""

from __future__ import annotations

import json

from actions.backoffice_api import backoffice
from actions.consent import ActionOptIn, ActionOptOut, ActionSnoozeReminder
from tests.actions.single_turns import run, tracker

WHATSAPP = {"whatsapp": {"wamid": "wamid.HBgM-consent-1", "wa_id": "919811100001", "phone_number_id": "1"}}


def with_wamid(t):
    t.latest_message["metadata"] = WHATSAPP
    return t


def agree_payload(said: dict) -> tuple[str, dict]:
    """The "I agree" button as Rasa fills it from the response's variables."""
    entities = {"notice_version": said["notice_version"], "campaign": said["campaign"],
                "consent_purpose": said["consent_purpose"]}  # fmt: skip
    return "/opt_in" + json.dumps(entities), entities


async def standing(citizen: str) -> dict:
    profile = await backoffice.citizen(citizen)
    return profile["consent"] if profile else {}


async def test_start_from_a_qr_poster_shows_the_notice_then_the_tap_consents_and_stop_per_purpose():
    citizen = "wa-consent-actions-1"
    said, _ = await run(ActionOptIn(), tracker("START REVCAMP1", "opt_in", sender=citizen))
    [notice] = said
    assert notice["response"] == "utter_privacy_notice" and notice["campaign"] == "REVCAMP1"
    assert "WhatsApp number" in notice["notice"] and "Grievance Officer" in notice["notice"]
    assert await standing(citizen) == {}  # shown, not yet agreed: nothing recorded

    text, entities = agree_payload(notice)
    said, _ = await run(ActionOptIn(), with_wamid(tracker(text, "opt_in", entities, sender=citizen)))
    assert [m["response"] for m in said] == ["utter_opt_in"]  # an unknown campaign: no department's news
    assert await standing(citizen) == {"updates": True, "reminders": True, "broadcasts": []}

    stop_these = '/opt_out{"consent_purpose": "reminders"}'
    said, _ = await run(
        ActionOptOut(), tracker(stop_these, "opt_out", {"consent_purpose": "reminders"}, sender=citizen)
    )
    assert [m["response"] for m in said] == ["utter_opt_out_reminders"]
    assert await standing(citizen) == {"updates": True, "reminders": False, "broadcasts": []}

    said, _ = await run(ActionOptOut(), tracker("band karo", "opt_out", sender=citizen))
    assert [m["response"] for m in said] == ["utter_opt_out"]
    assert await standing(citizen) == {"updates": False, "reminders": False, "broadcasts": []}


async def test_the_notice_is_in_hindi_for_a_hindi_speaker_and_a_typed_payload_does_not_consent():
    citizen = "wa-consent-actions-2"
    said, _ = await run(ActionOptIn(), tracker("start karo", "opt_in", language="hi", sender=citizen))
    assert said[0]["campaign"] == "" and "व्हाट्सऐप नंबर" in said[0]["notice"]
    # The channel strips a typed "/", so a citizen typing the payload's words is shown the notice again.
    typed = 'opt_in{"notice_version": "2026-12"}'
    said, _ = await run(
        ActionOptIn(), tracker(typed, "opt_in", {"notice_version": "2026-12"}, sender=citizen)
    )
    assert said[0]["response"] == "utter_privacy_notice" and await standing(citizen) == {}


async def test_the_updates_button_asks_only_for_updates():
    citizen = "wa-consent-actions-3"
    tap = '/opt_in{"consent_purpose":"updates"}'
    said, _ = await run(ActionOptIn(), tracker(tap, "opt_in", {"consent_purpose": "updates"}, sender=citizen))
    assert "Reminders" not in said[0]["notice"] and said[0]["consent_purpose"] == "updates"
    text, entities = agree_payload(said[0])
    said, _ = await run(ActionOptIn(), tracker(text, "opt_in", entities, sender=citizen))
    assert [m["response"] for m in said] == ["utter_opt_in_updates"]
    assert await standing(citizen) == {"updates": True, "reminders": False, "broadcasts": []}


async def test_snoozing_a_reminder_that_is_not_theirs_or_gone_is_answered_politely():
    said, _ = await run(
        ActionSnoozeReminder(),
        tracker('/reminder_snooze{"reminder":"987"}', "reminder_snooze", {"reminder": "987"}),
    )
    assert [m["response"] for m in said] == ["utter_reminder_gone"]
