"""The officer queue: one department's applications, filtered, searched and ordered by deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from backoffice.applications import deadlines, workflow
from backoffice.applications.models import Application
from backoffice.citizens.models import Citizen
from backoffice.extensions import db
from catalog.validation import check_mobile

DEADLINE_FILTERS = ("overdue", "due_soon", "on_time")


@dataclass(frozen=True)
class QueueFilters:
    """What the officer asked for: service, status (`open` = all pending, `all`), deadline, search text."""

    service: str = ""
    status: str = "open"
    deadline: str = ""
    search: str = ""
    page: int = 1


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and whether more follow."""

    applications: list[Application]
    page: int
    has_next: bool


def queue_query(department: str | None, filters: QueueFilters, today: date) -> Select:
    """The SELECT for the queue; `department` None means every department (administrators)."""
    query = select(Application).where(Application.number.is_not(None))
    if department is not None:
        query = query.where(Application.department_code == department)
    search = filters.search.strip()
    if search:
        mobile = check_mobile(search)
        if mobile.ok and not search.upper().startswith("DL-"):
            query = query.join(Citizen, Citizen.id == Application.citizen_id).where(
                Citizen.mobile == mobile.value
            )
        else:
            query = query.where(Application.number == search.upper())
    if filters.status == "open":
        query = query.where(Application.status.in_(workflow.PENDING))
    elif filters.status in workflow.STATUSES:
        query = query.where(Application.status == filters.status)
    if filters.service:
        query = query.where(Application.service == filters.service)
    soon = today + timedelta(days=deadlines.DUE_SOON_DAYS)
    if filters.deadline == "overdue":
        query = query.where(Application.decision_by < today)
    elif filters.deadline == "due_soon":
        query = query.where(Application.decision_by >= today, Application.decision_by <= soon)
    elif filters.deadline == "on_time":
        query = query.where(Application.decision_by > soon)
    return query.order_by(Application.decision_by.asc(), Application.id.asc())


def queue_page(department: str | None, filters: QueueFilters, today: date, per_page: int) -> QueuePage:
    """One page of the queue (no total count: counting a large department costs more than the page)."""
    page = max(1, filters.page)
    query = (
        queue_query(department, filters, today)
        .options(joinedload(Application.citizen), joinedload(Application.assigned_to))
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    rows = list(db.session.scalars(query))
    return QueuePage(rows[:per_page], page, len(rows) > per_page)
