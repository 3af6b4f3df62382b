"""Benchmark: every dashboard tile and the standard reports over 1M applications and 10M message events, on PostgreSQL.

    nice -n 10 .venv/bin/python -m bench.dashboard [--applications 1000000] [--messages 10000000] [--runs 20]

Starts a throw-away PostgreSQL 15 and Redis, builds the schema from the migrations and seeds it with SQL
(`generate_series`, no ORM): 1M applications over 2 years and the catalog's 25 services, their fee payments,
the last 60 days' documents with OCR verdicts, and 10M message events (a plain table, what a naive design
would keep). The back-office's own design keeps message counts in Redis (`whatsapp_contract/meter.py`): the
events of the last 26 hours are replayed into it, as the channel would have counted them.

Then, in the same run, each tile and report is timed `--runs` times (p50/p95), first the naive way, then as
the app does it:
- naive tiles: three separate GROUP BYs over the table, the deadline tile loading every pending application
  and judging it in Python, messages and active conversations counted from the events table;
- naive reports: the same SQL without the report's covering indexes (dropped, then rebuilt for "ours").
Finally the 1M-row CSV export is streamed through the app and its peak RSS is sampled.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
from flask_login import FlaskLoginClient
from redis import Redis
from sqlalchemy import select

from backoffice.app import create_app
from backoffice.applications import deadlines
from backoffice.applications.models import PENDING_STATUSES, Application
from backoffice.config import Config
from backoffice.core.clock import today_ist, utcnow
from backoffice.dashboard import tiles
from backoffice.demo.seed import seed_departments
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.models import OcrResult
from backoffice.people.models import User
from backoffice.reports import daily
from backoffice.reports import query as query_module
from backoffice.reports.query import ReportSpec, from_daily_counts, run
from catalog import load_catalog
from catalog.districts import districts
from tests.backoffice.pg_server import PostgresServer
from tests.servers import free_port, running
from whatsapp_contract import meter

RESULTS = Path(__file__).resolve().parent / "results"
NUMBERS = "100000000000001:general,100000000000002:revenue,100000000000003:mcd,100000000000004:transport"
OFFICERS_PER_DEPARTMENT = 6
# The standard set: what a state or department asks for each week.
STANDARD_REPORTS = {
    "department x status, all time": {"dimensions": ["department", "status"], "measures": ["count", "fees"]},
    "service x month, last 12 months": {"dimensions": ["service", "month"], "measures": ["count", "fees"], "days": 365},
    "district x week, last 90 days": {"dimensions": ["district", "week"], "measures": ["count"], "days": 90},
    "department processing time and deadlines, last 90 days": {
        "dimensions": ["department"], "days": 90,
        "measures": ["count", "median_days", "p90_days", "within_deadline_pct", "rejected_pct"]},
    "officer x status, revenue, last 90 days": {
        "dimensions": ["officer", "status"], "measures": ["count"], "days": 90, "department": "revenue"},
    "day x channel, last 30 days": {"dimensions": ["day", "channel"], "measures": ["count"], "days": 30},
    "service processing time, mcd head, last 12 months": {
        "dimensions": ["service"], "measures": ["count", "median_days", "p90_days"], "days": 365, "department": "mcd"},
}  # fmt: skip


def seed(url: str, applications: int, messages: int) -> dict[str, float]:
    """Fill the migrated database with SQL; return how long each part took (seconds)."""
    catalog = load_catalog()
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    took: dict[str, float] = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        started = time.monotonic()
        conn.execute("SELECT setseed(0.16)")
        conn.execute(
            "CREATE TEMP TABLE bench_services (n int, service text, department text, days int, fee int)"
        )
        with conn.cursor().copy("COPY bench_services FROM STDIN") as copy:
            for n, s in enumerate(catalog.values(), 1):
                fixed = s.fee is not None and s.fee.kind == "fixed" and s.fee.amount
                fee = s.fee.amount * 100 if fixed else (5000 if n % 3 else 0)
                copy.write_row((n, s.id, s.department, s.deadline.days or 30, fee))
        conn.execute("CREATE TEMP TABLE bench_districts AS SELECT row_number() OVER () AS n, d AS district "
                     "FROM unnest(%s::text[]) d", (list(districts()),))  # fmt: skip
        conn.execute(
            "CREATE TEMP TABLE bench_officers AS SELECT department_code, "
            "row_number() OVER (PARTITION BY department_code ORDER BY id) - 1 AS k, id FROM users "
            "WHERE role = 'officer'"
        )
        citizens = max(1, applications // 3)
        # Bulk load as one would: the secondary indexes are built once after the rows are in, not row by row.
        indexes = conn.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname IN ('applications', 'payment_intents', "
            "'documents', 'ocr_results') AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute(
            "INSERT INTO citizens (id, mobile, mobile_masked, language, created_at) "
            "SELECT 'wa-bench' || lpad(i::text, 15, '0'), '9' || lpad(i::text, 9, '0'), "
            "'******' || right(lpad(i::text, 9, '0'), 4), 'hi', now() FROM generate_series(1, %s) i",
            (citizens,),
        )
        conn.execute(
            """
            INSERT INTO applications (id, number, service, department_code, citizen_id, status, answers, channel,
                language, fee_paise, submitted_at, decision_by, decided_at, created_at, updated_at, district,
                assigned_to_id)
            SELECT r.g, 'DL-BENCH-' || r.g, sv.service, sv.department,
                'wa-bench' || lpad((1 + r.g %% %(citizens)s)::text, 15, '0'),
                CASE WHEN r.sub > now() AT TIME ZONE 'UTC' - interval '45 days' AND r.st < 0.7
                     THEN (%(pending)s::text[])[1 + floor(r.st * 7)::int %% cardinality(%(pending)s::text[])]
                     WHEN r.st < 0.10 THEN 'rejected' WHEN r.st < 0.13 THEN 'withdrawn' ELSE 'issued' END,
                '{"pincode": "110054"}', CASE WHEN r.ch < 0.15 THEN 'csc' ELSE 'whatsapp' END, 'hi',
                NULLIF(sv.fee, 0), r.sub, (r.sub + interval '330 minutes')::date + sv.days, NULL, r.sub, r.sub,
                d.district, o.id
            FROM (SELECT g, 1 + floor(random() * %(services)s)::int AS si, random() AS st, random() AS ch,
                         now() AT TIME ZONE 'UTC' - random() * interval '730 days' AS sub,
                         1 + floor(random() * 11)::int AS di, floor(random() * %(officers)s)::int AS oi
                  FROM generate_series(1, %(applications)s) g) r
            JOIN bench_services sv ON sv.n = r.si
            JOIN bench_districts d ON d.n = r.di
            LEFT JOIN bench_officers o ON o.department_code = sv.department AND o.k = r.oi
            """,
            {"citizens": citizens, "pending": list(PENDING_STATUSES), "services": len(catalog),
             "officers": OFFICERS_PER_DEPARTMENT, "applications": applications},
        )  # fmt: skip
        # Decided ones: most well within the deadline, a tail beyond it.
        conn.execute(
            "UPDATE applications SET decided_at = submitted_at + (random() * random() * 40 + 0.2) * interval '1 day' "
            "WHERE status IN ('issued', 'rejected', 'withdrawn')"
        )
        conn.execute("SELECT setval('applications_id_seq', %s)", (applications,))
        took["applications"] = time.monotonic() - started
        started = time.monotonic()
        conn.execute(
            """
            INSERT INTO payment_intents (reference, purpose, subject_key, application_id, citizen, language,
                amount_paise, currency, description, lines, provider, status, method, amount_paid_paise,
                refunded_paise, created_at, updated_at, settled_at)
            SELECT 'BENCH' || id, 'application_fee', 'application:' || id, id, citizen_id, 'hi', fee_paise, 'INR',
                'Application fee', '[]', (ARRAY['gateway', 'gateway', 'upi', 'whatsapp'])[1 + id % 4], 'paid',
                (ARRAY['card', 'netbanking', 'upi', 'upi'])[1 + (id / 4) % 4], fee_paise, 0,
                submitted_at, submitted_at, submitted_at + interval '3 minutes'
            FROM applications WHERE fee_paise IS NOT NULL AND status <> 'payment_pending'
            """
        )
        conn.execute(
            """
            INSERT INTO documents (id, citizen_id, application_id, requirement, mime_type, size, sha256, storage_key,
                source, created_at)
            SELECT md5('doc' || id), citizen_id, id, 'proof', 'image/jpeg', 100000, md5('sha' || id), md5('key' || id),
                'whatsapp', submitted_at
            FROM applications WHERE submitted_at > now() - interval '60 days'
            """
        )
        conn.execute(
            """
            INSERT INTO ocr_results (document_id, sha256, kind, verdict, reasons, confidences, fields, quality,
                seconds, created_at)
            SELECT id, sha256, 'aadhaar', (ARRAY['match', 'match', 'match', 'mismatch', 'refused'])[1 + floor(random() * 5)::int],
                '[]', '{}', '{}', '{}', 2.5, created_at + interval '1 minute'
            FROM documents
            """
        )
        took["payments, documents, OCR"] = time.monotonic() - started
        print("seeded applications, payments, documents", json.dumps(took), flush=True)
        started = time.monotonic()
        for _, definition in indexes:
            conn.execute(definition)
        took["indexes"] = time.monotonic() - started
        started = time.monotonic()
        conn.execute(
            "CREATE TABLE bench_message_events (at timestamp NOT NULL, number text NOT NULL, "
            "direction char(1) NOT NULL, sender text NOT NULL)"
        )
        conn.execute(
            """
            INSERT INTO bench_message_events
            SELECT now() AT TIME ZONE 'UTC' - random() * interval '730 days',
                (%(numbers)s::text[])[1 + floor(random() * cardinality(%(numbers)s::text[]))::int],
                CASE WHEN random() < 0.45 THEN 'i' ELSE 'o' END, 'wa-' || floor(random() * 300000)::int
            FROM generate_series(1, %(messages)s)
            """,
            {"numbers": NUMBERS_LIST, "messages": messages},
        )
        # A naive design would at least index the time it filters on.
        conn.execute("CREATE INDEX bench_message_events_at ON bench_message_events (at)")
        took["message events"] = time.monotonic() - started
        started = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        took["vacuum analyze"] = time.monotonic() - started
    return took


NUMBERS_LIST = [pair.split(":")[0] for pair in NUMBERS.split(",")]


def replay_into_redis(url: str, redis: Redis) -> int:
    """Count the last 26 hours of message events into the Redis meter, as the channel would have; return how many."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    count = 0
    with psycopg.connect(conninfo) as conn, conn.cursor(name="replay") as cur:
        cur.execute(
            "SELECT extract(epoch FROM at), number, direction, sender FROM bench_message_events "
            "WHERE at > now() AT TIME ZONE 'UTC' - interval '26 hours'"
        )
        pipe = redis.pipeline(transaction=False)
        for epoch, number, direction, sender in cur:
            if direction == "i":
                meter.count_inbound(pipe, number, sender, float(epoch))
            else:
                meter.count_outbound(pipe, number, 1, float(epoch))
            count += 1
            if count % 5000 == 0:
                pipe.execute()
        pipe.execute()
    return count


