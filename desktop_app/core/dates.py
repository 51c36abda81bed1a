"""Dates the way Vietnamese official documents write them (Decree 30/2020, Appendix I)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
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


# What staff type: '07/03/2026', '7-3-2026', '7.3.2026', or ISO '2026-03-07'.
_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")

UNREADABLE_DATE = N_("Type the date as dd/mm/yyyy, e.g. 05/02/2026.")
NO_SUCH_MONTH = N_("There is no month {month}: months go from 1 to 12.")
NOT_A_LEAP_YEAR = N_("{year} is not a leap year: there is no 29 February.")
# One sentence per month, so that each language can write the day and the month its own way
# ("there is no 31 February", "không có ngày 31 tháng 2").
NO_SUCH_DAY = (
    N_("There is no {day} January."),
    N_("There is no {day} February."),
    N_("There is no {day} March."),
    N_("There is no {day} April."),
    N_("There is no {day} May."),
    N_("There is no {day} June."),
    N_("There is no {day} July."),
    N_("There is no {day} August."),
    N_("There is no {day} September."),
    N_("There is no {day} October."),
    N_("There is no {day} November."),
    N_("There is no {day} December."),
)


class DateError(UserError, ValueError):
    """A typed date that cannot be read or does not exist; the message says which.

    A ValueError too, so callers that only ask "is this a date?" keep working.
    """

    @property
    def unreadable(self) -> bool:
        """The text is not written like a date at all (rather than naming a day that is not)."""
        return self.message == UNREADABLE_DATE


def check_day(year: int, month: int, day: int) -> dt.date:
    """The date, or a DateError that names what does not exist (31/02, 13th month)."""
    if not 1 <= month <= 12:
        raise DateError(NO_SUCH_MONTH, {"month": month})
    if day < 1 or (day > 28 and day > calendar.monthrange(year, month)[1]):
        if month == 2 and day == 29:
            raise DateError(NOT_A_LEAP_YEAR, {"year": year})
        raise DateError(NO_SUCH_DAY[month - 1], {"day": day})
    return dt.date(year, month, day)


def parse_day(text: str) -> dt.date:
    """A day as staff type it: '05/02/2026', '5-2-2026', '5.2.2026' or '2026-02-05'.

    Raises DateError saying what is wrong: not written as a date, or a day that does not
    exist ("there is no 31 February").
    """
    if m := _DMY.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _ISO.match(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise DateError(UNREADABLE_DATE)
    if year < dt.MINYEAR:
        raise DateError(UNREADABLE_DATE)
    return check_day(year, month, day)


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
