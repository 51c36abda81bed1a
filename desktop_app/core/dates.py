"""Dates the way Vietnamese official documents write them (Decree 30/2020, Appendix I)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from desktop_app.core.problems import N_, UserError

# The years a centre's records can be about: a year typed outside them is a typo (99999 does
# not even fit Python's dates).
FIRST_YEAR = 1900
LAST_YEAR = 2100


def check_year(year: int) -> int:
    """`year`, or a UserError for a year no record can have."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(
            N_("{year} is not a year from {first} to {last}."),
            {"year": str(year)[:30], "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return year


def _day(day: int) -> str:
    # Days 1-9 get a leading zero so nobody can turn "ngày 5" into "ngày 15" with one stroke.
    return f"{day:02d}"


def _month(month: int) -> str:
    # Only January and February are padded: "tháng 1"/"tháng 2" could be turned into 11 or 12,
    # while 3-9 have no two-digit month to become. The decree asks for exactly this.
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(day: dt.date) -> str:
    """'ngày 05 tháng 02 năm 2026', as written in running text and decision references."""
    return f"ngày {_day(day.day)} tháng {_month(day.month)} năm {day.year:04d}"


def place_date_line(place: str, day: dt.date) -> str:
    """The place-and-date line under the motto: 'Xã A, ngày 05 tháng 02 năm 2026'.

    Without a place the line starts with a capital: 'Ngày 05 tháng 02 năm 2026'.
    """
    # Staff type with Unikey in composed or decomposed form; PDFs need composed (NFC) text.
    place = unicodedata.normalize("NFC", " ".join(place.split()))
    when = long_date(day)
    if not place:
        return when[0].upper() + when[1:]
    return f"{place}, {when}"
