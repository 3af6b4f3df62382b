"""Officer screens for certificates: approvers and administrators revoke with a reason or reissue, audited."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.issuing.services import OTHER_PAPERS, IssuingRefused, reissue, revoke
from backoffice.officers.access import office_required, visible_application
from backoffice.people import services as people

log = logging.getLogger(__name__)
blueprint = Blueprint("certificate_officers", __name__, template_folder="templates")
# Revoking or reissuing a signed paper is a decision, so only those who may approve may undo it.
CERTIFICATE_ROLES = ("approver", "admin")


class CertificateActionForm(FlaskForm):
    """Revoke or reissue one certificate, with the reason recorded in the audit log."""

    reason = TextAreaField(validators=[Optional(), Length(max=500)])


def certificates_of(application_id: int) -> list[Certificate]:
    """The application's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.application_id == application_id)
            .order_by(Certificate.id.desc())
        )
    )


@blueprint.app_context_processor
def _panel_helpers() -> dict:
    return {
        "certificates_of": certificates_of,
        "certificate_form": CertificateActionForm,
        "may_change_certificates": lambda: getattr(current_user, "role", None) in CERTIFICATE_ROLES,
        "other_papers": OTHER_PAPERS,
    }


def _certificate(application_id: int, number: str) -> Certificate:
    application = visible_application(current_user, application_id)
    if current_user.role not in CERTIFICATE_ROLES:
        abort(403)
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.number == number, Certificate.application_id == application.id)
    )
    if certificate is None:
        abort(404)
    return certificate


def _back(application_id: int):
    return redirect(url_for("officers.application", application_id=application_id)), 303


@blueprint.post("/applications/<int:application_id>/certificates/<number>/revoke")
@office_required
def revoke_certificate(application_id: int, number: str):
    """Revoke a certificate; the public verification page says so at once."""
    certificate = _certificate(application_id, number)
    form = CertificateActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        revoke(certificate, form.reason.data or "", people.actor_for(current_user))
    except IssuingRefused as refused:
        db.session.rollback()
        flash(f"Not revoked: {refused}.")
        return _back(application_id)
    db.session.commit()
    flash(f"{number} revoked.")
    return _back(application_id)


@blueprint.post("/applications/<int:application_id>/certificates/<number>/reissue")
@office_required
def reissue_certificate(application_id: int, number: str):
    """Issue a fresh certificate in place of this one, revoke the old, and send the new one to the citizen."""
    from backoffice.issuing.tasks import deliver_certificate, worker_issuer

    certificate = _certificate(application_id, number)
    form = CertificateActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        fresh = reissue(certificate, form.reason.data or "", people.actor_for(current_user), worker_issuer())
    except IssuingRefused as refused:
        db.session.rollback()
        flash(f"Not reissued: {refused}.")
        return _back(application_id)
    db.session.commit()
    try:
        deliver_certificate.delay(fresh.number)
    except (
        Exception
    ):  # the new certificate is committed; the officer can see it and the citizen can ask again
        log.exception("could not queue the delivery of certificate %s", fresh.number)
    flash(f"{number} reissued as {fresh.number}.")
    return _back(application_id)
