"""A valid answer for any catalog field, in the form a citizen would type it (used by tests and story generation)."""

from __future__ import annotations

from datetime import date

from catalog import Service
from catalog.model import Field
from catalog.validation import verhoeff_check_digit

# Fields whose format is a pattern the generic rules below cannot guess.
PATTERNED = {
    "bank_account": "123456789012",
    "ifsc": "SBIN0001234",
    "udid_number": "DL1234567890123456",
    "dl_number": "DL-0420110012345",
}
AADHAAR = "23456789012" + verhoeff_check_digit("23456789012")


def sample_date(service: Service, field: Field, today: date | None = None) -> str:
    """A date that passes the field's rules and the service's age limits."""
    today = today or date.today()
    if field.validation.get("not_past"):
        return f"15/06/{today.year + 1}"
    if field.id == service.eligibility.age_field:
        low, high = service.eligibility.min_age or 18, service.eligibility.max_age
        age = (low + high) // 2 if high else max(low, 30) + 5
        return f"12/03/{today.year - age - 1}"
    return f"12/03/{today.year - 35}"


def sample_answer(service: Service, field: Field, language: str = "en") -> str:
    """Typed text that the field accepts."""
    if field.id in PATTERNED:
        return PATTERNED[field.id]
    rules = field.validation
    match field.type:
        case "name":
            return "रमेश कुमार" if language == "hi" else "Ramesh Kumar"
        case "address":
            return "मकान 12, गली 4, लक्ष्मी नगर" if language == "hi" else "House 12, Gali 4, Laxmi Nagar"
        case "date":
            return sample_date(service, field)
        case "aadhaar":
            return AADHAAR[:4] + " " + AADHAAR[4:8] + " " + AADHAAR[8:]
        case "mobile":
            return "9811122233"
        case "pincode":
            return "110092"
        case "pan":
            return "ABCDE1234F"
        case "kno":
            return "1234567890"
        case "upic":
            return "ABCD12345678"
        case "email":
            return "citizen@example.in"
        case "choice":
            return field.options[0].value
        case "number" | "amount":
            low = rules.get("min", 1)
            high = min(rules.get("max", low + 100000), low + 100000)
            return str((low + high) // 2)
    return "सामान्य उत्तर का विवरण" if language == "hi" else "A plain answer with details"
