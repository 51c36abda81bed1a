"""The 12-digit citizen identity number (số định danh cá nhân, on the CCCD card)."""

from __future__ import annotations

from desktop_app.core.problems import N_, Problem
from desktop_app.core.sex import Sex

__all__ = [
    "PROVINCE_CODES",
    "cccd_century_digit",
    "mask_cccd",
    "normalise_cccd",
    "validate_cccd",
]

# First three digits: the province where the birth was registered, in the card scheme's codes.
# These are the 63 pre-2025 province codes; cards issued before the 2025 merger keep them and
# remain valid, so the merger does not change which codes are valid.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip

_DIGIT_RUN_SEPARATORS = str.maketrans("", "", " \t\n\r\xa0.-‐‑–—")

# Fourth digit: the birth century and sex. 1900s men 0, women 1; 2000s 2 and 3; and so on.
_FIRST_CENTURY = 1900
_LAST_CENTURY = 2300


def normalise_cccd(text: str) -> str:
    """The number without the spaces, dots and dashes people type to group its digits."""
    return text.translate(_DIGIT_RUN_SEPARATORS)


def cccd_century_digit(sex: Sex, birth_year: int) -> str:
    """The 4th digit a CCCD number has for this sex and birth year (1900 to 2399).

    Raises ValueError for a year the scheme has no digit for.
    """
    century = birth_year // 100 * 100
    if not _FIRST_CENTURY <= century <= _LAST_CENTURY:
        raise ValueError(f"no CCCD century digit for the year {birth_year}")
    return str((century - _FIRST_CENTURY) // 100 * 2 + (1 if sex is Sex.FEMALE else 0))


def mask_cccd(number: str) -> str:
    """The number with all but its first 4 and last 4 digits hidden: "0010****1234".

    Used wherever a number is shown or printed to someone who does not need all of it. A number
    too short to keep 8 digits and still hide some is hidden entirely.
    """
    digits = normalise_cccd(number)
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def validate_cccd(number: str, sex: Sex | None, birth_year: int | None) -> list[Problem]:
    """Check a CCCD number (after normalise_cccd) against the scheme and the person's details.

    An empty number is fine: the number is optional. Sex and birth year are checked only when
    known; the digits for the year are checked only when the length and characters are right.
    """
    digits = normalise_cccd(number)
    if not digits:
        return []
    wrong = sorted({ch for ch in digits if ch not in "0123456789"})
    if wrong:
        return [
            Problem(
                "cccd",
                N_("The CCCD number may contain only digits; remove {characters}."),
                {"characters": " ".join(wrong)},
            )
        ]
    if len(digits) != 12:
        return [
            Problem(
                "cccd",
                N_(
                    "The CCCD number must have exactly 12 digits; you typed {count}. "
                    "Copy it again from the card."
                ),
                {"count": len(digits)},
            )
        ]
    problems: list[Problem] = []
    province = digits[:3]
    if province not in PROVINCE_CODES:
        problems.append(
            Problem(
                "cccd",
                N_(
                    "The CCCD number starts with {code}, which is not a province code; "
                    "check the first three digits against the card."
                ),
                {"code": province},
            )
        )
    century_digit = int(digits[3])
    if sex is not None and (century_digit % 2 == 1) != (sex is Sex.FEMALE):
        message = (
            N_(
                "The 4th digit of the CCCD number ({digit}) is the one for a woman, but the "
                "person is recorded as a man; check the number and the sex."
            )
            if century_digit % 2 == 1
            else N_(
                "The 4th digit of the CCCD number ({digit}) is the one for a man, but the "
                "person is recorded as a woman; check the number and the sex."
            )
        )
        problems.append(Problem("cccd", message, {"digit": century_digit}))
    if birth_year is not None and _FIRST_CENTURY <= birth_year < _LAST_CENTURY + 100:
        first_year = _FIRST_CENTURY + century_digit // 2 * 100
        if not first_year <= birth_year < first_year + 100:
            problems.append(
                Problem(
                    "cccd",
                    N_(
                        "The 4th digit of the CCCD number ({digit}) is for people born from "
                        "{first_year} to {last_year}, but the birth year is {year}; "
                        "check the number and the birth year."
                    ),
                    {
                        "digit": century_digit,
                        "first_year": first_year,
                        "last_year": first_year + 99,
                        "year": birth_year,
                    },
                )
            )
        expected = f"{birth_year % 100:02d}"
        if digits[4:6] != expected:
            problems.append(
                Problem(
                    "cccd",
                    N_(
                        "Digits 5 and 6 of the CCCD number ({digits}) should be the last two "
                        "digits of the birth year, {expected}; check the number and the "
                        "birth year."
                    ),
                    {"digits": digits[4:6], "expected": expected},
                )
            )
    return problems
