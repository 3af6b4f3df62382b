"""The WhatsApp channel's configuration, read from environment variables."""

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from whatsapp_contract.identity import DEVELOPMENT_SALT
from whatsapp_contract.numbers import parse_numbers as contract_numbers

logger = logging.getLogger(__name__)

DEFAULT_NUMBERS = (
    "100000000000001:general,100000000000002:revenue,100000000000003:mcd,100000000000004:transport"
)


class ConfigError(ValueError):
    """The channel cannot start with this configuration."""


def parse_numbers(spec: str) -> dict[str, str]:
    """Turn `phone_number_id:department,...` into {phone_number_id: department}, or raise ConfigError."""
    try:
        return contract_numbers(spec)
    except ValueError as error:
        raise ConfigError(str(error)) from error


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """Read a positive integer setting, or raise ConfigError naming it."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class ChannelConfig:
    """Everything the channel needs; build it with `from_env()`."""

    app_secret: str
    access_token: str = ""
    verify_token: str = ""
    graph_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    numbers: dict[str, str] = field(default_factory=lambda: parse_numbers(DEFAULT_NUMBERS))
    redis_url: str = "redis://127.0.0.1:6379/0"
    id_salt: str = DEVELOPMENT_SALT
    backoffice_url: str = "http://127.0.0.1:5000"
    backoffice_token: str = ""
    # Bot turns running at once. Each turn's NLU runs on the event loop, so fewer runnable turns
    # means a shorter queue in front of every webhook acknowledgement (measured in bench/).
    max_turns: int = 100
    # The durable inbound queue (stream.py): shards spread citizens over Rasa processes; a shard holding
    # `inbound_max_backlog` unanswered messages makes the webhook answer 503 (Meta retries later).
    inbound_shards: int = 16
    inbound_max_backlog: int = 20_000
    inbound_lease_seconds: float = 5.0
    # Messages read into memory ahead of their turn, per process; the rest wait in Redis.
    inbound_max_in_memory: int = 20_000
    # A message waiting longer than this gets a polite "we are busy, your message is kept" once.
    busy_after_seconds: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ChannelConfig":
        """Read the configuration; raise ConfigError when the app secret is missing."""
        env = os.environ if environ is None else environ
        app_secret = env.get("WHATSAPP_APP_SECRET", "").strip()
        if not app_secret:
            raise ConfigError(
                "WHATSAPP_APP_SECRET is not set: the WhatsApp channel will not start without it, "
                "because it could not tell Meta's webhooks from forged ones. Set it to the app "
                "secret shown in Meta's App Dashboard (make run writes a development one to .env)."
            )
        config = cls(
            app_secret=app_secret,
            access_token=env.get("WHATSAPP_ACCESS_TOKEN", ""),
            verify_token=env.get("WHATSAPP_VERIFY_TOKEN", ""),
            graph_url=env.get("WHATSAPP_GRAPH_URL", cls.graph_url).rstrip("/"),
            api_version=env.get("WHATSAPP_API_VERSION", cls.api_version),
            numbers=parse_numbers(env.get("WHATSAPP_NUMBERS", DEFAULT_NUMBERS)),
            redis_url=env.get("REDIS_URL", cls.redis_url),
            id_salt=env.get("SEVA_ID_SALT", "") or DEVELOPMENT_SALT,
            backoffice_url=env.get("BACKOFFICE_URL", cls.backoffice_url).rstrip("/"),
            backoffice_token=env.get("BACKOFFICE_API_TOKEN", ""),
            max_turns=positive_int(env, "WHATSAPP_MAX_TURNS", cls.max_turns),
            inbound_shards=positive_int(env, "WHATSAPP_INBOUND_SHARDS", cls.inbound_shards),
            inbound_max_backlog=positive_int(env, "WHATSAPP_INBOUND_MAX_BACKLOG", cls.inbound_max_backlog),
            inbound_lease_seconds=positive_int(
                env, "WHATSAPP_INBOUND_LEASE_SECONDS", int(cls.inbound_lease_seconds)
            ),
            inbound_max_in_memory=positive_int(
                env, "WHATSAPP_INBOUND_MAX_IN_MEMORY", cls.inbound_max_in_memory
            ),
            busy_after_seconds=positive_int(env, "WHATSAPP_BUSY_AFTER_SECONDS", int(cls.busy_after_seconds)),
        )
        if env.get("SEVA_ENV") == "production":
            config.refuse_production_gaps()
        config.warn_about_gaps()
        return config

    def refuse_production_gaps(self) -> None:
        """Raise ConfigError listing every setting a production channel must not run with."""
        problems = []
        if not urlsplit(self.redis_url).password:
            problems.append(
                "REDIS_URL has no password (start Redis with requirepass; redis://:PASSWORD@host:6379/0)"
            )
        if self.id_salt == DEVELOPMENT_SALT:
            problems.append("SEVA_ID_SALT is not set: every citizen's pseudonym would be guessable")
        if not self.access_token:
            problems.append("WHATSAPP_ACCESS_TOKEN is not set")
        if not self.verify_token:
            problems.append("WHATSAPP_VERIFY_TOKEN is not set")
        if len(self.backoffice_token) < 32:
            problems.append("BACKOFFICE_API_TOKEN is missing or shorter than 32 characters")
        if problems:
            raise ConfigError("SEVA_ENV=production, and the channel refuses to start: " + "; ".join(problems))

    def warn_about_gaps(self) -> None:
        """Log settings that let the channel start but will hurt later."""
        if not self.access_token:
            logger.warning("WHATSAPP_ACCESS_TOKEN is not set: every reply will be refused by the Graph API")
        if not self.verify_token:
            logger.warning("WHATSAPP_VERIFY_TOKEN is not set: Meta's verification handshake will get 403")
        if self.id_salt == DEVELOPMENT_SALT:
            logger.warning("SEVA_ID_SALT is not set: using the development salt; never do this in production")
