"""The officer's queue: filters, search by number or mobile (shown masked), pages, deadlines and bulk assignment."""

from datetime import date, datetime, timedelta

import pytest

from backoffice.applications import deadlines
from backoffice.applications.models import Application
from backoffice.extensions import db
from backoffice.people.models import User
from tests.backoffice.conftest import csrf_token


@pytest.fixture
def queue_of_three(app, submitted):
    """Three revenue applications with different deadlines: overdue by 30 days, due tomorrow, due in 20 days."""
    ids = [submitted(citizen=f"wa-q{i}", mobile=f"98111{i:05d}") for i in range(3)]
    today = date.today()
    with app.app_context():
        for application_id, offset in zip(ids, (-30, 1, 20), strict=True):
            db.session.get(Application, application_id).decision_by = today + timedelta(days=offset)
        db.session.commit()
        return [db.session.get(Application, i).number for i in ids]


def rows(client, query: str = "") -> str:
    return client.get(f"/queue{query}").get_data(as_text=True)


def test_the_queue_is_ordered_by_deadline_and_flags_overdue_with_compensation(
    client, auth, people, queue_of_three
):
    overdue, soon, later = queue_of_three
    auth.login("rev.officer")
    page = rows(client)
    assert page.index(overdue) < page.index(soon) < page.index(later)
    assert "Overdue" in page and "Rs 200 owed" in page  # 30 days late: Rs 300, capped at Rs 200
    assert "Due soon" in page


@pytest.mark.parametrize(
    ("query", "expected"), [("?deadline=overdue", 0), ("?deadline=due_soon", 1), ("?deadline=on_time", 2)]
)
def test_deadline_filters(client, auth, people, queue_of_three, query, expected):
    auth.login("rev.officer")
    page = rows(client, query)
    assert [n for n in queue_of_three if n in page] == [queue_of_three[expected]]


def test_search_by_mobile_finds_the_application_and_shows_the_mobile_masked(
    client, auth, people, queue_of_three
):
    auth.login("rev.officer")
    page = rows(client, "?q=%2B91+98111+00001")
    assert queue_of_three[1] in page and queue_of_three[0] not in page
    assert "9811100001" not in page and "******0001" in page


def test_search_by_number_and_by_status(client, auth, people, queue_of_three):
    auth.login("rev.officer")
    assert [n for n in queue_of_three if n in rows(client, f"?q={queue_of_three[2].lower()}")] == [
        queue_of_three[2]
    ]
    assert not any(n in rows(client, "?status=approved") for n in queue_of_three)


def test_pages_split_the_queue(client, auth, people, queue_of_three, app):
    app.config["QUEUE_PAGE_SIZE"] = 2
    auth.login("rev.officer")
    first, second = rows(client), rows(client, "?page=2")
    assert sum(n in first for n in queue_of_three) == 2 and "Next" in first
    assert sum(n in second for n in queue_of_three) == 1 and "Previous" in second


def test_bulk_assignment_to_an_officer_of_the_department(client, auth, people, queue_of_three, app):
    auth.login("rev.approver")
    with app.app_context():
        officer_id = db.session.scalar(db.select(User.id).where(User.username == "rev.officer"))
        other_id = db.session.scalar(db.select(User.id).where(User.username == "mcd.officer"))
        ids = db.session.scalars(db.select(Application.id).order_by(Application.id)).all()
    token = csrf_token(client, "/queue")
    client.post(
        "/queue/assign", data={"application_ids": ids[:2], "officer": officer_id, "csrf_token": token}
    )
    client.post("/queue/assign", data={"application_ids": ids[2:], "officer": other_id, "csrf_token": token})
    with app.app_context():
        assigned = {a.id: a.assigned_to_id for a in db.session.scalars(db.select(Application))}
    assert assigned == {
        ids[0]: officer_id,
        ids[1]: officer_id,
        ids[2]: None,
    }  # nobody from another department


def test_compensation_is_ten_rupees_a_day_up_to_two_hundred():
    due = date(2026, 1, 10)
    assert deadlines.deadline_state(due, date(2026, 1, 13)).compensation_paise == 3 * 1000
    assert deadlines.deadline_state(due, date(2026, 3, 1)).compensation_paise == 20000
    decided_late = deadlines.deadline_state(due, date(2026, 3, 1), decided_at=datetime(2026, 1, 15, 12))
    assert (decided_late.state, decided_late.days_late, decided_late.compensation_paise) == ("done", 5, 5000)
    assert deadlines.deadline_state(None, date(2026, 3, 1)).state == "no_deadline"
