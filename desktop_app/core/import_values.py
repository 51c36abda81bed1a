"""One spreadsheet cell read as the value a field needs: a birth, a day, a sex, a tick, money.

Cells come as documents.sheet_reader gives them (core.sheet_table.Cell): real Excel dates as
date/datetime, numbers as float (whole ones too), text as str, empty as None. Each parser
accepts every way a centre's lists write the value and raises a UserError (a DateError for
dates) whose msgid says what is wrong and what to type. CCCD and phone numbers are only put in
shape here; whether they are valid is for core.people.validate_person to say, with the same
messages as the person form.

Two-digit years ("05/02/85"): a birth is never in the future, so a birth's yy is 20yy when it is
at most this year's last two digits and 19yy otherwise (in 2026: "26" -> 2026, "27" -> 1927).
Other days (a session, a fund entry, the day a member joined) may be a little ahead, so their yy
is 20yy up to this year's two digits plus 20 (in 2026: "46" -> 2046, "47" -> 1947).

Sex as a number: 1 is Nam (male) and 0 is Nữ (female). That is what Vietnamese school and
personnel software exports for "Giới tính" (a "GioiTinh" flag 1 = Nam, 0 = Nữ) and what ISO/IEC
5218 gives 1; 2, the ISO code for female, is read as Nữ too. A sheet written the other way round
is read with parse_sex(cell, one=Sex.FEMALE). A column headed "Nữ" with 1 in it is a tick
column (sheet_table's female_mark, read with parse_mark), so 1 there means female.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from desktop_app.core.cccd import normalise_cccd
from desktop_app.core.dates import UNREADABLE_DATE, DateError, check_day, parse_day
from desktop_app.core.fund import MAX_AMOUNT
from desktop_app.core.money import parse_vnd
from desktop_app.core.people import Birth
from desktop_app.core.phone import normalise_phone
from desktop_app.core.problems import N_, UserError
from desktop_app.core.sex import Sex
from desktop_app.core.sheet_table import Cell, header_text
from desktop_app.core.text import fold, nfc

__all__ = [
    "parse_amount",
    "parse_birth",
    "parse_cccd",
    "parse_day_cell",
    "parse_mark",
    "parse_phone",
    "parse_sex",
    "parse_text",
]

# Messages shared with the person form (already translated) where the meaning is the same.
UNREADABLE_BIRTH = N_("Type the birth date as dd/mm/yyyy (e.g. 07/03/1985) or only the year.")
UNREADABLE_DAY = UNREADABLE_DATE
NOT_A_FULL_DAY = N_("“{value}” is only a year: type the whole date as dd/mm/yyyy, e.g. 05/02/2026.")
NOT_A_SEX = N_("“{value}” is not a sex: type Nam or Nữ (M or F, 1 for Nam and 0 for Nữ also work).")
NOT_A_MARK = N_(
    "“{value}” is not a tick: type x (or 1, có, ✓) for yes and leave the cell empty (or 0) for no."
)
AMBIGUOUS_V = N_(
    "“{value}” may mean a tick or “vắng” (absent): replace it with x for present and leave the "
    "cell empty for absent."
)
EMPTY_AMOUNT = N_("The amount is empty: type it in đồng, e.g. 1.250.000.")
NOT_AN_AMOUNT = N_("“{value}” is not an amount in đồng: type it as 1250000 or 1.250.000.")
NEGATIVE_AMOUNT = N_("The amount {value} is negative: type it without the minus sign.")
FRACTION_AMOUNT = N_(
    "The amount {value} has a fraction of a đồng: type a whole number of đồng, e.g. 1.250.000."
)
TOO_LARGE_AMOUNT = N_("The amount is too large; check the digits.")
NOT_A_NUMBER = N_("“{value}” is not a number made of digits: type the number as it is written.")
LOST_DIGITS = N_(
    "“{value}” lost its last digits in Excel (it was shown as a rounded number). Format the "
    "column as Text in Excel, type the numbers again, and import the file again."
)

# Serial numbers of the 1900 date system: 1 is 1 January 1900. Excel counts a 29 February 1900
# that never was (serial 60), so serials from 61 on are one day ahead of a plain count.
_SERIAL_MIN = 1
_SERIAL_MAX = 80_000  # 2119: past any date a centre's list can hold
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FAKE_LEAP_DAY = 60

# A year alone, as text or as a number: a 4-digit whole number is a year, never a serial.
_YEAR_MIN = 1800
_YEAR_MAX = 2100

_SHORT_YEAR = re.compile(r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2})\s*")
_YEAR_TEXT = re.compile(r"\s*(\d{4})\s*")
# Some exports write Excel dates as text with their time: "1985-03-07 00:00:00".
_WITH_TIME = re.compile(
    r"\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*"
)
_BIRTH_WINDOW_AHEAD = 0
_DAY_WINDOW_AHEAD = 20


def _shown(cell: Cell) -> str:
    # The cell as the user sees it, for messages (kept short: a message is one line).
    return header_text(cell)[:40]


def _whole(value: float) -> int | None:
    """The whole number a float is, or None (NaN, infinite or with a fraction)."""
    if not math.isfinite(value) or not value.is_integer():
        return None
    return int(value)


def _from_serial(serial: int) -> dt.date | None:
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX or serial == _FAKE_LEAP_DAY:
        return None
    if serial < _FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + dt.timedelta(days=serial + 1)
    return _EXCEL_EPOCH + dt.timedelta(days=serial)


def _full_year(two_digits: int, today: dt.date, ahead: int) -> int:
    """The year in the hundred years that end `ahead` years after today's."""
    last = today.year + ahead
    year = today.year // 100 * 100 + two_digits
    if year > last:
        return year - 100
    if year <= last - 100:
        return year + 100
    return year


