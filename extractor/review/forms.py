"""The review page's forms. Flask-WTF gives each a CSRF token and checks it on every POST."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp


class DecisionForm(FlaskForm):
    reviewer = StringField("Reviewer", validators=[InputRequired("enter your name as reviewer"),
                                                   Length(max=80)])
    field = SelectField("Field", validate_choice=True)
    value = StringField("Corrected value", validators=[Length(max=200)])
    note = TextAreaField("Note", validators=[Length(max=2000)])
    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d+$")])
    # Rendered first in the form: Enter in the value box means "correct", never "accept".
    correct = SubmitField("Correct (c)")
    accept = SubmitField("Accept (a)")
    source_error = SubmitField("Source error (s)")

    def action(self) -> str | None:
        for name in ("correct", "accept", "source_error"):
            if getattr(self, name).data:
                return name
        return None


class CaseForm(FlaskForm):
    case_id = StringField("Case id", validators=[InputRequired(), Length(max=80)])
    folder = StringField("Folder", default="fixtures/reviewed",
                         validators=[InputRequired(), Length(max=200)])
    save = SubmitField("Save as fixture")
