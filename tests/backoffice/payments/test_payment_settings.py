"""Payment settings come from the environment; development secrets only ever reach a gateway on this machine."""

import pytest

from backoffice.payments.settings import PaymentSettings, PaymentSettingsError


def test_defaults_point_at_the_local_stand_in():
    settings = PaymentSettings.from_env({})
    assert settings.razorpay_base_url == "http://127.0.0.1:8082"
    assert settings.callback_url == "http://127.0.0.1:5000/api/v1/payments/razorpay/return"


def test_real_gateway_with_development_secrets_is_refused():
    with pytest.raises(PaymentSettingsError):
        PaymentSettings.from_env({"RAZORPAY_BASE_URL": "https://api.razorpay.com"})
    settings = PaymentSettings.from_env(
        {
            "RAZORPAY_BASE_URL": "https://api.razorpay.com",
            "RAZORPAY_KEY_ID": "rzp_live_x",
            "RAZORPAY_KEY_SECRET": "s3cret",
            "RAZORPAY_WEBHOOK_SECRET": "w3bhook",
            "UPI_VPA": "mcd@sbi",
            "UPI_PAYEE_NAME": "MCD",
            "SEVA_PUBLIC_URL": "https://seva.delhi.gov.in/",
        }
    )
    assert (settings.upi_vpa, settings.upi_payee_name) == ("mcd@sbi", "MCD")
    assert settings.callback_url == "https://seva.delhi.gov.in/api/v1/payments/razorpay/return"
