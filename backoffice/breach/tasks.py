"""Sends one affected citizen the breach notice, and records what became of it."""

from __future__ import annotations

from backoffice.breach.models import BreachAffected
from backoffice.breach.services import notice_parameters
from backoffice.extensions import db
from backoffice.notifications.send import send_utility_template
from backoffice.notifications.tasks import retry_while_meta_is_busy, whatsapp_send_task

TEMPLATE = "data_breach_notice"


def send_notice(affected_id: int) -> str:
    """Send the notice; the outcome (sent_template, opted_out, no_address) is kept on the register."""
    affected = db.session.get(BreachAffected, affected_id)
    if affected is None or affected.notice is not None:
        return "not_notified"
    outcome = send_utility_template(affected.citizen_id, TEMPLATE, notice_parameters(affected.incident))
    affected.notice = outcome
    db.session.commit()
    return outcome


@whatsapp_send_task("backoffice.breach.tasks.send_breach_notice")
def send_breach_notice(self, affected_id: int) -> str:
    """The breach notice to one citizen, as a utility template."""
    return retry_while_meta_is_busy(self, send_notice, affected_id)
