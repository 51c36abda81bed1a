"""Class lists on paper: the roster of a course, and the blank attendance sheet for marking.

Both follow the official layout (Decree 30/2020): issuing body and national title on page 1,
Arabic page numbers centred in the top margin from page 2 on, the place-and-date line and the
signature block at the end. Tables repeat their header row on every page, so a loose page of
a 60-person list can still be read.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop_app import __version__
from desktop_app.documents.fonts import BOLD, ITALIC, REGULAR, register_fonts
from desktop_app.documents.keep import KeepTail
from desktop_app.documents.official import (
    OFFICIAL_MARGINS,
    TEXT_SIZE,
    Issuer,
    Margins,
    SignatureFlowable,
    draw_centred,
    draw_official_header,
    nfc,
)
from desktop_app.documents.output import atomic_output

__all__ = [
    "SESSIONS_PER_PAGE",
    "RosterHeader",
    "RosterRow",
    "render_attendance_sheet",
    "render_roster",
]

FEMALE = "Nữ"
TABLE_SIZE = 12.0  # table text: a size smaller than the body so seven columns fit
# The sheet's grid is for pen marks: wide enough for a tick, as many sessions as fit.
SESSION_COLUMN_MIN = 7 * mm
SESSION_COLUMN_MAX = 11 * mm
# Landscape pages are bound on the short side, so the decree's 30 mm binding margin is not
# needed on the left; the width goes to the session columns instead.
SHEET_MARGINS = Margins(top=15 * mm, bottom=15 * mm, left=20 * mm, right=15 * mm)
_SHEET_FIXED_WIDTH = (11 + 52 + 15 + 30 + 13) * mm  # STT, name, year, hamlet, total
SESSIONS_PER_PAGE = int(
    (landscape(A4)[0] - SHEET_MARGINS.left - SHEET_MARGINS.right - _SHEET_FIXED_WIDTH)
    // SESSION_COLUMN_MIN
)
_PAGE_NUMBER_SIZE = 13.0
_SIGNING_SPACE = 25 * mm


@dataclass(frozen=True)
class RosterHeader:
    """What the top and the end of a class list say. Empty fields are left out."""

    issuer_parent: str  # "UBND xã Đông Hòa"
    issuer: str  # "Trung tâm học tập cộng đồng"
    title: str  # "DANH SÁCH HỌC VIÊN"
    course_title: str
    type_name: str  # "Chuyên đề", "Lớp xóa mù chữ"...
    dates: str  # "05/01/2026 - 05/02/2026"
    presenter: str
    venue: str
    place_date: str  # "Xã Đông Hòa, ngày 05 tháng 02 năm 2026"
    signer_title: str  # "Giám đốc"
    signer_name: str


@dataclass(frozen=True)
class RosterRow:
    full_name: str
    sex: str  # "Nam", "Nữ" or ""
    birth: str  # "07/03/1985" or "1985"
    hamlet: str
    attended: int | None
    sessions: int | None
    result: str


# --------------------------------------------------------------------------------------------
# Shared pieces


def _styles(size: float) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle(
            "title", fontName=BOLD, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=4
        ),
        "info": ParagraphStyle("info", fontName=REGULAR, fontSize=TEXT_SIZE, leading=17),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=size, leading=size * 1.2),
        "head": ParagraphStyle(
            "head", fontName=BOLD, fontSize=size, leading=size * 1.2, alignment=TA_CENTER
        ),
        "centre": ParagraphStyle(
            "centre", fontName=REGULAR, fontSize=size, leading=size * 1.2, alignment=TA_CENTER
        ),
        "total": ParagraphStyle(
            "total", fontName=BOLD, fontSize=TEXT_SIZE, leading=17, alignment=TA_LEFT
        ),
        "note": ParagraphStyle("note", fontName=ITALIC, fontSize=11, leading=14),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads markup: a name with "&" or "<" in it must not be taken for a tag.
    return Paragraph(escape(nfc(" ".join(text.split()))), style)


def _info_lines(header: RosterHeader, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    lines = [
        ("Khóa học", header.course_title),
        ("Loại hình", header.type_name),
        ("Thời gian", header.dates),
        ("Giảng viên/Báo cáo viên", header.presenter),
        ("Địa điểm", header.venue),
    ]
    out: list[Flowable] = []
    for label, value in lines:
        if value.strip():
            text = f"{escape(label)}: <b>{escape(nfc(' '.join(value.split())))}</b>"
            out.append(Paragraph(text, styles["info"]))
    return out


def _measure_header(issuer: Issuer, page_size: tuple[float, float], margins: Margins) -> float:
    """Where the body may start on page 1: the header drawn once on a scratch canvas."""
    scratch = Canvas(io.BytesIO(), pagesize=page_size, initialFontName=REGULAR)
    return float(draw_official_header(scratch, issuer, page_size=page_size, margins=margins).bottom)


def _build(
    out: Path,
    story: list[Flowable],
    *,
    issuer: Issuer,
    title: str,
    page_size: tuple[float, float],
    margins: Margins,
) -> None:
    """Lay the story out on official pages and write `out` (complete or not at all)."""
    register_fonts()
    width, height = page_size
    header_bottom = _measure_header(issuer, page_size, margins)
    body_width = width - margins.left - margins.right
    first = Frame(
        margins.left,
        margins.bottom,
        body_width,
        header_bottom - 4 * mm - margins.bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="first",
    )
    later = Frame(
        margins.left,
        margins.bottom,
        body_width,
        height - margins.top - margins.bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="later",
    )

    def on_first(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        draw_official_header(canvas, issuer, page_size=page_size, margins=margins)

    def on_later(canvas: Canvas, doc: BaseDocTemplate) -> None:
        # Decree 30: Arabic page numbers, centred in the top margin, none on page 1.
        draw_centred(
            canvas,
            str(doc.page),
            width / 2,
            height - margins.top / 2 - _PAGE_NUMBER_SIZE / 3,
            REGULAR,
            _PAGE_NUMBER_SIZE,
        )

    with atomic_output(out) as part:
        doc = BaseDocTemplate(
            str(part),
            pagesize=page_size,
            leftMargin=margins.left,
            rightMargin=margins.right,
            topMargin=margins.top,
            bottomMargin=margins.bottom,
            title=nfc(title),
            author=nfc(issuer.name),
            creator=f"tthtcd {__version__}",
            # Without this reportlab declares Helvetica on every page: a font we do not embed.
            initialFontName=REGULAR,
        )
        doc.addPageTemplates(
            [
                PageTemplate(id="first", frames=[first], onPage=on_first, pagesize=page_size),
                PageTemplate(id="later", frames=[later], onPage=on_later, pagesize=page_size),
            ]
        )
        doc.build([NextPageTemplate("later"), *story])


def _grid_style(header_rows: int, size: float) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), REGULAR, size),
        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, size),
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        ("ALIGN", (0, header_rows), (0, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]


# --------------------------------------------------------------------------------------------
# Roster


def _attendance(row: RosterRow) -> str:
    if row.attended is None:
        return ""
    if row.sessions is None:
        return str(row.attended)
    return f"{row.attended}/{row.sessions}"


def _is_female(sex: str) -> bool:
    return unicodedata.normalize("NFC", sex.strip()).casefold() == FEMALE.casefold()


def totals_line(rows: Sequence[RosterRow]) -> str:
    """'Tổng số: 60 học viên, trong đó nữ: 32'."""
    female = sum(1 for row in rows if _is_female(row.sex))
    return f"Tổng số: {len(rows)} học viên, trong đó nữ: {female}"


def render_roster(header: RosterHeader, rows: Sequence[RosterRow], out: Path) -> None:
    """The class list: portrait A4, one line per learner, totals, signature."""
    register_fonts()
    styles = _styles(TABLE_SIZE)
    margins = OFFICIAL_MARGINS
    body_width = A4[0] - margins.left - margins.right
    fixed = [11 * mm, 15 * mm, 22 * mm, 28 * mm, 16 * mm, 21 * mm]  # all but the name
    widths = [fixed[0], body_width - sum(fixed), *fixed[1:]]

    head = [
        _para(text, styles["head"])
        for text in (
            "STT",
            "Họ và tên",
            "Giới tính",
            "Năm sinh/ Ngày sinh",
            "Thôn",
            "Số buổi dự",
            "Kết quả",
        )
    ]
    data: list[list[Any]] = [head]
    for number, row in enumerate(rows, start=1):
        data.append(
            [
                str(number),
                _para(row.full_name, styles["cell"]),
                _para(row.sex, styles["centre"]),
                _para(row.birth, styles["centre"]),
                _para(row.hamlet, styles["cell"]),
                _attendance(row),
                _para(row.result, styles["centre"]),
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1)
    style = _grid_style(1, TABLE_SIZE)
    style.append(("ALIGN", (5, 1), (5, -1), "CENTER"))
    table.setStyle(TableStyle(style))

    story: list[Flowable] = [
        _para(header.title.upper(), styles["title"]),
        *_info_lines(header, styles),
        Spacer(1, 4 * mm),
        # The last learners and the totals go over with the signature: never a page of
        # signature alone.
        KeepTail(
            table,
            [
                Spacer(1, 3 * mm),
                Paragraph(escape(totals_line(rows)), styles["total"]),
                Spacer(1, 4 * mm),
                SignatureFlowable(
                    header.place_date,
                    header.signer_title,
                    header.signer_name,
                    column=90 * mm,
                    signing_space=_SIGNING_SPACE,
                ),
            ],
            rows=2,
        ),
    ]
    _build(
        out,
        story,
        issuer=Issuer(name=header.issuer, parent=header.issuer_parent),
        title=header.title,
        page_size=A4,
        margins=margins,
    )


# --------------------------------------------------------------------------------------------
# Attendance sheet


class _Vertical(Flowable):  # type: ignore[misc]
    """A column heading written bottom to top, so a date fits a column narrower than it."""

    def __init__(self, text: str, font: str, size: float) -> None:
        super().__init__()
        self.text = nfc(text)
        self.font = font
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = self.size * 1.2
        self.height = float(stringWidth(self.text, self.font, self.size))
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(self.width / 2 + self.size * 0.35, 0)
        self.canv.rotate(90)
        self.canv.setFont(self.font, self.size)
        self.canv.drawString(0, 0, self.text)
        self.canv.restoreState()


_MARK_ROW = 7.5 * mm
_CELL_PADDING = 6.0  # LEFTPADDING + RIGHTPADDING of the grid style
_MIN_CELL_SIZE = 9.5


def _one_line_cell(text: str, width: float, style: ParagraphStyle) -> tuple[Paragraph, bool]:
    """A cell that keeps to one line if the text can be shrunk to fit (down to a readable
    size); otherwise it wraps at the normal size. Returns the cell and whether it is one line."""
    text = nfc(" ".join(text.split()))
    room = width - _CELL_PADDING
    natural = float(stringWidth(text, style.fontName, style.fontSize))
    if natural <= room:
        return _para(text, style), True
    size = style.fontSize * room / natural
    if size >= _MIN_CELL_SIZE:
        small = ParagraphStyle(
            f"{style.name}-small", parent=style, fontSize=size, leading=size * 1.2
        )
        return _para(text, small), True
    return _para(text, style), False


def _birth_year(birth: str) -> str:
    match = re.search(r"(\d{4})\s*$", birth)
    return match.group(1) if match else birth.strip()


class _TeacherSignature(Flowable):  # type: ignore[misc]
    """Blank lines where the teacher signs the finished sheet."""

    def __init__(self, column: float) -> None:
        super().__init__()
        self.column = column

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = TEXT_SIZE * 3 + _SIGNING_SPACE
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        centre = self.width - self.column / 2
        top = self.height - TEXT_SIZE
        draw_centred(canvas, "GIÁO VIÊN", centre, top, BOLD, TEXT_SIZE)
        draw_centred(canvas, "(Ký và ghi rõ họ tên)", centre, top - TEXT_SIZE * 1.3, ITALIC, 11)
        canvas.setLineWidth(0.5)
        canvas.setDash(1, 2)
        y = top - TEXT_SIZE * 1.3 - _SIGNING_SPACE
        canvas.line(centre - self.column / 2 + 5 * mm, y, centre + self.column / 2 - 5 * mm, y)
        canvas.setDash()


def _fit_label(text: str, size: float, length: float) -> str:
    """A column heading no longer than `length` at `size`: drop the year, then cut."""
    text = nfc(" ".join(text.split()))
    if stringWidth(text, REGULAR, size) <= length:
        return text
    short = re.sub(r"^(\d{1,2}/\d{1,2})/\d{2,4}$", r"\1", text)
    if stringWidth(short, REGULAR, size) <= length:
        return short
    while short and stringWidth(short + "…", REGULAR, size) > length:
        short = short[:-1]
    return short + "…"


def _chunks(count: int, size: int) -> list[range]:
    if count == 0:
        return [range(0)]
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def render_attendance_sheet(
    header: RosterHeader,
    names: Sequence[RosterRow],
    session_dates: Sequence[str],
    out: Path,
    *,
    sessions_per_page: int = SESSIONS_PER_PAGE,
) -> None:
    """A blank grid for marking attendance on paper: landscape A4, one narrow column per
    session date. More sessions than fit a page width continue in further tables (with the
    names again); the 'Tổng' column is on the last."""
    register_fonts()
    if sessions_per_page < 1:
        raise ValueError("sessions_per_page must be at least 1")
    styles = _styles(TABLE_SIZE)
    page_size = landscape(A4)
    margins = SHEET_MARGINS
    body_width = page_size[0] - margins.left - margins.right
    chunks = _chunks(len(session_dates), sessions_per_page)
    head_size = 10.0

    story: list[Flowable] = [
        _para(header.title.upper(), styles["title"]),
        *_info_lines(header, styles),
        Spacer(1, 3 * mm),
    ]
    for part_number, chunk in enumerate(chunks, start=1):
        last = part_number == len(chunks)
        free = body_width - _SHEET_FIXED_WIDTH + (0 if last else 13 * mm)
        session_width = (
            min(SESSION_COLUMN_MAX, free / len(chunk)) if len(chunk) else SESSION_COLUMN_MAX
        )
        widths = [11 * mm, 52 * mm, 15 * mm, 30 * mm] + [session_width] * len(chunk)
        heads: list[Any] = [
            _para("STT", styles["head"]),
            _para("Họ và tên", styles["head"]),
            _para("Năm sinh", styles["head"]),
            _para("Thôn", styles["head"]),
        ]
        heads += [
            _Vertical(_fit_label(session_dates[i], head_size, 20 * mm), REGULAR, head_size)
            for i in chunk
        ]
        if last:
            widths.append(13 * mm)
            heads.append(_para("Tổng", styles["head"]))
        data: list[list[Any]] = [heads]
        heights: list[float | None] = [None]
        blanks = [""] * (len(widths) - 4)
        for number, row in enumerate(names, start=1):
            name, name_fits = _one_line_cell(row.full_name, widths[1], styles["cell"])
            hamlet, hamlet_fits = _one_line_cell(row.hamlet, widths[3], styles["cell"])
            data.append([str(number), name, _birth_year(row.birth), hamlet, *blanks])
            # Rows stay one pen-mark high unless a long name needs a second line.
            heights.append(_MARK_ROW if name_fits and hamlet_fits else None)
        # One row for the teacher to initial each session as it is held.
        # The label sits in the first cell: a spanned cell shows only its first cell's content.
        data.append([_para("Chữ ký giáo viên", styles["head"]), "", "", "", *blanks])
        heights.append(12 * mm)
        table = Table(data, colWidths=widths, repeatRows=1, rowHeights=heights)
        style = _grid_style(1, TABLE_SIZE)
        style += [
            ("ALIGN", (2, 1), (2, -1), "CENTER"),
            ("VALIGN", (4, 0), (-1, 0), "BOTTOM"),
            ("SPAN", (0, -1), (3, -1)),
        ]
        table.setStyle(TableStyle(style))
        if len(chunks) > 1:
            first, stop = chunk.start + 1, chunk.stop
            story.append(
                Paragraph(
                    escape(f"Buổi {first}–{stop} (phần {part_number}/{len(chunks)})"),
                    styles["total"],
                )
            )
            story.append(Spacer(1, 2 * mm))
        story.append(table)
        if not last:
            story.append(PageBreak())
    story += [
        Spacer(1, 3 * mm),
        CondPageBreak(TEXT_SIZE * 3 + _SIGNING_SPACE + 4 * mm),
        _TeacherSignature(column=90 * mm),
    ]
    _build(
        out,
        story,
        issuer=Issuer(name=header.issuer, parent=header.issuer_parent),
        title=header.title,
        page_size=page_size,
        margins=margins,
    )
