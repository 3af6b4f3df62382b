"""Sign-in with rate limiting, sign-out, forced password change, and sessions that end when idle."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import select

from backoffice.audit import services as audit
from backoffice.auth import throttle as login_throttle
from backoffice.auth import twofactor
from backoffice.auth.forms import CodeForm, LoginForm, PasswordForm
from backoffice.core.clock import utcnow
from backoffice.extensions import db, login_manager
from backoffice.people import services as people
from backoffice.people.models import User
from backoffice.people.passwords import check_password, hash_password, weakness

blueprint = Blueprint("auth", __name__, template_folder="templates")
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in."
# Compared against when the username is unknown, so both cases take as long.
_DUMMY: dict[str, str] = {}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, or None (then the session is treated as signed out)."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@blueprint.before_app_request
def expire_idle_sessions():
    """End a session idle longer than SESSION_IDLE_MINUTES; force a first-time password change."""
    if request.path.startswith(("/api/", "/static/", "/verify/", "/VERIFY/")):
        return None
    if current_user.is_authenticated:
        now = time.time()
        idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
        if now - session.get("seen", now) > idle:
            logout_user()
            session.clear()
            flash("Your session ended after a period of inactivity. Please sign in again.")
            return redirect(url_for("auth.login"))
        session["seen"] = now
        if current_user.must_change_password and request.endpoint not in (
            "auth.change_password",
            "auth.logout",
        ):
            return redirect(url_for("auth.change_password"))
    return None


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; five failures a minute from one address for one username are refused."""
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        ip = people.client_ip()
        if login_throttle.is_blocked(ip, username):
            flash("Too many attempts. Wait a minute and try again.")
            return render_template("login.html", form=form), 429
        user = db.session.scalar(select(User).where(User.username == username))
        if not _DUMMY:
            _DUMMY["hash"] = hash_password("not a password of anyone")
        valid = check_password(user.password_hash if user else _DUMMY["hash"], form.password.data)
        if user is None or not valid or not user.active:
            login_throttle.record_failure(ip, username)
            db.session.commit()
            flash("Wrong username or password, or the account is deactivated.")
            return render_template("login.html", form=form), 401
        login_throttle.clear(ip, username)
        session.clear()
        if twofactor.enabled(user) or twofactor.required():
            # The password alone signs no one in: the code (or, the first time, enrolment) completes it.
            session[PENDING] = {"user": user.id, "at": time.time()}
            db.session.commit()
            return redirect(url_for("auth.second_factor" if twofactor.enabled(user) else "auth.two_factor"))
        return _sign_in(user, None)
    return render_template("login.html", form=form)


PENDING = "pending_2fa"
PENDING_SECONDS = 300


def _sign_in(user: User, factor: str | None):
    session.clear()
    login_user(user)
    session["seen"] = time.time()
    user.last_login_at = utcnow()
    audit.record(people.actor_for(user), "user.signed_in", f"user:{user.id}", {"second_factor": factor})
    db.session.commit()
    return redirect(url_for("auth.change_password") if user.must_change_password else _home(user))


def _pending_user() -> User | None:
    """The user who gave the right password in the last five minutes and still owes the second factor."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.active else None


@blueprint.route("/login/code", methods=["GET", "POST"])
def second_factor():
    """The code from the authenticator app (or a recovery code), after the password; throttled and audited."""
    user = _pending_user()
    if user is None or not twofactor.enabled(user):
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        ip = people.client_ip()
        if login_throttle.code_blocked(ip, user.id):
            flash("Too many wrong codes. Wait a minute and try again.")
            return render_template("second_factor.html", form=form), 429
        factor = twofactor.check(user, form.code.data, people.actor_for(user))
        if factor is None:
            login_throttle.record_code_failure(ip, user.id)
            db.session.commit()
            flash("That code is not right. Codes change every 30 seconds.")
            return render_template("second_factor.html", form=form), 401
        return _sign_in(user, factor)
    return render_template("second_factor.html", form=form)


@blueprint.route("/account/two-factor", methods=["GET", "POST"])
def two_factor():
    """Enrol an authenticator app: a QR code, one code to confirm, then recovery codes shown once.

    Reached signed in (optional enrolment), or between password and sign-in when the second factor is
    required and the user has none yet.
    """
    user = current_user if current_user.is_authenticated else _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit() and user.totp_secret and not twofactor.enabled(user):
        ip = people.client_ip()
        if login_throttle.code_blocked(ip, user.id):
            flash("Too many wrong codes. Wait a minute and try again.")
            return _enrolment_page(user, form), 429
        codes = twofactor.confirm_enrolment(user, form.code.data, people.actor_for(user))
        if codes is None:
            login_throttle.record_code_failure(ip, user.id)
            db.session.commit()
            flash("That code is not right. Check the time on your phone and try again.")
            return _enrolment_page(user, form), 401
        if not current_user.is_authenticated:
            _sign_in(user, "totp")
        else:
            db.session.commit()
        return render_template("recovery_codes.html", codes=codes)
    if twofactor.enabled(user):
        return render_template("two_factor_on.html", user=user)
    if not user.totp_secret:
        twofactor.start_enrolment(user)
        db.session.commit()
    return _enrolment_page(user, form)


def _enrolment_page(user: User, form: CodeForm):
    uri = twofactor.provisioning_uri(user)
    secret = uri.split("secret=")[1].split("&")[0]
    # The SVG is drawn by the qrcode library from our own otpauth URI: no user-supplied markup in it.
    qr = Markup(twofactor.qr_svg(uri))  # noqa: S704
    return render_template("two_factor.html", form=form, qr=qr, secret=secret)


@blueprint.post("/logout")
@login_required
def logout():
    """Sign out."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@blueprint.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (required at first sign-in)."""
    form = PasswordForm()
    if form.validate_on_submit():
        problem = weakness(form.new.data, current_user.username)
        if not check_password(current_user.password_hash, form.current.data):
            problem = "The current password is wrong."
        elif form.new.data == form.current.data:
            problem = "Choose a password different from the current one."
        if problem:
            flash(problem)
            return render_template("password.html", form=form), 422
        people.change_password(current_user, form.new.data, people.actor_for(current_user))
        db.session.commit()
        flash("Your password was changed.")
        return redirect(_home(current_user))
    return render_template("password.html", form=form)


def _home(user) -> str:
    """Where a user lands after signing in: a department head watches the dashboard, a broadcaster their
    announcements, a trainer the inbox of misunderstood messages, the others work the queue."""
    landing = {
        "department_head": "dashboard.dashboard",
        "broadcaster": "broadcasts.index",
        "nlu_trainer": "trainer.inbox_page",
    }
    return url_for(landing.get(user.role, "officers.queue"))
