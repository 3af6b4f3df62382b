"""The administrator's users page: list, create (with a first password shown once), deactivate, reactivate."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from backoffice.auth import twofactor
from backoffice.extensions import db
from backoffice.officers.access import admin_required
from backoffice.people import services as people
from backoffice.people.models import ROLES, Department, User

blueprint = Blueprint("admin", __name__, template_folder="templates")


class UserForm(FlaskForm):
    """A new user."""

    username = StringField("Username", validators=[DataRequired(), Length(max=60)])
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=[(r, r.replace("_", " ")) for r in ROLES])
    department = SelectField("Department", choices=[])


class ToggleForm(FlaskForm):
    """Deactivate or reactivate (the CSRF token is the whole form)."""


def _form() -> UserForm:
    form = UserForm()
    departments = db.session.scalars(select(Department).order_by(Department.name_en))
    form.department.choices = [("", "—")] + [(d.code, f"{d.name_en} / {d.name_hi}") for d in departments]
    return form


@blueprint.get("/users")
@admin_required
def users():
    """Every user with role, department and state."""
    rows = db.session.scalars(select(User).order_by(User.role, User.username))
    return render_template("users.html", users=rows, form=_form(), toggle=ToggleForm())


def _change_users(change: Callable[[], str]) -> Response:
    """Run `change`; commit and say what it did, or roll back and say why it was refused. Back to the list."""
    try:
        done = change()
    except people.UserRefused as refused:
        db.session.rollback()
        flash(str(refused))
    else:
        db.session.commit()
        flash(done)
    return redirect(url_for("admin.users"))


@blueprint.post("/users")
@admin_required
def create():
    """Create a user; the first password is shown once and must be changed at first sign-in."""
    form = _form()
    if not form.validate_on_submit():
        flash("Fill in username, full name and role.")
        return redirect(url_for("admin.users"))

    password = people.generate_password()
    try:
        user = people.create_user(
            form.username.data, form.full_name.data, form.role.data, form.department.data or None, password,
            people.actor_for(current_user),
        )  # fmt: skip
    except people.UserRefused as refused:
        db.session.rollback()
        flash(str(refused))
        return redirect(url_for("admin.users"))
    db.session.commit()
    # Shown in this response only: a flash message would travel in the session cookie, which Flask signs but
    # does not encrypt, so the password would sit readable in the browser (and any proxy log of cookies).
    rows = db.session.scalars(select(User).order_by(User.role, User.username))
    page = render_template(
        "users.html",
        users=rows,
        form=_form(),
        toggle=ToggleForm(),
        created=user.username,
        first_password=password,
    )
    return Response(page, headers={"Cache-Control": "no-store"})


@blueprint.post("/users/<int:user_id>/<any(deactivate, activate):action>")
@admin_required
def toggle(user_id: int, action: str):
    """Deactivate or reactivate a user."""
    if not ToggleForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id) or abort(404)

    def set_active() -> str:
        people.set_active(user, action == "activate", people.actor_for(current_user))
        return f"{user.username} {'reactivated' if user.active else 'deactivated'}."

    return _change_users(set_active)


@blueprint.post("/users/<int:user_id>/reset-two-factor")
@admin_required
def reset_two_factor(user_id: int):
    """Turn a user's second factor off (a lost phone): they set it up again at their next sign-in."""
    if not ToggleForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id) or abort(404)

    def reset() -> str:
        twofactor.reset(user, people.actor_for(current_user))
        return f"Two-step sign-in of {user.username} was reset."

    return _change_users(reset)
