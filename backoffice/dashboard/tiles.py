"""The dashboard's tiles, each a plain function of the department watched (None: every department).

Database tiles read the applications, payments and OCR tables; traffic tiles read the Redis counters the channel
and the back-office keep (`whatsapp_contract/meter.py`). A department head's tiles count only their department's
applications, payments and documents, and only their department's WhatsApp numbers.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import case, func, select

from backoffice.applications import deadlines
from backoffice.applications.models import PENDING_STATUSES, Application
from backoffice.core.clock import today_ist, utcnow
from backoffice.csc.models import CscCollection
from backoffice.extensions import db
from backoffice.handover import services as handover
from backoffice.jobs.redis_client import redis_client
from backoffice.ocr.models import OcrResult
from backoffice.payments.models import PAID, PaymentIntent
from backoffice.reports import ocr_days
from backoffice.reports.models import ApplicationMonth, OcrVerdictDay
from whatsapp_contract import meter
from whatsapp_contract.numbers import parse_numbers

log = logging.getLogger(__name__)
IST_OFFSET = timedelta(hours=5, minutes=30)
TRAFFIC_MINUTES = 30
ACTIVE_MINUTES = 30
OCR_DAYS = 30
# The methods the state reports fees by; a provider's own names map onto them in `_fee_method`.
FEE_METHODS = ("upi", "whatsapp", "card", "netbanking", "csc_cash")


def _numbers(department: str | None) -> list[str]:
    """The business numbers whose traffic `department` may see (all for administrators)."""
    numbers = parse_numbers(current_app.config["WHATSAPP_NUMBERS"])
    return [n for n, d in numbers.items() if department is None or d == department]


def _scoped(query, department: str | None):
    return query if department is None else query.where(Application.department_code == department)


def messages_per_minute(department: str | None) -> dict[str, Any]:
    """Messages in and out per minute over the last half hour, per business number (None when Redis is away)."""
    numbers = _numbers(department)
    last = meter.minute_of()
    minutes = list(range(last - TRAFFIC_MINUTES + 1, last + 1))
    try:
        pipe = redis_client().pipeline(transaction=False)
        for minute in minutes:
            pipe.hgetall(meter.minute_key(minute))
        counts = pipe.execute()
    except RedisError as error:
        log.warning("dashboard cannot read message counters: %s", error)
        return {"recorded": False, "numbers": numbers, "minutes": [], "series": {}}
    series = {n: {"in": [], "out": []} for n in numbers}
    for row in counts:
        fields = {k.decode(): int(v) for k, v in row.items()}
        for n in numbers:
            series[n]["in"].append(fields.get(f"in:{n}", 0))
            series[n]["out"].append(fields.get(f"out:{n}", 0))
    labels = [(datetime.utcfromtimestamp(m * 60) + IST_OFFSET).strftime("%H:%M") for m in minutes]
    return {
        "recorded": True,
        "numbers": numbers,
        "minutes": labels,
        "series": series,
        "last_minute": {n: {"in": s["in"][-1], "out": s["out"][-1]} for n, s in series.items()},
        "total_in": sum(sum(s["in"]) for s in series.values()),
        "total_out": sum(sum(s["out"]) for s in series.values()),
    }


def active_conversations(department: str | None) -> int | None:
    """Citizens who wrote to the department's numbers in the last half hour (HyperLogLog estimate), or None."""
    last = meter.minute_of()
    keys = [
        meter.senders_key(m, n)
        for m in range(last - ACTIVE_MINUTES + 1, last + 1)
        for n in _numbers(department)
    ]
    if not keys:
        return 0
    try:
        return int(redis_client().pfcount(*keys))
    except RedisError:
        return None


def handover_queue(department: str | None) -> int:
    """Conversations waiting for a person in the officers' inbox (all departments for None)."""
    return handover.queue_length(department)


def applications_by(department: str | None) -> dict[str, dict[str, int]]:
    """Submitted applications counted by status, by service and by department."""
    tile: dict[str, Counter[str]] = {"status": Counter(), "service": Counter(), "department": Counter()}
    for code, service, status, count in db.session.execute(_by_department_service_status(department)):
        tile["status"][status] += int(count)
        tile["service"][service] += int(count)
        tile["department"][code] += int(count)
    return {name: dict(counts) for name, counts in tile.items()}


