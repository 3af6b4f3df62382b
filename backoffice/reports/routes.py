"""The reports page: pick dimensions, measures and filters; see a table and a chart; save; export CSV or XLSX."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from backoffice.applications.workflow import STATUS_LABELS
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.people.models import Department, User
from backoffice.reports import mailing, services
from backoffice.reports.access import watch_required, watched_department
from backoffice.reports.dialect import IST_OFFSET
from backoffice.reports.export import csv_chunks, xlsx_file
from backoffice.reports.query import (
    DIMENSIONS,
    FILTERABLE,
    MEASURES,
    ReportRefused,
    ReportSpec,
    label_of,
    run,
    stream,
)
from catalog import load_catalog
from catalog.districts import districts

blueprint = Blueprint("reports", __name__, template_folder="templates")


class SaveForm(FlaskForm):
    """Save the report on screen (the CSRF token is the form; the name and spec come as fields)."""


def _spec_from_args() -> tuple[ReportSpec, int | None]:
    """The report asked for: a saved one (`report=<id>`, within the user's scope) or the one built in the form."""
    report_id = request.args.get("report", type=int)
    if report_id:
        return ReportSpec.from_json(services.saved_report(current_user, report_id).spec), report_id
    args = request.args if request.method == "GET" else request.form
    filters = {name: args.get(f"f_{name}", "") for name in FILTERABLE}
    return ReportSpec.from_json(
        {"dimensions": args.getlist("dimensions"), "measures": args.getlist("measures"),
         "from": args.get("from"), "to": args.get("to"), "filters": filters}
    ), None  # fmt: skip


def _choices(department: str | None) -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, within the user's department."""
    catalog = load_catalog()
    departments = db.session.scalars(select(Department).order_by(Department.name_en))
    officers = select(User).where(User.role.in_(("officer", "approver"))).order_by(User.username)
    if department is not None:
        officers = officers.where(User.department_code == department)
    return {
        "department": [(d.code, f"{d.name_en} / {d.name_hi}") for d in departments
                       if department is None or d.code == department],
        "service": [(s.id, f"{s.name.en} / {s.name.hi}") for s in catalog.values()
                    if department is None or s.department == department],
        "status": [(code, f"{en} / {hi}") for code, (en, hi) in STATUS_LABELS.items() if code != "draft"],
        "district": [(code, f"{n.en} / {n.hi}") for code, n in districts().items()] + [("unknown", "Unknown / अज्ञात")],
        "channel": [("whatsapp", "WhatsApp"), ("csc", "CSC / जन सेवा केंद्र")],
        "officer": [(u.username, u.full_name) for u in db.session.scalars(officers)],
    }  # fmt: skip


def _labeller(choices: dict[str, list[tuple[str, str]]]):
    """Show a dimension's code (kept as is in the downloads) by its English / Hindi name on the screen."""
    names = {name: dict(values) for name, values in choices.items() if name != "officer"}

    def label(column: str, value):
        return names.get(column, {}).get(value, value)

    return label


def _file_name(spec: ReportSpec, report_id: int | None, extension: str) -> str:
    return f"seva-report-{report_id or 'adhoc'}-{'-'.join(spec.dimensions) or 'applications'}.{extension}"


@blueprint.get("/reports")
@watch_required
def reports():
    """The report builder, the report's table and chart, and the saved reports."""
    department = watched_department(current_user)
    try:
        spec, report_id = _spec_from_args()
        rows = run(spec, department) if request.args else []
        problem = None
    except ReportRefused as refused:
        spec, report_id, rows, problem = ReportSpec(), None, [], str(refused)
    columns = spec.columns
    plan = mailing.schedule_of(report_id) if report_id else None
    choices = _choices(department)
    label = _labeller(choices)
    rows = [tuple(label(column, value) for column, value in zip(columns, row, strict=True)) for row in rows]
    chart = None
    if spec.dimensions and rows:
        width = len(spec.dimensions)
        chart = {
            "labels": [" · ".join(str(v).split(" / ")[0] for v in row[:width]) for row in rows],
            "datasets": [{"label": label_of(m), "data": [row[width + i] for row in rows]}
                         for i, m in enumerate(spec.measures)],
        }  # fmt: skip
    return render_template(
        "reports.html", spec=spec, spec_json=spec.to_json(), report_id=report_id, rows=rows, columns=columns,
        labels={c: (label_of(c, "en"), label_of(c, "hi")) for c in columns}, chart=chart, problem=problem,
        dimensions=DIMENSIONS, measures=MEASURES, filterable=FILTERABLE, choices=choices,
        saved=services.saved_reports(current_user), form=SaveForm(), export_args=request.args.to_dict(flat=False),
        plan=plan, plan_next=(plan.next_due_at + IST_OFFSET).strftime("%Y-%m-%d %H:%M") if plan else None,
        frequencies=mailing.FREQUENCIES, mail_domains=mailing.allowed_domains(),
    ), (422 if problem else 200)  # fmt: skip


@blueprint.post("/reports")
@watch_required
def save():
    """Save the report built in the form under the name given."""
    if not SaveForm().validate_on_submit():
        flash("The form expired; try again. / फ़ॉर्म की अवधि समाप्त हुई, फिर से प्रयास करें।")
        return redirect(url_for("reports.reports"))
    try:
        spec, _ = _spec_from_args()
        report = services.save_report(current_user, request.form.get("name", ""), spec)
    except ReportRefused as refused:
        db.session.rollback()
        flash(str(refused))
        return redirect(url_for("reports.reports"))
    db.session.commit()
    flash(f"Saved “{report.name}”. / रिपोर्ट सहेजी गई।")
    return redirect(url_for("reports.reports", report=report.id))


@blueprint.post("/reports/<int:report_id>/schedule")
@watch_required
def schedule(report_id: int):
    """Mail a saved report daily or weekly to the addresses given (the state's mail domains only)."""
    if not SaveForm().validate_on_submit():
        flash("The form expired; try again. / फ़ॉर्म की अवधि समाप्त हुई, फिर से प्रयास करें।")
        return redirect(url_for("reports.reports", report=report_id))
    try:
        plan = mailing.schedule(current_user, report_id, request.form.get("recipients", ""),
                                request.form.get("frequency", ""), request.form.get("format", ""), utcnow())  # fmt: skip
    except ReportRefused as refused:
        db.session.rollback()
        flash(str(refused))
        return redirect(url_for("reports.reports", report=report_id))
    db.session.commit()
    flash(f"Scheduled: it goes to {len(plan.recipients)} address(es). / शेड्यूल हो गई।")
    return redirect(url_for("reports.reports", report=report_id))


@blueprint.post("/reports/<int:report_id>/unschedule")
@watch_required
def unschedule(report_id: int):
    """Stop mailing a saved report."""
    if not SaveForm().validate_on_submit():
        flash("The form expired; try again. / फ़ॉर्म की अवधि समाप्त हुई, फिर से प्रयास करें।")
        return redirect(url_for("reports.reports", report=report_id))
    mailing.unschedule(current_user, report_id)
    db.session.commit()
    flash("No longer mailed. / अब ईमेल नहीं होगी।")
    return redirect(url_for("reports.reports", report=report_id))


@blueprint.get("/reports/export.csv")
@watch_required
def export_csv():
    """The whole report as CSV, streamed as it is read; the export is audited with the rows that went out."""
    department = watched_department(current_user)
    try:
        spec, report_id = _spec_from_args()
    except ReportRefused as refused:
        return Response(str(refused), 422, mimetype="text/plain")
    user = current_user._get_current_object()
    header = [label_of(c) for c in spec.columns]

    def body():
        sent = [0]
        complete = False
        try:
            yield from csv_chunks(header, stream(spec, department), sent)
            complete = True
        finally:
            # A closed download still leaves a record of what left, with complete = False.
            db.session.rollback()
            services.record_export(user, report_id, spec, "csv", sent[0], complete)
            db.session.commit()

    return Response(
        stream_with_context(body()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(spec, report_id, "csv")}"'},
    )


@blueprint.get("/reports/export.xlsx")
@watch_required
def export_xlsx():
    """The whole report as an Excel workbook (openpyxl, written row by row); the export is audited."""
    department = watched_department(current_user)
    try:
        spec, report_id = _spec_from_args()
    except ReportRefused as refused:
        return Response(str(refused), 422, mimetype="text/plain")
    header = [label_of(c) for c in spec.columns]
    workbook, count = xlsx_file(header, stream(spec, department))
    db.session.rollback()
    services.record_export(current_user, report_id, spec, "xlsx", count, True)
    db.session.commit()
    return send_file(
        workbook,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=_file_name(spec, report_id, "xlsx"),
    )
