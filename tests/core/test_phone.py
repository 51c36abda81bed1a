from __future__ import annotations

import pytest

from desktop_app.core.phone import format_phone, normalise_phone, validate_phone


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("0321234567", "0321234567"),
        ("0561234567", "0561234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        ("(024) 3826 1234", "02438261234"),
        ("0283 822 1234", "02838221234"),
        ("+84 24 3826 1234", "02438261234"),
    ],
)
def test_valid_numbers(typed: str, digits: str) -> None:
    assert normalise_phone(typed) == digits
    assert validate_phone(typed) == []


@pytest.mark.parametrize(
    "typed",
    [
        "091234567",  # 9 digits
        "09123456789",  # mobile prefix, 11 digits
        "0612345678",  # 06 is not a mobile prefix
        "0112345678",
        "0243826123",  # landline, 10 digits
        "01662345678",  # old 11-digit mobile
        "0912 345 67a",
        "+1 555 123 4567",
        "()",
    ],
)
def test_invalid_numbers(typed: str) -> None:
    assert normalise_phone(typed) is None
    problems = validate_phone(typed)
    assert len(problems) == 1
    assert problems[0].field == "phone"
    problems[0].message.format(**problems[0].params)


def test_empty_is_fine_because_the_phone_is_optional() -> None:
    assert normalise_phone("") == ""
    assert normalise_phone("   ") == ""
    assert validate_phone("") == []


def test_old_eleven_digit_mobiles_get_their_own_advice() -> None:
    (problem,) = validate_phone("0166 234 5678")
    assert "2018" in problem.message


def test_wrong_characters_are_named() -> None:
    (problem,) = validate_phone("0912 345 67a")
    assert problem.params == {"characters": "a"}


def test_wrong_length_message_says_what_was_typed() -> None:
    (problem,) = validate_phone("091234567")
    assert problem.params == {"count": 9, "start": "09"}


def test_format_mobile_and_landline() -> None:
    assert format_phone("0912345678") == "0912 345 678"
    assert format_phone("02438261234") == "0243 826 1234"


def test_format_leaves_anything_else_alone() -> None:
    assert format_phone("12345") == "12345"
    assert format_phone("") == ""


def test_format_of_normalised_number_round_trips() -> None:
    for typed in ["+84 912 345 678", "(024) 3826 1234"]:
        digits = normalise_phone(typed)
        assert digits is not None
        assert normalise_phone(format_phone(digits)) == digits
