"""Membership cards: ten CR80 cards a sheet, every card inside its own cell, cut marks outside."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from desktop_app.core.progress import Cancelled
from desktop_app.documents.member_cards import (
    CARD_HEIGHT,
    CARD_WIDTH,
    MemberCard,
    _cut_marks,
    card_cells,
    render_member_cards,
)

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed; run `make deps`",
)

NAMES = (
    "Nguyễn Văn Đặng",
    "Trần Thị Ánh",
    "Lê Hữu Phước",
    "Đỗ Thị Ngọc Ẩn",
    "Phạm Thị Hoa",
    "Hoàng Minh Đức",
    "Bùi Xuân Trường",
    "Võ Thị Thu Hương",
    "Đặng Quốc Khánh",
    "Dương Văn Lực",
    "Huỳnh Thị Mỹ Lệ",
    "Lý Thị Ngân",
    "Mai Văn Tùng",
    "Ngô Thị Yến",
    "Phan Đình Phùng",
    "Quách Thị Quyên",
    "Tạ Văn Sơn",
    "Thái Thị Tâm",
    "Trịnh Công Sơn",
    "Vũ Thị Uyên",
    "Âu Dương Vũ",
    "Kiều Thị Xuân",
    # The longest name the shrinking must still fit on one card.
    "Tôn Nữ Thị Hoàng Anh Thư Phương Quỳnh Như Ý",
)
CARDS = [
    MemberCard(
        association="Hội Khuyến học xã Đông Hòa",
        full_name=name,
        member_number=f"DH-{i + 1:04d}",
        branch="Chi hội thôn Phước Lộc Đông" if i % 3 else "Thôn 1",
        join_year=2018 + i % 8,
        birth="" if i % 4 == 0 else ("1970" if i % 2 else "12/05/1985"),
    )
    for i, name in enumerate(NAMES)
]


def _text(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def _pages(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Words with their boxes, page by page, in PDF coordinates (origin bottom left)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    height = A4[1]
    return [
        [
            (float(x0), height - float(y1), float(x1), height - float(y0), word)
            for x0, y0, x1, y1, word in _WORD.findall(page)
        ]
        for page in _PAGE.findall(out)
    ]


@pytest.fixture(scope="module")
def cards_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("cards") / "the.pdf"
    return path, render_member_cards(CARDS, path)


def test_cells_are_cr80_centred_and_apart() -> None:
    cells = card_cells()
    assert len(cells) == 10
    assert (round(CARD_WIDTH / mm, 1), round(CARD_HEIGHT / mm, 1)) == (85.6, 54.0)
    width, height = A4
    xs = [x for x, _ in cells]
    ys = [y for _, y in cells]
    # Centred on the sheet, inside a printer's reach (5 mm).
    assert min(xs) == pytest.approx(width - (max(xs) + CARD_WIDTH))
    assert min(ys) == pytest.approx(height - (max(ys) + CARD_HEIGHT))
    assert min(xs) >= 5 * mm and min(ys) >= 5 * mm
    # Reading order: left to right, then top to bottom.
    assert cells[0][0] < cells[1][0] and cells[0][1] == cells[1][1]
    assert cells[2][1] < cells[0][1]
    for i, (x, y) in enumerate(cells):
        for ox, oy in cells[i + 1 :]:
            apart = x + CARD_WIDTH < ox or ox + CARD_WIDTH < x
            apart = apart or y + CARD_HEIGHT < oy or oy + CARD_HEIGHT < y
            assert apart


class _Recorder:
    def __init__(self) -> None:
        self.lines: list[tuple[float, float, float, float]] = []

    def setLineWidth(self, width: float) -> None:
        pass

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.lines.append((x0, y0, x1, y1))


def test_cut_marks_at_every_corner_and_outside_every_card() -> None:
    cells = card_cells()
    recorder = _Recorder()
    _cut_marks(recorder, cells)
    assert len(recorder.lines) == 8 * len(cells)  # two strokes at each of four corners
    for x0, y0, x1, y1 in recorder.lines:
        low_x, high_x, low_y, high_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        assert low_x >= 0 and high_x <= A4[0] and low_y >= 0 and high_y <= A4[1]
        for cx, cy in cells:
            # Not even touching a card, edges included: a cut never runs through a mark.
            touches_x = max(low_x, cx) <= min(high_x, cx + CARD_WIDTH)
            touches_y = max(low_y, cy) <= min(high_y, cy + CARD_HEIGHT)
            assert not (touches_x and touches_y), ((x0, y0, x1, y1), (cx, cy))
    for x, y in cells:
        for cx in (x, x + CARD_WIDTH):
            for cy in (y, y + CARD_HEIGHT):
                # One mark continues the horizontal edge, one the vertical edge, each pointing
                # at the corner from just outside it.
                horizontal = [
                    line
                    for line in recorder.lines
                    if line[1] == line[3] == cy
                    and min(abs(line[0] - cx), abs(line[2] - cx)) < 1 * mm
                ]
                vertical = [
                    line
                    for line in recorder.lines
                    if line[0] == line[2] == cx
                    and min(abs(line[1] - cy), abs(line[3] - cy)) < 1 * mm
                ]
                assert horizontal and vertical, (cx, cy)


@needs_poppler
def test_23_cards_make_3_pages_with_every_name(cards_pdf: tuple[Path, int]) -> None:
    pdf, pages = cards_pdf
    assert pages == 3
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert re.search(r"Pages:\s+3\b", info.stdout)
    assert "(A4)" in info.stdout
    text = _text(pdf)
    for card in CARDS:
        assert card.full_name in text, card.full_name
        assert f"Số thẻ: {card.member_number}" in text
    assert text.count("THẺ HỘI VIÊN") == 23
    assert text.count("HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA") == 23
    assert "Chi hội: Chi hội thôn Phước Lộc Đông" in text
    assert "Vào hội năm: 2018" in text
    assert "Năm sinh: 1970" in text and "Ngày sinh: 12/05/1985" in text


@needs_poppler
def test_every_card_lies_inside_its_cell(cards_pdf: tuple[Path, int]) -> None:
    pdf, _ = cards_pdf
    cells = card_cells()
    pages = _pages(pdf)
    assert len(pages) == 3
    for page_number, words in enumerate(pages):
        on_page = CARDS[page_number * 10 : page_number * 10 + 10]
        used: set[int] = set()
        for x0, y0, x1, y1, word in words:
            holders = [
                i
                for i, (cx, cy) in enumerate(cells)
                if cx <= x0 and x1 <= cx + CARD_WIDTH and cy <= y0 and y1 <= cy + CARD_HEIGHT
            ]
            assert len(holders) == 1, (page_number + 1, word, x0, y0, x1, y1)
            used.add(holders[0])
        assert used == set(range(len(on_page)))
        # Each card's number is in the cell that reading order gives it.
        for i, card in enumerate(on_page):
            cx, cy = cells[i]
            assert any(
                word == card.member_number
                and cx <= x0 <= cx + CARD_WIDTH
                and cy <= y0
                and y1 <= cy + CARD_HEIGHT
                for x0, y0, _, y1, word in words
            ), card.member_number


@needs_poppler
def test_only_embedded_liberation_serif(cards_pdf: tuple[Path, int]) -> None:
    pdf, _ = cards_pdf
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows
    assert all(row[0].split("+")[-1].startswith("LiberationSerif") for row in rows), out.stdout
    assert all(row[-5] == "yes" for row in rows), out.stdout


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    render_member_cards(CARDS[:12], tmp_path / "cards.pdf", progress=progress)
    assert seen == [(n, 12) for n in range(13)]


@pytest.mark.parametrize("stop_at", [0, 1, 10, 22])
def test_cancel_leaves_no_file(tmp_path: Path, stop_at: int) -> None:
    out = tmp_path / "cards.pdf"

    def progress(done: int, total: int) -> bool:
        return done < stop_at

    with pytest.raises(Cancelled):
        render_member_cards(CARDS, out, progress=progress)
    assert list(tmp_path.iterdir()) == []


def test_cancel_keeps_an_earlier_file(tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    render_member_cards(CARDS[:2], out)
    before = out.read_bytes()
    with pytest.raises(Cancelled):
        render_member_cards(CARDS, out, progress=lambda done, total: done < 5)
    assert out.read_bytes() == before
    assert list(tmp_path.iterdir()) == [out]


def test_a_callback_returning_none_does_not_cancel(tmp_path: Path) -> None:
    calls: list[int] = []
    out = tmp_path / "cards.pdf"

    def progress(done: int, total: int) -> None:  # forgets to return True
        calls.append(done)

    render_member_cards(CARDS[:3], out, progress=progress)  # type: ignore[arg-type]
    assert out.is_file() and calls == [0, 1, 2, 3]


def test_no_cards_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_member_cards([], tmp_path / "none.pdf")
    assert list(tmp_path.iterdir()) == []
