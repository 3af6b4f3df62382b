"""CSC work as plain functions: centres and operators, sessions for a citizen by one-time code, chat tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import jwt
from flask import current_app
from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.citizens import services as citizens
from backoffice.core.clock import utcnow
from backoffice.csc.models import Csc, CscApplication, CscOperator, CscSession
from backoffice.extensions import db
from backoffice.notifications.sms import SmsError, send_sms
from backoffice.people import services as people
from backoffice.people.models import User
from catalog.validation import check_mobile

CODE_MINUTES = 10  # how long the SMS code stays good
CODE_ATTEMPTS = 5  # wrong codes before the session must be started again
CHAT_AUDIENCE = "seva-csc-chat"  # the Rasa channel accepts tokens for this audience only
SENDER_PREFIX = "csc-"  # Rasa conversation of a CSC session: "csc-<session id>"


class CscRefused(ValueError):
    """The CSC action cannot be done; the message (English / Hindi) says why, for the operator."""


def create_csc(code: str, name: str, address: str, district: str, by: Actor) -> Csc:
    """Add a centre; its code is the CSC id the government gave it."""
    code = code.strip().upper()
    if not code or len(code) > 32 or not all(c.isalnum() or c == "-" for c in code):
        raise CscRefused("A CSC id is letters, digits and hyphens.")
    if not name.strip() or not address.strip() or not district.strip():
        raise CscRefused("Name, address and district are required.")
    if db.session.get(Csc, code) is not None:
        raise CscRefused("That CSC id exists already.")
    csc = Csc(
        code=code, name=name.strip()[:120], address=address.strip()[:300], district=district.strip()[:80]
    )
    db.session.add(csc)
    db.session.flush()
    audit.record(by, "csc.created", f"csc:{code}", {"name": csc.name, "district": csc.district})
    return csc


def create_operator(username: str, full_name: str, csc_code: str, password: str, by: Actor) -> User:
    """Add a user with the `csc_operator` role who works at `csc_code`."""
    if db.session.get(Csc, csc_code) is None:
        raise CscRefused("Unknown CSC.")
    try:
        user = people.create_user(username, full_name, "csc_operator", None, password, by)
    except people.UserRefused as refused:
        raise CscRefused(str(refused)) from refused
    db.session.add(CscOperator(user_id=user.id, csc_code=csc_code))
    audit.record(by, "csc.operator_added", f"csc:{csc_code}", {"user": user.id})
    return user


def csc_of(user: User) -> Csc | None:
    """The CSC an operator works at (None for anyone else)."""
    link = db.session.get(CscOperator, user.id) if user.role == "csc_operator" else None
    return link.csc if link else None


def actor(user: User) -> Actor:
    """The audit actor for an operator, with their CSC in place of a department."""
    csc = csc_of(user)
    return Actor(user.role, user.username, user.id, csc.code if csc else None, people.client_ip())


def _code_hash(session_salt: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return (
        session_salt + "$" + hmac.new(key, f"{session_salt}:{code}".encode(), hashlib.sha256).hexdigest()[:40]
    )


def start_session(operator: User, mobile_text: str) -> CscSession:
    """Open a session for the citizen with this mobile and text them a one-time code to read out."""
    csc = csc_of(operator)
    if csc is None:
        raise CscRefused("You are not attached to a CSC.")
    checked = check_mobile(mobile_text or "")
    if not checked.ok:
        raise CscRefused("Enter a 10-digit mobile number. / 10 अंकों का मोबाइल नंबर लिखें।")
    citizen = citizens.for_mobile(checked.value)
    code = f"{secrets.randbelow(1_000_000):06d}"
    session = CscSession(
        csc_code=csc.code, operator_id=operator.id, citizen_id=citizen.id, mobile_masked=citizen.mobile_masked,
        code_hash=_code_hash(secrets.token_hex(8), code), code_expires_at=utcnow() + timedelta(minutes=CODE_MINUTES),
    )  # fmt: skip
    db.session.add(session)
    db.session.flush()
    try:
        send_sms(checked.value, _code_text(code, csc.name), purpose="otp")
    except SmsError as error:
        raise CscRefused(
            "The SMS could not be sent; try again. / एसएमएस नहीं जा सका; फिर से कोशिश करें।"
        ) from error
    audit.record(actor(operator), "csc.session_started", f"csc_session:{session.id}", {"citizen": citizen.id})
    return session


def _code_text(code: str, csc_name: str) -> str:
    return (
        f"Seva: {code} is your code. Tell it to the operator of {csc_name} only if you want them to apply for you. "
        f"सेवा: आपका कोड {code} है। यह कोड {csc_name} के ऑपरेटर को तभी बताएं जब आप चाहते हैं कि वे आपके लिए आवेदन करें।"
    )


def verify_code(session: CscSession, code: str, operator: User) -> None:
    """Accept the code the citizen read out: from then on the operator acts for them (consent recorded)."""
    if session.verified_at is not None:
        return
    if session.attempts >= CODE_ATTEMPTS or utcnow() > session.code_expires_at:
        raise CscRefused("This code has expired. Start the session again. / कोड की अवधि समाप्त। फिर से शुरू करें।")
    session.attempts += 1
    salt = session.code_hash.split("$", 1)[0]
    if not hmac.compare_digest(_code_hash(salt, (code or "").strip()), session.code_hash):
        audit.record(
            actor(operator), "csc.code_refused", f"csc_session:{session.id}", {"attempt": session.attempts}
        )
        raise CscRefused("Wrong code. / गलत कोड।")
    session.verified_at = utcnow()
    record_consent_to_act(session, operator)


def record_consent_to_act(session: CscSession, operator: User) -> None:
    """The citizen's consent that this CSC acts for them, proven by the SMS code (the consent ledger reads the audit)."""
    audit.record(
        actor(operator),
        "csc.consent_to_act",
        f"citizen:{session.citizen_id}",
        {"csc": session.csc_code, "session": session.id, "proof": "sms_code", "source": "csc"},
    )


