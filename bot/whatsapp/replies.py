"""Send the bot's messages to a citizen: render, remember long lists, deliver, hand over refusals."""

import logging
from typing import Any

from redis.asyncio import Redis

from bot.whatsapp.graph import WINDOW_CLOSED, GraphClient, GraphError
from bot.whatsapp.outbound import Recipient, envelope, render_choices, render_message
from bot.whatsapp.pager import ListPager, new_more_id
from bot.whatsapp.privacy import mask_phone
from bot.whatsapp.templates import ClosedWindow, WindowClosedHook, log_only
from whatsapp_contract.handover import SENT_SECONDS, held_entry, sent_key

logger = logging.getLogger(__name__)


class ReplySender:
    """Turns Rasa bot messages into Graph API sends for one recipient at a time."""

    def __init__(
        self,
        graph: GraphClient,
        pager: ListPager,
        on_window_closed: WindowClosedHook = log_only,
        redis: Redis | None = None,
    ) -> None:
        self._graph = graph
        self._pager = pager
        self._on_window_closed = on_window_closed
        # Where sent bodies are kept briefly, so a closed window reported later by a status can still hold them.
        self._redis = redis

    async def send(self, recipient: Recipient, message: dict[str, Any]) -> int:
        """Send one Rasa bot message (text, buttons, media); return how many sends Meta accepted."""
        more_id = new_more_id()
        rendered = render_message(message, more_id)
        if rendered.rest:
            # Saved before sending, so a fast tap on "More…" always finds its page.
            await self._pager.save(more_id, rendered.rest_text, rendered.rest)
        return await self._deliver_all(recipient, rendered.contents)

    async def send_next_page(self, recipient: Recipient, more_id: str) -> int:
        """Answer a tap on "More…" with the next page of the list, without a bot turn."""
        page = await self._pager.load(more_id)
        if page is None:
            logger.warning("a tapped More… row %s has expired; nothing to show", more_id)
            return 0
        text, rest = page
        next_id = new_more_id()
        rendered = render_choices(text, rest, next_id, next_page=True)
        if rendered.rest:
            await self._pager.save(next_id, rendered.rest_text, rendered.rest)
        return await self._deliver_all(recipient, rendered.contents)

    async def _deliver_all(self, recipient: Recipient, contents: list[dict[str, Any]]) -> int:
        sent = 0
        for index, content in enumerate(contents):
            body = envelope(recipient, content)
            try:
                wamid = await self._graph.send_message(recipient.phone_number_id, body)
                sent += 1
                if self._redis is not None:
                    entry = held_entry(recipient.phone_number_id, body)
                    await self._redis.set(sent_key(wamid), entry, ex=SENT_SECONDS)
            except GraphError as error:
                if error.code == WINDOW_CLOSED:
                    # The rest of this message would be refused the same way: all of it waits for the reply.
                    for rest in contents[index:]:
                        await self._on_window_closed(ClosedWindow(recipient, envelope(recipient, rest)))
                    break
                logger.error(
                    "could not send a %s message to %s on %s: %s",
                    content.get("type"),
                    mask_phone(recipient.wa_id or recipient.user_id),
                    recipient.phone_number_id,
                    error,
                )
        return sent
