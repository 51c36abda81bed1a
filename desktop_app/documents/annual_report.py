"""The annual report of a centre (báo cáo kết quả hoạt động năm) and the Khuyến học yearly
summary, as a PDF in the official layout and as an xlsx workbook with real formulas.

Both take the figures as `core.annual_report.AnnualReport` (plain data, read by a service)
and never touch the database. The PDF is A4 portrait with the Decree 30 header (issuing body,
national title, number, place and date), the title and the period, each table as a numbered
section, and the signature block; pages are numbered from page 2 in the top margin. The xlsx
has a first "Thông tin" sheet (header fields, period, the centres covered), one sheet per
table whose total rows are `=SUM(...)` formulas, and, when the caller gives them, the lists
of the records counted.

Labels in the report are msgids: the caller passes `translate` (the Vietnamese catalogue) so
the paper reads in Vietnamese; the fixed wording of the document itself (period line,
footnote, "Nơi nhận") is Vietnamese, as on every official paper the app prints.

Numbers print the Vietnamese way: 1.234 people, "1.250.000 đ", "12,5 %". A figure the
records cannot answer (value None) prints as a dotted blank with a footnote, to be filled in
by hand; in the xlsx its cell is left empty with a comment and "tự điền" in the note column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop_app.core.annual_report import AnnualReport, Figure, ReportTable
from desktop_app.core.dates import place_date_line
from desktop_app.core.money import format_amount
from desktop_app.documents.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts
from desktop_app.documents.fund_reports import _build, _Page, _table_style
from desktop_app.documents.keep import KeepTail
from desktop_app.documents.official import (
    OFFICIAL_MARGINS,
    TEXT_SIZE,
    Issuer,
    draw_official_header,
    draw_signature_block,
    nfc,
    upper,
)
from desktop_app.documents.output import atomic_output

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "BLANK",
    "FILL_IN_NOTE",
    "MISSING_FOOTNOTE",
    "NO_DATA_SENTENCE",
    "ReportHeader",
    "format_figure",
    "period_line",
    "render_pdf",
    "render_xlsx",
    "sheet_names",
    "site_dates_line",
]

BLANK = "……"
MISSING_MARK = "(*)"
MISSING_FOOTNOTE = "(*) Số liệu chưa có trong hồ sơ, đơn vị tự điền."
FILL_IN_NOTE = "tự điền"
NO_DATA_SENTENCE = "Trong kỳ báo cáo, hồ sơ của đơn vị không có số liệu nào."
NOT_RECEIVED = "chưa nhận"
LABEL_HEADING = "Nội dung"
NOTE_HEADING = "Ghi chú"
INFO_SHEET = "Thông tin"
RECORDS_SHEET = "Danh sách"
# The lists' sheets, by the trace key of the figures counted from them.
RECORD_SHEETS = {
    "classes": "DS lớp học",
    "learners": "DS người học",
    "literacy": "DS xóa mù chữ",
    "members": "DS hội viên",
    "fund_entries": "DS phiếu thu chi",
    "scholarships": "DS học bổng",
    "branches": "DS chi hội",
}

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


@dataclass(frozen=True)
class ReportHeader:
    """What the paper says about itself, typed by the user or taken from the centre profile.

    `issuer_parent` "UBND XÃ TÂN PHÚ" over `issuer` "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG" (printed in
    capitals however typed); `number` "Số: 12/BC-TTHTCĐ" or just "12/BC-TTHTCĐ"; `place`
    "Tân Phú" and `day` make the italic place-and-date line; `title` "BÁO CÁO KẾT QUẢ HOẠT
    ĐỘNG NĂM 2026"; `recipients` the bodies under "Kính gửi" (one per line; a leading
    "Kính gửi:" is allowed); `signer_title` "GIÁM ĐỐC" or, signing for a board, two lines
    "TM. BAN GIÁM ĐỐC\\nGIÁM ĐỐC"; `signer_name` as the person writes it.
    """

    issuer_parent: str
    issuer: str
    number: str
    place: str
    day: dt.date
    title: str
    recipients: str = ""
    signer_title: str = ""
    signer_name: str = ""

    @property
    def bare_number(self) -> str:
        """The number without its "Số:" label (the header prints the label)."""
        return re.sub(r"^\s*số\s*:?\s*", "", nfc(self.number), flags=re.IGNORECASE).strip()

    @property
    def place_date(self) -> str:
        return place_date_line(self.place, self.day)

    @property
    def recipient_lines(self) -> list[str]:
        text = re.sub(r"^\s*kính gửi\s*:?\s*", "", nfc(self.recipients), flags=re.IGNORECASE)
        lines = (line.strip().lstrip("-").strip().rstrip(";.").strip() for line in text.split("\n"))
        return [_clean(line) for line in lines if line]


Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _clean(text: str) -> str:
    return nfc(" ".join(str(text).split()))


# --------------------------------------------------------------------------------------------
# Wording shared by the PDF and the xlsx


def _decimal(value: float, places: int) -> str:
    """Vietnamese decimals: dots group the thousands, a comma before the decimals."""
    text = f"{abs(value):,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if places and "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"-{text}" if value < 0 and text.strip("0.,") else text


def format_figure(figure: Figure) -> str:
    """A figure as printed: "1.234", "1.250.000 đ", "12,5 %", a dotted blank when unknown."""
    value = figure.value
    if value is None:
        return BLANK
    if figure.unit == "percent":
        return f"{_decimal(float(value), 1) if value else '0'} %"
    if isinstance(value, float) and not value.is_integer():
        number = _decimal(value, 2)
    else:
        number = format_amount(int(value))
    return f"{number} đ" if figure.unit == "money" else number


def period_line(report: AnnualReport) -> str:
    return f"Từ ngày {report.period_from:%d/%m/%Y} đến ngày {report.period_to:%d/%m/%Y}"


def site_dates_line(report: AnnualReport) -> str:
    """At an office: how current each centre's figures are (its latest bundle received)."""
    if not report.site_dates:
        return ""
    parts = [
        f"{_clean(name) or site} {day:%d/%m/%Y}"
        if day
        else f"{_clean(name) or site} {NOT_RECEIVED}"
        for site, name, day in report.site_dates
    ]
    return (
        "Số liệu của các trung tâm tính đến ngày nhận gói dữ liệu gần nhất: "
        + "; ".join(parts)
        + "."
    )


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def _has_missing(table: ReportTable) -> bool:
    return any(f.value is None for _, figures in table.rows for f in figures)


