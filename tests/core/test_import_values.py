"""One spreadsheet cell read as a birth, a day, a sex, a tick, money, a CCCD or phone number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core import dates, import_values
from desktop_app.core.dates import DateError
from desktop_app.core.import_values import (
    parse_amount,
    parse_birth,
    parse_cccd,
    parse_day_cell,
    parse_mark,
    parse_phone,
    parse_sex,
    parse_text,
)
from desktop_app.core.people import Birth
from desktop_app.core.problems import UserError
from desktop_app.core.sex import Sex
from desktop_app.core.sheet_table import Cell

TODAY = dt.date(2026, 5, 1)


def _msgids() -> set[str]:
    """Every message the parsers may raise: the module-level msgids of import_values and dates."""
    found: set[str] = set()
    for module in (import_values, dates):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                found.add(value)
            elif name.isupper() and isinstance(value, tuple):
                found.update(v for v in value if isinstance(v, str))
    return found


MSGIDS = _msgids()


def _refused(parse: Callable[[Cell], object], cell: Cell) -> UserError:
    with pytest.raises(UserError) as caught:
        parse(cell)
    error = caught.value
    # A msgid, not a message with the value already in it: the value goes in the params.
    assert error.message in MSGIDS, error.message
    return error


def birth(cell: Cell) -> Birth | None:
    return parse_birth(cell, today=TODAY)


def day(cell: Cell) -> dt.date | None:
    return parse_day_cell(cell, today=TODAY)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(1985, 2, 5), Birth(1985, 2, 5)),
        (dt.datetime(1985, 2, 5, 0, 0), Birth(1985, 2, 5)),
        (31083.0, Birth(1985, 2, 5)),  # the serial number of 05/02/1985
        (31083, Birth(1985, 2, 5)),
        (31083.75, Birth(1985, 2, 5)),  # a serial with a time of day
        (59.0, Birth(1900, 2, 28)),
        (61.0, Birth(1900, 3, 1)),  # after the 29/02/1900 Excel invented
        (1.0, Birth(1900, 1, 1)),
        (1985.0, Birth(1985)),  # a year, not the serial of a day in 1905
        (1985, Birth(1985)),
        (2100, Birth(2100)),
        ("05/02/1985", Birth(1985, 2, 5)),
        ("5/2/1985", Birth(1985, 2, 5)),
        ("05-02-1985", Birth(1985, 2, 5)),
        ("05.02.1985", Birth(1985, 2, 5)),
        (" 05 / 02 / 1985 ", Birth(1985, 2, 5)),
        ("1985-02-05", Birth(1985, 2, 5)),
        ("1985-02-05 00:00:00", Birth(1985, 2, 5)),
        ("05/02/1985 00:00", Birth(1985, 2, 5)),
        ("1985", Birth(1985)),
        (" 1985 ", Birth(1985)),
        ("１９８５", Birth(1985)),  # full-width digits
        ("5/2/85", Birth(1985, 2, 5)),
        ("05/02/00", Birth(2000, 2, 5)),
        ("5/2/26", Birth(2026, 2, 5)),  # this year's two digits: this century
        ("5/2/27", Birth(1927, 2, 5)),  # above them: the last century
        ("29/02/24", Birth(2024, 2, 29)),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_birth_styles(cell: Cell, expected: Birth | None) -> None:
    assert birth(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["abc", "32/01/1985", "05/13/1985", "29/02/1985", "29/02/23", "1985/02", "5/2", True, 0, 60,
     -3.0, 80001.0, float("nan"), float("inf"), dt.time(8, 30), dt.timedelta(days=3), "1e5"],
)  # fmt: skip
def test_wrong_births_are_refused_with_a_msgid(cell: Cell) -> None:
    error = _refused(birth, cell)
    assert isinstance(error, DateError)


def test_a_birth_that_does_not_exist_says_which_day() -> None:
    error = _refused(birth, "31/02/1985")
    assert error.message == dates.NO_SUCH_DAY[1]
    assert error.params == {"day": 31}
    assert _refused(birth, "29/02/85").params == {"year": 1985}


def test_two_digit_years_follow_today() -> None:
    assert parse_birth("5/2/30", today=dt.date(2031, 1, 1)) == Birth(2030, 2, 5)
    assert parse_birth("5/2/30", today=dt.date(2029, 1, 1)) == Birth(1930, 2, 5)
    assert parse_birth("5/2/99", today=dt.date(2099, 6, 1)) == Birth(2099, 2, 5)
    # Without `today`, the real today: a birth is never in the future.
    born = parse_birth("01/01/" + f"{(dt.date.today().year + 1) % 100:02d}")
    assert born is not None and born.year <= dt.date.today().year


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2026, 3, 5), dt.date(2026, 3, 5)),
        (dt.datetime(2026, 3, 5, 14, 30), dt.date(2026, 3, 5)),
        (46086.0, dt.date(2026, 3, 5)),
        ("05/03/2026", dt.date(2026, 3, 5)),
        ("5-3-2026", dt.date(2026, 3, 5)),
        ("5.3.2026", dt.date(2026, 3, 5)),
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("5/3/26", dt.date(2026, 3, 5)),
        ("5/3/46", dt.date(2046, 3, 5)),  # a day may be ahead: up to 20 years
        ("5/3/47", dt.date(1947, 3, 5)),
        ("5/3/95", dt.date(1995, 3, 5)),
        (None, None),
        (" ", None),
    ],
)
def test_day_styles(cell: Cell, expected: dt.date | None) -> None:
    assert day(cell) == expected


@pytest.mark.parametrize("cell", ["2026", 2026.0, 2026, "abc", "31/04/2026", True, 0.0, 60])
def test_a_day_needs_the_whole_date(cell: Cell) -> None:
    error = _refused(day, cell)
    assert isinstance(error, DateError)


def test_a_year_in_a_day_column_says_so() -> None:
    error = _refused(day, 2026.0)
    assert error.message == import_values.NOT_A_FULL_DAY
    assert error.params == {"value": "2026"}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Nam", Sex.MALE),
        ("nam", Sex.MALE),
        ("NAM", Sex.MALE),
        ("Nữ", Sex.FEMALE),
        ("nữ", Sex.FEMALE),
        ("NỮ", Sex.FEMALE),
        ("Nu", Sex.FEMALE),
        ("nư", Sex.FEMALE),  # a mark typed wrong
        ("Nữ giới", Sex.FEMALE),
        ("Nam giới", Sex.MALE),
        ("M", Sex.MALE),
        ("f", Sex.FEMALE),
        ("Male", Sex.MALE),
        ("female", Sex.FEMALE),
        (1, Sex.MALE),
        (1.0, Sex.MALE),
        ("1", Sex.MALE),
        (0, Sex.FEMALE),
        (0.0, Sex.FEMALE),
        ("0", Sex.FEMALE),
        (2, Sex.FEMALE),  # ISO/IEC 5218
        (None, None),
        ("", None),
        (" ", None),
    ],
)
def test_sex_styles(cell: Cell, expected: Sex | None) -> None:
    assert parse_sex(cell) == expected


def test_a_sheet_that_writes_one_for_women() -> None:
    assert parse_sex(1, one=Sex.FEMALE) is Sex.FEMALE
    assert parse_sex("0", one=Sex.FEMALE) is Sex.MALE
    assert parse_sex("Nam", one=Sex.FEMALE) is Sex.MALE
    _refused(lambda cell: parse_sex(cell, one=Sex.FEMALE), 2)


@pytest.mark.parametrize("cell", ["x", "Ông bà", "3", 3, 1.5, True, dt.date(1985, 1, 1), "Nam Nữ"])
def test_wrong_sexes_are_refused(cell: Cell) -> None:
    error = _refused(parse_sex, cell)
    assert error.message == import_values.NOT_A_SEX


@pytest.mark.parametrize(
    "cell",
    ["x", "X", " x ", 1, 1.0, "1", "có", "Có", "co", "CÓ MẶT", "✓", "✔", "☑", True, "TRUE",
     "true", "yes", "+", 1985.0, "1985", dt.date(1985, 2, 5), "05/02/1985"],
)  # fmt: skip
def test_ticks(cell: Cell) -> None:
    assert parse_mark(cell) is True


@pytest.mark.parametrize(
    "cell",
    [None, "", " ", 0, 0.0, "0", "không", "Không", "khong", "-", False, "FALSE", "vắng", "P"],
)
def test_no_ticks(cell: Cell) -> None:
    assert parse_mark(cell) is False


def test_v_is_refused_because_it_may_mean_absent() -> None:
    for cell in ("v", "V"):
        error = _refused(parse_mark, cell)
        assert error.message == import_values.AMBIGUOUS_V


@pytest.mark.parametrize("cell", ["abc", 3, 2.5, "??", dt.time(8, 0)])
def test_wrong_ticks_are_refused(cell: Cell) -> None:
    assert _refused(parse_mark, cell).message == import_values.NOT_A_MARK


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1250000, 1_250_000),
        (1250000.0, 1_250_000),
        (1250000.0000000002, 1_250_000),  # float noise from a sum in Excel
        ("1250000", 1_250_000),
        ("1.250.000", 1_250_000),
        ("1,250,000", 1_250_000),
        ("1 250 000", 1_250_000),
        ("1\xa0250\xa0000", 1_250_000),
        ("1.250.000 đ", 1_250_000),
        ("1.250.000đ", 1_250_000),
        ("1250000đ", 1_250_000),
        ("1.250.000 đồng", 1_250_000),
        ("1.250.000 VND", 1_250_000),
        ("1.250.000,00", 1_250_000),
        ("1,250,000.00", 1_250_000),
        ("1250000.00", 1_250_000),
        ("1.250.000,00 đ", 1_250_000),
        (0, 0),
        (999_999_999_999_999, 999_999_999_999_999),
    ],
)
def test_amount_styles(cell: Cell, expected: int) -> None:
    assert parse_amount(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (None, import_values.EMPTY_AMOUNT),
        ("  ", import_values.EMPTY_AMOUNT),
        (-5, import_values.NEGATIVE_AMOUNT),
        (-5.0, import_values.NEGATIVE_AMOUNT),
        ("-1.000", import_values.NEGATIVE_AMOUNT),
        (1250000.5, import_values.FRACTION_AMOUNT),
        ("1,5", import_values.FRACTION_AMOUNT),
        ("1250000.50", import_values.FRACTION_AMOUNT),
        (10**15, import_values.TOO_LARGE_AMOUNT),
        (1e16, import_values.TOO_LARGE_AMOUNT),
        ("abc", import_values.NOT_AN_AMOUNT),
        ("1.25.000", import_values.NOT_AN_AMOUNT),
        ("1.250.000.00", import_values.NOT_AN_AMOUNT),
        (True, import_values.NOT_AN_AMOUNT),
        (float("nan"), import_values.NOT_AN_AMOUNT),
        (dt.date(2026, 1, 1), import_values.NOT_AN_AMOUNT),
    ],
)
def test_wrong_amounts_are_refused(cell: Cell, message: str) -> None:
    assert _refused(parse_amount, cell).message == message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1234567890.0, "001234567890"),  # Hà Nội, leading zeros lost in a number column
        (12345678901.0, "012345678901"),
        (1234567890, "001234567890"),
        (79190012345.0, "079190012345"),
        (379190012345.0, "379190012345"),
        (12345678.0, "012345678"),  # an old CMND of Hà Nội
        (123456789.0, "123456789"),
        ("001234567890", "001234567890"),
        ("001 234 567 890", "001234567890"),
        ("001.234.567.890", "001234567890"),
        ("'001234567890", "001234567890"),
        ("123456789", "123456789"),  # a CMND as text keeps its 9 digits
        ("12345678", "12345678"),
        (None, ""),
        ("", ""),
    ],
)
def test_cccd_styles(cell: Cell, expected: str) -> None:
    assert parse_cccd(cell) == expected


@pytest.mark.parametrize("cell", ["1.23457E+11", "1,23457e+11", "1E+11"])
def test_a_cccd_excel_rounded_is_refused(cell: Cell) -> None:
    assert _refused(parse_cccd, cell).message == import_values.LOST_DIGITS


@pytest.mark.parametrize("cell", [1.5, -1234567890.0, True, dt.date(2020, 1, 1), float("inf")])
def test_a_cccd_that_cannot_be_a_number_is_refused(cell: Cell) -> None:
    assert _refused(parse_cccd, cell).message == import_values.NOT_A_NUMBER


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (912345678.0, "0912345678"),
        (912345678, "0912345678"),
        (355123456.0, "0355123456"),
        (2438261234.0, "02438261234"),  # a landline
        (84912345678.0, "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("'0912345678", "0912345678"),
        # Not a Vietnamese number: kept as typed for the person form's message.
        ("12345", "12345"),
        ("abc", "abc"),
        (123.0, "123"),
        (None, ""),
        ("", ""),
    ],
)
def test_phone_styles(cell: Cell, expected: str) -> None:
    assert parse_phone(cell) == expected


@pytest.mark.parametrize("cell", [912345678.5, True, dt.date(2020, 1, 1), -912345678.0])
def test_a_phone_that_cannot_be_a_number_is_refused(cell: Cell) -> None:
    assert _refused(parse_phone, cell).message == import_values.NOT_A_NUMBER


def test_a_phone_excel_rounded_is_refused() -> None:
    assert _refused(parse_phone, "9.12346E+08").message == import_values.LOST_DIGITS


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Nguyễn   Văn\tAn ", "Nguyễn Văn An"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # NFD
        (12.0, "12"),
        (12, "12"),
        (1.5, "1.5"),
        (dt.date(2020, 1, 2), "02/01/2020"),
        (dt.datetime(2020, 1, 2, 8, 30), "02/01/2020"),
        (None, ""),
        ("", ""),
    ],
)
def test_text(cell: Cell, expected: str) -> None:
    assert parse_text(cell) == expected


_CELLS = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.from_regex(r"\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\s*", fullmatch=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)
_PARSERS: list[Callable[[Cell], object]] = [
    birth,
    day,
    parse_sex,
    parse_mark,
    parse_amount,
    parse_cccd,
    parse_phone,
    parse_text,
]


@settings(max_examples=500, deadline=None)
@given(cell=_CELLS)
def test_parsers_raise_only_user_errors_with_msgids(cell: Cell) -> None:
    for parse in _PARSERS:
        try:
            parse(cell)
        except UserError as e:
            assert e.message in MSGIDS, (parse, cell, e.message)


@settings(max_examples=200, deadline=None)
@given(when=st.dates(min_value=dt.date(1906, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_serials_and_written_dates_agree(when: dt.date) -> None:
    # (The serials of late 1904 and 1905, 1800 to 2100, are read as years.)
    serial = (when - dt.date(1899, 12, 30)).days
    assert day(float(serial)) == when
    assert day(when.strftime("%d/%m/%Y")) == when
    assert day(when.strftime("%d.%m.%Y")) == when
    assert birth(when.strftime("%d-%m-%Y")) == Birth(when.year, when.month, when.day)
