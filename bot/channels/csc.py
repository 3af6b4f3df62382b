"""The CSC web chat: Rasa's socket.io channel, opened only with a short-lived token the back-office signs.

Rasa 3.6's `SocketIOInput` checks a `jwt_key` on connect but then lets the browser name any `session_id` and send
any metadata, so a token for one CSC session could talk in another. This channel binds the socket to the one
session its token names: the conversation (`csc-<session>`) and the metadata the actions trust (the CSC, the
operator and the citizen they act for) come from the verified token, never from the browser.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import jwt
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

logger = logging.getLogger(__name__)

AUDIENCE = "seva-csc-chat"  # what the back-office signs its chat tokens for (backoffice/csc/services.py)
SENDER_PREFIX = "csc-"
MAX_TEXT = 4096  # as long as a WhatsApp text; longer is cut
CLAIMS = ("csc", "operator", "session", "citizen")


def verify_token(token: object, key: str, now: float | None = None) -> dict[str, Any] | None:
    """The token's claims if the back-office signed it for the chat and it has not expired; else None."""
    if not key or not isinstance(token, str) or not token:
        return None
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            audience=AUDIENCE,
            options={"require": ["exp", "sub", "aud"]},
            leeway=0,
        )
    except jwt.PyJWTError as error:
        logger.info("CSC chat token refused: %s", type(error).__name__)
        return None
    if now is not None and claims["exp"] <= now:
        return None
    if not str(claims.get("sub", "")).startswith(SENDER_PREFIX) or not all(claims.get(c) for c in CLAIMS):
        return None
    return claims


def typed_text(data: dict[str, Any]) -> str:
    """What the operator sent: a tapped button's payload as is; typed text never starts an intent with `/`."""
    text = str(data.get("message") or "")[:MAX_TEXT]
    return text if data.get("payload") is True else text.lstrip("/")


class CscChatOutput(SocketIOOutput):
    """Rasa's socket.io output under the CSC's name: Rasa picks each response's `channel: csc` variation by the
    output channel's name (rasa/core/nlg/generator.py), so the operator reads counter wording, not WhatsApp's."""

    @classmethod
    def name(cls) -> str:
        """The name domain.yml's `channel: csc` variations are chosen by."""
        return CscChatInput.name()


class CscChatInput(SocketIOInput):
    """Socket.io at `/socket.io`; events `user_uttered` / `bot_uttered` as Rasa's own channel, plus token binding."""

    @classmethod
    def name(cls) -> str:
        """`input_channel` of every CSC message: the actions skip WhatsApp-only steps for it."""
        return "csc"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """The key comes from `CSC_CHAT_JWT_KEY` (credentials.yml holds no secrets); without it every socket is refused."""
        credentials = credentials or {}
        key = os.environ.get("CSC_CHAT_JWT_KEY", "")
        if not key:
            logger.warning("CSC_CHAT_JWT_KEY is not set: the CSC chat refuses every connection")
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            jwt_key=key,
            jwt_method="HS256",
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io server and its handlers."""
        # The token travels in the connect payload, not in a cookie, so another origin gains nothing by
        # connecting; production may still name the back-office's origin(s) in CSC_CHAT_ORIGINS.
        origins = [o for o in os.environ.get("CSC_CHAT_ORIGINS", "").split(",") if o] or "*"
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins)
        chat = SocketBlueprint(sio, self.socketio_path, "csc_chat_webhook", __name__)
        self.sio = sio

        @chat.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            claims = verify_token((auth or {}).get("token"), self.jwt_key or "")
            if claims is None:
                return False  # the client gets a connect_error; nothing is kept
            await sio.save_session(sid, claims)
            await sio.enter_room(sid, claims["sub"])
            return True

        @sio.on("session_request")
        async def session_request(sid: str, data: dict | None) -> None:
            claims = await sio.get_session(sid)
            asked = (data or {}).get("session_id")
            if asked and asked != claims["sub"]:
                logger.warning("CSC chat: a token for %s asked for another session", claims["sub"])
                await sio.disconnect(sid)
                return
            await sio.emit("session_confirm", claims["sub"], room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: dict | None) -> None:
            claims = await sio.get_session(sid)
            if claims["exp"] <= time.time():
                # The operator may have signed out or timed out; the page fetches a new token and sends again.
                await sio.emit("token_expired", {}, room=sid)
                await sio.disconnect(sid)
                return
            data = data if isinstance(data, dict) else {}
            message = UserMessage(
                typed_text(data),
                CscChatOutput(sio, self.bot_message_evt),
                claims["sub"],
                input_channel=self.name(),
                metadata={"csc": {c: claims[c] for c in CLAIMS}},
            )
            await on_new_message(message)

        return chat
