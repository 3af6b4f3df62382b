"""Officers' second factor: enrolment by QR code, codes at sign-in, recovery codes, throttling, audit."""

from __future__ import annotations

import re

import pyotp
import pytest

from backoffice.audit.models import AuditEntry
from backoffice.extensions import db
from backoffice.people.models import User
from tests.backoffice.conftest import PASSWORD, add_user, csrf_token


@pytest.fixture
def production(app):
    """The app as production runs it: every role needs a second factor."""
    app.config["TWO_FACTOR_REQUIRED"] = True
    with app.app_context():
        add_user("rev.officer", "officer", "revenue")
        add_user("rev.approver", "approver", "revenue")
        add_user("admin", "admin", None)
    return app


def post(client, path, data, form_path=None):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_path or path)})


def enrol(client, username="rev.officer") -> tuple[str, list[str]]:
    """Sign in with the password and enrol; returns the TOTP secret and the recovery codes shown."""
    response = post(client, "/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/account/two-factor")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page  # the QR code, drawn inline
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)[1]
    done = post(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def signed_in(client) -> bool:
    return client.get("/queue").status_code == 200


def sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/queue")})


def actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def test_in_production_a_password_alone_signs_no_one_in(production, client):
    response = post(client, "/login", {"username": "rev.approver", "password": PASSWORD})
    assert response.status_code == 302 and "/account/two-factor" in response.location
    assert not signed_in(client)


def test_enrolment_then_every_sign_in_asks_for_the_code(production, client):
    secret, _ = enrol(client)
    assert signed_in(client)
    sign_out(client)
    response = post(client, "/login", {"username": "rev.officer", "password": PASSWORD})
    assert response.location.endswith("/login/code") and not signed_in(client)
    with production.app_context():
        stored = db.session.query(User).filter_by(username="rev.officer").one().totp_secret
        assert secret not in stored  # sealed, not in clear
    assert post(client, "/login/code", {"code": "000000"}).status_code == 401
    totp = pyotp.TOTP(secret)
    code = totp.at(totp.timecode(__import__("datetime").datetime.now()) * 30 + 30)  # the next step's code
    assert post(client, "/login/code", {"code": code}).status_code == 302
    assert signed_in(client)
    sign_out(client)
    post(client, "/login", {"username": "rev.officer", "password": PASSWORD})
    assert post(client, "/login/code", {"code": code}).status_code == 401  # a code is good once
    assert {"user.2fa_enrolled", "user.2fa_refused", "user.signed_in"} <= set(actions(production))


def test_a_recovery_code_works_once(production, client):
    _, codes = enrol(client)
    sign_out(client)
    post(client, "/login", {"username": "rev.officer", "password": PASSWORD})
    assert post(client, "/login/code", {"code": codes[3]}).status_code == 302 and signed_in(client)
    sign_out(client)
    post(client, "/login", {"username": "rev.officer", "password": PASSWORD})
    assert post(client, "/login/code", {"code": codes[3]}).status_code == 401
    assert "user.2fa_recovery_used" in actions(production)


def test_wrong_codes_are_throttled_per_account_even_with_the_right_code_after(production, client):
    secret, _ = enrol(client)
    sign_out(client)
    post(client, "/login", {"username": "rev.officer", "password": PASSWORD})
    for _ in range(5):
        assert post(client, "/login/code", {"code": "123456"}).status_code == 401
    assert post(client, "/login/code", {"code": pyotp.TOTP(secret).now()}).status_code == 429
    assert not signed_in(client)


def test_wrong_codes_are_throttled_per_address_across_accounts(production, app):
    production.config["TWO_FACTOR_ADDRESS_ATTEMPTS_PER_MINUTE"] = 6
    for username in ("rev.officer", "rev.approver"):
        client = app.test_client()
        enrol(client, username)
        sign_out(client)
    statuses = []
    for username in ("rev.officer", "rev.approver", "rev.officer", "rev.approver"):
        client = app.test_client()
        post(client, "/login", {"username": username, "password": PASSWORD})
        statuses += [post(client, "/login/code", {"code": "123456"}).status_code for _ in range(2)]
    assert statuses[:6] == [401] * 6 and statuses[6:] == [429, 429]


def test_in_development_the_second_factor_is_optional_and_can_be_turned_on(app, client, auth):
    with app.app_context():
        add_user("rev.officer", "officer", "revenue")
    assert auth.login("rev.officer").status_code == 302 and signed_in(client)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)[1]
    assert post(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()}).status_code == 200
    sign_out(client)
    assert auth.login("rev.officer").location.endswith("/login/code")  # once on, it is asked for


def test_an_administrator_resets_a_lost_second_factor(production, app):
    officer = app.test_client()
    enrol(officer)
    admin = app.test_client()
    enrol(admin, "admin")
    with app.app_context():
        officer_id = db.session.query(User).filter_by(username="rev.officer").one().id
    response = post(admin, f"/admin/users/{officer_id}/reset-two-factor", {}, form_path="/admin/users")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, officer_id).totp_enabled_at is None
    assert "user.2fa_reset" in actions(app)
    assert (
        post(officer, f"/admin/users/{officer_id}/reset-two-factor", {}, form_path="/queue").status_code
        == 403
    )