def _text_day(text: str, today: dt.date, ahead: int, unreadable: str) -> dt.date:
    """A day written as text, or a DateError (`unreadable` when it is not written as a date)."""
    if m := _WITH_TIME.fullmatch(text):
        text = m.group(1)
    if m := _SHORT_YEAR.fullmatch(text):
        day, month = int(m.group(1)), int(m.group(2))
        return check_day(_full_year(int(m.group(3)), today, ahead), month, day)
    try:
        return parse_day(text)
    except DateError as e:
        if e.unreadable:
            raise DateError(unreadable, {"value": text[:40]}) from None
        raise


def _nfkc(text: str) -> str:
    # Full-width digits and odd spaces, which some input methods type, read as plain ones.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def parse_birth(cell: Cell, *, today: dt.date | None = None) -> Birth | None:
    """A birth date or a birth year alone; None for an empty cell.

    Reads real Excel dates, the 1900-system serial numbers Excel shows when a date column lost
    its format (1 to 80000), a 4-digit whole number 1800-2100 as a year (not as a serial of
    1904-1905), and text: dd/mm/yyyy, d/m/yy (see the module's note on two-digit years),
    dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd or "1985". Whether the birth is plausible (not in the
    future, not before 1890) is for validate_person.
    """
    if cell is None:
        return None
    if isinstance(cell, bool | dt.time | dt.timedelta):
        raise DateError(UNREADABLE_BIRTH, {"value": _shown(cell)})
    if isinstance(cell, dt.date):  # a datetime is a date too
        return Birth(cell.year, cell.month, cell.day)
    if isinstance(cell, int | float):
        number = _whole(float(cell)) if isinstance(cell, float) else cell
        if number is not None and _YEAR_MIN <= number <= _YEAR_MAX:
            return Birth(number)
        # A serial with a time of day (a datetime stored as a number) keeps its day.
        serial = math.floor(cell) if isinstance(cell, float) and math.isfinite(cell) else number
        day = _from_serial(serial) if serial is not None else None
        if day is None:
            raise DateError(UNREADABLE_BIRTH, {"value": _shown(cell)})
        return Birth(day.year, day.month, day.day)
    text = _nfkc(cell)
    if not text:
        return None
    if m := _YEAR_TEXT.fullmatch(text):
        return Birth(int(m.group(1)))
    day = _text_day(text, today or dt.date.today(), _BIRTH_WINDOW_AHEAD, UNREADABLE_BIRTH)
    return Birth(day.year, day.month, day.day)


def parse_day_cell(cell: Cell, *, today: dt.date | None = None) -> dt.date | None:
    """A whole date (a session, a fund entry, the day a member joined); None for an empty cell.

    The same styles as parse_birth, but a year alone is refused: these records need the day.
    """
    if cell is None:
        return None
    if isinstance(cell, bool | dt.time | dt.timedelta):
        raise DateError(UNREADABLE_DAY, {"value": _shown(cell)})
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float):
        number = _whole(float(cell)) if isinstance(cell, float) else cell
        if number is not None and _YEAR_MIN <= number <= _YEAR_MAX:
            raise DateError(NOT_A_FULL_DAY, {"value": str(number)})
        serial = math.floor(cell) if isinstance(cell, float) and math.isfinite(cell) else number
        day = _from_serial(serial) if serial is not None else None
        if day is None:
            raise DateError(UNREADABLE_DAY, {"value": _shown(cell)})
        return day
    text = _nfkc(cell)
    if not text:
        return None
    if _YEAR_TEXT.fullmatch(text):
        raise DateError(NOT_A_FULL_DAY, {"value": text})
    return _text_day(text, today or dt.date.today(), _DAY_WINDOW_AHEAD, UNREADABLE_DAY)


