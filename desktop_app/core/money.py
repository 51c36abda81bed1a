"""Money in whole đồng: amounts in words for vouchers, and the "1.250.000 đ" screen form.

The words follow the reading accountants write on phiếu thu / phiếu chi:

- the number is read in groups of three digits (đơn vị, nghìn, triệu), and the part above a
  billion is read the same way and followed by "tỷ", so 10^12 is "một nghìn tỷ" and
  1,005 × 10^9 is "một nghìn không trăm linh năm tỷ";
- a group of three zeros is skipped entirely (1_000_500 -> "một triệu năm trăm");
- every group after the first one that is spoken is read in full, so a missing hundreds digit
  is said as "không trăm" (1_050_000 -> "một triệu không trăm năm mươi nghìn"): without it the
  words could be read back as a different number;
- a zero tens digit between hundreds and units is "linh" (or "lẻ" in the South);
- the units digit changes its word after a tens digit: 1 is "mốt" after 2-9 tens ("hai mươi
  mốt") but "một" after "mười" or "linh"; 5 is "lăm" after any tens ("mười lăm", "hai mươi
  lăm") but "năm" after "linh"; 4 is "tư" after 2-9 tens ("hai mươi tư") but "bốn" otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import product

__all__ = [
    "DEFAULT_STYLE",
    "THOUSAND_WORDS",
    "ZERO_TENS_WORDS",
    "Money",
    "WordsStyle",
    "amount_in_words",
    "format_amount",
    "format_vnd",
    "is_amount_in_words",
    "parse_vnd",
]

THOUSAND_WORDS = ("nghìn", "ngàn")
ZERO_TENS_WORDS = ("linh", "lẻ")

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 1_000_000_000


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class WordsStyle:
    """The regional spelling of amounts in words.

    `thousand` is "nghìn" (North, standard) or "ngàn" (South); `zero_tens` is "linh" or "lẻ";
    `even` appends "chẵn" after the currency, as many offices write on round amounts.
    """

    thousand: str = "nghìn"
    zero_tens: str = "linh"
    even: bool = False

    def __post_init__(self) -> None:
        # Settings files and Unikey may hand us decomposed text; compare and print composed.
        thousand = _nfc(self.thousand.strip())
        zero_tens = _nfc(self.zero_tens.strip())
        if thousand not in THOUSAND_WORDS:
            raise ValueError(f"thousand must be one of {THOUSAND_WORDS}, not {self.thousand!r}")
        if zero_tens not in ZERO_TENS_WORDS:
            raise ValueError(f"zero_tens must be one of {ZERO_TENS_WORDS}, not {self.zero_tens!r}")
        object.__setattr__(self, "thousand", thousand)
        object.__setattr__(self, "zero_tens", zero_tens)


DEFAULT_STYLE = WordsStyle()


def _units_word(tens: int, units: int) -> str:
    if units == 1 and tens >= 2:
        return "mốt"
    if units == 4 and tens >= 2:
        return "tư"
    if units == 5 and tens >= 1:
        return "lăm"
    return _DIGITS[units]


def _group_words(group: int, full: bool, style: WordsStyle) -> list[str]:
    """Words for 1..999; `full` says "không trăm" and the zero-tens word a leading group omits."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append(style.zero_tens)
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        words.append(_units_word(tens, units))
    return words


def _below_billion(n: int, leading: bool, style: WordsStyle) -> list[str]:
    words: list[str] = []
    for scale, name in ((1_000_000, "triệu"), (1_000, style.thousand), (1, "")):
        group = n // scale % 1000
        if not group:
            continue
        words += _group_words(group, not leading, style)
        if name:
            words.append(name)
        leading = False
    return words


def _number_words(n: int, leading: bool, style: WordsStyle) -> list[str]:
    # Recursing on "tỷ" rather than adding names for 10^12, 10^15 ... is how the amounts are
    # said: "một nghìn tỷ", "hai triệu tỷ", and it has no upper limit.
    billions, rest = divmod(n, _BILLION)
    words: list[str] = []
    if billions:
        words += [*_number_words(billions, leading, style), "tỷ"]
        leading = False
    if rest:
        words += _below_billion(rest, leading, style)
    return words


