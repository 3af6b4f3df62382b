"""Saved reports mailed on a schedule: who may schedule one, to whom, and the beat's sending of those due.

A schedule belongs to a saved report and so to its scope: a department head's report is always run for their
department only (the saved report's `department_code`), whatever its filters say, exactly as on screen.
Recipients must be on one of the state's mail domains (REPORT_MAIL_DOMAINS, subdomains included): a report
holds the state's figures and must not leave its mail system. The mail goes through the one SMTP sender
(`backoffice.core.mail`); every schedule, unschedule and mail sent is audited.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta
from itertools import islice

from flask import current_app
from sqlalchemy import select

from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.core import mail
from backoffice.extensions import db
from backoffice.people import services as people
from backoffice.people.models import User
from backoffice.reports import services
from backoffice.reports.access import WATCH_ROLES
from backoffice.reports.dialect import IST_OFFSET
from backoffice.reports.export import csv_chunks, xlsx_file
from backoffice.reports.models import ReportSchedule
from backoffice.reports.query import ReportRefused, ReportSpec, label_of, stream

log = logging.getLogger(__name__)
FREQUENCIES = {"daily": ("Daily", "रोज़"), "weekly": ("Weekly, on Mondays", "हर सोमवार")}
FORMATS = ("csv", "xlsx")
MAX_RECIPIENTS = 20
# Deliberately simple: one @, no spaces; the domain check below is what matters.
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$")
SYSTEM = Actor("system", "report-mail")
MIME = {
    "csv": ("text", "csv"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def allowed_domains() -> list[str]:
    """The mail domains a report may be sent to (lower case)."""
    return [d.strip().lower() for d in current_app.config["REPORT_MAIL_DOMAINS"].split(",") if d.strip()]


def parse_recipients(text: str) -> list[str]:
    """The addresses in `text` (commas, semicolons, spaces or lines between them); ReportRefused says which is not
    allowed, in English and Hindi."""
    addresses = list(dict.fromkeys(a.strip().lower() for a in re.split(r"[\s,;]+", text or "") if a.strip()))
    if not addresses:
        raise ReportRefused("Give at least one email address / कम से कम एक ईमेल पता दें")
    if len(addresses) > MAX_RECIPIENTS:
        raise ReportRefused(f"At most {MAX_RECIPIENTS} addresses / अधिकतम {MAX_RECIPIENTS} पते")
    domains = allowed_domains()
    for address in addresses:
        match = _ADDRESS.match(address)
        domain = match.group(1) if match else ""
        if not match or not any(domain == d or domain.endswith("." + d) for d in domains):
            raise ReportRefused(
                f"{address[:80]!r} is not an address on {', '.join(domains)} / "
                f"{address[:80]!r} सरकारी ईमेल ({', '.join(domains)}) का पता नहीं है"
            )
    return addresses


def next_due(frequency: str, after: datetime) -> datetime:
    """The next sending time (UTC) after `after`: REPORT_MAIL_HOUR IST every day, or on Mondays for weekly."""
    local = after + IST_OFFSET
    due = datetime.combine(local.date(), time(current_app.config["REPORT_MAIL_HOUR"]))
    if due <= local:
        due += timedelta(days=1)
    if frequency == "weekly":
        due += timedelta(days=(7 - due.weekday()) % 7)
    return due - IST_OFFSET


def schedule_of(report_id: int) -> ReportSchedule | None:
    """The schedule of a saved report, if it has one."""
    return db.session.scalar(select(ReportSchedule).where(ReportSchedule.report_id == report_id))


def schedule(user: User, report_id: int, recipients: str, frequency: str, file_format: str, now: datetime):
    """Mail the saved report `report_id` (one `user` may open) to `recipients`; replaces an earlier schedule."""
    report = services.saved_report(user, report_id)
    if frequency not in FREQUENCIES:
        raise ReportRefused("Choose daily or weekly / रोज़ या साप्ताहिक चुनें")
    if file_format not in FORMATS:
        raise ReportRefused("Choose CSV or XLSX / CSV या XLSX चुनें")
    addresses = parse_recipients(recipients)
    plan = schedule_of(report.id) or ReportSchedule(report_id=report.id)
    plan.frequency, plan.file_format, plan.recipients = frequency, file_format, addresses
    plan.created_by_id, plan.next_due_at = user.id, next_due(frequency, now)
    db.session.add(plan)
    db.session.flush()
    audit.record(people.actor_for(user), "report.scheduled", f"report:{report.id}",
                 {"frequency": frequency, "format": file_format, "recipients": addresses})  # fmt: skip
    return plan


def unschedule(user: User, report_id: int) -> bool:
    """Stop mailing the saved report `report_id` (one `user` may open); False when it was not scheduled."""
    report = services.saved_report(user, report_id)
    plan = schedule_of(report.id)
    if plan is None:
        return False
    db.session.delete(plan)
    audit.record(
        people.actor_for(user), "report.unscheduled", f"report:{report.id}", {"recipients": plan.recipients}
    )
    return True


def _attachment(
    spec: ReportSpec, department: str | None, file_format: str, limit: int
) -> tuple[bytes, int, bool]:
    """The report as a file of at most `limit` rows; how many rows it holds and whether more were left out."""
    rows = list(islice(stream(spec, department), limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    header = [label_of(c) for c in spec.columns]
    if file_format == "csv":
        return "".join(csv_chunks(header, rows, [0])).encode(), len(rows), more
    workbook, count = xlsx_file(header, rows)
    with workbook:
        return workbook.read(), count, more


def send(plan: ReportSchedule, now: datetime) -> int:
    """Run the report in its owner's scope, mail it with its file, audit it and set the next time; return rows."""
    report = plan.report
    creator = db.session.get(User, plan.created_by_id)
    department = report.department_code
    # The person who scheduled it must still be allowed to see it; otherwise it stops, on the record.
    if (
        creator is None
        or not creator.active
        or creator.role not in WATCH_ROLES
        or (creator.role == "department_head" and creator.department_code != department)
    ):
        db.session.delete(plan)
        audit.record(
            SYSTEM, "report.unscheduled", f"report:{report.id}", {"reason": "scheduler no longer allowed"}
        )
        return 0
    spec = ReportSpec.from_json(report.spec)
    limit = current_app.config["REPORT_MAIL_MAX_ROWS"]
    content, rows, more = _attachment(spec, department, plan.file_format, limit)
    day = (now + IST_OFFSET).date().isoformat()
    message = mail.new_message(
        plan.recipients, f"Seva report: {report.name} ({day}) / सेवा रिपोर्ट: {report.name}"
    )
    scope = department or "all departments / सभी विभाग"
    cut = (f"Only the first {limit} rows are attached; download the whole report from the back-office.\n"
           f"केवल पहली {limit} पंक्तियाँ संलग्न हैं; पूरी रिपोर्ट बैक-ऑफ़िस से डाउनलोड करें।\n") if more else ""  # fmt: skip
    message.set_content(
        f"“{report.name}”, {day}: {rows} rows, {scope}. The report is attached ({plan.file_format.upper()}).\n"
        f"“{report.name}”, {day}: {rows} पंक्तियाँ, {scope}। रिपोर्ट संलग्न है ({plan.file_format.upper()})।\n{cut}\n"
        f"Sent {FREQUENCIES[plan.frequency][0].lower()} because {creator.full_name} scheduled it; "
        f"to stop, open the report in Seva's back-office and unschedule it.\n"
        f"{creator.full_name} ने यह भेजना तय किया ({FREQUENCIES[plan.frequency][1]}); रोकने के लिए बैक-ऑफ़िस में "
        f"रिपोर्ट खोलकर शेड्यूल हटाएँ।\n"
    )
    maintype, subtype = MIME[plan.file_format]
    name = f"seva-report-{report.id}-{day}.{plan.file_format}"
    message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    mail.send(message)
    plan.last_sent_at, plan.next_due_at = now, next_due(plan.frequency, now)
    audit.record(SYSTEM, "report.emailed", f"report:{report.id}",
                 {"scheduled_by": creator.username, "recipients": plan.recipients, "format": plan.file_format,
                  "rows": rows, "complete": not more, **spec.to_json()})  # fmt: skip
    return rows


def send_due(now: datetime) -> int:
    """Mail every schedule whose time has come, each in its own transaction; return how many went out.

    A mail that fails (the relay away) stays due and is tried at the next sweep.
    """
    due = (
        select(ReportSchedule.id)
        .where(ReportSchedule.next_due_at <= now)
        .order_by(ReportSchedule.next_due_at)
    )
    sent = 0
    for schedule_id in db.session.scalars(due).all():
        # Locked so two beats (or a slow sweep overrun by the next) never mail the same report twice.
        plan = db.session.scalar(
            select(ReportSchedule).where(ReportSchedule.id == schedule_id, ReportSchedule.next_due_at <= now)
            .with_for_update(skip_locked=True)
        )  # fmt: skip
        if plan is None:
            continue
        try:
            send(plan, now)
        except OSError as error:  # smtplib's errors are OSErrors
            db.session.rollback()
            log.warning("report schedule %s not mailed: %s", schedule_id, error)
            continue
        db.session.commit()
        sent += 1
    return sent
