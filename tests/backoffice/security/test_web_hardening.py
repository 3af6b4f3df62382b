"""Behind nginx: real client addresses, per-account-and-address throttling, safe cookies, security headers,
a first password that never travels in a cookie, and the first admin created from the shell."""

import subprocess
import sys

import pytest
from sqlalchemy import select

from backoffice.app import create_app
from backoffice.config import TestConfig
from backoffice.extensions import db
from backoffice.people.models import User
from backoffice.people.passwords import check_password
from tests.backoffice.conftest import PASSWORD, Auth, add_user, csrf_token
from tests.servers import ROOT

NGINX = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy's address


@pytest.fixture
def proxied_app(tmp_path):
    from flask_migrate import upgrade

    app = create_app(TestConfig(PROXY_HOPS=1, DOCUMENTS_DIR=str(tmp_path / "documents")))
    with app.app_context():
        upgrade()
        add_user("rev.officer", "officer", "revenue")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def login_from(app, address: str, password: str):
    client = app.test_client()
    client.environ_base.update({**NGINX, "HTTP_X_FORWARDED_FOR": address})
    return Auth(client).login("rev.officer", password)


def test_a_stranger_guessing_cannot_lock_the_officer_out(proxied_app):
    for _ in range(6):
        login_from(proxied_app, "203.0.113.66", "guess")
    assert login_from(proxied_app, "203.0.113.66", PASSWORD).status_code == 429  # the guesser is stopped
    assert login_from(proxied_app, "198.51.100.7", PASSWORD).status_code == 302  # the officer is not


def test_the_audit_log_gets_the_citizens_address_not_the_proxys(proxied_app):
    login_from(proxied_app, "198.51.100.7", PASSWORD)
    from backoffice.audit.models import AuditEntry

    with proxied_app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.signed_in"))
        assert entry.source == "198.51.100.7"


def test_production_cookies_are_secure_httponly_samesite_and_headers_are_set(tmp_path):
    app = create_app(TestConfig(SESSION_COOKIE_SECURE=True, PROXY_HOPS=1, DOCUMENTS_DIR=str(tmp_path)))
    client = app.test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"}, environ_base=NGINX)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_first_password_is_shown_in_the_page_and_never_in_the_session_cookie(client, auth, people, app):
    auth.login("admin")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        "/admin/users",
        data={"username": "asha.verifier", "full_name": "Asha", "role": "officer", "department": "revenue",
              "csrf_token": token},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    shown = page.split('id="first-password"')[1].split("<code>")[1].split("</code>")[0]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "asha.verifier"))
        assert check_password(user.password_hash, shown) and user.must_change_password
    session = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    assert shown not in str(session)


def test_flask_users_create_reads_the_password_from_stdin(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SEVA_HOME": str(ROOT), "SECRET_KEY": "k" * 32,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'seva.db'}"}  # fmt: skip
    flask = [sys.executable, "-m", "flask", "--app", "backoffice.app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    create = [*flask, "users", "create", "root.admin", "--full-name", "First Admin", "--role", "admin"]
    weak = subprocess.run(create, cwd=ROOT, env=env, input="short\n", capture_output=True, text=True)
    assert weak.returncode == 1 and "refused" in weak.stderr
    done = subprocess.run(
        create, cwd=ROOT, env=env, input="a long chosen passphrase\n", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "a long chosen passphrase" not in done.stdout + done.stderr
    app = create_app(TestConfig(SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"]))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "root.admin"))
        assert user.role == "admin" and not user.must_change_password
        assert check_password(user.password_hash, "a long chosen passphrase")
