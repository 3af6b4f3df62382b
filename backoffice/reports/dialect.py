"""The few SQL expressions that differ between PostgreSQL (production) and SQLite (development) in reports."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from sqlalchemy import Date, cast, event, func, literal_column
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement

IST_OFFSET = timedelta(hours=5, minutes=30)
# Statuses of a decision, for processing times, deadlines kept and the share rejected.
DECIDED = ("approved", "issued", "rejected")


class Dialect:
    """The date and percentile expressions of one database."""

    def __init__(self, name: str):
        self.postgres = name == "postgresql"

    def local(self, column: ColumnElement) -> ColumnElement:
        """A UTC timestamp column as India's local time."""
        if self.postgres:
            return column + literal_column("interval '330 minutes'")
        return func.datetime(column, "+330 minutes")

    def period(self, kind: str, column: ColumnElement) -> ColumnElement:
        """The IST day, week (from Monday) or month of `column`, as YYYY-MM-DD text."""
        if self.postgres:
            return func.to_char(func.date_trunc(kind, self.local(column)), "YYYY-MM-DD")
        modifiers = {"day": (), "week": ("weekday 0", "-6 days"), "month": ("start of month",)}[kind]
        return func.date(column, "+330 minutes", *modifiers)

    def local_date(self, column: ColumnElement) -> ColumnElement:
        """The IST date of a timestamp, comparable with a Date column."""
        if self.postgres:
            return cast(self.local(column), Date)
        return func.date(column, "+330 minutes")

    def days_between(self, start: ColumnElement, end: ColumnElement) -> ColumnElement:
        """Days (fractional) from `start` to `end`."""
        if self.postgres:
            return func.extract("epoch", end - start) / 86400.0
        return func.julianday(end) - func.julianday(start)

    def percentile(self, fraction: float, value: ColumnElement) -> ColumnElement:
        """The continuous percentile of `value` within each group (NULLs ignored)."""
        if self.postgres:
            return func.percentile_cont(fraction).within_group(value)
        return func.seva_percentile(value, fraction)

    def month_start(self, column: ColumnElement) -> ColumnElement:
        """The first day of a date column's month, as a date."""
        if self.postgres:
            return cast(func.date_trunc("month", column), Date)
        return func.date(column, "start of month")

    def date_period(self, kind: str, column: ColumnElement) -> ColumnElement:
        """The day, week (from Monday) or month of a date column, as YYYY-MM-DD text."""
        if self.postgres:
            return func.to_char(func.date_trunc(kind, column), "YYYY-MM-DD")
        modifiers = {"day": (), "week": ("weekday 0", "-6 days"), "month": ("start of month",)}[kind]
        return func.date(column, *modifiers)


class _Percentile:
    """SQLite aggregate `seva_percentile(value, fraction)`: PostgreSQL's percentile_cont, for development."""

    def __init__(self):
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction):
        if value is not None:
            self.values.append(float(value))
        self.fraction = float(fraction)

    def finalize(self):
        if not self.values:
            return None
        ordered = sorted(self.values)
        position = (len(ordered) - 1) * self.fraction
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@event.listens_for(Engine, "connect")
def _add_sqlite_percentile(connection, _record) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.create_aggregate("seva_percentile", 2, _Percentile)
