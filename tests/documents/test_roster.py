"""Class lists and attendance sheets, read back as a secretary reads the printout."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from desktop_app.documents.roster import (
    SESSIONS_PER_PAGE,
    RosterHeader,
    RosterRow,
    render_attendance_sheet,
    render_roster,
    totals_line,
)

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed",
)

HEADER = RosterHeader(
    issuer_parent="UBND xã Đông Hòa",
    issuer="Trung tâm học tập cộng đồng",
    title="Danh sách học viên",
    course_title="Kỹ thuật trồng lúa chất lượng cao",
    type_name="Chuyên đề",
    dates="05/01/2026 - 05/02/2026",
    presenter="Kỹ sư Phạm Văn Bình",
    venue="Nhà văn hóa thôn Đông",
    place_date="Xã Đông Hòa, ngày 05 tháng 02 năm 2026",
    signer_title="Giám đốc",
    signer_name="Lê Thị Hoa",
)
LONG_NAME = "Nguyễn Hoàng Thị Ngọc Bảo Châu Phương Thảo Tôn Nữ Diễm Kiều Xuân Hương"
SPECIAL = ("Nguyễn Văn Đặng", "Trần Thị Ánh", "Đỗ Thị Ngọc Ẩn", LONG_NAME, "Lê <Bé> & Tí")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Vũ")
GIVEN = ("An", "Bình", "Hoa", "Phước", "Lan", "Dũng", "Hương", "Khánh")


def _rows(count: int) -> list[RosterRow]:
    rows = []
    for i in range(count):
        name = SPECIAL[i] if i < len(SPECIAL) else f"{FAMILY[i % 6]} Văn {GIVEN[i % 8]} {i}"
        rows.append(
            RosterRow(
                full_name=name,
                sex="Nữ" if i % 15 < 8 else ("Nam" if i % 15 < 14 else ""),
                birth="07/03/1985" if i % 2 else "1990",
                hamlet="Thôn Đông" if i % 3 else "Ấp Tân Hòa B",
                attended=None if i == 7 else 8 + i % 3,
                sessions=10,
                result=("Giỏi", "Khá", "Đạt", "")[i % 4],
            )
        )
    return rows


ROWS = _rows(60)


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def text_of(pdf: Path, page: int | None = None, *, layout: bool = False) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    mode = ["-layout"] if layout else []
    out = run("pdftotext", "-enc", "UTF-8", *mode, *pages, str(pdf), "-")
    return out if layout else " ".join(out.split())


def page_count(pdf: Path) -> int:
    match = re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf)))
    assert match
    return int(match.group(1))


def fonts_ok(pdf: Path) -> None:
    rows = [line.split() for line in run("pdffonts", str(pdf)).splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        assert row[0].split("+")[-1].startswith("LiberationSerif"), row
        assert row[-5] == "yes", row  # embedded


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("roster") / "roster.pdf"
    render_roster(HEADER, ROWS, out)
    return out


def test_totals_line_counts_women() -> None:
    rows = _rows(60)
    women = sum(1 for r in rows if r.sex == "Nữ")
    assert totals_line(rows) == f"Tổng số: 60 học viên, trong đó nữ: {women}"
    decomposed = [RosterRow("A", unicodedata.normalize("NFD", "Nữ"), "", "", None, None, "")]
    assert totals_line(decomposed) == "Tổng số: 1 học viên, trong đó nữ: 1"


@needs_poppler
def test_roster_reads_back(roster: Path) -> None:
    text = text_of(roster)
    for name in (*SPECIAL, *(r.full_name for r in ROWS)):
        assert name in text, name
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND XÃ ĐÔNG HÒA",
        "DANH SÁCH HỌC VIÊN",
        "Khóa học: Kỹ thuật trồng lúa chất lượng cao",
        "Giảng viên/Báo cáo viên: Kỹ sư Phạm Văn Bình",
        "Xã Đông Hòa, ngày 05 tháng 02 năm 2026",
        "GIÁM ĐỐC",
        "Lê Thị Hoa",
        totals_line(ROWS),
    ):
        assert expected in text, expected
    fonts_ok(roster)


@needs_poppler
def test_roster_pages_repeat_the_header_and_are_numbered_from_two(roster: Path) -> None:
    pages = page_count(roster)
    assert pages >= 2
    info = run("pdfinfo", str(roster))
    assert "595.276 x 841.89 pts (A4)" in info  # portrait
    first = text_of(roster, 1, layout=True).splitlines()
    assert not any(line.strip() == "1" for line in first[:3])  # no number on page 1
    for page in range(2, pages + 1):
        lines = [line for line in text_of(roster, page, layout=True).splitlines() if line.strip()]
        assert lines[0].strip() == str(page), lines[:2]  # the number, alone, at the top
        if page < pages or "STT" in text_of(roster, page):
            assert "Họ và tên" in text_of(roster, page)


@needs_poppler
def test_roster_rows_keep_their_order_and_counts(roster: Path) -> None:
    text = text_of(roster)
    positions = [text.index(r.full_name) for r in ROWS]
    assert positions == sorted(positions)
    assert "9/10" in text and "10/10" in text


@needs_poppler
def test_empty_roster(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    render_roster(HEADER, [], out)
    assert "Tổng số: 0 học viên, trong đó nữ: 0" in text_of(out)
    assert not out.with_suffix(".part").exists()


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    dates = [f"{d:02d}/{1 + d // 28:02d}/2026" for d in range(1, 26)]  # 25 sessions
    out = tmp_path_factory.mktemp("sheet") / "sheet.pdf"
    sheet_header = RosterHeader(**{**HEADER.__dict__, "title": "Bảng điểm danh"})
    render_attendance_sheet(sheet_header, ROWS[:30], dates, out)
    return out, dates


@needs_poppler
def test_attendance_sheet_splits_sessions_over_pages(sheet: tuple[Path, list[str]]) -> None:
    pdf, dates = sheet
    assert SESSIONS_PER_PAGE >= 18
    info = run("pdfinfo", str(pdf))
    assert "841.89 x 595.276 pts (A4)" in info  # landscape
    text = text_of(pdf)
    assert "BẢNG ĐIỂM DANH" in text
    assert f"Buổi 1–{SESSIONS_PER_PAGE} (phần 1/2)" in text
    assert f"Buổi {SESSIONS_PER_PAGE + 1}–25 (phần 2/2)" in text
    for date in dates:
        assert date in text, date
    # Every name is on both parts, so each part can be marked on its own.
    for row in ROWS[:30]:
        assert text.count(row.full_name) == 2, row.full_name
    first_part, second_part = text.split("(phần 2/2)")
    assert "Tổng" not in first_part and "Tổng" in second_part  # total column: last part only
    assert "Chữ ký giáo viên" in text and "GIÁO VIÊN" in text
    assert "(Ký và ghi rõ họ tên)" in text
    fonts_ok(pdf)


@needs_poppler
def test_attendance_sheet_shows_birth_years_only(sheet: tuple[Path, list[str]]) -> None:
    pdf, _ = sheet
    text = text_of(pdf)
    assert "1985" in text and "07/03/1985" not in text


@needs_poppler
def test_attendance_sheet_few_sessions_one_part(tmp_path: Path) -> None:
    out = tmp_path / "short.pdf"
    render_attendance_sheet(HEADER, ROWS[:5], ["05/01/2026", "12/01/2026"], out)
    text = text_of(out)
    assert "phần" not in text
    assert "05/01/2026" in text and "Tổng" in text
    assert page_count(out) == 1