def _by_department_service_status(department: str | None):
    """Count per (department, service, status) of submitted applications, from the monthly counts (reports/daily.py:
    a few thousand rows where the applications are a million; as current as the beat's last refresh)."""
    d = ApplicationMonth
    query = select(d.department, d.service, d.status, func.sum(d.applications)).group_by(
        d.department, d.service, d.status
    )
    return query if department is None else query.where(d.department == department)


def applications_by_department_and_status() -> list[tuple[str, str, int]]:
    """(department, status, count) of every submitted application, for /metrics."""
    counts: Counter[tuple[str, str]] = Counter()
    for code, _service, status, count in db.session.execute(_by_department_service_status(None)):
        counts[(code, status)] += count
    return [(code, status, count) for (code, status), count in sorted(counts.items())]


def deadline_tile(department: str | None) -> dict[str, int]:
    """Pending applications within their deadline, close to it and overdue, and the compensation owed (paise)."""
    query = _scoped(
        select(Application.decision_by, func.count(Application.id))
        .where(Application.status.in_(PENDING_STATUSES), Application.decision_by.is_not(None))
        .group_by(Application.decision_by),
        department,
    )
    today = today_ist()
    tile = {deadlines.ON_TIME: 0, deadlines.DUE_SOON: 0, deadlines.OVERDUE: 0, "compensation_paise": 0}
    # One row per deadline date (a few hundred at most), judged by the Act's own rules in deadlines.py.
    for due, count in db.session.execute(query):
        state = deadlines.deadline_state(due, today)
        tile[state.state] += count
        tile["compensation_paise"] += state.compensation_paise * count
    return tile


def _fee_method(provider: str, method: str | None) -> str:
    if provider == "whatsapp":
        return "whatsapp"
    if provider == "upi" or method == "upi":
        return "upi"
    if method in ("card", "netbanking", "csc_cash"):
        return method
    return "card" if method in ("emi", "credit_card", "debit_card") else (method or "other")


def fees(department: str | None) -> dict[str, dict[str, int]]:
    """Fees paid today and this month (IST), in paise, by method, the government fees taken at CSC counters
    included (cash as CSC cash, UPI as UPI; the CSC's own Rs 50 charge is not a government fee)."""
    today = today_ist()
    month_start = datetime.combine(today.replace(day=1), time()) - IST_OFFSET
    day_start = datetime.combine(today, time()) - IST_OFFSET
    paid = func.coalesce(PaymentIntent.amount_paid_paise, PaymentIntent.amount_paise)
    query = (
        select(PaymentIntent.provider, PaymentIntent.method,
               func.sum(case((PaymentIntent.settled_at >= day_start, paid), else_=0)), func.sum(paid))
        .where(PaymentIntent.status == PAID, PaymentIntent.settled_at >= month_start)
        .group_by(PaymentIntent.provider, PaymentIntent.method)
    )  # fmt: skip
    if department is not None:
        # A department's fees are its applications' fees; taxes and bills are not any head's to see here.
        query = query.join(Application, Application.id == PaymentIntent.application_id).where(
            Application.department_code == department
        )
    counter = (
        select(CscCollection.method, func.sum(case((CscCollection.recorded_at >= day_start, CscCollection.fee_paise),
                                                   else_=0)), func.sum(CscCollection.fee_paise))
        .where(CscCollection.reversed_at.is_(None), CscCollection.recorded_at >= month_start)
        .group_by(CscCollection.method)
    )  # fmt: skip
    if department is not None:
        counter = counter.join(Application, Application.id == CscCollection.application_id).where(
            Application.department_code == department
        )
    tile = {"today": dict.fromkeys(FEE_METHODS, 0), "month": dict.fromkeys(FEE_METHODS, 0)}
    rows = [(_fee_method(p, m), t, mo) for p, m, t, mo in db.session.execute(query)]
    rows += [("csc_cash" if m == "cash" else "upi", t, mo) for m, t, mo in db.session.execute(counter)]
    for bucket, today_paise, month_paise in rows:
        tile["today"][bucket] = tile["today"].get(bucket, 0) + int(today_paise or 0)
        tile["month"][bucket] = tile["month"].get(bucket, 0) + int(month_paise or 0)
    return tile


