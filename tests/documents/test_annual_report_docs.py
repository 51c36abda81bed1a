"""The annual report on paper and in Excel: every figure reads back in Vietnamese format, the
unknown ones are left for the user with a footnote, totals are real formulas that Excel (here
LibreOffice) evaluates to the sum, and an office's report says how current each centre is."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.annual_report import AnnualReport, Figure, ReportTable
from desktop_app.documents.annual_report import (
    FILL_IN_NOTE,
    INFO_SHEET,
    NO_DATA_SENTENCE,
    ReportHeader,
    format_figure,
    render_pdf,
    render_xlsx,
    sheet_names,
)
from tests.documents.test_roster import fonts_ok, needs_poppler, page_count, run, text_of

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

HEADER = ReportHeader(
    issuer_parent="UBND xã Tân Phú",
    issuer="Trung tâm học tập cộng đồng",
    number="Số: 12/BC-TTHTCĐ",
    place="Tân Phú",
    day=dt.date(2026, 12, 10),
    title="Báo cáo kết quả hoạt động năm 2026",
    recipients="Kính gửi: Phòng Văn hóa - Xã hội xã Tân Phú",
    signer_title="TM. BAN GIÁM ĐỐC\nGIÁM ĐỐC",
    signer_name="Nguyễn Thị Lan",
)

# A translation of the few msgids the tables use, as the caller passes the catalogue.
VI = {
    "Classes and topic sessions by kind": "Lớp học và chuyên đề theo loại hình",
    "Number": "Số lớp",
    "Learner-attendances": "Lượt người học",
    "Literacy class": "Lớp xóa mù chữ",
    "Topic session": "Chuyên đề",
    "Skills class": "Lớp kỹ năng",
    "Total": "Tổng cộng",
    "Learners": "Người học",
    "Men": "Nam",
    "Women": "Nữ",
    "Fund of the Khuyến học": "Quỹ khuyến học",
    "Amount": "Số tiền",
    "Share": "Tỷ lệ",
}


RIGHT_MARGIN_X = 595.3 - 15 * 72 / 25.4 + 1  # A4 width less the decree's 15 mm, in points


def right_edge(pdf: Path) -> float:
    """The right end of the rightmost word on any page."""
    bbox = run("pdftotext", "-bbox", str(pdf), "-")
    return max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', bbox))


def vi(msgid: str) -> str:
    return VI.get(msgid, msgid)


def fig(key: str, value: int | float | None, unit: str = "", records: str = "") -> Figure:
    return Figure(key=key, label=key, value=value, unit=unit, records=records)


CLASSES = ReportTable(
    key="classes_by_kind",
    title="Classes and topic sessions by kind",
    columns=("Number", "Learner-attendances"),
    rows=(
        ("Literacy class", (fig("classes.literacy", 3, records="classes"), fig("att.l", 1234))),
        ("Topic session", (fig("classes.topic", 12, records="classes"), fig("att.t", 10456))),
        ("Skills class", (fig("classes.skills", 5, records="classes"), fig("att.s", 789))),
        ("Total", (fig("classes.total", 20, records="classes"), fig("att.total", 12479))),
    ),
    total=True,
)
LEARNERS = ReportTable(
    key="learners",
    title="Learners",
    columns=("Men", "Women", "Share"),
    rows=(
        ("Thôn Đông", (fig("l.dong.M", 410, "people"), fig("l.dong.F", 1523, "people"),
                       fig("l.dong.share", 12.5, "percent"))),
        ("Ấp Tân Hòa B", (fig("l.thb.M", 98, "people"), fig("l.thb.F", None, "people"),
                          fig("l.thb.share", 7.25, "percent"))),
    ),
)  # fmt: skip
FUND = ReportTable(
    key="fund",
    title="Fund of the Khuyến học",
    columns=("Amount",),
    rows=(
        ("Thu hội phí", (fig("fund.dues", 1_250_000, "money", records="dues"),)),
        ("Ủng hộ của nhà hảo tâm", (fig("fund.gifts", 35_000_000, "money"),)),
        ("Học bổng, phần thưởng", (fig("fund.awards", 12_600_000, "money"),)),
    ),
)
REPORT = AnnualReport(
    kind="annual",
    period_from=dt.date(2026, 1, 1),
    period_to=dt.date(2026, 12, 31),
    sites=(),
    site_dates=(),
    tables=(CLASSES, LEARNERS, FUND),
    empty=False,
)
OFFICE = AnnualReport(
    kind="annual",
    period_from=dt.date(2025, 10, 1),
    period_to=dt.date(2026, 9, 30),
    sites=("S-A", "S-B"),
    site_dates=(
        ("S-A", "TTHTCĐ xã Tân Phú", dt.date(2026, 11, 12)),
        ("S-B", "TTHTCĐ xã Phú Lộc", None),
    ),
    tables=(CLASSES,),
    empty=False,
)
EMPTY = AnnualReport(
    kind="annual",
    period_from=dt.date(2030, 1, 1),
    period_to=dt.date(2030, 12, 31),
    sites=(),
    site_dates=(),
    tables=(),
    empty=True,
)
RECORDS: dict[str, list[list[object]]] = {
    "classes": [
        ["Mã lớp", "Tên lớp", "Loại hình", "Ngày khai giảng"],
        *[[f"L{i:02d}", f"Lớp {i}", "Chuyên đề", dt.date(2026, 3, i)] for i in range(1, 21)],
    ],
    "dues": [["Họ và tên", "Số tiền"], ["=1+1", 250_000], ["Trần Thị Ánh", 1_000_000]],
}


def test_figures_in_vietnamese_format() -> None:
    assert format_figure(fig("a", 1234)) == "1.234"
    assert format_figure(fig("a", 1234567, "people")) == "1.234.567"
    assert format_figure(fig("a", 1_250_000, "money")) == "1.250.000 đ"
    assert format_figure(fig("a", 12.5, "percent")) == "12,5 %"
    assert format_figure(fig("a", 7.25, "percent")) == "7,2 %"  # 7.25 is 7.2499… in binary
    assert format_figure(fig("a", 40.0, "percent")) == "40 %"
    assert format_figure(fig("a", 0.0, "percent")) == "0 %"
    assert format_figure(fig("a", 1234.56)) == "1.234,56"
    assert format_figure(fig("a", 0)) == "0"
    assert format_figure(fig("a", None, "money")) == "……"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("annual")
    out = {name: folder / f"{name}.pdf" for name in ("report", "office", "empty")}
    render_pdf(REPORT, out["report"], HEADER, translate=vi)
    render_pdf(OFFICE, out["office"], HEADER, translate=vi)
    render_pdf(EMPTY, out["empty"], HEADER, translate=vi)
    return out


@needs_poppler
def test_pdf_reads_back_every_figure(pdfs: dict[str, Path]) -> None:
    text = text_of(pdfs["report"])
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND XÃ TÂN PHÚ",
        "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG",
        "Số: 12/BC-TTHTCĐ",
        "Tân Phú, ngày 10 tháng 12 năm 2026",
        "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG NĂM 2026",
        "(Từ ngày 01/01/2026 đến ngày 31/12/2026)",
        "Kính gửi: Phòng Văn hóa - Xã hội xã Tân Phú.",
        "I. Lớp học và chuyên đề theo loại hình",
        "II. Người học",
        "III. Quỹ khuyến học",
        "Lớp xóa mù chữ 3 1.234",
        "Chuyên đề 12 10.456",
        "Lớp kỹ năng 5 789",
        "Tổng cộng 20 12.479",
        "Thôn Đông 410 1.523 12,5 %",
        "Ấp Tân Hòa B 98 …… (*)",
        "Thu hội phí 1.250.000 đ",
        "Ủng hộ của nhà hảo tâm 35.000.000 đ",
        "Học bổng, phần thưởng 12.600.000 đ",
        "(*) Số liệu chưa có trong hồ sơ, đơn vị tự điền.",
        "Nơi nhận:",
        "TM. BAN GIÁM ĐỐC",
        "GIÁM ĐỐC",
        "Nguyễn Thị Lan",
    ):
        assert expected in text, expected
    assert "7,2 %" in text
    # The footnote once, under the only table with an unknown figure.
    assert text.count("Số liệu chưa có trong hồ sơ") == 1
    assert text.index("II. Người học") < text.index("(*) Số liệu") < text.index("III. Quỹ")
    assert "Số liệu của các trung tâm" not in text  # a centre's own report
    assert page_count(pdfs["report"]) == 1
    info = run("pdfinfo", str(pdfs["report"]))
    assert "595.276 x 841.89 pts (A4)" in info
    fonts_ok(pdfs["report"])


@needs_poppler
def test_pdf_at_an_office_dates_each_centre(pdfs: dict[str, Path]) -> None:
    text = text_of(pdfs["office"])
    assert "(Từ ngày 01/10/2025 đến ngày 30/09/2026)" in text
    assert (
        "Số liệu của các trung tâm tính đến ngày nhận gói dữ liệu gần nhất: "
        "TTHTCĐ xã Tân Phú 12/11/2026; TTHTCĐ xã Phú Lộc chưa nhận." in text
    )
    assert "(*)" not in text  # no unknown figure in this report
    # The centres' line comes after the figures and before the signature.
    assert text.index("Tổng cộng 20 12.479") < text.index("Số liệu của các trung tâm")
    assert text.index("Số liệu của các trung tâm") < text.index("Nguyễn Thị Lan")


@needs_poppler
def test_pdf_of_an_empty_period_says_so(pdfs: dict[str, Path]) -> None:
    text = text_of(pdfs["empty"])
    assert NO_DATA_SENTENCE in text
    assert "(Từ ngày 01/01/2030 đến ngày 31/12/2030)" in text
    assert "STT" not in text and "I." not in text  # no tables, no page of zeros
    assert "Nguyễn Thị Lan" in text
    assert page_count(pdfs["empty"]) == 1


def _long_table(rows: int, label: str = "") -> ReportTable:
    return ReportTable(
        key="by_hamlet",
        title="Learners",
        columns=("Men", "Women"),
        rows=tuple(
            (
                label if i == 0 and label else f"Thôn số {i + 1}",
                (fig(f"m{i}", 1000 + i, "people"), fig(f"f{i}", 2000 + i, "people")),
            )
            for i in range(rows)
        ),
    )


@needs_poppler
def test_a_long_table_spans_pages_with_its_header_repeated(tmp_path: Path) -> None:
    report = AnnualReport(
        kind="annual", period_from=dt.date(2026, 1, 1), period_to=dt.date(2026, 12, 31),
        sites=(), site_dates=(), tables=(_long_table(200),), empty=False,
    )  # fmt: skip
    out = tmp_path / "long.pdf"
    pages = render_pdf(report, out, HEADER, translate=vi)
    assert pages == page_count(out) >= 4
    text = text_of(out)
    for i in range(200):
        assert f"Thôn số {i + 1} {1000 + i:,} {2000 + i:,}".replace(",", ".") in text, i
    for page in range(1, pages + 1):
        lines = [line for line in text_of(out, page, layout=True).splitlines() if line.strip()]
        heading = next(i for i, line in enumerate(lines) if "STT" in line)
        assert "Nội dung" in lines[heading] and "Nam" in lines[heading], page
        if page > 1:
            assert lines[0].strip() == str(page)  # numbered from page 2, top centre
            assert heading <= 2, lines[:4]  # the header row opens every later page
    # The signature is not left alone on the last page: rows come over with it.
    assert "Thôn số 200" in text_of(out, pages)
    assert "Nguyễn Thị Lan" in text_of(out, pages)


@needs_poppler
def test_a_300_character_label_wraps_inside_its_column(tmp_path: Path) -> None:
    words = "Người lao động nông thôn tham gia học tập tại trung tâm theo chương trình"
    label = " ".join([words] * 6)[:300].rsplit(" ", 1)[0] + " cuối"
    assert 280 <= len(label) <= 300
    report = AnnualReport(
        kind="annual", period_from=dt.date(2026, 1, 1), period_to=dt.date(2026, 12, 31),
        sites=(), site_dates=(), tables=(_long_table(3, label),), empty=False,
    )  # fmt: skip
    out = tmp_path / "wrap.pdf"
    render_pdf(report, out, HEADER, translate=vi)
    assert label in text_of(out)  # every word printed, in order
    lines = text_of(out, 1, layout=True).splitlines()
    first = next(i for i, line in enumerate(lines) if "Người lao động nông thôn" in line)
    last = next(i for i, line in enumerate(lines) if "cuối" in line)
    assert last - first >= 3, lines[first : last + 1]  # five lines in the label column
    # The row's figures are printed beside the label, and nothing runs past the margin.
    row = " ".join(" ".join(lines[first : last + 1]).split())
    assert "1.000" in row and "2.000" in row
    assert right_edge(out) <= RIGHT_MARGIN_X


# --------------------------------------------------------------------------------------------
# xlsx


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("annual_xlsx") / "report.xlsx"
    render_xlsx(REPORT, out, HEADER, RECORDS, translate=vi)
    return out


def test_xlsx_sheets_info_tables_and_records(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    tables, lists = sheet_names(REPORT, vi, RECORDS)
    assert wb.sheetnames == [INFO_SHEET, *tables, *lists.values()]
    assert tables[0] == "1. Lớp học và chuyên đề theo lo"  # 31 characters at most
    assert all(len(name) <= 31 for name in wb.sheetnames)
    info = wb[INFO_SHEET]
    values = {
        info.cell(row=r, column=1).value: info.cell(row=r, column=2).value
        for r in range(1, info.max_row + 1)
    }
    assert values["Cơ quan chủ quản"] == "UBND XÃ TÂN PHÚ"
    assert values["Số"] == "12/BC-TTHTCĐ"
    assert values["Từ ngày"] == dt.datetime(2026, 1, 1)
    assert values["Đến ngày"] == dt.datetime(2026, 12, 31)
    assert values["Kính gửi"] == "Phòng Văn hóa - Xã hội xã Tân Phú"
    assert values["Họ và tên người ký"] == "Nguyễn Thị Lan"


def test_xlsx_total_row_is_sum_formulas(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)[sheet_names(REPORT, vi)[0][0]]
    assert [ws.cell(row=4, column=c).value for c in range(1, 6)] == [
        "STT", "Nội dung", "Số lớp", "Lượt người học", "Ghi chú",
    ]  # fmt: skip
    assert [ws.cell(row=r, column=3).value for r in (5, 6, 7)] == [3, 12, 5]
    assert [ws.cell(row=r, column=4).value for r in (5, 6, 7)] == [1234, 10456, 789]
    assert ws["B8"].value == "Tổng cộng"
    assert ws["C8"].value == "=SUM(C5:C7)"
    assert ws["D8"].value == "=SUM(D5:D7)"
    assert ws["C5"].number_format == "#,##0"
    assert ws["C5"].hyperlink is not None
    _, lists = sheet_names(REPORT, vi, RECORDS)
    assert ws["C5"].hyperlink.location == f"'{lists['classes']}'!A1"  # opens its records
    assert ws["D5"].hyperlink is None  # no records behind the attendances in this fixture
    assert ws["C8"].hyperlink is None


def test_xlsx_formats_and_the_blank_to_fill(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    tables, _ = sheet_names(REPORT, vi, RECORDS)
    ws = wb[tables[1]]
    assert ws["B5"].value == "Thôn Đông"
    assert ws["C5"].value == 410 and ws["D5"].value == 1523
    assert ws["E5"].value == pytest.approx(0.125) and ws["E5"].number_format == "0.0 %"
    assert ws["F5"].value is None
    assert ws["D6"].value is None and ws["D6"].comment is not None
    assert "tự điền" in ws["D6"].comment.text
    assert ws["F6"].value == FILL_IN_NOTE
    fund = wb[tables[2]]
    assert fund["C5"].value == 1_250_000 and fund["C5"].number_format == '#,##0 "đ"'
    assert not any(
        isinstance(fund.cell(row=r, column=3).value, str) for r in range(5, 8)
    )  # no total row in a table without one


def test_xlsx_total_of_a_percent_column_is_its_figure(tmp_path: Path) -> None:
    """Percentages do not add up: a total table's share column keeps the figure."""
    table = ReportTable(
        key="share",
        title="Members",
        columns=("Members", "Share"),
        rows=(
            ("Thôn Đông", (fig("m.d", 120, "people"), fig("s.d", 30.0, "percent"))),
            ("Thôn Tây", (fig("m.t", None, "people"), fig("s.t", None, "percent"))),
            ("Total", (fig("m", 120, "people"), fig("s", 25.0, "percent"))),
        ),
        total=True,
    )
    report = AnnualReport(
        kind="khuyen_hoc", period_from=dt.date(2026, 1, 1), period_to=dt.date(2026, 12, 31),
        sites=(), site_dates=(), tables=(table,), empty=False,
    )  # fmt: skip
    out = tmp_path / "share.xlsx"
    render_xlsx(report, out, HEADER)
    ws = openpyxl.load_workbook(out)[sheet_names(report)[0][0]]
    assert ws["C7"].value == "=SUM(C5:C6)"  # picks up the member count the user types in C6
    assert ws["D7"].value == pytest.approx(0.25) and ws["D7"].number_format == "0.0 %"
    assert ws["C6"].value is None and ws["D6"].value is None and ws["E6"].value == FILL_IN_NOTE


