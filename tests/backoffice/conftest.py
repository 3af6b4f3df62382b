"""Fixtures for the back-office tests: apps on SQLite or a real PostgreSQL, clients, users and applications."""

from __future__ import annotations

import itertools
import os
import re
import secrets
import subprocess
import sys

import pytest

from backoffice.app import create_app
from backoffice.applications import workflow
from backoffice.audit.services import Actor
from backoffice.config import TestConfig
from backoffice.demo import samples as demo
from backoffice.extensions import db
from backoffice.people.models import Department, User
from backoffice.people.passwords import hash_password
from tests.backoffice.pg_server import PostgresServer
from tests.servers import ROOT, free_port, wait_for_port

PASSWORD = "correct horse battery"
NUMBERS = "100000000000001:general,100000000000002:revenue,100000000000003:mcd"
REVENUE_NUMBER = "100000000000002"
_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the session; each test gets its own database on it."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def standin():
    """The WhatsApp Cloud API stand-in on a free port: (base URL, access token)."""
    port, token = free_port(), secrets.token_hex(8)
    env = {**os.environ, "STANDIN_PORT": str(port), "WHATSAPP_ACCESS_TOKEN": token,
           "WHATSAPP_APP_SECRET": secrets.token_hex(8), "WHATSAPP_NUMBERS": NUMBERS, "STANDIN_STATUSES": "",
           "WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/nobody-listens", "PYTHONPATH": str(ROOT)}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "standins.whatsapp"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}", token
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def database(request):
    """`sqlite` unless a test is parametrised with `indirect=["database"]` over `postgresql` too."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def app(database, request, tmp_path):
    """A fresh app and schema (built by the migrations) on the chosen database."""
    overrides = {"DOCUMENTS_DIR": str(tmp_path / "documents")}
    if database == "postgresql":
        server = request.getfixturevalue("postgres")
        overrides["SQLALCHEMY_DATABASE_URI"] = server.create_database(f"t{next(_databases)}")
    app = create_app(TestConfig(**overrides))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def api(app):
    """Calls the bot's API with the service token: `api.get(path)`, `api.post(path, json=...)`."""
    return ApiClient(app)


class ApiClient:
    """The app's test client with `Authorization: Bearer <BACKOFFICE_API_TOKEN>` on every call."""

    def __init__(self, app):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {app.config['BACKOFFICE_API_TOKEN']}"}

    def __getattr__(self, method):
        call = getattr(self.client, method)
        return lambda path, **kw: call(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)


def csrf_token(client, path: str) -> str:
    """The CSRF token from the form on `path` (every form carries one)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Auth:
    """Signs test users in and out through the real login form (CSRF token included)."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        """Post the login form; returns the response."""
        token = csrf_token(self.client, "/login")
        return self.client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    def logout(self):
        """Post the sign-out form."""
        token = csrf_token(self.client, "/queue")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    """The sign-in helper for `client`."""
    return Auth(client)


def add_user(username: str, role: str, department: str | None, must_change: bool = False) -> User:
    """A user with the test password, already past the first-time change unless `must_change`."""
    if department and db.session.get(Department, department) is None:
        db.session.add(Department(code=department, name_en=department.title(), name_hi=department))
    user = User(username=username, full_name=username.replace(".", " ").title(), role=role,
                department_code=department, password_hash=hash_password(PASSWORD), must_change_password=must_change)  # fmt: skip
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def people(app):
    """Users of two departments (revenue, mcd), an administrator, a CSC operator; returns their usernames."""
    with app.app_context():
        add_user("admin", "admin", None)
        add_user("rev.officer", "officer", "revenue")
        add_user("rev.approver", "approver", "revenue")
        add_user("mcd.officer", "officer", "mcd")
        add_user("mcd.approver", "approver", "mcd")
        add_user("csc.operator", "csc_operator", None)
    return {"admin": "admin", "officer": "rev.officer", "approver": "rev.approver"}


@pytest.fixture
def submitted(app):
    """Make a submitted application through the bot's own code path: `submitted(service, sender_id, ...)` → id."""

    def make(service: str = "income_certificate", citizen: str = "wa-citizen-1", mobile: str = "9811122233",
             language: str = "hi") -> int:  # fmt: skip
        with app.app_context():
            application = demo.submitted_application(service, citizen, mobile, language)
            db.session.commit()
            return application.id

    return make


def move(app, application_id: int, name: str, actor: Actor, reason: str | None = None) -> str:
    """Make a workflow move outside any request and commit; returns the new status."""
    from backoffice.applications.models import Application

    with app.app_context():
        application = db.session.get(Application, application_id)
        workflow.transition(application, name, actor, reason, notify=False)
        db.session.commit()
        return application.status
