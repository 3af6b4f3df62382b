"""Client for the back-office document store (`POST /api/v1/documents`, see docs/architecture.md)."""

import asyncio
from dataclasses import dataclass

import aiohttp

from bot.whatsapp.http import LazySession


class DocumentRefused(Exception):
    """The store looked at the file and refused it (422); `code` says why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"document refused: {code} {detail}".strip())
        self.code = code


class DocumentStoreUnavailable(Exception):
    """The store could not be reached or failed; the file was not judged."""


@dataclass(frozen=True)
class StoredDocument:
    """A document the store accepted."""

    id: str
    mime_type: str
    size: int
    sha256: str


class DocumentStore:
    """Hands citizens' files to the back-office with the service token."""

    def __init__(self, session: LazySession, base_url: str, token: str, timeout: float = 60.0) -> None:
        self._session = session
        self._url = base_url.rstrip("/") + "/api/v1/documents"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def store(
        self, data: bytes, filename: str, mime_type: str, citizen: str, sha256: str
    ) -> StoredDocument:
        """Upload one file for `citizen` (a sender_id); raise DocumentRefused or DocumentStoreUnavailable."""
        form = aiohttp.FormData()
        form.add_field("file", data, filename=filename, content_type=mime_type)
        form.add_field("citizen", citizen)
        form.add_field("sha256", sha256)
        form.add_field("source", "whatsapp")
        try:
            async with self._session.get().post(
                self._url, data=form, headers=self._headers, timeout=self._timeout
            ) as resp:
                if resp.status == 201:
                    body = await resp.json(content_type=None)
                    return StoredDocument(
                        str(body["id"]), body["mime_type"], int(body["size"]), body["sha256"]
                    )
                if resp.status == 422:
                    problem = await resp.json(content_type=None)
                    raise DocumentRefused(str(problem.get("code", "")), str(problem.get("detail", "")))
                raise DocumentStoreUnavailable(f"HTTP {resp.status} from the document store")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError) as exc:
            raise DocumentStoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
