from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from desktop_app.core.dates import long_date, place_date_line


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
