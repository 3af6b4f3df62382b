"""Builds the gateway stand-in's aiohttp application from settings."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
from aiohttp import web

from standins.gateway import api, control, page
from standins.gateway.settings import Settings
from standins.gateway.store import Books
from standins.gateway.webhooks import Outbox


def make_app(settings: Settings) -> web.Application:
    """Return the stand-in app: Razorpay's API, the hosted page, the control API and the webhook sender."""
    app = web.Application(middlewares=[api.razorpay_errors])
    app["settings"] = settings
    app["books"] = Books(public_url=settings.public_url)
    app["outbox"] = Outbox(settings)
    app.add_routes(api.routes)
    app.add_routes(page.routes)
    app.add_routes(control.routes)
    app.cleanup_ctx.append(_webhook_sender)
    return app


async def _webhook_sender(app: web.Application):
    session = aiohttp.ClientSession()
    task = asyncio.create_task(app["outbox"].run(session))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await session.close()
