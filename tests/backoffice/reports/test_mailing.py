"""Saved reports mailed on a schedule through a real SMTP server (aiosmtpd): the file arrives with the right rows,
a department head's mail holds only their department, and only the state's mail domains may receive it."""

from __future__ import annotations

import csv
import io
import mailbox
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.extensions import db
from backoffice.reports.models import ReportSchedule, SavedReport
from backoffice.reports.tasks import send_scheduled_reports
from tests.backoffice.conftest import Auth, csrf_token
from tests.servers import mail_server


@pytest.fixture
def smtp(app, tmp_path):
    """aiosmtpd on a free port as its own process, the app mailing through it."""
    with mail_server(tmp_path / "mail") as port:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        yield mailbox.Maildir(tmp_path / "mail")


def save(client, name: str, query: str) -> int:
    """Save the report of `query` through the page, as a person would; its id."""
    token = csrf_token(client, f"/admin/reports?{query}")
    from werkzeug.datastructures import MultiDict

    fields = [tuple(pair.split("=")) for pair in query.split("&")]
    response = client.post("/admin/reports", data=MultiDict([*fields, ("name", name), ("csrf_token", token)]))
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("report=", 1)[1])


def signed_in(app, username: str):
    """A second browser, signed in as `username`."""
    client = app.test_client()
    Auth(client).login(username)
    return client


def schedule(client, report_id: int, recipients: str, frequency: str = "weekly", file_format: str = "xlsx"):
    token = csrf_token(client, f"/admin/reports?report={report_id}")
    return client.post(
        f"/admin/reports/{report_id}/schedule",
        data={"recipients": recipients, "frequency": frequency, "format": file_format, "csrf_token": token},
        follow_redirects=True,
    )


def sheet_rows(message) -> tuple[str, list[tuple]]:
    [part] = list(message.iter_attachments())
    data = part.get_payload(decode=True)
    if part.get_filename().endswith(".csv"):
        return part.get_filename(), [tuple(row) for row in csv.reader(io.StringIO(data.decode()))]
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return part.get_filename(), [tuple(row) for row in sheet.iter_rows(values_only=True)]


def mails(maildir) -> list:
    import email
    from email.policy import default

    return [email.message_from_bytes(m.as_bytes(), policy=default) for m in maildir]


def counted(department: str | None) -> Counter:
    query = select(Application.department_code, Application.status).where(
        Application.submitted_at.is_not(None)
    )
    if department:
        query = query.where(Application.department_code == department)
    return Counter(db.session.execute(query).all())


def test_a_heads_scheduled_report_arrives_weekly_with_its_rows_and_only_their_department(
    app, client, auth, population, smtp
):
    auth.login("rev.head")
    report_id = save(client, "Weekly status", "dimensions=department&dimensions=status&measures=count")
    page = schedule(client, report_id, "Chief.Revenue@delhi.gov.in; desk@revenue.delhi.gov.in").get_data(
        as_text=True
    )
    assert "Mailed weekly" in page and "chief.revenue@delhi.gov.in, desk@revenue.delhi.gov.in" in page
    with app.app_context():
        plan = db.session.scalar(select(ReportSchedule))
        due = plan.next_due_at
        assert (due + timedelta(hours=5, minutes=30)).weekday() == 0  # a Monday, 07:00 IST
        with time_machine.travel(due - timedelta(minutes=1), tick=False):
            send_scheduled_reports()
        assert list(smtp) == []  # not yet due
        with time_machine.travel(due + timedelta(minutes=1), tick=False):
            send_scheduled_reports()
            send_scheduled_reports()  # the next sweep sends nothing again
        [message] = mails(smtp)
        assert message["To"] == "chief.revenue@delhi.gov.in, desk@revenue.delhi.gov.in"
        assert "Weekly status" in message["Subject"] and "सेवा रिपोर्ट" in message["Subject"]
        name, rows = sheet_rows(message)
        assert name.endswith(".xlsx") and rows[0] == ("Department", "Status", "Applications")
        assert Counter({(d, s): n for d, s, n in rows[1:]}) == counted("revenue")
        db.session.expire_all()  # the task ran in its own session
        assert db.session.get(ReportSchedule, plan.id).next_due_at == due + timedelta(days=7)
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.emailed")).all()
        assert entry.subject == f"report:{report_id}" and f'"rows": {len(rows) - 1}' in entry.details
        assert '"scheduled_by": "rev.head"' in entry.details
        assert (
            db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.scheduled")) is not None
        )


