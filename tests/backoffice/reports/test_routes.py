"""The reports pages: heads see only their department on every path, exports are audited and injection-safe."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from backoffice.audit.models import AuditEntry
from backoffice.extensions import db
from backoffice.reports.export import csv_chunks
from tests.backoffice.conftest import csrf_token

BY_DEPARTMENT = "/admin/reports?dimensions=department&measures=count&measures=fees"
PATHS = (
    BY_DEPARTMENT,
    "/admin/reports/export.csv?dimensions=department&measures=count",
    "/admin/reports/export.xlsx?dimensions=department&measures=count",
    "/admin/reports/export.csv",  # the listing: one row per application
    "/admin/reports/export.csv?f_department=mcd",  # asking for another department by filter
    "/admin/dashboard",
    "/admin/dashboard/stream",
)


def body_of(response) -> str:
    if response.mimetype.endswith("sheet"):
        sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
        return "\n".join(
            ",".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)
        )
    if response.mimetype == "text/event-stream":
        chunks = (c.decode() if isinstance(c, bytes) else c for c in response.response)
        return next(chunk for chunk in chunks if chunk.startswith("event: tiles"))
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PATHS)
def test_a_department_head_never_sees_another_departments_rows_or_totals(
    app, client, auth, population, redis_url, path
):
    app.config.update(DASHBOARD_STREAM_SECONDS=0.5, REDIS_URL=redis_url)
    auth.login("rev.head")
    response = client.get(path)
    assert response.status_code == 200
    text = body_of(response)
    # Asking for mcd by filter gives nothing at all; everything else shows revenue's own rows.
    assert ("revenue" in text) != ("f_department=mcd" in path)
    assert "mcd" not in text and "birth_certificate" not in text
    if "dashboard" in path:
        # Totals too: every tile counts revenue's 4 applications and its documents only.
        tiles = json.loads(
            re.search(r'id="dashboard-data">(.*?)</script>|data: (.*)', text).group(
                1 if "stream" not in path else 2
            )
        )
        assert tiles["applications"]["department"] == {"revenue": 4}
        assert sum(tiles["applications"]["status"].values()) == 4
        with app.app_context():
            assert tiles["ocr"]["total"] == ocr_results_of("revenue")
    else:
        # mcd's fees (Rs 100) never reach revenue's head.
        assert "100.0" not in text


def ocr_results_of(department: str) -> int:
    from backoffice.applications.models import Application
    from backoffice.documents.models import Document
    from backoffice.ocr.models import OcrResult

    query = (
        select(OcrResult.id).join(Document, Document.id == OcrResult.document_id)
        .join(Application, Application.id == Document.application_id).where(Application.department_code == department)
    )  # fmt: skip
    return len(db.session.scalars(query).all())


def test_the_administrator_sees_every_department(client, auth, population):
    auth.login("admin")
    text = client.get(BY_DEPARTMENT).get_data(as_text=True)
    assert "revenue" in text and "mcd" in text


@pytest.mark.parametrize("username", ["rev.officer"])
@pytest.mark.parametrize("path", PATHS)
def test_officers_are_refused_every_report_path(client, auth, population, username, path):
    auth.login(username)
    assert client.get(path).status_code == 403


def test_csv_export_is_streamed_escaped_and_audited(app, client, auth, population):
    auth.login("admin")
    response = client.get(
        "/admin/reports/export.csv?dimensions=department&dimensions=district&measures=count"
    )
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Department", "District", "Applications"]
    assert ["mcd", "east", "2"] in rows and ["revenue", "north", "2"] in rows
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.exported")).one()
        details = json.loads(entry.details)
        assert "admin" in entry.actor
        assert details["rows"] == 3 and details["format"] == "csv" and details["complete"]


def test_formula_cells_are_escaped_in_csv():
    out = "".join(
        csv_chunks(["a"], [('=HYPERLINK("x")',), ("+1",), ("-2",), ("@SUM",), ("plain",), (-3,)], [0])
    )
    assert out.splitlines() == ["a", '"\'=HYPERLINK(""x"")"', "'+1", "'-2", "'@SUM", "plain", "-3"]


def test_a_report_is_saved_exported_as_xlsx_and_kept_from_other_departments(app, client, auth, population):
    auth.login("rev.head")
    form = {"csrf_token": csrf_token(client, BY_DEPARTMENT), "name": "Revenue by district",
            "dimensions": ["district"], "measures": ["count", "rejected_pct"]}  # fmt: skip
    saved = client.post("/admin/reports", data=form)
    assert saved.status_code == 302
    report_path = saved.headers["Location"]
    page = client.get(report_path).get_data(as_text=True)
    assert "Revenue by district" in page and json.dumps("north") in page
    workbook = client.get("/admin/reports/export.xlsx?" + report_path.split("?")[1])
    sheet = load_workbook(io.BytesIO(workbook.data), read_only=True).active
    assert list(sheet.iter_rows(values_only=True)) == [("District", "Applications", "% rejected"),
                                                       ("north", 2, 50.0), ("south", 2, 0)]  # fmt: skip
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.exported")).one()
        assert (
            entry.subject == "report:" + report_path.split("report=")[1]
            and json.loads(entry.details)["rows"] == 2
        )
    client.post("/logout", data={"csrf_token": csrf_token(client, BY_DEPARTMENT)})
    auth.login("mcd.head")
    assert client.get(report_path).status_code == 404
    assert "Revenue by district" not in client.get("/admin/reports").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/reports")})
    auth.login("admin")
    assert client.get(report_path).status_code == 404


def test_bad_input_is_a_polite_answer_not_a_500(client, auth, population):
    auth.login("admin")
    response = client.get("/admin/reports?dimensions=phone&from=someday")
    assert response.status_code == 422
    assert "अज्ञात" in response.get_data(as_text=True)
    assert client.get("/admin/reports/export.csv?from=31-12-2026").status_code == 422
