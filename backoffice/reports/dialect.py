"""The few SQL expressions that differ between PostgreSQL (production) and SQLite (development) in reports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Date, Integer, cast, func, literal_column
from sqlalchemy.sql import ColumnElement

IST_OFFSET = timedelta(hours=5, minutes=30)
# Statuses of a decision, for processing times, deadlines kept and the share rejected.
DECIDED = ("approved", "issued", "rejected")


class Dialect:
    """The date expressions of one database."""

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

    def whole_days(self, start: ColumnElement, end: ColumnElement) -> ColumnElement:
        """IST calendar days from `start` to `end` (timestamps), as an integer."""
        if self.postgres:
            return self.local_date(end) - self.local_date(start)
        return cast(func.julianday(self.local_date(end)) - func.julianday(self.local_date(start)), Integer)

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
