"""Officer screen for an application's payments: what was paid, and refunds by approvers and administrators."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from backoffice.extensions import db
from backoffice.officers.access import office_required, visible_application
from backoffice.payment_config import effects, gateway_client
from backoffice.payments.amounts import display, parse_rupees
from backoffice.payments.models import PaymentIntent
from backoffice.payments.refunds import REFUND_ROLES, RefundRefused, record_refund

blueprint = Blueprint("payment_officers", __name__)
REFUSED = {
    "not_allowed": "your role may not refund",
    "not_paid": "this payment was not received",
    "bad_amount": "the amount is more than is left to refund, or not above zero",
    "no_reason": "a reason is required",
    "gateway": "the gateway refused it",
}


class RefundForm(FlaskForm):
    """Refund part or all of a payment, with the reason kept in the audit log."""

    amount = StringField(validators=[DataRequired(), Length(max=20)])
    reason = TextAreaField(validators=[DataRequired(), Length(max=500)])


def payments_of(application_id: int) -> list[PaymentIntent]:
    """Every payment attempt for the application, newest first."""
    return list(
        db.session.scalars(
            select(PaymentIntent)
            .where(PaymentIntent.subject_key == f"application:{application_id}")
            .order_by(PaymentIntent.id.desc())
        )
    )


@blueprint.app_context_processor
def _panel_helpers() -> dict:
    return {
        "payments_of": payments_of,
        "refund_form": RefundForm,
        "rupees": display,
        "may_refund": lambda: getattr(current_user, "role", None) in REFUND_ROLES,
    }


@blueprint.post("/applications/<int:application_id>/payments/<reference>/refund")
@office_required
def refund(application_id: int, reference: str):
    """Return money to the citizen through the gateway; the citizen is told, and it is audited."""
    visible_application(current_user, application_id)
    if reference not in {p.reference for p in payments_of(application_id)}:
        abort(404)
    form = RefundForm()
    back = redirect(url_for("officers.application", application_id=application_id)), 303
    if not form.validate_on_submit():
        flash("Not refunded: give an amount in rupees and a reason.")
        return back
    try:
        paise = parse_rupees(form.amount.data)
        record_refund(db.session, reference, paise, form.reason.data, current_user.id, [current_user.role],
                      gateway_client(), effects())  # fmt: skip
    except ValueError:
        flash("Not refunded: the amount must be in rupees, like 150 or 150.50.")
        return back
    except RefundRefused as refused:
        db.session.rollback()
        flash(f"Not refunded: {REFUSED.get(refused.code, refused.code)}.")
        return back
    flash(f"Refunded {display(paise)} of {reference}.")
    return back
