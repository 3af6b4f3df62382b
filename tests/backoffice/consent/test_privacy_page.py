"""The public privacy notice renders in Hindi and in English, itemised, with every version kept."""

from backoffice.consent import notice


def test_privacy_renders_in_english_and_hindi_without_sign_in(client):
    english = client.get("/privacy").get_data(as_text=True)
    hindi = client.get("/privacy?lang=hi").get_data(as_text=True)
    for item in notice.current()["items"]:
        assert item["data"]["en"] in english and item["data"]["hi"] in hindi
    assert "Grievance Officer" in english and "grievance.seva@delhi.gov.in" in english
    assert "शिकायत अधिकारी" in hindi and 'lang="hi"' in hindi
    assert "Data Protection Board" in english and "डेटा संरक्षण बोर्ड" in hindi
    assert "STOP" in english and "START" in hindi


def test_a_published_version_stays_readable_and_an_unknown_one_is_404(client):
    version = notice.current()["version"]
    assert version in client.get(f"/privacy/{version}").get_data(as_text=True)
    assert client.get("/privacy/1999-01").status_code == 404
