"""A citizen asks from the chat for their certificate again: find the one in force and queue its delivery."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.applications import services as applications
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.citizens import services as citizens
from backoffice.core.problems import Problem
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.issuing.services import OTHER_PAPERS


def certificate_in_force(application_id: int) -> Certificate | None:
    """The newest unrevoked certificate of an application (a reissue replaces a revoked one), or None."""
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.application_id == application_id,
            Certificate.kind.not_in(OTHER_PAPERS),
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.id.desc())
        .limit(1)
    )


def request_resend(number: str, citizen_id: str | None) -> Certificate:
    """The certificate to send again for the citizen's application `number`; Problem 404 or 409 `not_issued`."""
    application = applications.citizen_application(number, citizen_id)
    # Asking opens WhatsApp's 24 h window, so the PDF itself can go rather than a template.
    citizens.touch(application.citizen_id)
    certificate = certificate_in_force(application.id)
    if certificate is None:
        raise Problem(409, "not_issued", f"application {number} has no certificate in force")
    audit.record(Actor("citizen", application.citizen_id), "certificate.resend",
                 f"certificate:{certificate.number}", {"application": number})  # fmt: skip
    return certificate
