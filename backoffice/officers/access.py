"""Who may see what: officers and approvers only their department; 404 for anything else, as if absent."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from backoffice.applications.models import Application
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.people.models import DEPARTMENT_ROLES, User

OFFICE_ROLES = ("admin", *DEPARTMENT_ROLES)


def office_required(view):
    """Signed in as an administrator, officer or approver; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in OFFICE_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    """Signed in as an administrator; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def scope(user: User) -> str | None:
    """The one department the user may see, or None for all (administrators)."""
    return user.department_code if user.role in DEPARTMENT_ROLES else None


def visible_application(user: User, application_id: int) -> Application:
    """The submitted application if the user may see it; 404 otherwise (no hint that it exists)."""
    application = db.session.get(Application, application_id)
    department = scope(user)
    if application is None or application.number is None:
        abort(404)
    if user.role in DEPARTMENT_ROLES and application.department_code != department:
        abort(404)
    return application


def visible_document(user: User, application_id: int, document_id: str) -> Document:
    """A document of an application the user may see; 404 otherwise."""
    application = visible_application(user, application_id)
    document = db.session.get(Document, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    return document
