"""The back-office side of public verification: certificate records for `backoffice.verify.views`."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy import func, select

from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.verify.views import create_verify_blueprint
from catalog import load_catalog
from catalog.model import Text
from certificates.settings import CertificateSettings
from certificates.status import CertificateRecord, Revocation


def lookup(number: str) -> CertificateRecord | None:
    """The record of certificate `number` (the QR carries it upper-case), or None."""
    certificate = db.session.scalar(
        select(Certificate).where(func.upper(Certificate.number) == number.upper())
    )
    if certificate is None:
        return None
    service = load_catalog().get(certificate.service_id)
    unknown = Text(hi="", en="")  # a service since removed from the catalog: the record still verifies
    title = service.name if service else unknown
    department = service.department_name if service else unknown
    revocation = None
    if certificate.revoked_at is not None:
        revocation = Revocation(
            certificate.revoke_reason or "",
            certificate.revoked_at,
            certificate.revoked_by or "",
            certificate.replaced_by,
        )
    return CertificateRecord(
        number=certificate.number,
        kind=certificate.kind,
        title=title,
        department=department,
        holder=certificate.holder,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        revocation=revocation,
        check_code=certificate.check_code,
    )


def register_verify(app: Flask) -> None:
    """Attach the public `/verify/<number>` pages, wired to this database (no login), limited per address."""
    settings = CertificateSettings.from_env()
    blueprint = create_verify_blueprint(lookup, settings.keyset_path, settings.verify_url)
    # Counted in Redis so every gunicorn worker shares the count; per process in memory while Redis is away.
    # The address is the client's own once ProxyFix has read nginx's X-Forwarded-For.
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        in_memory_fallback_enabled=True,
        key_prefix="seva-verify",
    )
    limiter.limit(lambda: f"{current_app.config['VERIFY_LOOKUPS_PER_MINUTE']} per minute")(blueprint)
    app.register_blueprint(blueprint)
