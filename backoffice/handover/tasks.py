"""The Celery task that sends officers' messages, with the back-off every WhatsApp send of the back-office uses."""

from __future__ import annotations

from backoffice.handover.send import deliver
from backoffice.notifications.tasks import retry_while_meta_is_busy, whatsapp_send_task


@whatsapp_send_task("backoffice.handover.tasks.send_handover_message")
def send_handover_message(self, message_id: int) -> str:
    """Send one officer (or hand-back) message to the citizen."""
    return retry_while_meta_is_busy(self, deliver, message_id)
