"""The OpenAPI 3.1 description of the bot's API, served at `/api/v1/openapi.json`."""

from __future__ import annotations

from functools import cache
from typing import Any

from backoffice.applications.workflow import STATUSES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"description": description or "OK", "content": {"application/json": {"schema": schema}}}


PROBLEM = {"description": "Problem", "content": {"application/problem+json": {"schema": _ref("Problem")}}}
CITIZEN_PARAM = {
    "name": "citizen",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 64},
}
CITIZEN_QUERY = {"name": "citizen", "in": "query", "required": True, "schema": {"type": "string"}}
DRAFT_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
REFERENCE = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}


def _op(summary: str, responses: dict[str, Any], params=None, body=None) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, "default": PROBLEM}}
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


# A data principal's request; `erased` and `kept` (applications a law keeps, with the law) for an erasure.
RIGHTS_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reference": {"type": "string"},
        "kind": {"type": "string"},
        "status": {"enum": ["open", "done", "refused"]},
        "due_by": {"type": "string", "format": "date"},
        "erased": {"type": "object"},
        "kept": {"type": "array", "items": {"type": "object"}},
    },
}


CITIZEN_BODY = {"type": "object", "required": ["citizen"], "properties": {"citizen": {"type": "string"}}}


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document (built once)."""
    label = {"type": "object", "properties": {"en": {"type": "string"}, "hi": {"type": "string"}}}
    schemas = {
        "Problem": {
            "type": "object",
            "required": ["type", "title", "status", "detail", "code"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "code": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "code": {"type": "string"}},
                    },
                },
            },
        },
        "Citizen": {
            "type": "object",
            "properties": {
                "citizen": {"type": "string"},
                "language": {"enum": ["en", "hi"]},
                "mobile_masked": {"type": ["string", "null"]},
                "consent": _ref("ConsentStanding"),
            },
        },
        "ConsentStanding": {
            "type": "object",
            "properties": {
                "updates": {"type": "boolean"},
                "reminders": {"type": "boolean"},
                "broadcasts": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Draft": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "citizen": {"type": "string"},
                "service": {"type": "string"},
                "channel": {"enum": ["whatsapp", "csc"]},
                "answers": {"type": "object"},
                "documents": {"type": "array", "items": {"type": "object"}},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "Payment": {
            "type": "object",
            "properties": {
                "reference": {"type": "string", "example": "SVP7KQ2M9XH4T3C"},
                "status": {"enum": ["open", "paid", "flagged", "closed", "refunded"]},
                "provider": {"enum": ["gateway", "upi", "whatsapp"]},
                "amount_paise": {"type": "integer"},
                "amount_label": label,
                "lines": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "string"},
                            "label": label,
                            "amount_paise": {"type": "integer"},
                        },
                    },
                },
                "url": {"type": ["string", "null"]},
                "upi_link": {"type": ["string", "null"]},
                "upi_qr_url": {"type": ["string", "null"]},
                "order_sent": {"type": "boolean"},
                "message": label,
            },
        },
        "PaymentState": {
            "type": "object",
            "properties": {
                "reference": {"type": "string"},
                "status": {"enum": ["open", "paid", "flagged", "closed", "refunded"]},
                "amount_label": label,
                "subject_label": label,
            },
        },
        "Submission": {
            "type": "object",
            "properties": {
                "number": {"type": "string", "example": "DL-REV-2026-000123"},
                "status": {"enum": list(STATUSES)},
                "status_label": label,
                "decision_by": {"type": ["string", "null"], "format": "date"},
                "fee": {
                    "type": ["object", "null"],
                    "properties": {"amount_paise": {"type": "integer"}, "label": label},
                },
            },
        },
        "ApplicationSummary": {
            "type": "object",
            "properties": {
                "number": {"type": "string"},
                "service": {"type": "string"},
                "status": {"enum": list(STATUSES)},
                "status_label": label,
                "submitted_at": {"type": "string", "format": "date-time"},
                "decision_by": {"type": ["string", "null"], "format": "date"},
                "query": {"type": "string"},
            },
        },
        "ApplicationDetail": {
            "allOf": [_ref("ApplicationSummary")],
            "properties": {"history": {"type": "array", "items": {"type": "object"}}},
        },
        "Document": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "mime_type": {"type": "string"},
                "size": {"type": "integer"},
                "sha256": {"type": "string"},
            },
        },
    }
    paths = {
        "/catalog": {
            "get": _op(
                "Every service of the catalog (ETag)",
                {"200": _json({"type": "object"}), "304": {"description": "Not modified"}},
            )
        },
        "/catalog/{service}": {
            "get": _op(
                "One service",
                {"200": _json({"type": "object"})},
                [{"name": "service", "in": "path", "required": True, "schema": {"type": "string"}}],
            )
        },
        "/citizens/{citizen}": {
            "get": _op("A citizen's profile", {"200": _json(_ref("Citizen"))}, [CITIZEN_PARAM]),
            "put": _op(
                "Create or update a citizen",
                {"200": _json(_ref("Citizen"))},
                [CITIZEN_PARAM],
                {
                    "type": "object",
                    "properties": {
                        "language": {"enum": ["en", "hi"]},
                        "mobile": {"type": "string"},
                        "wa_id": {"type": "string"},
                        "phone_number_id": {"type": "string"},
                    },
                },
            ),
        },
        "/citizens/{citizen}/consent": {
            "post": _op(
                "Record a grant (after the notice was shown) or a withdrawal, per purpose",
                {"200": _json({"type": "object", "properties": {"standing": _ref("ConsentStanding")}})},
                [CITIZEN_PARAM],
                {
                    "type": "object",
                    "required": ["granted", "evidence"],
                    "properties": {
                        "granted": {"type": "boolean"},
                        "purposes": {
                            "type": "array",
                            "items": {"enum": ["updates", "reminders", "broadcasts"]},
                        },
                        "channel": {"enum": ["whatsapp"]},
                        "evidence": {"type": "string", "description": "the WhatsApp message id"},
                        "notice_version": {"type": "string"},
                        "campaign": {"type": "string"},
                    },
                },
            )
        },
        "/reminders/{reminder}/snooze": {
            "post": _op(
                "Put one of the citizen's reminders off (404 for another citizen's, 409 when not pending)",
                {"200": _json({"type": "object", "properties": {"days": {"type": "integer"}}})},
                [{"name": "reminder", "in": "path", "required": True, "schema": {"type": "integer"}}],
                {"type": "object", "required": ["citizen"], "properties": {"citizen": {"type": "string"}}},
            )
        },
        "/privacy-notice": {
            "get": _op(
                "The current privacy notice as one chat message per language, and its version",
                {"200": _json({"type": "object"})},
                [{"name": "purposes", "in": "query", "schema": {"type": "string"}}],
            )
        },
        "/citizens/{citizen}/draft": {
            "get": _op("The newest open draft", {"200": _json(_ref("Draft"))}, [CITIZEN_PARAM])
        },
        "/drafts": {
            "post": _op(
                "Start a draft (or get the open one of that service)",
                {"201": _json(_ref("Draft"), "Created"), "200": _json(_ref("Draft"), "Existing draft")},
                body={
                    "type": "object",
                    "required": ["citizen", "service"],
                    "properties": {
                        "citizen": {"type": "string"},
                        "service": {"type": "string"},
                        "answers": {"type": "object"},
                        "channel": {"enum": ["whatsapp", "csc"]},
                        "csc_operator": {"type": "string"},
                        "csc_session": {
                            "type": "integer",
                            "description": "the CSC session id (from the chat token) when channel is csc",
                        },
                    },
                },
            )
        },
        "/drafts/{id}": {
            "patch": _op(
                "Merge answers (null removes one)",
                {"200": _json(_ref("Draft"))},
                [DRAFT_ID],
                {
                    "type": "object",
                    "required": ["citizen", "answers"],
                    "properties": {"citizen": {"type": "string"}, "answers": {"type": "object"}},
                },
            ),
            "delete": _op("Cancel a draft", {"204": {"description": "Deleted"}}, [DRAFT_ID, CITIZEN_QUERY]),
        },
        "/drafts/{id}/documents": {
            "post": _op(
                "Attach a stored document",
                {"200": _json(_ref("Draft"))},
                [DRAFT_ID],
                {
                    "type": "object",
                    "required": ["citizen", "document_id", "requirement"],
                    "properties": {
                        "citizen": {"type": "string"},
                        "document_id": {"type": "string"},
                        "requirement": {"type": "string"},
                    },
                },
            )
        },
        "/drafts/{id}/submit": {
            "post": _op(
                "Submit a draft", {"201": _json(_ref("Submission"), "Submitted")}, [DRAFT_ID], CITIZEN_BODY
            )
        },
        "/citizens/{citizen}/applications": {
            "get": _op(
                "A citizen's applications, newest first",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "applications": {"type": "array", "items": _ref("ApplicationSummary")}
                            },
                        }
                    )
                },
                [CITIZEN_PARAM],
            )
        },
        "/applications/{number}": {
            "get": _op(
                "One application with history",
                {"200": _json(_ref("ApplicationDetail"))},
                [NUMBER, CITIZEN_QUERY],
            )
        },
        "/applications/{number}/query-answer": {
            "post": _op(
                "Answer an officer's query",
                {"200": _json(_ref("ApplicationDetail"))},
                [NUMBER],
                {
                    "type": "object",
                    "required": ["citizen"],
                    "properties": {
                        "citizen": {"type": "string"},
                        "text": {"type": "string"},
                        "document_ids": {"type": "array", "items": {"type": "string"}},
                    },
                },
            )
        },
        "/applications/{number}/withdraw": {
            "post": _op(
                "Withdraw an application", {"200": _json(_ref("ApplicationDetail"))}, [NUMBER], CITIZEN_BODY
            )
        },
        "/handovers": {
            "post": _op(
                "Hand a conversation to its department's officers (201), or answer the handover already open (200)",
                {"201": _json({"type": "object"}), "200": _json({"type": "object"})},
                None,
                {
                    "type": "object",
                    "required": ["conversation"],
                    "properties": {
                        "conversation": {"type": "string", "description": "the Rasa sender id"},
                        "citizen": {"type": "string"},
                        "department": {"type": "string"},
                        "application": {"type": "string"},
                        "language": {"enum": ["hi", "en"]},
                        "phone_number_id": {"type": "string"},
                        "wa_id": {"type": "string"},
                        "transcript": {"type": "array", "items": {"type": "object"}},
                    },
                },
            )
        },
        "/handovers/messages": {
            "post": _op(
                "A citizen's message during a handover, forwarded by the channel; 404 when none is open",
                {"200": _json({"type": "object"})},
                None,
                {
                    "type": "object",
                    "required": ["conversation"],
                    "properties": {
                        "conversation": {"type": "string"},
                        "wamid": {"type": "string"},
                        "text": {"type": "string"},
                        "kind": {"type": "string"},
                        "returns_to_bot": {"type": "boolean"},
                    },
                },
            )
        },
        "/citizens/{citizen}/rights": {
            "post": _op(
                "Use a data principal right: access (PDF sent on WhatsApp), erasure, correction, grievance, nomination",
                {"201": _json(RIGHTS_REQUEST)},
                [CITIZEN_PARAM],
                {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"enum": ["access", "correction", "erasure", "nomination", "grievance"]},
                        "text": {"type": "string", "description": "what is wrong (correction, grievance)"},
                        "nominee": {
                            "type": "object",
                            "properties": {n: {"type": "string"} for n in ("name", "relation", "mobile")},
                        },
                    },
                },
            ),
            "get": _op(
                "A citizen's requests about their data, newest first",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"requests": {"type": "array", "items": RIGHTS_REQUEST}},
                        }
                    )
                },
                [CITIZEN_PARAM],
            ),
        },
        "/applications/{number}/certificate/resend": {
            "post": _op(
                "Send the certificate in force to the citizen on WhatsApp again",
                {"202": _json({"type": "object", "properties": {"certificate": {"type": "string"}}})},
                [NUMBER],
                CITIZEN_BODY,
            )
        },
        "/payments": {
            "post": _op(
                "Open (or find) the one payment of a subject and say how to pay it",
                {"201": _json(_ref("Payment"), "Created"), "200": _json(_ref("Payment"), "Existing payment")},
                body={
                    "type": "object",
                    "required": ["subject", "citizen"],
                    "properties": {
                        "subject": {
                            "type": "object",
                            "required": ["kind"],
                            "properties": {
                                "kind": {"enum": ["application", "property_tax", "water_bill"]},
                                "number": {"type": "string"},
                                "upic": {"type": "string"},
                                "k_number": {"type": "string"},
                            },
                        },
                        "citizen": {"type": "string"},
                        "language": {"enum": ["en", "hi"]},
                        "provider": {"enum": ["gateway", "upi", "whatsapp"]},
                    },
                },
            )
        },
        "/payments/{reference}": {
            "get": _op(
                "The state of one of the citizen's payments",
                {"200": _json(_ref("PaymentState"))},
                [REFERENCE, CITIZEN_QUERY],
            )
        },
        "/payments/{reference}/upi-qr.png": {
            "get": {
                "summary": "The UPI QR code of an open payment (public)",
                "security": [],
                "parameters": [REFERENCE],
                "responses": {
                    "200": {"description": "PNG", "content": {"image/png": {}}},
                    "default": PROBLEM,
                },
            }
        },
        "/telephony/missed-call": {
            "post": {
                "summary": "The telephony provider's missed-call callback (Exotel Passthru fields), signed with "
                "X-Telephony-Signature (public; forged or stale is 401)",
                "security": [],
                "responses": {
                    "200": _json({"type": "object", "properties": {"outcome": {"type": "string"}}}),
                    "default": PROBLEM,
                },
            }
        },
        "/sms/inbound": {
            "post": {
                "summary": "A citizen's SMS to the long code (START, STOP), forwarded signed by the SMS provider "
                "(public; forged or stale is 401)",
                "security": [],
                "responses": {
                    "200": _json({"type": "object", "properties": {"outcome": {"type": "string"}}}),
                    "default": PROBLEM,
                },
            }
        },
        "/payments/razorpay/webhook": {
            "post": {
                "summary": "Razorpay's webhook, signed with X-Razorpay-Signature (public; looked up before it counts)",
                "security": [],
                "responses": {
                    "200": _json({"type": "object", "properties": {"outcome": {"type": "string"}}}),
                    "default": PROBLEM,
                },
            }
        },
        "/payments/razorpay/return": {
            "get": {
                "summary": "Where the gateway sends the citizen's browser; shows the stored state, never confirms",
                "security": [],
                "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}},
            }
        },
        "/payments/whatsapp/status": {
            "post": _op(
                "A `type: payment` status from a verified WhatsApp webhook, forwarded by the channel",
                {"200": _json({"type": "object", "properties": {"outcome": {"type": "string"}}})},
                body={
                    "type": "object",
                    "required": ["status"],
                    "properties": {"status": {"type": "object"}, "phone_number_id": {"type": "string"}},
                },
            )
        },
        "/documents": {
            "post": {
                "summary": "Check and store an upload",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "citizen"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "citizen": {"type": "string"},
                                    "sha256": {"type": "string"},
                                    "source": {"enum": ["whatsapp", "csc", "backoffice"]},
                                },
                            }
                        }
                    },
                },
                "responses": {"201": _json(_ref("Document"), "Stored"), "422": PROBLEM, "default": PROBLEM},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Seva back-office API for the bot", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"serviceToken": []}],
        "components": {
            "securitySchemes": {"serviceToken": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
        "paths": paths,
    }
