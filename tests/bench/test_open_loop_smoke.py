"""Smoke test of the open-loop benchmark: the whole stack at 10 messages/s for 10 s loses and repeats nothing.

No latency is asserted: the machine is shared and the figures belong to `bench/open_loop.py` runs, not to tests.
"""

import pytest

from bench.open_loop import Config, run


@pytest.mark.slow
def test_ten_messages_a_second_for_ten_seconds_are_all_answered_once(tmp_path):
    config = Config(
        rate=10,
        seconds=10,
        returning_share=0.3,
        history=30,
        session="smoke",
        results=tmp_path,
        runs=tmp_path / "runs",
    )
    summary = run(config)
    assert summary.messages == 100
    assert summary.returning_citizens == 30 and summary.history_events >= 30
    assert summary.lost == 0, f"see the logs in {tmp_path / 'runs'}"
    assert summary.duplicates == 0 and summary.trackers_unread == 0
    assert (tmp_path / "open_loop_summary.csv").exists() and (tmp_path / "open_loop.png").exists()
