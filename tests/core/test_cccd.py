from __future__ import annotations

import pytest

from desktop_app.core.cccd import (
    PROVINCE_CODES,
    cccd_century_digit,
    mask_cccd,
    normalise_cccd,
    validate_cccd,
)
from desktop_app.core.problems import Problem
from desktop_app.core.sex import Sex

# 001: Hà Nội, 079: Hồ Chí Minh; 4th digit century-and-sex; 5th-6th the year.
MAN_1985 = "001085012345"
WOMAN_1990 = "079190001234"
MAN_2005 = "038205006789"
WOMAN_2010 = "001310000001"


def fields(problems: list[Problem]) -> set[str]:
    return {p.field for p in problems}


@pytest.mark.parametrize(
    ("number", "sex", "year"),
    [
        (MAN_1985, Sex.MALE, 1985),
        (WOMAN_1990, Sex.FEMALE, 1990),
        (MAN_2005, Sex.MALE, 2005),
        (WOMAN_2010, Sex.FEMALE, 2010),
    ],
)
def test_valid_numbers(number: str, sex: Sex, year: int) -> None:
    assert validate_cccd(number, sex, year) == []


def test_valid_number_with_unknown_sex_and_year() -> None:
    assert validate_cccd(MAN_1985, None, None) == []


def test_empty_number_is_fine_because_it_is_optional() -> None:
    assert validate_cccd("", Sex.MALE, 1985) == []
    assert validate_cccd("  ", None, None) == []


def test_grouping_typed_by_people_is_ignored() -> None:
    assert normalise_cccd(" 001 085.012-345 ") == MAN_1985
    assert validate_cccd("001 085 012 345", Sex.MALE, 1985) == []


@pytest.mark.parametrize("number", ["00108501234", "0010850123456", "1"])
def test_wrong_length(number: str) -> None:
    problems = validate_cccd(number, Sex.MALE, 1985)
    assert len(problems) == 1
    assert problems[0].field == "cccd"
    assert problems[0].params == {"count": len(number)}
    assert "12 digits" in problems[0].message
    assert "{count}" in problems[0].message


def test_letters_are_named_in_the_message() -> None:
    problems = validate_cccd("00108501234A", Sex.MALE, 1985)
    assert len(problems) == 1
    assert problems[0].params == {"characters": "A"}
    assert "{characters}" in problems[0].message


def test_unknown_province_code() -> None:
    problems = validate_cccd("003085012345", Sex.MALE, 1985)
    assert len(problems) == 1
    assert problems[0].params == {"code": "003"}
    assert "003" not in PROVINCE_CODES


def test_century_digit_for_a_woman_on_a_man() -> None:
    problems = validate_cccd("001185012345", Sex.MALE, 1985)
    assert len(problems) == 1
    assert problems[0].params == {"digit": 1}
    assert "woman" in problems[0].message


def test_century_digit_for_a_man_on_a_woman() -> None:
    problems = validate_cccd(MAN_1985, Sex.FEMALE, 1985)
    assert len(problems) == 1
    assert "recorded as a woman" in problems[0].message


def test_century_digit_disagrees_with_birth_year() -> None:
    problems = validate_cccd("001205012345", Sex.MALE, 1905)
    assert len(problems) == 1
    assert problems[0].params == {
        "digit": 2,
        "first_year": 2000,
        "last_year": 2099,
        "year": 1905,
    }


def test_year_digits_disagree_with_birth_year() -> None:
    problems = validate_cccd(MAN_1985, Sex.MALE, 1986)
    assert len(problems) == 1
    assert problems[0].params == {"digits": "85", "expected": "86"}


def test_several_problems_are_reported_together() -> None:
    problems = validate_cccd("999285012345", Sex.FEMALE, 1986)
    assert fields(problems) == {"cccd"}
    assert len(problems) == 4


def test_every_message_is_a_msgid_with_its_placeholders_filled_by_params() -> None:
    cases = [
        ("0010850123", Sex.MALE, 1985),
        ("00108501234x", Sex.MALE, 1985),
        ("999185012345", Sex.MALE, 2000),
    ]
    for number, sex, year in cases:
        for problem in validate_cccd(number, sex, year):
            problem.message.format(**problem.params)  # no placeholder left without a value


@pytest.mark.parametrize(
    ("sex", "year", "digit"),
    [
        (Sex.MALE, 1900, "0"),
        (Sex.FEMALE, 1999, "1"),
        (Sex.MALE, 2000, "2"),
        (Sex.FEMALE, 2024, "3"),
        (Sex.MALE, 2100, "4"),
        (Sex.FEMALE, 2200, "7"),
        (Sex.MALE, 2399, "8"),
        (Sex.FEMALE, 2300, "9"),
    ],
)
def test_century_digit(sex: Sex, year: int, digit: str) -> None:
    assert cccd_century_digit(sex, year) == digit


@pytest.mark.parametrize("year", [1899, 2400])
def test_century_digit_outside_the_scheme(year: int) -> None:
    with pytest.raises(ValueError):
        cccd_century_digit(Sex.MALE, year)


def test_mask_keeps_the_first_four_and_last_four_digits() -> None:
    assert mask_cccd("001085001234") == "0010****1234"
    assert mask_cccd("001 085 001 234") == "0010****1234"
    assert mask_cccd("") == ""
    assert mask_cccd("12345678") == "********"
