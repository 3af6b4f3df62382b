"""The public status of an issued paper (valid, revoked, expired) and the record the back-office keeps of it."""

from dataclasses import dataclass
from datetime import date, datetime

from catalog.model import Text

VALID, REVOKED, EXPIRED = "valid", "revoked", "expired"


@dataclass(frozen=True)
class Revocation:
    """Why and when an officer revoked a paper, and the paper reissued in its place, if any."""

    reason: str
    revoked_at: datetime
    revoked_by: str  # officer id, for the audit trail; never shown publicly
    replaced_by: str | None = None


@dataclass(frozen=True)
class CertificateRecord:
    """What the back-office knows of an issued paper; the verification page shows it."""

    number: str
    kind: str
    title: Text
    department: Text
    holder: str
    issued_on: date
    expires_on: date | None
    revocation: Revocation | None = None
    # The random code printed on the paper; whoever holds the paper can see its details with it.
    check_code: str | None = None


def revoke(record: CertificateRecord, reason: str, by: str, at: datetime, replaced_by: str | None = None):
    """A copy of `record` revoked for `reason` (which must be given) by officer `by`."""
    if not reason.strip():
        raise ValueError("a revocation needs a reason")
    return CertificateRecord(
        **{**record.__dict__, "revocation": Revocation(reason.strip(), at, by, replaced_by)}
    )


def status_of(record: CertificateRecord, today: date) -> str:
    """valid, revoked or expired on `today`; revocation wins over expiry."""
    if record.revocation is not None:
        return REVOKED
    if record.expires_on is not None and today > record.expires_on:
        return EXPIRED
    return VALID
