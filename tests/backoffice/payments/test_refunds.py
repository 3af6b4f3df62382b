"""Refunds: only an officer with the refund role, never more than was paid, through the gateway, audited."""

import pytest

from backoffice.payments.models import PAID, REFUNDED, Refund
from backoffice.payments.refunds import RefundRefused, record_refund, refund_withdrawn
from tests.backoffice.payments.support import fee_charge


@pytest.fixture
def paid(harness):
    intent, _ = harness.start(fee_charge())
    harness.pay(intent)
    harness.gateway.settle_webhooks(2)
    return harness, harness.intent(intent.reference)


def refund(harness, intent, amount, roles=("approver",), reason="Application withdrawn"):
    with harness.Session() as session:
        return record_refund(
            session, intent.reference, amount, reason, 11, roles, harness.client, harness.effects
        )


def test_officer_without_the_role_cannot_refund(paid):
    harness, intent = paid
    with pytest.raises(RefundRefused) as refused:
        refund(harness, intent, 5000, roles=("officer",))
    assert refused.value.code == "not_allowed"
    assert harness.client.fetch_payment(intent.payment_id)["amount_refunded"] == 0


def test_partial_then_full_refund_goes_through_the_gateway_and_is_audited(paid):
    harness, intent = paid
    first = refund(harness, intent, 5000)
    assert first.gateway_refund_id.startswith("rfnd_")
    assert harness.intent(intent.reference).status == PAID
    with pytest.raises(RefundRefused) as too_much:
        refund(harness, intent, 10001)
    assert too_much.value.code == "bad_amount"
    refund(harness, intent, 10000)
    assert harness.intent(intent.reference).status == REFUNDED
    assert harness.client.fetch_payment(intent.payment_id)["amount_refunded"] == 15000
    refunds = [detail for action, _, detail in harness.effects.audits if action == "payment.refunded"]
    assert [r["amount_paise"] for r in refunds] == [5000, 10000] and all(
        r["officer_id"] == 11 for r in refunds
    )
    assert "₹50 has been refunded" in harness.effects.messages[-2][1]
    with harness.Session() as session:
        assert session.query(Refund).count() == 2


def test_unpaid_intent_and_missing_reason_are_refused(harness):
    intent, _ = harness.start(fee_charge())
    with pytest.raises(RefundRefused) as unpaid:
        refund(harness, intent, 5000)
    assert unpaid.value.code == "not_paid"
    with pytest.raises(RefundRefused) as no_reason:
        refund(harness, intent, 5000, reason="  ")
    assert no_reason.value.code == "no_reason"


def test_a_withdrawal_refunds_what_is_left_in_full_as_seva_itself(paid):
    harness, intent = paid
    refund(harness, intent, 5000)  # an officer had refunded part already
    with harness.Session() as session:
        made = refund_withdrawn(session, intent.reference, harness.client, harness.effects)
    assert made.amount_paise == 10000 and made.officer_id is None
    assert harness.intent(intent.reference).status == REFUNDED
    assert harness.client.fetch_payment(intent.payment_id)["amount_refunded"] == 15000
    assert "₹100 has been refunded" in harness.effects.messages[-1][1]
    # A second withdrawal refund finds nothing left.
    with pytest.raises(RefundRefused), harness.Session() as session:
        refund_withdrawn(session, intent.reference, harness.client, harness.effects)
