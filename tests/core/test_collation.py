from __future__ import annotations

import itertools
import random
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.collation import (
    COMPONENT_SEPARATOR,
    LEVEL_SEPARATOR,
    roster_sort_key,
    sort_key,
)

IcuKey = Callable[[str], bytes]


@pytest.fixture(scope="module")
def icu_key() -> IcuKey:
    icu = pytest.importorskip("icu")
    collator = icu.Collator.createInstance(icu.Locale("vi"))
    return collator.getSortKey  # type: ignore[no-any-return]


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def assert_strictly_increasing(words: list[str]) -> None:
    for a, b in itertools.pairwise(words):
        assert sort_key(a) < sort_key(b), f"{a!r} should sort before {b!r}"


# --- The order itself, readable without ICU -------------------------------------------------


def test_vietnamese_alphabet_order() -> None:
    assert_strictly_increasing(list("aăâbcdđeêghiklmnoôơpqrstuưvxy"))


def test_latin_letters_outside_the_alphabet_sort_in_latin_order() -> None:
    assert_strictly_increasing(["e", "ê", "f", "g", "i", "j", "k", "v", "w", "x", "y", "z"])


def test_tones_none_huyen_hoi_nga_sac_nang() -> None:
    assert_strictly_increasing(["a", "à", "ả", "ã", "á", "ạ"])
    assert_strictly_increasing(["ơ", "ờ", "ở", "ỡ", "ớ", "ợ"])


def test_letters_weigh_more_than_tones_over_the_whole_word() -> None:
    assert_strictly_increasing(["a", "à", "an", "ă"])
    assert_strictly_increasing(["Anh", "Ành", "Ánh", "Anha", "Ăn"])
    assert_strictly_increasing(["da", "dà", "dan", "đa"])


def test_lower_case_before_upper_case_only_when_all_else_is_equal() -> None:
    assert_strictly_increasing(["a", "A", "à", "À", "ab", "aB", "Ab"])


def test_d_and_d_with_stroke_are_different_letters() -> None:
    assert_strictly_increasing(["Dung", "Dũng", "Duy", "Đan", "Đặng", "Đức"])
    assert sort_key("Dũng") < sort_key("Đa")


def test_a_space_weighs_less_than_any_letter() -> None:
    assert_strictly_increasing(["Thị", "Thị Minh", "Thị-Minh", "Thị1", "Thịa", "Thịnh"])


def test_digits_sort_one_by_one_before_letters() -> None:
    assert_strictly_increasing(["1", "10", "2", "9", "a"])


def test_composed_and_decomposed_text_give_the_same_key() -> None:
    for word in ["Nguyễn Văn Đặng", "ặ", "Ỵ", "ư", "Thịnh"]:
        assert sort_key(nfd(word)) == sort_key(word)
    # Input methods put the tone before or after the circumflex; both are the same letter.
    assert sort_key("a\u0302\u0323") == sort_key("a\u0323\u0302") == sort_key("ậ")


def test_keys_are_short_ascii_without_nul_or_separators_inside_levels() -> None:
    key = sort_key("Nguyễn Thị Ngọc Ánh")
    assert key.isascii()
    assert "\x00" not in key
    assert COMPONENT_SEPARATOR not in key
    assert key.count(LEVEL_SEPARATOR) == 2
    assert len(key) < 3 * len("Nguyễn Thị Ngọc Ánh")


def test_empty_text_has_the_lowest_key() -> None:
    assert sort_key("") == ""
    assert sort_key("") < sort_key(" ") < sort_key("a")


def test_unknown_characters_still_give_a_usable_key() -> None:
    key = sort_key("Lý 李 ✓")
    assert "\x00" not in key
    assert sort_key("z") < sort_key("李")


def test_roster_sorts_by_given_then_middle_then_family() -> None:
    people = [
        ("Bình", "Văn", "Nguyễn"),
        ("An", "Văn", "Trần"),
        ("An", "Thị", "Lê"),
        ("An", "", "Phạm"),
        ("An", "Thị", "Đặng"),
        ("Ân", "", "Bùi"),
    ]
    people.sort(key=lambda p: roster_sort_key(*p))
    assert people == [
        ("An", "", "Phạm"),
        ("An", "Thị", "Đặng"),
        ("An", "Thị", "Lê"),
        ("An", "Văn", "Trần"),
        ("Ân", "", "Bùi"),
        ("Bình", "Văn", "Nguyễn"),
    ]


def test_roster_key_compares_components_like_a_tuple() -> None:
    # A plain join with spaces would get all of these wrong: a shorter component must win
    # whatever follows it.
    assert roster_sort_key("Anh", "", "Zô") < roster_sort_key("Anh", "Văn", "A")
    assert roster_sort_key("Anh", "Thị", "Z") < roster_sort_key("Anh", "Thị Minh", "A")
    assert roster_sort_key("Anh", "Z", "Z") < roster_sort_key("Anha", "A", "A")


