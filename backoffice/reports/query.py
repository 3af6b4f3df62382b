"""A report as a query: what the user picked (`ReportSpec`) becomes one SQL statement over submitted applications.

Grouped reports return one row per combination of the chosen dimensions; a report without dimensions lists the
applications themselves (one row each: the full export). Dates are India's (IST), as officers count them. The
same statement runs on PostgreSQL (production) and SQLite (development): the few date functions differ and are
chosen by dialect (dialect.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, select, union_all
from sqlalchemy.sql import ColumnElement, Select, Subquery

from backoffice.applications.models import Application
from backoffice.extensions import db
from backoffice.people.models import User
from backoffice.reports.daily import COUNTS, KEYS, next_month
from backoffice.reports.dialect import DECIDED, IST_OFFSET, Dialect
from backoffice.reports.models import ApplicationDay, ApplicationMonth
from catalog.model import Text

SCREEN_ROWS = 500

DIMENSIONS: dict[str, Text] = {
    "department": Text(en="Department", hi="विभाग"),
    "service": Text(en="Service", hi="सेवा"),
    "status": Text(en="Status", hi="स्थिति"),
    "district": Text(en="District", hi="ज़िला"),
    "channel": Text(en="Channel", hi="माध्यम"),
    "officer": Text(en="Officer", hi="अधिकारी"),
    "day": Text(en="Day", hi="दिन"),
    "week": Text(en="Week", hi="सप्ताह"),
    "month": Text(en="Month", hi="महीना"),
}
MEASURES: dict[str, Text] = {
    "count": Text(en="Applications", hi="आवेदन"),
    "fees": Text(en="Fees (Rs)", hi="शुल्क (रु)"),
    "median_days": Text(en="Median processing days", hi="मध्य निपटान दिन"),
    "p90_days": Text(en="90th percentile processing days", hi="90वाँ प्रतिशतक निपटान दिन"),
    "within_deadline_pct": Text(en="% decided within deadline", hi="% समय सीमा में निर्णय"),
    "rejected_pct": Text(en="% rejected", hi="% अस्वीकृत"),
}
# Dimensions a filter may name (day, week and month are filtered by the date range instead).
FILTERABLE = ("department", "service", "status", "district", "channel", "officer")
# The columns of a report without dimensions: one row per application.
LISTING = ("number", "department", "service", "status", "district", "channel", "officer", "submitted_at",
           "decided_at", "decision_by", "fee_rupees")  # fmt: skip


class ReportRefused(ValueError):
    """The report asks for something unknown; the message says what, in English and Hindi."""


@dataclass(frozen=True)
class ReportSpec:
    """What a report groups by, measures and keeps."""

    dimensions: tuple[str, ...] = ()
    measures: tuple[str, ...] = ("count",)
    date_from: date | None = None
    date_to: date | None = None
    filters: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportSpec:
        """Read a spec from a saved report or a form; ReportRefused names the first unknown part."""
        dimensions = tuple(dict.fromkeys(str(d) for d in data.get("dimensions") or ()))
        measures = tuple(dict.fromkeys(str(m) for m in data.get("measures") or ())) or ("count",)
        for name in dimensions:
            if name not in DIMENSIONS:
                raise ReportRefused(f"Unknown dimension {name!r} / अज्ञात आयाम")
        for name in measures:
            if name not in MEASURES:
                raise ReportRefused(f"Unknown measure {name!r} / अज्ञात माप")
        filters = []
        for name, value in (data.get("filters") or {}).items():
            if name not in FILTERABLE:
                raise ReportRefused(f"Cannot filter on {name!r} / इस पर छाँट नहीं सकते")
            if str(value).strip():
                filters.append((name, str(value).strip()[:64]))
        return cls(
            dimensions, measures, _date(data.get("from")), _date(data.get("to")), tuple(sorted(filters))
        )

    def to_json(self) -> dict[str, Any]:
        """The spec as saved and as sent back to the page."""
        return {
            "dimensions": list(self.dimensions),
            "measures": list(self.measures),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "filters": dict(self.filters),
        }

    @property
    def columns(self) -> tuple[str, ...]:
        """The report's column names, in order."""
        return self.dimensions + self.measures if self.dimensions else LISTING


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ReportRefused(f"A date is YYYY-MM-DD, not {value!r} / तारीख YYYY-MM-DD") from error


def _utc_start(day: date) -> datetime:
    """The UTC instant an IST day starts."""
    return datetime.combine(day, time()) - IST_OFFSET


def _dimension(name: str, dialect: Dialect) -> ColumnElement:
    a = Application
    return {
        "department": a.department_code,
        "service": a.service,
        "status": a.status,
        "district": func.coalesce(a.district, literal("unknown")),
        "channel": a.channel,
        "officer": func.coalesce(User.username, literal("")),
        "day": dialect.period("day", a.submitted_at),
        "week": dialect.period("week", a.submitted_at),
        "month": dialect.period("month", a.submitted_at),
    }[name]


