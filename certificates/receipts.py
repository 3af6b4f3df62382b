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
_SERVICE = Text(hi="सेवा", en="Service")


def _issued_by_seva(
    service,
    number: str,
    holder: Detail,
    answers: dict[str, str],
    details: tuple[Detail, ...],
    decision: Text,
    issued_at: datetime,
    language: str,
    application_number: str = "",
) -> CertificateFacts:
    """A paper Seva issues with no officer about catalog `service`; its holder, then the service, head the table."""
    return CertificateFacts(
        number=number,
        service=service.id,
        department=Department.of(service),
        holder_name=holder.value,
        answers={**answers, "service_name": service.name},
        details=(holder, Detail(_SERVICE, f"{service.name.hi} / {service.name.en}"), *details),
        decision=decision,
        officer=_SYSTEM,
        issued_at=issued_at,
        application_number=application_number,
        language=language,
    )


def receipt_facts(
    service,
    number: str,
    payer: str,
    amount: str,
    reference: str,
    paid_at: datetime,
    language: str = "hi",
) -> CertificateFacts:
    """The facts of a payment receipt; `amount` as printed (e.g. "1,500"), `reference` the gateway's."""
    return _issued_by_seva(
        service,
        number,
        Detail(Text(hi="भुगतानकर्ता", en="Payer"), payer),
        {"payer": payer, "amount": amount, "reference": reference},
        (
            Detail(Text(hi="राशि", en="Amount"), f"₹ {amount}"),
            Detail(Text(hi="संदर्भ", en="Reference"), reference),
        ),
        Text(hi="भुगतान सफल", en="Payment successful"),
        paid_at,
        language,
    )


def acknowledgement_facts(
    service,
    number: str,
    applicant_name: str,
    application_number: str,
    decision_due: str,
    received_at: datetime,
    language: str = "hi",
) -> CertificateFacts:
    """The facts of an acknowledgement; `decision_due` is the date printed for the time-bound decision."""
    return _issued_by_seva(
        service,
        number,
        Detail(Text(hi="आवेदक", en="Applicant"), applicant_name),
        {"applicant_name": applicant_name, "decision_due": decision_due},
        (Detail(Text(hi="निर्णय की अंतिम तिथि", en="Decision due by"), decision_due),),
        Text(hi="आवेदन प्राप्त", en="Application received"),
        received_at,
        language,
        application_number,
    )


CSC_RECEIPT = CertificateTemplate(
    kind="receipt",
    title=Text(hi="सीएससी भुगतान रसीद", en="CSC payment receipt"),
    body_hi=(
        "{payer} से {service_name} हेतु आवेदन {application_number} के लिए ₹ {total} प्राप्त हुए: "
        "सरकारी शुल्क ₹ {fee} और सीएससी सेवा शुल्क ₹ {service_charge} ({method})।",
        "सीएससी {csc_name} ({csc_code}), ऑपरेटर {operator}।",
    ),
    body_en=(
        "Received ₹ {total} from {payer} for application {application_number} ({service_name}): "
        "government fee ₹ {fee} and CSC service charge ₹ {service_charge} ({method}).",
        "CSC {csc_name} ({csc_code}), operator {operator}.",
    ),
    validity_months=None,
    key_facts=("total", "csc_code"),
)


def csc_receipt_facts(
    service,
    number: str,
    payer: str,
    amounts: dict[str, str],
    csc: dict[str, str],
    application_number: str,
    paid_at: datetime,
    language: str = "hi",
) -> CertificateFacts:
    """The facts of a receipt for money taken at a CSC counter.

    `amounts` has `fee`, `service_charge`, `total` as printed (e.g. "50") and `method` (cash / UPI);
    `csc` has `csc_code`, `csc_name`, `operator`.
    """
    return _issued_by_seva(
        service,
        number,
        Detail(Text(hi="भुगतानकर्ता", en="Payer"), payer),
        {"payer": payer, "application_number": application_number, **amounts, **csc},
        (
            Detail(Text(hi="सरकारी शुल्क", en="Government fee"), f"₹ {amounts['fee']}"),
            Detail(Text(hi="सीएससी सेवा शुल्क", en="CSC service charge"), f"₹ {amounts['service_charge']}"),
            Detail(Text(hi="कुल", en="Total"), f"₹ {amounts['total']}"),
            Detail(Text(hi="सीएससी", en="CSC"), f"{csc['csc_name']} ({csc['csc_code']})"),
            Detail(Text(hi="ऑपरेटर", en="Operator"), csc["operator"]),
        ),
        Text(hi="भुगतान प्राप्त", en="Payment received"),
        paid_at,
        language,
        application_number,
    )
