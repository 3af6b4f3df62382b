"""Issues, stores, revokes and reissues an application's certificate, with history and audit."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from datetime import UTC

from sqlalchemy import func, select

from backoffice.applications.models import Application, ApplicationEvent
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.documents import services as documents
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.people.models import User
from catalog import load_catalog
from catalog.model import Text, known_language
from certificates.issue import Issuer
from certificates.receipts import ACKNOWLEDGEMENT, RECEIPT, acknowledgement_facts
from certificates.template import CertificateFacts, CertificateTemplate, Officer, approved_facts

SYSTEM = Actor("system", "certificates")
# The stored PDF is a Document whose requirement names the certificate it holds.
REQUIREMENT_PREFIX = "certificate:"
# Catalog fields signed into the QR when the service names none: the first that the service has.
KEY_FACT_CANDIDATES = ("annual_income", "category", "date_of_birth")
APPROVING_OFFICER = Text(hi="स्वीकृतकर्ता अधिकारी", en="Approving officer")


class IssuingRefused(Exception):
    """The certificate cannot be issued, revoked or reissued now; the message says why."""


def _printed(field, value) -> str | Text:
    if field is not None and field.type == "choice" and field.option(str(value)):
        return field.option(str(value)).label
    text = str(value)
    # Identity numbers are printed masked, as on any paper that leaves the office.
    if field is not None and field.type in ("aadhaar", "mobile") and len(text) > 4:
        return "X" * (len(text) - 4) + text[-4:]
    return text


def _approver(application: Application) -> Officer:
    event = db.session.scalar(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id, ApplicationEvent.to_status == "approved")
        .order_by(ApplicationEvent.id.desc())
        .limit(1)
    )
    username = event.actor.split(":", 1)[-1] if event else ""
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    return Officer(user.full_name if user else username or "—", APPROVING_OFFICER)


def template_for(application: Application) -> CertificateTemplate:
    """The service's certificate template from the catalog, with its QR key facts."""
    service = load_catalog().get(application.service)
    if service is None or service.issues is None:
        raise IssuingRefused(f"the service {application.service!r} issues no certificate")
    key_facts = tuple(f for f in KEY_FACT_CANDIDATES if service.field(f) and f in application.answers)[:1]
    return CertificateTemplate.from_service(service, key_facts)


def facts_for(application: Application, number: str) -> CertificateFacts:
    """What the certificate of `application` says, printed as the citizen will read it."""
    service = load_catalog()[application.service]
    answers = {fid: _printed(service.field(fid), value) for fid, value in (application.answers or {}).items()}
    holder = next((str(answers[f.id]) for f in service.fields if f.type == "name" and f.id in answers), "")
    fee = f"{(application.fee_paise or 0) / 100:.2f}"
    return approved_facts(
        service,
        number=number,
        answers=answers,
        holder_name=holder,
        officer=_approver(application),
        issued_at=utcnow().replace(tzinfo=UTC),
        application_number=application.number or "",
        fee_paid=fee,
        language=known_language(application.language),
    )


# Papers issued alongside an application that are not its certificate: they neither count nor get resent.
OTHER_PAPERS = (ACKNOWLEDGEMENT.kind, RECEIPT.kind)


def _next_number(application: Application) -> str:
    count = (
        db.session.scalar(
            select(func.count()).where(
                Certificate.application_id == application.id, Certificate.kind.not_in(OTHER_PAPERS)
            )
        )
        or 0
    )
    return f"{application.number}-C{count + 1}"


# Crockford's base32 alphabet: no I, L, O or U to misread on paper.
CHECK_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_check_code() -> str:
    """A random code of 40 bits, printed as XXXX-XXXX; the page's rate limit makes guessing it hopeless."""
    code = "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def issue_paper(
    issuer: Issuer,
    template: CertificateTemplate,
    facts: CertificateFacts,
    citizen_id: str,
    application_id: int | None,
) -> Certificate:
    """Sign the PDF, store it encrypted and add its Certificate record (not committed)."""
    number = facts.number
    facts = dataclasses.replace(facts, check_code=new_check_code())
    issued = issuer.issue(template, facts)
    storage_key = documents.write(issued.pdf)
    db.session.add(
        Document(
            id=secrets.token_hex(16), citizen_id=citizen_id, application_id=application_id,
            requirement=f"{REQUIREMENT_PREFIX}{number}", mime_type="application/pdf", size=len(issued.pdf),
            sha256=hashlib.sha256(issued.pdf).hexdigest(), storage_key=storage_key, source="backoffice",
        )
    )  # fmt: skip
    certificate = Certificate(
        number=number, application_id=application_id, service=facts.service, citizen_id=citizen_id,
        kind=issued.claims.kind, holder=issued.claims.holder[:120],
        issued_on=issued.claims.issued_at.date(), expires_on=issued.claims.expires_on,
        check_code=facts.check_code.replace("-", ""),
    )  # fmt: skip
    db.session.add(certificate)
    return certificate


