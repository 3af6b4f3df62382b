"""Runs the gateway stand-in: `python -m standins.gateway` (port `GATEWAY_PORT`, default 8082)."""

import logging

from aiohttp import web

from standins.gateway.app import make_app
from standins.gateway.settings import Settings


def main() -> None:
    """Start the stand-in with settings from the environment."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s gateway %(levelname)s %(message)s")
    settings = Settings.from_env()
    web.run_app(make_app(settings), host=settings.host, port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