_MALE_WORDS = frozenset({"nam", "nam gioi", "trai", "ong", "m", "male", "man", "boy"})
_FEMALE_WORDS = frozenset({"nu", "nu gioi", "gai", "ba", "f", "female", "woman", "girl"})


def parse_sex(cell: Cell, *, one: Sex = Sex.MALE) -> Sex | None:
    """Nam / Nữ in any case and with or without marks, M / F, male / female, or a number:
    1 is `one` (Nam unless the sheet says otherwise) and 0 the other; 2 is Nữ (ISO/IEC 5218)
    when 1 is Nam. None for an empty cell."""
    if cell is None:
        return None
    other = Sex.FEMALE if one is Sex.MALE else Sex.MALE
    number: int | None = None
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise UserError(NOT_A_SEX, {"value": _shown(cell)})
    if isinstance(cell, int | float):
        number = _whole(float(cell))
    else:
        folded = fold(cell)
        if not folded:
            return None
        if folded in _MALE_WORDS:
            return Sex.MALE
        if folded in _FEMALE_WORDS:
            return Sex.FEMALE
        if folded.isdigit() and len(folded) == 1:
            number = int(folded)
    if number == 1:
        return one
    if number == 0:
        return other
    if number == 2 and one is Sex.MALE:
        return Sex.FEMALE
    raise UserError(NOT_A_SEX, {"value": _shown(cell)})


# Ticks as people type them; fold() drops the symbols, so those are looked up before folding.
_YES_SYMBOLS = frozenset("✓✔☑✗✘☒+•●")
_YES_WORDS = frozenset({"x", "1", "co", "co mat", "true", "yes", "y", "ok", "dat", "roi"})
_NO_WORDS = frozenset({"0", "khong", "k", "no", "n", "false", "vang", "kp", "p"})
_NO_SYMBOLS = frozenset({"-", "–", "—", "_"})
# "v" is a tick for some and "vắng" (absent) for others: the only answer that cannot be wrong is
# to ask.
_AMBIGUOUS = frozenset({"v"})


def parse_mark(cell: Cell) -> bool:
    """Whether a tick column is ticked: x, X, 1, có, ✓, ✔, TRUE -> True; empty, 0, không, -,
    vắng, P/K (absent with or without leave) -> False.

    A year or a date counts as a tick: lists headed "Năm sinh" over "Nam" | "Nữ" write the
    birth year in the column of the person's sex (read that cell with parse_birth as well).
    "v" is refused: it means a tick in some lists and "vắng" (absent) in others.
    """
    if cell is None:
        return False
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, dt.date):
        return True
    if isinstance(cell, int | float):
        number = _whole(float(cell))
        if number in (0, 1):
            return number == 1
        if number is not None and _YEAR_MIN <= number <= _YEAR_MAX:
            return True
        raise UserError(NOT_A_MARK, {"value": _shown(cell)})
    if not isinstance(cell, str):
        raise UserError(NOT_A_MARK, {"value": _shown(cell)})
    text = _nfkc(cell)
    if not text:
        return False
    if text in _YES_SYMBOLS:
        return True
    if text in _NO_SYMBOLS:
        return False
    folded = fold(text)
    if folded in _YES_WORDS:
        return True
    if folded in _NO_WORDS:
        return False
    if folded in _AMBIGUOUS:
        raise UserError(AMBIGUOUS_V, {"value": text})
    if _YEAR_TEXT.fullmatch(text):
        if _YEAR_MIN <= int(text) <= _YEAR_MAX:
            return True
    else:
        try:
            _text_day(text, dt.date.today(), _DAY_WINDOW_AHEAD, NOT_A_MARK)
        except DateError:
            pass
        else:
            return True
    raise UserError(NOT_A_MARK, {"value": text[:40]})


# Accounting exports write "1.250.000,00" or "1,250,000.00": zero decimals after the other
# separator are no fraction of a đồng.
_ZERO_DECIMALS = re.compile(r"(?P<number>.*\d)(?P<sep>[.,])00?(?P<tail>\D*)")


