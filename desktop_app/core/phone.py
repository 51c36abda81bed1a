"""Vietnamese phone numbers: what people type, the digits we store, the way we print them."""

from __future__ import annotations

from desktop_app.core.problems import N_, Problem

__all__ = ["format_phone", "normalise_phone", "validate_phone"]

_GROUPING = str.maketrans("", "", " \t\n\r\xa0.-‐‑–—()/")
_MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
_LANDLINE_PREFIX = "02"
_MOBILE_LENGTH = 10
_LANDLINE_LENGTH = 11


def _national_digits(text: str) -> str:
    """The typed number without grouping, written with the national leading 0 when it can be.

    May still contain characters that are not digits; the caller decides what that means.
    """
    digits = text.translate(_GROUPING)
    for prefix in ("+84", "0084"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    else:
        # A bare 84 is the country code only when what follows has the length of a national
        # number without its 0; no national number starts with 8 (they all start with 0).
        if digits.startswith("84") and len(digits) in (_MOBILE_LENGTH + 1, _LANDLINE_LENGTH + 1):
            digits = digits[2:]
        else:
            return digits
    # "+84 (0)912..." is common: the 0 may already be there.
    return digits if digits.startswith("0") else "0" + digits


def _is_valid(digits: str) -> bool:
    if not digits.isascii() or not digits.isdigit():
        return False
    if len(digits) == _MOBILE_LENGTH:
        return digits.startswith(_MOBILE_PREFIXES)
    return len(digits) == _LANDLINE_LENGTH and digits.startswith(_LANDLINE_PREFIX)


def normalise_phone(text: str) -> str | None:
    """The digits of a Vietnamese mobile or landline number, or None when it is not one.

    Accepts spaces, dots, dashes, brackets and a +84, 0084 or 84 prefix. An empty text gives ""
    (the phone is optional).
    """
    if not text.strip():
        return ""
    digits = _national_digits(text)
    return digits if _is_valid(digits) else None


def format_phone(digits: str) -> str:
    """Screen and print form: "0912 345 678" for mobiles, "0243 826 1234" for landlines.

    Anything that is not a normalised number is returned as it is, so old data still shows.
    """
    if not _is_valid(digits):
        return digits
    # 4-3-3 for mobiles and 4-3-4 for landlines: the same cuts, the landline is one digit longer.
    return f"{digits[:4]} {digits[4:7]} {digits[7:]}"


def validate_phone(text: str) -> list[Problem]:
    """Problems with a typed phone number; none when it is empty or a valid Vietnamese number."""
    if normalise_phone(text) is not None:
        return []
    # A leading + of another country code is not a wrong character: the number is foreign.
    digits = _national_digits(text).removeprefix("+")
    wrong = sorted({ch for ch in digits if not ("0" <= ch <= "9")})
    if wrong:
        return [
            Problem(
                "phone",
                N_(
                    "A phone number may contain only digits, spaces, dots, dashes, brackets "
                    "and a leading +84; remove {characters}."
                ),
                {"characters": " ".join(wrong)},
            )
        ]
    if not digits:
        return [
            Problem(
                "phone",
                N_("The phone number has no digits; type the number or leave the field empty."),
            )
        ]
    if len(digits) == _LANDLINE_LENGTH and digits.startswith("01"):
        return [
            Problem(
                "phone",
                N_(
                    "Mobile numbers of 11 digits starting with 01 were changed to 10 digits in "
                    "2018; type the new number, which starts with 03, 05, 07, 08 or 09."
                ),
            )
        ]
    return [
        Problem(
            "phone",
            N_(
                "This is not a Vietnamese phone number: a mobile number has 10 digits and "
                "starts with 03, 05, 07, 08 or 09, a landline has 11 digits and starts with 02. "
                "You typed {count} digits starting with {start}."
            ),
            {"count": len(digits), "start": digits[:2]},
        )
    ]
