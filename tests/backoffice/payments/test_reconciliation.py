"""Reconciliation finds payments stuck open: a late bank capture whose webhooks were lost, and expired links."""

from datetime import timedelta

from backoffice.payments.models import CLOSED, OPEN, PAID, utcnow
from backoffice.payments.reconciliation import reconcile
from tests.backoffice.payments.support import fee_charge


def run(harness, minutes_later: float) -> dict[str, str]:
    with harness.Session() as session:
        return reconcile(
            session,
            harness.providers,
            harness.effects,
            timedelta(minutes=15),
            utcnow() + timedelta(minutes=minutes_later),
        )


def test_stuck_payment_captured_later_is_found_and_confirmed_once(harness):
    intent, _ = harness.start(fee_charge())
    payment = harness.pay(intent, "pending")
    harness.gateway.settle_webhooks(1)  # payment.authorized: a lookup shows nothing paid yet
    assert harness.intent(intent.reference).status == OPEN
    assert harness.outcomes == ["no_change"]

    harness.gateway.control("/_standin/webhooks/mode", {"mode": "drop"})
    harness.gateway.control(f"/_standin/payments/{payment['id']}/capture", {})
    assert harness.intent(intent.reference).status == OPEN  # the capture's webhooks were lost

    assert run(harness, minutes_later=5) == {}  # not stale yet: the webhook may still come
    assert run(harness, minutes_later=16) == {intent.reference: "confirmed"}
    stored = harness.intent(intent.reference)
    assert (stored.status, stored.confirmed_via, stored.payment_id) == (PAID, "reconciliation", payment["id"])
    assert harness.effects.confirmed == [intent.reference]
    assert run(harness, minutes_later=30) == {}


def test_pending_payment_stays_open_and_expired_link_is_closed_with_a_retry_message(harness):
    waiting, _ = harness.start(fee_charge(application_id=1))
    harness.pay(waiting, "pending")
    expired, _ = harness.start(fee_charge(application_id=2))
    harness.gateway.control(f"/_standin/payment_links/{expired.gateway_link_id}/expire", {})
    harness.gateway.settle_webhooks(1)
    outcomes = run(harness, minutes_later=20)
    assert outcomes == {waiting.reference: "no_change", expired.reference: "closed"}
    assert harness.intent(waiting.reference).status == OPEN
    assert harness.intent(expired.reference).status == CLOSED
    [(reference, message)] = harness.effects.messages
    assert reference == expired.reference and "expired" in message and "new link" in message


def test_unreachable_gateway_is_reported_not_fatal(harness):
    intent, _ = harness.start(fee_charge())
    harness.gateway.client.base_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    assert run(harness, minutes_later=20) == {intent.reference: "lookup_failed"}
    assert harness.intent(intent.reference).status == OPEN