# --- Agreement with ICU's Vietnamese collation ----------------------------------------------

ONSETS = [
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
]  # fmt: skip
NUCLEI = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ia", "iê", "yê", "ua", "uô",
    "ưa", "ươ", "oa", "oă", "oe", "uê", "uy", "uya", "uyê", "oo",
]  # fmt: skip
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u", "y"]
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def with_tone(nucleus: str, tone: str) -> str:
    # The tone goes on the vowel with a diacritic if there is one, else on the last vowel of the
    # nucleus; the exact placement rule does not matter for the comparison, only that it varies.
    index = max((i for i, ch in enumerate(nucleus) if ch in "ăâêôơư"), default=len(nucleus) - 1)
    return unicodedata.normalize("NFC", nucleus[: index + 1] + tone + nucleus[index + 1 :])


@st.composite
def syllables(draw: st.DrawFn) -> str:
    syllable = (
        draw(st.sampled_from(ONSETS))
        + with_tone(draw(st.sampled_from(NUCLEI)), draw(st.sampled_from(TONES)))
        + draw(st.sampled_from(CODAS))
    )
    case = draw(st.sampled_from(["lower", "title", "upper", "mixed"]))
    if case == "title":
        syllable = syllable.title()
    elif case == "upper":
        syllable = syllable.upper()
    elif case == "mixed":
        flips = draw(st.lists(st.booleans(), min_size=len(syllable), max_size=len(syllable)))
        syllable = "".join(c.upper() if f else c for c, f in zip(syllable, flips, strict=True))
    return syllable


@st.composite
def words(draw: st.DrawFn) -> str:
    parts = draw(st.lists(syllables(), min_size=1, max_size=3))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from([" ", " ", "", "-", "'", ".", " 1", "2 "])) + part
    return nfd(text) if draw(st.booleans()) else text


def icu_cmp(icu_key: IcuKey, a: str, b: str) -> int:
    ka, kb = icu_key(a), icu_key(b)
    return (ka > kb) - (ka < kb)


def our_cmp(a: str, b: str) -> int:
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


@settings(max_examples=2000)
@given(words(), words())
def test_sort_key_agrees_with_icu_on_pairs_of_vietnamese_words(
    icu_key: IcuKey, a: str, b: str
) -> None:
    assert our_cmp(a, b) == icu_cmp(icu_key, a, b), (a, b)


@settings(max_examples=300)
@given(st.lists(words(), min_size=2, max_size=30))
def test_sort_key_sorts_lists_like_icu(icu_key: IcuKey, items: list[str]) -> None:
    assert sorted(items, key=sort_key) == sorted(items, key=icu_key)


def test_sort_key_agrees_with_icu_on_every_toned_vowel_and_case(icu_key: IcuKey) -> None:
    letters = [
        with_tone(v, t) for v in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
        for t in TONES
    ] + ["d", "đ", "b", "g", "n", "h"]  # fmt: skip
    items = letters + [x.upper() for x in letters]
    items += [a + b for a in items[::7] for b in items[::5]]
    assert sorted(items, key=sort_key) == sorted(items, key=icu_key)


PRINTABLE = [chr(c) for c in range(0x20, 0x7F)] + list("’‘“”–—…·«»₫€°×÷§©®\xa0")


@settings(max_examples=1000)
@given(
    st.text(st.sampled_from(PRINTABLE + list("àăâđêôơưạấẫừỹĐƯÀ")), max_size=12),
    st.text(st.sampled_from(PRINTABLE + list("àăâđêôơưạấẫừỹĐƯÀ")), max_size=12),
)
def test_sort_key_agrees_with_icu_on_punctuation_digits_and_symbols(
    icu_key: IcuKey, a: str, b: str
) -> None:
    assert our_cmp(a, b) == icu_cmp(icu_key, a, b), (a, b)


