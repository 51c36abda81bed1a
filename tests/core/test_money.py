"""Amounts in words and in figures, as they appear on phiếu thu / phiếu chi.

Every expected string below was written by hand from the reading rules, not produced by the
code under test. The property tests read the words back with an independent, strict parser
that also rejects wrong forms ("hai mươi một", "mười năm", a missing "không trăm").
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.money import (
    WordsStyle,
    amount_in_words,
    format_amount,
    format_vnd,
    is_amount_in_words,
    parse_vnd,
)

# --- the hand-checked table -------------------------------------------------------------------

STANDARD: list[tuple[int, str]] = [
    (0, "Không đồng"),
    (1, "Một đồng"),
    (2, "Hai đồng"),
    (3, "Ba đồng"),
    (4, "Bốn đồng"),
    (5, "Năm đồng"),
    (6, "Sáu đồng"),
    (7, "Bảy đồng"),
    (8, "Tám đồng"),
    (9, "Chín đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (19, "Mười chín đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (25, "Hai mươi lăm đồng"),
    (30, "Ba mươi đồng"),
    (41, "Bốn mươi mốt đồng"),
    (44, "Bốn mươi tư đồng"),
    (55, "Năm mươi lăm đồng"),
    (74, "Bảy mươi tư đồng"),
    (99, "Chín mươi chín đồng"),
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (104, "Một trăm linh bốn đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (111, "Một trăm mười một đồng"),
    (114, "Một trăm mười bốn đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (124, "Một trăm hai mươi tư đồng"),
    (125, "Một trăm hai mươi lăm đồng"),
    (200, "Hai trăm đồng"),
    (505, "Năm trăm linh năm đồng"),
    (555, "Năm trăm năm mươi lăm đồng"),
    (999, "Chín trăm chín mươi chín đồng"),
    (1_000, "Một nghìn đồng"),
    (1_001, "Một nghìn không trăm linh một đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (1_015, "Một nghìn không trăm mười lăm đồng"),
    (1_021, "Một nghìn không trăm hai mươi mốt đồng"),
    (1_100, "Một nghìn một trăm đồng"),
    (5_000, "Năm nghìn đồng"),
    (10_000, "Mười nghìn đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (25_500, "Hai mươi lăm nghìn năm trăm đồng"),
    (50_000, "Năm mươi nghìn đồng"),
    (100_000, "Một trăm nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (200_000, "Hai trăm nghìn đồng"),
    (500_000, "Năm trăm nghìn đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_000_500, "Một triệu năm trăm đồng"),
    (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
    (1_000_050, "Một triệu không trăm năm mươi đồng"),
    (1_000_001, "Một triệu không trăm linh một đồng"),
    (1_200_000, "Một triệu hai trăm nghìn đồng"),
    (2_500_000, "Hai triệu năm trăm nghìn đồng"),
    (15_000_000, "Mười lăm triệu đồng"),
    (21_000_000, "Hai mươi mốt triệu đồng"),
    (24_600_000, "Hai mươi tư triệu sáu trăm nghìn đồng"),
    (105_000_000, "Một trăm linh năm triệu đồng"),
    (
        999_999_999,
        "Chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
        "chín trăm chín mươi chín đồng",
    ),
    (1_000_000_000, "Một tỷ đồng"),
    (2_000_000_000, "Hai tỷ đồng"),
    (1_000_000_001, "Một tỷ không trăm linh một đồng"),
    (1_000_000_500, "Một tỷ năm trăm đồng"),
    (1_001_000_000, "Một tỷ không trăm linh một triệu đồng"),
    (1_500_000_000, "Một tỷ năm trăm triệu đồng"),
    (154_800_000_000, "Một trăm năm mươi tư tỷ tám trăm triệu đồng"),
    (420_936_000_000, "Bốn trăm hai mươi tỷ chín trăm ba mươi sáu triệu đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_005_000_000_000, "Một nghìn không trăm linh năm tỷ đồng"),
    (1_000_005_000_000, "Một nghìn tỷ không trăm linh năm triệu đồng"),
    (2_500_000_000_000, "Hai nghìn năm trăm tỷ đồng"),
    (
        999_999_999_999_999,
        "Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ "
        "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
        "chín trăm chín mươi chín đồng",
    ),
    (1_000_000_000_000_000, "Một triệu tỷ đồng"),
]

# (amount, thousand, zero_tens, even, expected)
REGIONAL: list[tuple[int, str, str, bool, str]] = [
    (1_250_000, "ngàn", "linh", False, "Một triệu hai trăm năm mươi ngàn đồng"),
    (105, "nghìn", "lẻ", False, "Một trăm lẻ năm đồng"),
    (104, "nghìn", "lẻ", False, "Một trăm lẻ bốn đồng"),
    (1_005_000, "ngàn", "lẻ", False, "Một triệu không trăm lẻ năm ngàn đồng"),
    (1_200_000, "nghìn", "linh", True, "Một triệu hai trăm nghìn đồng chẵn"),
    (0, "nghìn", "linh", True, "Không đồng chẵn"),
    (1_000_000_000_000, "ngàn", "linh", False, "Một ngàn tỷ đồng"),
    (2_004_000, "ngàn", "lẻ", True, "Hai triệu không trăm lẻ bốn ngàn đồng chẵn"),
    (1_000_000_001, "nghìn", "lẻ", True, "Một tỷ không trăm lẻ một đồng chẵn"),
    (21_500, "ngàn", "lẻ", True, "Hai mươi mốt ngàn năm trăm đồng chẵn"),
]


def test_table_is_big_enough() -> None:
    assert len(STANDARD) + len(REGIONAL) >= 60


@pytest.mark.parametrize(("amount", "expected"), STANDARD)
def test_standard_reading(amount: int, expected: str) -> None:
    assert amount_in_words(amount) == expected


@pytest.mark.parametrize(("amount", "thousand", "zero_tens", "even", "expected"), REGIONAL)
def test_regional_variants(
    amount: int, thousand: str, zero_tens: str, even: bool, expected: str
) -> None:
    assert amount_in_words(amount, thousand=thousand, zero_tens=zero_tens, even=even) == expected
    style = WordsStyle(thousand=thousand, zero_tens=zero_tens, even=even)
    assert amount_in_words(amount, style=style) == expected
    assert is_amount_in_words(amount, expected)


def test_style_object_and_currency() -> None:
    style = WordsStyle("ngàn", "lẻ", True)
    assert amount_in_words(1_050_000, style=style) == (
        "Một triệu không trăm năm mươi ngàn đồng chẵn"
    )
    assert amount_in_words(21, currency="") == "Hai mươi mốt"
    # "chẵn" belongs to the currency ("đồng chẵn"); a bare number never gets it.
    assert amount_in_words(21, currency="", even=True) == "Hai mươi mốt"


def test_style_accepts_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "lẻ")
    assert decomposed != "lẻ"
    style = WordsStyle(zero_tens=decomposed)
    assert style.zero_tens == "lẻ"
    assert amount_in_words(105, style=style) == "Một trăm lẻ năm đồng"


@pytest.mark.parametrize(
    ("thousand", "zero_tens"),
    [("nghin", "linh"), ("ngan", "linh"), ("nghìn", "le"), ("nghìn", ""), ("vạn", "linh")],
)
def test_unknown_spellings_are_refused(thousand: str, zero_tens: str) -> None:
    with pytest.raises(ValueError):
        WordsStyle(thousand=thousand, zero_tens=zero_tens)


def test_bad_amounts() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)
    with pytest.raises(TypeError):
        amount_in_words(True)
    with pytest.raises(TypeError):
        amount_in_words(12.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        amount_in_words(5, style=WordsStyle(), thousand="ngàn")


def test_is_amount_in_words() -> None:
    assert is_amount_in_words(1_250_000, "Một triệu hai trăm năm mươi nghìn đồng")
    assert is_amount_in_words(1_250_000, "Một triệu  hai trăm năm mươi ngàn đồng chẵn")
    assert not is_amount_in_words(1_250_000, "Một triệu hai trăm nghìn đồng")
    assert not is_amount_in_words(-5, "Năm đồng")


# --- figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0 đ"),
        (5, "5 đ"),
        (999, "999 đ"),
        (1_000, "1.000 đ"),
        (1_250_000, "1.250.000 đ"),
        (1_000_000_000, "1.000.000.000 đ"),
        (-50_000, "-50.000 đ"),
    ],
)
def test_format_vnd(amount: int, expected: str) -> None:
    assert format_vnd(amount) == expected
    assert format_amount(amount) == expected.removesuffix(" đ")


@pytest.mark.parametrize(
    "text",
    [
        "1.250.000",
        "1 250 000",
        "1250000",
        "1.250.000 đ",
        "1,250,000",
        "1.250.000đ",
        "1.250.000 đồng",
        "1.250.000 ₫",
        "1.250.000 VND",
        "1.250.000 VNĐ",
        " 1.250.000 ",
        "1\u00a0250\u00a0000",  # no-break spaces, as Excel and babel write them
        "1\u202f250\u202f000 đ",
        "１２５００００",  # full-width digits from some input methods
    ],
)
def test_parse_vnd_accepts(text: str) -> None:
    assert parse_vnd(text) == 1_250_000


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "đ",
        "abc",
        "1.250,000",  # mixed separators
        "1,250.000",
        "1.25",  # a decimal, not a grouping
        "1,5",
        "1.250.000,00",
        "12.50",
        "1.2500",
        "1..250",
        ".250",
        "1.250.",
        "01.250",
        "1 250.000",
        "1 000 đ đ",
        "$1,000",
        "1e6",
        "١٢٣",  # Arabic-Indic digits are not what anyone types for đồng
        "1250000 USD",
        "--5",
    ],
)
def test_parse_vnd_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_vnd(text)


def test_parse_vnd_small_and_negative() -> None:
    assert parse_vnd("0") == 0
    assert parse_vnd("0 đ") == 0
    assert parse_vnd("1.000") == 1000
    assert parse_vnd("-50.000 đ") == -50_000


# --- an independent reader of the words -------------------------------------------------------

_DIGIT = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
}
_PLAIN_UNITS = {w: d for w, d in _DIGIT.items() if d}
# After "mười": 5 is lăm; 1 and 4 keep their plain words.
_AFTER_MUOI = {**{w: d for w, d in _PLAIN_UNITS.items() if d != 5}, "lăm": 5}
# After "hai mươi" ... "chín mươi": 1 is mốt, 4 is tư, 5 is lăm.
_AFTER_MUOI_TENS = {
    **{w: d for w, d in _PLAIN_UNITS.items() if d not in (1, 4, 5)},
    "mốt": 1,
    "tư": 4,
    "lăm": 5,
}
_SCALES = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000}
_ZERO_TENS = ("linh", "lẻ")


class NotAReading(Exception):
    pass


def _group(words: list[str], i: int, leading: bool) -> tuple[int, int]:
    """One group of up to three digits starting at words[i]; strict about the forms."""

    def at(k: int) -> str | None:
        return words[k] if k < len(words) else None

    value = 0
    has_hundreds = at(i + 1) == "trăm"
    if has_hundreds:
        if at(i) not in _DIGIT:
            raise NotAReading(f"bad hundreds digit {at(i)!r}")
        value = _DIGIT[words[i]] * 100
        i += 2
    elif not leading:
        raise NotAReading("a group after the first must be read with its hundreds")
    tens: int | None = None
    word = at(i)
    if word == "mười":
        tens, i = 1, i + 1
    elif word in _DIGIT and _DIGIT[word] >= 2 and at(i + 1) == "mươi":
        tens, i = _DIGIT[word], i + 2
    elif word in _ZERO_TENS:
        if not has_hundreds:
            raise NotAReading("linh/lẻ without hundreds")
        tens, i = 0, i + 1
    if tens:
        value += tens * 10
    if tens is None:
        units = {} if has_hundreds else _PLAIN_UNITS
    elif tens == 0:
        units = _PLAIN_UNITS
    elif tens == 1:
        units = _AFTER_MUOI
    else:
        units = _AFTER_MUOI_TENS
    word = at(i)
    if word in units:
        value += units[word]
        i += 1
    elif tens == 0:
        raise NotAReading("linh/lẻ must be followed by a units digit")
    if value == 0:
        raise NotAReading("a group of zeros is never read")
    return value, i


def _below_billion(words: list[str], leading: bool) -> int:
    """Groups with "triệu" and "nghìn", each at most once and in that order."""
    if not words:
        raise NotAReading("empty")
    value, i, last_scale = 0, 0, 1_000_000_000
    while i < len(words):
        group, i = _group(words, i, leading)
        leading = False
        scale = 1
        if i < len(words):
            if words[i] not in _SCALES:
                raise NotAReading(f"unexpected {words[i]!r}")
            scale = _SCALES[words[i]]
            i += 1
        if scale >= last_scale or (scale == 1 and i < len(words)):
            raise NotAReading("scales out of order")
        last_scale = scale
        value += group * scale
    return value


def _number(words: list[str], leading: bool) -> int:
    # The part under a billion never says "tỷ", so the last "tỷ" splits the number in two and
    # what comes before it is itself a number (of billions).
    if "tỷ" not in words:
        return _below_billion(words, leading)
    k = len(words) - 1 - words[::-1].index("tỷ")
    billions = _number(words[:k], leading)
    rest = words[k + 1 :]
    return billions * 1_000_000_000 + (_below_billion(rest, False) if rest else 0)


def words_to_number(text: str) -> int:
    words = text.split()
    if not words or words[0] != words[0].capitalize():
        raise NotAReading("must start with a capital")
    words[0] = words[0].lower()
    if words[-1] == "chẵn":
        words.pop()
    if not words or words.pop() != "đồng":
        raise NotAReading("must end with đồng")
    if words == ["không"]:
        return 0
    return _number(words, True)


def test_reader_rejects_wrong_forms() -> None:
    for wrong in (
        "Hai mươi một đồng",
        "Mười năm đồng",
        "Hai mươi bốn đồng",
        "Một trăm linh lăm đồng",
        "Một trăm năm đồng",
        "Một triệu năm mươi nghìn đồng",
        "Một triệu không trăm nghìn đồng",
        "một đồng",
        "Một nghìn",
        "Tỷ đồng",
        "Một nghìn một triệu đồng",
        "Một tỷ đồng tỷ",
    ):
        with pytest.raises(NotAReading):
            words_to_number(wrong)


@pytest.mark.parametrize(("amount", "expected"), STANDARD)
def test_reader_reads_the_table(amount: int, expected: str) -> None:
    assert words_to_number(expected) == amount


# --- properties -------------------------------------------------------------------------------

_interesting_group = st.sampled_from(
    [0, 0, 0, 1, 4, 5, 10, 11, 14, 15, 20, 21, 24, 25, 100, 101, 104, 105, 110, 115, 999]
)
_group_values = st.one_of(_interesting_group, st.integers(0, 999))
# Amounts built group by group, so runs of zero groups and "không trăm" come up often.
amounts = st.one_of(
    st.integers(0, 10**18),
    st.lists(_group_values, min_size=1, max_size=7).map(
        lambda groups: sum(g * 1000**k for k, g in enumerate(groups))
    ),
)
styles = st.builds(
    WordsStyle,
    thousand=st.sampled_from(["nghìn", "ngàn"]),
    zero_tens=st.sampled_from(["linh", "lẻ"]),
    even=st.booleans(),
)


@given(amounts, styles)
def test_words_shape_and_round_trip(amount: int, style: WordsStyle) -> None:
    words = amount_in_words(amount, style=style)
    assert "  " not in words
    assert words == words.strip()
    assert words[0].isupper() and words[1:] == words[1:].lower()
    assert words.endswith("đồng chẵn" if style.even else "đồng")
    assert unicodedata.is_normalized("NFC", words)
    assert words_to_number(words) == amount
    other = "ngàn" if style.thousand == "nghìn" else "nghìn"
    assert other not in words.split()


@given(st.integers(-(10**18), 10**18))
def test_figures_round_trip(amount: int) -> None:
    shown = format_vnd(amount)
    assert parse_vnd(shown) == amount
    assert parse_vnd(format_amount(amount)) == amount
    assert parse_vnd(format_amount(amount).replace(".", ",")) == amount
    assert parse_vnd(format_amount(amount).replace(".", " ")) == amount
    assert parse_vnd(str(amount)) == amount