def test_xlsx_records_sheets(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    _, lists = sheet_names(REPORT, vi, RECORDS)
    classes = wb[lists["classes"]]
    assert classes["A1"].value == (
        "Danh sách hồ sơ được tính (I. Lớp học và chuyên đề theo loại hình)"
    )
    assert wb[lists["dues"]]["A1"].value == "Danh sách hồ sơ được tính (III. Quỹ khuyến học)"
    assert [classes.cell(row=4, column=c).value for c in range(1, 5)] == RECORDS["classes"][0]
    body = [classes.cell(row=r, column=1).value for r in range(5, 5 + 20)]
    assert body == [f"L{i:02d}" for i in range(1, 21)]
    # The records behind "Number" of classes count to its total.
    assert len(body) == 20 == CLASSES.rows[-1][1][0].value
    assert classes["D5"].value == dt.datetime(2026, 3, 1)
    dues = wb[lists["dues"]]
    assert dues["A5"].value == "=1+1" and dues["A5"].data_type == "s"  # a name, not a formula
    assert dues["B6"].value == 1_000_000


def test_xlsx_of_an_office_and_of_an_empty_period(tmp_path: Path) -> None:
    office = tmp_path / "office.xlsx"
    render_xlsx(OFFICE, office, HEADER, translate=vi)
    wb = openpyxl.load_workbook(office)
    assert wb.sheetnames == [INFO_SHEET, *sheet_names(OFFICE, vi)[0]]
    info = wb[INFO_SHEET]
    rows = [[c.value for c in row] for row in info.iter_rows()]
    assert ["S-A", "TTHTCĐ xã Tân Phú", dt.datetime(2026, 11, 12)] in rows
    assert ["S-B", "TTHTCĐ xã Phú Lộc", "chưa nhận"] in rows
    sheet = wb[sheet_names(OFFICE, vi)[0][0]]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("TTHTCĐ xã Phú Lộc chưa nhận" in t for t in texts)

    empty = tmp_path / "empty.xlsx"
    render_xlsx(EMPTY, empty, HEADER)
    wb = openpyxl.load_workbook(empty)
    assert wb.sheetnames == [INFO_SHEET]
    assert NO_DATA_SENTENCE in [c.value for row in wb[INFO_SHEET].iter_rows() for c in row]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_evaluates_the_totals_to_the_sum(workbook: Path, tmp_path: Path) -> None:
    assert SOFFICE is not None
    name = sheet_names(REPORT, vi)[0][0]
    # Only the table's sheet, first, so the CSV export (first sheet only) is the table.
    single = tmp_path / "classes.xlsx"
    wb = openpyxl.load_workbook(workbook)
    for other in [s for s in wb.sheetnames if s != name]:
        del wb[other]
    wb.save(single)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path),
         str(single)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with open(tmp_path / "classes.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    total = next(row for row in rows if row[1] == "Tổng cộng")
    numbers = [int(v.replace(",", "").replace(".", "")) for v in total[2:4]]
    assert numbers == [3 + 12 + 5, 1234 + 10456 + 789]
    assert numbers == [CLASSES.rows[-1][1][0].value, CLASSES.rows[-1][1][1].value]


@needs_poppler
def test_a_wide_table_fits_the_portrait_page(tmp_path: Path) -> None:
    """Eight value columns (age bands by sex, total, share) still fit A4 portrait."""
    bands = [f"Nhóm tuổi {b} {s}" for b in ("15-35", "15-60", "trên 60") for s in ("Nam", "Nữ")]
    columns = (*bands, "Tổng số người học", "Tỷ lệ so với dân số")
    wide = ReportTable(
        key="wide",
        title="Người học theo thôn, giới tính và nhóm tuổi",
        columns=columns,
        rows=tuple(
            (f"Thôn {i}", tuple(
                fig(f"w{i}.{c}", 33.3, "percent") if c == 7 else fig(f"w{i}.{c}", 12_345 + c)
                for c in range(8)
            ))
            for i in range(1, 6)
        ),
    )  # fmt: skip
    report = AnnualReport(
        kind="annual", period_from=dt.date(2026, 1, 1), period_to=dt.date(2026, 12, 31),
        sites=(), site_dates=(), tables=(wide,), empty=False,
    )  # fmt: skip
    out = tmp_path / "wide.pdf"
    assert render_pdf(report, out, HEADER) == 1
    text = text_of(out)
    for i in range(1, 6):
        assert f"Thôn {i} 12.345 12.346 12.347 12.348 12.349 12.350 12.351 33,3 %" in text
    assert right_edge(out) <= RIGHT_MARGIN_X  # the last column ends inside the margin
