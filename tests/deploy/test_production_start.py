"""Production starts and is closed: the production process set run natively with production settings.

gunicorn (the back-office, SEVA_ENV=production), PostgreSQL with the migrations run once, Redis with a password,
the WhatsApp channel as Rasa mounts it, and Debian's nginx in front with deploy/nginx/seva.conf.template and a
self-signed certificate. From outside (through nginx, over TLS): a signed webhook is answered and reaches the
bot, the REST channel is 404, the bot's API and /metrics are 403, the verify page answers; and the back-office
refuses to start with the development signing keys, saying so.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.backoffice.pg_server import PostgresServer
from tests.servers import ROOT, free_port, start, stop, wait_for_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
NUMBER = "100000000000001"
CERTIFICATE = "DL-REV-2026-000519-C1"
pytestmark = pytest.mark.slow


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as an IT team's would be, only self-signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "seva.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def render_nginx(directory: Path, values: dict[str, str]) -> Path:
    """deploy/nginx/seva.conf.template filled in as the nginx image does, inside a minimal main config."""
    template = (ROOT / "deploy" / "nginx" / "seva.conf.template").read_text()
    site = re.sub(r"\$\{(SEVA_[A-Z0-9_]+)\}", lambda m: values[m.group(1)], template)
    (directory / "seva.conf").write_text(site)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / temp).mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # a test prefix under /tmp, not a real deployment
    main = (
        f"{user}worker_processes 1;\npid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n  access_log {directory / 'access.log'};\n  client_body_temp_path {directory / 'body'};\n"
        f"  proxy_temp_path {directory / 'proxy'};\n  fastcgi_temp_path {directory / 'fastcgi'};\n"
        f"  uwsgi_temp_path {directory / 'uwsgi'};\n  scgi_temp_path {directory / 'scgi'};\n"
        + f"  include {directory / 'seva.conf'};\n}}\n"
    )
    conf = directory / "nginx.conf"
    conf.write_text(main)
    return conf


class Outside:
    """An HTTPS client from the internet's side of nginx, trusting the test's certificate."""

    def __init__(self, port: int, http_port: int, cafile: Path):
        self.port, self.http_port = port, http_port
        self.context = ssl.create_default_context(cafile=str(cafile))

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=30)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")


def signed_webhook(app_secret: str, text: str) -> tuple[bytes, dict]:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "200000000000001", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "911100000001", "phone_number_id": NUMBER},
            "contacts": [{"profile": {"name": "Asha"}, "wa_id": "919800000519"}],
            "messages": [{"from": "919800000519", "id": f"wamid.{secrets.token_hex(8)}",
                          "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}}],
        }}]}],
    }  # fmt: skip
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": signature}


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Every process of the production set, started with production settings; yields (outside, env, paths)."""
    base = tmp_path_factory.mktemp("production")
    logs = base / "logs"
    logs.mkdir()
    cert, key = self_signed(base)
    postgres = PostgresServer().start()
    redis_password = secrets.token_hex(16)
    ports = {name: free_port() for name in ("redis", "web", "channel", "https", "http")}
    procs = []
    try:
        procs.append(start(["redis-server", "--port", str(ports["redis"]), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no", "--requirepass", redis_password, "--dir", str(base)],
                           dict(os.environ), logs / "redis.log"))  # fmt: skip
        wait_for_port(ports["redis"])
        env = {
            "PATH": os.environ["PATH"], "HOME": str(base), "PYTHONPATH": str(ROOT), "SEVA_HOME": str(ROOT),
            "SEVA_ENV": "production", "SEVA_PROXY_HOPS": "1",
            "SECRET_KEY": secrets.token_hex(32), "BACKOFFICE_API_TOKEN": secrets.token_hex(32),
            "DATABASE_URL": postgres.create_database("seva"),
            "REDIS_URL": f"redis://:{redis_password}@127.0.0.1:{ports['redis']}/0",
            "SEVA_SIGNING_BACKEND": "pkcs12", "SEVA_PKI_DIR": str(base / "pki"),
            "SEVA_VERIFY_URL": "https://seva.delhi.gov.in/verify/",
            "SEVA_DOCUMENT_KEYS": "k1:" + secrets.token_urlsafe(32),
            "SEVA_AADHAAR_KEYS": "k1:" + secrets.token_urlsafe(32), "SEVA_AADHAAR_HMAC_KEY": secrets.token_urlsafe(32),
            "SEVA_DOCUMENTS_DIR": str(base / "documents"),
            "WHATSAPP_APP_SECRET": secrets.token_hex(16), "WHATSAPP_ACCESS_TOKEN": secrets.token_hex(16),
            "WHATSAPP_VERIFY_TOKEN": secrets.token_hex(8), "SEVA_ID_SALT": secrets.token_hex(8),
            "WHATSAPP_GRAPH_URL": f"http://127.0.0.1:{free_port()}",  # nobody: replies are not this test's concern
            "WHATSAPP_NUMBERS": f"{NUMBER}:general",
            "BACKOFFICE_URL": f"http://127.0.0.1:{ports['web']}",
            "SANIC_WORKERS": "1",
        }  # fmt: skip
        flask = [sys.executable, "-m", "flask", "--app", "backoffice.app"]
        migrated = subprocess.run(
            [*flask, "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert migrated.returncode == 0, migrated.stderr
        with psycopg.connect(env["DATABASE_URL"].replace("postgresql+psycopg", "postgresql")) as db:
            db.execute(
                "INSERT INTO certificates (number, service, kind, holder, issued_on, check_code, created_at)"
                " VALUES (%s, 'income_certificate', 'certificate', 'Asha Devi', CURRENT_DATE, 'ABCD2345', now())",
                (CERTIFICATE,),
            )
        procs.append(start([sys.executable, "-m", "gunicorn", "--preload", "--workers", "2", "--bind",
                            f"127.0.0.1:{ports['web']}", "backoffice.app:create_app()"], env, logs / "web.log"))  # fmt: skip
        heard = base / "heard.txt"
        procs.append(start([str(RASA_PYTHON), "-m", "tests.deploy.channel_server", str(heard), str(ports["channel"])],
                           env, logs / "channel.log"))  # fmt: skip
        conf = render_nginx(base, {
            "SEVA_SERVER_NAME": "_", "SEVA_TLS_CERT": str(cert), "SEVA_TLS_KEY": str(key),
            "SEVA_HTTP_PORT": f"127.0.0.1:{ports['http']}", "SEVA_HTTPS_PORT": f"127.0.0.1:{ports['https']}",
            "SEVA_RASA_1": f"127.0.0.1:{ports['channel']}", "SEVA_RASA_2": f"127.0.0.1:{ports['channel']}",
            "SEVA_WEB": f"127.0.0.1:{ports['web']}",
        })  # fmt: skip
        checked = subprocess.run(
            [NGINX, "-t", "-c", str(conf), "-p", str(base)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        procs.append(
            start([NGINX, "-c", str(conf), "-p", str(base), "-g", "daemon off;"], env, logs / "nginx.log")
        )
        for name in ("web", "https", "http"):
            wait_for_port(ports[name], timeout=120)
        wait_for_port(ports["channel"], timeout=240)
        yield (
            Outside(ports["https"], ports["http"], cert),
            env,
            {"heard": heard, "web": ports["web"], "logs": logs},
        )
    finally:
        stop(procs)
        postgres.stop()


def test_a_signed_webhook_is_answered_and_reaches_the_bot(production):
    outside, env, paths = production
    body, headers = signed_webhook(env["WHATSAPP_APP_SECRET"], "namaste from production")
    status, _, _ = outside.request("POST", "/webhooks/whatsapp/webhook", body, headers)
    assert status == 200  # kept in the password-protected Redis first: a wrong password would answer 503
    forged, _, _ = outside.request(
        "POST", "/webhooks/whatsapp/webhook", body, {**headers, "X-Hub-Signature-256": "sha256=00"}
    )
    assert forged == 403
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "namaste from production" not in _read(paths["heard"]):
        time.sleep(0.2)
    assert "namaste from production" in _read(paths["heard"])


def test_the_rest_channel_and_rasas_api_are_not_reachable_from_outside(production):
    outside, _, _ = production
    body = json.dumps({"sender": "anyone", "message": "/withdraw", "metadata": {"whatsapp": {"wa_id": "91"}}})
    assert (
        outside.request(
            "POST", "/webhooks/rest/webhook", body.encode(), {"Content-Type": "application/json"}
        )[0]
        == 404
    )
    assert outside.request("GET", "/conversations/wa-1/tracker")[0] == 404
    assert outside.request("GET", "/status")[0] == 404


def test_the_bot_api_and_metrics_are_refused_from_outside_but_work_inside(production):
    outside, env, paths = production
    token = {"Authorization": f"Bearer {env['BACKOFFICE_API_TOKEN']}"}
    assert outside.request("GET", "/api/v1/catalog", headers=token)[0] == 403  # even with the right token
    assert outside.request("GET", "/api/v1/citizens/wa-1/applications")[0] == 403
    assert outside.request("GET", "/metrics")[0] == 403
    # The payment gateway's callback goes through to the app, which refuses an unsigned one itself.
    assert (
        outside.request(
            "POST", "/api/v1/payments/razorpay/webhook", b"{}", {"Content-Type": "application/json"}
        )[0]
        == 400
    )
    inside = http.client.HTTPConnection("127.0.0.1", paths["web"], timeout=30)
    inside.request("GET", "/api/v1/catalog", headers=token)
    assert inside.getresponse().status == 200
    inside.request("GET", "/api/v1/catalog")
    assert inside.getresponse().status == 401  # inside, the token is still required


def test_the_verify_page_and_the_officer_ui_answer_over_tls_with_safe_headers(production):
    outside, _, _ = production
    status, _, page = outside.request("GET", f"/verify/{CERTIFICATE}?lang=en")
    assert status == 200 and 'data-state="valid"' in page and "Asha Devi" not in page
    status, _, page = outside.request("GET", f"/verify/{CERTIFICATE}?lang=en&code=abcd-2345")
    assert status == 200 and "Asha Devi" in page
    assert outside.request("GET", "/verify/DL-REV-2026-000520-C1")[0] == 404
    status, headers, page = outside.request("GET", "/login")
    assert status == 200 and "max-age=31536000" in headers["Strict-Transport-Security"]
    assert all(flag in headers["Set-Cookie"] for flag in ("Secure", "HttpOnly", "SameSite=Lax"))
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    plain = http.client.HTTPConnection("127.0.0.1", outside.http_port, timeout=30)
    plain.request("GET", "/login")
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.getheader("Location").startswith("https://")


def test_with_the_development_signing_keys_production_refuses_to_start_and_says_why(production):
    _, env, _ = production
    port = free_port()
    refused = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--preload", "--bind", f"127.0.0.1:{port}", "backoffice.app:create_app()"],
        cwd=ROOT, env={**env, "SEVA_SIGNING_BACKEND": "dev", "SEVA_VERIFY_URL": "http://127.0.0.1:5000/verify/"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "SEVA_SIGNING_BACKEND is 'dev'" in refused.stderr and "SEVA_VERIFY_URL" in refused.stderr


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""
