"""Reporting deadlines: the next day of each across the year's end, the week a deadline just
passed stays overdue, the centre's own deadlines and changed days, and days that are not."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core import deadlines as core
from desktop_app.core.dates import DateError
from desktop_app.core.deadlines import (
    DEFAULT_DEADLINES,
    OVERDUE_DAYS,
    Deadline,
    DeadlineSettings,
    occurrence,
    parse_day_month,
    upcoming,
)
from desktop_app.core.problems import UserError

UNIT = next(d for d in DEFAULT_DEADLINES if d.key == "unit_dossier")  # 15/01
KHUYEN_HOC = next(d for d in DEFAULT_DEADLINES if d.key == "khuyen_hoc_month")  # 06/10


def test_the_defaults_are_the_plans_days() -> None:
    days = {d.key: (d.day, d.month, d.report) for d in DEFAULT_DEADLINES}
    assert days == {
        "khuyen_hoc_month": (6, 10, "khuyen_hoc_month"),
        "annual_report": (1, 11, "annual"),
        "commune_report": (10, 12, "commune_report"),
        "unit_dossier": (15, 1, "unit_dossier"),
        "community_dossier": (28, 2, "community_dossier"),
    }
    commune = next(d for d in DEFAULT_DEADLINES if d.key == "commune_report")
    assert commune.day_text == "10-15/12"
    assert KHUYEN_HOC.day_text == "06/10"
    assert all(d.source for d in DEFAULT_DEADLINES)


def test_next_occurrence_across_the_years_end() -> None:
    u = occurrence(UNIT, dt.date(2026, 12, 20))
    assert (u.date, u.days_left, u.overdue) == (dt.date(2027, 1, 15), 26, False)
    # On the day itself: due today, not overdue.
    u = occurrence(UNIT, dt.date(2027, 1, 15))
    assert (u.date, u.days_left, u.overdue) == (dt.date(2027, 1, 15), 0, False)


def test_a_deadline_just_passed_is_overdue_for_a_week_then_moves_to_next_year() -> None:
    u = occurrence(KHUYEN_HOC, dt.date(2026, 10, 7))
    assert (u.date, u.days_left, u.overdue) == (dt.date(2026, 10, 6), -1, True)
    u = occurrence(KHUYEN_HOC, dt.date(2026, 10, 6) + dt.timedelta(days=OVERDUE_DAYS))
    assert (u.date, u.days_left, u.overdue) == (dt.date(2026, 10, 6), -7, True)
    u = occurrence(KHUYEN_HOC, dt.date(2026, 10, 14))
    assert (u.date, u.days_left, u.overdue) == (dt.date(2027, 10, 6), 357, False)
    # Overdue across the year's end too: 15/01 seen from 20/01.
    u = occurrence(UNIT, dt.date(2027, 1, 20))
    assert (u.date, u.days_left) == (dt.date(2027, 1, 15), -5)


def test_upcoming_is_soonest_first_with_the_overdue_on_top() -> None:
    found = upcoming(DEFAULT_DEADLINES, dt.date(2026, 11, 3))
    assert [(u.deadline.key, u.days_left) for u in found] == [
        ("annual_report", -2),
        ("commune_report", 37),
        ("unit_dossier", 73),
        ("community_dossier", 117),
        ("khuyen_hoc_month", 337),
    ]


def test_custom_deadlines_added_moved_and_removed() -> None:
    settings, key = core.with_custom(DeadlineSettings.empty(), "  Báo cáo   quý ", 30, 3)
    assert key == "custom-1"
    settings, second = core.with_custom(settings, "Báo cáo tuần lễ học tập", 15, 10)
    assert second == "custom-2"
    settings = core.with_day(settings, key, 31, 3)
    settings = core.with_day(settings, "annual_report", 5, 11)
    listed = core.configured(settings)
    assert [(d.key, d.day, d.month, d.custom) for d in listed][-2:] == [
        ("custom-1", 31, 3, True),
        ("custom-2", 15, 10, True),
    ]
    assert listed[-2].title == "Báo cáo quý"
    annual = core.find(listed, "annual_report")
    assert (annual.day, annual.month, annual.changed) == (5, 11, True)
    # The JSON kept in the settings gives the same back.
    again = DeadlineSettings.from_json(settings.to_json())
    assert core.configured(again) == listed
    settings = core.without(settings, key)
    assert [d.key for d in core.configured(settings)][-1] == "custom-2"
    # The next one added does not take a key still in use.
    _, third = core.with_custom(settings, "Khác", 1, 1)
    assert third == "custom-1"


def test_a_changed_span_deadline_shows_its_new_day() -> None:
    settings = core.with_day(DeadlineSettings.empty(), "commune_report", 12, 12)
    commune = core.find(core.configured(settings), "commune_report")
    assert (commune.day_text, commune.span) == ("12/12", "")


def test_refusals() -> None:
    with pytest.raises(DateError) as e:
        parse_day_month("31/02")
    assert e.value.message == "There is no {day} February."
    with pytest.raises(DateError) as e:
        parse_day_month("29/2")
    assert e.value.message == core.NO_29_FEBRUARY
    for text in ("13/13", "0/5", "abc", "1/2/2026", ""):
        with pytest.raises(DateError):
            parse_day_month(text)
    assert parse_day_month(" 6.10 ") == (6, 10)
    assert parse_day_month("06-10") == (6, 10)
    with pytest.raises(UserError) as e:
        core.without(DeadlineSettings.empty(), "annual_report")
    assert e.value.message == core.DEFAULT_NOT_REMOVABLE
    with pytest.raises(UserError) as e:
        core.with_day(DeadlineSettings.empty(), "custom-9", 1, 1)
    assert e.value.message == core.NO_SUCH_DEADLINE
    with pytest.raises(UserError):
        core.with_custom(DeadlineSettings.empty(), "   ", 1, 1)
    with pytest.raises(UserError):
        core.with_custom(DeadlineSettings.empty(), "x" * 201, 1, 1)


def test_unreadable_settings_are_left_out() -> None:
    data = {
        "days": {"annual_report": [31, 2], "unit_dossier": [20, 1], "nope": [1, 1]},
        "custom": [{"key": "custom-1", "title": "A", "day": 1, "month": 13}, "x",
                   {"key": "custom-2", "title": "B", "day": 2, "month": 2}],
    }  # fmt: skip
    settings = DeadlineSettings.from_json(data)
    assert dict(settings.days) == {"unit_dossier": (20, 1)}
    assert settings.custom == (Deadline("custom-2", "B", 2, 2, custom=True),)
    assert DeadlineSettings.from_json("garbage") == DeadlineSettings.empty()
