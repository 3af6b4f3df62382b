"""Map pseudonymous sender ids back to WhatsApp addresses, for messages the bot sends unprompted."""

from redis.asyncio import Redis

from bot.whatsapp.outbound import Recipient

# Long enough for an application's whole life, refreshed on every message the citizen sends.
ADDRESS_TTL = 400 * 24 * 3600


class RecipientBook:
    """Redis hash per sender_id holding the citizen's address and the number they wrote to."""

    def __init__(self, redis: Redis, ttl: int = ADDRESS_TTL, prefix: str = "seva:wa:recipient") -> None:
        self._redis = redis
        self._ttl = ttl
        self._prefix = prefix

    async def remember(
        self, sender_id: str, recipient: Recipient, citizen: str
    ) -> tuple[str | None, str | None]:
        """Record where replies to `sender_id` go; return the languages of this conversation and of the citizen.

        One round trip: this runs on every message.
        """
        key = f"{self._prefix}:{sender_id}"
        fields = {
            "phone_number_id": recipient.phone_number_id,
            "wa_id": recipient.wa_id,
            "user_id": recipient.user_id,
        }
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hget(key, "language")
            pipe.get(self._citizen_key(citizen))
            pipe.hset(key, mapping=fields)
            pipe.expire(key, self._ttl)
            conversation, person, *_ = await pipe.execute()
        return (conversation.decode() if conversation else None, person.decode() if person else None)

    async def remember_language(self, sender_id: str, citizen: str, language: str) -> None:
        """Record the language the bot last answered in: for this conversation's messages sent outside a turn,
        and for the citizen's first message to another department number."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hset(f"{self._prefix}:{sender_id}", "language", language)
            pipe.set(self._citizen_key(citizen), language, ex=self._ttl)
            await pipe.execute()

    def _citizen_key(self, citizen: str) -> str:
        return f"{self._prefix}-language:{citizen}"

    async def language(self, sender_id: str) -> str | None:
        """The language the bot last answered `sender_id` in, if known."""
        raw = await self._redis.hget(f"{self._prefix}:{sender_id}", "language")
        return raw.decode() if raw else None

    async def lookup(self, sender_id: str) -> Recipient | None:
        """The address for `sender_id`, or None if the citizen never wrote (or long ago)."""
        raw = await self._redis.hgetall(f"{self._prefix}:{sender_id}")
        if not raw:
            return None
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        return Recipient(fields["phone_number_id"], fields.get("wa_id", ""), fields.get("user_id", ""))
