"""How the open-loop benchmark finds each message's reply and its duplicates, without starting anything."""

import math
import time

from bench.open_loop import Citizen, Message, Outbox, attribute
from bench.open_loop_report import configuration_lines
from bench.visits import text

PHONE = "919900000000"


def accepted(monkeypatch, *moments: float, kind: str = "text") -> Outbox:
    """An outbox that saw the stand-in accept a send of `kind` to the citizen at each of `moments`."""
    outbox = Outbox()
    for moment in moments:
        monkeypatch.setattr(time, "time", lambda moment=moment: moment)
        outbox({"to": PHONE, "type": kind})
    monkeypatch.undo()
    return outbox


def messages(*posted: float, user_events: list | None) -> list[Message]:
    """The citizen's messages posted at `posted`, each due half a second before; the tracker holds `user_events`."""
    citizen = Citizen(0, PHONE, "wa-test", False, user_events=user_events)
    citizen.messages = [
        Message(i, citizen, text("Hi"), at - 0.5, wamid=f"w{i}", posted=at) for i, at in enumerate(posted)
    ]
    return citizen.messages


def test_a_late_answer_to_the_previous_message_is_not_taken_for_the_next_ones_reply(monkeypatch):
    first, second = messages(100.0, 110.0, user_events=[("w0", 100.1), ("w1", 125.0)])
    attribute([first, second], accepted(monkeypatch, 100.5, 112.0, 125.4))  # 112.0 still answers the first
    assert first.reply == 100.5 and second.reply == 125.4
    assert math.isclose(second.latency, 125.4 - 109.5)


def test_a_message_held_twice_by_the_tracker_is_a_duplicate_and_one_the_bot_never_took_has_no_reply(
    monkeypatch,
):
    twice, never = messages(100.0, 110.0, user_events=[("w0", 100.1), ("w0", 100.9)])
    attribute([twice, never], accepted(monkeypatch, 100.5, 101.2, 111.0))
    assert twice.duplicates == 1 and twice.answered
    assert never.reply is None and not never.answered and math.isinf(never.latency)


def test_documents_are_not_replies_and_without_its_tracker_a_message_is_answered_by_the_next_send(
    monkeypatch,
):
    (message,) = messages(100.0, user_events=None)
    outbox = accepted(monkeypatch, 100.2, kind="document")  # the back-office's acknowledgement PDF
    assert not outbox.replies[PHONE]
    attribute([message], accepted(monkeypatch, 99.0, 100.7))
    assert message.reply == 100.7 and message.duplicates == 0


def test_two_runs_at_one_rate_in_a_session_are_both_drawn():
    # A repeated rate made the plot fail ("'<' not supported between dict and dict") after the run.
    row = {"system": "seva-whatsapp", "rasa_instances": "2", "returning_share": "0.0", "history": "0"}
    rows = [
        {**row, "rate": "40", "new_p50_ms": "61", "new_p95_ms": "699", "new_p99_ms": "2383"},
        {**row, "rate": "20", "new_p50_ms": "29", "new_p95_ms": "53", "new_p99_ms": "201"},
        {**row, "rate": "40", "new_p50_ms": "90", "new_p95_ms": "1420", "new_p99_ms": "2910"},
    ]
    [line] = configuration_lines(rows)
    assert [rate for rate, _ in line.points] == [20, 40, 40]
    assert sorted(point["p95"] for rate, point in line.points if rate == 40) == [0.699, 1.42]
