"""Fixtures for the back-office tests: apps on SQLite or a real PostgreSQL, real workers, users and applications."""

from __future__ import annotations

import itertools
import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
from flask import Flask

from backoffice.app import create_app
from backoffice.applications import workflow
from backoffice.audit.services import Actor
from backoffice.config import TestConfig
from backoffice.demo import samples as demo
from backoffice.extensions import db
from backoffice.people.models import Department, User
from backoffice.people.passwords import hash_password
from tests.backoffice.pg_server import PostgresServer
from tests.servers import ROOT, free_port, standin_process

PASSWORD = "correct horse battery"
NUMBERS = "100000000000001:general,100000000000002:revenue,100000000000003:mcd"
REVENUE_NUMBER = "100000000000002"
_databases = itertools.count()


def consents(citizen_id: str, *purposes: str) -> None:
    """Record that the citizen agreed on WhatsApp, under the current notice, to `purposes` (default: updates)."""
    from backoffice.consent import notice, services

    for purpose in purposes or ("updates",):
        services.record(citizen_id, purpose, True, "whatsapp", "wamid:test", notice.current()["version"])


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the session; each test gets its own database on it."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def standin():
    """The WhatsApp Cloud API stand-in on a free port: (base URL, access token)."""
    token = secrets.token_hex(8)
    settings = {"WHATSAPP_ACCESS_TOKEN": token, "WHATSAPP_APP_SECRET": secrets.token_hex(8),
                "WHATSAPP_NUMBERS": NUMBERS, "STANDIN_STATUSES": "",
                "WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/nobody-listens"}  # fmt: skip
    with standin_process("standins.whatsapp", settings) as url:
        yield url, token


@dataclass
class Workers:
    """An app on a file database whose tasks go through Redis to real `celery worker` processes."""

    app: Flask
    env: dict[str, str]  # the environment every worker starts with
    graph_url: str
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start_worker(self, extra: dict[str, str] | None = None) -> subprocess.Popen:
        """Start one more worker, with `extra` over the environment."""
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "backoffice.worker", "worker", "--pool", "solo",
             "--loglevel", "WARNING", "-n", f"w{len(self.processes)}@%h"],
            cwd=ROOT, env={**self.env, **(extra or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so a SIGKILL takes its Tesseract child too
        )  # fmt: skip
        self.processes.append(worker)
        return worker

    def stop(self) -> None:
        """Stop the workers still running."""
        for worker in self.processes:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=20)


@pytest.fixture
def workers(tmp_path, redis_url, standin):
    """`workers(env, **config)`: a migrated app on a file database with Redis as broker, sending to the stand-in.

    `env` is added to what the workers (and the app's settings) read; `config` overrides settings.
    """
    from flask_migrate import upgrade

    graph_url, graph_token = standin
    made: list[Workers] = []

    def make(env: dict[str, str] | None = None, **config) -> Workers:
        environ = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'seva.db'}", "REDIS_URL": redis_url,
                   "SECRET_KEY": "worker-test", "SEVA_DOCUMENTS_DIR": str(tmp_path / "documents"),
                   "WHATSAPP_GRAPH_URL": graph_url, "WHATSAPP_ACCESS_TOKEN": graph_token, "WHATSAPP_NUMBERS": NUMBERS,
                   "PYTHONPATH": str(ROOT), **(env or {})}  # fmt: skip
        settings = TestConfig(environ=environ, SQLALCHEMY_DATABASE_URI=environ["DATABASE_URL"],
                              SECRET_KEY=environ["SECRET_KEY"], DOCUMENTS_DIR=environ["SEVA_DOCUMENTS_DIR"],
                              **config)  # fmt: skip
        settings.CELERY = {**settings.CELERY, "task_always_eager": False, "broker_url": redis_url}
        app = create_app(settings)
        with app.app_context():
            upgrade()
        made.append(Workers(app, environ, graph_url))
        return made[-1]

    yield make
    for setup in made:
        setup.stop()


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
