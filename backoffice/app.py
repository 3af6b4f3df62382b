"""The back-office app factory: `flask --app backoffice.app run`, or `create_app(TestConfig())` in tests."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, render_template
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from backoffice.config import Config, check_startup
from backoffice.extensions import csrf, db, login_manager, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: object | None = None) -> Flask:
    """Build a configured app; `config` is an object with upper-case settings (default: `Config()` from env)."""
    settings = config if config is not None else Config()
    check_startup(settings)  # a clear refusal beats a production that runs with development secrets
    app = Flask(__name__)
    app.config.from_object(settings)
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        # Trust exactly `hops` proxies' X-Forwarded-* (nginx sets them); more would let a client forge its address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_security_headers(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


# Everything the pages use is served from here (vendored under static/); inline style attributes remain in
# a few templates, inline scripts nowhere.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self' 'unsafe-inline'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def connect_sources(app: Flask) -> str:
    """`connect-src`: this origin, and the CSC desk's chat socket on Rasa (its http(s) and ws(s) forms)."""
    chat = urlsplit(app.config.get("CSC_CHAT_URL") or "")
    if chat.scheme not in ("http", "https") or not chat.netloc:
        return "'self'"
    socket = "wss" if chat.scheme == "https" else "ws"
    return f"'self' {chat.scheme}://{chat.netloc} {socket}://{chat.netloc}"


def register_security_headers(app: Flask) -> None:
    """CSP, X-Content-Type-Options, Referrer-Policy and, on requests that came over TLS, HSTS."""
    Talisman(
        app,
        # nginx redirects port 80; the bot's API is called over the internal network in plain HTTP.
        force_https=False,
        strict_transport_security=True,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        content_security_policy={**CONTENT_SECURITY_POLICY, "connect-src": connect_sources(app)},
        referrer_policy="same-origin",
    )


def register_extensions(app: Flask) -> None:
    """Bind the extension objects, the document store, Celery and the after-commit task queue to `app`."""
    # Every room's tables must be known to SQLAlchemy (relationships by name) and Alembic.
    from backoffice.applications import models as _applications  # noqa: F401
    from backoffice.audit import models as _audit  # noqa: F401
    from backoffice.auth import models as _auth  # noqa: F401
    from backoffice.breach import models as _breach  # noqa: F401
    from backoffice.broadcasts import models as _broadcasts  # noqa: F401
    from backoffice.citizens import models as _citizens  # noqa: F401
    from backoffice.consent import models as _consent  # noqa: F401
    from backoffice.csc import models as _csc  # noqa: F401
    from backoffice.documents import models as _documents  # noqa: F401
    from backoffice.documents.storage import build_document_store
    from backoffice.handover import models as _handover  # noqa: F401
    from backoffice.issuing import models as _issuing  # noqa: F401
    from backoffice.jobs import after_commit
    from backoffice.jobs import models as _jobs  # noqa: F401
    from backoffice.jobs.celery_app import celery_init_app
    from backoffice.ocr import models as _ocr  # noqa: F401
    from backoffice.optin import models as _optin  # noqa: F401
    from backoffice.people import models as _people  # noqa: F401
    from backoffice.reminders import models as _reminders  # noqa: F401
    from backoffice.reports import models as _reports  # noqa: F401
    from backoffice.rights import models as _rights  # noqa: F401
    from backoffice.trainer import models as _trainer  # noqa: F401
    from backoffice.vault import models as _vault  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login_manager.init_app(app)
    csrf.init_app(app)
    app.extensions["seva_documents"] = build_document_store(app.config)
    celery_init_app(app)
    after_commit.install()

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()

    @app.errorhandler(CSRFError)
    def _form_expired(error: CSRFError):
        return render_template("form_expired.html"), 400


def register_blueprints(app: Flask) -> None:
    """Attach the bot's API, the officers' screens, the CSC desk, administration and public certificate verification."""
    from backoffice.admin import campaigns as _campaigns  # noqa: F401  (attaches its routes to admin)
    from backoffice.admin.routes import blueprint as admin
    from backoffice.api import (  # noqa: F401  (they attach their routes to the blueprint)
        consent_routes,
        handover_routes,
        optin_routes,
        payment_routes,
        reminder_routes,
        routes,
    )
    from backoffice.api.blueprint import blueprint as api
    from backoffice.auth.routes import blueprint as auth
    from backoffice.breach.views import blueprint as breach
    from backoffice.broadcasts.views import blueprint as broadcasts
    from backoffice.consent.views import blueprint as consent
    from backoffice.csc.admin_views import blueprint as csc_admin
    from backoffice.csc.routes import blueprint as csc
    from backoffice.dashboard.routes import blueprint as dashboard
    from backoffice.handover.routes import blueprint as handover
    from backoffice.issuing.views import blueprint as certificate_officers
    from backoffice.metrics.routes import blueprint as metrics
    from backoffice.officers.routes import blueprint as officers
    from backoffice.optin.views import blueprint as optin
    from backoffice.payments.views import blueprint as payment_officers
    from backoffice.reports.routes import blueprint as reports
    from backoffice.rights.views import blueprint as rights
    from backoffice.trainer.routes import blueprint as trainer
    from backoffice.verify.lookup import register_verify

    app.register_blueprint(api, url_prefix="/api/v1")
    app.register_blueprint(auth)
    app.register_blueprint(officers)
    app.register_blueprint(admin, url_prefix="/admin")
    register_verify(app)
    app.register_blueprint(certificate_officers)
    app.register_blueprint(payment_officers)
    app.register_blueprint(handover)
    app.register_blueprint(consent)
    app.register_blueprint(optin)
    app.register_blueprint(broadcasts)
    app.register_blueprint(rights)
    app.register_blueprint(breach)
    app.register_blueprint(dashboard, url_prefix="/admin")
    app.register_blueprint(reports, url_prefix="/admin")
    app.register_blueprint(metrics)
    app.register_blueprint(csc)
    app.register_blueprint(csc_admin)
    app.register_blueprint(trainer, url_prefix="/trainer")


def register_commands(app: Flask) -> None:
    """Add `flask seed`, `flask audit verify`, `flask users create`, and the OCR and certificate commands."""
    from backoffice.cli import audit_cli, seed_command, users_cli
    from backoffice.ocr.cli import ocr_cli
    from certificates.cli import certificates_cli

    app.cli.add_command(seed_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(ocr_cli)
    app.cli.add_command(certificates_cli)
