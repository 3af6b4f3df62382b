"""Officers' second factor: TOTP (RFC 6238, pyotp) enrolled through a QR code, plus single-use recovery codes.

The secret is sealed under the Aadhaar vault's key (bound to the user), so a copy of the database alone gives
no codes; recovery codes are kept only as Argon2 hashes. Every enrolment, use of a recovery code, reset and
refused code goes to the audit log.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from flask import current_app
from sqlalchemy import delete, select

from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.auth.models import RecoveryCode
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.people.models import User
from backoffice.people.passwords import check_password, hash_password
from backoffice.vault import services as vault
from backoffice.vault.crypto import seal, unseal

ISSUER = "Seva Delhi"
RECOVERY_CODES = 10


def required() -> bool:
    """True when every back-office user must sign in with a second factor (production)."""
    return bool(current_app.config["TWO_FACTOR_REQUIRED"])


def enabled(user: User) -> bool:
    """True once the user confirmed an authenticator app."""
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def _associated(user: User) -> bytes:
    return f"totp:{user.id}".encode()


def _secret(user: User) -> str:
    return unseal(vault.keys(), bytes.fromhex(user.totp_secret or ""), _associated(user))


def start_enrolment(user: User) -> str:
    """A new secret for the user (not yet in force); returns the otpauth:// URI the QR code carries."""
    secret = pyotp.random_base32()
    user.totp_secret = seal(vault.keys(), secret, _associated(user)).hex()
    user.totp_enabled_at = None
    user.totp_last_step = None
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI of the secret being enrolled."""
    return pyotp.TOTP(_secret(user)).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no script, no external image)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def _accept_totp(user: User, code: str, now: datetime | None = None) -> bool:
    """True for a current code (one step of clock drift either way) never accepted before."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6 or not user.totp_secret:
        return False
    totp = pyotp.TOTP(_secret(user))
    at = now or datetime.now()
    for drift in (-1, 0, 1):
        step = totp.timecode(at) + drift
        if secrets.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # replayed: this code (or a later one) was already used
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(user: User, code: str, by: Actor) -> list[str] | None:
    """Turn the second factor on if `code` is right; returns the new recovery codes (shown once), else None."""
    if user.totp_secret is None or not _accept_totp(user, code):
        return None
    user.totp_enabled_at = utcnow()
    codes = new_recovery_codes(user)
    audit.record(by, "user.2fa_enrolled", f"user:{user.id}", {})
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten fresh ones; returns them in clear, for showing once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(c)) for c in codes)
    return codes


def _accept_recovery(user: User, code: str) -> bool:
    code = code.strip().lower()
    if len(code) != 13:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for stored in unused:
        if check_password(stored.code_hash, code):
            stored.used_at = utcnow()
            return True
    return False


def check(user: User, code: str, by: Actor) -> str | None:
    """The kind of second factor accepted (`totp` or `recovery`), or None; each outcome is audited."""
    if _accept_totp(user, code):
        return "totp"
    if _accept_recovery(user, code):
        left = db.session.scalar(
            select(db.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        audit.record(by, "user.2fa_recovery_used", f"user:{user.id}", {"codes_left": left})
        return "recovery"
    audit.record(by, "user.2fa_refused", f"user:{user.id}", {})
    return None


def reset(user: User, by: Actor) -> None:
    """An administrator turns a user's second factor off (a lost phone); they enrol again at next sign-in."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(by, "user.2fa_reset", f"user:{user.id}", {})
