"""One aiohttp client session per process, created on first use so nothing connects at import."""

import asyncio
from typing import Any

import aiohttp


class LazySession:
    """Hands out one shared, keep-alive aiohttp session; `close()` at shutdown."""

    def __init__(self, connections: int = 100) -> None:
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        """The shared session, created now if this is the first call (must run inside the event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300),
                raise_for_status=False,
            )
        return self._session

    async def close(self) -> None:
        """Close the session and its pooled connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


async def post_with_retries(
    session: LazySession,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    timeout: aiohttp.ClientTimeout,
    attempts: int,
    first_delay: float,
) -> int | None:
    """POST `body` until the back-office answers below 500; its status, or None when it never did.

    Unreachable and 5xx answers are retried with doubling delays (the back-office may be restarting).
    """
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(first_delay * 2 ** (attempt - 1))
        try:
            async with session.get().post(url, json=body, headers=headers, timeout=timeout) as resp:
                await resp.read()
                if resp.status < 500:
                    return resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError):
            continue
    return None
