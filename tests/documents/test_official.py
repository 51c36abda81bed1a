"""The issuing body's name in a header breaks only between phrases, never inside a word."""

from __future__ import annotations

import itertools

import pytest
from reportlab.lib.units import mm

from desktop_app.documents.fonts import BOLD, register_fonts
from desktop_app.documents.official import phrase_lines, phrases, upper

CENTRE = "Trung tâm học tập cộng đồng phường Thủy Xuân"
# Two-syllable words the layout must never part.
PAIRS = ("TRUNG TÂM", "HỌC TẬP", "CỘNG ĐỒNG", "KHUYẾN HỌC")


def test_phrases_keep_words_and_the_place_name_whole() -> None:
    assert phrases(upper(CENTRE)) == ["TRUNG TÂM", "HỌC TẬP", "CỘNG ĐỒNG", "PHƯỜNG THỦY XUÂN"]
    assert phrases("Hội Khuyến học thành phố Huế") == ["Hội Khuyến học", "thành phố Huế"]


@pytest.mark.parametrize("width_mm", [45, 55, 60, 70, 80, 95, 120])
@pytest.mark.parametrize(
    "text",
    [
        CENTRE,
        "Trung tâm học tập cộng đồng",
        "Hội Khuyến học xã Đông Hòa",
        "UBND xã Đông Hòa",
        "Hội Khuyến học Trung tâm học tập cộng đồng " * 4,  # too many phrases to try all
    ],
)
def test_no_line_breaks_inside_a_word_pair(text: str, width_mm: int) -> None:
    register_fonts()
    lines = phrase_lines(upper(text), BOLD, 12, width_mm * mm)
    assert " ".join(lines) == " ".join(upper(text).split())
    for end, start in itertools.pairwise(lines):
        for pair in PAIRS:
            first, second = pair.split(" ")
            assert not (end.endswith(first) and start.startswith(second)), lines


def test_the_break_falls_before_the_place_name_when_the_lines_are_as_few() -> None:
    register_fonts()
    assert phrase_lines(upper(CENTRE), BOLD, 12, 80 * mm) == [
        "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG",
        "PHƯỜNG THỦY XUÂN",
    ]
