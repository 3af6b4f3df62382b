"""A demo application's facts for any catalog service, so that anyone can issue and verify a sample."""

from datetime import UTC, datetime

from catalog.model import Text
from certificates.template import CertificateFacts, Department, Detail, Officer

# Printed values for each catalog field type; identity numbers are masked as they would be on paper.
SAMPLE_VALUES = {
    "name": "राम कुमार शर्मा",
    "date": "15-08-1990",
    "amount": "2,40,000",
    "number": "4",
    "address": "मकान 12, गली 3, लक्ष्मी नगर",
    "pincode": "110092",
    "aadhaar": "XXXX XXXX 4821",
    "mobile": "XXXXXX3210",
    "pan": "ABCDE1234F",
    "text": "नमूना / Sample",
}
SAMPLE_NAMES = ("राम कुमार शर्मा", "श्याम लाल शर्मा", "सीता देवी")
DETAIL_LABELS = {
    "applicant_name": Text(hi="आवेदक का नाम", en="Applicant's name"),
    "father_name": Text(hi="पिता/पति का नाम", en="Father's/husband's name"),
    "date_of_birth": Text(hi="जन्म तिथि", en="Date of birth"),
    "address": Text(hi="पता", en="Address"),
    "pincode": Text(hi="पिन कोड", en="PIN code"),
}


def sample_answers(service) -> dict[str, str | Text]:
    """A plausible printed answer for every field of a catalog `service`."""
    answers, names = {}, iter(SAMPLE_NAMES * 4)
    for field in service.fields:
        if field.type == "name":
            answers[field.id] = next(names)
        elif field.type == "choice" and field.options:
            label = field.options[0].label
            answers[field.id] = Text(hi=label.hi, en=label.en)
        else:
            answers[field.id] = SAMPLE_VALUES.get(field.type, "SAMPLE-0001")
    return answers


def sample_facts(
    service, number: str = "SEVA-DEMO-000001", issued_at: datetime | None = None
) -> CertificateFacts:
    """The facts of a demo application for `service`, as the back-office would give them."""
    answers = sample_answers(service)
    holder = next((answers[f.id] for f in service.fields if f.type == "name"), SAMPLE_NAMES[0])
    return CertificateFacts(
        number=number,
        service=service.id,
        department=Department(
            service.department, Text(hi=service.department_name.hi, en=service.department_name.en)
        ),
        holder_name=holder,
        answers=answers,
        details=tuple(Detail(label, answers[fid]) for fid, label in DETAIL_LABELS.items() if fid in answers),
        decision=Text(hi="स्वीकृत", en="Approved"),
        officer=Officer("अनिल कुमार (Anil Kumar)", Text(hi="नमूना अधिकारी", en="Sample officer")),
        issued_at=issued_at or datetime.now(UTC),
        application_number="APP-DEMO-000001",
        fee_paid="0",
    )
