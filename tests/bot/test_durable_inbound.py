"""The durable inbound queue: nothing lost on a crash, nothing answered twice, order kept across processes,
a bounded backlog, and a polite word to a citizen whose message waits."""

import asyncio
import os
import signal
import subprocess
import threading
import time

from tests.bot import meta
from tests.bot.conftest import GRAPH_TOKEN, NUMBERS
from tests.servers import ROOT, wait_for_port

CITIZENS = ["919800000101", "919800000102", "919800000103"]


def texts(conversation: list[dict]) -> list[str]:
    return [
        m["body"]["text"]["body"] for m in conversation if m["direction"] == "out" and m["body"].get("text")
    ]


def echo_process(port: int, standin_url: str, redis_url: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WHATSAPP_APP_SECRET": meta.APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": GRAPH_TOKEN,
        "WHATSAPP_GRAPH_URL": standin_url,
        "WHATSAPP_NUMBERS": ",".join(f"{k}:{v}" for k, v in NUMBERS.items()),
        "REDIS_URL": redis_url,
        "SEVA_ID_SALT": "test-salt",
        "WHATSAPP_INBOUND_LEASE_SECONDS": "2",
        "ECHO_SECONDS": "0.15",
    }
    python = ROOT / ".venv-rasa" / "bin" / "python"
    proc = subprocess.Popen([str(python), "-m", "tests.bot.echo_channel", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    wait_for_port(port, timeout=60)
    return proc


async def test_a_killed_process_loses_nothing_and_the_next_answers_each_message_in_order(
    standin, standin_url, redis, redis_url, webhook_port, tmp_path
):
    log = (tmp_path / "echo.log").open("wb")
    first = echo_process(webhook_port, standin_url, redis_url, log)
    for n in range(1, 9):
        for citizen in CITIZENS:
            await standin.inbound(**{"from": citizen, "type": "text", "text": str(n)})
    await asyncio.sleep(0.6)  # some answered, most still queued or in a turn
    first.send_signal(signal.SIGKILL)
    first.wait()
    answered_before = [len(texts(await standin.conversation(c))) for c in CITIZENS]
    assert 0 < sum(answered_before) < 24

    second = echo_process(webhook_port, standin_url, redis_url, log)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            counts = [len(texts(await standin.conversation(c))) for c in CITIZENS]
            if min(counts) >= 8:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)  # anything answered twice would arrive now
        for citizen in CITIZENS:
            said = texts(await standin.conversation(citizen))
            # The one send that was in flight at the kill (Meta took it, its progress was not yet written)
            # may go out twice, right after itself; anything else repeated or missing is a bug.
            repeats = [i for i in range(1, len(said)) if said[i] == said[i - 1]]
            assert len(repeats) <= 1
            assert [t for i, t in enumerate(said) if i not in repeats] == [f"echo {n}" for n in range(1, 9)]
    finally:
        second.terminate()
        second.wait(timeout=20)


async def test_two_processes_never_answer_one_citizen_out_of_order_or_at_once(make_channel, standin):
    running: dict[str, int] = {}
    overlaps, heard = [], []

    async def slow_bot(message) -> None:
        running[message.sender_id] = running.get(message.sender_id, 0) + 1
        if running[message.sender_id] > 1:
            overlaps.append(message.text)
        await asyncio.sleep(0.02 * (int(message.text) % 3))  # later messages may be quicker
        heard.append((message.sender_id, int(message.text)))
        running[message.sender_id] -= 1

    one, two = await make_channel(slow_bot), await make_channel(slow_bot)
    for n in range(1, 13):
        for citizen in CITIZENS:
            payload = meta.inbound(
                meta.GENERAL, citizen, meta.text(citizen, f"wamid.two.{citizen}.{n}", str(n))
            )
            # A load balancer spreads the webhooks: the same citizen's messages reach both processes.
            assert (
                await (one if n % 2 else two).post(meta.raw(payload), meta.signed_headers(meta.raw(payload)))
                == 200
            )
    await one.settle()
    await two.settle()

    assert overlaps == []
    for sender in {s for s, _ in heard}:
        assert [n for s, n in heard if s == sender] == list(range(1, 13))
    assert len(heard) == 36


async def until(release: threading.Event) -> None:
    """Wait on the bot's turn thread for the test (on its own loop) to release it."""
    while not release.is_set():
        await asyncio.sleep(0.01)


async def test_a_full_backlog_is_a_503_so_meta_retries_and_nothing_is_lost(make_channel):
    release = threading.Event()

    async def stuck_bot(message) -> None:
        await until(release)

    harness = await make_channel(stuck_bot, inbound_shards=1, inbound_max_backlog=2)
    bodies = [meta.raw(meta.inbound(meta.GENERAL, CITIZENS[0], meta.text(CITIZENS[0], f"wamid.full.{n}", str(n))))
              for n in (1, 2, 3)]  # fmt: skip
    statuses = [await harness.post(body, meta.signed_headers(body)) for body in bodies]
    assert statuses == [200, 200, 503]
    release.set()
    await harness.settle()
    assert await harness.post(bodies[2], meta.signed_headers(bodies[2])) == 200  # Meta's retry
    await harness.settle()
    assert [m.text for m in harness.heard] == ["1", "2", "3"]


async def test_a_citizen_whose_message_waits_too_long_is_told_once_that_it_is_kept(
    make_channel, standin, webhook_port
):
    release = threading.Event()

    async def bot(message) -> None:
        if message.text == "नमस्ते":
            await message.output_channel.send_text_message(message.sender_id, "नमस्ते! मैं आपकी क्या मदद करूँ?")
            return
        await until(release)
        await message.output_channel.send_text_message(message.sender_id, f"answer {message.text}")

    harness = await make_channel(bot, port=webhook_port, max_turns=1, busy_after_seconds=1)
    citizen = CITIZENS[0]
    await standin.inbound(**{"from": citizen, "type": "text", "text": "नमस्ते"})
    await harness.settle()
    for n in (1, 2, 3):
        await standin.inbound(**{"from": citizen, "type": "text", "text": str(n)})
    await asyncio.sleep(2.5)
    release.set()
    await harness.settle()

    said = texts(await standin.conversation(citizen))
    busy = [t for t in said if "संदेश सुरक्षित है" in t]
    assert len(busy) == 1 and "Many people" not in busy[0]  # once, in the language the bot used with them
    assert [t for t in said if t.startswith("answer")] == ["answer 1", "answer 2", "answer 3"]


def test_each_forked_worker_reads_the_streams_under_its_own_name(redis_url):
    """Sanic forks its workers after Rasa built the channel: two workers sharing one consumer name would
    renew each other's leases and claim each other's messages in flight (answering them twice)."""
    import multiprocessing

    from bot.channels.whatsapp import WhatsAppInput
    from bot.whatsapp.config import ChannelConfig

    channel = WhatsAppInput(ChannelConfig(app_secret="s", redis_url=redis_url))
    inbox = channel.make_inbox(lambda message: None)

    def worker(out) -> None:
        async def started() -> str:
            inbox.start()
            name = inbox._consumer
            await inbox.close()
            return name

        out.send(asyncio.run(started()))

    context = multiprocessing.get_context("fork")
    names = []
    for _ in range(2):
        here, there = context.Pipe()
        process = context.Process(target=worker, args=(there,))
        process.start()
        names.append(here.recv())
        process.join(timeout=10)
    assert names[0] and names[1] and names[0] != names[1]
