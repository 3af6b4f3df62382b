"""Benchmark: the officer queue page and the bot's status API over 1,000,000 applications in PostgreSQL.

    .venv/bin/python -m bench.backoffice_queue [--applications 1000000] [--requests 200] [--database-url URL]

Without `--database-url` it starts a throw-away PostgreSQL 15 server. Rows are loaded with COPY; the schema
comes from the migrations. Each request goes through the whole Flask app in-process (routing, login session
or service token, the query, the template, and for the queue the audit entry), so the figures are what the
app costs, without a network or a WSGI server in front. The bar is p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import datetime, timedelta

import psycopg

from backoffice.app import create_app
from backoffice.applications.models import PENDING_STATUSES
from backoffice.config import Config
from backoffice.extensions import db
from backoffice.people.models import Department, User
from backoffice.people.passwords import hash_password
from catalog import load_catalog

DECIDED = ("approved", "issued", "rejected", "withdrawn")
PASSWORD = "bench password 1"
COLUMNS = ("id", "number", "service", "department_code", "citizen_id", "status", "answers", "channel", "language",
           "fee_paise", "submitted_at", "decision_by", "decided_at", "created_at", "updated_at")  # fmt: skip


def load(url: str, applications: int, seed: int = 7) -> dict:
    """COPY `applications` rows (and their citizens) into the migrated database; return sample keys for requests."""
    rng = random.Random(seed)
    catalog = load_catalog()
    services = [(s.id, s.department, s.deadline.days or 30) for s in catalog.values()]
    weights = [9 if d == "revenue" else 4 if d == "mcd" else 2 for _, d, _ in services]
    citizens = max(1, applications // 3)
    now = datetime.now()
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    samples = {"numbers": [], "citizens": [], "mobiles": []}
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        with cur.copy("COPY citizens (id, mobile, mobile_masked, language, created_at) FROM STDIN") as copy:
            for i in range(citizens):
                mobile = f"9{i:09d}"
                copy.write_row(
                    (f"wa-bench{i:015d}", mobile, "******" + mobile[-4:], "hi" if i % 3 else "en", now)
                )
        with cur.copy(f"COPY applications ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for i in range(1, applications + 1):
                service, department, days = rng.choices(services, weights)[0]
                submitted = now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
                status = rng.choice(PENDING_STATUSES) if rng.random() < 0.12 else rng.choice(DECIDED)
                decided = (
                    None
                    if status in PENDING_STATUSES
                    else submitted + timedelta(days=rng.randint(1, days + 10))
                )
                citizen = rng.randrange(citizens)
                number = f"DL-{department[:3].upper()}-{submitted.year}-{i:06d}"
                answers = json.dumps({"applicant_name": "Bench Citizen", "pincode": "110054"})
                copy.write_row((i, number, service, department, f"wa-bench{citizen:015d}", status, answers, "whatsapp",
                                "hi", None, submitted, submitted.date() + timedelta(days=days), decided, submitted,
                                decided or submitted))  # fmt: skip
                if i % 997 == 0 and department == "revenue":
                    samples["numbers"].append(number)
                    samples["citizens"].append(f"wa-bench{citizen:015d}")
                    samples["mobiles"].append(f"9{citizen:09d}")
        cur.execute("SELECT setval('applications_id_seq', %s)", (applications,))
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")
    return samples


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def timed(client, path: str, requests: int, **kwargs) -> dict:
    """p50 / p95 / max in milliseconds of `requests` GETs of `path` (a callable gives a fresh path each time)."""
    for _ in range(3):  # warm caches and the connection pool
        client.get(path() if callable(path) else path, **kwargs)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path() if callable(path) else path, **kwargs)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1)}  # fmt: skip


def run(url: str, applications: int, requests: int) -> dict:
    """Migrate, load, then time the realistic requests."""
    from flask_migrate import upgrade

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.BACKOFFICE_API_TOKEN = "bench-token"
    config.ARGON2_TIME_COST, config.ARGON2_MEMORY_COST, config.ARGON2_PARALLELISM = 1, 8, 1
    app = create_app(config)
    with app.app_context():
        upgrade()
        for service in load_catalog().values():
            if db.session.get(Department, service.department) is None:
                db.session.add(Department(code=service.department, name_en=service.department_name.en,
                                          name_hi=service.department_name.hi))  # fmt: skip
                db.session.flush()
        db.session.add(User(username="bench.officer", full_name="Bench Officer", role="officer",
                            department_code="revenue", password_hash=hash_password(PASSWORD),
                            must_change_password=False))  # fmt: skip
        db.session.commit()
    started = time.perf_counter()
    samples = load(url, applications)
    load_seconds = time.perf_counter() - started

    officer = app.test_client()
    login_page = officer.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        officer.post(
            "/login", data={"username": "bench.officer", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    shown = officer.get("/queue").get_data(as_text=True).count('href="/applications/')
    assert shown == app.config["QUEUE_PAGE_SIZE"], (
        f"the queue showed {shown} rows"
    )  # timing an empty page proves nothing
    rng = random.Random(1)
    pick = lambda key: rng.choice(samples[key])  # noqa: E731
    queue = {
        "open, by deadline": "/queue",
        "one service, open": "/queue?service=income_certificate",
        "under review": "/queue?status=under_review",
        "overdue": "/queue?deadline=overdue",
        "due soon": "/queue?deadline=due_soon",
        "any status": "/queue?status=all",
        "page 20": "/queue?page=20",
        "search by number": lambda: f"/queue?status=all&q={pick('numbers')}",
        "search by mobile": lambda: f"/queue?status=all&q={pick('mobiles')}",
    }
    api = app.test_client()
    headers = {"Authorization": "Bearer bench-token"}
    status_api = {
        "citizen's applications": lambda: f"/api/v1/citizens/{pick('citizens')}/applications",
        "one application": lambda: (lambda i: f"/api/v1/applications/{samples['numbers'][i]}?citizen={samples['citizens'][i]}")(
            rng.randrange(len(samples["numbers"]))
        ),
    }  # fmt: skip
    results = {
        "applications": applications,
        "load_seconds": round(load_seconds, 1),
        "queue_page": {name: timed(officer, path, requests) for name, path in queue.items()},
        "status_api": {
            name: timed(api, path, requests, headers=headers) for name, path in status_api.items()
        },
    }
    worst = max(r["p95_ms"] for group in ("queue_page", "status_api") for r in results[group].values())
    results["worst_p95_ms"] = worst
    results["bar_p95_under_200ms"] = worst < 200
    return results


def main() -> None:
    """Parse arguments, run, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (default: start a throw-away server)"
    )
    args = parser.parse_args()
    server = None
    url = args.database_url
    if url is None:
        from tests.backoffice.pg_server import PostgresServer

        server = PostgresServer(settings=("shared_buffers=256MB", "maintenance_work_mem=256MB")).start()
        url = server.create_database("bench")
    try:
        print(json.dumps(run(url, args.applications, args.requests), indent=2))
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
