"""The report's period, its age bands and its JSON, as pure functions."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.annual_report import (
    AnnualReport,
    Figure,
    ReportTable,
    age_bands,
    is_minority,
    report_json,
    report_period,
)
from desktop_app.core.problems import UserError

TODAY = dt.date(2026, 6, 1)


def test_presets_and_dates() -> None:
    assert report_period(2026, today=TODAY) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert report_period(2026, "school", today=TODAY) == (
        dt.date(2025, 9, 1), dt.date(2026, 5, 31))  # fmt: skip
    assert report_period(2026, "school", None, dt.date(2025, 9, 30), today=TODAY) == (
        dt.date(2025, 9, 1), dt.date(2025, 9, 30))  # fmt: skip
    assert report_period(2027, today=TODAY)[0] == dt.date(2027, 1, 1)  # next year's plan
    for args in ((2028, None), (1899, None), (2026, "term")):
        with pytest.raises(UserError):
            report_period(*args, today=TODAY)
    with pytest.raises(UserError):
        report_period(2026, None, dt.date(2026, 5, 1), dt.date(2026, 4, 30), today=TODAY)


def test_age_bands_and_minority() -> None:
    assert [age_bands(a) for a in (14, 15, 35, 36, 60, 61)] == [
        (), ("15-35", "15-60"), ("15-35", "15-60"), ("15-60",), ("15-60",), ("60+",),
    ]  # fmt: skip
    assert [is_minority(e) for e in ("", "Kinh", " kinh ", "Tày", "H'Mông")] == [
        False, False, False, True, True,
    ]  # fmt: skip


def test_json_paths_and_shares() -> None:
    row = (
        Figure("learners_by_hamlet.Thôn 1.A", "x", 3),
        Figure("models.family.registered", "x", 2),
        Figure("member_share", "x", 25.0, "percent"),
        Figure("staff", "x", None),
    )
    report = AnnualReport(
        "annual", dt.date(2026, 1, 1), dt.date(2026, 12, 31), (), (),
        (ReportTable("t", "T", ("a",), (("r", row),)),), False,
    )  # fmt: skip
    assert report_json(report) == {
        "period": {"from": "2026-01-01", "to": "2026-12-31"},
        "empty": False,
        "sites": [],
        "learners_by_hamlet": {"Thôn 1.A": 3},
        "models": {"family": {"registered": 2}},
        "member_share": 0.25,
        "staff": None,
    }
