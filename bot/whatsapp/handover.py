"""While an officer holds a conversation the bot is silent: citizen messages go to the officer's inbox instead.

The back-office sets the flag (`whatsapp_contract.handover.handover_key`); reading it is one Redis call per
message, never an HTTP call. Only a handed-over citizen's messages cost a POST to the back-office, in place
of the bot turn they would otherwise have run.
"""

import logging
import re

import aiohttp
from redis.asyncio import Redis

from bot.nlu.opt_keywords import keyword_intent
from bot.whatsapp.http import LazySession, post_with_retries
from bot.whatsapp.privacy import short_wamid
from whatsapp_contract.handover import handover_key

logger = logging.getLogger(__name__)

PATH = "/api/v1/handovers/messages"
# Typed or tapped: these take the citizen back to the bot and end the handover.
MENU = re.compile(r"^\W*(?:menu|main menu|मेनू|मेन्यू|मुख्य मेनू|मुख्य सूची|/main_menu)\W*$", re.IGNORECASE)


def returns_to_bot(text: str) -> bool:
    """True for the menu keyword, which hands the conversation back to the bot."""
    return bool(MENU.match(text))


def bot_answers_anyway(text: str) -> bool:
    """True for the keywords the bot answers even during a handover: STOP/START and menu."""
    return returns_to_bot(text) or keyword_intent(text) is not None


class HandoverDesk:
    """Reads the handover flag and forwards a handed-over citizen's messages to the back-office."""

    def __init__(
        self,
        redis: Redis,
        session: LazySession,
        base_url: str,
        token: str,
        attempts: int = 6,
        first_delay: float = 0.5,
    ) -> None:
        self._redis = redis
        self._session = session
        self._url = base_url.rstrip("/") + PATH
        self._headers = {"Authorization": f"Bearer {token}"}
        self._attempts = attempts
        self._first_delay = first_delay
        self._timeout = aiohttp.ClientTimeout(total=10)

    async def officer_has(self, conversation: str) -> bool:
        """True while the conversation is handed over (waiting for or held by an officer)."""
        return bool(await self._redis.exists(handover_key(conversation)))

    async def forward(self, conversation: str, wamid: str, kind: str, text: str) -> bool:
        """Give one citizen message to the officer's inbox; False when the back-office has no open handover.

        A back-office that cannot be reached is retried with back-off; the message is then logged as lost to
        the officer rather than answered by the bot, which must not speak over an officer.
        """
        body = {
            "conversation": conversation,
            "wamid": wamid,
            "kind": kind,
            "text": text,
            "returns_to_bot": returns_to_bot(text),
        }
        status = await post_with_retries(
            self._session, self._url, body, self._headers, self._timeout, self._attempts, self._first_delay
        )
        if status == 404:
            # The handover ended meanwhile (or the flag outlived it): the bot answers.
            await self._redis.delete(handover_key(conversation))
            return False
        if status is None:
            logger.error("gave up forwarding handed-over message %s to the officer inbox", short_wamid(wamid))
        elif status >= 300:
            logger.error("back-office refused handed-over message %s: %s", short_wamid(wamid), status)
        return True
