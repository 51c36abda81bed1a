"""The roster workbook, reopened the way Excel (or openpyxl) reads it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pytest

from desktop_app.documents.roster import RosterHeader, RosterRow, totals_line
from desktop_app.documents.xlsx import PRESENT_MARK, export_roster_xlsx

HEADER = RosterHeader(
    issuer_parent="UBND xã Đông Hòa",
    issuer="Trung tâm học tập cộng đồng",
    title="Danh sách học viên",
    course_title="Kỹ thuật trồng lúa chất lượng cao",
    type_name="Chuyên đề",
    dates="05/01/2026 - 05/02/2026",
    presenter="Kỹ sư Phạm Văn Bình",
    venue="",
    place_date="Xã Đông Hòa, ngày 05 tháng 02 năm 2026",
    signer_title="Giám đốc",
    signer_name="Lê Thị Hoa",
)
NAMES = (
    "Nguyễn Văn Đặng",
    "Trần Thị Ánh",
    "Đỗ Thị Ngọc Ẩn",
    "Nguyễn Hoàng Thị Ngọc Bảo Châu Phương Thảo Tôn Nữ Diễm Kiều Xuân Hương",
    '=HYPERLINK("http://x")',  # typed into a name field; must stay text
    unicodedata.normalize("NFD", "Lê Hữu Phước"),
)
ROWS = [
    RosterRow(
        name,
        ("Nam", "Nữ")[i % 2],
        "1990" if i % 2 else "07/03/1985",
        "Thôn Đông",
        None,
        None,
        "Khá",
    )
    for i, name in enumerate(NAMES)
]
DATES = ["05/01/2026", "12/01/2026", "19/01/2026", "26/01/2026"]
PRESENT = [[(i + j) % 3 != 0 for j in range(len(DATES))] for i in range(len(NAMES))]


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.worksheet.worksheet.Worksheet:
    out = tmp_path_factory.mktemp("xlsx") / "roster.xlsx"
    export_roster_xlsx(HEADER, ROWS, DATES, PRESENT, out)
    assert not out.with_suffix(".part").exists()
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    return ws


def _header_row(ws: openpyxl.worksheet.worksheet.Worksheet) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == "STT":
            return int(row[0].row)
    raise AssertionError("no header row")


def test_title_block(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    values = [c for row in sheet.iter_rows(max_row=8, values_only=True) for c in row if c]
    assert "UBND XÃ ĐÔNG HÒA" in values
    assert "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG" in values
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values
    assert "DANH SÁCH HỌC VIÊN" in values
    assert "Khóa học: Kỹ thuật trồng lúa chất lượng cao" in values
    assert not any(str(v).startswith("Địa điểm") for v in values)  # empty venue left out


def test_header_row_bold_and_frozen(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    head = _header_row(sheet)
    cells = [c for c in sheet[head] if c.value is not None]
    assert [c.value for c in cells] == [
        "STT",
        "Họ và tên",
        "Giới tính",
        "Năm sinh/Ngày sinh",
        "Thôn",
        *DATES,
        "Số buổi dự",
        "Kết quả",
    ]
    assert all(c.font.b for c in cells)
    assert sheet.freeze_panes == f"C{head + 1}"
    assert sheet.print_title_rows.replace("$", "") == f"{head}:{head}"


def test_names_marks_and_totals(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    head = _header_row(sheet)
    total_col = 5 + len(DATES) + 1
    for i, name in enumerate(NAMES):
        row = [c.value for c in sheet[head + 1 + i]]
        assert row[0] == i + 1 and isinstance(row[0], int)
        assert row[1] == unicodedata.normalize("NFC", name)
        marks = row[5 : 5 + len(DATES)]
        assert marks == [PRESENT_MARK if came else None for came in PRESENT[i]]
        assert row[total_col - 1] == sum(PRESENT[i]) and isinstance(row[total_col - 1], int)
    totals = [c.value for c in sheet[head + 1 + len(NAMES)]]
    assert totals[0] == "Tổng số có mặt"
    assert totals[5 : 5 + len(DATES)] == [sum(p[j] for p in PRESENT) for j in range(len(DATES))]
    assert totals[total_col - 1] == sum(map(sum, PRESENT))
    below = [
        c
        for row in sheet.iter_rows(min_row=head + len(NAMES) + 2, values_only=True)
        for c in row
        if c
    ]
    assert totals_line(ROWS) in below
    assert "Xã Đông Hòa, ngày 05 tháng 02 năm 2026" in below


def test_formula_like_name_stays_text(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    head = _header_row(sheet)
    cell = sheet.cell(row=head + 5, column=2)
    assert cell.value == NAMES[4]
    assert cell.data_type == "s"


def test_columns_sized_and_print_setup(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    widths = sheet.column_dimensions
    head = _header_row(sheet)
    assert widths["B"].width >= len(NAMES[0]) + 2  # names fit ...
    assert widths["B"].width <= 50  # ... but a 70-letter one wraps instead of widening it
    assert sheet.cell(row=head + 4, column=2).alignment.wrap_text
    assert widths["F"].width < 8  # a session column stays narrow
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_mismatched_marks_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="present has 1 rows for 6 learners"):
        export_roster_xlsx(HEADER, ROWS, DATES, PRESENT[:1], tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="present row 1 has 3 marks for 4 session dates"):
        export_roster_xlsx(HEADER, ROWS, DATES, [p[:3] for p in PRESENT], tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_no_sessions_yet(tmp_path: Path) -> None:
    out = tmp_path / "new.xlsx"
    export_roster_xlsx(HEADER, ROWS, [], [[] for _ in ROWS], out)
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    head = _header_row(ws)
    assert [c.value for c in ws[head]][-2:] == ["Số buổi dự", "Kết quả"]
    assert ws.cell(row=head + 1, column=6).value == 0