def timed(function, runs: int) -> dict[str, float]:
    """p50, p95 and p99 of `runs` calls, in milliseconds (after one warm-up call; with 20 runs p99 is the slowest)."""
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    samples.sort()
    return {"p50": statistics.median(samples), "p95": _rank(samples, 0.95), "p99": _rank(samples, 0.99)}


def _rank(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted samples."""
    return ordered[max(0, int(round(fraction * len(ordered))) - 1)]


# The naive ways, for the baseline.


def naive_applications(department):
    out = {}
    for column in (Application.status, Application.service, Application.department_code):
        query = (
            select(column, db.func.count(Application.id))
            .where(Application.submitted_at.is_not(None))
            .group_by(column)
        )
        if department:
            query = query.where(Application.department_code == department)
        out[column.key] = dict(db.session.execute(query).all())
    return out


def naive_deadline(department):
    query = select(Application).where(Application.status.in_(PENDING_STATUSES))
    if department:
        query = query.where(Application.department_code == department)
    today = today_ist()
    tile = {
        deadlines.ON_TIME: 0,
        deadlines.DUE_SOON: 0,
        deadlines.OVERDUE: 0,
        deadlines.NO_DEADLINE: 0,
        "paise": 0,
    }
    for application in db.session.scalars(query):
        state = deadlines.deadline_state(application.decision_by, today)
        tile[state.state] += 1
        tile["paise"] += state.compensation_paise
    return tile


def naive_messages(department):
    return db.session.execute(db.text(
        "SELECT date_trunc('minute', at), number, direction, count(*) FROM bench_message_events "
        "WHERE at > now() AT TIME ZONE 'UTC' - interval '30 minutes' GROUP BY 1, 2, 3"
    )).all()  # fmt: skip


def naive_conversations(department):
    return db.session.scalar(db.text(
        "SELECT count(DISTINCT sender) FROM bench_message_events "
        "WHERE direction = 'i' AND at > now() AT TIME ZONE 'UTC' - interval '30 minutes'"
    ))  # fmt: skip


def before_ocr(department):
    """The department's OCR tile as it was before ocr_verdict_days: results joined to documents and applications."""
    query = (
        select(OcrResult.verdict, db.func.count(OcrResult.id))
        .join(Document, Document.id == OcrResult.document_id)
        .join(Application, Application.id == Document.application_id)
        .where(OcrResult.created_at >= utcnow() - timedelta(days=tiles.OCR_DAYS))
        .where(Application.department_code == department)
        .group_by(OcrResult.verdict)
    )
    return db.session.execute(query).all()


def report_call(name: str, spec: dict):
    days = spec.get("days")
    today = today_ist()
    query = {k: v for k, v in spec.items() if k in ("dimensions", "measures")}
    if days:
        query["from"] = (today - timedelta(days=days)).isoformat()
    parsed = ReportSpec.from_json(query)

    def call():
        return run(parsed, spec.get("department"))

    call.spec = parsed
    return call


def measure(app, runs: int, heads: list[str]) -> dict[str, dict]:
    """Time every tile (for the administrator and for each head) and every standard report."""
    figures = {}
    with app.app_context():
        for who in [None, *heads]:
            label = who or "admin"
            for name, function in (
                ("applications by status/service/department", tiles.applications_by),
                ("statutory deadline", tiles.deadline_tile),
                ("fees today / month by method", tiles.fees),
                ("OCR pass rate / sent back", tiles.ocr),
                ("messages per minute per number", tiles.messages_per_minute),
                ("active conversations", tiles.active_conversations),
                ("NLU fallback rate", tiles.nlu_fallback),
                ("delivery failures by code", tiles.delivery_failures),
            ):
                figures[f"tile: {name} ({label})"] = timed(lambda f=function, w=who: f(w), runs)
                if function is tiles.ocr and who:
                    # Back to back with the tile: the query it ran before reading the per-day verdict counts.
                    figures[f"tile: OCR pass rate / sent back, before: raw join ({label})"] = timed(
                        lambda w=who: before_ocr(w), runs
                    )
                    raw = dict(before_ocr(who))
                    assert tiles.ocr(who)["total"] == sum(raw.values()), "the per-day counts disagree"
        figures["tile: Celery queue depth"] = timed(tiles.celery_queues, runs)
        figures["whole snapshot (admin)"] = timed(lambda: tiles.snapshot(None), runs)
        for name, spec in STANDARD_REPORTS.items():
            figures[f"report: {name}"] = timed(report_call(name, spec), runs)
    return figures


def measure_naive(app, runs: int, heads: list[str]) -> dict[str, dict]:
    """The baseline's timings for the tiles that have a naive counterpart, and the reports without their indexes."""
    figures = {}
    # The baseline reads the applications themselves, never the daily counts.
    query_module.from_daily_counts = lambda spec: False
    with app.app_context():
        for who in [None, *heads]:
            label = who or "admin"
            figures[f"tile: applications by status/service/department ({label})"] = timed(
                lambda w=who: naive_applications(w), runs
            )
            figures[f"tile: statutory deadline ({label})"] = timed(
                lambda w=who: naive_deadline(w), max(3, runs // 4)
            )
            figures[f"tile: messages per minute per number ({label})"] = timed(
                lambda w=who: naive_messages(w), runs
            )
            figures[f"tile: active conversations ({label})"] = timed(
                lambda w=who: naive_conversations(w), runs
            )
        for name, spec in STANDARD_REPORTS.items():
            figures[f"report: {name}"] = timed(report_call(name, spec), runs)
    query_module.from_daily_counts = from_daily_counts
    return figures


def measure_refresh(app, changes: int = 100) -> dict[str, float]:
    """Seconds to build the daily counts the first time, and to bring them up to date after `changes` decisions."""

    def refresh_now() -> float:
        started = time.monotonic()
        daily.refresh()
        db.session.commit()
        return time.monotonic() - started

    with app.app_context():
        first = refresh_now()
        pending = db.session.scalars(
            select(Application).where(Application.status == "under_review").limit(changes)
        ).all()
        for application in pending:
            application.status = "rejected"
        db.session.commit()
        incremental = refresh_now()
        # Within COMMIT_SKEW of the changes the same days are counted again; past it, nothing is.
        again = refresh_now()
    return {
        "initial_build_s": first,
        f"after_{len(pending)}_changes_s": incremental,
        "same_changes_again_s": again,
    }


def explain(app) -> dict[str, list[str]]:
    """PostgreSQL's plan (EXPLAIN ANALYZE) of each standard report as the app runs it: where its time goes."""
    plans = {}
    with app.app_context():
        for name, spec in STANDARD_REPORTS.items():
            parsed = report_call(name, spec).spec
            statements = [query_module.statement(query_module.summed_part(parsed), spec.get("department"))]
            if query_module.summed_part(parsed) is not parsed:
                statements.append(query_module.histogram_statement(parsed, spec.get("department")))
            plans[name] = []
            for statement in statements:
                compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
                plans[name] += (
                    db.session.execute(db.text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
                )
            db.session.rollback()
    return plans


def rss_kib(pid: int | None = None) -> int:
    """Resident set size of this process, in KiB."""
    for line in Path(f"/proc/{pid or os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def export_csv(app, admin_id: int) -> dict[str, float]:
    """Stream the 1M-row listing export through the app, sampling RSS while it runs."""
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        user = db.session.get(User, admin_id)
    peak = [rss_kib()]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib())
            time.sleep(0.05)

    before = rss_kib()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    lines = size = 0
    with app.test_client(user=user) as client:
        response = client.get("/admin/reports/export.csv", buffered=False)
        for chunk in response.response:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    return {"rows": lines - 1, "megabytes": size / 1e6, "seconds": seconds, "rss_before_mib": before / 1024,
            "rss_peak_mib": peak[0] / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    load = {"start": os.getloadavg()}
    RESULTS.mkdir(exist_ok=True)
    server = PostgresServer(
        ("shared_buffers=256MB", "work_mem=32MB", "max_parallel_workers_per_gather=2")
    ).start()
    redis_port = free_port()
    redis_dir = Path(server.base) / "redis"
    redis_dir.mkdir()
    redis_command = [shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--dir", str(redis_dir)]  # fmt: skip
    try:
        with running(redis_command, dict(os.environ), redis_port):
            url = server.create_database("dashboard")
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
            config = Config(
                {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "WHATSAPP_NUMBERS": NUMBERS}
            )
            app = create_app(config)
            with app.app_context():
                from flask_migrate import upgrade

                from tests.backoffice.conftest import add_user

                upgrade()
                seed_departments()
                db.session.commit()
                admin = add_user("bench.admin", "admin", None)
                admin_id = admin.id
                for department in {s.department for s in load_catalog().values()}:
                    for k in range(OFFICERS_PER_DEPARTMENT):
                        add_user(f"{department}.officer{k}", "officer", department)
            print("seeding…", flush=True)
            took = seed(url, args.applications, args.messages)
            print("seeded:", json.dumps(took), flush=True)
            replayed = replay_into_redis(url, Redis.from_url(redis_url))
            heads = ["revenue", "mcd"]
            conninfo = url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute("DROP INDEX ix_applications_report")
                conn.execute("DROP INDEX ix_applications_department_report")
            naive = measure_naive(app, args.runs, heads)
            started = time.monotonic()
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(
                    "CREATE INDEX ix_applications_report ON applications (submitted_at) INCLUDE "
                    "(department_code, service, status, district, channel, assigned_to_id, fee_paise, decided_at, "
                    "decision_by)"
                )
                conn.execute(
                    "CREATE INDEX ix_applications_department_report ON applications (department_code, submitted_at) "
                    "INCLUDE (department_code, service, status, district, channel, assigned_to_id, fee_paise, "
                    "decided_at, decision_by)"
                )
                conn.execute("VACUUM ANALYZE applications")
            took["report indexes"] = time.monotonic() - started
            refresh = measure_refresh(app)
            print("daily counts:", json.dumps(refresh), flush=True)
            ours = measure(app, args.runs, heads)
            plans = explain(app)
            export = export_csv(app, admin_id)
            with app.app_context():
                db.engine.dispose()
    finally:
        server.stop()
    load["end"] = os.getloadavg()
    summary = {"load_average_1_5_15": load, "plans": plans, "applications": args.applications, "messages": args.messages, "replayed_into_redis": replayed,
               "seed_seconds": took, "daily_counts": refresh, "naive": naive, "ours": ours, "csv_export": export}  # fmt: skip
    (RESULTS / "dashboard.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"{'':<72} {'naive p95':>10} {'ours p50':>9} {'ours p95':>9} {'ours p99':>9}")
    for name, figure in ours.items():
        base = naive.get(name)
        print(
            f"{name:<72} {base['p95'] if base else float('nan'):>10.1f} {figure['p50']:>9.1f} {figure['p95']:>9.1f}"
            f" {figure['p99']:>9.1f}"
        )
    print("load average (1, 5, 15 min):", json.dumps(load))
    print("daily counts:", json.dumps(refresh))
    print("CSV export:", json.dumps(export))


if __name__ == "__main__":
    main()
