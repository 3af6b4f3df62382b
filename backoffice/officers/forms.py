"""Forms of the officers' screens (Flask-WTF: each carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class TransitionForm(FlaskForm):
    """One workflow move on an application, with the reason or query text some moves need."""

    move = StringField(validators=[DataRequired(), Length(max=40)])
    reason = TextAreaField(validators=[Optional(), Length(max=2000)])


class AssignForm(FlaskForm):
    """Assign the ticked applications to one officer."""

    application_ids = SelectMultipleField(coerce=int, validate_choice=False)
    officer = SelectField(coerce=int, validate_choice=False)
