"""Configuration of the WhatsApp Cloud API stand-in, read from environment variables."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from whatsapp_contract.numbers import parse_numbers

DEFAULT_NUMBERS = (
    "100000000000001:general,100000000000002:revenue,100000000000003:mcd,100000000000004:transport"
)
DEFAULT_TEMPLATES_FILE = Path(__file__).with_name("templates.json")


@dataclass
class Settings:
    """Everything the stand-in needs to know; `from_env()` gives the development defaults."""

    # Development defaults only; `make run` puts random values in `.env`.
    access_token: str = "dev-whatsapp-token"  # noqa: S105
    app_secret: str = "dev-whatsapp-app-secret"  # noqa: S105
    webhook_url: str = "http://127.0.0.1:5005/webhooks/whatsapp/webhook"
    numbers: dict[str, str] = field(default_factory=lambda: parse_numbers(DEFAULT_NUMBERS))
    host: str = "127.0.0.1"
    port: int = 8081
    # Seconds between the accepted send and each of sent / delivered / read.
    status_delay: float = 0.2
    statuses: tuple[str, ...] = ("sent", "delivered", "read")
    # Meta's default cap is 80 messages/s per business number; 0 turns the cap off.
    throughput_per_second: float = 80.0
    # A burst of about 45 messages to one user, then about one per 6 s.
    pair_burst: int = 45
    pair_refill_seconds: float = 6.0
    media_url_ttl: float = 300.0
    templates_file: Path = DEFAULT_TEMPLATES_FILE
    # "sync": a free-form send outside the 24 h window is refused at once with 131047 (our contract);
    # "status": it is accepted and then fails by a `failed` status webhook, as Meta does today.
    window_error: str = "sync"
    waba_id: str = "200000000000001"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Build settings from the environment, keeping the defaults for anything unset."""
        env = os.environ if environ is None else environ
        statuses = env.get("STANDIN_STATUSES", "sent,delivered,read")
        return cls(
            access_token=env.get("WHATSAPP_ACCESS_TOKEN", cls.access_token),
            app_secret=env.get("WHATSAPP_APP_SECRET", cls.app_secret),
            webhook_url=env.get("WHATSAPP_WEBHOOK_URL", cls.webhook_url),
            numbers=parse_numbers(env.get("WHATSAPP_NUMBERS", DEFAULT_NUMBERS)),
            host=env.get("STANDIN_HOST", cls.host),
            port=int(env.get("STANDIN_PORT", cls.port)),
            status_delay=max(0.0, float(env.get("STANDIN_STATUS_DELAY_MS", "200")) / 1000),
            statuses=tuple(s.strip() for s in statuses.split(",") if s.strip()),
            throughput_per_second=float(env.get("STANDIN_THROUGHPUT_MPS", cls.throughput_per_second)),
            pair_burst=int(env.get("STANDIN_PAIR_BURST", cls.pair_burst)),
            templates_file=Path(env.get("STANDIN_TEMPLATES_FILE", str(DEFAULT_TEMPLATES_FILE))),
            window_error=env.get("STANDIN_WINDOW_ERROR", cls.window_error),
        )
