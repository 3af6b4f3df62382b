"""Application fees come from the catalog's fee; a CSC operator's application adds Rs 50."""

import string
from types import SimpleNamespace

import pytest

from backoffice.payments.messages import TEXTS, payment_request, payment_state, text
from catalog.fees import CSC_FEE_PAISE, ChargeError, application_charge
from catalog.model import Fee, Text


def service(fee: Fee) -> SimpleNamespace:
    """The parts of a catalog Service that charging reads."""
    return SimpleNamespace(
        id="marriage_registration", name=Text("Marriage registration", "विवाह पंजीकरण"), fee=fee
    )


def test_fixed_fee_direct_and_through_a_csc():
    direct = application_charge(5, service(Fee(kind="fixed", amount=100)), {}, via_csc=False)
    assert (direct.total_paise, direct.subject_key, direct.application_id) == (10000, "application:5", 5)
    csc = application_charge(5, service(Fee(kind="fixed", amount=100)), {}, via_csc=True)
    assert [item["code"] for item in csc.lines] == ["fee", "csc_fee"]
    assert csc.total_paise == 10000 + CSC_FEE_PAISE == 15000


def test_per_option_fee_follows_the_answer():
    fee = Fee(kind="per_option", field="act", amounts={"hma": 100, "sma": 150})
    assert application_charge(6, service(fee), {"act": "sma"}, via_csc=False).total_paise == 15000


def test_free_service_costs_only_the_csc_fee_and_nothing_direct():
    assert application_charge(7, service(Fee(kind="free")), {}, via_csc=True).total_paise == CSC_FEE_PAISE
    with pytest.raises(ChargeError) as nothing:
        application_charge(7, service(Fee(kind="free")), {}, via_csc=False)
    assert nothing.value.code == "nothing_to_pay"


def test_assessed_fee_cannot_be_charged_yet():
    with pytest.raises(ChargeError) as unknown:
        application_charge(8, service(Fee(kind="as_assessed")), {}, via_csc=False)
    assert unknown.value.code == "fee_not_known"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_message_exists_in_both_languages_with_the_same_blanks(key):
    def blanks(phrase: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(phrase) if name}

    assert blanks(TEXTS[key]["en"]) == blanks(TEXTS[key]["hi"])
    filled = {name: "X" for name in blanks(TEXTS[key]["en"])}
    assert text(key, "hi", **filled) != text(key, "en", **filled)
    assert text(key, "ta", **filled) == text(key, "en", **filled)


def test_request_and_state_texts_follow_the_stored_status():
    intent = SimpleNamespace(
        amount_paise=15050, description="Water bill", reference="SVPAAAAAAAAAAAA", language="en",
        status="open", refunded_paise=0,
    )  # fmt: skip
    assert payment_request(intent, "http://x/pay/1") == (
        "Please pay ₹150.50 for Water bill. Reference SVPAAAAAAAAAAAA. Pay here: http://x/pay/1"
    )
    assert "waiting for your bank" in payment_state(intent)
    intent.status = "paid"
    assert payment_state(intent).startswith("Payment received: ₹150.50")
    intent.status, intent.language = "closed", "hi"
    assert "नया लिंक" in payment_state(intent)
