"""Fixtures for the CSC desk: two centres with an operator each, the SMS provider stand-in, and the bot's calls."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
from dataclasses import dataclass

import httpx
import pytest

from backoffice.audit.services import Actor
from backoffice.csc import services as csc
from backoffice.demo.samples import demo_answers, sample_image
from backoffice.extensions import db
from backoffice.issuing.tasks import worker_issuer
from catalog import load_catalog
from tests.backoffice.conftest import Auth, add_user, csrf_token
from tests.servers import standin_process

ADMIN = Actor("admin", "test-admin")
SERVICE = "driving_licence_renewal"  # a Rs 200 government fee, so both amounts on the receipt differ
_mobiles = itertools.count(9876500001)


@pytest.fixture(scope="module")
def sms_url(tmp_path_factory):
    """The SMS provider stand-in on a free port."""
    log = tmp_path_factory.mktemp("sms") / "sms.log"
    with standin_process("standins.sms", {"SMS_STATUS_DELAY": "0"}, log=log, timeout=20) as url:
        yield url


@pytest.fixture(autouse=True)
def receipt_keys(tmp_path):
    """A throw-away PKI for the receipts the desk signs (read from the environment, as in a worker)."""
    old = os.environ.get("SEVA_PKI_DIR")
    os.environ["SEVA_PKI_DIR"] = str(tmp_path / "pki")
    worker_issuer.cache_clear()
    yield
    worker_issuer.cache_clear()
    if old is None:
        os.environ.pop("SEVA_PKI_DIR", None)
    else:
        os.environ["SEVA_PKI_DIR"] = old


def sms_to(sms_url: str, mobile: str) -> list[dict]:
    """Every SMS the stand-in accepted for `mobile`, oldest first."""
    return httpx.get(f"{sms_url}/_standin/sms/messages", params={"to": mobile}, timeout=10).json()["messages"]


def code_from_sms(sms_url: str, mobile: str) -> str:
    """The one-time code in the newest SMS to `mobile`."""
    return re.search(r"\b(\d{6})\b", sms_to(sms_url, mobile)[-1]["Body"])[1]


@dataclass
class Desk:
    """The app with two CSCs (A: op.one, B: op.two), an officer and an admin, and helpers to act as each."""

    app: object
    sms_url: str

    def client(self, username: str | None = None):
        """A browser signed in as `username` (or signed out)."""
        client = self.app.test_client()
        if username:
            response = Auth(client).login(username)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    def post(self, client, path: str, data: dict | None = None, form_page: str = "/csc", **kw):
        """POST a form with the CSRF token of `form_page`."""
        return client.post(path, data={"csrf_token": csrf_token(client, form_page), **(data or {})}, **kw)

    def start(self, client, mobile: str | None = None) -> tuple[int, str]:
        """Start a session for a new mobile; returns (session id, mobile)."""
        mobile = mobile or str(next(_mobiles))
        response = self.post(client, "/csc/sessions", {"mobile": mobile})
        assert response.status_code == 302
        return int(response.headers["Location"].rsplit("/", 1)[1]), mobile

    def verified(self, client, mobile: str | None = None) -> tuple[int, str]:
        """A session whose code the citizen read out correctly."""
        session_id, mobile = self.start(client, mobile)
        page = f"/csc/sessions/{session_id}"
        self.post(client, f"{page}/verify", {"code": code_from_sms(self.sms_url, mobile)}, form_page=page)
        return session_id, mobile

    def token(self, client, session_id: int):
        """Ask for the chat token as the page does (CSRF header)."""
        page = f"/csc/sessions/{session_id}"
        return client.post(f"{page}/token", headers={"X-CSRFToken": csrf_token(client, "/csc")})

    def citizen_of(self, session_id: int) -> str:
        with self.app.app_context():
            return db.session.get(csc.CscSession, session_id).citizen_id

    def bot_applies(self, session_id: int, operator: str = "op.one", service: str = SERVICE) -> str:
        """What the bot does in the CSC chat: draft (with the session from the token), documents, submit."""
        citizen = self.citizen_of(session_id)
        api = self.app.test_client()
        headers = {"Authorization": f"Bearer {self.app.config['BACKOFFICE_API_TOKEN']}"}
        catalog_service = load_catalog()[service]
        draft = api.post("/api/v1/drafts", headers=headers, json={
            "citizen": citizen, "service": service, "answers": demo_answers(catalog_service, "Asha Kumari"),
            "channel": "csc", "csc_operator": operator, "csc_session": session_id}).get_json()  # fmt: skip
        for requirement in catalog_service.documents:
            with self.app.app_context():
                from backoffice.documents import services as documents

                document = documents.store(sample_image("scan"), citizen, "csc", filename="scan.png",
                                           declared_mime="image/png", sha256=None)  # fmt: skip
                db.session.commit()
                document_id = document.id
            api.post(f"/api/v1/drafts/{draft['id']}/documents", headers=headers,
                     json={"citizen": citizen, "document_id": document_id, "requirement": requirement.id})  # fmt: skip
        submitted = api.post(
            f"/api/v1/drafts/{draft['id']}/submit", headers=headers, json={"citizen": citizen}
        )
        assert submitted.status_code == 201, submitted.get_json()
        return submitted.get_json()["number"]


@pytest.fixture
def desk(app, sms_url):
    """Two CSCs with one operator each, an MCD officer, an administrator; SMS through the stand-in."""
    app.config["SMS"] = dataclasses.replace(app.config["SMS"], base_url=sms_url)
    app.config["CSC_CHAT_JWT_KEY"] = "test-chat-key-" + "x" * 24
    with app.app_context():
        csc.create_csc("DL-CSC-A", "CSC Alpha", "1 Main Road", "East Delhi", ADMIN)
        csc.create_csc("DL-CSC-B", "CSC Beta", "2 Side Road", "North Delhi", ADMIN)
        for username, centre in (("op.one", "DL-CSC-A"), ("op.two", "DL-CSC-B")):
            user = add_user(username, "csc_operator", None)
            db.session.add(csc.CscOperator(user_id=user.id, csc_code=centre))
        add_user("mcd.officer", "officer", "mcd")
        add_user("admin", "admin", None)
        db.session.commit()
    return Desk(app, sms_url)
