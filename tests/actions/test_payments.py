"""Payments from the chat: after submission, "pay my fee", UPI / WhatsApp instead, bills and taxes, checking one."""

from __future__ import annotations

import json

import pytest

from actions import backoffice_api
from actions.application_lifecycle import ActionFinishApplication
from actions.bill_payment import ActionAskBillNumber, ActionChooseBill, ActionPayBill, ValidateBillPaymentForm
from actions.payments import ActionCheckPayment, ActionChoosePayment, ActionPayFee, rupees
from tests.actions.payments_double import REFERENCE, TOKEN, PaymentsDouble
from tests.actions.single_turns import CITIZEN, run, tracker

FEE_LINES = [{"label": {"en": "Application fee", "hi": "आवेदन शुल्क"}, "amount_paise": 15000}]
TAX_LINES = [
    {"label": {"en": "Property tax 2026-27", "hi": "संपत्ति कर 2026-27"}, "amount_paise": 800000},
    {
        "label": {"en": "Rebate: paid by 30 June (15%)", "hi": "छूट: 30 जून तक भुगतान (15%)"},
        "amount_paise": -120000,
    },
    {"label": {"en": "Rebate: online (2%)", "hi": "छूट: ऑनलाइन (2%)"}, "amount_paise": -13600},
]


def payment_calls(double: PaymentsDouble) -> list[dict]:
    """The bodies the bot POSTed to /payments."""
    return [body for method, path, body in double.calls if (method, path) == ("POST", "/api/v1/payments")]


def test_amounts_are_written_the_indian_way():
    assert [rupees(p) for p in (15000, 12345650, -120000, 5)] == ["₹150", "₹1,23,456.50", "−₹1,200", "₹0.05"]


async def test_a_fee_after_submission_brings_the_link_lines_and_buttons(double):
    double.payable["DL-TRA-2026-000042"] = (15000, FEE_LINES)
    said, slots = await run(
        ActionFinishApplication(),
        tracker(
            "/affirm", "affirm", form_outcome="submit", draft_id=7, application_service="learner_licence"
        ),
    )
    assert [m["response"] for m in said] == ["utter_application_submitted_no_deadline", "utter_payment_link"]
    link = said[1]
    assert link["amount"] == "₹150" and link["lines"] == "• Application fee: ₹150"
    assert link["url"].startswith("http://gateway.test/pay/") and link["reference"] == REFERENCE
    assert payment_calls(double) == [
        {"subject": {"kind": "application", "number": "DL-TRA-2026-000042"}, "citizen": CITIZEN,
         "language": "en", "provider": "gateway"}
    ]  # fmt: skip
    assert (
        slots["payment_subject"] == "application:DL-TRA-2026-000042"
        and slots["payment_reference"] == REFERENCE
    )
    assert slots["draft_id"] is None  # the application itself is forgotten by the tracker


async def test_pay_with_upi_or_in_whatsapp_pays_the_same_subject(double):
    double.payable["DL-TRA-2026-000042"] = (15000, FEE_LINES)
    offered = {"payment_subject": "application:DL-TRA-2026-000042"}
    said, _ = await run(
        ActionChoosePayment(),
        tracker('/choose_payment{"provider":"upi"}', "choose_payment", {"provider": "upi"}, **offered),
    )
    assert said[0]["response"] == "utter_payment_upi" and said[0]["upi_link"].startswith("upi://pay?")
    assert f"tr={REFERENCE}" in said[0]["upi_link"]
    said, _ = await run(
        ActionChoosePayment(),
        tracker(
            '/choose_payment{"provider":"whatsapp"}',
            "choose_payment",
            {"provider": "whatsapp"},
            "hi",
            **offered,
        ),
    )
    assert said[0]["response"] == "utter_payment_whatsapp_sent"  # the back-office sent the order message
    assert [c["provider"] for c in payment_calls(double)] == ["upi", "whatsapp"]
    assert {c["subject"]["number"] for c in payment_calls(double)} == {"DL-TRA-2026-000042"}
    assert payment_calls(double)[1]["language"] == "hi"


