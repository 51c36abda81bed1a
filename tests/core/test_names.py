from __future__ import annotations

import unicodedata

import pytest

from desktop_app.core.names import NameParts, normalise_full_name, split_full_name


def test_three_words_are_family_middle_given() -> None:
    assert split_full_name("Nguyễn Văn Đặng") == NameParts("Nguyễn", "Văn", "Đặng")


def test_longer_names_put_all_inner_words_in_the_middle_name() -> None:
    assert split_full_name("Nguyễn Thị Ngọc Ánh") == NameParts("Nguyễn", "Thị Ngọc", "Ánh")


def test_two_words_are_family_and_given() -> None:
    assert split_full_name("Lê Lợi") == NameParts("Lê", "", "Lợi")


def test_one_word_is_a_given_name() -> None:
    assert split_full_name("Tèo") == NameParts("", "", "Tèo")


def test_empty_name() -> None:
    assert split_full_name("") == NameParts("", "", "")
    assert split_full_name("   ") == NameParts("", "", "")


def test_whitespace_and_decomposed_text_are_tidied() -> None:
    typed = "  " + unicodedata.normalize("NFD", "Trần   Thị\tHồng") + " "
    assert normalise_full_name(typed) == "Trần Thị Hồng"
    assert split_full_name(typed) == NameParts("Trần", "Thị", "Hồng")
    assert unicodedata.is_normalized("NFC", split_full_name(typed).given)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nguyễn văn đặng", "Nguyễn Văn Đặng"),
        ("NGUYỄN VĂN ĐẶNG", "Nguyễn Văn Đặng"),
        ("ưng hoàng phúc", "Ưng Hoàng Phúc"),
        ("ÂU DƯƠNG ỨNG", "Âu Dương Ứng"),
        ("h'hen niê", "H'Hen Niê"),
    ],
)
def test_all_lower_or_all_upper_names_get_capitals(typed: str, expected: str) -> None:
    assert normalise_full_name(typed) == expected


def test_mixed_case_is_kept_as_typed() -> None:
    assert normalise_full_name("Nguyễn văn Đặng") == "Nguyễn văn Đặng"
    assert normalise_full_name("Lê Thị MỸ") == "Lê Thị MỸ"
    assert normalise_full_name("McDonald Nguyễn") == "McDonald Nguyễn"


def test_icelandic_eth_is_replaced_by_the_vietnamese_d_with_stroke() -> None:
    assert normalise_full_name("Ðặng Văn Lâm") == "Đặng Văn Lâm"
    assert normalise_full_name("Ðặng Văn Lâm")[0] == "\u0110"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tôn Nữ Thị Ninh", NameParts("Tôn Nữ", "Thị", "Ninh")),
        ("Tôn Thất Thuyết", NameParts("Tôn Thất", "", "Thuyết")),
        ("Công Tằng Tôn Nữ Thị Bích", NameParts("Công Tằng Tôn Nữ", "Thị", "Bích")),
        ("Công Huyền Tôn Nữ Minh Hà", NameParts("Công Huyền Tôn Nữ", "Minh", "Hà")),
        ("Hoàng Phủ Ngọc Tường", NameParts("Hoàng Phủ", "Ngọc", "Tường")),
        ("Âu Dương Minh", NameParts("Âu Dương", "", "Minh")),
        ("Tư Mã Ý", NameParts("Tư Mã", "", "Ý")),
    ],
)
def test_compound_family_names(typed: str, expected: NameParts) -> None:
    assert split_full_name(typed) == expected


def test_compound_family_names_match_without_tones_or_capitals() -> None:
    assert split_full_name("ton nu thi ninh") == NameParts("Ton Nu", "Thi", "Ninh")
    assert split_full_name("TÔN THẤT HÙNG") == NameParts("Tôn Thất", "", "Hùng")


def test_compound_family_name_needs_a_word_left_for_the_given_name() -> None:
    assert split_full_name("Tôn Nữ") == NameParts("Tôn", "", "Nữ")
    assert split_full_name("Công Tằng Tôn Nữ") == NameParts("Công", "Tằng Tôn", "Nữ")
    assert split_full_name("Công Tằng Tôn Nữ Bích") == NameParts("Công Tằng Tôn Nữ", "", "Bích")


def test_common_family_and_middle_pairs_are_not_compound() -> None:
    assert split_full_name("Phạm Văn Đồng") == NameParts("Phạm", "Văn", "Đồng")
    assert split_full_name("Nguyễn Phúc Hậu") == NameParts("Nguyễn", "Phúc", "Hậu")
    assert split_full_name("Nguyễn Trần Minh Khoa") == NameParts("Nguyễn", "Trần Minh", "Khoa")


def test_name_parts_rejoin_to_the_normalised_name() -> None:
    for typed in ["nguyễn thị ngọc ánh", "Tôn Nữ Thị Ninh", "Lê Lợi", "Tèo"]:
        parts = split_full_name(typed)
        rejoined = " ".join(p for p in (parts.family, parts.middle, parts.given) if p)
        assert rejoined == normalise_full_name(typed)
