"""A citizen can never be charged twice for one subject, even when two payment attempts race."""

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import sessionmaker

from backoffice.payments.intents import IntentNotOpen, issue_checkout, open_intent
from backoffice.payments.models import CLOSED, PAID, PaymentIntent
from backoffice.payments.settlement import apply_truth
from tests.backoffice.payments.conftest import Harness
from tests.backoffice.payments.support import CITIZEN, fee_charge

ATTEMPTS = 8


def race(harness: Harness, charge) -> list[tuple[str, bool, str]]:
    """Start ATTEMPTS payment attempts at the same instant, each with its own session (as separate requests)."""
    barrier = threading.Barrier(ATTEMPTS)
    results: list[tuple[str, bool, str]] = []
    errors: list[BaseException] = []

    def attempt():
        try:
            with harness.Session() as session:
                barrier.wait()
                intent, created = open_intent(session, charge, CITIZEN, "en", "gateway", harness.effects)
                checkout = issue_checkout(session, intent, harness.providers["gateway"])
                results.append((intent.reference, created, checkout.url))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


@pytest.fixture(params=["sqlite_wal", "postgresql"])
def racing_harness(request, gateway, receiver):
    engine = request.getfixturevalue("sqlite_db" if request.param == "sqlite_wal" else "postgres_db")
    harness = Harness(sessionmaker(engine, expire_on_commit=False), gateway)
    receiver.target = harness
    yield harness
    receiver.target = None


def test_concurrent_attempts_share_one_intent_and_one_payment_link(racing_harness):
    engine = racing_harness.Session.kw["bind"]
    constraint_hits: list[str] = []
    event.listen(
        engine, "handle_error", lambda ctx: constraint_hits.append(type(ctx.original_exception).__name__)
    )
    for application_id in (42, 43, 44):
        results = race(racing_harness, fee_charge(application_id=application_id))
        assert len(results) == ATTEMPTS
        assert len({reference for reference, _, _ in results}) == 1
        assert [created for _, created, _ in results].count(True) == 1
        assert len({url for _, _, url in results}) == 1
        with racing_harness.Session() as session:
            subject = f"application:{application_id}"
            assert session.scalar(select(func.count()).where(PaymentIntent.subject_key == subject)) == 1
        assert len(racing_harness.client.find_payment_links(results[0][0])) == 1
    # The attempts really overlapped: some got past the first read and were stopped by the UNIQUE constraint.
    assert constraint_hits and set(constraint_hits) <= {"IntegrityError", "UniqueViolation"}


def test_after_payment_a_new_attempt_returns_the_paid_intent_instead_of_charging_again(racing_harness):
    intent, _ = racing_harness.start(fee_charge(application_id=7))
    racing_harness.pay(intent)
    racing_harness.gateway.settle_webhooks(2)
    assert racing_harness.intent(intent.reference).status == PAID
    again, checkout = racing_harness.start(fee_charge(application_id=7))
    assert (again.reference, again.status, checkout) == (intent.reference, PAID, None)
    with racing_harness.Session() as session, pytest.raises(IntentNotOpen):
        issue_checkout(session, session.get(PaymentIntent, intent.id), racing_harness.providers["gateway"])


def test_a_closed_intent_frees_the_subject_for_a_new_one(racing_harness):
    intent, _ = racing_harness.start(fee_charge(application_id=9))
    racing_harness.gateway.control(f"/_standin/payment_links/{intent.gateway_link_id}/expire", {})
    with racing_harness.Session() as session:
        stored = session.get(PaymentIntent, intent.id)
        truth = racing_harness.providers["gateway"].truth(stored)
        assert apply_truth(session, stored, truth, "reconciliation", racing_harness.effects) == "closed"
    assert racing_harness.intent(intent.reference).status == CLOSED
    fresh, _ = racing_harness.start(fee_charge(application_id=9))
    assert fresh.reference != intent.reference
    with racing_harness.Session() as session:
        assert session.get(PaymentIntent, fresh.id).live_subject == "application:9"
