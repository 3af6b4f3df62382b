"""Builds the stand-in's aiohttp application from settings; nothing connects until the app starts."""

from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from . import control_routes, graph_routes
from .cloud_api import CloudApi
from .graph_routes import CLOUD_API
from .settings import Settings

STATIC = Path(__file__).with_name("static")
# Large enough for a 100 MB document upload plus multipart overhead, or base64 of a photo in JSON.
MAX_REQUEST_BYTES = 150 * 1024 * 1024


async def phone_page(request: web.Request) -> web.FileResponse:
    """The phone-like chat page."""
    return web.FileResponse(STATIC / "phone.html", headers={"Cache-Control": "no-cache"})


def create_app(settings: Settings | None = None, on_outbound: Callable | None = None) -> web.Application:
    """A ready-to-run stand-in; `on_outbound(message)` is called with every accepted outbound message."""
    settings = settings or Settings.from_env()
    app = web.Application(
        middlewares=[control_routes.loopback_only, graph_routes.graph_errors],
        client_max_size=MAX_REQUEST_BYTES,
    )
    api = CloudApi(settings, on_outbound)
    app[CLOUD_API] = api
    graph_routes.add_routes(app)
    control_routes.add_routes(app)
    app.router.add_get("/", phone_page)
    app.router.add_static("/static/", STATIC)

    async def start(_app: web.Application) -> None:
        await api.start()

    async def shutdown(_app: web.Application) -> None:
        api.conversations.close()

    async def stop(_app: web.Application) -> None:
        await api.stop()

    app.on_startup.append(start)
    app.on_shutdown.append(shutdown)
    app.on_cleanup.append(stop)
    return app
