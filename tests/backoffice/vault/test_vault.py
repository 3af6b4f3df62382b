"""The Aadhaar vault: a full number is stored only sealed; answers, dumps and pages hold it masked."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import text

from backoffice.applications.models import Application
from backoffice.demo import samples as demo
from backoffice.extensions import db
from backoffice.ocr.verification import form_answers
from backoffice.vault import services as vault
from backoffice.vault.crypto import UnsealableValue, VaultKeys, associated_data, new_key, seal, unseal
from backoffice.vault.models import AadhaarRecord
from catalog import load_catalog
from catalog.validation import verhoeff_check_digit

CITIZEN = "wa-aaaaaaaaaaaaaaaaaaaa"
OTHER = "wa-bbbbbbbbbbbbbbbbbbbb"
NUMBER = "34567890123" + verhoeff_check_digit("34567890123")
SPACED = f"{NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]}"


def full_numbers_in_database() -> list[str]:
    """Every row of every table, as text, that holds the full number in any spelling."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            flat = " ".join(str(v) for v in row)
            if NUMBER in flat or SPACED in flat or NUMBER in flat.replace(" ", "").replace("-", ""):
                found.append(f"{table.name}: {flat[:80]}")
    return found


def draft_with_aadhaar(api, citizen=CITIZEN) -> dict:
    answers = {**demo.demo_answers(load_catalog()["income_certificate"]), "aadhaar": SPACED}
    response = api.post(
        "/api/v1/drafts", json={"citizen": citizen, "service": "income_certificate", "answers": {}}
    )
    patched = api.patch(
        f"/api/v1/drafts/{response.get_json()['id']}", json={"citizen": citizen, "answers": answers}
    )
    assert patched.status_code == 200, patched.get_json()
    return patched.get_json()


def test_the_full_number_is_sealed_and_every_answer_holds_it_masked(app, api):
    draft = draft_with_aadhaar(api)
    assert draft["answers"]["aadhaar"] == f"XXXX-XXXX-{NUMBER[-4:]}"
    with app.app_context():
        assert full_numbers_in_database() == []
        record = db.session.query(AadhaarRecord).one()
        assert NUMBER.encode() not in record.sealed
        assert vault.reveal(draft["id"], "aadhaar") == NUMBER
        # OCR's exact cross-check still gets the full number, opened in memory only.
        assert form_answers(db.session.get(Application, draft["id"]))["aadhaar_number"] == NUMBER


def test_the_same_number_in_two_applications_is_found_by_its_keyed_digest(app, api):
    first, second = draft_with_aadhaar(api), draft_with_aadhaar(api, citizen=OTHER)
    with app.app_context():
        assert vault.applications_with(NUMBER) == [first["id"], second["id"]]
        assert vault.sharing_the_number(first["id"]) == [second["id"]]
        digest = db.session.query(AadhaarRecord.digest).first()[0]
        assert NUMBER not in digest and len(digest) == 64


def test_changing_or_removing_the_answer_changes_the_vault(app, api):
    draft = draft_with_aadhaar(api)
    other = "45678901234" + verhoeff_check_digit("45678901234")
    api.patch(f"/api/v1/drafts/{draft['id']}", json={"citizen": CITIZEN, "answers": {"aadhaar": other}})
    with app.app_context():
        assert vault.reveal(draft["id"], "aadhaar") == other
    api.patch(f"/api/v1/drafts/{draft['id']}", json={"citizen": CITIZEN, "answers": {"aadhaar": None}})
    with app.app_context():
        assert db.session.query(AadhaarRecord).count() == 0
    draft = draft_with_aadhaar(api)
    assert api.delete(f"/api/v1/drafts/{draft['id']}?citizen={CITIZEN}").status_code == 204
    with app.app_context():
        assert db.session.query(AadhaarRecord).count() == 0  # a cancelled draft takes its sealed number along


def test_a_sealed_number_opens_only_for_its_own_application_and_with_its_key():
    keys = VaultKeys.from_env({"SEVA_AADHAAR_KEYS": f"k1:{new_key()}", "SEVA_AADHAAR_HMAC_KEY": new_key()})
    assert keys.configured and keys.current == "k1"
    sealed = seal(keys, NUMBER, associated_data(1, "aadhaar"))
    assert unseal(keys, sealed, associated_data(1, "aadhaar")) == NUMBER
    with pytest.raises(UnsealableValue):
        unseal(keys, sealed, associated_data(2, "aadhaar"))  # copied to another application
    other = VaultKeys.from_env({"SEVA_AADHAAR_KEYS": f"k1:{new_key()}", "SEVA_AADHAAR_HMAC_KEY": new_key()})
    with pytest.raises(UnsealableValue):
        unseal(other, sealed, associated_data(1, "aadhaar"))
    old_key = base64.urlsafe_b64encode(keys.keys["k1"]).decode()
    rotated = VaultKeys.from_env(
        {"SEVA_AADHAAR_KEYS": f"k2:{new_key()},k1:{old_key}", "SEVA_AADHAAR_HMAC_KEY": new_key()}
    )
    assert (
        rotated.current == "k2" and unseal(rotated, sealed, associated_data(1, "aadhaar")) == NUMBER
    )  # rotation


def test_the_migration_seals_the_numbers_already_stored(app):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="0004")
        db.session.execute(
            text("INSERT INTO departments (code, name_en, name_hi) VALUES ('revenue', 'Revenue', 'राजस्व')")
        )
        db.session.execute(text("INSERT INTO citizens (id, language, opted_in, created_at) VALUES (:c, 'hi', 0, CURRENT_TIMESTAMP)"),
                           {"c": CITIZEN})  # fmt: skip
        db.session.execute(
            text("INSERT INTO applications (id, service, department_code, citizen_id, status, answers, channel, "
                 "language, created_at, updated_at) VALUES (7, 'income_certificate', 'revenue', :c, 'draft', :a, "
                 "'whatsapp', 'hi', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"c": CITIZEN, "a": f'{{"aadhaar": "{NUMBER}", "applicant_name": "Sunita Devi"}}'},
        )  # fmt: skip
        db.session.commit()
        upgrade()
        assert db.session.get(Application, 7).answers == {
            "aadhaar": f"XXXX-XXXX-{NUMBER[-4:]}",
            "applicant_name": "Sunita Devi",
        }
        assert vault.reveal(7, "aadhaar") == NUMBER
        assert full_numbers_in_database() == []


def test_the_officer_sees_other_applications_with_the_same_number_of_their_department_only(
    app, client, auth, people, submitted
):
    first = submitted(citizen="wa-same-1")  # the demo answers share one Aadhaar number
    second = submitted(citizen="wa-same-2")
    elsewhere = submitted(service="birth_certificate", citizen="wa-same-3")
    with app.app_context():
        numbers = {i: db.session.get(Application, i).number for i in (first, second, elsewhere)}
        assert first in vault.sharing_the_number(elsewhere)  # an MCD application with the same number
    auth.login("rev.officer")
    page = client.get(f"/applications/{first}").get_data(as_text=True)
    assert 'id="same-aadhaar"' in page and numbers[second] in page
    assert numbers[elsewhere] not in page  # another department's application is not named
    auth.logout()
    auth.login("admin")
    page = client.get(f"/applications/{first}").get_data(as_text=True)
    assert numbers[elsewhere] in page and numbers[second] in page  # an administrator sees every department
