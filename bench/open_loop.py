"""Open-loop benchmark of Seva on WhatsApp, end to end (issue 13): a constant arrival rate, whatever the backlog.

The whole stack runs as production runs it (bench/full_stack.py). Signed, Meta-shaped webhooks arrive at
`--rate` messages/s for `--seconds`, one connection each, spread round-robin over the Rasa instances, as Meta
delivers them: on schedule, whether or not earlier messages were answered. Each citizen speaks every 10 s
(so there are about 10 × rate citizens), through whole visits in a sensible order (bench/visits.py).
`--returning-share` of them come back with a stored history of at least `--history` events, copied from one
template citizen who first talks to the bot for real (bench/tracker_copy.py).

A reply is the first Graph API send to the citizen after the message was taken up, which is after its
post and after the tracker's user event for its message id: with a backlog longer than the 10 s between a
citizen's messages, the next send may still answer the previous message. Latency counts from the
*scheduled* time, so a generator that falls behind does not hide the wait (no coordinated omission).
Sends of documents are the back-office's acknowledgement PDFs, pushed by the worker, never a reply here.
A message without a reply within 60 s is lost; one whose message id the tracker holds twice is a duplicate.

    .venv/bin/python -m bench.open_loop --rate 20 --seconds 60 --returning-share 0.3 --history 1000
    .venv/bin/python -m bench.open_loop --rate 20 --seconds 60 --baseline   # `rasa init` over REST

Each run prints a table, writes its messages to bench/results/open_loop-<run>.csv, appends a row to
bench/results/open_loop_summary.csv and redraws bench/results/open_loop.png for the session's rows.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import itertools
import json
import math
import os
import re
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import aiohttp

from bench import open_loop_report, visits
from bench.baseline import BASELINE_DIR, BASELINE_SCRIPT, RASA, ensure_baseline_model, percentile
from bench.full_stack import GENERAL_NUMBER, RASA_VENV, Stack
from bench.visits import CYCLE, Say
from bot.whatsapp.privacy import sender_id
from standins.whatsapp.webhooks import contact, envelope, serialize, sign
from tests.e2e.test_applications import photo_b64
from tests.servers import ROOT, free_port, start, stop, wait_for_port

RESULTS = ROOT / "bench" / "results"
RUNS = ROOT / "var" / "bench" / "open_loop"
WABA_ID = "200000000000001"
SPEAKS_EVERY = 10.0  # seconds between two messages of one citizen
REPLY_LIMIT = 60.0  # a message not answered within this many seconds of its schedule is lost
QUIET = 3.0  # once every citizen has an answer after its last message, this much silence ends the run
TEMPLATE_TURNS = 200  # the template's real turns at most; tracker_copy repeats them beyond that
# Error lines of the stack's logs, by kind. Rasa 3.6 says "Couldn't connect to the server at '<action
# endpoint>'" where issue 13 wrote "the action server": both are counted.
ERROR_PATTERNS = {
    "action_server": re.compile(r"Couldn't connect to the (action )?server"),
    "closing_transport": re.compile(r"Cannot write to closing transport"),
    "traceback": re.compile(r"Traceback"),
    "error_level": re.compile(r" ERROR "),
}


@dataclass
class Config:
    """One run: the offered load, who the citizens are, the stack's shape, and where results go."""

    rate: float
    seconds: float
    returning_share: float = 0.0
    history: int = 1000
    rasa_instances: int = 1
    baseline: bool = False
    session: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d"))
    results: Path = RESULTS
    runs: Path = RUNS
    run_id: str = ""

    def __post_init__(self) -> None:
        if not self.run_id:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
            shape = (
                "baseline"
                if self.baseline
                else f"k{self.rasa_instances}-ret{round(self.returning_share * 100)}"
            )
            self.run_id = f"{stamp}-r{self.rate:g}-{shape}"


@dataclass
class Citizen:
    """A simulated citizen: phone number, pseudonymous sender id, and what the stack did with its messages."""

    index: int
    phone: str
    sender: str
    returning: bool
    messages: list[Message] = field(default_factory=list)
    # (message id, timestamp) of the user events of its tracker; None when the tracker could not be read
    user_events: list[tuple[str | None, float]] | None = None


@dataclass
class Message:
    """One scheduled message and what became of it (times are `time.time()` seconds)."""

    index: int
    citizen: Citizen
    say: Say
    scheduled: float
    wamid: str = ""
    posted: float | None = None  # when its request started: its lag behind the schedule is the generator's
    ack_ms: float | None = None
    status: int | None = None
    reply: float | None = None
    duplicates: int = 0

    @property
    def latency(self) -> float:
        """Seconds from the schedule to the reply; infinite without one."""
        return self.reply - self.scheduled if self.reply is not None else math.inf

    @property
    def answered(self) -> bool:
        """Replied within the limit."""
        return self.latency <= REPLY_LIMIT


