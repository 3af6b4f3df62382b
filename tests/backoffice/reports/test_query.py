"""Reports compute what a person would count by hand, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from collections import Counter

import pytest

from backoffice.reports.query import ReportRefused, ReportSpec, run
from tests.backoffice.reports.conftest import refresh_counts

BOTH = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
ALL = ["count", "fees", "median_days", "p90_days", "within_deadline_pct", "rejected_pct"]


@BOTH
def test_grouped_measures_match_the_population(app, population):
    spec = ReportSpec.from_json({"dimensions": ["department"], "measures": ALL})
    with app.app_context():
        rows = {row[0]: row[1:] for row in run(spec, None)}
    # revenue: decided after 2, 20 and 6 days; 2 of 3 decided by their deadline; 1 of 3 rejected.
    assert rows["revenue"] == (4, 30.0, 6.0, pytest.approx(17.2), pytest.approx(66.67), pytest.approx(33.33))
    # mcd: both decided after 1 day, within the deadline; 1 of 2 rejected.
    assert rows["mcd"] == (2, 100.0, 1.0, 1.0, 100.0, 50.0)


@BOTH
def test_a_head_sees_only_their_department_whatever_the_filter_asks(app, population):
    spec = ReportSpec.from_json({"dimensions": ["department", "district"], "filters": {"department": "mcd"}})
    with app.app_context():
        assert run(spec, "revenue") == []
        everything = run(ReportSpec.from_json({"dimensions": ["department", "district"]}), "revenue")
    assert everything == [("revenue", "north", 2), ("revenue", "south", 2)]


@BOTH
def test_periods_date_range_and_listing(app, population):
    with app.app_context():
        weeks = run(
            ReportSpec.from_json({"dimensions": ["week"], "from": "2026-11-03", "to": "2026-11-10"}), None
        )
        listing = run(ReportSpec.from_json({"filters": {"district": "east"}}), None)
    # Weeks start on Monday (2 Nov 2026 is a Monday); 3-10 Nov holds 4 applications.
    assert weeks == [("2026-11-02", 3), ("2026-11-09", 1)]
    assert [row[1:5] for row in listing] == [("mcd", "birth_certificate", "issued", "east"),
                                             ("mcd", "birth_certificate", "rejected", "east")]  # fmt: skip
    assert listing[0][7] == "2026-11-05 10:30"  # submitted, in IST


def test_unknown_parts_are_refused_in_both_languages():
    with pytest.raises(ReportRefused, match="अज्ञात"):
        ReportSpec.from_json({"dimensions": ["citizen_phone"]})
    with pytest.raises(ReportRefused):
        ReportSpec.from_json({"filters": {"day": "2026-11-02"}})
    with pytest.raises(ReportRefused, match="YYYY-MM-DD"):
        ReportSpec.from_json({"from": "yesterday"})


def test_a_submitted_application_carries_the_district_of_its_pin_code(app, submitted):
    from backoffice.applications.models import Application
    from backoffice.extensions import db

    application_id = submitted()  # the demo answers give PIN code 110054 (Civil Lines)
    with app.app_context():
        assert db.session.get(Application, application_id).district == "north"


def from_applications(spec: ReportSpec, department: str | None, monkeypatch) -> list[tuple]:
    """The report read from the applications themselves, never from the daily or monthly counts."""
    with monkeypatch.context() as patch:
        patch.setattr("backoffice.reports.query.from_daily_counts", lambda spec: False)
        return run(spec, department)


@BOTH
def test_daily_counts_match_the_applications_and_follow_each_change(app, population, monkeypatch):
    from backoffice.applications.models import Application
    from backoffice.extensions import db
    from backoffice.reports.query import from_daily_counts

    summed = ReportSpec.from_json(
        {"dimensions": ["department", "status"], "measures": ["count", "fees", "rejected_pct"]}
    )
    assert from_daily_counts(summed)
    with app.app_context():
        assert run(summed, None) == from_applications(summed, None, monkeypatch)
        pending = db.session.query(Application).filter_by(status="under_review").one()
        pending.status = "rejected"
        db.session.commit()
        # Readers never recount: until the beat's refresh runs, the counts stay as they were.
        assert run(summed, None) != from_applications(summed, None, monkeypatch)
        refresh_counts()
        after = run(summed, None)
        assert after == from_applications(summed, None, monkeypatch)
    assert ("revenue", "rejected", 2, 10.0, 100.0) in after and all(row[1] != "under_review" for row in after)


@BOTH
@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (None, None),  # all time: months only
        ("2026-11-01", "2026-11-30"),  # one whole month
        ("2026-10-20", "2026-12-03"),  # a whole month and days at both ends
        ("2026-11-03", "2026-11-10"),  # inside one month: days only
        ("2026-11-06", None),  # days to the month's end, then every month after
        (None, "2026-11-05"),
    ],
)
@pytest.mark.parametrize("dimensions", [["department", "status"], ["service", "month"], ["district", "week"]])
def test_month_and_day_counts_give_the_applications_figures_for_any_range(
    app, population, monkeypatch, date_from, date_to, dimensions
):
    spec = ReportSpec.from_json({"dimensions": dimensions, "from": date_from, "to": date_to,
                                 "measures": ["count", "fees", "within_deadline_pct", "rejected_pct", "median_days"]})  # fmt: skip
    with app.app_context():
        rows = run(spec, None)
        assert rows and rows == from_applications(spec, None, monkeypatch)
        assert run(spec, "mcd") == from_applications(spec, "mcd", monkeypatch)


def test_percentiles_from_a_histogram_are_postgresqls_percentile_cont():
    import numpy as np

    from backoffice.reports.query import percentile

    rng = np.random.default_rng(16)
    for size in (1, 2, 3, 10, 101, 1000):
        values = rng.integers(0, 40, size)
        histogram = sorted(Counter(values.tolist()).items())
        for fraction in (0.5, 0.9):
            assert percentile(histogram, fraction) == pytest.approx(np.percentile(values, fraction * 100))
    assert percentile([], 0.5) is None
