"""Alembic environment for Flask-Migrate: the back-office's tables and the payment tables, one history."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from backoffice.payments.models import PaymentsBase

config = context.config
# Keep the loggers the app already made: `upgrade()` inside a running app (tests, boot) must not silence them.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
# Every table `flask db upgrade` must build; autogenerate compares the database with all of them.
TARGET_METADATA = [db.metadata, PaymentsBase.metadata]


def run_migrations_offline() -> None:
    """Emit SQL for `flask db upgrade --sql` without a database connection."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=TARGET_METADATA, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection."""

    def skip_empty(context, revision, directives):
        # `flask db migrate` with no model change writes no empty revision file.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    # Flask-Migrate's defaults: compare_type and render_as_batch (SQLite cannot ALTER; batch mode rebuilds).
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty)
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=TARGET_METADATA,
            **conf_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
