"""The action server as production runs it: rasa_sdk's own app, answering only callers with the shared token.

rasa_sdk 3.6 has no authentication, and anyone who reaches it can run any action as any conversation. Rasa sends
`Authorization: Bearer <ACTION_SERVER_TOKEN>` (deploy/endpoints.production.yml); the health check stays open.
Run: `python -m bot.action_server --actions actions --port 5055`.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

logger = logging.getLogger(__name__)
OPEN_PATHS = ("/health",)


def create_app(actions: str, token: str) -> Sanic:
    """rasa_sdk's app for the `actions` package, refusing every call but the health check without `token`."""
    if not token:
        raise SystemExit("ACTION_SERVER_TOKEN is not set: the action server will not start without it")
    app = create_sdk_app(actions, cors_origins=None)
    expected = f"Bearer {token}".encode()

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return json({"error": "a valid token is required"}, status=403)
        return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    app = create_app(args.actions, os.environ.get("ACTION_SERVER_TOKEN", ""))
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    app.run(host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
