"""The administrator's CSC pages: centres and their operators, and the money per CSC over a period."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from backoffice.core.clock import today_ist
from backoffice.csc import money
from backoffice.csc import services as csc
from backoffice.csc.models import Csc, CscOperator
from backoffice.extensions import db
from backoffice.officers.access import admin_required
from backoffice.people import services as people

blueprint = Blueprint("csc_admin", __name__, template_folder="templates")


@blueprint.get("/admin/csc")
@admin_required
def centres():
    """Every CSC with its operators, and the forms to add either."""
    return _centres_page()


def _centres_page(**shown) -> str:
    rows = db.session.scalars(select(Csc).order_by(Csc.code)).all()
    operators = db.session.scalars(select(CscOperator)).all()
    return render_template("centres.html", centres=rows, operators=operators, **shown)


@blueprint.post("/admin/csc")
@admin_required
def create_centre():
    """Add a CSC."""
    form = request.form
    try:
        centre = csc.create_csc(
            form.get("code", ""), form.get("name", ""), form.get("address", ""), form.get("district", ""),
            people.actor_for(current_user),
        )  # fmt: skip
    except csc.CscRefused as refused:
        db.session.rollback()
        flash(str(refused))
    else:
        db.session.commit()
        flash(f"CSC {centre.code} added.")
    return redirect(url_for("csc_admin.centres"))


@blueprint.post("/admin/csc/operators")
@admin_required
def create_operator():
    """Add an operator to a CSC; their first password is shown once."""
    form = request.form
    password = people.generate_password()
    try:
        user = csc.create_operator(
            form.get("username", ""), form.get("full_name", ""), form.get("csc", ""), password,
            people.actor_for(current_user),
        )  # fmt: skip
    except csc.CscRefused as refused:
        db.session.rollback()
        flash(str(refused))
        return redirect(url_for("csc_admin.centres"))
    db.session.commit()
    # In this response only, as for officers (admin/routes.py): a flash message travels in the session cookie,
    # which Flask signs but does not encrypt.
    page = _centres_page(created=user.username, first_password=password)
    return Response(page, headers={"Cache-Control": "no-store"})


def _date(name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


@blueprint.get("/admin/csc/report")
@admin_required
def report():
    """Charges, fees and cash per CSC over a period (the last 30 days by default)."""
    end = _date("to", today_ist())
    start = _date("from", end - timedelta(days=30))
    rows = money.totals_per_csc(start, end)
    return render_template("report.html", rows=rows, start=start, end=end)
