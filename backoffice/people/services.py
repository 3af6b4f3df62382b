"""Back-office users and departments: creating and deactivating users, passwords, how users appear as audit actors."""

from __future__ import annotations

import secrets

from flask import request
from sqlalchemy import select

from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.people.models import ROLES, SCOPED_ROLES, Department, User
from backoffice.people.passwords import hash_password
from catalog import Service


class UserRefused(ValueError):
    """The user cannot be created or changed as asked; the message says why."""


def actor_for(user: User) -> Actor:
    """The audit actor for a signed-in user, with the caller's address."""
    return Actor(user.role, user.username, user.id, user.department_code, client_ip())


def client_ip() -> str | None:
    """The caller's address as the web server saw it (behind a proxy, configure ProxyFix)."""
    try:
        return request.remote_addr
    except RuntimeError:  # outside a request: a CLI command or a task
        return None


def ensure_department(service: Service) -> bool:
    """Create the row of the department that delivers catalog `service` if it has none yet; True when created."""
    if db.session.get(Department, service.department) is not None:
        return False
    db.session.add(
        Department(
            code=service.department,
            name_en=service.department_name.en,
            name_hi=service.department_name.hi,
        )
    )
    db.session.flush()
    return True


def generate_password() -> str:
    """A random first password, to be changed at first sign-in."""
    return secrets.token_urlsafe(12)


def create_user(
    username: str, full_name: str, role: str, department: str | None, password: str, by: Actor
) -> User:
    """Create a user who must change the given password at first sign-in."""
    username = username.strip().lower()
    if not username or len(username) > 60 or not username.replace(".", "").replace("_", "").isalnum():
        raise UserRefused("A username is letters, digits, dots and underscores.")
    if role not in ROLES:
        raise UserRefused("Unknown role.")
    if role in SCOPED_ROLES and not department:
        raise UserRefused("Officers, approvers, department heads and broadcasters need a department.")
    if department and db.session.get(Department, department) is None:
        raise UserRefused("Unknown department.")
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise UserRefused("That username is taken.")
    user = User(
        username=username,
        full_name=full_name.strip() or username,
        role=role,
        department_code=department if role in SCOPED_ROLES else None,
        password_hash=hash_password(password),
        must_change_password=True,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        by, "user.created", f"user:{user.id}", {"username": username, "role": role, "department": department}
    )
    return user


def set_active(user: User, active: bool, by: Actor) -> None:
    """Deactivate (or reactivate) a user; a deactivated user's sessions stop at their next request."""
    if by.user_id == user.id and not active:
        raise UserRefused("You cannot deactivate yourself.")
    user.active = active
    audit.record(
        by, "user.activated" if active else "user.deactivated", f"user:{user.id}", {"username": user.username}
    )


def change_password(user: User, new_password: str, by: Actor) -> None:
    """Set a user's own new password and lift the first-sign-in requirement."""
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    audit.record(by, "user.password_changed", f"user:{user.id}", {})
