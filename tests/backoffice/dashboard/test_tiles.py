"""The dashboard's tiles count what the channel and the database record, per department."""

from __future__ import annotations

from datetime import timedelta

import pytest
from redis import Redis

from backoffice.applications.models import Application
from backoffice.core.clock import today_ist, utcnow
from backoffice.dashboard import tiles
from backoffice.extensions import db
from backoffice.handover.models import CLAIMED, Handover
from backoffice.reports.tasks import refresh_daily_counts
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER
from whatsapp_contract import meter

MCD_NUMBER = "100000000000003"


def record_traffic(redis_url: str) -> None:
    """What the channel writes for: 3 messages from 2 citizens to revenue, 1 to mcd, 2 turns, 1 fallback, 1 failure."""
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    pipe = redis.pipeline()
    for who in ("wa-a", "wa-b", "wa-a"):
        meter.count_inbound(pipe, REVENUE_NUMBER, who)
    meter.count_inbound(pipe, MCD_NUMBER, "wa-c")
    meter.count_outbound(pipe, REVENUE_NUMBER, 4)
    meter.count_turn(pipe, REVENUE_NUMBER, [{"text": "Hello", "utter_action": "utter_greet"}])
    meter.count_turn(pipe, REVENUE_NUMBER, [{"text": "Sorry", "utter_action": meter.FALLBACK_RESPONSE}])
    meter.count_failure(pipe, REVENUE_NUMBER, 131026)
    meter.count_failure(pipe, MCD_NUMBER, 131049)
    pipe.execute()


def test_traffic_tiles_show_only_the_departments_own_numbers(app, redis_url):
    app.config.update(REDIS_URL=redis_url, WHATSAPP_NUMBERS=NUMBERS)
    record_traffic(redis_url)
    with app.app_context():
        revenue = tiles.snapshot("revenue")
        everyone = tiles.snapshot(None)
    assert revenue["messages"]["total_in"] == 3 and revenue["messages"]["total_out"] == 4
    assert revenue["messages"]["numbers"] == [REVENUE_NUMBER]
    assert revenue["conversations"] == 2
    assert revenue["nlu"] == {"recorded": True, "turns": 2, "rate": 50.0}
    assert revenue["failures"]["codes"] == {"131026": 1}
    assert everyone["messages"]["total_in"] == 4 and everyone["conversations"] == 3
    assert everyone["failures"]["codes"] == {"131026": 1, "131049": 1}
    assert revenue["handover"] == 0
    assert everyone["queues"] == {"celery": 0}


def test_the_handover_tile_counts_each_departments_waiting_conversations(app):
    with app.app_context():
        db.session.add_all(
            [Handover(conversation="wa-a", department_code="revenue"),
             Handover(conversation="wa-b", department_code="revenue"),
             Handover(conversation="wa-c", department_code="mcd"),
             Handover(conversation="wa-d", department_code="revenue", status=CLAIMED)]
        )  # fmt: skip
        db.session.commit()
        assert (tiles.handover_queue("revenue"), tiles.handover_queue("mcd"), tiles.handover_queue(None)) == (
            2,
            1,
            3,
        )


def test_without_redis_the_traffic_tiles_say_not_recorded_and_the_rest_still_answers(app, submitted):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    submitted()
    with app.app_context():
        refresh_daily_counts()  # the beat's job, which needs no Redis
        snapshot = tiles.snapshot(None)
    assert snapshot["messages"]["recorded"] is False and snapshot["nlu"] == {"recorded": False}
    assert snapshot["conversations"] is None and snapshot["queues"] is None
    assert sum(snapshot["applications"]["status"].values()) == 1


