"""Stores uploads through intake (checks, EXIF strip, AES-GCM) and reads them back for the people allowed."""

from __future__ import annotations

import base64
import binascii
import os
import secrets

from flask import current_app

from backoffice.citizens import services as citizens
from backoffice.core.problems import Problem, invalid
from backoffice.documents.intake.accept import accept_upload
from backoffice.documents.intake.encryption import Keyring, decrypt, encrypt
from backoffice.documents.intake.refusal import DocumentRefused
from backoffice.documents.models import Document
from backoffice.extensions import db

SOURCES = ("whatsapp", "csc", "backoffice")


def keyring() -> Keyring:
    """Document keys from `SEVA_DOCUMENT_KEYS`, else one derived from the app's SECRET_KEY."""
    return Keyring.from_env(
        {
            "SECRET_KEY": current_app.config["SECRET_KEY"],
            "SEVA_DOCUMENT_KEYS": os.environ.get("SEVA_DOCUMENT_KEYS", ""),
        }
    )


def _store():
    return current_app.extensions["seva_documents"]


def hex_sha256(value: str | None) -> str | None:
    """Meta sends the sha256 as hex or base64; intake compares hex."""
    if not value:
        return None
    value = value.strip()
    if len(value) == 64:
        return value.lower()
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (ValueError, binascii.Error):
        return value  # not base64: intake will report the mismatch
    return raw.hex() if len(raw) == 32 else value


def store(
    data: bytes,
    citizen_id: str,
    source: str,
    *,
    filename: str | None,
    declared_mime: str | None,
    sha256: str | None,
) -> Document:
    """Check and store one upload for a citizen; raise Problem 422 with intake's refusal code."""
    if source not in SOURCES:
        raise invalid("source", "unknown_source", "source must be whatsapp, csc or backoffice")
    try:
        accepted = accept_upload(
            data, declared_mime=declared_mime, filename=filename, sha256=hex_sha256(sha256)
        )
    except DocumentRefused as refused:
        raise Problem(422, refused.code, refused.detail) from refused
    citizens.touch(citizen_id)
    storage_key = write(accepted.content)
    document = Document(
        id=secrets.token_hex(16),
        citizen_id=citizen_id,
        mime_type=accepted.mime_type,
        size=accepted.size,
        sha256=accepted.sha256,
        storage_key=storage_key,
        source=source,
    )
    db.session.add(document)
    return document


def write(content: bytes) -> str:
    """Encrypt `content` into the store under a new storage key, and return the key (`read` undoes it)."""
    storage_key = secrets.token_hex(20)
    # The key is bound in as associated data, so a blob copied under another key fails authentication.
    _store().put(storage_key, encrypt(content, keyring(), storage_key.encode()))
    return storage_key


def read(document: Document) -> bytes:
    """The stored (cleaned) file, decrypted and authenticated."""
    return decrypt(_store().get(document.storage_key), keyring(), document.storage_key.encode())


def as_json(document: Document) -> dict:
    """What the API says about a stored document."""
    return {
        "id": document.id,
        "mime_type": document.mime_type,
        "size": document.size,
        "sha256": document.sha256,
    }