class Outbox:
    """Every Graph API send the stand-in accepted, timestamped as it happens (its `on_outbound` hook)."""

    def __init__(self) -> None:
        self.replies: dict[str, list[float]] = defaultdict(list)
        self.last = 0.0

    def __call__(self, message: dict) -> None:
        """Record one accepted send."""
        self.last = time.time()
        if message["type"] != "document":
            self.replies[message["to"]].append(self.last)

    def first_after(self, phone: str, moment: float) -> float | None:
        """The first reply to `phone` at or after `moment`."""
        times = self.replies.get(phone, [])
        at = bisect.bisect_left(times, moment)
        return times[at] if at < len(times) else None


@cache
def photo() -> bytes:
    """A phone photo of a fictional identity card that passes the OCR quality gate (as tests/e2e sends)."""
    return base64.b64decode(photo_b64())


def inbound(stack: Stack, phone: str, say: Say, wamid: str, at: float) -> dict:
    """The `messages[]` item Meta would post for `say`; a photo is first stored in the stand-in like an upload."""
    if say.type == "text":
        body: dict = {"type": "text", "text": {"body": say.value}}
    elif say.type == "image":
        media = stack.api.media.add(photo(), "image/jpeg", GENERAL_NUMBER)
        body = {"type": "image", "image": {"mime_type": "image/jpeg", "sha256": media.sha256, "id": media.id}}
    else:
        reply = {"id": say.value, "title": say.value.lstrip("/")[:20]}
        body = {"type": "interactive", "interactive": {"type": say.type, say.type: reply}}
    return {"from": phone, "id": wamid, "timestamp": str(int(at)), **body}


class Poster:
    """Posts signed webhooks, each on a connection of its own as nginx opens one per request to Rasa."""

    def __init__(self, http: aiohttp.ClientSession, stack: Stack):
        self.http = http
        self.stack = stack

    def prepare(self, phone: str, say: Say, at: float) -> tuple[str, bytes]:
        """A fresh wamid and the raw webhook body for one message."""
        wamid = "wamid.bench" + secrets.token_hex(12)
        message = inbound(self.stack, phone, say, wamid, at)
        # The stand-in keeps the 24 h window and checks mark-reads, so it must know the citizen wrote.
        self.stack.api.conversations.add(
            phone, "in", wamid, GENERAL_NUMBER, message["type"], message, "received"
        )
        value = {"contacts": [contact("Citizen", phone, None)], "messages": [message]}
        return wamid, serialize(envelope(WABA_ID, GENERAL_NUMBER, value))

    async def post(self, body: bytes, url: str | None = None) -> tuple[int, float]:
        """Post one webhook; returns the HTTP status (0 when it failed) and the acknowledgement time in ms."""
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(self.stack.env["WHATSAPP_APP_SECRET"], body),
        }
        started = time.perf_counter()
        try:
            async with self.http.post(
                url or self.stack.webhook_url(), data=body, headers=headers
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        return status, (time.perf_counter() - started) * 1000

    async def turn(self, outbox: Outbox, phone: str, say: Say, url: str | None = None) -> None:
        """Post one message and wait for the first reply (warm-up and the template; not measured)."""
        before = len(outbox.replies[phone])
        _, body = self.prepare(phone, say, time.time())
        status, _ = await self.post(body, url)
        deadline = time.monotonic() + REPLY_LIMIT
        while status == 200 and len(outbox.replies[phone]) == before and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if len(outbox.replies[phone]) == before:
            raise RuntimeError(
                f"no reply to {say} (webhook status {status}); see the logs in {self.stack.logs}"
            )


async def open_loop(messages: list[Message], deliver: Callable[[Message], Awaitable[None]]) -> None:
    """Start `deliver(message)` at each message's scheduled time, never waiting for earlier ones to finish."""
    pending: set[asyncio.Task] = set()
    for message in messages:
        delay = message.scheduled - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(deliver(message))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)


