"""The old opted_in flag moves into the ledger: a START once recorded becomes a grant, others stay without one."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from backoffice.consent import services as consent
from backoffice.extensions import db


def test_opted_in_citizens_become_grants_of_updates_and_reminders(app):
    with app.app_context():
        downgrade(revision="0004")
        db.session.execute(text(
            "INSERT INTO citizens (id, language, opted_in, opt_in_source, opt_in_changed_at, created_at) VALUES "
            "('wa-yes', 'hi', true, 'qr', '2026-11-01 10:00:00', '2026-10-01'), "
            "('wa-no', 'hi', false, NULL, NULL, '2026-10-01')"
        ))  # fmt: skip
        db.session.commit()
        upgrade()
        assert consent.standing("wa-yes") == {"updates": True, "reminders": True, "broadcasts": []}
        assert consent.standing("wa-no") == {"updates": False, "reminders": False, "broadcasts": []}
        entry = consent.latest("wa-yes", "updates")
        assert (entry.channel, entry.evidence, str(entry.at)) == (
            "migrated",
            "opted_in:qr",
            "2026-11-01 10:00:00",
        )
