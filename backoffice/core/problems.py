"""Errors the services raise for the API to answer as `application/problem+json` (RFC 9457)."""

from __future__ import annotations

from typing import Any


class Problem(Exception):
    """A refusal with an HTTP status, a machine `code`, a human `detail` and optional field `errors`."""

    def __init__(self, status: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors


def not_found(what: str) -> Problem:
    """A 404 that says the same for a missing thing and for one the caller may not see."""
    return Problem(404, "not_found", f"no such {what}")


def invalid(field: str, code: str, detail: str) -> Problem:
    """A 422 refusing one field of the request, with its machine `code` in `errors` for the bot to act on."""
    return Problem(422, "invalid", detail, [{"field": field, "code": code}])
