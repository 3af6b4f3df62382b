"""Forms of the officer inbox (Flask-WTF: each carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class ReplyForm(FlaskForm):
    """An officer's answer to the citizen (WhatsApp's 4,096-character limit)."""

    text = TextAreaField(validators=[DataRequired(), Length(max=4096)])


class ActionForm(FlaskForm):
    """Claim or hand back: only the CSRF token."""