def test_the_deadline_tile_owes_the_acts_compensation(app, submitted):
    ids = [submitted(citizen=f"wa-deadline-{i}") for i in range(3)]
    today = today_ist()
    with app.app_context():
        # 30 days late (capped at Rs 200), 5 days late (Rs 50), due in 2 days (close).
        for application_id, due in zip(ids, (today - timedelta(days=30), today - timedelta(days=5),
                                             today + timedelta(days=2)), strict=True):  # fmt: skip
            db.session.get(Application, application_id).decision_by = due
        db.session.commit()
        tile = tiles.deadline_tile("revenue")
        assert tiles.deadline_tile("mcd") == {
            "on_time": 0,
            "due_soon": 0,
            "overdue": 0,
            "compensation_paise": 0,
        }
    assert tile == {"on_time": 0, "due_soon": 1, "overdue": 2, "compensation_paise": 25000}


def test_fee_methods_fall_into_the_states_buckets():
    assert tiles._fee_method("whatsapp", "upi") == "whatsapp"
    assert tiles._fee_method("upi", None) == "upi"
    assert tiles._fee_method("gateway", "upi") == "upi"
    assert tiles._fee_method("gateway", "netbanking") == "netbanking"
    assert tiles._fee_method("gateway", "card") == "card"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_fees_today_and_this_month_by_method_and_department(app, submitted):
    from backoffice.payments.models import PAID, PaymentIntent

    revenue_id = submitted(citizen="wa-fees-1")
    mcd_id = submitted("birth_certificate", citizen="wa-fees-2")
    now = utcnow()
    earlier = now - timedelta(days=now.day) if now.day > 1 else now  # last month, except on the 1st
    with app.app_context():
        for n, (application_id, provider, method, paise, settled) in enumerate((
            (revenue_id, "upi", None, 1000, now), (revenue_id, "gateway", "card", 2000, now - timedelta(days=1)),
            (revenue_id, "whatsapp", "upi", 4000, earlier), (mcd_id, "gateway", "netbanking", 8000, now),
        )):  # fmt: skip
            db.session.add(PaymentIntent(reference=f"REF{n}", purpose="application_fee", subject_key=f"a:{n}",
                                         application_id=application_id, citizen="wa", amount_paise=paise,
                                         description="fee", provider=provider, status=PAID, method=method,
                                         amount_paid_paise=paise, settled_at=settled))  # fmt: skip
        db.session.commit()
        revenue = tiles.fees("revenue")
        everyone = tiles.fees(None)
    assert revenue["today"]["upi"] == 1000 and revenue["today"]["netbanking"] == 0
    assert everyone["today"]["netbanking"] == 8000 and everyone["today"]["csc_cash"] == 0
    if now.day > 2:
        assert revenue["month"]["card"] == 2000 and revenue["today"]["card"] == 0
        assert revenue["month"]["whatsapp"] == 0  # paid last month


def test_government_fees_taken_at_a_csc_counter_count_as_csc_cash_or_upi_unless_reversed(app, submitted):
    from backoffice.csc.models import CscCollection

    revenue_id = submitted(citizen="wa-csc-1")
    upi_id = submitted(citizen="wa-csc-2")
    reversed_id = submitted(citizen="wa-csc-3")
    mcd_id = submitted("birth_certificate", citizen="wa-csc-4")
    now = utcnow()
    with app.app_context():
        for n, (application_id, method, fee) in enumerate(
            (
                (revenue_id, "cash", 1000),
                (upi_id, "upi", 2000),
                (reversed_id, "cash", 4000),
                (mcd_id, "cash", 8000),
            )
        ):
            db.session.add(CscCollection(application_id=application_id, csc_code="DL-CSC-1", operator_id=1,
                                         method=method, service_charge_paise=5000, fee_paise=fee,
                                         business_day=today_ist(), recorded_at=now, receipt_number=f"CSC-R{n}",
                                         reversed_at=now if application_id == reversed_id else None))  # fmt: skip
        db.session.commit()
        revenue = tiles.fees("revenue")
        everyone = tiles.fees(None)
    assert (revenue["today"]["csc_cash"], revenue["today"]["upi"]) == (
        1000,
        2000,
    )  # fee only, reversal left out
    assert everyone["today"]["csc_cash"] == 9000 and everyone["month"]["csc_cash"] == 9000
