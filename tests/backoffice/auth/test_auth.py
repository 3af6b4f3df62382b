"""Signing in: argon2 passwords, throttling, first-time password change, idle expiry, deactivation, CSRF."""

import time

from backoffice.extensions import db
from backoffice.people.models import User
from tests.backoffice.conftest import PASSWORD, add_user, csrf_token


def test_an_officer_signs_in_and_lands_on_the_queue(client, auth, people):
    response = auth.login("rev.officer")
    assert response.status_code == 302 and response.headers["Location"].endswith("/queue")
    page = client.get("/queue").get_data(as_text=True)
    assert 'lang="en"' in page and "कतार" in page  # Hindi reaches the page intact, as UTF-8


def test_passwords_are_stored_as_argon2id(app, people):
    with app.app_context():
        assert db.session.scalar(db.select(User.password_hash).where(User.username == "admin")).startswith(
            "$argon2id$"
        )


def test_a_wrong_password_is_refused_and_guessing_is_throttled(client, auth, people):
    for _ in range(5):
        assert auth.login("rev.officer", "wrong password").status_code == 401
    assert auth.login("rev.officer", PASSWORD).status_code == 429  # even the right one, for a minute


def test_a_first_password_must_be_changed_before_anything_else(client, auth, app):
    with app.app_context():
        add_user("new.officer", "officer", "revenue", must_change=True)
    assert auth.login("new.officer").headers["Location"].endswith("/password")
    assert client.get("/queue").headers["Location"].endswith("/password")
    token = csrf_token(client, "/password")
    weak = client.post(
        "/password", data={"current": PASSWORD, "new": "short", "confirm": "short", "csrf_token": token}
    )
    assert weak.status_code == 422
    new = "a much longer passphrase"
    done = client.post(
        "/password", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token}
    )
    assert done.status_code == 302
    assert client.get("/queue").status_code == 200


def test_an_idle_session_ends(client, auth, people, app):
    auth.login("rev.officer")
    assert client.get("/queue").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = time.time() - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    response = client.get("/queue")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/queue").status_code == 302


def test_an_admin_creates_a_user_who_must_change_the_shown_password(client, auth, people, app):
    auth.login("admin")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        "/admin/users",
        data={
            "username": "asha.verifier",
            "full_name": "Asha",
            "role": "officer",
            "department": "revenue",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "First password (shown once)" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "asha.verifier"))
        assert user.must_change_password and user.department_code == "revenue"


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in(app, people):
    officer, admin = app.test_client(), app.test_client()
    from tests.backoffice.conftest import Auth

    Auth(officer).login("rev.officer")
    Auth(admin).login("admin")
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.username == "rev.officer"))
    token = csrf_token(admin, "/admin/users")
    assert admin.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token}).status_code == 302
    assert officer.get("/queue").status_code == 302
    assert Auth(officer).login("rev.officer").status_code == 401


def test_forms_without_the_csrf_token_are_refused(client, auth, people, submitted):
    application_id = submitted()
    auth.login("rev.approver")
    response = client.post(f"/applications/{application_id}/move", data={"move": "start_review"})
    assert response.status_code == 400 and "form expired" in response.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/queue")})
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 400
    assert client.get("/queue").status_code == 302  # not signed in