def _measure(name: str, dialect: Dialect) -> ColumnElement:
    a = Application
    decided = a.status.in_(DECIDED)
    judged = and_(decided, a.decision_by.is_not(None), a.decided_at.is_not(None))
    on_time = and_(judged, dialect.local_date(a.decided_at) <= a.decision_by)
    return {
        "count": func.count(a.id),
        "fees": _fees(func.sum(a.fee_paise)),
        "within_deadline_pct": _percent(func.sum(case((on_time, 1), else_=0)), func.sum(case((judged, 1), else_=0))),
        "rejected_pct": _percent(func.sum(case((a.status == "rejected", 1), else_=0)),
                                 func.sum(case((decided, 1), else_=0))),
    }[name]  # fmt: skip


def _fees(paise: ColumnElement) -> ColumnElement:
    return cast(func.coalesce(paise, 0), Float) / 100.0


def _percent(part: ColumnElement, whole: ColumnElement) -> ColumnElement:
    return 100.0 * cast(part, Float) / func.nullif(cast(whole, Float), 0)


# What the daily and monthly counts (daily.py) can answer: their dimensions and the measures that are sums.
DAILY_DIMENSIONS = ("department", "service", "status", "district", "channel", "day", "week", "month")
DAILY_MEASURES = ("count", "fees", "within_deadline_pct", "rejected_pct")


def _counted_rows(spec: ReportSpec, department: str | None) -> Subquery:
    """The daily and monthly count rows covering the spec's date range and filters, as one set of rows.

    Whole months come from the month table; the days at either end of the range that do not fill a month come
    from the day table. A report by day or week reads the day table only.
    """

    def part(table, period: ColumnElement, start: date | None, end: date | None) -> Select:
        columns = [
            period.label("day"),
            *[getattr(table, k) for k in KEYS],
            *[getattr(table, c) for c in COUNTS],
        ]
        conditions = [getattr(table, name) == value for name, value in spec.filters]
        if department is not None:
            conditions.append(table.department == department)
        if start is not None:
            conditions.append(period >= start)
        if end is not None:
            conditions.append(period < end)
        return select(*columns).where(*conditions)

    days, months = ApplicationDay, ApplicationMonth
    start = spec.date_from
    end = spec.date_to + timedelta(days=1) if spec.date_to else None  # exclusive
    if any(name in ("day", "week") for name in spec.dimensions):
        return part(days, days.day, start, end).subquery()
    first = start if start is None or start.day == 1 else next_month(start)
    last = end if end is None or end.day == 1 else end.replace(day=1)
    if first is not None and last is not None and first >= last:
        return part(days, days.day, start, end).subquery()
    parts = [part(months, months.month, first, last)]
    if start is not None and start < first:
        parts.append(part(days, days.day, start, first))
    if end is not None and last < end:
        parts.append(part(days, days.day, last, end))
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def _daily_statement(spec: ReportSpec, department: str | None, dialect: Dialect) -> Select:
    """The report from the daily and monthly counts: the same figures as from the applications, from far fewer rows."""
    rows = _counted_rows(spec, department)
    columns = {
        **{k: rows.c[k] for k in KEYS},
        **{k: dialect.date_period(k, rows.c.day) for k in ("day", "week", "month")},
    }
    measures = {
        "count": cast(func.sum(rows.c.applications), Integer),
        "fees": _fees(func.sum(rows.c.fees_paise)),
        "within_deadline_pct": _percent(func.sum(rows.c.on_time), func.sum(rows.c.judged)),
        "rejected_pct": _percent(func.sum(rows.c.rejected), func.sum(rows.c.decided)),
    }
    groups = [columns[name].label(name) for name in spec.dimensions]
    query = select(*groups, *[measures[name].label(name) for name in spec.measures])
    return query.group_by(*groups).order_by(*groups)


def from_daily_counts(spec: ReportSpec) -> bool:
    """True when every dimension, filter and measure of `spec` can be read from the daily counts."""
    return (
        bool(spec.dimensions)
        and all(name in DAILY_DIMENSIONS for name in spec.dimensions)
        and all(name in DAILY_DIMENSIONS for name, _ in spec.filters)
        and all(name in DAILY_MEASURES for name in spec.measures)
    )


def _where(spec: ReportSpec, department: str | None, dialect: Dialect) -> list[ColumnElement]:
    a = Application
    conditions: list[ColumnElement] = [a.submitted_at.is_not(None)]
    if department is not None:
        conditions.append(a.department_code == department)
    if spec.date_from:
        conditions.append(a.submitted_at >= _utc_start(spec.date_from))
    if spec.date_to:
        conditions.append(a.submitted_at < _utc_start(spec.date_to + timedelta(days=1)))
    for name, value in spec.filters:
        conditions.append(_dimension(name, dialect) == value)
    return conditions