def parse_amount(cell: Cell) -> int:
    """Whole đồng from a number (1250000, 1250000.0) or a text ("1.250.000", "1,250,000",
    "1 250 000", "1.250.000 đ", "1250000đ", "1.250.000,00").

    Refuses an empty cell (the caller skips optional amounts before asking), negatives,
    fractions of a đồng and amounts over 999,999,999,999,999.
    """
    if cell is None:
        raise UserError(EMPTY_AMOUNT)
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise UserError(NOT_AN_AMOUNT, {"value": _shown(cell)})
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise UserError(NOT_AN_AMOUNT, {"value": _shown(cell)})
        value = round(cell)
        # Sums and products in Excel leave float noise ("1250000.0000000002"); a real
        # fraction of a đồng is far bigger than that.
        if abs(cell - value) > 1e-4:
            raise UserError(FRACTION_AMOUNT, {"value": _shown(cell)})
    elif isinstance(cell, int):
        value = cell
    else:
        text = _nfkc(cell)
        if not text:
            raise UserError(EMPTY_AMOUNT)
        if (m := _ZERO_DECIMALS.fullmatch(text)) and m.group("sep") not in m.group("number"):
            text = m.group("number") + m.group("tail")
        try:
            value = parse_vnd(text)
        except ValueError:
            if re.fullmatch(r"-?\d+[.,]\d{1,2}\s*\D*", text):
                raise UserError(FRACTION_AMOUNT, {"value": text[:40]}) from None
            raise UserError(NOT_AN_AMOUNT, {"value": text[:40]}) from None
    if value < 0:
        raise UserError(NEGATIVE_AMOUNT, {"value": _shown(cell)})
    if value > MAX_AMOUNT:
        raise UserError(TOO_LARGE_AMOUNT)
    return value


_SCIENTIFIC = re.compile(r"\s*\d(?:[.,]\d+)?\s*e\s*\+?\s*\d+\s*", re.IGNORECASE)
_CCCD_LENGTH = 12
_CMND_LENGTH = 9


def _number_digits(cell: int | float) -> str:
    number = _whole(float(cell)) if isinstance(cell, float) else cell
    if number is None or number < 0:
        raise UserError(NOT_A_NUMBER, {"value": _shown(cell)})
    return str(number)


def parse_cccd(cell: Cell) -> str:
    """The CCCD (or old CMND) number's digits; "" for an empty cell.

    A number column drops leading zeros (every CCCD of Hà Nội starts with 001, every old CMND of
    Hà Nội with 01), so a number of 10 or 11 digits is padded back to the CCCD's 12 and one of 8
    to the CMND's 9. A 9-digit number is left alone: no CCCD starts with 000 (there is no such
    province code), so it is a CMND. Text is kept as typed, less spaces, dots and dashes. A
    number Excel showed rounded ("1.23457E+11") has lost digits and is refused. Whether the
    number is valid is for validate_person.
    """
    if cell is None:
        return ""
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise UserError(NOT_A_NUMBER, {"value": _shown(cell)})
    if isinstance(cell, int | float):
        digits = _number_digits(cell)
        if len(digits) in (_CCCD_LENGTH - 2, _CCCD_LENGTH - 1):
            return digits.zfill(_CCCD_LENGTH)
        if len(digits) == _CMND_LENGTH - 1:
            return digits.zfill(_CMND_LENGTH)
        return digits
    text = _nfkc(cell)
    if _SCIENTIFIC.fullmatch(text):
        raise UserError(LOST_DIGITS, {"value": text[:40]})
    # A leading apostrophe is how Excel users force text; CSV exports keep it.
    return normalise_cccd(text.lstrip("'"))


def parse_text(cell: Cell) -> str:
    """Any cell as text: NFC, trimmed, inner whitespace collapsed; whole numbers without ".0",
    dates as dd/mm/yyyy; "" for an empty cell."""
    return nfc(header_text(cell))


_MOBILE_FIRST_DIGITS = "35789"
_MOBILE_WITHOUT_ZERO = 9
_LANDLINE_WITHOUT_ZERO = 10


def parse_phone(cell: Cell) -> str:
    """The phone number's digits (0912345678) when it is a Vietnamese number, else the text as
    typed so that validate_person names the problem; "" for an empty cell.

    A number column drops the leading 0: 912345678.0 is 0912345678, 2438261234 is 02438261234.
    """
    if cell is None:
        return ""
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise UserError(NOT_A_NUMBER, {"value": _shown(cell)})
    if isinstance(cell, int | float):
        text = _number_digits(cell)
        if (len(text) == _MOBILE_WITHOUT_ZERO and text[0] in _MOBILE_FIRST_DIGITS) or (
            len(text) == _LANDLINE_WITHOUT_ZERO and text[0] == "2"
        ):
            text = "0" + text
    else:
        text = nfc(cell).lstrip("'")
        if _SCIENTIFIC.fullmatch(text):
            raise UserError(LOST_DIGITS, {"value": text[:40]})
    return normalise_phone(text) or text
