"""The hand-over point for messages refused because the citizen's 24-hour window has closed."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.whatsapp.outbound import Recipient
from bot.whatsapp.privacy import mask_phone, short_wamid

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClosedWindow:
    """A free-form message Meta refused with 131047: it must go again as an approved template."""

    recipient: Recipient
    # The refused body when the send itself was refused; None when Meta reported it by a failed status.
    body: dict[str, Any] | None = None
    wamid: str = ""


WindowClosedHook = Callable[[ClosedWindow], Awaitable[bool]]


async def send_template_instead(closed: ClosedWindow) -> bool:
    """Log the refusal loudly; the notifications work replaces this with a utility-template send."""
    who = mask_phone(closed.recipient.wa_id or closed.recipient.user_id)
    logger.warning(
        "NOT DELIVERED: the 24 h customer-service window is closed for %s on number %s (error 131047%s); "
        "a template send is needed and is not wired yet",
        who,
        closed.recipient.phone_number_id,
        f", message {short_wamid(closed.wamid)}" if closed.wamid else "",
    )
    return False
