"""The back-office refuses to start in production with development secrets, and names each one."""

import pytest

from backoffice.app import create_app
from backoffice.config import Config, ProductionConfigError

PRODUCTION = {
    "SEVA_ENV": "production",
    "SECRET_KEY": "k" * 64,
    "SEVA_SIGNING_BACKEND": "pkcs12",
    "SEVA_VERIFY_URL": "https://seva.delhi.gov.in/verify/",
    "WHATSAPP_APP_SECRET": "s" * 32,
    "REDIS_URL": "redis://:pw@redis:6379/0",
    "DATABASE_URL": "postgresql+psycopg://seva:pw@postgres:5432/seva",
    "SEVA_DOCUMENT_KEYS": "k1:" + "A" * 43,
    "SEVA_AADHAAR_KEYS": "k1:" + "B" * 43,
    "SEVA_AADHAAR_HMAC_KEY": "C" * 43,
    "BACKOFFICE_API_TOKEN": "b" * 32,
}


def test_production_settings_pass_the_checks():
    config = Config(PRODUCTION)
    from backoffice.config import production_problems

    assert production_problems(config) == []
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_HTTPONLY


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SEVA_SIGNING_BACKEND": "dev"}, "SEVA_SIGNING_BACKEND is 'dev'"),
        ({"SECRET_KEY": "change-me"}, "SECRET_KEY is missing, a known default"),
        ({"SEVA_VERIFY_URL": "http://127.0.0.1:5000/verify/"}, "SEVA_VERIFY_URL is 'http://127.0.0.1"),
        ({"SEVA_VERIFY_URL": "https://localhost/verify/"}, "SEVA_VERIFY_URL"),
        ({"WHATSAPP_APP_SECRET": ""}, "WHATSAPP_APP_SECRET is not set"),
        ({"REDIS_URL": "redis://redis:6379/0"}, "REDIS_URL has no password"),
        ({"DATABASE_URL": "sqlite:////tmp/x.db"}, "DATABASE_URL is SQLite"),
        ({"SEVA_DOCUMENT_KEYS": ""}, "SEVA_DOCUMENT_KEYS is not set"),
        ({"SEVA_AADHAAR_HMAC_KEY": ""}, "SEVA_AADHAAR_KEYS or SEVA_AADHAAR_HMAC_KEY is not set"),
    ],
)
def test_production_start_is_refused_naming_the_setting(change, named):
    with pytest.raises(ProductionConfigError, match="refuses to start") as refused:
        create_app(Config({**PRODUCTION, **change}))
    assert named in str(refused.value)


def test_every_problem_is_listed_at_once():
    with pytest.raises(ProductionConfigError) as refused:
        create_app(Config({"SEVA_ENV": "production", "SECRET_KEY": "x"}))
    message = str(refused.value)
    for name in ("SECRET_KEY", "SEVA_SIGNING_BACKEND", "SEVA_VERIFY_URL", "WHATSAPP_APP_SECRET", "REDIS_URL"):
        assert name in message


def test_no_secret_key_means_no_start_even_in_development():
    """There is no per-process random fallback: sessions would die with every restart and differ per worker."""
    with pytest.raises(ProductionConfigError, match="SECRET_KEY is not set"):
        create_app(Config({"DATABASE_URL": "sqlite://"}))
    assert not Config({}).SECRET_KEY
