"""The bot's API routes: thin views over `applications`, `citizens` and `documents` (contract: docs/architecture.md)."""

from __future__ import annotations

from flask import jsonify, request

from backoffice.api import catalog_json
from backoffice.api.blueprint import blueprint, created, json_body
from backoffice.api.openapi import openapi_document
from backoffice.applications import services as applications
from backoffice.citizens import services as citizens
from backoffice.consent.services import standing
from backoffice.core.problems import Problem, not_found
from backoffice.documents import services as documents
from backoffice.extensions import db
from backoffice.issuing import resend as certificate_resend
from backoffice.issuing.tasks import deliver_certificate
from backoffice.payments import withdrawals
from backoffice.rights import services as rights


@blueprint.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API (public: it holds no data)."""
    return jsonify(openapi_document())


@blueprint.get("/catalog")
def catalog():
    """Every service as the catalog defines it, with an ETag."""
    services, etag = catalog_json.catalog_services()
    if request.if_none_match.contains(etag.strip('"')):
        return "", 304, {"ETag": etag}
    response = jsonify({"services": services})
    response.headers["ETag"] = etag
    return response


@blueprint.get("/catalog/<service_id>")
def catalog_service(service_id: str):
    """One service, or 404."""
    data = catalog_json.service_data(service_id)
    if data is None:
        raise not_found("service")
    return jsonify(data)


@blueprint.get("/citizens/<citizen_id>")
def citizen_profile(citizen_id: str):
    """A citizen's language, consent and masked mobile; 404 if never seen."""
    citizen = citizens.find(citizen_id)
    if citizen is None:
        raise not_found("citizen")
    return jsonify({**citizens.profile(citizen), "consent": standing(citizen.id)})


@blueprint.put("/citizens/<citizen_id>")
def put_citizen(citizen_id: str):
    """Create or update a citizen."""
    if len(citizen_id) > 64:
        raise not_found("citizen")
    citizen = citizens.update(citizen_id, json_body())
    db.session.commit()
    return jsonify({**citizens.profile(citizen), "consent": standing(citizen.id)})


@blueprint.get("/citizens/<citizen_id>/draft")
def citizen_draft(citizen_id: str):
    """The citizen's newest open draft, or 404."""
    draft = applications.open_draft(citizen_id)
    if draft is None:
        raise not_found("draft")
    return jsonify(applications.draft_json(draft))


@blueprint.post("/drafts")
def create_draft():
    """Start a draft (201), or return the citizen's open draft of that service (200)."""
    draft, new = applications.create_draft(json_body())
    db.session.commit()
    return created(applications.draft_json(draft), 201 if new else 200)


@blueprint.patch("/drafts/<int:draft_id>")
def patch_draft(draft_id: int):
    """Merge checked answers into a draft."""
    draft = applications.update_draft(draft_id, json_body())
    db.session.commit()
    return jsonify(applications.draft_json(draft))


@blueprint.delete("/drafts/<int:draft_id>")
def delete_draft(draft_id: int):
    """The citizen cancels a draft."""
    applications.delete_draft(draft_id, request.args.get("citizen", ""))
    db.session.commit()
    return "", 204


@blueprint.post("/drafts/<int:draft_id>/documents")
def attach_document(draft_id: int):
    """Attach a stored document to a draft as one catalog requirement."""
    draft = applications.attach_document(draft_id, json_body())
    db.session.commit()
    return jsonify(applications.draft_json(draft))


@blueprint.post("/drafts/<int:draft_id>/submit")
def submit_draft(draft_id: int):
    """Submit a complete draft: its number, status, decision date and fee."""
    application = applications.submit(draft_id, json_body())
    db.session.commit()
    return created(applications.submission_json(application))


@blueprint.get("/citizens/<citizen_id>/applications")
def citizen_applications(citizen_id: str):
    """The citizen's applications, newest first."""
    rows = applications.citizen_applications(citizen_id)
    return jsonify({"applications": [applications.summary_json(a) for a in rows]})


@blueprint.get("/applications/<number>")
def application_detail(number: str):
    """One of the citizen's applications with its history."""
    application = applications.citizen_application(number, request.args.get("citizen"))
    return jsonify(applications.detail_json(application))


@blueprint.post("/applications/<number>/query-answer")
def query_answer(number: str):
    """The citizen answers an officer's query."""
    application = applications.answer_query(number, json_body())
    db.session.commit()
    return jsonify(applications.detail_json(application))


@blueprint.post("/applications/<number>/withdraw")
def withdraw(number: str):
    """The citizen withdraws an application."""
    body = json_body()
    citizen_application = applications.citizen_application(number, body.get("citizen"))
    started = applications.service_started(citizen_application)
    application = applications.withdraw(number, body)
    refund = withdrawals.settle_withdrawal(application.id, started)
    db.session.commit()
    return jsonify({**applications.detail_json(application), "refund": refund})


@blueprint.post("/applications/<number>/certificate/resend")
def resend_certificate(number: str):
    """The citizen asks for their certificate again; it is sent on WhatsApp by a worker."""
    certificate = certificate_resend.request_resend(number, json_body().get("citizen"))
    db.session.commit()
    try:
        deliver_certificate.delay(certificate.number)
    except Exception as error:  # the broker is down: say so rather than promise a PDF that never comes
        raise Problem(503, "unavailable", "cannot send the certificate just now; please try again") from error
    return created({"certificate": certificate.number}, 202)


@blueprint.post("/documents")
def upload_document():
    """Check and store an upload (multipart `file`, `citizen`, `sha256`?, `source`)."""
    upload = request.files.get("file")
    citizen_id = request.form.get("citizen", "")
    errors = []
    if upload is None:
        errors.append({"field": "file", "code": "required"})
    if not 0 < len(citizen_id) <= 64:
        errors.append({"field": "citizen", "code": "required"})
    if errors:
        raise Problem(422, "invalid", "file and citizen are required", errors)
    document = documents.store(
        upload.read(),
        citizen_id,
        request.form.get("source", "whatsapp"),
        filename=upload.filename,
        declared_mime=upload.mimetype if upload.mimetype != "application/octet-stream" else None,
        sha256=request.form.get("sha256") or None,
    )
    db.session.commit()
    return created(documents.as_json(document))


@blueprint.post("/citizens/<citizen_id>/rights")
def file_rights_request(citizen_id: str):
    """The citizen uses a data principal right (access, correction, erasure, nomination, grievance)."""
    request_ = rights.file_request(citizen_id, json_body())
    db.session.commit()
    return created(rights.as_json(request_))


@blueprint.get("/citizens/<citizen_id>/rights")
def list_rights_requests(citizen_id: str):
    """The citizen's requests about their data, newest first."""
    return jsonify({"requests": [rights.as_json(r) for r in rights.citizen_requests(citizen_id)]})
