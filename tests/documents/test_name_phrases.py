"""An issuing body's name breaks only between whole phrases ("TRUNG TÂM HỌC / TẬP" never)."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop_app.documents.fonts import BOLD, register_fonts
from desktop_app.documents.official import is_place, phrase_lines


@pytest.mark.parametrize(
    ("phrase", "place"),
    [("PHƯỜNG THỦY XUÂN", True), ("xã Đông Hòa", True), ("THỊ TRẤN PHONG ĐIỀN", True),
     ("TRUNG TÂM", False), ("XÃ HỘI HÓA", True), ("", False)],
)  # fmt: skip
def test_is_place(phrase: str, place: bool) -> None:
    assert is_place(phrase) is place


def test_phrase_lines_break_only_between_phrases_and_balance() -> None:
    register_fonts()
    name = "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG THỦY XUÂN"
    full = stringWidth(name, BOLD, 12)
    assert phrase_lines(name, BOLD, 12, full + 1) == [name]
    # From the width of the widest phrase up (narrower, no break between phrases can help).
    widest = max(
        stringWidth(p, BOLD, 12) for p in ("TRUNG TÂM", "HỌC TẬP", "CỘNG ĐỒNG", "PHƯỜNG THỦY XUÂN")
    )
    for width in range(int(widest) + 1, int(full), 4):
        lines = phrase_lines(name, BOLD, 12, width)
        assert " ".join(lines) == name
        for line in lines:
            assert not line.endswith(("TRUNG", "HỌC", "CỘNG", "PHƯỜNG", "THỦY")), (width, lines)
    assert phrase_lines(name, BOLD, 12, full * 0.7) == [
        "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG", "PHƯỜNG THỦY XUÂN",
    ]  # fmt: skip
