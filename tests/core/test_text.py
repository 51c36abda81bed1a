from __future__ import annotations

import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.text import fold, nfc

VIETNAMESE_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)
vietnamese_text = st.text(
    alphabet=st.sampled_from(
        VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + string.digits + " -.,'’()\t\xa0"
    ),
    max_size=40,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def test_nfc_composes_decomposed_text() -> None:
    assert nfc(nfd("Nguyễn Thị Ánh")) == "Nguyễn Thị Ánh"
    assert len(nfc(nfd("Đặng"))) == 4


def test_nfc_trims_and_collapses_whitespace() -> None:
    assert nfc("  Nguyễn \t Văn\xa0\xa0Đặng \n") == "Nguyễn Văn Đặng"
    assert nfc("") == ""
    assert nfc("   ") == ""


def test_nfc_keeps_case_and_punctuation() -> None:
    assert nfc("H'Hen NIÊ") == "H'Hen NIÊ"


def test_fold_examples_from_the_design() -> None:
    expected = "nguyen van dang"
    assert fold("Nguyễn Văn Đặng") == expected
    assert fold("nguyen van dang") == expected
    assert fold("NGUYEN VAN DANG") == expected
    assert fold("NGUYỄN VĂN ĐẶNG") == expected
    assert fold(nfd("Nguyễn Văn Đặng")) == expected
    assert fold("  Nguyễn   Văn\tĐặng ") == expected
    assert fold("Đặng") == "dang"
    assert fold("đ") == fold("Đ") == "d"


def test_fold_treats_the_look_alike_eth_as_d() -> None:
    # The Icelandic Ð looks exactly like Đ and is sometimes typed for it.
    assert fold("Ðặng") == "dang"


def test_fold_every_vietnamese_letter_to_its_base() -> None:
    for letter in VIETNAMESE_LETTERS:
        base = "d" if letter == "đ" else nfd(letter)[0]
        assert fold(letter) == base, letter
        assert fold(letter.upper()) == base, letter
        assert fold(nfd(letter.upper())) == base, letter


def test_fold_splits_words_on_punctuation() -> None:
    assert fold("H'Hen Niê") == "h hen nie"
    assert fold("Thôn 3, xã Tân-Hòa.") == "thon 3 xa tan hoa"
    assert fold("---") == ""


def test_fold_drops_invisible_characters_inside_words() -> None:
    assert fold("Ng\u00aduy\u200bễn") == "nguyen"


def test_fold_full_width_and_other_latin_letters() -> None:
    assert fold("Ｎｇｕｙễｎ １２") == "nguyen 12"
    assert fold("Straße") == "strasse"
    assert fold("İstanbul") == "istanbul"


def test_fold_other_scripts_become_separators() -> None:
    assert fold("Lý 李 Minh") == "ly minh"


@given(st.text())
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(st.text())
def test_fold_ignores_normalisation_form(s: str) -> None:
    assert fold(nfd(s)) == fold(unicodedata.normalize("NFC", s))


@given(st.text())
def test_fold_output_is_lowercase_ascii_words(s: str) -> None:
    folded = fold(s)
    assert folded.isascii()
    assert set(folded) <= set(string.ascii_lowercase + string.digits + " ")
    assert "  " not in folded
    assert folded == folded.strip()


@given(vietnamese_text)
def test_fold_of_vietnamese_text_ignores_case_and_form(s: str) -> None:
    assert fold(s) == fold(s.upper()) == fold(s.lower()) == fold(nfd(s)) == fold(nfc(s))


@given(st.text())
def test_nfc_is_idempotent_and_normalised(s: str) -> None:
    once = nfc(s)
    assert nfc(once) == once
    assert unicodedata.is_normalized("NFC", once)