def _issue_next(application: Application, issuer: Issuer) -> Certificate:
    """Sign and store the application's next certificate, numbered after the ones it has, and flush it."""
    number = _next_number(application)
    certificate = issue_paper(
        issuer,
        template_for(application),
        facts_for(application, number),
        application.citizen_id,
        application.id,
    )
    db.session.flush()
    return certificate


def issue_for_application(application_id: int, issuer: Issuer) -> Certificate | None:
    """Issue and store the certificate of an approved application and mark it issued; None if not approved.

    Safe to run twice (a redelivered task): an application already issued gets nothing new.
    """
    application = db.session.get(Application, application_id, with_for_update=True)
    if application is None or application.status != "approved":
        return None
    from backoffice.applications import workflow

    certificate = _issue_next(application, issuer)
    workflow.transition(application, "issue", SYSTEM, notify=False)
    audit.record(SYSTEM, "certificate.issue", f"certificate:{certificate.number}",
                 {"application": application.number})  # fmt: skip
    db.session.commit()
    return certificate


def stored_pdf(certificate: Certificate) -> bytes:
    """The signed PDF of `certificate`, decrypted from the document store."""
    document = db.session.scalar(
        select(Document).where(Document.requirement == f"{REQUIREMENT_PREFIX}{certificate.number}")
    )
    if document is None:
        raise IssuingRefused(f"no stored PDF for certificate {certificate.number}")
    return documents.read(document)


def revoke(certificate: Certificate, reason: str, actor: Actor, replaced_by: str | None = None) -> None:
    """Revoke `certificate` with a reason, in the caller's transaction, audited."""
    reason = (reason or "").strip()
    if not reason:
        raise IssuingRefused("a revocation needs a reason")
    if certificate.revoked_at is not None:
        raise IssuingRefused(f"certificate {certificate.number} is already revoked")
    certificate.revoked_at = utcnow()
    certificate.revoke_reason = reason[:500]
    certificate.revoked_by = actor.label[:80]
    certificate.replaced_by = replaced_by
    db.session.add(ApplicationEvent(application_id=certificate.application_id, kind="certificate",
                                    actor=actor.label[:80], note=f"revoked {certificate.number}: {reason}"))  # fmt: skip
    audit.record(actor, "certificate.revoke", f"certificate:{certificate.number}",
                 {"reason": reason, "replaced_by": replaced_by})  # fmt: skip


def reissue(certificate: Certificate, reason: str, actor: Actor, issuer: Issuer) -> Certificate:
    """Issue a fresh certificate for the same application and revoke the old one in its favour, audited."""
    if certificate.revoked_at is not None and certificate.replaced_by:
        raise IssuingRefused(
            f"certificate {certificate.number} was already replaced by {certificate.replaced_by}"
        )
    application = certificate.application
    fresh = _issue_next(application, issuer)
    if certificate.revoked_at is None:
        revoke(certificate, reason or "reissued", actor, replaced_by=fresh.number)
    else:
        certificate.replaced_by = fresh.number
    db.session.add(ApplicationEvent(application_id=application.id, kind="certificate", actor=actor.label[:80],
                                    note=f"reissued {certificate.number} as {fresh.number}"))  # fmt: skip
    audit.record(actor, "certificate.reissue", f"certificate:{fresh.number}",
                 {"replaces": certificate.number, "reason": reason})  # fmt: skip
    return fresh


def issue_acknowledgement(application_id: int, issuer: Issuer) -> Certificate | None:
    """Issue and store the signed acknowledgement of a submitted application; None if it has one or is a draft."""
    application = db.session.get(Application, application_id)
    if application is None or application.number is None:
        return None
    exists = db.session.scalar(
        select(Certificate).where(
            Certificate.application_id == application_id, Certificate.kind == ACKNOWLEDGEMENT.kind
        )
    )
    if exists is not None:
        return None
    service = load_catalog()[application.service]
    language = known_language(application.language)
    facts = acknowledgement_facts(
        service,
        number=f"{application.number}-A",
        applicant_name=facts_for(application, "").holder_name or "—",
        application_number=application.number,
        decision_due=application.decision_by.strftime("%d-%m-%Y") if application.decision_by else "—",
        received_at=(application.submitted_at or utcnow()).replace(tzinfo=UTC),
        language=language,
    )
    certificate = issue_paper(issuer, ACKNOWLEDGEMENT, facts, application.citizen_id, application.id)
    audit.record(SYSTEM, "acknowledgement.issue", f"certificate:{certificate.number}",
                 {"application": application.number})  # fmt: skip
    db.session.commit()
    return certificate