def schedule(
    rate: float, seconds: float, citizens: list, say_of: Callable[[int, int], Say], start: float
) -> list:
    """Messages at a constant `rate` from `start`; message i goes to citizen i mod n, step i div n."""
    count = int(rate * seconds)
    return [
        Message(
            i, citizens[i % len(citizens)], say_of(i % len(citizens), i // len(citizens)), start + i / rate
        )
        for i in range(count)
    ]


async def tracker_of(http: aiohttp.ClientSession, stack: Stack, sender: str, url: str | None = None) -> dict:
    """A conversation's tracker through Rasa's HTTP API."""
    url = url or stack.rasa_urls[0]
    async with http.get(
        f"{url}/conversations/{sender}/tracker", params={"token": stack.env["RASA_TOKEN"]}
    ) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


async def new_session(http: aiohttp.ClientSession, stack: Stack, sender: str) -> None:
    """Start a new Rasa session for `sender`, as a long silence would."""
    async with http.post(
        f"{stack.rasa_urls[0]}/conversations/{sender}/execute",
        params={"token": stack.env["RASA_TOKEN"]},
        json={"name": "action_session_start"},
    ) as response:
        response.raise_for_status()


async def settled(http: aiohttp.ClientSession, stack: Stack, sender: str) -> dict:
    """The tracker once its turn is over: it listens again and holds still."""
    previous = None
    deadline = time.monotonic() + REPLY_LIMIT
    while time.monotonic() < deadline:
        tracker = await tracker_of(http, stack, sender)
        size = len(tracker["events"])
        if tracker.get("latest_action_name") == "action_listen" and size == previous:
            return tracker
        previous = size
        await asyncio.sleep(0.3)
    raise RuntimeError(f"the template's conversation did not settle; see the logs in {stack.logs}")


async def seed_returning(
    poster: Poster, outbox: Outbox, http: aiohttp.ClientSession, config: Config, returning: list[Citizen]
) -> dict:
    """Talk as one template citizen until its tracker holds `history` events, then copy it to the returning citizens."""
    stack = poster.stack
    phone = "919700000000"
    template = sender_id(stack.env["SEVA_ID_SALT"], GENERAL_NUMBER, phone)
    turns = 0
    for visit in itertools.cycle(CYCLE):
        for message in visit:
            await poster.turn(outbox, phone, message)
            turns += 1
        # Whole visits only: the copies must not start in the middle of a form.
        tracker = await settled(http, stack, template)
        if len(tracker["events"]) >= config.history or turns >= TEMPLATE_TURNS:
            break
        # Each visit a session of its own, as visits days apart are (tracker_copy dates them so).
        await new_session(http, stack, template)
    helper = await asyncio.create_subprocess_exec(
        str(RASA_VENV / "python"), "-m", "bench.tracker_copy", "--template", template, "--min-events", str(config.history),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=(stack.logs / "tracker_copy.log").open("wb"), cwd=ROOT, env=stack.env,
    )  # fmt: skip
    out, _ = await helper.communicate("\n".join(c.sender for c in returning).encode())
    if helper.returncode != 0:
        raise RuntimeError(f"copying the template's tracker failed; see {stack.logs / 'tracker_copy.log'}")
    return {"template_turns": turns, **json.loads(out.decode().strip().splitlines()[-1])}


async def drain(outbox: Outbox, citizens: list[Citizen], deadline: float) -> None:
    """Wait until every citizen has a reply after its last message and the stack has gone quiet, or the deadline."""
    while time.time() < deadline:
        waiting = any(
            c.messages
            and c.messages[-1].posted
            and outbox.first_after(c.phone, c.messages[-1].posted) is None
            for c in citizens
        )
        if not waiting and time.time() - outbox.last >= QUIET:
            return
        await asyncio.sleep(0.25)


def attribute(messages: list[Message], outbox: Outbox) -> None:
    """Find each message's reply and duplicates from the trackers' user events and the timestamped sends."""
    for message in messages:
        events = message.citizen.user_events
        taken = [at for wamid, at in events or () if wamid == message.wamid]
        message.duplicates = max(0, len(taken) - 1)
        if message.posted is None or (events is not None and not taken):
            continue  # never posted, or never reached the bot
        # Without its tracker, a citizen's reply is simply the first send after the post.
        message.reply = outbox.first_after(message.citizen.phone, max([message.posted, *taken[:1]]))


def count_error_lines(logs: Path) -> dict[str, int]:
    """Lines of the stack's logs that match each error pattern, and in total."""
    counts = Counter()
    for log in logs.glob("*.log"):
        for line in log.read_text(errors="replace").splitlines():
            hits = [kind for kind, pattern in ERROR_PATTERNS.items() if pattern.search(line)]
            counts.update(hits)
            counts["total"] += bool(hits)
    return {kind: counts[kind] for kind in (*ERROR_PATTERNS, "total")}


def distribution(prefix: str, values: list[float]) -> dict[str, float]:
    """`<prefix>p50_ms`, p95 and p99 of latencies in seconds (infinite where the rank falls on a lost message)."""
    return {f"{prefix}p{p}_ms": percentile(values, p) * 1000 if values else math.nan for p in (50, 95, 99)}


def summarise(config: Config, messages: list[Message], extra: dict) -> open_loop_report.Summary:
    """The run's figures, from its messages; `extra` holds the error-log counts and the template's sizes."""
    posted = [m.posted for m in messages if m.posted is not None]
    lag = [(m.posted - m.scheduled) * 1000 for m in messages if m.posted is not None]
    acks = [m.ack_ms for m in messages if m.ack_ms is not None]
    # A reply later than the limit counts as none: the message is lost, and so is its rank.
    new = [m.latency if m.answered else math.inf for m in messages if not m.citizen.returning]
    returning = [m.latency if m.answered else math.inf for m in messages if m.citizen.returning]
    kinds = Counter(m.say.kind for m in messages)
    citizens = {m.citizen.index: m.citizen for m in messages}.values()
    errors = extra.pop("error_lines")
    return open_loop_report.Summary(
        session=config.session,
        run=config.run_id,
        system="rasa-init-rest" if config.baseline else "seva-whatsapp",
        rate=config.rate,
        seconds=config.seconds,
        rasa_instances=0 if config.baseline else config.rasa_instances,
        returning_share=config.returning_share,
        history=config.history if config.returning_share else 0,
        citizens=len(citizens),
        returning_citizens=sum(c.returning for c in citizens),
        messages=len(messages),
        answered=sum(m.answered for m in messages),
        lost=sum(not m.answered for m in messages),
        duplicates=None if config.baseline else sum(m.duplicates for m in messages),
        trackers_unread=0 if config.baseline else sum(c.user_events is None for c in citizens),
        **distribution("", new + returning),
        **distribution("new_", new),
        **distribution("returning_", returning),
        ack_p50_ms=percentile(acks, 50) if acks else math.nan,
        ack_p99_ms=percentile(acks, 99) if acks else math.nan,
        webhook_errors=sum(m.status != 200 for m in messages),
        achieved_rate=(len(posted) - 1) / (max(posted) - min(posted)) if len(posted) > 1 else math.nan,
        lag_p50_ms=percentile(lag, 50) if lag else math.nan,
        lag_p99_ms=percentile(lag, 99) if lag else math.nan,
        lag_max_ms=max(lag, default=math.nan),
        error_lines=errors["total"],
        **{f"errors_{kind}": errors[kind] for kind in ERROR_PATTERNS},
        mix=", ".join(f"{kind} {count / len(messages):.0%}" for kind, count in kinds.most_common()),
        **extra,
    )


async def seva_run(config: Config) -> tuple[list[Message], dict]:
    """Start the stack, seed the returning citizens, run the open loop and read back the trackers."""
    logs = config.runs / config.run_id
    outbox = Outbox()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=REPLY_LIMIT)
    async with (
        Stack(logs, config.rasa_instances, outbox) as stack,
        aiohttp.ClientSession(connector=connector, timeout=timeout) as http,
    ):
        poster = Poster(http, stack)
        salt = stack.env["SEVA_ID_SALT"]
        # Rasa's first turn loads graphs and opens connections: one untimed turn per instance.
        for index, url in enumerate(stack.webhook_urls):
            await poster.turn(outbox, f"9196{index:08d}", CYCLE[0][0], url)
        count = max(1, round(SPEAKS_EVERY * config.rate))
        returning_count = round(count * config.returning_share)
        # Spread the returning citizens evenly over the citizen numbers, so over the visits too.
        returning_at = (
            {round(i * count / returning_count) for i in range(returning_count)} if returning_count else set()
        )
        citizens = [
            Citizen(i, phone, sender_id(salt, GENERAL_NUMBER, phone), i in returning_at)
            for i, phone in ((i, f"9199{i:08d}") for i in range(count))
        ]
        extra = {}
        if returning_at:
            extra = await seed_returning(poster, outbox, http, config, [c for c in citizens if c.returning])
        photo()  # drawing it takes a few hundred ms: not in the middle of the schedule
        messages = schedule(config.rate, config.seconds, citizens, visits.say, time.time() + 1.0)
        for message in messages:
            message.citizen.messages.append(message)

        async def deliver(message: Message) -> None:
            # Built on time, so that Meta's timestamp in it is the scheduled second.
            message.wamid, body = poster.prepare(message.citizen.phone, message.say, message.scheduled)
            message.posted = time.time()
            message.status, message.ack_ms = await poster.post(body)

        cpu_before = stack.cpu_seconds()
        await open_loop(messages, deliver)
        await drain(outbox, citizens, messages[-1].scheduled + REPLY_LIMIT + QUIET)
        cpu_after = stack.cpu_seconds()
        # CPU per message, by part: on 2 cores, 80 msg/s leaves 25 ms of CPU per message for all of them.
        extra["cpu_ms_per_message"] = " ".join(
            f"{name}={(cpu_after[name] - cpu_before[name]) * 1000 / len(messages):.1f}" for name in cpu_after
        )
        reads = asyncio.Semaphore(8)

        async def read(citizen: Citizen, url: str) -> None:
            # An overloaded Rasa may time out: try again, and do without the tracker in the end.
            for _ in range(3):
                try:
                    async with reads:
                        events = (await tracker_of(http, stack, citizen.sender, url))["events"]
                except (aiohttp.ClientError, TimeoutError):
                    continue
                citizen.user_events = [
                    (e.get("message_id"), e["timestamp"]) for e in events if e["event"] == "user"
                ]
                return

        await asyncio.gather(*(read(c, url) for c, url in zip(citizens, itertools.cycle(stack.rasa_urls))))
        extra["error_lines"] = count_error_lines(logs)
    attribute(messages, outbox)
    return messages, extra


