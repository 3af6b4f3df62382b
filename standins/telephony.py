"""A stand-in for a telephony provider's missed-call number: Exotel's Passthru callback, signed.

A citizen gives a missed call to our number; Exotel's Passthru applet calls our URL with the call's
details (CallSid, CallFrom, CallTo, Direction, CallType "call-attempt" for a call cut before answer,
StartTime, CurrentTime, DialWhomNumber, flow_id). Exotel does not sign Passthru calls; ours are signed
(`X-Telephony-Signature: sha256=<hmac of "<X-Telephony-Timestamp>.<body>">`), so the back-office never acts on a
forged one, and a production adapter must give the same guarantee (e.g. an allow-list plus a secret path).

`python -m standins.telephony` (port `TELEPHONY_STANDIN_PORT`, default 8085). Control API for tests and
the phone page: `POST /_standin/telephony/missed-call {"from": "98..."}`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import os
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

DEV_WEBHOOK_SECRET = "dev-telephony-webhook-secret"  # noqa: S105 - development default, shared with the back-office
INDIAN_MOBILE = re.compile(r"^(?:\+91|91|0)?([6-9]\d{9})$")
_ids = itertools.count(1)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The callback signature: HMAC-SHA256 of `<timestamp>.<body>`, hex, with a `sha256=` prefix."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Settings:
    """Where to send callbacks, with which secret, and our missed-call number."""

    callback_url: str = "http://127.0.0.1:5000/api/v1/telephony/missed-call"
    webhook_secret: str = DEV_WEBHOOK_SECRET
    missed_call_number: str = "01141000000"
    host: str = "127.0.0.1"
    port: int = 8085

    @classmethod
    def from_env(cls, env=None) -> Settings:
        """Read TELEPHONY_* variables, keeping the defaults for anything unset."""
        env = os.environ if env is None else env
        return cls(
            callback_url=env.get("TELEPHONY_CALLBACK_URL", cls.callback_url),
            webhook_secret=env.get("TELEPHONY_WEBHOOK_SECRET", cls.webhook_secret),
            missed_call_number=env.get("TELEPHONY_MISSED_CALL_NUMBER", cls.missed_call_number),
            host=env.get("TELEPHONY_STANDIN_HOST", cls.host),
            port=int(env.get("TELEPHONY_STANDIN_PORT", cls.port)),
        )


routes = web.RouteTableDef()


@routes.post("/_standin/telephony/missed-call")
async def missed_call(request: web.Request) -> web.Response:
    """Act as a citizen ringing our number and hanging up: Exotel's Passthru fields, posted signed."""
    settings: Settings = request.app["settings"]
    try:
        data = await request.json()
    except ValueError:
        return web.json_response({"error": "the body must be JSON"}, status=400)
    caller = (
        INDIAN_MOBILE.match(str(data.get("from", "")).replace(" ", "")) if isinstance(data, dict) else None
    )
    if caller is None:
        return web.json_response({"error": "from must be an Indian mobile number"}, status=400)
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    sid = f"{int(time.time() * 1000):x}{next(_ids):04d}missedcall"
    fields = {"CallSid": sid, "CallFrom": "0" + caller[1], "CallTo": settings.missed_call_number,
              "Direction": "incoming", "CallType": "call-attempt", "DialWhomNumber": "", "StartTime": now,
              "CurrentTime": now, "flow_id": "missed-call-optin"}  # fmt: skip
    body = urlencode(fields).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Telephony-Timestamp": timestamp,
               "X-Telephony-Signature": sign(settings.webhook_secret, timestamp, body)}  # fmt: skip
    try:
        async with request.app["session"].post(settings.callback_url, data=body, headers=headers) as response:
            status = response.status
    except aiohttp.ClientError:
        status = 0
    return web.json_response({"CallSid": sid, "callback_status": status})


def make_app(settings: Settings) -> web.Application:
    """The stand-in app, with one HTTP session for its callbacks."""
    app = web.Application()
    app["settings"] = settings

    async def session(app: web.Application):
        app["session"] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        yield
        await app["session"].close()

    app.cleanup_ctx.append(session)
    app.add_routes(routes)
    return app


def main() -> None:
    """Start the stand-in with settings from the environment."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s telephony %(levelname)s %(message)s")
    settings = Settings.from_env()
    web.run_app(make_app(settings), host=settings.host, port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
