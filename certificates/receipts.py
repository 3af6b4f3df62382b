"""Payment receipts and application acknowledgements: their templates and facts, issued like certificates."""

from datetime import datetime

from catalog.model import Text
from certificates.template import CertificateFacts, CertificateTemplate, Department, Detail, Officer

RECEIPT = CertificateTemplate(
    kind="receipt",
    title=Text(hi="भुगतान रसीद", en="Payment receipt"),
    body_hi=("{payer} से {service_name} के लिए ₹ {amount} का भुगतान प्राप्त हुआ।", "भुगतान संदर्भ {reference}।"),
    body_en=("Received ₹ {amount} from {payer} for {service_name}.", "Payment reference {reference}."),
    validity_months=None,
    key_facts=("amount", "reference"),
)

ACKNOWLEDGEMENT = CertificateTemplate(
    kind="acknowledgement",
    title=Text(hi="आवेदन पावती", en="Acknowledgement of application"),
    body_hi=(
        "{applicant_name} का {service_name} हेतु आवेदन {application_number} दिनांक {issue_date} को प्राप्त हुआ।",
        "निर्णय की अंतिम तिथि {decision_due}।",
    ),
    body_en=(
        "The application {application_number} of {applicant_name} for {service_name} was received on {issue_date}.",
        "A decision is due by {decision_due}.",
    ),
    validity_months=None,
    key_facts=("decision_due",),
)

_SYSTEM = Officer("Seva", Text(hi="स्वचालित रूप से जारी", en="Issued automatically"))


def receipt_facts(
    number: str,
    department: Department,
    service: str,
    service_name: Text,
    payer: str,
    amount: str,
    reference: str,
    paid_at: datetime,
    language: str = "hi",
) -> CertificateFacts:
    """The facts of a payment receipt; `amount` as printed (e.g. "1,500"), `reference` the gateway's."""
    return CertificateFacts(
        number=number,
        service=service,
        department=department,
        holder_name=payer,
        answers={"payer": payer, "amount": amount, "reference": reference, "service_name": service_name},
        details=(
            Detail(Text(hi="भुगतानकर्ता", en="Payer"), payer),
            Detail(Text(hi="सेवा", en="Service"), f"{service_name.hi} / {service_name.en}"),
            Detail(Text(hi="राशि", en="Amount"), f"₹ {amount}"),
            Detail(Text(hi="संदर्भ", en="Reference"), reference),
        ),
        decision=Text(hi="भुगतान सफल", en="Payment successful"),
        officer=_SYSTEM,
        issued_at=paid_at,
        language=language,
    )


def acknowledgement_facts(
    number: str,
    department: Department,
    service: str,
    service_name: Text,
    applicant_name: str,
    application_number: str,
    decision_due: str,
    received_at: datetime,
    language: str = "hi",
) -> CertificateFacts:
    """The facts of an acknowledgement; `decision_due` is the date printed for the time-bound decision."""
    return CertificateFacts(
        number=number,
        service=service,
        department=department,
        holder_name=applicant_name,
        answers={
            "applicant_name": applicant_name,
            "service_name": service_name,
            "decision_due": decision_due,
        },
        details=(
            Detail(Text(hi="आवेदक", en="Applicant"), applicant_name),
            Detail(Text(hi="सेवा", en="Service"), f"{service_name.hi} / {service_name.en}"),
            Detail(Text(hi="निर्णय की अंतिम तिथि", en="Decision due by"), decision_due),
        ),
        decision=Text(hi="आवेदन प्राप्त", en="Application received"),
        officer=_SYSTEM,
        issued_at=received_at,
        application_number=application_number,
        language=language,
    )
