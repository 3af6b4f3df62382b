"""Opt-in Celery tasks: the welcome template after a missed call or SMS, and SMS replies."""

from __future__ import annotations

from celery import shared_task

from backoffice.notifications.sms import SmsError, send_sms
from backoffice.notifications.tasks import retry_while_meta_is_busy, whatsapp_send_task
from backoffice.optin.requests import send_welcome as send_welcome_template


@whatsapp_send_task("backoffice.optin.tasks.send_welcome")
def send_welcome(self, request_id: int, mobile: str) -> str | None:
    """Send the welcome template of an opt-in request to the mobile number it came from."""
    return retry_while_meta_is_busy(self, send_welcome_template, request_id, mobile)


@shared_task(name="backoffice.optin.tasks.send_sms_reply", bind=True, acks_late=True, max_retries=5,
             ignore_result=True)  # fmt: skip
def send_sms_reply(self, mobile: str, body: str) -> str:
    """Answer an SMS on the consent DLT template; retried while the provider is unreachable."""
    try:
        return send_sms(mobile, body, "consent")
    except SmsError as error:
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
