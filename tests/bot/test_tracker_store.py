"""The session tracker store: a turn reads the current session only, a save appends, history stays available."""

from __future__ import annotations

import time

import pytest
import redis
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import SessionRedisTrackerStore
from tests.bot.round_trips import RoundTrips
from tests.servers import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def session(n_turns: int, at: float, language: str = "hi") -> list:
    """One visit: session start (with the carried-over language), then `n_turns` turns of 4 events."""
    events = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=at),
        SessionStarted(timestamp=at),
        SlotSet("language", language, timestamp=at),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=at),
    ]
    for turn in range(n_turns):
        t = at + turn + 1
        events += [
            UserUttered(f"message {turn}", timestamp=t),
            BotUttered(f"answer {turn}", timestamp=t),
            ActionExecuted("utter_answer", timestamp=t),
            ActionExecuted(ACTION_LISTEN_NAME, timestamp=t),
        ]
    return events


@pytest.fixture
def stores(redis_url):
    host, port = redis_url.removeprefix("redis://").split("/")[0].split(":")
    client = redis.Redis(host=host, port=int(port), db=3)
    client.flushdb()
    ours = SessionRedisTrackerStore(DOMAIN, host=host, port=int(port), db=3, key_prefix="seva")
    rasas = RedisTrackerStore(DOMAIN, host=host, port=int(port), db=3, key_prefix="seva")
    yield ours, rasas, client
    client.flushdb()


async def test_a_returning_citizen_reads_only_the_current_session_and_keeps_the_history(stores):
    store, _, _ = stores
    month = 30 * 24 * 3600
    history = [e for visit in range(12) for e in session(25, time.time() - (12 - visit) * month)]
    assert len(history) > 1000
    await store.save(DialogueStateTracker.from_events("citizen", history, DOMAIN.slots))

    tracker = await store.retrieve("citizen")
    assert len(tracker.events) == 104  # one visit, not a year of them
    assert tracker.get_slot("language") == "hi"
    assert len((await store.retrieve_full_tracker("citizen")).events) == len(history)


async def test_a_turn_appends_only_its_new_events(stores):
    store, _, client = stores
    await store.save(
        DialogueStateTracker.from_events("citizen", session(3, time.time() - 3600), DOMAIN.slots)
    )
    before = client.llen("seva:events:citizen")

    tracker = await store.retrieve("citizen")
    tracker.update(UserUttered("status"))
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    await store.save(tracker)

    assert client.llen("seva:events:citizen") == before + 2
    assert [e.get("text") for e in (await store.retrieve("citizen")).as_dialogue().as_dict()["events"]][
        -2
    ] == "status"


async def test_a_new_session_becomes_what_the_next_turn_reads(stores):
    store, _, _ = stores
    await store.save(
        DialogueStateTracker.from_events("citizen", session(5, time.time() - 86400), DOMAIN.slots)
    )
    tracker = await store.retrieve("citizen")
    for event in session(1, time.time(), language="en"):
        tracker.update(event)
    await store.save(tracker)

    current = await store.retrieve("citizen")
    assert len(current.events) == 8
    assert current.get_slot("language") == "en"


async def test_a_tracker_that_differs_from_the_stored_session_replaces_that_session_only(stores):
    store, _, _ = stores
    old = session(2, time.time() - 86400)
    await store.save(DialogueStateTracker.from_events("citizen", old, DOMAIN.slots))
    await store.save(
        DialogueStateTracker.from_events("citizen", session(3, time.time() - 86400), DOMAIN.slots)
    )
    assert len((await store.retrieve("citizen")).events) == 16
    assert len((await store.retrieve_full_tracker("citizen")).events) == 16


async def test_a_conversation_kept_by_rasas_own_redis_store_is_converted_on_first_read(stores):
    store, rasas, client = stores
    events = session(2, time.time() - 86400 * 40) + session(1, time.time() - 60)
    await rasas.save(DialogueStateTracker.from_events("old-citizen", events, DOMAIN.slots))
    assert client.exists("seva:tracker:old-citizen")

    assert len((await store.retrieve("old-citizen")).events) == 8
    assert len((await store.retrieve_full_tracker("old-citizen")).events) == len(events)
    assert not client.exists("seva:tracker:old-citizen")
    assert list(await store.keys()) == ["old-citizen"]


async def test_an_unknown_citizen_has_no_tracker(stores):
    store, _, _ = stores
    assert await store.retrieve("nobody") is None


