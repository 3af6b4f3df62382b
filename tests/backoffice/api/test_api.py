"""The bot's API as the actions use it: drafts, submission, tracking, problems, and the OpenAPI document."""

import io

import pytest

from backoffice.demo import samples as demo
from catalog import load_catalog

CITIZEN = "wa-aaaaaaaaaaaaaaaaaaaa"
OTHER = "wa-bbbbbbbbbbbbbbbbbbbb"


def start_draft(api, citizen=CITIZEN, service="income_certificate", answers=None):
    response = api.post(
        "/api/v1/drafts", json={"citizen": citizen, "service": service, "answers": answers or {}}
    )
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def complete(api, draft_id, citizen=CITIZEN, service="income_certificate"):
    """Answer every field and attach every document, as the conversation would."""
    service_def = load_catalog()[service]
    assert (
        api.patch(
            f"/api/v1/drafts/{draft_id}", json={"citizen": citizen, "answers": demo.demo_answers(service_def)}
        ).status_code
        == 200
    )
    for requirement in service_def.documents:
        data = demo.sample_image(requirement.id)
        stored = api.post("/api/v1/documents", data={"file": (io.BytesIO(data), "a.png", "image/png"), "citizen": citizen},
                          content_type="multipart/form-data").get_json()  # fmt: skip
        response = api.post(f"/api/v1/drafts/{draft_id}/documents",
                            json={"citizen": citizen, "document_id": stored["id"], "requirement": requirement.id})  # fmt: skip
        assert response.status_code == 200


def test_a_citizen_applies_and_tracks_the_application(api):
    assert api.get(f"/api/v1/citizens/{CITIZEN}").status_code == 404
    profile = api.put(
        f"/api/v1/citizens/{CITIZEN}",
        json={"language": "hi", "mobile": "+91 98765 43210"},
    )
    assert profile.get_json() == {
        "citizen": CITIZEN,
        "language": "hi",
        "mobile_masked": "******3210",
        "consent": {"updates": False, "reminders": False, "broadcasts": []},
    }

    draft = start_draft(api, answers={"applicant_name": "Sunita Devi"})
    assert api.get(f"/api/v1/citizens/{CITIZEN}/draft").get_json()["id"] == draft["id"]  # offered to resume
    assert start_draft(api)["id"] == draft["id"]  # one open draft per service
    complete(api, draft["id"])

    submitted = api.post(f"/api/v1/drafts/{draft['id']}/submit", json={"citizen": CITIZEN})
    assert submitted.status_code == 201
    body = submitted.get_json()
    assert body["number"].startswith("DL-REV-") and body["status"] == "document_check"
    assert body["status_label"]["hi"] and body["decision_by"]  # 21 days under the Act for income certificates
    assert api.get(f"/api/v1/citizens/{CITIZEN}/draft").status_code == 404

    listed = api.get(f"/api/v1/citizens/{CITIZEN}/applications").get_json()["applications"]
    assert [a["number"] for a in listed] == [body["number"]]
    detail = api.get(f"/api/v1/applications/{body['number']}?citizen={CITIZEN}").get_json()
    assert [h["status"] for h in detail["history"]] == ["submitted", "document_check"]


def test_another_citizens_application_and_draft_answer_404_like_missing_ones(api):
    draft = start_draft(api)
    complete(api, draft["id"])
    number = api.post(f"/api/v1/drafts/{draft['id']}/submit", json={"citizen": CITIZEN}).get_json()["number"]
    other_draft = start_draft(api, citizen=OTHER)
    for response in (
        api.get(f"/api/v1/applications/{number}?citizen={OTHER}"),
        api.get("/api/v1/applications/DL-REV-2026-999999?citizen=" + CITIZEN),
        api.patch(f"/api/v1/drafts/{other_draft['id']}", json={"citizen": CITIZEN, "answers": {}}),
        api.post(f"/api/v1/applications/{number}/withdraw", json={"citizen": OTHER}),
    ):
        assert response.status_code == 404
        assert response.get_json()["code"] == "not_found"
    assert api.get(f"/api/v1/citizens/{OTHER}/applications").get_json() == {"applications": []}


def test_a_bad_answer_is_a_422_naming_the_field_and_the_catalog_code(api):
    draft = start_draft(api)
    response = api.patch(
        f"/api/v1/drafts/{draft['id']}",
        json={"citizen": CITIZEN, "answers": {"pincode": "400001", "aadhaar": "1234"}},
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = {e["field"]: e["code"] for e in response.get_json()["errors"]}
    assert set(errors) == {"pincode", "aadhaar"}


def test_submitting_an_incomplete_draft_lists_what_is_missing(api):
    draft = start_draft(api)
    response = api.post(f"/api/v1/drafts/{draft['id']}/submit", json={"citizen": CITIZEN})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert "applicant_name" in fields and any(f.startswith("documents.") for f in fields)


def test_a_query_is_answered_from_whatsapp_and_the_application_returns_to_review(api, app, submitted):
    from backoffice.audit.services import Actor
    from tests.backoffice.conftest import move

    application_id = submitted(citizen=CITIZEN)
    officer = Actor("officer", "rev.officer", department="revenue")
    move(app, application_id, "raise_query", officer, "Please send a clearer income proof.")
    listed = api.get(f"/api/v1/citizens/{CITIZEN}/applications").get_json()["applications"][0]
    assert listed["status"] == "query_raised" and listed["query"] == "Please send a clearer income proof."
    answered = api.post(
        f"/api/v1/applications/{listed['number']}/query-answer",
        json={"citizen": CITIZEN, "text": "Sent again"},
    )
    assert answered.status_code == 200 and answered.get_json()["status"] == "under_review"
    again = api.post(
        f"/api/v1/applications/{listed['number']}/query-answer", json={"citizen": CITIZEN, "text": "x"}
    )
    assert again.status_code == 409 and again.content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/api/v1/nowhere", 404), ("delete", "/api/v1/catalog", 405), ("post", "/api/v1/drafts", 400)],
)
def test_every_error_is_problem_json(api, method, path, status):
    response = getattr(api, method)(path, data="not json", content_type="application/json")
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == status


def test_the_catalog_is_served_with_an_etag_that_revalidates(api):
    response = api.get("/api/v1/catalog")
    ids = {s["id"] for s in response.get_json()["services"]}
    assert ids == set(load_catalog())
    assert api.get("/api/v1/catalog", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert api.get("/api/v1/catalog/income_certificate").get_json()["department"] == "revenue"
    assert api.get("/api/v1/catalog/no_such_service").status_code == 404


def test_the_openapi_document_describes_every_api_route(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {
        (
            rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}").replace("{int:", "{"),
            method.lower(),
        )
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") and not rule.rule.endswith("openapi.json")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    missing = {(p, m) for p, m in routes if (re_path(p), m) not in {(re_path(d), dm) for d, dm in described}}
    assert not missing


def re_path(path: str) -> str:
    """A path with its parameter names blanked, so `{id}` and `{draft_id}` compare equal."""
    import re

    return re.sub(r"\{[^}]+\}", "{}", path)
