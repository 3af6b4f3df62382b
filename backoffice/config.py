"""Settings of the back-office, read from the environment with safe development defaults."""

import os
import secrets
from pathlib import Path

from backoffice.notifications.numbers import department_numbers
from backoffice.notifications.sms import SmsSettings
from backoffice.payments.settings import PaymentSettings


def _home(env) -> Path:
    return Path(env.get("SEVA_HOME") or Path(__file__).resolve().parent.parent)


class Config:
    """Production and development settings; every value can be overridden by an environment variable."""

    def __init__(self, environ=None):
        env = os.environ if environ is None else environ
        home = _home(env)
        self.SEVA_HOME = str(home)
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or f"sqlite:///{home / 'var' / 'seva.db'}"
        # An empty secret would make sessions forgeable; development gets a per-process random one.
        self.SECRET_KEY = env.get("SECRET_KEY") or os.urandom(32).hex()
        # No token configured means the bot's API refuses every call rather than accepting any.
        self.BACKOFFICE_API_TOKEN = env.get("BACKOFFICE_API_TOKEN", "")
        self.REDIS_URL = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.DOCUMENTS_DIR = env.get("SEVA_DOCUMENTS_DIR") or str(home / "var" / "documents")
        self.SESSION_IDLE_MINUTES = int(env.get("SESSION_IDLE_MINUTES", "30"))
        # Failed sign-ins allowed per minute for one address and username before further tries are refused.
        self.LOGIN_ATTEMPTS_PER_MINUTE = int(env.get("LOGIN_ATTEMPTS_PER_MINUTE", "5"))
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
                "backoffice.reminders.tasks",
                "backoffice.optin.tasks",
                "backoffice.broadcasts.tasks",
            ],
            "beat_schedule": {
                # Documents attached while the broker was down get their OCR queued again.
                "requeue-unverified-documents": {
                    "task": "backoffice.ocr.tasks.requeue_unverified_documents",
                    "schedule": float(env.get("OCR_SWEEP_SECONDS", "300")),
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
        # MCD's property tax falls due on this month-day of each financial year (the rebate's last day).
        self.PROPERTY_TAX_DUE = env.get("PROPERTY_TAX_DUE", "06-30")
        # A document without an OCR result this many minutes after attaching is queued again by the sweep.
        self.OCR_SWEEP_AFTER_MINUTES = int(env.get("OCR_SWEEP_AFTER_MINUTES", "10"))
        # Approval queues the certificate task; off in tests that check the approved status itself.
        self.ISSUE_ON_APPROVAL = env.get("SEVA_ISSUE_ON_APPROVAL", "1") == "1"
        # Submission queues a signed acknowledgement PDF for the citizen.
        self.ACKNOWLEDGE_ON_SUBMIT = env.get("SEVA_ACKNOWLEDGE_ON_SUBMIT", "1") == "1"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env.get("SESSION_COOKIE_SECURE", "0") == "1"
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # Above the largest accepted document (10 MB PDF) plus form overhead; larger bodies are cut off early.
        self.MAX_CONTENT_LENGTH = int(env.get("SEVA_MAX_UPLOAD_BYTES", str(11 * 1024 * 1024)))
        self.JSON_SORT_KEYS = False


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
        self.SQLALCHEMY_ENGINE_OPTIONS = {}
        self.ISSUE_ON_APPROVAL = False
        self.ACKNOWLEDGE_ON_SUBMIT = False
        for key, value in overrides.items():
            setattr(self, key, value)