async def baseline_run(config: Config) -> tuple[list[Message], dict]:
    """The plain `rasa init` bot through Rasa's REST channel at the same open-loop rate."""
    logs = config.runs / config.run_id
    logs.mkdir(parents=True, exist_ok=True)
    model = await asyncio.to_thread(ensure_baseline_model, logs)
    port = free_port()
    proc = start(
        [str(RASA), "run", "--model", str(model), "--port", str(port)],
        dict(os.environ),
        logs / "baseline.log",
        cwd=BASELINE_DIR,
    )
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    try:
        await asyncio.to_thread(wait_for_port, port, 300)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=REPLY_LIMIT)
        ) as http:
            async with http.post(url, json={"sender": "warm-up", "message": BASELINE_SCRIPT[0]}) as response:
                await response.read()
            count = max(1, round(SPEAKS_EVERY * config.rate))
            citizens = [Citizen(i, f"c{i}", f"c{i}", False) for i in range(count)]

            def say_of(_citizen: int, step: int) -> Say:
                return Say("text", BASELINE_SCRIPT[step % len(BASELINE_SCRIPT)])

            messages = schedule(config.rate, config.seconds, citizens, say_of, time.time() + 2.0)

            async def deliver(message: Message) -> None:
                message.posted = time.time()
                body = {"sender": message.citizen.sender, "message": message.say.value}
                try:
                    async with http.post(url, json=body) as response:
                        message.status = response.status
                        if response.status == 200 and await response.json():
                            message.reply = time.time()
                except (aiohttp.ClientError, TimeoutError):
                    message.status = 0

            await open_loop(messages, deliver)
    finally:
        stop([proc])
    return messages, {"error_lines": count_error_lines(logs)}


