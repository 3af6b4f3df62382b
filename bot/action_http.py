"""Calls the action server over kept-alive connections: one aiohttp session per event loop, not one per call.

Rasa 3.6's `EndpointConfig.request` opens a new `ClientSession`, so a new TCP connection, for every action
and closes it after the answer. Under load that is thousands of connections a minute to a single-process
action server: sockets pile up in CLOSE-WAIT/TIME_WAIT, and a turn waiting on a half-closed one fails with
"Cannot write to closing transport" while the action server sits idle. Here each event loop (the channel's
turn thread, Sanic's own loop) keeps one pooled session. The pool drops an idle connection after
KEEPALIVE_SECONDS, shorter than the action server's keep-alive (`SANIC_KEEP_ALIVE_TIMEOUT`, set in
scripts/env.sh), so the server never closes a connection the client is about to reuse.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiohttp
from aiohttp import ContentTypeError
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

KEEPALIVE_SECONDS = 20
# Connections per loop to one endpoint; more turns than this wait for a free connection.
POOL_SIZE = 64

_sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}


def _session() -> aiohttp.ClientSession:
    loop = asyncio.get_running_loop()
    session = _sessions.get(loop)
    if session is None or session.closed:
        connector = aiohttp.TCPConnector(limit_per_host=POOL_SIZE, keepalive_timeout=KEEPALIVE_SECONDS)
        session = aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT)
        )
        _sessions[loop] = session
    return session


async def request(
    self: EndpointConfig,
    method: str = "post",
    subpath: str | None = None,
    content_type: str | None = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Any:
    """Rasa's `EndpointConfig.request`, with the same headers, auth, parameters and errors, on a kept session."""
    headers = {"Content-Type": content_type} if content_type else {}
    headers.update(kwargs.pop("headers", {}))
    headers.update(self.headers or {})
    auth = (
        aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        if self.basic_auth
        else None
    )
    sslcontext = ssl.create_default_context(cafile=self.cafile) if self.cafile else None
    async with _session().request(
        method,
        concat_url(self.url, subpath),
        headers=headers,
        auth=auth,
        params=self.combine_parameters(kwargs),
        compress=compress,
        ssl=sslcontext,
        **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(response.status, response.reason, await response.content.read())
        try:
            return await response.json()
        except ContentTypeError:
            return None


def install() -> None:
    """Make every endpoint of this process (the action server above all) use kept connections."""
    EndpointConfig.request = request
