"""An issuing body's name breaks only between whole phrases ("TRUNG TÂM HỌC / TẬP" never)."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop_app.documents.fonts import BOLD, register_fonts
from desktop_app.documents.official import name_phrases, phrase_lines


@pytest.mark.parametrize(
    ("name", "phrases"),
    [
        ("TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG THỦY XUÂN",
         ["TRUNG TÂM", "HỌC TẬP", "CỘNG ĐỒNG", "PHƯỜNG THỦY XUÂN"]),
        ("Trung tâm học tập cộng đồng xã Đông Hòa",
         ["Trung tâm", "học tập", "cộng đồng", "xã Đông Hòa"]),
        ("UBND PHƯỜNG THỦY XUÂN", ["UBND", "PHƯỜNG THỦY XUÂN"]),
        ("ỦY BAN NHÂN DÂN THỊ TRẤN PHONG ĐIỀN", ["ỦY BAN", "NHÂN DÂN", "THỊ TRẤN PHONG ĐIỀN"]),
        ("HỘI KHUYẾN HỌC XÃ TÂN PHÚ", ["HỘI", "KHUYẾN HỌC", "XÃ TÂN PHÚ"]),
        ("  TRUNG   TÂM ", ["TRUNG TÂM"]),
        ("", []),
    ],
)  # fmt: skip
def test_name_phrases(name: str, phrases: list[str]) -> None:
    assert name_phrases(name) == phrases


def test_phrase_lines_break_only_between_phrases_and_balance() -> None:
    register_fonts()
    name = "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG THỦY XUÂN"
    full = stringWidth(name, BOLD, 12)
    assert phrase_lines(name, BOLD, 12, full + 1) == [name]
    for width in range(40, int(full), 4):
        lines = phrase_lines(name, BOLD, 12, width)
        assert " ".join(lines) == name
        for line in lines:
            assert not line.endswith(("TRUNG", "HỌC", "CỘNG", "PHƯỜNG", "THỦY")), (width, lines)
    assert phrase_lines(name, BOLD, 12, full * 0.7) == [
        "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG", "PHƯỜNG THỦY XUÂN",
    ]  # fmt: skip