async def test_pay_my_fee_finds_the_application_waiting_for_it_or_lists_several(double):
    said, _ = await run(ActionPayFee(), tracker("fees bharna hai", "pay_fee"))
    assert said[0]["response"] == "utter_no_fee_due"

    double.applications = [
        {"number": "DL-REV-2026-000001", "service": "income_certificate", "status": "issued"},
        {"number": "DL-TRA-2026-000042", "service": "learner_licence", "status": "payment_pending"},
    ]
    double.payable["DL-TRA-2026-000042"] = (15000, FEE_LINES)
    said, _ = await run(ActionPayFee(), tracker("pay my fee", "pay_fee"))
    assert said[0]["response"] == "utter_payment_link"

    double.applications.append(
        {"number": "DL-MCD-2026-000007", "service": "trade_licence", "status": "payment_pending"}
    )
    said, _ = await run(ActionPayFee(), tracker("pay my fee", "pay_fee"))
    assert said[0]["response"] == "utter_choose_fee_application"
    assert [b["payload"] for b in said[0]["buttons"]] == [
        '/pay_fee{"number":"DL-TRA-2026-000042"}',
        '/pay_fee{"number":"DL-MCD-2026-000007"}',
    ]
    payload = said[0]["buttons"][1]["payload"]
    entities = json.loads(payload.removeprefix("/pay_fee"))
    said, _ = await run(ActionPayFee(), tracker(payload, "pay_fee", entities))
    assert said[0]["response"] == "utter_payment_not_found" and said[0]["number"] == "DL-MCD-2026-000007"
    assert payment_calls(double)[-1]["subject"]["number"] == "DL-MCD-2026-000007"


@pytest.mark.parametrize(
    ("code", "response"),
    [("already_paid", "utter_payment_already_paid"), ("nothing_to_pay", "utter_payment_nothing_to_pay")],
)
async def test_refusals_are_answered_politely(double, code, response):
    double.payable["DL-TRA-2026-000042"] = (code, None)
    said, slots = await run(ActionPayFee(), tracker("pay fee for DL-TRA-2026-000042", "pay_fee"))
    assert [m["response"] for m in said] == [response]
    assert slots == {"payment_subject": None}


async def test_a_back_office_outage_is_a_polite_message_not_a_crash(double):
    double.down = True
    said, _ = await run(ActionPayFee(), tracker("fees bharni hai", "pay_fee", language="hi"))
    assert [m["response"] for m in said] == ["utter_payment_unavailable"]
    backoffice_api.backoffice.settings = backoffice_api.Settings("http://127.0.0.1:9", TOKEN, timeout=2)
    said, _ = await run(ActionPayFee(), tracker("pay fee for DL-TRA-2026-000042", "pay_fee"))
    assert [m["response"] for m in said] == ["utter_payment_unavailable"]


async def test_property_tax_by_upic_shows_the_rebates_and_the_link(double):
    double.payable["MCD0123456789"] = (666400, TAX_LINES)
    said, slots = await run(
        ActionChooseBill(),
        tracker('/pay_bill{"service":"property_tax"}', "pay_bill", {"service": "property_tax"}),
    )
    assert said == [] and slots["bill_kind"] == "property_tax" and slots["bill_ready"] is True
    said, _ = await run(ActionAskBillNumber(), tracker("/pay_bill", "pay_bill", bill_kind="property_tax"))
    assert said[0]["response"] == "utter_ask_upic"

    form = ValidateBillPaymentForm()
    said, slots = await run(form, tracker("AB-12", "inform", bill_kind="property_tax", bill_number="AB-12"))
    assert said[0]["response"] == "utter_bill_number_invalid" and "8 to 20" in said[0]["reason"]
    assert slots["bill_number"] is None and slots["bill_failures"] == 1.0
    said, slots = await run(
        form, tracker("mcd-0123 456789", "inform", bill_kind="property_tax", bill_number="mcd-0123 456789")
    )
    assert said == [] and slots["bill_number"] == "MCD0123456789"

    said, slots = await run(
        ActionPayBill(),
        tracker("mcd-0123 456789", "inform", bill_kind="property_tax", bill_number="MCD0123456789"),
    )
    assert said[0]["response"] == "utter_payment_link"
    assert said[0]["lines"].splitlines() == [
        "• Property tax 2026-27: ₹8,000",
        "• Rebate: paid by 30 June (15%): −₹1,200",
        "• Rebate: online (2%): −₹136",
    ]
    assert payment_calls(double)[-1]["subject"] == {"kind": "property_tax", "upic": "MCD0123456789"}
    assert slots["bill_kind"] is None and slots["bill_ready"] is False
    assert slots["payment_subject"] == "property_tax:MCD0123456789"


