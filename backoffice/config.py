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
        self.WHATSAPP_GRAPH_URL = env.get("WHATSAPP_GRAPH_URL", "http://127.0.0.1:8081").rstrip("/")
        self.WHATSAPP_API_VERSION = env.get("WHATSAPP_API_VERSION", "v21.0")
        self.WHATSAPP_ACCESS_TOKEN = env.get("WHATSAPP_ACCESS_TOKEN", "")
        self.WHATSAPP_NUMBERS = env.get(
            "WHATSAPP_NUMBERS",
            "100000000000001:general,100000000000002:revenue,100000000000003:mcd,100000000000004:transport",
        )
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
            },
            # How long Redis keeps a task a dead worker took before handing it to another (acks_late).
            "broker_transport_options": {
                "visibility_timeout": int(env.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
            },
        }
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
        # Human handover (backoffice/handover/): when officers answer, in Delhi time ("always" for 24x7).
        self.HANDOVER_OFFICE_HOURS = env.get("HANDOVER_OFFICE_HOURS", "mon-sat 09:30-18:00")
        # The service level counts conversations claimed within this many minutes.
        self.HANDOVER_TARGET_MINUTES = int(env.get("HANDOVER_TARGET_MINUTES", "10"))
        # The wait the citizen is told before a department has a day of history.
        self.HANDOVER_DEFAULT_WAIT_MINUTES = int(env.get("HANDOVER_DEFAULT_WAIT_MINUTES", "10"))
        # An inbox's event stream ends after this long and the browser reconnects, freeing its web thread.
        self.HANDOVER_SSE_SECONDS = float(env.get("HANDOVER_SSE_SECONDS", "30"))


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
