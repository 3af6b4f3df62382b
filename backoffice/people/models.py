"""The people of the back-office: departments and the users who sign in, with their roles."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.core.clock import utcnow
from backoffice.extensions import db

ROLES = ("admin", "officer", "approver", "csc_operator", "nlu_trainer", "department_head", "broadcaster")
ROLE_LABELS = {
    "admin": "Administrator",
    "officer": "Officer (verifier)",
    "approver": "Approver",
    "csc_operator": "CSC operator",
    "nlu_trainer": "NLU trainer",
    "department_head": "Department head",
    "broadcaster": "Broadcaster",
}
# Roles whose work is one department's applications, and who must see no other department's.
DEPARTMENT_ROLES = ("officer", "approver")
# Every role tied to one department: the head watches its dashboard and reports but decides no application;
# the broadcaster announces to its consenting citizens and sees no application.
SCOPED_ROLES = (*DEPARTMENT_ROLES, "department_head", "broadcaster")


class Department(db.Model):
    """A government department that delivers services; its `code` is the catalog's department id."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_hi: Mapped[str] = mapped_column(String(120))


class User(UserMixin, db.Model):
    """A person who signs in to the back-office."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Second factor (auth/twofactor.py): the TOTP secret sealed under the vault's key, when it was confirmed,
    # and the last time step accepted, so one code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(Text)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Deactivated users cannot sign in, and their open sessions stop working."""
        return self.active

    @property
    def role_label(self) -> str:
        """The role as people call it."""
        return ROLE_LABELS.get(self.role, self.role)
