"""The administrator's QR campaigns: make one per department, print its bilingual A4 poster."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from backoffice.admin.routes import blueprint
from backoffice.consent import services as consent
from backoffice.consent.models import Campaign, ConsentEntry
from backoffice.consent.poster import poster_pdf, wa_me_link
from backoffice.extensions import db
from backoffice.notifications.numbers import department_numbers, display_number
from backoffice.officers.access import admin_required
from backoffice.people.models import Department


class CampaignForm(FlaskForm):
    """A new poster campaign."""

    department = SelectField("Department", choices=[], validators=[DataRequired()])
    label = StringField("Where it will hang", validators=[DataRequired(), Length(max=120)])


def _link(campaign: Campaign) -> str | None:
    config = current_app.config
    numbers = department_numbers(config["WHATSAPP_NUMBERS"])
    number = numbers.get(campaign.department_code) or numbers.get("general")
    shown = display_number(config["WHATSAPP_DISPLAY_NUMBERS"], number or "")
    return wa_me_link(shown, campaign.code) if shown else None


@blueprint.route("/campaigns", methods=["GET", "POST"])
@admin_required
def campaigns():
    """The campaigns with how many consents each brought; the form to make one."""
    form = CampaignForm()
    departments = db.session.scalars(select(Department).order_by(Department.name_en)).all()
    form.department.choices = [(d.code, f"{d.name_en} / {d.name_hi}") for d in departments]
    if form.validate_on_submit():
        made = consent.create_campaign(form.department.data, form.label.data, current_user.username)
        db.session.commit()
        flash(f"Campaign {made.code} created. Print its poster below.")
        return redirect(url_for("admin.campaigns"))
    rows = db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc())).all()
    counts = {
        c.code: db.session.scalar(
            select(func.count()).select_from(ConsentEntry)
            .where(ConsentEntry.evidence.endswith(f" campaign:{c.code}"), ConsentEntry.purpose == "updates",
                   ConsentEntry.granted)
        )
        for c in rows
    }  # fmt: skip
    return render_template("campaigns.html", form=form, campaigns=rows, counts=counts, link=_link)


@blueprint.get("/campaigns/<code>/poster.pdf")
@admin_required
def campaign_poster(code: str):
    """The campaign's printable poster."""
    campaign = consent.campaign(code)
    link = _link(campaign) if campaign else None
    if campaign is None or link is None:
        abort(404)
    department = db.session.get(Department, campaign.department_code)
    pdf = poster_pdf(department.name_en, department.name_hi, link, campaign.code,
                     current_app.config["PUBLIC_URL"] + "/privacy")  # fmt: skip
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="seva-poster-{campaign.code}.pdf"'})  # fmt: skip
