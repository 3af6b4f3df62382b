"""The back-office app factory: `flask --app backoffice.app run`, or `create_app(TestConfig())` in tests."""

from datetime import timedelta
from pathlib import Path

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from backoffice.config import Config
from backoffice.extensions import csrf, db, login_manager, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: object | None = None) -> Flask:
    """Build a configured app; `config` is an object with upper-case settings (default: `Config()` from env)."""
    app = Flask(__name__)
    app.config.from_object(config if config is not None else Config())
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects, the document store, Celery and the after-commit task queue to `app`."""
    # Every room's tables must be known to SQLAlchemy (relationships by name) and Alembic.
    from backoffice.applications import models as _applications  # noqa: F401
    from backoffice.audit import models as _audit  # noqa: F401
    from backoffice.auth import models as _auth  # noqa: F401
    from backoffice.citizens import models as _citizens  # noqa: F401
    from backoffice.documents import models as _documents  # noqa: F401
    from backoffice.documents.storage import build_document_store
    from backoffice.handover import models as _handover  # noqa: F401
    from backoffice.issuing import models as _issuing  # noqa: F401
    from backoffice.jobs import after_commit
    from backoffice.jobs.celery_app import celery_init_app
    from backoffice.ocr import models as _ocr  # noqa: F401
    from backoffice.people import models as _people  # noqa: F401

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
    """Attach the bot's API, the officers' screens, administration and public certificate verification."""
    from backoffice.admin.routes import blueprint as admin
    from backoffice.api import (  # noqa: F401  (they attach their routes to the blueprint)
        handover_routes,
        payment_routes,
        routes,
    )
    from backoffice.api.blueprint import blueprint as api
    from backoffice.auth.routes import blueprint as auth
    from backoffice.handover.routes import blueprint as handover
    from backoffice.issuing.views import blueprint as certificate_officers
    from backoffice.officers.routes import blueprint as officers
    from backoffice.payments.views import blueprint as payment_officers
    from backoffice.verify.lookup import verify_blueprint

    app.register_blueprint(api, url_prefix="/api/v1")
    app.register_blueprint(auth)
    app.register_blueprint(officers)
    app.register_blueprint(admin, url_prefix="/admin")
    app.register_blueprint(verify_blueprint())
    app.register_blueprint(certificate_officers)
    app.register_blueprint(payment_officers)
    app.register_blueprint(handover)


def register_commands(app: Flask) -> None:
    """Add `flask seed`, `flask audit verify`, and the OCR and certificate commands."""
    from backoffice.cli import audit_cli, seed_command
    from backoffice.ocr.cli import ocr_cli
    from certificates.cli import certificates_cli

    app.cli.add_command(seed_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(ocr_cli)
    app.cli.add_command(certificates_cli)
