"""Limits sign-in guessing: a few failures a minute per address and username, counted in the database."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from backoffice.auth.models import LoginAttempt
from backoffice.core.clock import utcnow
from backoffice.extensions import db

WINDOW = timedelta(minutes=1)


def _key(ip: str | None, username: str) -> str:
    return f"{ip or '-'}|{username.strip().lower()[:100]}"


def is_blocked(ip: str | None, username: str) -> bool:
    """True when this address has failed for this username too often in the last minute."""
    since = utcnow() - WINDOW
    count = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == _key(ip, username), LoginAttempt.at >= since)
    )
    return count >= current_app.config["LOGIN_ATTEMPTS_PER_MINUTE"]


def record_failure(ip: str | None, username: str) -> None:
    """Count one failed sign-in (and forget failures older than the window)."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - WINDOW))
    db.session.add(LoginAttempt(key=_key(ip, username)))


def clear(ip: str | None, username: str) -> None:
    """Forget the failures once the right password is given."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == _key(ip, username)))


def _code_keys(ip: str | None, user_id: int) -> tuple[str, str]:
    return f"2fa|user:{user_id}", f"2fa|ip:{ip or '-'}"


def _failures(key: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.at >= utcnow() - WINDOW)
    )


def code_blocked(ip: str | None, user_id: int) -> bool:
    """True when the account, or the address whatever account it tries, has failed second-factor codes too often.

    Per account, so one stolen password cannot be tried against a million codes from many addresses; per
    address, so one address cannot spread its guesses over many accounts.
    """
    per_user, per_ip = _code_keys(ip, user_id)
    config = current_app.config
    return (
        _failures(per_user) >= config["TWO_FACTOR_ATTEMPTS_PER_MINUTE"]
        or _failures(per_ip) >= config["TWO_FACTOR_ADDRESS_ATTEMPTS_PER_MINUTE"]
    )


def record_code_failure(ip: str | None, user_id: int) -> None:
    """Count one refused second-factor code against the account and the address."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - WINDOW))
    db.session.add_all(LoginAttempt(key=key) for key in _code_keys(ip, user_id))
