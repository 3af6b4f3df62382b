"""Demo data for `flask seed` and tests: plausible answers for a catalog service, and submitted applications."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from PIL import Image, ImageDraw

from backoffice.applications import services as applications
from backoffice.applications.models import Application
from backoffice.citizens import services as citizens
from backoffice.documents import services as documents
from backoffice.extensions import db
from catalog import Service, load_catalog
from catalog.validation import verhoeff_check_digit

# Hand-picked where a field's pattern needs a particular shape; other fields are answered by type.
_BY_FIELD = {
    "dl_number": "DL-01-2015-1234567",
    "bank_account": "123456789012",
    "ifsc": "SBIN0001234",
    "udid_number": "DL1234567890123456",
    "upic": "MCD12345678",
    "kno": "1234567890",
}


def demo_answers(service: Service, name: str = "Sunita Devi") -> dict[str, Any]:
    """Answers that pass the catalog's checks for every required field of `service` (as the citizen types them)."""
    aadhaar = "23412341234" + verhoeff_check_digit("23412341234")
    answers: dict[str, Any] = {}
    for field in service.fields:
        rules = field.validation
        if field.id in _BY_FIELD:
            value: Any = _BY_FIELD[field.id]
        elif field.type == "name":
            value = name
        elif field.type == "date" and field.id == service.eligibility.age_field:
            value = _birth_date_for(service)
        elif field.type == "date":
            value = "12/03/1990" if "birth" in field.id else "01/02/2024"
        elif field.type == "aadhaar":
            value = aadhaar
        elif field.type == "mobile":
            value = "9876543210"
        elif field.type == "pincode":
            value = "110054"
        elif field.type == "choice":
            value = field.options[0].value
        elif field.type in ("number", "amount"):
            value = str(max(int(rules.get("min", 0)), min(int(rules.get("max", 120000)), 120000)))
        elif field.type == "address":
            value = "House 12, Rajpur Road, Civil Lines, Delhi"
        elif field.type == "pan":
            value = "ABCDE1234F"
        elif field.type == "email":
            value = "citizen@example.org"
        else:
            value = "Civil Lines, Delhi"
        answers[field.id] = value
    return answers


def _birth_date_for(service: Service) -> str:
    """A date of birth inside the service's age limits (e.g. 65 years ago for an old-age pension)."""
    low, high = service.eligibility.min_age or 18, service.eligibility.max_age or 80
    age = (low + min(high, low + 10)) // 2
    return f"12/03/{date.today().year - age - 1}"


def sample_image(text: str) -> bytes:
    """A small PNG showing `text`, standing in for a photographed document."""
    image = Image.new("RGB", (480, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 471, 291), outline=(30, 60, 120), width=4)
    draw.text((30, 40), text, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def submitted_application(
    service_id: str,
    citizen_id: str,
    mobile: str | None = None,
    language: str = "hi",
    name: str = "Sunita Devi",
    channel: str = "whatsapp",
) -> Application:
    """Create a citizen's complete draft with documents and submit it, through the same code the bot uses."""
    service = load_catalog()[service_id]
    citizens.update(citizen_id, {"language": language, **({"mobile": mobile} if mobile else {})})
    draft, _ = applications.create_draft(
        {
            "citizen": citizen_id,
            "service": service_id,
            "answers": demo_answers(service, name),
            "channel": channel,
        }
    )
    for requirement in service.documents:
        document = documents.store(
            sample_image(f"{requirement.name.en} of {name}"), citizen_id, "whatsapp",
            filename=f"{requirement.id}.png", declared_mime="image/png", sha256=None,
        )  # fmt: skip
        db.session.flush()
        applications.attach_document(
            draft.id, {"citizen": citizen_id, "document_id": document.id, "requirement": requirement.id}
        )
    return applications.submit(draft.id, {"citizen": citizen_id})
