"""The hash-chained audit log: who, when, what and from where; editing or removing an entry is detected."""

import pytest
from sqlalchemy import text

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import verify_chain
from backoffice.extensions import db

pytestmark = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def busy_log(app, client, auth, people, submitted):
    """A log with transitions, sign-ins and an officer's views of personal data."""
    application_id = submitted()
    auth.login("rev.officer")
    client.get(f"/applications/{application_id}")
    return application_id


def test_views_of_personal_data_and_transitions_are_recorded_with_who_and_where(app, busy_log):
    application_id = busy_log
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = [e.action for e in entries]
        assert "application.submit" in actions and "application.check_documents" in actions
        viewed = [e for e in entries if e.action == "application.viewed"]
        assert viewed and viewed[0].actor == "officer:rev.officer"
        assert viewed[0].subject == f"application:{application_id}" and viewed[0].source == "127.0.0.1"
        assert verify_chain().intact and verify_chain().checked == len(entries)


def test_an_edited_entry_is_reported_as_the_first_broken_link(app, busy_log):
    with app.app_context():
        victim = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()[2]
        db.session.execute(
            text("UPDATE audit_log SET actor = 'officer:someone_else' WHERE id = :id"), {"id": victim.id}
        )
        db.session.commit()
        report = verify_chain()
        assert not report.intact and report.broken_id == victim.id and "edited" in report.reason


def test_a_removed_entry_breaks_the_link_of_the_next(app, busy_log):
    with app.app_context():
        ids = db.session.scalars(db.select(AuditEntry.id).order_by(AuditEntry.id)).all()
        db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[1]})
        db.session.commit()
        report = verify_chain()
        assert report.broken_id == ids[2] and "removed" in report.reason


def test_flask_audit_verify_exits_non_zero_on_tampering(app, busy_log):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    with app.app_context():
        db.session.execute(
            text("UPDATE audit_log SET details = '{}' WHERE id = (SELECT MAX(id) FROM audit_log)")
        )
        db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN" in broken.output
