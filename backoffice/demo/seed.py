"""Demo data for `flask seed`: every catalog department, demo users with printed passwords, some applications."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

from sqlalchemy import func, select

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.demo import samples as demo
from backoffice.demo.ledgers import seed_demo_ledgers
from backoffice.extensions import db
from backoffice.people import services as people
from backoffice.people.models import User
from backoffice.people.passwords import hash_password
from catalog import load_catalog

# (username, full name, role, department); officers and approvers for the busiest departments.
DEMO_USERS = (
    ("admin", "Seva Administrator", "admin", None),
    ("revenue.officer", "Anil Kumar (Revenue verifier)", "officer", "revenue"),
    ("revenue.approver", "Meena Sharma (SDM)", "approver", "revenue"),
    ("mcd.officer", "Ravi Verma (MCD verifier)", "officer", "mcd"),
    ("mcd.approver", "Farah Khan (MCD registrar)", "approver", "mcd"),
    ("transport.officer", "Gurpreet Singh (Transport)", "officer", "transport"),
    ("transport.approver", "Deepa Nair (MLO)", "approver", "transport"),
    ("welfare.approver", "Sanjay Gupta (Welfare)", "approver", "social_welfare"),
    ("csc.operator", "CSC Operator, Laxmi Nagar", "csc_operator", None),
    # The head of each department: its dashboard and reports only.
    ("revenue.head", "Alok Mishra (Divisional Commissioner)", "department_head", "revenue"),
    ("mcd.head", "Kavita Rao (MCD Commissioner)", "department_head", "mcd"),
    ("transport.head", "Harpreet Kaur (Transport Commissioner)", "department_head", "transport"),
    ("welfare.head", "Vinod Pillai (Director, Social Welfare)", "department_head", "social_welfare"),
    ("djb.head", "Sameer Khan (DJB CEO)", "department_head", "djb"),
    ("wcd.head", "Rekha Bansal (Director, WCD)", "department_head", "wcd"),
    ("food.head", "Tarun Sethi (Commissioner, Food Supplies)", "department_head", "food_supplies"),
    ("labour.head", "Nisha Arora (Labour Commissioner)", "department_head", "labour"),
    ("grievances.head", "Mohan Das (Public Grievances)", "department_head", "public_grievances"),
    ("nlu.trainer", "NLU Trainer", "nlu_trainer", None),
)
# (service, sender id, mobile, language, name): a few applications in several departments.
DEMO_APPLICATIONS = (
    ("income_certificate", "wa-demo0000000000000001", "9810000001", "hi", "Sunita Devi"),
    ("caste_certificate", "wa-demo0000000000000002", "9810000002", "en", "Rahul Meena"),
    ("domicile_certificate", "wa-demo0000000000000003", "9810000003", "hi", "Pooja Yadav"),
    ("birth_certificate", "wa-demo0000000000000004", "9810000004", "en", "Imran Ali"),
    ("trade_licence", "wa-demo0000000000000005", "9810000005", "hi", "Kamla Prasad"),
    ("learner_licence", "wa-demo0000000000000006", "9810000006", "en", "Neha Joshi"),
    ("old_age_pension", "wa-demo0000000000000007", "9810000007", "hi", "Ram Lal"),
)


def seed_departments() -> int:
    """Create a row for each department the catalog names; return how many were new."""
    return sum(people.ensure_department(service) for service in load_catalog().values())


def seed_users() -> Iterator[str]:
    """Create the demo users that do not exist yet; yield a line with each one's first password."""
    shared = os.environ.get("SEVA_DEMO_PASSWORD")
    for username, full_name, role, department in DEMO_USERS:
        if db.session.scalar(select(User).where(User.username == username)) is not None:
            continue
        password = shared or secrets.token_urlsafe(10)
        db.session.add(
            User(username=username, full_name=full_name, role=role, department_code=department,
                 password_hash=hash_password(password), must_change_password=shared is None)
        )  # fmt: skip
        yield f"  {username:<20} {role:<16} {department or '-':<15} password: {password}"


def seed_applications() -> int:
    """Submit the demo applications when none exist yet; a few are moved on so the queue shows variety."""
    if db.session.scalar(select(func.count()).select_from(Application)):
        return 0
    for index, (service, sender_id, mobile, language, name) in enumerate(DEMO_APPLICATIONS):
        application = demo.submitted_application(service, sender_id, mobile, language, name)
        if application.status == workflow.DOCUMENT_CHECK and index % 2 == 0:
            workflow.transition(application, "start_review", Actor("system", "ocr"), notify=False)
    return len(DEMO_APPLICATIONS)


def seed_demo() -> Iterator[str]:
    """Seed everything and commit; yield lines for the terminal."""
    yield f"departments added: {seed_departments()}"
    users = list(seed_users())
    yield f"users added: {len(users)}" + (
        " (first passwords; they must be changed at first sign-in)" if users else ""
    )
    yield from users
    yield f"applications added: {seed_applications()}"
    db.session.commit()
    yield f"property tax and water bill rows added: {seed_demo_ledgers(db.session)}"
