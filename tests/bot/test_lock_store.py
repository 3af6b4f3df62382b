"""The conversation lock against a real Redis: turns never overlap across threads, go in order, and survive a dead holder."""

from __future__ import annotations

import asyncio
import threading
import time
from urllib.parse import urlsplit

import pytest
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from tests.bot.round_trips import RoundTrips

_conversations = iter(range(10_000))


def endpoint(redis_url: str) -> EndpointConfig:
    parts = urlsplit(redis_url)
    return EndpointConfig(url=parts.hostname, port=parts.port, db=3, key_prefix="test")


@pytest.fixture
def conversation() -> str:
    return f"wa-lock-{next(_conversations)}"


def hammer(store, conversation: str, turns: int, threads: int) -> tuple[int, list[str]]:
    """Several threads, each with its own event loop, take turns on one conversation; return overlaps and errors."""
    inside, overlaps, errors = [0], [0], []
    guard = threading.Lock()

    async def turns_of_one_thread():
        for _ in range(turns):
            try:
                async with store.lock(conversation):
                    with guard:
                        inside[0] += 1
                        overlaps[0] += inside[0] > 1
                    await asyncio.sleep(0.001)  # a turn awaits I/O while it holds the lock
                    with guard:
                        inside[0] -= 1
            except LockError as error:
                errors.append(str(error))

    workers = [threading.Thread(target=asyncio.run, args=(turns_of_one_thread(),)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return overlaps[0], errors


def test_turns_from_two_threads_never_overlap_nor_fail(redis_url, conversation):
    # Rasa's RedisLockStore, in this same test, lets turns overlap or fails them with "Could not acquire lock".
    overlaps, errors = hammer(AtomicRedisLockStore(endpoint(redis_url)), conversation, turns=60, threads=2)
    assert (overlaps, errors) == (0, [])


def test_rasas_own_redis_lock_store_loses_tickets_in_the_same_race(redis_url, conversation):
    """Why the atomic store exists: the same load breaks Rasa's store (kept to notice when an upgrade fixes it)."""
    parts = urlsplit(redis_url)
    rasa_store = RedisLockStore(host=parts.hostname, port=parts.port, db=4, key_prefix="rasa")
    rasa_store_lifetime = 2  # seconds, so a lost ticket shows up as an error quickly

    class Short(RedisLockStore):
        def lock(self, conversation_id, lock_lifetime=rasa_store_lifetime, wait_time_in_seconds=0.001):
            return super().lock(conversation_id, lock_lifetime, wait_time_in_seconds)

    rasa_store.__class__ = Short
    overlaps, errors = hammer(rasa_store, conversation, turns=60, threads=2)
    assert overlaps or errors


async def test_turns_go_first_come_first_served(redis_url, conversation):
    store = AtomicRedisLockStore(endpoint(redis_url))
    order: list[int] = []

    async def turn(number: int):
        async with store.lock(conversation):
            order.append(number)
            await asyncio.sleep(0.01)

    tasks = []
    for number in range(5):
        tasks.append(asyncio.create_task(turn(number)))
        await asyncio.sleep(0.005)  # each takes its ticket before the next
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]


async def test_a_holder_that_died_is_skipped_once_its_ticket_expires(redis_url, conversation):
    store = AtomicRedisLockStore(endpoint(redis_url))
    seq, queue = store._keys(conversation)
    store._take(keys=[seq, queue], args=[300])  # a turn that took the lock and was killed: never returned
    started = time.monotonic()
    async with store.lock(conversation):
        waited = time.monotonic() - started
    assert 0.2 < waited < 2.0


async def test_an_uncontended_turn_takes_and_returns_its_ticket_in_two_round_trips(
    redis_url, conversation, monkeypatch
):
    store = AtomicRedisLockStore(endpoint(redis_url))
    async with store.lock(conversation):  # loads the scripts into Redis once
        pass
    trips = RoundTrips(monkeypatch, store.red)
    async with store.lock(conversation):
        assert trips.count == 1
    assert trips.count == 2
