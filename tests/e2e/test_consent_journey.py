"""Consent on WhatsApp, every process real: START from a poster, the notice, the tap that agrees, STOP."""

from tests.e2e.phone import choice, choices_of, text_of


def test_start_from_a_poster_shows_the_notice_the_tap_agrees_and_stop_withdraws(stack, citizen):
    seq = stack.last_seq(citizen)
    assert stack.say(citizen, "START REVCAMP7")["webhook_status"] == 200
    # The itemised notice is longer than a button message's body: its head comes first as text.
    lead, notice = stack.replies(citizen, seq, expect=2)
    shown = text_of(lead) + text_of(notice)
    assert "WhatsApp number" in shown and "Grievance Officer" in shown and "/privacy" in shown
    [agree] = choices_of(notice)
    assert agree["title"] == "I agree" and '"campaign":"REVCAMP7"' in agree["id"]

    seq = stack.last_seq(citizen)
    stack.tap(citizen, choice(notice, "I agree"))
    [thanks] = stack.replies(citizen, seq)
    assert "You will get reminders and updates" in text_of(thanks)

    seq = stack.last_seq(citizen)
    stack.say(citizen, "STOP")
    [stopped] = stack.replies(citizen, seq)
    assert "will not get reminders or updates" in text_of(stopped)
