"""A small client for the WhatsApp Cloud (Graph) API's send endpoint; the stand-in and Meta differ only by URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

# Meta's codes that mean "try again later": throughput, pair rate, and its own internal errors.
RETRYABLE_CODES = frozenset({130429, 131056, 131000, 131016, 133004})
WINDOW_CLOSED = 131047


class GraphError(Exception):
    """The Graph API refused a send; `code` is Meta's error code (0 when the reply carried none)."""

    def __init__(self, code: int, message: str, http_status: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.http_status = http_status

    @property
    def retryable(self) -> bool:
        """True for rate limits, server errors and lost connections, which a later attempt may pass."""
        return self.code in RETRYABLE_CODES or (self.http_status or 0) >= 500 or self.http_status is None


@dataclass(frozen=True)
class GraphClient:
    """Sends messages from one business phone number to one recipient."""

    base_url: str
    version: str
    token: str
    timeout: float = 15.0
    # A kept connection pool for many sends in a row (broadcasts); without one each call builds its own
    # client, whose TLS context alone costs tens of milliseconds.
    http: httpx.Client | None = None
    # Told the sending number after each send Meta accepted (the dashboard's outbound counter).
    on_sent: Callable[[str], None] | None = None

    def _post(self, phone_number_id: str, payload: dict) -> str:
        url = f"{self.base_url.rstrip('/')}/{self.version}/{phone_number_id}/messages"
        try:
            response = (self.http or httpx).post(
                url, json=payload, headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise GraphError(0, f"{type(exc).__name__} talking to the Graph API", None) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise GraphError(int(error.get("code") or 0), str(error.get("message") or response.reason_phrase),
                             response.status_code)  # fmt: skip
        if self.on_sent is not None:
            self.on_sent(phone_number_id)
        return str(body["messages"][0]["id"])

    def send_body(self, phone_number_id: str, body: dict) -> str:
        """Send a whole message body as built elsewhere (a held message, a template with buttons)."""
        return self._post(phone_number_id, body)

    def send_text(self, phone_number_id: str, to: str, text: str) -> str:
        """Send a free-form text (allowed only inside the 24 h window); return Meta's message id."""
        return self._post(
            phone_number_id,
            {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
             "text": {"preview_url": False, "body": text}},
        )  # fmt: skip

    def send_interactive(self, phone_number_id: str, to: str, interactive: dict) -> str:
        """Send an interactive message (buttons, a list, an order to pay); return Meta's message id."""
        return self._post(
            phone_number_id,
            {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "interactive",
             "interactive": interactive},
        )  # fmt: skip

    def send_template(
        self,
        phone_number_id: str,
        to: str,
        name: str,
        language: str,
        parameters: tuple[str, ...],
        button_payloads: tuple[str, ...] = (),
        header: dict | None = None,
    ) -> str:
        """Send an approved template with its body parameters, an optional media header and quick-reply payloads."""
        components: list[dict] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}
        ]
        if header is not None:
            components.insert(0, {"type": "header", "parameters": [header]})
        components += [
            {"type": "button", "sub_type": "quick_reply", "index": str(index),
             "parameters": [{"type": "payload", "payload": payload}]}
            for index, payload in enumerate(button_payloads)
        ]  # fmt: skip
        return self._post(
            phone_number_id,
            {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "template",
             "template": {"name": name, "language": {"code": language}, "components": components}},
        )  # fmt: skip

    def upload_media(self, phone_number_id: str, data: bytes, mime_type: str, filename: str) -> str:
        """Upload a file to the media endpoint (multipart); return its media id for a later message."""
        url = f"{self.base_url.rstrip('/')}/{self.version}/{phone_number_id}/media"
        try:
            response = (self.http or httpx).post(
                url, data={"messaging_product": "whatsapp", "type": mime_type},
                files={"file": (filename, data, mime_type)},
                headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout,
            )  # fmt: skip
        except httpx.HTTPError as exc:
            raise GraphError(0, f"{type(exc).__name__} uploading to the Graph API", None) from exc
        body = (
            response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        )
        if response.status_code != 200:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise GraphError(int(error.get("code") or 0), str(error.get("message") or response.reason_phrase),
                             response.status_code)  # fmt: skip
        return str(body["id"])

    def send_document(self, phone_number_id: str, to: str, media_id: str, filename: str, caption: str) -> str:
        """Send an uploaded document with a caption (inside the 24 h window only); return Meta's message id."""
        return self._post(
            phone_number_id,
            {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "document",
             "document": {"id": media_id, "filename": filename, "caption": caption}},
        )  # fmt: skip
