"""Load test of the WhatsApp channel end to end, beside a plain `rasa init` bot as the baseline.

Simulated citizens talk to Seva through signed webhooks in Meta's exact shape, posted straight to
the channel so that the acknowledgement time is the channel's alone. The Cloud API stand-in runs in
this process and timestamps every accepted reply without polling. The same number of
citizens then talk to a `rasa init` bot through Rasa's REST channel. Both run on this machine, one
after the other, and the report puts their figures side by side.

    .venv/bin/python -m bench.whatsapp_load --citizens 200 --turns 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from standins.whatsapp.app import create_app
from standins.whatsapp.graph_routes import CLOUD_API
from standins.whatsapp.settings import Settings
from standins.whatsapp.webhooks import contact, envelope, serialize, sign
from tests.servers import ROOT, free_port, start, stop, wait_for_port

NUMBER = "100000000000001"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
BASELINE_DIR = ROOT / "var" / "bench" / "rasa-init"
RESULTS = ROOT / "bench" / "results"

# One citizen's conversation: (kind, value, replies the bot sends for it).
SCRIPT = [
    ("text", "Hi", 1),
    ("button_reply", '/choose_language{"language":"en"}', 2),
    ("text", "menu", 1),
    ("text", "status", 1),
    ("text", "thank you", 1),
]
BASELINE_SCRIPT = ["hello", "I am sad", "yes", "bye", "are you a bot?"]


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile of `values` by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Run:
    """What one load run measured."""

    name: str
    citizens: int
    ack_ms: list[float] = field(default_factory=list)
    reply_ms: list[float] = field(default_factory=list)
    replies: int = 0
    messages: int = 0
    lost: int = 0
    seconds: float = 0.0
    sent_at: list[float] = field(default_factory=list)

    def sustained_rate(self) -> float:
        """Messages/s while the load is on: the middle 80 % of sends, without the ramp-up and the tail."""
        times = sorted(self.sent_at)
        if len(times) < 10:
            return 0.0
        first, last = int(len(times) * 0.1), int(len(times) * 0.9)
        return (last - first) / (times[last] - times[first])

    def summary(self) -> dict:
        """Medians, tails and rates, rounded for the report."""

        def stats(values: list[float]) -> dict:
            if not values:
                return {}
            return {
                "p50": round(statistics.median(values), 1),
                "p95": round(percentile(values, 95), 1),
                "p99": round(percentile(values, 99), 1),
            }

        return {
            "name": self.name,
            "citizens": self.citizens,
            "messages": self.messages,
            "replies": self.replies,
            "lost_turns": self.lost,
            "seconds": round(self.seconds, 1),
            "messages_per_s": round(self.messages / self.seconds, 1) if self.seconds else 0,
            "replies_per_s": round(self.replies / self.seconds, 1) if self.seconds else 0,
            "sustained_messages_per_s": round(self.sustained_rate(), 1),
            "ack_ms": stats(self.ack_ms),
            "reply_ms": stats(self.reply_ms),
        }


async def seva_run(citizens: int, turns: int, logs: Path, rate: float = 0.0) -> Run:
    """Drive Seva's WhatsApp channel through the stand-in and measure acks and replies.

    With `rate` > 0 every citizen pauses between turns (exponential think time) so that all of
    them together offer about `rate` messages/s; with 0 they send as fast as replies come back.
    """
    ports = {name: free_port() for name in ("redis", "rasa", "actions", "standin")}
    secret, token = secrets.token_hex(16), secrets.token_hex(16)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(ports["redis"]),
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "RASA_TRACKER_DB": "1",
        "RASA_LOCK_DB": "2",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
        "WHATSAPP_GRAPH_URL": f"http://127.0.0.1:{ports['standin']}",
        "WHATSAPP_ACCESS_TOKEN": token,
        "WHATSAPP_APP_SECRET": secret,
        "WHATSAPP_VERIFY_TOKEN": secrets.token_hex(8),
        "WHATSAPP_NUMBERS": f"{NUMBER}:general",
        "SEVA_ID_SALT": secrets.token_hex(8),
        "BACKOFFICE_URL": "http://127.0.0.1:9",
        "BACKOFFICE_API_TOKEN": secrets.token_hex(8),
    }
    run = Run("seva-whatsapp", citizens)
    waiting: dict[str, asyncio.Queue] = defaultdict(asyncio.Queue)

    def on_outbound(message: dict) -> None:
        waiting[message["to"]].put_nowait(time.perf_counter())

    settings = Settings(
        access_token=token,
        app_secret=secret,
        webhook_url=f"http://127.0.0.1:{ports['rasa']}/webhooks/whatsapp/webhook",
        numbers={NUMBER: "general"},
        port=ports["standin"],
        status_delay=0.0,
        statuses=(),
        throughput_per_second=0,  # measure our capacity, not Meta's cap
        pair_burst=10_000,
    )
    app = create_app(settings, on_outbound=on_outbound)
    conversations = app[CLOUD_API].conversations
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", ports["standin"]).start()
    procs = [
        start(["redis-server", "--port", str(ports["redis"]), "--save", ""], env, logs / "redis.log"),
        start(
            [str(RASA), "run", "actions", "--actions", "actions", "--port", str(ports["actions"])],
            env,
            logs / "actions.log",
        ),
        start(
            [
                str(RASA),
                "run",
                "--model",
                str(ROOT / "models" / "seva.tar.gz"),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
                "--port",
                str(ports["rasa"]),
            ],
            env,
            logs / "rasa.log",
        ),
    ]
    try:
        for port in ports.values():
            await asyncio.to_thread(wait_for_port, port, 300)
        webhook = settings.webhook_url
        # A connection per webhook, as nginx (deploy/nginx.conf) opens one per request to its upstreams: kept-alive
        # connections would pin the load to whichever Rasa worker accepted them.
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True)) as http:

            async def post(phone: str, kind: str, value: str) -> float:
                """Post one signed inbound message as Meta would; return the acknowledgement time in ms."""
                wamid = "wamid.bench" + secrets.token_hex(12)
                if kind == "text":
                    message = {"type": "text", "text": {"body": value}}
                else:
                    message = {
                        "type": "interactive",
                        "interactive": {
                            "type": "button_reply",
                            "button_reply": {"id": value, "title": "English"},
                        },
                    }
                message |= {"from": phone, "id": wamid, "timestamp": str(int(time.time()))}
                # The stand-in enforces the 24 h window, so it must know the citizen wrote.
                conversations.add(phone, "in", wamid, NUMBER, message["type"], message, "received")
                raw = serialize(
                    envelope(
                        "200000000000001",
                        NUMBER,
                        {"contacts": [contact("Bench", phone, None)], "messages": [message]},
                    )
                )
                started = time.perf_counter()
                async with http.post(
                    webhook,
                    data=raw,
                    headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, raw)},
                ) as response:
                    assert response.status == 200, await response.text()
                return (time.perf_counter() - started) * 1000

            async def citizen(index: int) -> None:
                phone = f"9198{index:08d}"
                for kind, value, expected in SCRIPT[:turns]:
                    if rate and index:
                        await asyncio.sleep(random.expovariate(rate / citizens))
                    sent = time.perf_counter()
                    run.sent_at.append(sent)
                    run.ack_ms.append(await post(phone, kind, value))
                    run.messages += 1
                    for n in range(expected):
                        try:
                            at = await asyncio.wait_for(waiting[phone].get(), timeout=60)
                        except TimeoutError:
                            run.lost += 1
                            break
                        run.replies += 1
                        if n == 0:
                            run.reply_ms.append((at - sent) * 1000)

            await citizen(0)  # warm the model and the connections; not counted
            run.messages = run.replies = 0
            run.ack_ms.clear()
            run.reply_ms.clear()
            run.sent_at.clear()
            started = time.perf_counter()
            await asyncio.gather(*(citizen(i) for i in range(1, citizens + 1)))
            run.seconds = time.perf_counter() - started
    finally:
        stop(procs)
        await runner.cleanup()
    return run


def ensure_baseline_model(logs: Path) -> Path:
    """Create and train the `rasa init` bot once; later runs reuse it."""
    model = BASELINE_DIR / "models" / "baseline.tar.gz"
    if not model.exists():
        shutil.rmtree(BASELINE_DIR, ignore_errors=True)
        BASELINE_DIR.mkdir(parents=True)
        subprocess.run(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(BASELINE_DIR)],
            check=True,
            stdout=(logs / "init.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for old in (BASELINE_DIR / "models").glob("*.tar.gz"):
            old.rename(model)
    return model


async def baseline_run(citizens: int, turns: int, logs: Path) -> Run:
    """Drive a plain `rasa init` bot through the REST channel with the same concurrency."""
    model = await asyncio.to_thread(ensure_baseline_model, logs)
    port = free_port()
    proc = start(
        [str(RASA), "run", "--model", str(model), "--port", str(port)],
        dict(os.environ),
        logs / "baseline.log",
        cwd=BASELINE_DIR,
    )
    run = Run("rasa-init-rest", citizens)
    try:
        await asyncio.to_thread(wait_for_port, port, 300)
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

            async def citizen(index: int) -> None:
                for text in BASELINE_SCRIPT[:turns]:
                    sent = time.perf_counter()
                    async with http.post(url, json={"sender": f"c{index}", "message": text}) as response:
                        replies = await response.json()
                    run.messages += 1
                    run.replies += len(replies)
                    run.reply_ms.append((time.perf_counter() - sent) * 1000)

            await citizen(0)
            run.messages = run.replies = 0
            run.reply_ms.clear()
            started = time.perf_counter()
            await asyncio.gather(*(citizen(i) for i in range(1, citizens + 1)))
            run.seconds = time.perf_counter() - started
    finally:
        stop([proc])
    return run


def main() -> None:
    """Run both, print the table and save JSON under bench/results/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--turns", type=int, default=len(SCRIPT))
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--rate", type=float, default=0.0, help="offered messages/s for Seva (0: flat out)")
    args = parser.parse_args()
    logs = ROOT / "var" / "bench" / "logs"
    seva = asyncio.run(seva_run(args.citizens, args.turns, logs, args.rate)).summary()
    seva["offered_rate"] = args.rate or "flat out"
    report = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}, "seva": seva}
    if not args.skip_baseline:
        base = asyncio.run(baseline_run(args.citizens, args.turns, logs)).summary()
        report["baseline"] = base
        if base["messages_per_s"]:
            report["throughput_ratio"] = round(seva["messages_per_s"] / base["messages_per_s"], 2)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"whatsapp_load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
