"""The gateway credentials the payment tests give the stand-in (test values, not secrets)."""

KEY_ID = "rzp_test_payments"
KEY_SECRET = "test-key-secret"
WEBHOOK_SECRET = "test-webhook-secret"