def test_a_heads_report_filtered_on_another_department_mails_no_rows_and_the_admins_mails_all(
    app, client, auth, population, smtp
):
    auth.login("rev.head")
    # The filter names mcd: the head's scope still holds, as on screen.
    sneaky = save(client, "mcd by filter", "dimensions=department&measures=count&f_department=mcd")
    schedule(client, sneaky, "rev@delhi.gov.in", "daily", "csv")
    admin = signed_in(app, "admin")
    listing = save(admin, "Everything", "measures=count")  # no dimensions: one row per application
    schedule(admin, listing, "state@delhi.gov.in", "daily", "csv")
    with app.app_context():
        due = max(db.session.scalars(select(ReportSchedule.next_due_at)))
        with time_machine.travel(due + timedelta(minutes=1), tick=False):
            send_scheduled_reports()
        by_recipient = {m["To"]: sheet_rows(m)[1] for m in mails(smtp)}
        assert by_recipient["rev@delhi.gov.in"] == [("Department", "Applications")]
        everything = by_recipient["state@delhi.gov.in"]
        assert sorted(row[0] for row in everything[1:]) == sorted(
            db.session.scalars(select(Application.number).where(Application.submitted_at.is_not(None)))
        )
        assert {row[1] for row in everything[1:]} == {"revenue", "mcd"}


@pytest.mark.parametrize(
    "recipients",
    [
        "someone@gmail.com",
        "x@delhi.gov.in.attacker.example",
        "not-an-address",
        "",
        "a@delhi.gov.in b@nic.org",
    ],
)
def test_only_the_states_mail_domains_may_receive_a_report(app, client, auth, population, recipients):
    auth.login("admin")
    report_id = save(client, "Status", "dimensions=status&measures=count")
    page = schedule(client, report_id, recipients).get_data(as_text=True)
    assert "सरकारी ईमेल" in page or "कम से कम एक ईमेल" in page
    with app.app_context():
        assert db.session.scalar(select(ReportSchedule)) is None


def test_another_department_cannot_schedule_or_unschedule_a_heads_report(app, client, auth, population):
    auth.login("rev.head")
    report_id = save(client, "Revenue status", "dimensions=status&measures=count")
    schedule(client, report_id, "rev@delhi.gov.in")
    other = signed_in(app, "mcd.head")
    token = csrf_token(other, "/admin/reports")
    for action in ("schedule", "unschedule"):
        response = other.post(
            f"/admin/reports/{report_id}/{action}",
            data={
                "recipients": "mcd@delhi.gov.in",
                "frequency": "daily",
                "format": "csv",
                "csrf_token": token,
            },
        )
        assert response.status_code == 404
    with app.app_context():
        plan = db.session.scalar(select(ReportSchedule))
        assert plan.recipients == ["rev@delhi.gov.in"]


def test_unscheduling_stops_the_mail_and_a_head_moved_away_stops_it_too(app, client, auth, population, smtp):
    auth.login("rev.head")
    stopped = save(client, "Stopped", "dimensions=status&measures=count")
    schedule(client, stopped, "rev@delhi.gov.in", "daily")
    token = csrf_token(client, f"/admin/reports?report={stopped}")
    page = client.post(
        f"/admin/reports/{stopped}/unschedule", data={"csrf_token": token}, follow_redirects=True
    )
    assert "No longer mailed" in page.get_data(as_text=True)
    moved = save(client, "Moved", "dimensions=status&measures=count")
    schedule(client, moved, "rev@delhi.gov.in", "daily")
    with app.app_context():
        from backoffice.people.models import User

        db.session.scalar(select(User).where(User.username == "rev.head")).department_code = "mcd"
        db.session.commit()
        with time_machine.travel(
            db.session.scalar(select(ReportSchedule.next_due_at)) + timedelta(minutes=1)
        ):
            send_scheduled_reports()
        assert list(smtp) == [] and db.session.scalar(select(ReportSchedule)) is None
        assert db.session.get(SavedReport, moved) is not None
        reasons = db.session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "report.unscheduled")
        )
        assert any("no longer allowed" in r for r in reasons)


def test_the_beat_refreshes_the_counts_and_mails_due_reports(app):
    from backoffice.reports.tasks import refresh_daily_counts

    beat = app.config["CELERY"]["beat_schedule"]
    assert beat["refresh-daily-counts"]["task"] == refresh_daily_counts.name
    assert beat["refresh-daily-counts"]["schedule"] <= 5  # the dashboard follows a submission within seconds
    assert beat["send-scheduled-reports"]["task"] == send_scheduled_reports.name
    assert "backoffice.reports.tasks" in app.config["CELERY"]["include"]