def amount_in_words(
    amount: int,
    *,
    thousand: str = "nghìn",
    zero_tens: str = "linh",
    even: bool = False,
    currency: str = "đồng",
    style: WordsStyle | None = None,
) -> str:
    """The amount as written on a voucher: 1_250_000 -> "Một triệu hai trăm năm mươi nghìn đồng".

    Give either `style` or the separate `thousand`, `zero_tens` and `even` settings.
    `currency` may be "" for a bare number in words. Negative amounts raise ValueError.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be a whole number of đồng, not {amount!r}")
    if amount < 0:
        raise ValueError(f"an amount in words cannot be negative: {amount}")
    if style is None:
        style = WordsStyle(thousand=thousand, zero_tens=zero_tens, even=even)
    elif (thousand, zero_tens, even) != ("nghìn", "linh", False):
        raise TypeError("give either style= or thousand=/zero_tens=/even=, not both")
    words = _number_words(amount, True, style) or [_DIGITS[0]]
    currency = _nfc(" ".join(currency.split()))
    if currency:
        words.append(currency)
        if style.even:
            words.append("chẵn")
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _words_key(words: str) -> str:
    return " ".join(_nfc(words).split())


# Every spelling a voucher may legitimately carry for one amount: 2 × 2 × 2 styles.
_ALL_STYLES = tuple(
    WordsStyle(thousand=t, zero_tens=z, even=e)
    for t, z, e in product(THOUSAND_WORDS, ZERO_TENS_WORDS, (False, True))
)


def is_amount_in_words(amount: int, words: str, *, currency: str = "đồng") -> bool:
    """Whether `words` spells `amount` in one of the accepted styles.

    Documents check this before printing so that a voucher can never show one amount in figures
    and another in words.
    """
    if amount < 0:
        return False
    key = _words_key(words)
    return any(
        key == amount_in_words(amount, currency=currency, style=style) for style in _ALL_STYLES
    )


class Money(int):
    """An amount in đồng given as a message parameter: the message shows it in the reader's
    language ("1.250.000 đ", "1,250,000 VND"), which core cannot know when it builds it."""

    __slots__ = ()


def format_amount(amount: int) -> str:
    """Digits grouped by dots, without the currency: 1250000 -> "1.250.000" (table cells)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be a whole number of đồng, not {amount!r}")
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"-{grouped}" if amount < 0 else grouped


def format_vnd(amount: int) -> str:
    """The amount as shown on screens and vouchers: 1250000 -> "1.250.000 đ"."""
    return f"{format_amount(amount)} đ"


# One separator used consistently, groups of exactly three after the first: "1.250.000",
# "1,250,000", "1 250 000". A lone "1.25" or "1,5" is a decimal, and money has no decimals.
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:(?P<sep>[., ])[0-9]{3})(?:(?P=sep)[0-9]{3})*")
_PLAIN = re.compile(r"[0-9]+")
_CURRENCY = re.compile(r"\s*(?:đ|đồng|₫|vnd|vnđ)\Z", re.IGNORECASE)


def parse_vnd(text: str) -> int:
    """Read an amount typed by a person: "1.250.000", "1 250 000", "1250000", "1.250.000 đ",
    "1,250,000" (also "đồng", "₫", "VND" after it, and a leading minus).

    Raises ValueError on anything else, decimals included: money is whole đồng.
    """
    # NFKC turns full-width digits (some input methods type them) and no-break spaces (Excel
    # and babel put them between groups) into their plain forms.
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split())
    body = _CURRENCY.sub("", cleaned).strip()
    negative = body.startswith(("-", "\u2212"))
    if negative:
        body = body[1:].lstrip()
    if _PLAIN.fullmatch(body) or _GROUPED.fullmatch(body):
        value = int(re.sub(r"[., ]", "", body))
        return -value if negative else value
    raise ValueError(f"not an amount of money in đồng: {text!r}")