def statement(spec: ReportSpec, department: str | None) -> Select:
    """The report's SQL, for a spec without percentile measures (see summed_part); `department` (a head's) is always a condition, whatever the filters say."""
    dialect = Dialect(db.session.get_bind().dialect.name)
    if from_daily_counts(spec):
        return _daily_statement(spec, department, dialect)
    a = Application
    needs_officer = "officer" in spec.dimensions or any(name == "officer" for name, _ in spec.filters)
    if not spec.dimensions:
        query = select(
            a.number, a.department_code, a.service, a.status, func.coalesce(a.district, literal("unknown")),
            a.channel, func.coalesce(User.username, literal("")), a.submitted_at, a.decided_at, a.decision_by,
            cast(a.fee_paise, Float) / 100.0,
        ).outerjoin(User, User.id == a.assigned_to_id)  # fmt: skip
        return query.where(*_where(spec, department, dialect)).order_by(a.id)
    groups = [_dimension(name, dialect).label(name) for name in spec.dimensions]
    measures = [_measure(name, dialect).label(name) for name in spec.measures]
    query = select(*groups, *measures).select_from(a)
    if needs_officer:
        query = query.outerjoin(User, User.id == a.assigned_to_id)
    return query.where(*_where(spec, department, dialect)).group_by(*groups).order_by(*groups)


# Percentile measures and their fraction. They are computed from a histogram of whole processing days per group
# (IST calendar days from submission to decision, as the Act counts its deadline), which the database builds with
# a hash aggregate over the covering index: sorting every decided application of the range per group, as
# percentile_cont does, cost 4-5 times as much at a state's scale (README, bench/dashboard.py).
PERCENTILES = {"median_days": 0.5, "p90_days": 0.9}


def histogram_statement(spec: ReportSpec, department: str | None) -> Select:
    """(the group's dimensions..., processing days, decided applications) for every group of `spec`."""
    dialect = Dialect(db.session.get_bind().dialect.name)
    a = Application
    days = dialect.whole_days(a.submitted_at, a.decided_at)
    groups = [_dimension(name, dialect).label(name) for name in spec.dimensions]
    query = select(*groups, days, func.count()).select_from(a)
    if "officer" in spec.dimensions or any(name == "officer" for name, _ in spec.filters):
        query = query.outerjoin(User, User.id == a.assigned_to_id)
    query = query.where(*_where(spec, department, dialect), a.status.in_(DECIDED), a.decided_at.is_not(None))
    return query.group_by(*groups, days)


def _histograms(spec: ReportSpec, department: str | None) -> dict[tuple, list[tuple[int, int]]]:
    """For each group of `spec`: its (processing days, decided applications) pairs, sorted by days."""
    histograms: dict[tuple, list[tuple[int, int]]] = {}
    for *key, value, count in db.session.execute(histogram_statement(spec, department)):
        histograms.setdefault(tuple(key), []).append((int(value), int(count)))
    return {key: sorted(pairs) for key, pairs in histograms.items()}


def percentile(histogram: list[tuple[int, int]] | None, fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over the values a sorted (value, count) histogram stands for."""
    if not histogram:
        return None
    position = (sum(count for _, count in histogram) - 1) * fraction
    low_rank, high_rank = int(position), int(position) + (position % 1 > 0)
    low = high = None
    seen = 0
    for value, count in histogram:
        seen += count
        if low is None and low_rank < seen:
            low = value
        if high_rank < seen:
            high = value
            break
    return float(low + (high - low) * (position - int(position)))


def summed_part(spec: ReportSpec) -> ReportSpec:
    """`spec` without its percentile measures (which come from histograms), or `spec` itself if it has none."""
    summed = tuple(name for name in spec.measures if name not in PERCENTILES)
    if not spec.dimensions or summed == spec.measures:
        return spec
    return replace(spec, measures=summed or ("count",))


def _rows(
    spec: ReportSpec, department: str | None, limit: int | None, stream_results: bool
) -> Iterator[tuple]:
    """The report's rows; percentile measures are filled in from each group's histogram of processing days."""
    wanted = [name for name in spec.measures if name in PERCENTILES]
    base = summed_part(spec)
    query = statement(base, department)
    if limit is not None:
        query = query.limit(limit)
    options = {"stream_results": True, "yield_per": 2000} if stream_results else {}
    histograms = _histograms(spec, department) if base is not spec else {}
    width = len(spec.dimensions)
    for row in db.session.execute(query, execution_options=options):
        if base is spec:
            yield tuple(row)
            continue
        key = tuple(row[:width])
        values = dict(zip(base.measures, row[width:], strict=True))
        values.update({name: percentile(histograms.get(key), PERCENTILES[name]) for name in wanted})
        yield (*key, *[values[name] for name in spec.measures])


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, datetime):
        return (value + IST_OFFSET).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def run(spec: ReportSpec, department: str | None, limit: int | None = SCREEN_ROWS) -> list[tuple]:
    """The report's rows for the screen (at most `limit`)."""
    return [tuple(_cell(v) for v in row) for row in _rows(spec, department, limit, stream_results=False)]


def stream(spec: ReportSpec, department: str | None) -> Iterator[tuple]:
    """Every row of the report, fetched `batch` at a time through a server-side cursor (constant memory)."""
    for row in _rows(spec, department, None, stream_results=True):
        yield tuple(_cell(v) for v in row)


def label_of(column: str, language: str = "en") -> str:
    """A column's heading in `language`."""
    text = DIMENSIONS.get(column) or MEASURES.get(column)
    return text.get(language) if text else column.replace("_", " ")
