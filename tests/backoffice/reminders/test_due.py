"""Which events fall due for a reminder, kind by kind, on a frozen clock."""

from datetime import date, datetime, timedelta

import time_machine

from backoffice.demo import samples as demo
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.payments.models import PAID, PaymentIntent, WaterBill
from backoffice.reminders.due import licences_expiring, payments_pending, water_bills_due
from backoffice.reminders.services import Rules

NOW = datetime(2026, 12, 1, 4, 30)


def horizons(app):
    return Rules.from_config(app.config).horizons


def test_a_fee_unpaid_a_day_after_submission_is_due(app):
    with time_machine.travel(NOW, tick=False), app.app_context():
        application = demo.submitted_application("driving_licence_renewal", "wa-fee", None, "en")
        db.session.commit()
        assert application.status == "payment_pending"
        assert list(payments_pending(NOW + timedelta(hours=23), horizons(app))) == []
        [due] = payments_pending(NOW + timedelta(hours=24), horizons(app))
        assert (due.kind, due.event_key, due.citizen_id, due.department) == (
            "payment_pending",
            application.number,
            "wa-fee",
            "transport",
        )
        assert due.facts["amount"] == "200"  # fmt: skip


def test_a_licence_expiring_within_30_days_is_due_and_a_revoked_one_is_not(app):
    with time_machine.travel(NOW, tick=False), app.app_context():
        application = demo.submitted_application("driving_licence_renewal", "wa-dl", None, "hi")
        for number, expires, revoked in (("DL-1", date(2026, 12, 30), None), ("DL-2", date(2027, 1, 2), None),
                                         ("DL-3", date(2026, 12, 20), NOW)):  # fmt: skip
            db.session.add(Certificate(number=number, application_id=application.id, kind="certificate",
                                       holder="Sunita Devi", issued_on=date(2016, 12, 30), expires_on=expires,
                                       revoked_at=revoked))  # fmt: skip
        db.session.commit()
        [due] = licences_expiring(NOW, horizons(app))
        assert (due.event_key, due.citizen_id, due.facts["due"]) == ("DL-1", "wa-dl", "30/12/2026")
        assert "लाइसेंस" in due.facts["service"]["hi"]


def test_a_water_bill_due_in_three_days_on_a_k_number_the_citizen_paid_before(app):
    with time_machine.travel(NOW, tick=False), app.app_context():
        demo.submitted_application("income_certificate", "wa-water", None, "hi")  # the citizen exists
        bill = {
            "k_number": "1234567890",
            "consumer_name": "Sunita Devi",
            "period": "x",
            "issued_on": date(2026, 9, 1),
        }
        db.session.add_all([
            WaterBill(bill_number="B-OLD", due_date=date(2026, 9, 20), amount_paise=50000, paid_reference="SVP1", **bill),
            WaterBill(bill_number="B-NEW", due_date=date(2026, 12, 4), amount_paise=68900, **bill),
            WaterBill(bill_number="B-OTHER", due_date=date(2026, 12, 3), amount_paise=100, **{**bill, "k_number": "9999999999"}),
            PaymentIntent(reference="SVP1", purpose="water_bill", subject_key="water_bill:B-OLD", citizen="wa-water",
                          amount_paise=50000, description="bill", provider="gateway", status=PAID),
        ])  # fmt: skip
        db.session.commit()
        [due] = water_bills_due(NOW, horizons(app))
        assert (due.event_key, due.citizen_id, due.facts["amount"], due.facts["due"]) == (
            "B-NEW", "wa-water", "689", "04/12/2026")  # fmt: skip
        assert list(water_bills_due(NOW - timedelta(days=1), horizons(app))) == []  # 4 days ahead: not yet
