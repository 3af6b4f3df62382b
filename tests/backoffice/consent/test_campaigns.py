"""An administrator makes a QR campaign and prints its bilingual A4 poster; a START with its code names it."""

import re
import subprocess

from backoffice.consent import notice
from certificates.qr_code import read_qr_texts, render_pdf_page
from tests.backoffice.conftest import add_user, csrf_token


def test_the_poster_carries_a_qr_code_for_start_with_the_campaign_and_the_consents_are_counted(
    app, client, auth, api, tmp_path
):
    with app.app_context():
        add_user("admin", "admin", None)
        add_user("rev.officer", "officer", "revenue")
    auth.login("admin")
    token = csrf_token(client, "/admin/campaigns")
    response = client.post("/admin/campaigns", data={"department": "revenue", "label": "Tehsil Karol Bagh, counter 3",
                                                     "csrf_token": token}, follow_redirects=True)  # fmt: skip
    page = response.get_data(as_text=True)
    [code] = re.findall(r"Campaign (REV\d[A-Z2-9]{4}) created", page)
    assert f"https://wa.me/911100000002?text=START%20{code}" in page

    pdf = client.get(f"/admin/campaigns/{code}/poster.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf.data)
    assert read_qr_texts(render_pdf_page(path, dpi=100)) == [
        f"https://wa.me/911100000002?text=START%20{code}"
    ]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # Shaped Devanagari extracts as glyphs, not letters, wherever a conjunct forms; these words have none.
    assert "अपडेट और" in text and "Get updates and reminders on WhatsApp" in text and "/privacy" in text
    assert f"START {code}" in text

    body = {
        "granted": True,
        "evidence": "wamid.QR1",
        "notice_version": notice.current()["version"],
        "campaign": code,
    }
    assert api.post("/api/v1/citizens/wa-qr-1/consent", json=body).get_json()["standing"]["broadcasts"] == [
        "revenue"
    ]
    row = re.search(rf"<td>{code}</td>.*?</tr>", client.get("/admin/campaigns").get_data(as_text=True), re.S)[
        0
    ]
    assert "<td>1</td>" in row


def test_only_administrators_make_campaigns_or_print_posters(app, client, auth):
    with app.app_context():
        add_user("rev.officer", "officer", "revenue")
    auth.login("rev.officer")
    assert client.get("/admin/campaigns").status_code == 403
    assert client.get("/admin/campaigns/REV1ABCD/poster.pdf").status_code == 403
    auth.logout()
    assert client.get("/admin/campaigns").status_code in (302, 401)


def test_an_unknown_campaign_poster_is_404(app, client, auth):
    with app.app_context():
        add_user("admin", "admin", None)
    auth.login("admin")
    assert client.get("/admin/campaigns/NOPE1/poster.pdf").status_code == 404
