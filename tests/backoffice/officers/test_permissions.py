"""Officers and approvers see only their own department: other departments' ids answer 404, other roles 403."""

import pytest

from backoffice.applications.models import Application
from backoffice.extensions import db
from tests.backoffice.conftest import csrf_token


@pytest.fixture
def mcd_application(app, submitted):
    """An MCD application with its first document: (application id, document id)."""
    application_id = submitted(service="birth_certificate", citizen="wa-mcd-citizen")
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.department_code == "mcd"
        return application_id, application.documents[0].id


def test_a_revenue_officer_gets_404_for_every_mcd_page_download_and_action(
    client, auth, people, mcd_application
):
    application_id, document_id = mcd_application
    auth.login("rev.officer")
    token = csrf_token(client, "/queue")
    attempts = [
        client.get(f"/applications/{application_id}"),
        client.get(f"/applications/{application_id}/documents/{document_id}"),
        client.post(
            f"/applications/{application_id}/move", data={"move": "start_review", "csrf_token": token}
        ),
        client.post(
            "/queue/assign", data={"application_ids": [application_id], "officer": 1, "csrf_token": token}
        ),
    ]
    assert [r.status_code for r in attempts] == [404, 404, 404, 404]
    queue = client.get("/queue?status=all").get_data(as_text=True)
    assert "DL-MCD" not in queue


def test_the_mcd_officer_sees_the_same_application(client, auth, people, mcd_application):
    application_id, document_id = mcd_application
    auth.login("mcd.officer")
    assert client.get(f"/applications/{application_id}").status_code == 200
    document = client.get(f"/applications/{application_id}/documents/{document_id}")
    assert document.status_code == 200 and document.mimetype == "image/png"
    assert document.data.startswith(b"\x89PNG")


def test_a_document_id_of_another_application_is_404_even_inside_the_department(
    client, auth, people, app, submitted
):
    first, second = submitted(citizen="wa-one"), submitted(citizen="wa-two")
    with app.app_context():
        foreign_document = db.session.get(Application, second).documents[0].id
    auth.login("rev.officer")
    assert client.get(f"/applications/{first}/documents/{foreign_document}").status_code == 404


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("csc.operator", "/queue", 403),
        ("csc.operator", "/applications/1", 403),
        ("rev.officer", "/admin/users", 403),
        ("rev.approver", "/admin/users", 403),
        ("admin", "/admin/users", 200),
    ],
)
def test_roles_reach_only_their_screens(client, auth, people, submitted, username, path, status):
    submitted()
    auth.login(username)
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", ["/queue", "/applications/1", "/applications/1/documents/x", "/admin/users"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_api_documents_of_another_citizen_cannot_be_attached(api, app, submitted):
    submitted(citizen="wa-owner")
    with app.app_context():
        document_id = db.session.scalars(db.select(Application)).first().documents[0].id
    draft = api.post(
        "/api/v1/drafts", json={"citizen": "wa-thief", "service": "income_certificate"}
    ).get_json()
    response = api.post(
        f"/api/v1/drafts/{draft['id']}/documents",
        json={"citizen": "wa-thief", "document_id": document_id, "requirement": "aadhaar_card"},
    )
    assert response.status_code == 404