async def test_events_past_the_retention_period_go_at_the_next_save_but_never_the_current_session(redis_url):
    host, port = redis_url.removeprefix("redis://").split("/")[0].split(":")
    client = redis.Redis(host=host, port=int(port), db=4)
    client.flushdb()
    store = SessionRedisTrackerStore(
        DOMAIN, host=host, port=int(port), db=4, key_prefix="seva", retention_days=180
    )
    day = 24 * 3600
    now = time.time()
    old, recent = session(3, now - 200 * day), session(3, now - 10 * day)
    await store.save(DialogueStateTracker.from_events("citizen", old + recent, DOMAIN.slots))
    assert client.llen("seva:events:citizen") == len(old + recent)
    tracker = await store.retrieve("citizen")
    tracker.update(UserUttered("hello again", timestamp=now))
    await store.save(tracker)  # the citizen's next turn: the visit 200 days ago goes
    full = await store.retrieve_full_tracker("citizen")
    assert len(full.events) == len(recent) + 1 and full.events[-1].text == "hello again"
    assert (await store.retrieve("citizen")).get_slot("language") == "hi"  # the session still starts right

    lonely = session(2, now - 400 * day)  # a single visit long ago: it is the current session, kept
    await store.save(DialogueStateTracker.from_events("quiet", lonely, DOMAIN.slots))
    tracker = await store.retrieve("quiet")
    tracker.update(UserUttered("still here", timestamp=now))
    await store.save(tracker)
    assert client.llen("seva:events:quiet") == len(lonely) + 1
    client.flushdb()


async def test_an_aadhaar_number_typed_by_the_citizen_is_stored_masked(stores):
    from catalog.validation import verhoeff_check_digit

    store, _, client = stores
    number = "23456789012" + verhoeff_check_digit("23456789012")
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    events = session(0, time.time()) + [
        UserUttered(
            f"my aadhaar is {spaced}",
            parse_data={"text": spaced, "intent": {"name": "inform"}},
            metadata={"whatsapp": {"wa_id": "919800000100"}},
        ),
        SlotSet("answers", {"aadhaar": number}),
    ]
    await store.save(DialogueStateTracker.from_events("citizen", events, DOMAIN.slots))
    stored = b"".join(client.lrange("seva:events:citizen", 0, -1)).decode()
    assert number not in stored and spaced not in stored
    assert f"XXXX-XXXX-{number[-4:]}" in stored
    assert "919800000100" in stored  # the channel's ids in the metadata are not typed text: left alone
    tracker = await store.retrieve("citizen")
    tracker.update(UserUttered("next", timestamp=time.time()))
    await store.save(tracker)  # the masked events still count as the stored ones: appended, not rewritten
    assert client.llen("seva:events:citizen") == len(events) + 1


async def test_a_returning_citizens_turn_costs_two_round_trips_to_redis(stores, monkeypatch):
    store, _, _ = stores
    month = 30 * 24 * 3600
    history = [e for visit in range(12) for e in session(25, time.time() - (12 - visit) * month)]
    await store.save(DialogueStateTracker.from_events("citizen", history, DOMAIN.slots))
    warm = await store.retrieve("citizen")  # loads the scripts into Redis once
    warm.update(UserUttered("warm up"))
    await store.save(warm)

    trips = RoundTrips(monkeypatch, store.red)
    tracker = await store.retrieve("citizen")
    tracker.update(UserUttered("status"))
    tracker.update(BotUttered("Your application is with the officer"))
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    await store.save(tracker)

    assert trips.count == 2  # was 8: a turn's Redis calls set the pace under load (issue 13)
    full = await store.retrieve_full_tracker("citizen")
    assert len(full.events) == len(history) + 4
    assert [e.text for e in list(full.events)[-3:] if isinstance(e, UserUttered)] == ["status"]


async def test_a_tracker_whose_stored_list_moved_meanwhile_is_saved_the_long_way_without_loss(stores):
    store, _, client = stores
    await store.save(DialogueStateTracker.from_events("citizen", session(2, time.time() - 60), DOMAIN.slots))
    first = await store.retrieve("citizen")
    second = await store.retrieve("citizen")
    first.update(UserUttered("first"))
    await store.save(first)
    second.update(UserUttered("second"))
    await store.save(
        second
    )  # read before `first` was saved: its append is refused, then it replaces the session

    texts = [e.text for e in (await store.retrieve("citizen")).events if isinstance(e, UserUttered)]
    assert texts[-1] == "second"
    assert client.llen("seva:events:citizen") == len(session(2, 0)) + 1
