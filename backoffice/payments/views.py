"""Officer screens for payments: each department's payments, and refunds by its approvers and administrators."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.extensions import db
from backoffice.officers.access import office_required, visible_application
from backoffice.payments.assessed_fees import AssessmentRefused, assess_fee
from backoffice.payments.models import PaymentIntent
from backoffice.payments.receipts import PURPOSE_SERVICES
from backoffice.payments.refunds import REFUND_ROLES, RefundRefused, record_refund
from backoffice.payments.wiring import effects, gateway_client
from backoffice.people import services as people
from catalog import load_catalog
from catalog.money import display, parse_rupees

blueprint = Blueprint("payment_officers", __name__, template_folder="templates")
PAGE_SIZE = 50
REFUSED = {
    "not_allowed": "your role may not refund",
    "not_paid": "this payment was not received",
    "bad_amount": "the amount is more than is left to refund, or not above zero",
    "no_reason": "a reason is required",
    "gateway": "the gateway refused it",
}


NOT_ASSESSED = {
    "bad_amount": "the amount must be above zero and at most Rs 1,00,000",
    "no_reason": "say what the fee is for (it is shown to the citizen)",
    "forbidden": "your role cannot assess a fee",
    "illegal_transition": "a fee can be assessed only while documents are checked or the application is reviewed",
}


class AssessFeeForm(FlaskForm):
    """A fee the department assesses after submission, with what it is for (shown to the citizen)."""

    amount = StringField(validators=[DataRequired(), Length(max=20)])
    reason = StringField(validators=[DataRequired(), Length(max=200)])


class RefundForm(FlaskForm):
    """Refund part or all of a payment, with the reason kept in the audit log."""

    amount = StringField(validators=[DataRequired(), Length(max=20)])
    reason = TextAreaField(validators=[DataRequired(), Length(max=500)])


def _visible(query, user):
    """Limit a payments query to the user's department (an administrator sees every payment)."""
    if user.role == "admin":
        return query
    catalog = load_catalog()
    purposes = [
        p for p, service in PURPOSE_SERVICES.items() if catalog[service].department == user.department_code
    ]
    return query.outerjoin(Application, Application.id == PaymentIntent.application_id).where(
        or_(Application.department_code == user.department_code, PaymentIntent.purpose.in_(purposes))
    )


def payments_of(application_id: int) -> list[PaymentIntent]:
    """Every payment attempt for the application (its fee and any assessed fee), newest first."""
    return list(
        db.session.scalars(
            select(PaymentIntent)
            .where(PaymentIntent.application_id == application_id)
            .order_by(PaymentIntent.id.desc())
        )
    )


@blueprint.app_context_processor
def _panel_helpers() -> dict:
    return {
        "payments_of": payments_of,
        "refund_form": RefundForm,
        "assess_fee_form": AssessFeeForm,
        "may_assess_fee": lambda application: any(
            m.name == "assess_fee" for m in workflow.allowed(application, people.actor_for(current_user))
        ),
        "rupees": display,
        "may_refund": lambda: getattr(current_user, "role", None) in REFUND_ROLES,
    }


@blueprint.get("/payments")
@office_required
def payments():
    """The department's payments, newest first; `?q=` finds a reference, `?status=` filters (e.g. flagged)."""
    query = _visible(select(PaymentIntent), current_user)
    wanted, status = request.args.get("q", "").strip().upper(), request.args.get("status", "")
    if wanted:
        query = query.where(PaymentIntent.reference == wanted)
    if status:
        query = query.where(PaymentIntent.status == status)
    rows = db.session.scalars(query.order_by(PaymentIntent.id.desc()).limit(PAGE_SIZE))
    return render_template("payments.html", payments=list(rows), q=wanted, status=status)


@blueprint.post("/payments/<reference>/refund")
@office_required
def refund(reference: str):
    """Return money to the citizen through the gateway; the citizen is told, and it is audited."""
    intent = db.session.scalar(
        _visible(select(PaymentIntent), current_user).where(PaymentIntent.reference == reference)
    )
    if intent is None:
        abort(404)  # another department's payment looks the same as none
    back = redirect(
        url_for("officers.application", application_id=intent.application_id)
        if intent.application_id
        else url_for("payment_officers.payments", q=reference)
    ), 303  # fmt: skip
    form = RefundForm()
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


@blueprint.post("/applications/<int:application_id>/assess-fee")
@office_required
def assess(application_id: int):
    """Assess a fee on the application: it waits for the payment, and the citizen is asked to pay in chat."""
    application = visible_application(current_user, application_id)
    back = redirect(url_for("officers.application", application_id=application_id)), 303
    form = AssessFeeForm()
    if not form.validate_on_submit():
        flash("Fee not assessed: give an amount in rupees and what it is for.")
        return back
    try:
        paise = parse_rupees(form.amount.data)
        assess_fee(application, paise, form.reason.data, people.actor_for(current_user))
    except ValueError:
        flash("Fee not assessed: the amount must be in rupees, like 150 or 150.50.")
        return back
    except AssessmentRefused as refused:
        db.session.rollback()
        flash(f"Fee not assessed: {NOT_ASSESSED.get(refused.code, refused.code)}.")
        return back
    db.session.commit()
    flash(f"{application.number}: fee of {display(paise)} assessed; the citizen is asked to pay on WhatsApp.")
    return back
