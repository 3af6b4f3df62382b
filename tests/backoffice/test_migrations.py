"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from backoffice.extensions import db
from backoffice.payments.models import PaymentsBase

pytestmark = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)


def test_autogenerate_finds_no_difference_after_upgrade(app):
    """The `app` fixture ran `flask db upgrade`; a model changed without a migration shows up here."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, [db.metadata, PaymentsBase.metadata])
    assert differences == []


def test_the_queue_indexes_exist(app):
    with app.app_context():
        names = {i["name"] for i in inspect(db.engine).get_indexes("applications")}
    assert {
        "ix_applications_queue",
        "ix_applications_department_status",
        "ix_applications_department_service",
    } <= names


def test_downgrade_then_upgrade_round_trips(app):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="base")
        assert "applications" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "applications" in inspect(db.engine).get_table_names()
