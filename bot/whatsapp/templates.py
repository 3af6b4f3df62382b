"""Messages Meta refused because the citizen's 24-hour window has closed (error 131047): template now, message later.

The refused free-form message is held in Redis (`whatsapp_contract.handover.held_key`) and the approved
re-engagement template goes out once; when the citizen writes again the inbox sends what was held.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot.whatsapp.graph import GraphClient, GraphError
from bot.whatsapp.outbound import Recipient
from bot.whatsapp.privacy import mask_phone, sender_id, short_wamid
from bot.whatsapp.recipients import RecipientBook
from whatsapp_contract.handover import HELD_SECONDS, held_entry, held_key, resume_template, sent_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClosedWindow:
    """A free-form message Meta refused with 131047: it must go again as an approved template."""

    recipient: Recipient
    # The refused body when the send itself was refused; None when Meta reported it by a failed status
    # and the body is no longer known.
    body: dict[str, Any] | None = None
    wamid: str = ""


WindowClosedHook = Callable[[ClosedWindow], Awaitable[bool]]


class ReEngagement:
    """Holds a refused message for the citizen's next message and sends the re-engagement template once."""

    def __init__(self, graph: GraphClient, redis: Redis, recipients: RecipientBook, salt: str) -> None:
        self._graph = graph
        self._redis = redis
        self._recipients = recipients
        self._salt = salt

    async def __call__(self, closed: ClosedWindow) -> bool:
        """Hold the message; send the template when nothing was held before. True once the template went out."""
        recipient = closed.recipient
        conversation = sender_id(self._salt, recipient.phone_number_id, recipient.wa_id or recipient.user_id)
        key = held_key(conversation)
        waiting = 0
        entry = held_entry(recipient.phone_number_id, closed.body) if closed.body is not None else None
        if entry is None and closed.wamid:
            # Reported by a failed status: the send was remembered with its body (and its sender's ref).
            entry = await self._redis.get(sent_key(closed.wamid))
        if entry is not None:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(key, entry)
                pipe.expire(key, HELD_SECONDS)
                waiting, _ = await pipe.execute()
        if waiting > 1:
            return True  # the template already went out for the first of these; one invitation is enough
        language = await self._recipients.language(conversation) or "hi"
        try:
            await self._graph.send_message(
                recipient.phone_number_id, resume_template(recipient.address(), language)
            )
        except GraphError as error:
            logger.error(
                "NOT DELIVERED: 24 h window closed for %s on %s%s and the re-engagement template failed: %s",
                mask_phone(recipient.wa_id or recipient.user_id),
                recipient.phone_number_id,
                f" (message {short_wamid(closed.wamid)})" if closed.wamid else "",
                error,
            )
            return False
        logger.info(
            "24 h window closed for %s: re-engagement template sent, %s",
            mask_phone(recipient.wa_id or recipient.user_id),
            "the message is held until they reply" if entry is not None else "the message body was unknown",
        )
        return True


async def log_only(closed: ClosedWindow) -> bool:
    """A hook for tests that need no Redis: log the refusal and send nothing."""
    logger.warning(
        "NOT DELIVERED: 24 h window closed for %s on %s (error 131047)",
        mask_phone(closed.recipient.wa_id or closed.recipient.user_id),
        closed.recipient.phone_number_id,
    )
    return False
