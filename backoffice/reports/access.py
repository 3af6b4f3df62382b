"""Who may watch the dashboard and reports: administrators (every department) and department heads (their own)."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from backoffice.people.models import User

WATCH_ROLES = ("admin", "department_head")


def watch_required(view):
    """Signed in as an administrator or a department head; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in WATCH_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def watched_department(user: User) -> str | None:
    """The one department `user` may see, or None for every department (administrators)."""
    if user.role == "admin":
        return None
    if user.role == "department_head" and user.department_code:
        return user.department_code
    # Anyone else reaching a report function is a bug: refuse rather than show every department.
    abort(403)
