"""Benchmark: one broadcast to 10,000 consenting citizens through the Cloud API stand-in, a worker killed mid-way.

    .venv/bin/python -m bench.broadcast [--citizens 10000] [--kill-after 60] [--tier 10000]

Starts PostgreSQL, Redis, the WhatsApp stand-in (80 msg/s per number, as Meta; no status webhooks) and a
Celery worker, exactly as production runs them; COPY-loads the citizens (each with an application of the
revenue department and consent to its announcements), composes and approves a broadcast through the
service functions, SIGKILLs the worker after `--kill-after` seconds and starts another. It then reads every
citizen's conversation back from the stand-in and reports: the largest number of sends in any one second,
unique recipients against the tier, duplicates (a citizen with two messages), lost (no message and not in
doubt), in doubt (claimed by the killed worker), the time spent sending against the ideal N / 80 s, and the
recovery gap after the kill. Run it once: it takes the machine for about three minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg

from tests.backoffice.pg_server import PostgresServer
from tests.servers import ROOT, free_port, running, standin_process

NUMBERS = "100000000000001:general,100000000000002:revenue"
RATE = 80.0


def load(conninfo: str, citizens: int) -> None:
    """COPY the citizens, one revenue application each, and their consent to revenue's announcements."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        with cur.copy("COPY citizens (id, wa_id, language, created_at) FROM STDIN") as copy:
            for i in range(citizens):
                copy.write_row((f"wa-bench{i:06d}", f"9198{i:08d}", "hi" if i % 3 else "en", now))
        with cur.copy("COPY applications (number, service, department_code, citizen_id, status, answers, channel, "
                      "language, created_at, updated_at) FROM STDIN") as copy:  # fmt: skip
            for i in range(citizens):
                copy.write_row((f"DL-REV-2026-{i:06d}", "income_certificate", "revenue", f"wa-bench{i:06d}",
                                "under_review", "{}", "whatsapp", "hi", now, now))  # fmt: skip
        with cur.copy("COPY consent_entries (citizen_id, purpose, department, granted, channel, evidence, "
                      "notice_version, at) FROM STDIN") as copy:  # fmt: skip
            for i in range(citizens):
                copy.write_row(
                    (
                        f"wa-bench{i:06d}",
                        "broadcasts",
                        "revenue",
                        True,
                        "qr",
                        "campaign:BENCH1",
                        "2026-12",
                        now,
                    )
                )
        conn.commit()


