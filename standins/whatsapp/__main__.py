"""Runs the WhatsApp Cloud API stand-in: `python -m standins.whatsapp` (configured by environment)."""

import logging

from aiohttp import web

from .app import create_app
from .settings import Settings


def main() -> None:
    """Serve the stand-in until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings.from_env()
    print(f"WhatsApp stand-in: phone page at http://{settings.host}:{settings.port}/", flush=True)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
