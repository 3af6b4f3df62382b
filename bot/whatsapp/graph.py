"""An async client for the parts of Meta's Graph API the channel uses, with bounded retries."""

import asyncio
import logging
import random
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.whatsapp.http import LazySession

logger = logging.getLogger(__name__)

THROUGHPUT_CAP = 130429
PAIR_RATE = 131056
WINDOW_CLOSED = 131047
RETRIED_CODES = frozenset({THROUGHPUT_CAP, PAIR_RATE})


class GraphError(Exception):
    """A refusal from the Graph API, carrying Meta's error code (0 when there was no answer)."""

    def __init__(self, code: int, message: str, http_status: int = 0, details: str = "") -> None:
        super().__init__(f"Graph API error {code} (HTTP {http_status}): {message}")
        self.code = code
        self.http_status = http_status
        self.details = details

    @property
    def retryable(self) -> bool:
        """Whether waiting and trying again can help: rate limits, server faults, lost connections."""
        return self.code in RETRIED_CODES or self.http_status >= 500 or self.http_status == 0


class MediaTooLarge(Exception):
    """A download grew beyond the size it was allowed."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with full jitter, bounded in attempts and per-wait delay."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


class GraphClient:
    """Sends messages, marks them read and downloads media for one access token."""

    def __init__(
        self,
        session: LazySession,
        graph_url: str,
        api_version: str,
        access_token: str,
        retry: RetryPolicy | None = None,
        timeout: float = 20.0,
    ) -> None:
        self._session = session
        self._base = f"{graph_url.rstrip('/')}/{api_version}"
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._retry = retry or RetryPolicy()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        # A 100 MB document needs longer than an API call.
        self._download_timeout = aiohttp.ClientTimeout(total=max(timeout, 120.0))

    async def send_message(self, phone_number_id: str, body: dict[str, Any]) -> str:
        """Send one message body from a department number; return Meta's wamid."""
        answer = await self._call("POST", f"/{phone_number_id}/messages", body)
        messages = answer.get("messages") or [{}]
        return str(messages[0].get("id", ""))

    async def mark_read(self, phone_number_id: str, wamid: str, typing: bool = True) -> None:
        """Mark an inbound message read and, while the bot works, show the typing indicator."""
        body: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        if typing:
            body["typing_indicator"] = {"type": "text"}
        await self._call("POST", f"/{phone_number_id}/messages", body)

    async def media_info(self, media_id: str) -> dict[str, Any]:
        """Step one of a media download: the short-lived url, mime_type, sha256 and file_size."""
        return await self._call("GET", f"/{media_id}")

    async def download(self, url: str, max_bytes: int) -> bytes:
        """Step two: the media bytes behind `url`, refused once they exceed `max_bytes`."""

        async def attempt() -> bytes:
            session = self._session.get()
            async with session.get(url, headers=self._headers, timeout=self._download_timeout) as resp:
                if resp.status != 200:
                    raise await _error_from(resp)
                if (resp.content_length or 0) > max_bytes:
                    raise MediaTooLarge(f"{resp.content_length} bytes")
                data = bytearray()
                async for chunk in resp.content.iter_chunked(64 * 1024):
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        raise MediaTooLarge(f"more than {max_bytes} bytes")
                return bytes(data)

        return await self._with_retries(attempt, "download media")

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        async def attempt() -> dict[str, Any]:
            session = self._session.get()
            async with session.request(
                method, self._base + path, json=body, headers=self._headers, timeout=self._timeout
            ) as resp:
                if resp.status >= 400:
                    raise await _error_from(resp)
                return await resp.json(content_type=None)

        return await self._with_retries(attempt, f"{method} {path.split('/')[-1] or path}")

    async def _with_retries(self, attempt, what: str):
        number = 0
        while True:
            number += 1
            try:
                return await attempt()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                error = GraphError(0, f"{type(exc).__name__}: {exc}")
            except GraphError as exc:
                error = exc
            if not error.retryable or number >= self._retry.attempts:
                raise error
            delay = self._retry.delay(number)
            logger.info("Graph API %s: error %s, retry %d in %.2fs", what, error.code, number, delay)
            await asyncio.sleep(delay)


async def _error_from(resp: aiohttp.ClientResponse) -> GraphError:
    """Meta's `{"error": {...}}` answer as a GraphError; a bare HTTP failure keeps only its status."""
    try:
        error = (await resp.json(content_type=None)).get("error") or {}
    except (ValueError, aiohttp.ContentTypeError, AttributeError):
        error = {}
    details = (error.get("error_data") or {}).get("details", "") if isinstance(error, dict) else ""
    return GraphError(
        int(error.get("code") or 0), str(error.get("message") or resp.reason), resp.status, str(details)
    )