def worker(env: dict[str, str], name: str) -> subprocess.Popen:
    """One Celery worker process in its own process group (so a SIGKILL takes all of it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "backoffice.worker", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "-n", f"{name}@%h"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def conversation(standin: str, wa_id: str) -> list[float]:
    with urllib.request.urlopen(f"{standin}/_standin/conversations/{wa_id}", timeout=30) as response:
        return [m["at"] for m in json.load(response)["messages"] if m["direction"] == "out"]


def run(citizens: int, kill_after: float, tier: int) -> dict:
    """Run the whole scenario; return the figures."""
    load_before = os.getloadavg()
    pg = PostgresServer(settings=("shared_buffers=256MB", "synchronous_commit=off")).start()
    redis_port = free_port()
    redis_cmd = [
        "redis-server",
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    try:
        url = pg.create_database("broadcast")
        with running(redis_cmd, dict(os.environ), redis_port), \
                standin_process("standins.whatsapp", {"WHATSAPP_NUMBERS": NUMBERS, "STANDIN_STATUSES": "",
                                                      "WHATSAPP_ACCESS_TOKEN": "bench-token",
                                                      "WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/none"}) as standin:  # fmt: skip
            env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                   "SECRET_KEY": "bench", "WHATSAPP_GRAPH_URL": standin, "WHATSAPP_ACCESS_TOKEN": "bench-token",
                   "WHATSAPP_NUMBERS": NUMBERS, "WHATSAPP_TIER_LIMIT": str(tier), "BROADCAST_RATE": str(RATE),
                   "CELERY_VISIBILITY_TIMEOUT": "20"}  # fmt: skip
            os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "WHATSAPP_GRAPH_URL",
                                                   "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_NUMBERS", "WHATSAPP_TIER_LIMIT")})  # fmt: skip
            from flask_migrate import upgrade

            from backoffice.app import create_app
            from backoffice.broadcasts import services
            from backoffice.broadcasts.models import Broadcast, BroadcastRecipient
            from backoffice.extensions import db
            from backoffice.people.models import Department, User
            from backoffice.people.passwords import hash_password

            app = create_app()
            with app.app_context():
                upgrade()
                db.session.add(Department(code="revenue", name_en="Revenue", name_hi="राजस्व"))
                for name in ("bench.writer", "bench.checker"):
                    db.session.add(User(username=name, full_name=name, role="broadcaster", department_code="revenue",
                                        password_hash=hash_password("bench password 1")))  # fmt: skip
                db.session.commit()
            load(url.replace("postgresql+psycopg://", "postgresql://"), citizens)
            first = worker(env, "w1")
            with app.app_context():
                writer = db.session.query(User).filter_by(username="bench.writer").one()
                checker = db.session.query(User).filter_by(username="bench.checker").one()
                broadcast = services.compose("revenue", writer, "Camp on Saturday",
                                             "A certificates camp at every tehsil on Saturday, 10:00-16:00.",
                                             "शनिवार को हर तहसील में प्रमाण पत्र शिविर, 10:00-16:00।")  # fmt: skip
                db.session.flush()
                broadcast_id = broadcast.id
                started = time.time()
                services.approve(broadcast, checker, None)
                db.session.commit()
            time.sleep(kill_after)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
            killed_at = time.time()
            second = worker(env, "w2")
            try:
                with app.app_context():
                    while time.time() - started < 900:
                        db.session.expire_all()
                        if db.session.get(Broadcast, broadcast_id).state in ("done", "paused"):
                            break
                        time.sleep(1)
                    state = db.session.get(Broadcast, broadcast_id).state
                    rows = dict(db.session.query(BroadcastRecipient.citizen_id, BroadcastRecipient.state)
                                .filter_by(broadcast_id=broadcast_id).all())  # fmt: skip
            finally:
                second.terminate()
                second.wait(timeout=30)
            finished = time.time()
            with ThreadPoolExecutor(16) as pool:
                times = dict(
                    zip(
                        rows,
                        pool.map(lambda c: conversation(standin, "9198" + c[-6:].rjust(8, "0")), rows),
                        strict=True,
                    )
                )
            with urllib.request.urlopen(f"{standin}/_standin/errors", timeout=30) as response:
                refusals = [e.get("code") for e in json.load(response)["errors"]]
    finally:
        pg.stop()
    stamps = sorted(t for ts in times.values() for t in ts)
    per_second = (
        max(sum(1 for t in stamps[i : i + 200] if t < s + 1.0) for i, s in enumerate(stamps)) if stamps else 0
    )
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    recovery = max(gaps) if gaps else 0.0
    # Where the time over the ideal goes: the rate before the kill, after it (each from its first to its last send),
    # and how long the approval and the first claim took before the first send.
    cut = gaps.index(recovery) + 1 if gaps else 0
    rates = [round((len(part) - 1) / (part[-1] - part[0]), 2) if len(part) > 1 else None
             for part in (stamps[:cut], stamps[cut:])]  # fmt: skip
    sending = (stamps[-1] - stamps[0] - recovery) if stamps else 0.0
    in_doubt = sum(1 for s in rows.values() if s == "in_doubt")
    lost = sum(1 for c, ts in times.items() if not ts and rows[c] != "in_doubt")
    ideal = citizens / RATE
    return {
        "citizens": citizens, "state": state, "sent": len(stamps),
        "unique_recipients": sum(1 for ts in times.values() if ts), "tier": tier,
        "duplicates": sum(1 for ts in times.values() if len(ts) > 1), "lost": lost, "in_doubt": in_doubt,
        "in_doubt_but_delivered": sum(1 for c, ts in times.items() if ts and rows[c] == "in_doubt"),
        "max_sends_in_any_second": per_second, "standin_refusals": len(refusals),
        "ideal_seconds": round(ideal, 1), "sending_seconds": round(sending, 1),
        "over_ideal_percent": round(100 * (sending - ideal) / ideal, 2),
        # The same against the messages that did go out (the in-doubt ones the killed sender never sent are not
        # sent again, so they take no time).
        "over_ideal_for_sent_percent": round(100 * (sending - len(stamps) / RATE) / (len(stamps) / RATE), 2)
        if stamps else None,
        "rate_before_kill": rates[0], "rate_after_kill": rates[1],
        "first_send_after_approval_seconds": round(stamps[0] - started, 1) if stamps else None,
        "kill_after_seconds": kill_after, "recovery_gap_seconds": round(recovery, 1),
        "wall_seconds": round(finished - started, 1), "killed_at_seconds": round(killed_at - started, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip


def main() -> None:
    """Parse arguments, run once, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--kill-after", type=float, default=60.0)
    parser.add_argument("--tier", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(run(args.citizens, args.kill_after, args.tier), indent=2))


if __name__ == "__main__":
    main()
