"""The consent ledger: per purpose, append-only, withdrawals as easy as grants, suppressed sends counted."""

from datetime import timedelta

import pytest

from backoffice.citizens.services import touch
from backoffice.consent import notice
from backoffice.consent import services as consent
from backoffice.consent.models import Campaign, ConsentEntry, LedgerIsAppendOnly, SuppressedMessage
from backoffice.core.clock import utcnow
from backoffice.core.problems import Problem
from backoffice.extensions import db
from tests.backoffice.conftest import add_user

CITIZEN = "wa-consent-1"
VERSION = notice.current()["version"]


def start(api, citizen=CITIZEN, **body):
    return api.post(f"/api/v1/citizens/{citizen}/consent", json={"granted": True, "evidence": "wamid.A1",
                                                                   "notice_version": VERSION, **body})  # fmt: skip


def stop(api, citizen=CITIZEN, **body):
    return api.post(
        f"/api/v1/citizens/{citizen}/consent", json={"granted": False, "evidence": "wamid.S1", **body}
    )


def test_start_grants_updates_and_reminders_with_the_notice_version_and_message_as_evidence(app, api):
    response = start(api)
    assert response.status_code == 200
    assert response.get_json()["standing"] == {"updates": True, "reminders": True, "broadcasts": []}
    with app.app_context():
        entries = db.session.query(ConsentEntry).order_by(ConsentEntry.id).all()
        assert [(e.purpose, e.granted, e.channel, e.evidence, e.notice_version) for e in entries] == [
            ("updates", True, "whatsapp", "wamid:wamid.A1", VERSION),
            ("reminders", True, "whatsapp", "wamid:wamid.A1", VERSION),
        ]


def test_a_grant_without_a_known_notice_version_is_refused(api):
    response = start(api, notice_version="1999-01")
    assert response.status_code == 422
    assert api.get(f"/api/v1/citizens/{CITIZEN}").status_code == 404  # nothing recorded, not even the citizen


def test_stop_per_purpose_then_start_restores_and_the_ledger_keeps_every_step(app, api):
    start(api)
    assert stop(api, purposes=["reminders"]).get_json() == {
        "standing": {"updates": True, "reminders": False, "broadcasts": []}, "withdrawn": ["reminders"]}  # fmt: skip
    assert stop(api).get_json()["standing"] == {"updates": False, "reminders": False, "broadcasts": []}
    assert start(api).get_json()["standing"]["reminders"] is True
    with app.app_context():
        history = [(e.purpose, e.granted) for e in db.session.query(ConsentEntry).order_by(ConsentEntry.id)]
    assert history == [("updates", True), ("reminders", True), ("reminders", False), ("updates", False),
                       ("updates", True), ("reminders", True)]  # fmt: skip


def test_start_with_a_campaign_grants_that_departments_broadcasts_and_names_the_campaign(app, api):
    with app.app_context():
        add_user("rev.admin", "officer", "revenue")
        db.session.add(
            Campaign(code="REVCAMP1", department_code="revenue", label="Tehsil poster", created_by="t")
        )
        db.session.commit()
    body = start(api, campaign="revcamp1").get_json()
    assert body["standing"]["broadcasts"] == ["revenue"]
    assert body["campaign"] == {"code": "REVCAMP1", "known": True, "department": "revenue"}
    with app.app_context():
        [entry] = db.session.query(ConsentEntry).filter_by(purpose="broadcasts").all()
        assert (entry.channel, entry.department, entry.evidence) == (
            "qr",
            "revenue",
            "wamid:wamid.A1 campaign:REVCAMP1",
        )


def test_an_unknown_campaign_still_records_consent_marked_unknown(app, api):
    body = start(api, campaign="NOSUCH9").get_json()
    assert body["standing"] == {"updates": True, "reminders": True, "broadcasts": []}
    assert body["campaign"] == {"code": "NOSUCH9", "known": False}
    with app.app_context():
        evidence = {e.evidence for e in db.session.query(ConsentEntry)}
    assert evidence == {"wamid:wamid.A1 campaign-unknown:NOSUCH9"}


@pytest.mark.parametrize(
    "body",
    [{"granted": "yes", "evidence": "w"}, {"granted": True}, {"granted": False, "evidence": "w", "purposes": ["ads"]},
     {"granted": True, "evidence": "w", "notice_version": VERSION, "campaign": "<script>"}, {"granted": False, "evidence": "x" * 500}],
)  # fmt: skip
def test_bad_bodies_are_refused_politely(api, body):
    response = api.post(f"/api/v1/citizens/{CITIZEN}/consent", json=body)
    assert response.status_code == 422 and response.get_json()["code"] == "invalid"


def test_the_ledger_cannot_be_rewritten(app):
    with app.app_context():
        touch(CITIZEN)
        entry = consent.record(CITIZEN, "updates", True, "whatsapp", "wamid:x", VERSION)
        db.session.commit()
        entry.granted = False
        with pytest.raises(LedgerIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(ConsentEntry, entry.id))
        with pytest.raises(LedgerIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(ConsentEntry, entry.id).granted is True


def test_broadcast_consent_is_per_department(app):
    with app.app_context():
        touch(CITIZEN)
        add_user("mcd.x", "officer", "mcd")
        consent.record(CITIZEN, "broadcasts", True, "whatsapp", "wamid:x", VERSION, "mcd")
        assert consent.allows(CITIZEN, "broadcasts", "mcd")
        assert not consent.allows(CITIZEN, "broadcasts", "revenue")
        with pytest.raises(Problem):
            consent.record(CITIZEN, "broadcasts", True, "whatsapp", "wamid:x", VERSION)  # no department
        ids = db.session.scalars(consent.consented_citizens("broadcasts", "mcd")).all()
        assert ids == [CITIZEN]


def test_a_send_without_consent_is_suppressed_and_counted(app):
    with app.app_context():
        touch(CITIZEN)
        assert consent.may_send(CITIZEN, "reminders", "reminder:payment_pending") is False
        consent.record(CITIZEN, "reminders", True, "whatsapp", "wamid:x", VERSION)
        assert consent.may_send(CITIZEN, "reminders", "reminder:payment_pending") is True
        db.session.commit()
        [suppressed] = db.session.query(SuppressedMessage).all()
        assert (suppressed.purpose, suppressed.kind) == ("reminders", "reminder:payment_pending")
        assert consent.suppressed_counts(utcnow() - timedelta(hours=1)) == {"reminders": 1}


def test_the_chat_notice_is_itemised_in_both_languages_and_links_the_web_page(api):
    body = api.get("/api/v1/privacy-notice?purposes=reminders").get_json()
    assert body["version"] == VERSION and body["url"].endswith("/privacy")
    assert "WhatsApp number" in body["text"]["en"] and "Grievance Officer" in body["text"]["en"]
    assert "व्हाट्सऐप नंबर" in body["text"]["hi"] and "शिकायत अधिकारी" in body["text"]["hi"]
    assert "Reminders" in body["text"]["en"] and "Updates on your applications" not in body["text"]["en"]
    assert body["url"] in body["text"]["hi"]
