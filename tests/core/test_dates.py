from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from desktop_app.core.dates import (
    NO_SUCH_DAY,
    UNREADABLE_DATE,
    DateError,
    long_date,
    parse_day,
    place_date_line,
)
from desktop_app.i18n import DEFAULT_LANGUAGE, set_language, tr, user_error_text


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 2, 5), "Xã A, ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 1, 1), "Xã A, ngày 01 tháng 01 năm 2026"),
        (dt.date(2026, 11, 15), "Xã A, ngày 15 tháng 11 năm 2026"),
        (dt.date(2026, 3, 5), "Xã A, ngày 05 tháng 3 năm 2026"),
        (dt.date(2026, 9, 9), "Xã A, ngày 09 tháng 9 năm 2026"),
        (dt.date(2026, 12, 31), "Xã A, ngày 31 tháng 12 năm 2026"),
        (dt.date(2026, 10, 10), "Xã A, ngày 10 tháng 10 năm 2026"),
    ],
)
def test_place_date_line(day: dt.date, expected: str) -> None:
    assert place_date_line("Xã A", day) == expected


def test_only_january_and_february_are_padded() -> None:
    for month in range(1, 13):
        text = long_date(dt.date(2026, month, 20))
        expected = f"{month:02d}" if month <= 2 else str(month)
        assert text == f"ngày 20 tháng {expected} năm 2026"


def test_every_day_has_two_digits() -> None:
    for day in range(1, 32):
        assert long_date(dt.date(2026, 1, day)).startswith(f"ngày {day:02d} tháng")


def test_decomposed_place_becomes_nfc() -> None:
    place = unicodedata.normalize("NFD", "Xã Đông Hòa")
    line = place_date_line(place, dt.date(2026, 2, 5))
    assert line == "Xã Đông Hòa, ngày 05 tháng 02 năm 2026"
    assert unicodedata.is_normalized("NFC", line)


def test_place_whitespace_is_tidied() -> None:
    assert place_date_line("  Xã   A ", dt.date(2026, 2, 5)) == "Xã A, ngày 05 tháng 02 năm 2026"


def test_without_place_starts_with_capital() -> None:
    assert place_date_line("", dt.date(2026, 2, 5)) == "Ngày 05 tháng 02 năm 2026"


# Reading typed dates: the message names what is wrong ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/02/2026", dt.date(2026, 2, 5)),
        ("5-2-2026", dt.date(2026, 2, 5)),
        ("5.2.2026", dt.date(2026, 2, 5)),
        (" 29/02/2024 ", dt.date(2024, 2, 29)),
        ("2026-02-05", dt.date(2026, 2, 5)),
    ],
)
def test_parse_day_reads_what_staff_type(text: str, expected: dt.date) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("31/02/1990", "There is no 31 February."),
        ("31/04/2026", "There is no 31 April."),
        ("32/01/2026", "There is no 32 January."),
        ("00/03/2026", "There is no 0 March."),
        ("29/02/2023", "2023 is not a leap year: there is no 29 February."),
        ("12/13/2026", "There is no month 13: months go from 1 to 12."),
        ("2026-02-30", "There is no 30 February."),
    ],
)
def test_a_day_that_does_not_exist_is_named(text: str, english: str) -> None:
    with pytest.raises(DateError) as info:
        parse_day(text)
    assert not info.value.unreadable
    assert isinstance(info.value, ValueError)  # callers asking "is it a date?" still work
    set_language("en")
    try:
        assert user_error_text(info.value) == english
    finally:
        set_language(DEFAULT_LANGUAGE)


def test_the_month_sentence_is_one_per_month() -> None:
    # Each language writes day and month its own way ("không có ngày 31 tháng 2").
    assert len(set(NO_SUCH_DAY)) == 12
    with pytest.raises(DateError) as info:
        parse_day("31/02/1990")
    assert info.value.message == NO_SUCH_DAY[1]
    assert user_error_text(info.value) == tr(NO_SUCH_DAY[1], day=31)


@pytest.mark.parametrize("text", ["", "2026", "tomorrow", "5/2/26", "0000-01-01", "31/02"])
def test_text_that_is_not_a_date_asks_for_dd_mm_yyyy(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_day(text)
    assert info.value.unreadable
    assert info.value.message == UNREADABLE_DATE
