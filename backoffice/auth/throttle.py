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
