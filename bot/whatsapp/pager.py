"""Remember the choices that did not fit on a WhatsApp list, so "More…" can show the next page."""

import json
import secrets

from redis.asyncio import Redis

from bot.whatsapp.outbound import MORE_PREFIX, Choice

# A page stays reachable for as long as the citizen could still tap an old list.
PAGE_TTL = 7 * 24 * 3600


def new_more_id() -> str:
    """A fresh row id for a "More…" row."""
    return MORE_PREFIX + secrets.token_urlsafe(9)


def is_more_id(reply_id: str | None) -> bool:
    """Whether a reply id is the channel's own "More…" row rather than a bot payload."""
    return bool(reply_id) and reply_id.startswith(MORE_PREFIX)


class ListPager:
    """Stores the rest of a long list under its "More…" row id."""

    def __init__(self, redis: Redis, ttl: int = PAGE_TTL, prefix: str = "seva:wa:page") -> None:
        self._redis = redis
        self._ttl = ttl
        self._prefix = prefix

    async def save(self, more_id: str, text: str, rest: list[Choice]) -> None:
        """Keep the body text and the choices still to show."""
        value = json.dumps(
            {"text": text, "choices": [[c.title, c.payload] for c in rest]}, ensure_ascii=False
        )
        await self._redis.set(f"{self._prefix}:{more_id}", value, ex=self._ttl)

    async def load(self, more_id: str) -> tuple[str, list[Choice]] | None:
        """The body text and remaining choices for a "More…" row, or None once expired."""
        raw = await self._redis.get(f"{self._prefix}:{more_id}")
        if raw is None:
            return None
        page = json.loads(raw)
        return page["text"], [Choice(title, payload) for title, payload in page["choices"]]
