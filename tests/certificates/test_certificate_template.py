"""Filling the template: placeholders, validity dates, and a clear error for a missing answer."""

import dataclasses
from datetime import date

import pytest

from certificates.template import TemplateError, add_months, body_text, valid_until


def test_the_body_lines_are_filled_and_joined(income_template, facts):
    text = body_text(income_template, facts, "en")
    assert text.startswith("This is to certify that क्षितिज त्रिपाठी, son of श्रीकृष्ण त्रिपाठी,")
    assert "{" not in text


def test_validity_runs_to_the_day_before_the_anniversary(income_template, facts):
    assert valid_until(income_template, facts) == date(2027, 11, 21)
    assert valid_until(dataclasses.replace(income_template, validity_months=None), facts) is None


def test_months_are_added_without_running_off_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 15), 3) == date(2028, 3, 15)


def test_a_missing_answer_is_named(income_template, facts):
    incomplete = dataclasses.replace(
        facts, answers={k: v for k, v in facts.answers.items() if k != "address"}
    )
    with pytest.raises(TemplateError, match="'address'"):
        body_text(income_template, incomplete, "hi")