def visible_session(operator: User, session_id: int) -> CscSession | None:
    """The session if it is one of the operator's own CSC (another CSC's answers as absent)."""
    session = db.session.get(CscSession, session_id)
    csc = csc_of(operator)
    if session is None or csc is None or session.csc_code != csc.code:
        return None
    return session


def recent_sessions(operator: User, limit: int = 20) -> list[CscSession]:
    """The CSC's newest sessions, for the desk."""
    csc = csc_of(operator)
    if csc is None:
        return []
    query = (
        select(CscSession).where(CscSession.csc_code == csc.code).order_by(CscSession.id.desc()).limit(limit)
    )
    return list(db.session.scalars(query))


def chat_token(session: CscSession, operator: User) -> str:
    """A short-lived signed token that lets this operator's browser chat in this session only."""
    if session.verified_at is None:
        raise CscRefused("The citizen's code has not been checked yet.")
    key = current_app.config["CSC_CHAT_JWT_KEY"]
    if not key:
        raise CscRefused("The chat is not configured (CSC_CHAT_JWT_KEY).")
    now = utcnow()
    claims = {
        "sub": f"{SENDER_PREFIX}{session.id}",
        "aud": CHAT_AUDIENCE,
        "iat": now,
        "exp": now + timedelta(seconds=current_app.config["CSC_CHAT_TOKEN_SECONDS"]),
        "csc": session.csc_code,
        "operator": operator.username,
        "session": session.id,
        "citizen": session.citizen_id,
    }
    return jwt.encode(claims, key, algorithm="HS256")


def link_draft(application: Application, session_id: object, operator_username: object) -> None:
    """Record which CSC session made a draft, if the bot says it came from one of that citizen's sessions."""
    if not isinstance(session_id, int) or db.session.get(CscApplication, application.id) is not None:
        return
    session = db.session.get(CscSession, session_id)
    if session is None or session.citizen_id != application.citizen_id or session.verified_at is None:
        return
    if session.operator.username != operator_username:
        return
    # A draft begun on WhatsApp and finished at the counter becomes a CSC application (the Rs 50 applies).
    application.channel, application.csc_operator = "csc", session.operator.username
    db.session.add(
        CscApplication(
            application_id=application.id, csc_code=session.csc_code, operator_id=session.operator_id,
            session_id=session.id,
        )
    )  # fmt: skip


def session_applications(session: CscSession) -> list[Application]:
    """The applications made in a session, newest first (drafts included)."""
    query = (
        select(Application)
        .join(CscApplication, CscApplication.application_id == Application.id)
        .where(CscApplication.session_id == session.id)
        .order_by(Application.id.desc())
    )
    return list(db.session.scalars(query))


def visible_application(operator: User, number: str) -> Application | None:
    """A submitted application made at the operator's own CSC, or None."""
    csc = csc_of(operator)
    if csc is None:
        return None
    query = (
        select(Application)
        .join(CscApplication, CscApplication.application_id == Application.id)
        .where(Application.number == number, CscApplication.csc_code == csc.code)
    )
    return db.session.scalar(query)