async def test_an_unknown_k_number_is_not_found_in_hindi_too(double):
    said, _ = await run(ActionChooseBill(), tracker("pay my bill", "pay_bill"))
    assert said[0]["response"] == "utter_choose_bill"
    form = ValidateBillPaymentForm()
    said, slots = await run(
        form, tracker("१२३४५६७८९०", "inform", language="hi", bill_kind="water_bill", bill_number="१२३४५६७८९०")
    )
    assert slots["bill_number"] == "1234567890"  # Devanagari digits are read too
    said, _ = await run(
        ActionPayBill(),
        tracker("x", "inform", language="hi", bill_kind="water_bill", bill_number="1234567890"),
    )
    assert [m["response"] for m in said] == ["utter_bill_not_found"] and said[0]["number"] == "1234567890"
    assert payment_calls(double)[-1]["subject"] == {"kind": "water_bill", "k_number": "1234567890"}


async def test_cancel_or_three_misses_leave_the_bill_form(double):
    form = ValidateBillPaymentForm()
    said, slots = await run(form, tracker("cancel", "cancel", bill_kind="water_bill", bill_number="cancel"))
    assert said[0]["response"] == "utter_bill_cancelled" and slots["bill_kind"] is None
    assert slots["requested_slot"] is None  # the form ends
    # The word the question tells a Hindi citizen to type stops it, however unsure the NLU is of it.
    said, slots = await run(
        form, tracker("रद्द", "nlu_fallback", language="hi", bill_kind="property_tax", bill_number="रद्द")
    )
    assert said[0]["response"] == "utter_bill_cancelled" and slots["bill_kind"] is None
    said, slots = await run(
        form, tracker("12", "inform", bill_kind="water_bill", bill_number="12", bill_failures=2.0)
    )
    assert said[0]["response"] == "utter_bill_number_give_up" and slots["requested_slot"] is None
    said, _ = await run(ActionPayBill(), tracker("12", "inform"))
    assert [m["response"] for m in said] == ["utter_main_menu"] and payment_calls(double) == []


async def test_checking_a_payment_by_reference_or_the_last_one_offered(double):
    said, _ = await run(ActionCheckPayment(), tracker("payment status", "check_payment"))
    assert said[0]["response"] == "utter_ask_payment_reference"
    said, _ = await run(
        ActionCheckPayment(), tracker("mera payment hua kya", "check_payment", payment_reference=REFERENCE)
    )
    assert said[0]["response"] == "utter_payment_open" and said[0]["amount"] == "₹150"
    double.payment_status = "paid"
    said, _ = await run(
        ActionCheckPayment(), tracker(f"check {REFERENCE.lower()}", "check_payment", language="hi")
    )
    assert said[0]["response"] == "utter_payment_paid" and said[0]["subject"].startswith("लर्नर लाइसेंस")
    said, _ = await run(ActionCheckPayment(), tracker("check SVPZZZZZZZZZZZZ", "check_payment"))
    assert said[0]["response"] == "utter_payment_reference_unknown"


async def test_a_fee_that_cannot_be_opened_after_submission_asks_to_pay_later(double):
    said, slots = await run(
        ActionFinishApplication(),
        tracker(
            "/affirm", "affirm", form_outcome="submit", draft_id=7, application_service="learner_licence"
        ),
    )
    # Not "check the number": the bot gave that number a moment ago.
    assert [m["response"] for m in said] == [
        "utter_application_submitted_no_deadline",
        "utter_payment_unavailable",
    ]
    assert slots["draft_id"] is None
