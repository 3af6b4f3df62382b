"""Meta's Graph API errors: the exception the stand-in raises and the JSON body Meta answers with."""

import secrets
import string

from aiohttp import web

_TRACE_ALPHABET = string.ascii_letters + string.digits + "_-"

# Titles Meta gives each code in `error.message` ("(#code) title") and in status webhooks.
TITLES = {
    100: "Invalid parameter",
    131008: "Required parameter is missing",
    131009: "Parameter value is not valid",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131051: "Unsupported message type",
    131053: "Media upload error",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    130429: "Rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    131000: "Something went wrong",
}


def fbtrace_id() -> str:
    """A random trace id shaped like Meta's."""
    return "A" + "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(22))


class GraphError(Exception):
    """A refusal the Graph API would answer with; `response()` renders Meta's exact shape."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        http_status: int = 400,
        message: str | None = None,
        error_type: str = "OAuthException",
        subcode: int | None = None,
    ):
        self.code = code
        self.details = details
        self.http_status = http_status
        self.message = message or f"(#{code}) {TITLES.get(code, 'Invalid parameter')}"
        self.error_type = error_type
        self.subcode = subcode
        super().__init__(self.message)

    def body(self) -> dict:
        """The JSON body Meta sends for this error."""
        error = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}

    def response(self) -> web.Response:
        """An aiohttp response carrying this error."""
        return web.json_response(self.body(), status=self.http_status)


def invalid_token(missing: bool) -> GraphError:
    """Meta's answer to a missing or wrong Bearer token."""
    text = (
        "An active access token must be used to query information about the current user."
        if missing
        else "Invalid OAuth access token - Cannot parse access token"
    )
    return GraphError(190, None, http_status=401, message=text)


def unknown_object(object_id: str, method: str) -> GraphError:
    """Meta's answer when the id in the path names nothing this token may use."""
    text = (
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api"
    )
    return GraphError(100, None, message=text, error_type="GraphMethodException", subcode=33)


def missing_param(name: str) -> GraphError:
    """A required field is absent."""
    return GraphError(100, None, message=f"(#100) The parameter {name} is required.")


def invalid_param(details: str) -> GraphError:
    """A field is present but its value is refused (code 131009)."""
    return GraphError(131009, details)


def param_too_long(path: str, limit: int) -> GraphError:
    """A string field is longer than Meta allows."""
    return GraphError(100, None, message=f"(#100) Param {path} must be at most {limit} characters long.")