def ocr(department: str | None) -> dict[str, Any]:
    """OCR verdicts of the last 30 days: pass rate (a match) and the share sent back to the citizen (refused).

    A department's verdicts come from the beat's per-day counts (reports/ocr_days.py) for the window's whole days,
    and from the raw tables for its first, partial day; everyone's straight from the OCR results' index.
    """
    since = utcnow() - timedelta(days=OCR_DAYS)
    if department is None:
        query = (
            select(OcrResult.verdict, func.count(OcrResult.id))
            .where(OcrResult.created_at >= since)
            .group_by(OcrResult.verdict)
        )
        verdicts = Counter(dict(db.session.execute(query).all()))
    else:
        next_day = since.date() + timedelta(days=1)
        whole = (
            select(OcrVerdictDay.verdict, func.sum(OcrVerdictDay.results))
            .where(OcrVerdictDay.department == department, OcrVerdictDay.day >= next_day)
            .group_by(OcrVerdictDay.verdict)
        )
        partial = ocr_days.partial_day(department, since, datetime.combine(next_day, time()))
        verdicts = Counter()
        for verdict, count in db.session.execute(whole):
            verdicts[verdict] += int(count)
        for verdict, count in db.session.execute(partial):
            verdicts[verdict] += count
    total = sum(verdicts.values())
    return {
        "total": total,
        "pass_rate": round(100 * verdicts["match"] / total, 1) if total else None,
        "sent_back": round(100 * verdicts["refused"] / total, 1) if total else None,
    }


def _today_counts(department: str | None) -> dict[str, int] | None:
    try:
        raw = redis_client().hgetall(meter.day_key(meter.day_of()))
    except RedisError:
        return None
    numbers = set(_numbers(department))
    counts: Counter[str] = Counter()
    for key, value in raw.items():
        kind, _, rest = key.decode().partition(":")
        number, _, code = rest.partition(":")
        if number in numbers:
            counts[f"{kind}:{code}" if code else kind] += int(value)
    return dict(counts)


def nlu_fallback(department: str | None) -> dict[str, Any]:
    """Today's bot turns on the department's numbers and the share answered with the fallback ("not understood")."""
    counts = _today_counts(department)
    if counts is None:
        return {"recorded": False}
    turns = counts.get("turns", 0)
    return {"recorded": True, "turns": turns,
            "rate": round(100 * counts.get("fallback", 0) / turns, 1) if turns else None}  # fmt: skip


def delivery_failures(department: str | None) -> dict[str, Any]:
    """Today's messages Meta reported failed, by Graph error code."""
    counts = _today_counts(department)
    if counts is None:
        return {"recorded": False, "codes": {}}
    codes = {k.partition(":")[2]: v for k, v in counts.items() if k.startswith("fail:")}
    return {"recorded": True, "codes": dict(sorted(codes.items()))}


def celery_queues() -> dict[str, int] | None:
    """Tasks waiting in each Celery queue (the broker's Redis lists), or None when Redis is away."""
    settings = current_app.config["CELERY"]
    names = {settings.get("task_default_queue", "celery")}
    names |= {route["queue"] for route in (settings.get("task_routes") or {}).values() if "queue" in route}
    try:
        pipe = redis_client().pipeline(transaction=False)
        for name in sorted(names):
            pipe.llen(name)
        return dict(zip(sorted(names), pipe.execute(), strict=True))
    except RedisError:
        return None


def snapshot(department: str | None) -> dict[str, Any]:
    """Every tile at once, as the page and its live stream receive them."""
    return {
        "messages": messages_per_minute(department),
        "conversations": active_conversations(department),
        "handover": handover_queue(department),
        "applications": applications_by(department),
        "deadline": deadline_tile(department),
        "fees": fees(department),
        "ocr": ocr(department),
        "nlu": nlu_fallback(department),
        "failures": delivery_failures(department),
        "queues": celery_queues(),
    }