def run(config: Config) -> open_loop_report.Summary:
    """Run one benchmark, print its table and write its CSVs and the session's plot."""
    messages, extra = asyncio.run(baseline_run(config) if config.baseline else seva_run(config))
    summary = summarise(config, messages, extra)
    print(summary.table())
    config.results.mkdir(parents=True, exist_ok=True)
    open_loop_report.write_messages(config.results / f"open_loop-{config.run_id}.csv", config.rate, messages)
    summaries = config.results / "open_loop_summary.csv"
    open_loop_report.append_summary(summaries, summary)
    open_loop_report.plot(summaries, config.session, config.results / "open_loop.png")
    return summary


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, required=True, help="messages per second, on schedule")
    parser.add_argument("--seconds", type=float, required=True, help="how long messages keep arriving")
    parser.add_argument(
        "--returning-share", type=float, default=0.0, help="share of citizens with a stored history"
    )
    parser.add_argument(
        "--history", type=int, default=1000, help="events in each returning citizen's history"
    )
    parser.add_argument(
        "--rasa-instances", type=int, default=1, help="`rasa run` processes behind round-robin"
    )
    parser.add_argument("--baseline", action="store_true", help="the plain `rasa init` bot over REST instead")
    parser.add_argument("--session", help="rows of one session share a plot (default: today, UTC)")
    args = parser.parse_args()
    config = Config(
        rate=args.rate,
        seconds=args.seconds,
        returning_share=args.returning_share,
        history=args.history,
        rasa_instances=args.rasa_instances,
        baseline=args.baseline,
    )
    if args.session:
        config.session = args.session
    run(config)


if __name__ == "__main__":
    main()
