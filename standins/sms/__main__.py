"""Runs the SMS provider stand-in: `python -m standins.sms` (port `SMS_STANDIN_PORT`, default 8084)."""

import logging

from aiohttp import web

from standins.sms.app import make_app
from standins.sms.settings import Settings


def main() -> None:
    """Start the stand-in with settings from the environment."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sms %(levelname)s %(message)s")
    settings = Settings.from_env()
    web.run_app(make_app(settings), host=settings.host, port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
