"""A certificate sent again from the chat: by number, the only issued one, a list of several, or a polite no."""

from __future__ import annotations

import json

from actions.certificate_resend import ActionResendCertificate
from tests.actions.conftest import Conversation
from tests.actions.payments_double import PaymentsDouble
from tests.actions.single_turns import CITIZEN, run, tracker
from tests.actions.test_application_form import answer_all_fields

ISSUED = {"number": "DL-REV-2026-000001", "service": "income_certificate", "status": "issued"}


def resend_calls(fake: PaymentsDouble) -> list[tuple[str, dict]]:
    """(path, body) of every resend the bot asked for."""
    return [(path, body) for method, path, body in fake.calls if path.endswith("/certificate/resend")]


async def test_the_only_issued_certificate_is_sent_again(double):
    double.applications = [
        {"number": "DL-REV-2026-000009", "service": "obc_certificate", "status": "under_review"},
        ISSUED,
    ]
    said, _ = await run(
        ActionResendCertificate(), tracker("mera certificate bhejo", "resend_certificate", language="hi")
    )
    assert [m["response"] for m in said] == ["utter_certificate_resent"]
    assert said[0]["certificate"] == "DL-REV-2026-000001-C1"
    assert resend_calls(double) == [
        ("/api/v1/applications/DL-REV-2026-000001/certificate/resend", {"citizen": CITIZEN})
    ]


async def test_several_issued_certificates_are_offered_as_a_list(double):
    double.applications = [ISSUED, {**ISSUED, "number": "DL-MCD-2026-000003", "service": "birth_certificate"}]
    said, _ = await run(ActionResendCertificate(), tracker("send my certificate again", "resend_certificate"))
    assert said[0]["response"] == "utter_choose_certificate" and resend_calls(double) == []
    payload = said[0]["buttons"][1]["payload"]
    assert payload == '/resend_certificate{"number":"DL-MCD-2026-000003"}'
    entities = json.loads(payload.removeprefix("/resend_certificate"))
    said, _ = await run(ActionResendCertificate(), tracker(payload, "resend_certificate", entities))
    assert said[0]["response"] == "utter_certificate_resent"
    assert resend_calls(double)[0][0] == "/api/v1/applications/DL-MCD-2026-000003/certificate/resend"


async def test_not_issued_not_theirs_none_and_an_outage_get_polite_answers(double):
    said, _ = await run(ActionResendCertificate(), tracker("resend certificate", "resend_certificate"))
    assert [m["response"] for m in said] == ["utter_no_certificate"]
    double.applications = [{**ISSUED, "status": "approved"}]
    said, _ = await run(
        ActionResendCertificate(), tracker("send certificate DL-REV-2026-000001", "resend_certificate")
    )
    assert [m["response"] for m in said] == ["utter_certificate_not_issued"]
    said, _ = await run(
        ActionResendCertificate(), tracker("send certificate dl-rev-2026-000777", "resend_certificate")
    )
    assert [m["response"] for m in said] == ["utter_application_not_found"] and said[0][
        "number"
    ] == "DL-REV-2026-000777"
    double.down = True
    said, _ = await run(ActionResendCertificate(), tracker("mera certificate bhejo", "resend_certificate"))
    assert [m["response"] for m in said] == ["utter_try_later"]


async def test_the_real_back_office_refuses_before_issue_and_for_another_citizen(backoffice_server):
    chat = Conversation("wa-resend0001")
    await chat.tap("apply_service", service="grievance")
    await answer_all_fields(chat, "grievance")
    await chat.tap("affirm")
    await chat.tap("skip")
    number = chat.last("utter_application_submitted_no_deadline")["number"]

    asked = f"send certificate {number}"
    said, _ = await run(ActionResendCertificate(), tracker(asked, "resend_certificate", sender=chat.citizen))
    assert [m["response"] for m in said] == ["utter_certificate_not_issued"] and said[0]["number"] == number
    said, _ = await run(ActionResendCertificate(), tracker(asked, "resend_certificate"))
    assert [m["response"] for m in said] == ["utter_application_not_found"]  # another citizen's is not found