FAMILY_NAMES = {
    "Nguyễn": 380, "Trần": 110, "Lê": 95, "Phạm": 70, "Hoàng": 51, "Huỳnh": 30, "Phan": 45,
    "Vũ": 39, "Võ": 30, "Đặng": 21, "Bùi": 20, "Đỗ": 14, "Hồ": 13, "Ngô": 13, "Dương": 10,
    "Lý": 5, "Đinh": 5, "Đào": 4, "Đoàn": 4, "Trương": 4, "Lâm": 3, "Mai": 3, "Trịnh": 3,
    "Cao": 2, "Lương": 2, "Hà": 2, "Tạ": 1, "Quách": 1, "Âu": 1, "Ông": 1, "Ưng": 1, "Ôn": 1,
    "Tôn Nữ": 1, "Tôn Thất": 1, "Y": 1, "Ksor": 1,
}  # fmt: skip
MIDDLE_NAMES = [
    "", "", "Văn", "Văn", "Thị", "Thị", "Thị", "Hữu", "Minh", "Ngọc", "Đức", "Thanh", "Quốc",
    "Xuân", "Thu", "Hoàng", "Anh", "Bảo", "Gia", "Kim", "Mỹ", "Như", "Phương", "Thành",
    "Công", "Đình", "Trọng", "Thị Ngọc", "Thị Minh", "Ngọc Bảo", "Văn Minh", "Diệu", "Đăng",
]  # fmt: skip
REAL_GIVEN_NAMES = [
    "An", "Ân", "Ẩn", "Anh", "Ánh", "Ảnh", "Bình", "Cúc", "Cường", "Dũng", "Dung", "Duy",
    "Dương", "Đạt", "Đào", "Dao", "Đông", "Dông", "Giang", "Hà", "Hạ", "Hải", "Hạnh", "Hằng",
    "Hiền", "Hiếu", "Hoa", "Hòa", "Hóa", "Hồng", "Huệ", "Hùng", "Hương", "Khánh", "Khoa",
    "Lan", "Liên", "Linh", "Loan", "Long", "Mai", "Minh", "My", "Mỹ", "Nam", "Nga", "Ngân",
    "Ngọc", "Nhung", "Oanh", "Phúc", "Phương", "Quân", "Quang", "Quỳnh", "Sơn", "Tâm",
    "Thắm", "Thảo", "Thanh", "Thành", "Thịnh", "Thu", "Thư", "Thủy", "Trang", "Trâm", "Trí",
    "Trung", "Tú", "Tuấn", "Tùng", "Uyên", "Ưu", "Vân", "Việt", "Vinh", "Vy", "Xuân", "Yến",
    "Ă", "Ơn", "Ớt", "H'Hen", "Niê", "Đ", "D",
]  # fmt: skip


def synthetic_given_names() -> list[str]:
    names: list[str] = []
    for base in ["anh", "an", "ân", "ăn", "ang", "uyên", "ương", "ơn", "inh", "y", "ê", "ô"]:
        for tone in TONES:
            toned = with_tone(base, tone)
            names.append(toned.title())
    return names


def realistic_people(count: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    families = list(FAMILY_NAMES)
    weights = list(FAMILY_NAMES.values())
    given_pool = REAL_GIVEN_NAMES + synthetic_given_names()
    people: list[tuple[str, str, str]] = []
    for _ in range(count):
        family = rng.choices(families, weights)[0]
        middle = rng.choice(MIDDLE_NAMES)
        given = rng.choice(given_pool)
        roll = rng.random()
        # Some names are typed in capitals or without capitals; ICU and we must both order those
        # right next to the properly written ones, lower case first.
        if roll < 0.05:
            family, middle, given = family.upper(), middle.upper(), given.upper()
        elif roll < 0.10:
            family, middle, given = family.lower(), middle.lower(), given.lower()
        elif roll < 0.12:
            given = nfd(given)
        people.append((given, middle, family))
    return people


def test_roster_order_of_realistic_names_matches_icu(icu_key: IcuKey) -> None:
    people = realistic_people(5000, seed=2026)

    def icu_tuple(p: tuple[str, str, str]) -> tuple[bytes, bytes, bytes]:
        return (icu_key(p[0]), icu_key(p[1]), icu_key(p[2]))

    ours = sorted(people, key=lambda p: roster_sort_key(*p))
    theirs = sorted(people, key=icu_tuple)
    assert [icu_tuple(p) for p in ours] == [icu_tuple(p) for p in theirs]
    # Equal keys exactly when ICU finds the names equal, so paging by key never skips a row.
    for a, b in itertools.pairwise(ours):
        assert (roster_sort_key(*a) == roster_sort_key(*b)) == (icu_tuple(a) == icu_tuple(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("…", ".0"),  # the ellipsis weighs as three full stops
        ("…", "..."),
        ("'", "‘"),  # curly quotes after the straight one, at the secondary level
        ("“", "”"),
        (" ", "\xa0"),  # a no-break space after a space, at the tertiary level
        ("L·3", "l§đi2„"),  # ICU's "l·" contraction
    ],
)
def test_sort_key_agrees_with_icu_on_cases_hypothesis_found(
    icu_key: IcuKey, a: str, b: str
) -> None:
    assert our_cmp(a, b) == icu_cmp(icu_key, a, b)
    assert our_cmp(b, a) == icu_cmp(icu_key, b, a)
