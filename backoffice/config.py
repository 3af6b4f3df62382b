"""Settings of the back-office, read from the environment with safe development defaults."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from backoffice.notifications.numbers import department_numbers
from backoffice.notifications.sms import SmsSettings
from backoffice.payments.settings import PaymentSettings
from certificates.settings import CertificateSettings


def _home(env) -> Path:
    return Path(env.get("SEVA_HOME") or Path(__file__).resolve().parent.parent)


class Config:
    """Production and development settings; every value can be overridden by an environment variable."""

    def __init__(self, environ=None):
        env = os.environ if environ is None else environ
        home = _home(env)
        self.SEVA_HOME = str(home)
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or f"sqlite:///{home / 'var' / 'seva.db'}"
        # "production" turns on the start-up refusals of `production_problems` and the HTTPS-only settings.
        self.SEVA_ENV = env.get("SEVA_ENV", "development")
        # No fallback: a per-process random key logs everyone out on every restart and differs between
        # gunicorn workers; `create_app` refuses to start without one (make run writes one to .env).
        self.SECRET_KEY = env.get("SECRET_KEY", "")
        # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host it trusts (nginx: 1). With 0 every
        # request behind nginx would seem to come from nginx, and the sign-in throttle would count everyone as one.
        self.PROXY_HOPS = int(env.get("SEVA_PROXY_HOPS", "0"))
        # What `production_problems` needs to see; kept beside the settings it judges.
        self.WHATSAPP_APP_SECRET = env.get("WHATSAPP_APP_SECRET", "")
        self.DOCUMENT_KEYS_SET = bool(env.get("SEVA_DOCUMENT_KEYS"))
        self.AADHAAR_KEYS_SET = bool(env.get("SEVA_AADHAAR_KEYS")) and bool(env.get("SEVA_AADHAAR_HMAC_KEY"))
        certificates = CertificateSettings.from_env(env)
        self.SIGNING_BACKEND = certificates.signing_backend
        self.VERIFY_URL = certificates.verify_url
        # No token configured means the bot's API refuses every call rather than accepting any.
        self.BACKOFFICE_API_TOKEN = env.get("BACKOFFICE_API_TOKEN", "")
        # Keys citizens first seen by mobile (at a CSC); the bot's own salt, so one number gives one key.
        self.SEVA_ID_SALT = env.get("SEVA_ID_SALT", "")
        # Signs the short-lived tokens that let a signed-in CSC operator's browser open the chat socket.
        self.CSC_CHAT_JWT_KEY = env.get("CSC_CHAT_JWT_KEY", "")
        self.CSC_CHAT_TOKEN_SECONDS = int(env.get("CSC_CHAT_TOKEN_SECONDS", "300"))
        # Where the operator's browser reaches Rasa's socket.io channel.
        self.CSC_CHAT_URL = env.get("CSC_CHAT_URL", "http://127.0.0.1:5005")
        self.REDIS_URL = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.DOCUMENTS_DIR = env.get("SEVA_DOCUMENTS_DIR") or str(home / "var" / "documents")
        self.SESSION_IDLE_MINUTES = int(env.get("SESSION_IDLE_MINUTES", "30"))
        # Failed sign-ins allowed per minute for one address and username before further tries are refused
        # (per account and address: a stranger's failures never lock an officer out of their own desk).
        self.LOGIN_ATTEMPTS_PER_MINUTE = int(env.get("LOGIN_ATTEMPTS_PER_MINUTE", "5"))
        # Production requires the second factor for every role; development may do without.
        self.TWO_FACTOR_REQUIRED = (
            env.get("SEVA_REQUIRE_2FA", "1" if self.SEVA_ENV == "production" else "0") == "1"
        )
        # Refused second-factor codes allowed per minute for one account, and for one address over all accounts.
        self.TWO_FACTOR_ATTEMPTS_PER_MINUTE = int(env.get("TWO_FACTOR_ATTEMPTS_PER_MINUTE", "5"))
        self.TWO_FACTOR_ADDRESS_ATTEMPTS_PER_MINUTE = int(
            env.get("TWO_FACTOR_ADDRESS_ATTEMPTS_PER_MINUTE", "20")
        )
        # Days to answer a data principal's request, and a grievance (the DPDP Rules allow at most 90 for one).
        self.RIGHTS_RESPONSE_DAYS = int(env.get("RIGHTS_RESPONSE_DAYS", "30"))
        self.GRIEVANCE_RESPONSE_DAYS = int(env.get("GRIEVANCE_RESPONSE_DAYS", "30"))
        # Published on /privacy/rights: who answers grievances, and how to reach them.
        self.GRIEVANCE_OFFICER = env.get("GRIEVANCE_OFFICER", "Grievance Officer, e-District Delhi")
        self.GRIEVANCE_OFFICER_EMAIL = env.get("GRIEVANCE_OFFICER_EMAIL", "grievance@seva.example")
        self.QUEUE_PAGE_SIZE = int(env.get("QUEUE_PAGE_SIZE", "25"))
        self.ARGON2_TIME_COST = int(env.get("ARGON2_TIME_COST", "3"))
        self.ARGON2_MEMORY_COST = int(env.get("ARGON2_MEMORY_COST", "65536"))
        self.ARGON2_PARALLELISM = int(env.get("ARGON2_PARALLELISM", "2"))
        # Where citizens reach the public pages (the privacy notice, email links), without a trailing slash.
        self.PUBLIC_URL = env.get("SEVA_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        self.WHATSAPP_GRAPH_URL = env.get("WHATSAPP_GRAPH_URL", "http://127.0.0.1:8081").rstrip("/")
        self.WHATSAPP_API_VERSION = env.get("WHATSAPP_API_VERSION", "v21.0")
        self.WHATSAPP_ACCESS_TOKEN = env.get("WHATSAPP_ACCESS_TOKEN", "")
        self.WHATSAPP_NUMBERS = env.get(
            "WHATSAPP_NUMBERS",
            "100000000000001:general,100000000000002:revenue,100000000000003:mcd,100000000000004:transport",
        )
        # The number citizens see for each phone_number_id, for wa.me links on posters: "id:91XXXXXXXXXX,...".
        # The development default is the stand-in's fictional display number ("9111" + the id's last 8 digits).
        self.WHATSAPP_DISPLAY_NUMBERS = env.get("WHATSAPP_DISPLAY_NUMBERS") or ",".join(
            f"{number}:9111{number[-8:]}" for number in department_numbers(self.WHATSAPP_NUMBERS).values()
        )
        # Broadcasts: messages per second (Meta's default cap per number is 80) and the number's messaging tier,
        # unique users per 24 h (1000, 10000, 100000; 0 for unlimited).
        self.BROADCAST_RATE = float(env.get("BROADCAST_RATE", "80"))
        self.WHATSAPP_TIER_LIMIT = int(env.get("WHATSAPP_TIER_LIMIT", "1000"))
        # A sender claims and records this many recipients per database round trip (a sender killed mid-send
        # leaves at most three batches in doubt), with up to BROADCAST_SENDERS Graph API calls in flight at once.
        self.BROADCAST_BATCH = int(env.get("BROADCAST_BATCH", "20"))
        self.BROADCAST_SENDERS = int(env.get("BROADCAST_SENDERS", "2"))
        # Redis key prefix of each business number's one-second sending window, shared by all its broadcasts.
        self.BROADCAST_PACE_PREFIX = env.get("BROADCAST_PACE_PREFIX", "seva:wa:pace")
        # Where the WhatsApp channel keeps Meta's statuses per message (bot/whatsapp/dedup.py), read for reports.
        self.WHATSAPP_STATUS_PREFIX = env.get("WHATSAPP_STATUS_PREFIX", "seva:wa:status")
        # Outgoing mail (email opt-in): aiosmtpd on loopback in development and tests, a real relay in production.
        self.SMTP_HOST = env.get("SMTP_HOST", "127.0.0.1")
        self.SMTP_PORT = int(env.get("SMTP_PORT", "8025"))
        self.SMTP_USERNAME = env.get("SMTP_USERNAME", "")
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = env.get("SMTP_STARTTLS", "0") == "1"
        self.MAIL_FROM = env.get("MAIL_FROM", "Seva <no-reply@seva.delhi.gov.in>")
        # How long an email's confirmation link works (it works once).
        self.EMAIL_CONFIRM_HOURS = int(env.get("EMAIL_CONFIRM_HOURS", "24"))
        # Shared with the telephony provider, which signs its missed-call callbacks with it (standins/telephony.py).
        self.TELEPHONY_WEBHOOK_SECRET = env.get("TELEPHONY_WEBHOOK_SECRET", "dev-telephony-webhook-secret")
        self.PAYMENTS = PaymentSettings.from_env(env)
        self.SMS = SmsSettings.from_env(env)
        # WhatsApp payment orders go out from (and are looked up on) the number holding the payment configuration.
        self.WHATSAPP_PAYMENT_NUMBER = env.get("WHATSAPP_PAYMENT_NUMBER") or department_numbers(
            self.WHATSAPP_NUMBERS
        ).get("general", "")
        self.CELERY = {
            "broker_url": self.REDIS_URL,
            "result_backend": self.REDIS_URL,
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "broker_connection_retry_on_startup": True,
            # Modules whose tasks a worker must know. Task names are explicit and stable (tasks queued or
            # scheduled before a module moved still run): see each `@shared_task(name=...)`.
            "include": [
                "backoffice.notifications.tasks",
                "backoffice.issuing.tasks",
                "backoffice.ocr.tasks",
                "backoffice.payments.tasks",
                "backoffice.handover.tasks",
                "backoffice.reminders.tasks",
                "backoffice.optin.tasks",
                "backoffice.broadcasts.tasks",
                "backoffice.jobs.tasks",
                "backoffice.retention.tasks",
                "backoffice.rights.tasks",
                "backoffice.breach.tasks",
                "backoffice.trainer.tasks",
                "backoffice.reports.tasks",
            ],
            "beat_schedule": {
                # Tasks written to the outbox while the broker was down (backoffice/jobs/after_commit.py).
                "relay-outbox": {
                    "task": "backoffice.jobs.tasks.relay_outbox",
                    "schedule": float(env.get("OUTBOX_RELAY_SECONDS", "15")),
                },
                # Documents attached while the broker was down get their OCR queued again.
                "requeue-unverified-documents": {
                    "task": "backoffice.ocr.tasks.requeue_unverified_documents",
                    "schedule": float(env.get("OCR_SWEEP_SECONDS", "300")),
                },
                # Drafts, documents and OCR text whose purpose has ended are deleted (docs/retention.md).
                "apply-retention": {
                    "task": "backoffice.retention.tasks.apply_retention",
                    "schedule": float(env.get("RETENTION_RUN_SECONDS", "86400")),
                },
                # Payments still open after PAYMENT_STALE_MINUTES are looked up at the provider.
                "reconcile-payments": {
                    "task": "backoffice.payments_tasks.reconcile_payments",
                    "schedule": float(env.get("PAYMENT_RECONCILE_SECONDS", "300")),
                },
                # Scheduled broadcasts whose time has come.
                "send-scheduled-broadcasts": {
                    "task": "backoffice.broadcasts.tasks.send_scheduled",
                    "schedule": float(env.get("BROADCAST_SWEEP_SECONDS", "60")),
                },
                # Reminders due now go out (never in quiet hours, never twice: backoffice/reminders).
                "send-due-reminders": {
                    "task": "backoffice.reminders.tasks.send_due_reminders",
                    "schedule": float(env.get("REMINDER_SWEEP_SECONDS", "900")),
                },
                # The dashboard's and reports' counts of applications (reports/daily.py): readers never recount, so
                # the applications tile follows a submission within this interval plus one refresh. A refresh the
                # workers could not start within its interval is dropped: the next one counts the same changes.
                "refresh-daily-counts": {
                    "task": "backoffice.reports.tasks.refresh_daily_counts",
                    "schedule": float(env.get("DAILY_REFRESH_SECONDS", "5")),
                    "options": {"expires": float(env.get("DAILY_REFRESH_SECONDS", "5"))},
                },
                # Saved reports whose mailing time has come (reports/mailing.py).
                "send-scheduled-reports": {
                    "task": "backoffice.reports.tasks.send_scheduled_reports",
                    "schedule": float(env.get("REPORT_MAIL_SWEEP_SECONDS", "300")),
                },
                # Misunderstood messages the bot queued reach the trainer inbox.
                "drain-trainer-captures": {
                    "task": "backoffice.trainer.tasks.drain_captures",
                    "schedule": float(env.get("TRAINER_DRAIN_SECONDS", "10")),
                },
            },
            # How long Redis keeps a task a dead worker took before handing it to another (acks_late).
            "broker_transport_options": {
                "visibility_timeout": int(env.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
            },
        }
        # Reminders: no message in these IST hours; at most this many per citizen per 24 h; snooze length.
        self.REMINDER_QUIET_HOURS = env.get("REMINDER_QUIET_HOURS", "21:00-08:00")
        self.REMINDER_DAILY_CAP = int(env.get("REMINDER_DAILY_CAP", "2"))
        self.REMINDER_SNOOZE_DAYS = int(env.get("REMINDER_SNOOZE_DAYS", "3"))
        self.REMINDER_PAYMENT_AFTER_HOURS = int(env.get("REMINDER_PAYMENT_AFTER_HOURS", "24"))
        self.REMINDER_QUERY_AFTER_DAYS = int(env.get("REMINDER_QUERY_AFTER_DAYS", "3"))
        self.REMINDER_BILL_BEFORE_DAYS = int(env.get("REMINDER_BILL_BEFORE_DAYS", "3"))
        self.REMINDER_TAX_BEFORE_DAYS = int(env.get("REMINDER_TAX_BEFORE_DAYS", "14"))
        self.REMINDER_LICENCE_BEFORE_DAYS = int(env.get("REMINDER_LICENCE_BEFORE_DAYS", "30"))
        # A certificate issued this many days ago whose PDF the citizen never got is reminded (once).
        self.REMINDER_CERTIFICATE_AFTER_DAYS = int(env.get("REMINDER_CERTIFICATE_AFTER_DAYS", "3"))
        # MCD's property tax falls due on this month-day of each financial year (the rebate's last day).
        self.PROPERTY_TAX_DUE = env.get("PROPERTY_TAX_DUE", "06-30")
        # An unsent outbox task this old is the relay's: its own commit's send failed (or its process died).
        self.OUTBOX_RELAY_AFTER_SECONDS = float(env.get("OUTBOX_RELAY_AFTER_SECONDS", "30"))
        # A document without an OCR result this many minutes after attaching is queued again by the sweep.
        self.OCR_SWEEP_AFTER_MINUTES = int(env.get("OCR_SWEEP_AFTER_MINUTES", "10"))
        # Approval queues the certificate task; off in tests that check the approved status itself.
        self.ISSUE_ON_APPROVAL = env.get("SEVA_ISSUE_ON_APPROVAL", "1") == "1"
        # Submission queues a signed acknowledgement PDF for the citizen.
        self.ACKNOWLEDGE_ON_SUBMIT = env.get("SEVA_ACKNOWLEDGE_ON_SUBMIT", "1") == "1"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        production = self.SEVA_ENV == "production"
        self.SESSION_COOKIE_SECURE = env.get("SESSION_COOKIE_SECURE", "1" if production else "0") == "1"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        # Public verification page: lookups per address and minute before it answers 429.
        self.VERIFY_LOOKUPS_PER_MINUTE = int(env.get("VERIFY_LOOKUPS_PER_MINUTE", "30"))
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # Above the largest accepted document (10 MB PDF) plus form overhead; larger bodies are cut off early.
        self.MAX_CONTENT_LENGTH = int(env.get("SEVA_MAX_UPLOAD_BYTES", str(11 * 1024 * 1024)))
        self.JSON_SORT_KEYS = False
        # Human handover (backoffice/handover/): when officers answer, in Delhi time ("always" for 24x7).
        self.HANDOVER_OFFICE_HOURS = env.get("HANDOVER_OFFICE_HOURS", "mon-sat 09:30-18:00")
        # The service level counts conversations claimed within this many minutes.
        self.HANDOVER_TARGET_MINUTES = int(env.get("HANDOVER_TARGET_MINUTES", "10"))
        # The wait the citizen is told before a department has a day of history.
        self.HANDOVER_DEFAULT_WAIT_MINUTES = int(env.get("HANDOVER_DEFAULT_WAIT_MINUTES", "10"))
        # An inbox's event stream ends after this long and the browser reconnects, freeing its web thread.
        self.HANDOVER_SSE_SECONDS = float(env.get("HANDOVER_SSE_SECONDS", "30"))
        # The dashboard's live stream: how often it looks for changes, and how long one connection lasts.
        self.DASHBOARD_TICK_SECONDS = float(env.get("DASHBOARD_TICK_SECONDS", "2"))
        self.DASHBOARD_STREAM_SECONDS = float(env.get("DASHBOARD_STREAM_SECONDS", "300"))
        # Scheduled reports go only to addresses on these domains (subdomains included), at this hour (IST),
        # with at most this many rows attached.
        self.REPORT_MAIL_DOMAINS = env.get("REPORT_MAIL_DOMAINS", "delhi.gov.in,nic.in")
        self.REPORT_MAIL_HOUR = int(env.get("REPORT_MAIL_HOUR", "7"))
        self.REPORT_MAIL_MAX_ROWS = int(env.get("REPORT_MAIL_MAX_ROWS", "100000"))
        # Bearer token Prometheus sends to /metrics; empty refuses every scrape.
        self.METRICS_TOKEN = env.get("METRICS_TOKEN", "")
        self._trainer_settings(env, home)

    def _trainer_settings(self, env, home: Path) -> None:
        """The trainer workbench: where the bot queues captures, the Rasa instances, the training inputs."""
        # The bot queues in Rasa's tracker-store database (same Redis server, RASA_TRACKER_DB).
        base = self.REDIS_URL.rsplit("/", 1)[0] if self.REDIS_URL.count("/") >= 3 else self.REDIS_URL
        self.TRAINER_CAPTURE_REDIS_URL = env.get("TRAINER_CAPTURE_REDIS_URL") or (
            f"{base}/{env.get('RASA_TRACKER_DB', '1')}"
        )
        self.RASA_TOKEN = env.get("RASA_TOKEN", "")
        # Every Rasa instance a promoted model must reach, comma separated (default: RASA_URL alone).
        self.RASA_INSTANCES = [
            url.strip().rstrip("/")
            for url in (env.get("RASA_INSTANCES") or env.get("RASA_URL") or "http://127.0.0.1:5005").split(
                ","
            )
            if url.strip()
        ]
        self.RASA_MODEL_LOAD_SECONDS = float(env.get("RASA_MODEL_LOAD_SECONDS", "300"))
        self.RASA_PYTHON = env.get("RASA_PYTHON") or str(home / ".venv-rasa" / "bin" / "python")
        self.TRAINER_CONFIG = env.get("TRAINER_CONFIG") or str(home / "config.yml")
        self.TRAINER_DOMAIN = env.get("TRAINER_DOMAIN") or str(home / "domain.yml")
        self.TRAINER_NLU_DIR = env.get("TRAINER_NLU_DIR") or str(home / "data" / "nlu")
        # Everything `rasa train` reads, space separated; must include TRAINER_NLU_DIR.
        self.TRAINER_TRAINING_DATA = (
            env.get("TRAINER_TRAINING_DATA") or f"{home / 'data' / 'nlu'} {home / 'data' / 'rules'}"
        ).split()
        self.TRAINER_HELDOUT = env.get("TRAINER_HELDOUT") or str(home / "tests" / "nlu" / "heldout.yml")
        self.TRAINER_MODELS_DIR = env.get("TRAINER_MODELS_DIR") or str(home / "models" / "trainer")
        # The model the Rasa instances were started with, until a round is promoted.
        self.TRAINER_BASE_MODEL = env.get("TRAINER_BASE_MODEL") or str(home / "models" / "seva.tar.gz")
        self.TRAINER_TIMEOUT_SECONDS = float(env.get("TRAINER_TIMEOUT_SECONDS", "3600"))


# Values shipped in examples or used by development tooling; a deployment that keeps one is not secret.
KNOWN_SECRET_KEYS = {"", "change-me", "changeme", "dev", "development", "secret", "worker-test"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


class ProductionConfigError(RuntimeError):
    """The back-office refuses to start in production with these settings; the message lists every problem."""


def production_problems(config: Config) -> list[str]:
    """Every setting that must not reach production, each as a sentence saying what to set instead."""
    problems = []
    if config.SECRET_KEY in KNOWN_SECRET_KEYS or len(config.SECRET_KEY) < 32:
        problems.append("SECRET_KEY is missing, a known default or shorter than 32 characters: "
                        "set a random one (python -c 'import secrets; print(secrets.token_hex(32))')")  # fmt: skip
    if config.SIGNING_BACKEND == "dev":
        problems.append("SEVA_SIGNING_BACKEND is 'dev' (the development signing keys, made on this machine): "
                        "set it to 'pkcs12' or 'pkcs11' with the department keys issued by the state's CA")  # fmt: skip
    verify = urlsplit(config.VERIFY_URL)
    if verify.scheme != "https" or (verify.hostname or "") in LOCAL_HOSTS:
        problems.append(f"SEVA_VERIFY_URL is {config.VERIFY_URL!r}: every QR code prints it, so it "
                        "must be the public https address of the verify page, e.g. https://seva.delhi.gov.in/verify/")  # fmt: skip
    if not config.WHATSAPP_APP_SECRET:
        problems.append("WHATSAPP_APP_SECRET is not set: set the app secret from Meta's App Dashboard")
    if not urlsplit(config.REDIS_URL).password:
        problems.append(
            "REDIS_URL has no password: start Redis with requirepass and use redis://:PASSWORD@host:6379/0"
        )
    if config.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        problems.append("DATABASE_URL is SQLite: set the PostgreSQL address")
    if not config.DOCUMENT_KEYS_SET:
        problems.append(
            "SEVA_DOCUMENT_KEYS is not set: documents would be encrypted with a key derived from SECRET_KEY"
        )
    if not config.AADHAAR_KEYS_SET:
        problems.append("SEVA_AADHAAR_KEYS or SEVA_AADHAAR_HMAC_KEY is not set: Aadhaar numbers would be sealed "
                        "with keys derived from SECRET_KEY (README, DPDP duties, says how to make them)")  # fmt: skip
    if len(config.BACKOFFICE_API_TOKEN) < 32:
        problems.append("BACKOFFICE_API_TOKEN is missing or shorter than 32 characters")
    return problems


def check_startup(config) -> None:
    """Refuse to start without a SECRET_KEY anywhere, and with any `production_problems` in production."""
    if not getattr(config, "SECRET_KEY", ""):
        raise ProductionConfigError("SECRET_KEY is not set: the back-office will not start without it "
                                    "(make run writes a development one to .env)")  # fmt: skip
    if getattr(config, "SEVA_ENV", "") != "production":
        return
    problems = production_problems(config)
    if problems:
        raise ProductionConfigError(
            "SEVA_ENV=production, and the back-office refuses to start:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


class TestConfig(Config):
    """Settings for tests: a throw-away database, cheap password hashing, Celery tasks run in-process."""

    TESTING = True

    def __init__(self, environ=None, **overrides):
        super().__init__(environ)
        self.SQLALCHEMY_DATABASE_URI = "sqlite://"
        # Random per app, so no test can lean on a known secret; tests read them from app.config.
        self.SECRET_KEY = secrets.token_hex(16)
        self.BACKOFFICE_API_TOKEN = secrets.token_hex(16)
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST = 8
        self.ARGON2_PARALLELISM = 1
        self.WHATSAPP_ACCESS_TOKEN = secrets.token_hex(16)
        self.CELERY = {**self.CELERY, "task_always_eager": True, "broker_url": "memory://"}
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.SQLALCHEMY_ENGINE_OPTIONS = {}
        self.ISSUE_ON_APPROVAL = False
        self.ACKNOWLEDGE_ON_SUBMIT = False
        for key, value in overrides.items():
            setattr(self, key, value)
