"""The CSC desk: start a session for a citizen, chat for them, take the money, print the receipt, keep the register."""

from __future__ import annotations

from datetime import date
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from backoffice.core.clock import today_ist
from backoffice.core.problems import Problem
from backoffice.csc import history, money
from backoffice.csc import services as csc
from backoffice.csc.models import Csc
from backoffice.documents import services as documents
from backoffice.extensions import db
from backoffice.issuing.tasks import worker_issuer

blueprint = Blueprint("csc", __name__, template_folder="templates")
HISTORY_UNAVAILABLE = (
    "The earlier messages could not be shown; the chat goes on. / पिछले संदेश नहीं दिख सके; चैट जारी है।"
)


def operator_required(view):
    """Signed in as a CSC operator attached to a CSC; everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "csc_operator" or csc.csc_of(current_user) is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _session_or_404(session_id: int):
    session = csc.visible_session(current_user, session_id)
    if session is None:
        abort(404)
    return session


def _refused(refused: csc.CscRefused, to: str) -> Response:
    db.session.rollback()
    flash(str(refused))
    return redirect(to)


@blueprint.get("/csc")
@operator_required
def desk():
    """The operator's desk: start a session by the citizen's mobile; the CSC's recent sessions."""
    return render_template(
        "desk.html", centre=csc.csc_of(current_user), sessions=csc.recent_sessions(current_user)
    )


@blueprint.post("/csc/sessions")
@operator_required
def start_session():
    """Text the citizen a code and open the session's page, where the code is typed in."""
    try:
        session = csc.start_session(current_user, request.form.get("mobile", ""))
    except csc.CscRefused as refused:
        return _refused(refused, url_for("csc.desk"))
    db.session.commit()
    flash(f"A code was sent by SMS to {session.mobile_masked}. / {session.mobile_masked} पर कोड भेजा गया।")
    return redirect(url_for("csc.session_page", session_id=session.id))


@blueprint.get("/csc/sessions/<int:session_id>")
@operator_required
def session_page(session_id: int):
    """Before the code: the code form. After: the chat with the bot, and the session's applications."""
    session = _session_or_404(session_id)
    rows = [
        (a, money.counter_charge(a), money.collection_of(a))
        for a in csc.session_applications(session)
        if a.number
    ]
    return render_template(
        "session.html", session=session, rows=rows, chat_url=current_app.config["CSC_CHAT_URL"]
    )


@blueprint.post("/csc/sessions/<int:session_id>/verify")
@operator_required
def verify(session_id: int):
    """Check the code the citizen read out."""
    session = _session_or_404(session_id)
    try:
        csc.verify_code(session, request.form.get("code", ""), current_user)
    except csc.CscRefused as refused:
        db.session.commit()  # the failed attempt counts
        flash(str(refused))
        return redirect(url_for("csc.session_page", session_id=session.id))
    db.session.commit()
    return redirect(url_for("csc.session_page", session_id=session.id))


@blueprint.post("/csc/sessions/<int:session_id>/token")
@operator_required
def chat_token(session_id: int):
    """A fresh short-lived token for the chat socket (the page asks before each connection)."""
    session = _session_or_404(session_id)
    try:
        token = csc.chat_token(session, current_user)
    except csc.CscRefused as refused:
        return jsonify({"error": str(refused)}), 409
    return jsonify({"token": token, "session": f"{csc.SENDER_PREFIX}{session.id}"})


@blueprint.get("/csc/sessions/<int:session_id>/history")
@operator_required
def chat_history(session_id: int):
    """The chat so far, for the page to draw again after a reload (read from Rasa here, with Rasa's token)."""
    session = _session_or_404(session_id)
    if session.verified_at is None:
        abort(404)
    try:
        lines = history.conversation(f"{csc.SENDER_PREFIX}{session.id}")
    except history.HistoryUnavailable as error:
        current_app.logger.warning("CSC chat history unavailable: %s", error)
        return jsonify({"messages": [], "error": HISTORY_UNAVAILABLE}), 503
    answer = jsonify({"messages": lines})
    answer.headers["Cache-Control"] = "no-store"  # the citizen's answers: never kept by the browser's cache
    return answer


@blueprint.post("/csc/sessions/<int:session_id>/documents")
@operator_required
def upload(session_id: int):
    """A scan or photo from the file picker, through the same intake as WhatsApp; answers what to say to the bot."""
    session = _session_or_404(session_id)
    if session.verified_at is None:
        abort(404)
    upload = request.files.get("file")
    if upload is None:
        return jsonify({"error": "Choose a file. / फ़ाइल चुनें।"}), 400
    try:
        document = documents.store(
            upload.read(), session.citizen_id, "csc", filename=upload.filename,
            declared_mime=upload.mimetype, sha256=None,
        )  # fmt: skip
    except Problem as refused:
        # The bot words the refusal, in the citizen's language, exactly as for a refused WhatsApp photo.
        return jsonify({"message": f'/document_rejected{{"reason":"{refused.code}"}}'}), 422
    db.session.commit()
    payload = f'{{"document_id":"{document.id}","mime_type":"{document.mime_type}","filename":"scan"}}'
    return jsonify({"message": f"/document_received{payload}"}), 201


@blueprint.post("/csc/applications/<number>/collect")
@operator_required
def collect(number: str):
    """Record the cash (or UPI) taken for an application, and go back to its session."""
    back = request.form.get("next") or url_for("csc.register_page")
    try:
        collection = money.record_collection(current_user, number, request.form.get("method", ""))
        money.issue_receipt(collection, worker_issuer())
    except csc.CscRefused as refused:
        return _refused(refused, back)
    db.session.commit()
    flash(f"Recorded. Print the receipt {collection.receipt_number}. / राशि दर्ज। रसीद छापें।")
    return redirect(back)


@blueprint.get("/csc/applications/<number>/receipt.pdf")
@operator_required
def receipt(number: str):
    """The signed receipt of the money taken for an application of this CSC."""
    application = csc.visible_application(current_user, number)
    collection = money.collection_of(application) if application else None
    pdf = money.receipt_pdf(collection) if collection else None
    if pdf is None:
        abort(404)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{collection.receipt_number}.pdf"'},
    )


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return today_ist()


@blueprint.get("/csc/register")
@login_required
def register_page():
    """The day's register: operators see their own CSC; administrators choose a CSC; no one else."""
    if current_user.role == "csc_operator":
        centre = csc.csc_of(current_user)
    elif current_user.role == "admin":
        centre = db.session.get(Csc, request.args.get("csc", ""))
    else:
        abort(403)
    if centre is None:
        abort(404)
    book = money.register(centre, _day())
    return render_template("register.html", book=book, editable=current_user.role == "csc_operator")


@blueprint.post("/csc/register/close")
@operator_required
def close_register():
    """Close today's register."""
    try:
        closed = money.close_day(current_user, _day())
    except csc.CscRefused as refused:
        return _refused(refused, url_for("csc.register_page"))
    db.session.commit()
    flash(f"Register closed. Cash to deposit ₹{closed.cash_paise / 100:.2f}.")
    return redirect(url_for("csc.register_page", day=closed.day.isoformat()))


@blueprint.post("/csc/collections/<int:collection_id>/reverse")
@operator_required
def reverse(collection_id: int):
    """Reverse an entry, with a reason."""
    try:
        collection = money.reverse(current_user, collection_id, request.form.get("reason", ""))
    except csc.CscRefused as refused:
        return _refused(refused, url_for("csc.register_page"))
    db.session.commit()
    return redirect(url_for("csc.register_page", day=collection.business_day.isoformat()))
