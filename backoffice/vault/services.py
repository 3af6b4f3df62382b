"""Keeps Aadhaar answers: the full number sealed in the vault, the masked one in the answers everyone reads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from backoffice.extensions import db
from backoffice.vault.crypto import VaultKeys, associated_data, digest, seal, unseal
from backoffice.vault.models import AadhaarRecord
from catalog.validation import is_aadhaar_number, mask_aadhaar


def keys() -> VaultKeys:
    """The vault's keys for this app (read once per app)."""
    cached = current_app.extensions.get("seva_vault_keys")
    if cached is None:
        cached = VaultKeys.from_env({**os.environ, "SECRET_KEY": current_app.config["SECRET_KEY"]})
        current_app.extensions["seva_vault_keys"] = cached
    return cached


def keep(application_id: int, aadhaar_fields: Iterable[str], answers: dict[str, Any]) -> dict[str, Any]:
    """Seal every full Aadhaar answer of an application and return the answers with those masked.

    An Aadhaar field no longer answered loses its sealed number too. Already masked answers stay as they are.
    """
    kept = dict(answers)
    vault = keys()
    for field_id in aadhaar_fields:
        value = kept.get(field_id)
        if value is None:
            db.session.execute(
                delete(AadhaarRecord).where(
                    AadhaarRecord.application_id == application_id, AadhaarRecord.field_id == field_id
                )
            )
            continue
        digits = str(value)
        if not is_aadhaar_number(digits):
            continue
        record = _record(application_id, field_id) or AadhaarRecord(
            application_id=application_id, field_id=field_id
        )
        record.digest = digest(vault, digits)
        record.sealed = seal(vault, digits, associated_data(application_id, field_id))
        db.session.add(record)
        kept[field_id] = mask_aadhaar(digits)
    return kept


def _record(application_id: int, field_id: str) -> AadhaarRecord | None:
    return db.session.scalar(
        select(AadhaarRecord).where(
            AadhaarRecord.application_id == application_id, AadhaarRecord.field_id == field_id
        )
    )


def reveal(application_id: int, field_id: str) -> str | None:
    """The full number of one answer, for machine checks only (OCR's cross-check); never shown or logged."""
    record = _record(application_id, field_id)
    if record is None:
        return None
    return unseal(keys(), record.sealed, associated_data(application_id, field_id))


def applications_with(digits: str) -> list[int]:
    """Ids of the applications whose answers hold this Aadhaar number (look-up by keyed digest)."""
    return list(
        db.session.scalars(
            select(AadhaarRecord.application_id)
            .where(AadhaarRecord.digest == digest(keys(), digits))
            .order_by(AadhaarRecord.application_id)
        )
    )


def sharing_the_number(application_id: int) -> list[int]:
    """Other applications with the same Aadhaar number as any of this one's answers: the duplicate check."""
    digests = select(AadhaarRecord.digest).where(AadhaarRecord.application_id == application_id)
    return sorted(
        set(
            db.session.scalars(
                select(AadhaarRecord.application_id).where(
                    AadhaarRecord.digest.in_(digests), AadhaarRecord.application_id != application_id
                )
            )
        )
    )
