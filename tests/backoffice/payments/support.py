"""Values and small builders shared by the payment tests (test credentials, not secrets)."""

from catalog.fees import Charge, line

KEY_ID = "rzp_test_payments"
KEY_SECRET = "test-key-secret"
WEBHOOK_SECRET = "test-webhook-secret"
CITIZEN = "wa-0123456789abcdef0123"


def fee_charge(application_id: int = 1, amount_paise: int = 15000) -> Charge:
    """An application fee charge, as `application_charge` builds it from the catalog."""
    return Charge(
        purpose="application_fee",
        subject_key=f"application:{application_id}",
        description_en=f"Income certificate (application {application_id})",
        description_hi=f"आय प्रमाण पत्र (आवेदन {application_id})",
        lines=(line("fee", "Fee: Income certificate", "शुल्क: आय प्रमाण पत्र", amount_paise),),
        application_id=application_id,
    )
