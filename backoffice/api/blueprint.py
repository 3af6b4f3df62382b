"""The bot's JSON API under `/api/v1`: service-token authentication and `application/problem+json` errors."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from backoffice.core.problems import Problem
from backoffice.extensions import csrf, db

log = logging.getLogger(__name__)
blueprint = Blueprint("api", __name__)
csrf.exempt(blueprint)  # a service token, not a browser session, authenticates these calls

PROBLEM_TYPE = "https://seva.delhi.gov.in/problems/"


def problem_response(status: int, code: str, detail: str, title: str | None = None, errors=None):
    """An RFC 9457 problem document with Seva's `code` (and `errors` for validation)."""
    from http import HTTPStatus

    body = {
        "type": PROBLEM_TYPE + code,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="seva"'
    return response


@blueprint.before_request
def require_service_token():
    """Every call carries `Authorization: Bearer <BACKOFFICE_API_TOKEN>` (compared in constant time)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    expected = current_app.config.get("BACKOFFICE_API_TOKEN") or ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if (
        not expected
        or scheme.lower() != "bearer"
        or not hmac.compare_digest(given.strip().encode(), expected.encode())
    ):
        return problem_response(401, "unauthorized", "a valid service token is required")
    return None


PUBLIC_ENDPOINTS = {"api.openapi"}


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 problem."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem(400, "bad_json", "the body must be a JSON object")
    return body


def created(payload: dict[str, Any], status: int = 201):
    """A JSON answer with status 201 (or the `status` given, e.g. 200 for one that already existed)."""
    response = jsonify(payload)
    response.status_code = status
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _on_problem(error: Problem):
    db.session.rollback()
    return problem_response(error.status, error.code, error.detail, errors=error.errors)


def _on_http_error(error: HTTPException):
    if not _is_api():
        return error
    if error.code == 413 and request.path.rstrip("/").endswith("/documents"):
        # The contract refuses every oversized document the same way, however early it was cut off.
        return problem_response(422, "too_large", "the file is larger than the limit")
    code = {404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type", 413: "too_large"}.get(
        error.code or 500, "http_error"
    )
    return problem_response(error.code or 500, code, error.description or "")


def _on_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return _on_http_error(error)
    log.exception("unexpected error on %s %s", request.method, request.path)
    if not _is_api():
        from flask import render_template

        return render_template("error.html", status=500), 500
    return problem_response(500, "internal_error", "something went wrong on our side; please try again")


@blueprint.record_once
def _register_handlers(state) -> None:
    # App-wide, because 404 and 405 for unknown /api/ paths are raised before any blueprint is chosen.
    app: Flask = state.app
    app.register_error_handler(Problem, _on_problem)
    app.register_error_handler(HTTPException, _on_http_error)
    app.register_error_handler(Exception, _on_unexpected)
