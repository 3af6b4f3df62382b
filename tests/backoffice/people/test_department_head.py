"""A department head belongs to one department, lands on its dashboard and cannot work the officers' queue."""

from __future__ import annotations

import pytest

from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.people import services as people
from tests.backoffice.conftest import add_user


def test_a_head_needs_a_department_and_keeps_it(app):
    by = Actor("admin", "admin")
    with app.app_context():
        add_user("seed", "officer", "revenue")
        with pytest.raises(people.UserRefused, match="department"):
            people.create_user("no.department", "Head", "department_head", None, "pw-123456789", by)
        head = people.create_user("rev.head", "Head", "department_head", "revenue", "pw-123456789", by)
        db.session.commit()
        assert head.department_code == "revenue" and head.role_label == "Department head"


def test_a_head_signs_in_to_the_dashboard_and_is_refused_the_queue(app, client, auth):
    with app.app_context():
        add_user("rev.head", "department_head", "revenue")
    response = auth.login("rev.head")
    assert response.headers["Location"].endswith("/admin/dashboard")
    assert client.get("/queue").status_code == 403
    assert client.get("/admin/users").status_code == 403