def _width(table: ReportTable) -> int:
    return max(len(table.columns), *(len(figures) for _, figures in table.rows), 0)


# --------------------------------------------------------------------------------------------
# PDF


def _styles(size: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("cell", fontName=REGULAR, fontSize=size, leading=size * 1.2)
    text = ParagraphStyle(
        "text", fontName=REGULAR, fontSize=TEXT_SIZE, leading=TEXT_SIZE * 1.3, alignment=TA_JUSTIFY
    )
    return {
        "cell": base,
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", fontName=BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "period": ParagraphStyle(
            "period", fontName=ITALIC, fontSize=TEXT_SIZE, leading=17, alignment=TA_CENTER
        ),
        "recipients": ParagraphStyle("recipients", parent=text, alignment=TA_CENTER, spaceBefore=4),
        "section": ParagraphStyle(
            "section",
            parent=text,
            fontName=BOLD,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "text": text,
        "note": ParagraphStyle(
            "note", fontName=ITALIC, fontSize=11, leading=13.5, spaceBefore=2, alignment=TA_JUSTIFY
        ),
    }


def _issuer(header: ReportHeader) -> Issuer:
    return Issuer(name=header.issuer, parent=header.issuer_parent)


def _title_block(
    report: AnnualReport, header: ReportHeader, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(escape(upper(header.title)), styles["title"]),
        Paragraph(escape(f"({period_line(report)})"), styles["period"]),
    ]
    recipients = header.recipient_lines
    if len(recipients) == 1:
        story.append(Paragraph(escape(f"Kính gửi: {recipients[0]}."), styles["recipients"]))
    elif recipients:
        lines = [f"- {r};" for r in recipients[:-1]] + [f"- {recipients[-1]}."]
        story.append(
            Paragraph("Kính gửi:<br/>" + "<br/>".join(map(escape, lines)), styles["recipients"])
        )
    story.append(Spacer(1, 4 * mm))
    return story


def _cell_text(figure: Figure) -> str:
    text = format_figure(figure)
    return f"{text} {MISSING_MARK}" if figure.value is None else text


def _number_width(table: ReportTable, size: float) -> float:
    widest = max(stringWidth("STT", BOLD, size), stringWidth(str(len(table.rows)), REGULAR, size))
    return float(widest) + 9


def _column_widths(
    table: ReportTable, size: float, content: float, translate: Translate, least: float
) -> tuple[list[float], float] | None:
    """STT, label, value columns: each value column as wide as its widest entry (its
    heading may wrap at words), the label the rest; None when the label would get too little."""
    number_w = _number_width(table, size)
    values: list[float] = []
    for c in range(_width(table)):
        heading = translate(table.columns[c]) if c < len(table.columns) else ""
        word = max((stringWidth(w, BOLD, size) for w in _clean(heading).split()), default=0.0)
        cells = [
            stringWidth(_cell_text(figures[c]), BOLD, size)
            for _, figures in table.rows
            if c < len(figures)
        ]
        natural = max([word, *cells, size * 1.3 * mm]) + 9
        # A heading up to three lines at most.
        whole = stringWidth(_clean(heading), BOLD, size) / 3 + 9
        values.append(max(natural, min(whole, 40 * mm)))
    label = content - number_w - sum(values)
    if label < least:
        return None
    return [number_w, label, *values], size


def _table(
    table: ReportTable, styles_for: Callable[[float], dict[str, ParagraphStyle]],
    content: float, translate: Translate,
) -> Table:  # fmt: skip
    # The body size drops a little for wide tables before the columns are shared out evenly.
    layout = None
    # A wide table first gets a smaller size, then a narrower label column.
    for size, least in ((12.0, 40), (11.0, 40), (10.0, 40), (10.0, 28), (9.0, 28), (8.0, 28)):
        layout = _column_widths(table, size, content, translate, least * mm)
        if layout is not None:
            break
    if layout is None:
        size = 8.0
        count = _width(table)
        number_w = _number_width(table, size)
        rest = content - number_w
        widths = [number_w, rest * 0.3, *([rest * 0.7 / max(1, count)] * count)]
    else:
        widths, size = layout
    styles = styles_for(size)
    head, cell, bold = styles["head"], styles["cell"], styles["cell_bold"]
    count = _width(table)
    rows: list[list[Any]] = [
        [
            "STT",
            Paragraph(LABEL_HEADING, head),
            *(
                Paragraph(escape(_clean(translate(table.columns[c]))), head)
                if c < len(table.columns)
                else ""
                for c in range(count)
            ),
        ]
    ]
    total_row = len(table.rows) if table.total and table.rows else None
    for number, (label, figures) in enumerate(table.rows, start=1):
        is_total = number == total_row
        texts = [_cell_text(f) for f in figures]
        texts += [""] * (count - len(texts))
        rows.append(
            [
                "" if is_total else str(number),
                Paragraph(escape(_clean(translate(label))), bold if is_total else cell),
                *texts,
            ]
        )
    style: list[tuple[Any, ...]] = [
        *_table_style(1, size),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
    ]
    if total_row is not None:
        style.append(("FONTNAME", (2, total_row), (-1, total_row), BOLD))
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


class _Closing(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """ "Nơi nhận" at the left, the signer (with room to sign and stamp) at the right."""

    _COLUMN = 80 * mm
    _SIGNING = 26 * mm

    def __init__(self, header: ReportHeader) -> None:
        super().__init__()
        self.header = header
        lines = [_clean(line) for line in header.signer_title.split("\n") if line.strip()]
        self.position = lines[-1] if lines else ""
        self.authority = " ".join(lines[:-1])
        self.recipients = [f"- {r};" for r in header.recipient_lines] + ["- Lưu: VT."]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        signer = TEXT_SIZE * 1.2 * (2 if self.authority else 1) + self._SIGNING + TEXT_SIZE
        left = 12 * 1.3 + len(self.recipients) * 11 * 1.25
        self.height = max(signer, left) + 4
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        top = self.height
        baseline = top - float(getAscent(BOLD_ITALIC, 12))
        canvas.setFont(BOLD_ITALIC, 12)
        canvas.drawString(0, baseline, "Nơi nhận:")
        canvas.setFont(REGULAR, 11)
        for line in self.recipients:
            baseline -= 11 * 1.25
            canvas.drawString(0, baseline, line)
        if self.position or self.header.signer_name.strip():
            draw_signature_block(
                canvas,
                self.width - self._COLUMN / 2,
                top,
                position=self.position,
                name=self.header.signer_name,
                authority=self.authority,
                signing_space=self._SIGNING,
            )


def render_pdf(
    report: AnnualReport,
    out: Path,
    header: ReportHeader,
    *,
    translate: Translate | None = None,
) -> int:
    """Write the report to `out` (whole or not at all); return the page count.

    `translate` turns the report's msgids (table titles, columns, row labels) into the
    words printed; without it they print as given. A report with no data in the period
    prints one sentence saying so instead of the tables.
    """
    register_fonts()
    tr = translate or _same
    page = _Page(A4, OFFICIAL_MARGINS)
    content = page.size[0] - page.margins.left - page.margins.right
    styles = _styles(12.0)
    story: list[Flowable] = _title_block(report, header, styles)
    tail: list[Flowable] = []
    sites = site_dates_line(report)
    if sites:
        tail.append(Spacer(1, 3 * mm))
        tail.append(Paragraph(escape(sites), styles["note"]))
    tail += [Spacer(1, 6 * mm), _Closing(header)]
    if report.empty or not report.tables:
        story.append(KeepTogether([Paragraph(escape(NO_DATA_SENTENCE), styles["text"]), *tail]))
    else:
        last = len(report.tables)
        for number, table in enumerate(report.tables, start=1):
            heading = Paragraph(
                escape(f"{_roman(number)}. {_clean(tr(table.title))}"), styles["section"]
            )
            # A heading never ends a page: it goes over with its table's first rows.
            story += [CondPageBreak(40 * mm), heading]
            notes = (
                [Paragraph(escape(MISSING_FOOTNOTE), styles["note"])] if _has_missing(table) else []
            )
            flowable = _table(table, _styles, content, tr)
            if number < last:
                story += [flowable, *notes]
            else:
                # The last rows go over with the signature rather than leave it alone.
                story.append(KeepTail(flowable, [*notes, *tail], rows=2))

    def draw_header(canvas: Canvas) -> float:
        layout = draw_official_header(
            canvas,
            _issuer(header),
            number=header.bare_number,
            place_date=header.place_date,
            page_size=page.size,
            margins=page.margins,
        )
        return layout.bottom

    return _build(out, page, draw_header, story, title=header.title, author=header.issuer)


# --------------------------------------------------------------------------------------------
# xlsx

_FONT = "Times New Roman"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"
MONEY_FORMAT = '#,##0 "đ"'
PERCENT_FORMAT = "0.0 %"
DATE_FORMAT = "dd/mm/yyyy"
_SHEET_MAX = 31
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = _SHEET_BAD.sub(" ", _clean(text)).strip("' ") or "Bảng"
    base = " ".join(base[:_SHEET_MAX].split())
    name, n = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        name = base[: _SHEET_MAX - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(name)
    return name


def sheet_names(
    report: AnnualReport,
    translate: Translate | None = None,
    records: Mapping[str, object] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The names render_xlsx gives the table sheets (in order) and the records sheets (by
    trace key): tests and callers find the sheets by them."""
    tr = translate or _same
    taken = {INFO_SHEET}
    tables = (
        []
        if report.empty
        else [
            _sheet_name(f"{n}. {tr(t.title)}", taken) for n, t in enumerate(report.tables, start=1)
        ]
    )
    keys = list(records or {})
    if len(keys) == 1:
        lists = {keys[0]: _sheet_name(RECORDS_SHEET, taken)}
    else:
        lists = {key: _sheet_name(RECORD_SHEETS.get(key, f"DS {key}"), taken) for key in keys}
    return tables, lists


def _put(ws: Worksheet, row: int, column: int, value: Any, **style: Any) -> Any:
    from openpyxl.styles import Font

    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _clean(value) if "\n" not in value else nfc(value)
        # A name typed "=1+1" stays text: Excel would run it as a formula.
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    cell.font = style.pop("font", None) or Font(name=_FONT, size=12)
    for key, setting in style.items():
        setattr(cell, key, setting)
    return cell


def _font(bold: bool = False, italic: bool = False, size: float = 12) -> Any:
    from openpyxl.styles import Font

    return Font(name=_FONT, bold=bold, italic=italic, size=size)


def _number_format(figure: Figure) -> str:
    if figure.unit == "percent":
        return PERCENT_FORMAT
    if figure.unit == "money":
        return MONEY_FORMAT
    if isinstance(figure.value, float) and not figure.value.is_integer():
        return DECIMAL_FORMAT
    return COUNT_FORMAT


def _cell_value(figure: Figure) -> int | float | None:
    value = figure.value
    if value is None:
        return None
    if figure.unit == "percent":
        return float(value) / 100  # Excel's "%" format shows the fraction times 100
    if isinstance(value, float) and value.is_integer() and figure.unit != "":
        return int(value)
    return value


def _info_sheet(ws: Worksheet, report: AnnualReport, header: ReportHeader) -> None:
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    title = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _put(ws, 1, 1, upper(header.title), font=_font(bold=True, size=14), alignment=title)
    ws.merge_cells("A1:C1")
    ws.row_dimensions[1].height = 40
    fields: list[tuple[str, Any]] = [
        ("Cơ quan chủ quản", upper(header.issuer_parent)),
        ("Đơn vị báo cáo", upper(header.issuer)),
        ("Số", header.bare_number),
        ("Tên báo cáo", upper(header.title)),
        ("Từ ngày", report.period_from),
        ("Đến ngày", report.period_to),
        ("Địa danh, ngày tháng", header.place_date),
        ("Kính gửi", "; ".join(header.recipient_lines)),
        ("Người ký", " ".join(header.signer_title.split())),
        ("Họ và tên người ký", header.signer_name),
    ]
    row = 3
    for label, value in fields:
        _put(ws, row, 1, label, font=_font(bold=True), alignment=wrap)
        _put(ws, row, 2, value, alignment=Alignment(horizontal="left", vertical="top"))
        row += 1
    if report.empty or not report.tables:
        row += 1
        _put(ws, row, 1, NO_DATA_SENTENCE, font=_font(italic=True))
    if report.site_dates:
        row += 1
        _put(ws, row, 1, "Các trung tâm trong báo cáo", font=_font(bold=True))
        row += 1
        for column, title in enumerate(("Mã trung tâm", "Tên trung tâm", "Gói dữ liệu gần nhất")):
            _put(ws, row, column + 1, title, font=_font(bold=True))
        for site, name, day in report.site_dates:
            row += 1
            _put(ws, row, 1, site)
            _put(ws, row, 2, name)
            _put(ws, row, 3, day if day is not None else NOT_RECEIVED)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["C"].width = 22
    _print_setup(ws)


def _table_sheet(
    ws: Worksheet,
    report: AnnualReport,
    table: ReportTable,
    number: int,
    translate: Translate,
    links: Mapping[str, str],
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center")
    count = _width(table)
    note_column = 3 + count
    title = f"{_roman(number)}. {_clean(translate(table.title))}"
    _put(ws, 1, 1, title, font=_font(bold=True, size=13))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=note_column)
    _put(ws, 2, 1, period_line(report), font=_font(italic=True))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=note_column)
    head = 4
    headings = [
        "STT",
        LABEL_HEADING,
        *(translate(table.columns[c]) if c < len(table.columns) else "" for c in range(count)),
        NOTE_HEADING,
    ]
    for column, text in enumerate(headings, start=1):
        _put(ws, head, column, text, font=_font(bold=True), alignment=centre, border=box)
    first = head + 1
    last_body = head + len(table.rows) - (1 if table.total and table.rows else 0)
    for i, (label, figures) in enumerate(table.rows):
        row = first + i
        is_total = table.total and i == len(table.rows) - 1
        _put(ws, row, 1, None if is_total else i + 1, alignment=centre, border=box)
        _put(ws, row, 2, translate(label), font=_font(bold=is_total), alignment=wrap, border=box)
        missing: list[str] = []
        for c in range(count):
            column = 3 + c
            figure = figures[c] if c < len(figures) else None
            if figure is None:
                _put(ws, row, column, None, border=box)
                continue
            letter = get_column_letter(column)
            use_sum = is_total and figure.unit != "percent"
            value: Any = f"=SUM({letter}{first}:{letter}{last_body})" if use_sum else None
            if value is None:
                value = _cell_value(figure)
            cell = ws.cell(row=row, column=column)
            cell.value = value  # a formula stays a formula here (never text)
            cell.font = _font(bold=is_total)
            cell.border = box
            cell.alignment = right
            cell.number_format = _number_format(figure)
            if figure.value is None and not use_sum:
                missing.append(translate(figure.label) or figure.key)
                cell.comment = Comment(
                    f"{MISSING_FOOTNOTE[4:]} ({_clean(translate(figure.label))})", "tthtcd"
                )
            # A figure of a part ("learners|sex=F") links to the whole list it is counted in.
            sheet = links.get(figure.records) or links.get(figure.records.partition("|")[0])
            if sheet and figure.value is not None and not use_sum:
                # Each figure opens the list of the records it counts.
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1")
        note = FILL_IN_NOTE if missing else None
        _put(ws, row, note_column, note, font=_font(italic=True), alignment=centre, border=box)
    row = first + len(table.rows) + 1
    if _has_missing(table):
        _put(ws, row, 1, MISSING_FOOTNOTE, font=_font(italic=True, size=11))
        row += 1
    sites = site_dates_line(report)
    if sites:
        _put(ws, row, 1, sites, font=_font(italic=True, size=11))
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 48
    for c in range(count):
        ws.column_dimensions[get_column_letter(3 + c)].width = 18
    ws.column_dimensions[get_column_letter(note_column)].width = 12
    ws.freeze_panes = ws.cell(row=first, column=3)
    ws.print_title_rows = f"{head}:{head}"
    _print_setup(ws)


def _print_setup(ws: Worksheet) -> None:
    """A4 portrait, one page wide and as many tall as needed."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _records_sheet(
    ws: Worksheet, key: str, rows: Sequence[Sequence[object]], report: AnnualReport,
    translate: Translate,
) -> None:  # fmt: skip
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    # Which tables count these records (the figures link here one by one).
    titles = [
        f"{_roman(n)}. {_clean(translate(t.title))}"
        for n, t in enumerate(report.tables, start=1)
        if any(f.records.partition("|")[0] == key for _, figures in t.rows for f in figures)
    ]
    heading = "Danh sách hồ sơ được tính" + (f" ({'; '.join(titles)})" if titles else "")
    _put(ws, 1, 1, heading, font=_font(bold=True, size=13))
    _put(ws, 2, 1, f"{period_line(report)} (mã: {key})", font=_font(italic=True))
    head = 4
    columns = max((len(r) for r in rows), default=0)
    widths = [8.0] * columns
    for i, values in enumerate(rows):
        row = head + i
        for column, value in enumerate(values, start=1):
            shown: Any = value
            if value is not None and not isinstance(value, int | float | dt.date | str):
                shown = str(value)
            _put(
                ws,
                row,
                column,
                shown,
                font=_font(bold=i == 0),
                alignment=Alignment(wrap_text=i == 0, vertical="center"),
            )
            widths[column - 1] = min(45.0, max(widths[column - 1], len(str(shown or "")) + 2))
    if rows:
        ws.freeze_panes = ws.cell(row=head + 1, column=1)
        ws.auto_filter.ref = f"A{head}:{get_column_letter(max(1, columns))}{head + len(rows) - 1}"
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    if rows:
        ws.print_title_rows = f"{head}:{head}"
    _print_setup(ws)


def render_xlsx(
    report: AnnualReport,
    out: Path,
    header: ReportHeader,
    records: Mapping[str, Sequence[Sequence[object]]] | None = None,
    *,
    translate: Translate | None = None,
) -> None:
    """Write the workbook to `out` (whole or not at all).

    Sheets: "Thông tin" (the header fields, the period, the centres covered with the date of
    each one's latest bundle), then one sheet per table (names from `sheet_names`): title,
    period, a header row, the rows as real numbers (#,##0; money #,##0 "đ"; percent 0.0 %,
    stored as the fraction), and for a `total` table a last row of `=SUM(...)` formulas over
    the rows above (a percent column keeps its figure: percentages do not add up). A figure
    the records cannot answer is an empty cell with a comment and "tự điền" in the note
    column; the total's formula picks up what the user types there.

    `records` maps a trace key (Figure.records) to the records counted: its first row is
    the column headings, the rest one record each. Each key gets a sheet ("Danh sách" when
    there is only one), and every figure counted from it links to that sheet. The caller
    chooses the columns and must leave out sensitive fields (CCCD numbers, phone numbers,
    health or family circumstances) unless the user has confirmed them: this writer prints
    whatever it is given.
    """
    from openpyxl import Workbook

    tr = translate or _same
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    _info_sheet(info, report, header)
    tables, lists = sheet_names(report, tr, records)
    for number, (table, name) in enumerate(zip(report.tables, tables, strict=False), start=1):
        _table_sheet(wb.create_sheet(name), report, table, number, tr, lists)
    for key, name in lists.items():
        _records_sheet(wb.create_sheet(name), key, (records or {})[key], report, tr)
    with atomic_output(out) as part:
        wb.save(part)
