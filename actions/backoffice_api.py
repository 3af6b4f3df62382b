"""Async client for the back-office's `/api/v1` (contract in docs/architecture.md), over one shared aiohttp session."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


class BackOfficeError(Exception):
    """The back-office answered with a problem (4xx/5xx); `code` and `errors` come from its problem document."""

    def __init__(self, status: int, code: str = "", errors: list[dict[str, Any]] | None = None):
        self.status = status
        self.code = code
        self.errors = errors or []
        super().__init__(f"back-office answered {status} {code}")


class BackOfficeUnavailable(Exception):
    """The back-office could not be reached or did not answer in time."""


# What any call may raise; actions answer these with a polite "try again later".
FAILURES = (BackOfficeError, BackOfficeUnavailable)


@dataclass(frozen=True)
class Settings:
    """Where the back-office is and how to authenticate, from the environment."""

    url: str
    token: str
    timeout: float

    @classmethod
    def from_env(cls) -> Settings:
        """Read `BACKOFFICE_URL`, `BACKOFFICE_API_TOKEN` and `BACKOFFICE_TIMEOUT_SECONDS`."""
        return cls(
            url=os.environ.get("BACKOFFICE_URL", "http://127.0.0.1:5000").rstrip("/"),
            token=os.environ.get("BACKOFFICE_API_TOKEN", ""),
            timeout=float(os.environ.get("BACKOFFICE_TIMEOUT_SECONDS", "10")),
        )


class BackOffice:
    """One method per API call the bot makes; a single connection pool per event loop."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _client(self) -> aiohttp.ClientSession:
        # A session is bound to the loop it was made in; tests run one loop per test.
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(
                base_url=self.settings.url,
                headers={"Authorization": f"Bearer {self.settings.token}"},
                timeout=aiohttp.ClientTimeout(total=self.settings.timeout),
                connector=aiohttp.TCPConnector(limit=64, keepalive_timeout=30),
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        """Close the connection pool (tests; the action server keeps it for its lifetime)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        """Send one call; return (status, JSON body or None, headers) for 2xx/304, raise otherwise."""
        try:
            async with self._client().request(
                method, "/api/v1" + path, json=json, params=params, headers=headers
            ) as response:
                body = await response.json(content_type=None) if response.status not in (204, 304) else None
                if response.status >= 400:
                    body = body if isinstance(body, dict) else {}
                    raise BackOfficeError(response.status, str(body.get("code", "")), body.get("errors"))
                return response.status, body, dict(response.headers)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            log.warning("back-office %s %s failed: %s", method, path.split("/")[1], type(exc).__name__)
            raise BackOfficeUnavailable(str(exc)) from exc

    async def catalog(self, etag: str | None) -> tuple[list[dict[str, Any]] | None, str | None]:
        """The catalog's services and ETag, or (None, etag) when unchanged since `etag`."""
        status, body, headers = await self.request(
            "GET", "/catalog", headers={"If-None-Match": etag} if etag else None
        )
        if status == 304:
            return None, etag
        return body["services"], headers.get("ETag")

    async def citizen(self, citizen: str) -> dict[str, Any] | None:
        """The citizen's profile, or None if never seen."""
        return await self._get_or_none(f"/citizens/{citizen}")

    async def update_citizen(self, citizen: str, **changes: Any) -> dict[str, Any]:
        """Create or update the citizen's profile (language, mobile, WhatsApp address)."""
        return (await self.request("PUT", f"/citizens/{citizen}", json=changes))[1]

    async def privacy_notice(self, purposes: list[str]) -> dict[str, Any]:
        """The current privacy notice as one chat message per language, its version and web address."""
        return (await self.request("GET", "/privacy-notice", params={"purposes": ",".join(purposes)}))[1]

    async def record_consent(self, citizen: str, **body: Any) -> dict[str, Any]:
        """Record a grant (granted, evidence, notice_version, campaign, purposes) or a withdrawal; the standing."""
        return (await self.request("POST", f"/citizens/{citizen}/consent", json=body))[1]

    async def snooze_reminder(self, reminder: int, citizen: str) -> dict[str, Any] | None:
        """Put a reminder off for a few days; None when it is not this citizen's or no longer pending."""
        try:
            return (await self.request("POST", f"/reminders/{reminder}/snooze", json={"citizen": citizen}))[1]
        except BackOfficeError as error:
            if error.status in (404, 409):
                return None
            raise

    async def open_draft(self, citizen: str) -> dict[str, Any] | None:
        """The citizen's newest open draft, or None."""
        return await self._get_or_none(f"/citizens/{citizen}/draft")

    async def create_draft(
        self, citizen: str, service: str, csc: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Start a draft (or get the open one of that service); `csc` is the CSC session an operator applies in."""
        body: dict[str, Any] = {"citizen": citizen, "service": service, "answers": {}, "channel": "whatsapp"}
        if csc:
            body.update(channel="csc", csc_operator=csc.get("operator"), csc_session=csc.get("session"))
        return (await self.request("POST", "/drafts", json=body))[1]

    async def save_answers(self, draft_id: int, citizen: str, answers: dict[str, Any]) -> dict[str, Any]:
        """Merge answers into the draft (None removes one)."""
        return (
            await self.request("PATCH", f"/drafts/{draft_id}", json={"citizen": citizen, "answers": answers})
        )[1]

    async def delete_draft(self, draft_id: int, citizen: str) -> None:
        """Cancel the draft; one already gone is fine."""
        try:
            await self.request("DELETE", f"/drafts/{draft_id}", params={"citizen": citizen})
        except BackOfficeError as error:
            if error.status != 404:
                raise

    async def attach_document(self, draft_id: int, citizen: str, document_id: str, requirement: str) -> dict:
        """Attach a stored document to the draft as the catalog document `requirement`."""
        body = {"citizen": citizen, "document_id": document_id, "requirement": requirement}
        return (await self.request("POST", f"/drafts/{draft_id}/documents", json=body))[1]

    async def submit(self, draft_id: int, citizen: str) -> dict[str, Any]:
        """Submit the draft; answers number, status, decision_by and fee."""
        return (await self.request("POST", f"/drafts/{draft_id}/submit", json={"citizen": citizen}))[1]

    async def applications(self, citizen: str) -> list[dict[str, Any]]:
        """The citizen's applications, newest first."""
        return (await self.request("GET", f"/citizens/{citizen}/applications"))[1]["applications"]

    async def application(self, number: str, citizen: str) -> dict[str, Any] | None:
        """One of the citizen's applications, or None."""
        return await self._get_or_none(f"/applications/{number}", params={"citizen": citizen})

    async def withdraw(self, number: str, citizen: str) -> dict[str, Any]:
        """Withdraw one of the citizen's applications; answers it with `refund` (None, refunding or kept)."""
        return (await self.request("POST", f"/applications/{number}/withdraw", json={"citizen": citizen}))[1]

    async def answer_query(
        self, number: str, citizen: str, text: str, document_ids: list[str]
    ) -> dict[str, Any]:
        """Send the citizen's answer (text and/or stored documents) to the officer's open query."""
        body = {"citizen": citizen, "text": text, "document_ids": document_ids}
        return (await self.request("POST", f"/applications/{number}/query-answer", json=body))[1]

    async def create_payment(
        self, citizen: str, subject: dict[str, str], language: str, provider: str
    ) -> dict[str, Any]:
        """Open (or get the live) payment of `subject` and its checkout by `provider`."""
        body = {"subject": subject, "citizen": citizen, "language": language, "provider": provider}
        return (await self.request("POST", "/payments", json=body))[1]

    async def payment(self, reference: str, citizen: str) -> dict[str, Any] | None:
        """One of the citizen's payments by our reference, or None."""
        return await self._get_or_none(f"/payments/{reference}", params={"citizen": citizen})

    async def resend_certificate(self, number: str, citizen: str) -> dict[str, Any]:
        """Ask the back-office to send the application's certificate in force again; answers its number."""
        body = {"citizen": citizen}
        return (await self.request("POST", f"/applications/{number}/certificate/resend", json=body))[1]

    async def start_handover(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue the conversation in a department's officer inbox; answers the wait and office hours."""
        return (await self.request("POST", "/handovers", json=body))[1]

    async def rights_request(self, citizen: str, kind: str, **fields: Any) -> dict[str, Any]:
        """Use a data principal right (access, erasure, correction, grievance, nomination); answers the request."""
        body = {"kind": kind, **fields}
        return (await self.request("POST", f"/citizens/{citizen}/rights", json=body))[1]

    async def _get_or_none(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        try:
            return (await self.request("GET", path, params=params))[1]
        except BackOfficeError as error:
            if error.status == 404:
                return None
            raise


backoffice = BackOffice()
