"""`POST /api/v1/documents`: what the WhatsApp channel gets back for good, corrupt, disguised and oversized files."""

import hashlib
import io
import os

import pytest
from PIL import Image

from backoffice.demo import samples as demo


def upload(api, data: bytes, filename="photo.png", mime="image/png", **form):
    """Post one file the way the WhatsApp channel does."""
    fields = {
        "file": (io.BytesIO(data), filename, mime),
        "citizen": "wa-0123456789abcdef0123",
        "source": "whatsapp",
    }
    return api.post("/api/v1/documents", data={**fields, **form}, content_type="multipart/form-data")


def jpeg(size=(640, 400)) -> bytes:
    """A small real JPEG photo."""
    out = io.BytesIO()
    Image.new("RGB", size, (120, 160, 200)).save(out, "JPEG")
    return out.getvalue()


def test_a_good_photo_is_stored_with_its_checksum(api):
    data = jpeg()
    response = upload(api, data, "aadhaar.jpg", "image/jpeg", sha256=hashlib.sha256(data).hexdigest())
    assert response.status_code == 201
    body = response.get_json()
    assert body["mime_type"] == "image/jpeg" and body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert len(body["id"]) >= 16


def test_a_base64_checksum_as_meta_sends_it_is_accepted(api):
    import base64

    data = demo.sample_image("ration card")
    response = upload(api, data, sha256=base64.b64encode(hashlib.sha256(data).digest()).decode())
    assert response.status_code == 201


def refusal(response) -> str:
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    return body["code"]


def test_a_corrupt_image_is_refused_as_corrupt(api):
    broken = jpeg()[:300]  # a photo cut off in transit: valid magic bytes, undecodable body
    assert refusal(upload(api, broken, "photo.jpg", "image/jpeg")) == "corrupt"


def test_a_pdf_disguised_as_a_photo_is_refused(api):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    assert refusal(upload(api, pdf, "photo.jpg", "image/jpeg")) == "unsupported_type"


def test_a_program_renamed_to_jpg_is_refused(api):
    assert (
        refusal(upload(api, b"MZ\x90\x00" + os.urandom(2000), "photo.jpg", "image/jpeg"))
        == "unsupported_type"
    )


def test_a_photo_over_the_image_limit_is_refused_as_too_large(api):
    noise = Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert len(out.getvalue()) > 5 * 1024 * 1024
    assert refusal(upload(api, out.getvalue(), "big.png", "image/png")) == "too_large"


def test_a_body_over_the_request_limit_is_refused_as_too_large_not_413(api, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    assert refusal(upload(api, big, "scan.pdf", "application/pdf")) == "too_large"


def test_a_wrong_checksum_is_refused(api):
    assert refusal(upload(api, jpeg(), "a.jpg", "image/jpeg", sha256="0" * 64)) == "checksum_mismatch"


def test_without_the_service_token_nothing_is_stored(app):
    response = app.test_client().post(
        "/api/v1/documents",
        data={"file": (io.BytesIO(jpeg()), "a.jpg", "image/jpeg"), "citizen": "wa-x"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("missing", ["file", "citizen"])
def test_a_request_missing_a_field_names_it(api, missing):
    form = {"file": (io.BytesIO(jpeg()), "a.jpg", "image/jpeg"), "citizen": "wa-x"}
    del form[missing]
    response = api.post("/api/v1/documents", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert {"field": missing, "code": "required"} in response.get_json()["errors"]
