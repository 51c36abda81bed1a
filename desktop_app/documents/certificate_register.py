"""The printed certificate register (sổ cấp giấy chứng nhận): landscape A4, one line a
certificate in number order, with a column for the recipient to sign on receipt.

The header is the official one (issuing body top left, national title top right); the body
is a table whose header row repeats on every page, and from page 2 on the page number is
centred in the top margin (Decree 30/2020). The issuing body's name wraps only between whole
phrases ("TRUNG TÂM HỌC TẬP CỘNG ĐỒNG / PHƯỜNG THỦY XUÂN", see official.phrase_lines).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop_app import __version__
from desktop_app.documents.fonts import BOLD, REGULAR, register_fonts
from desktop_app.documents.official import (
    TEXT_SIZE,
    Issuer,
    Margins,
    SignatureFlowable,
    draw_centred,
    draw_issuer,
    draw_national_title,
    national_title_width,
    nfc,
)
from desktop_app.documents.output import atomic_output

__all__ = ["RegisterHeader", "RegisterRow", "render_certificate_register"]

TITLE = "SỔ CẤP GIẤY CHỨNG NHẬN"
# Landscape pages are bound on the short side: no 30 mm binding margin on the left.
MARGINS = Margins(top=15 * mm, bottom=15 * mm, left=20 * mm, right=15 * mm)
TABLE_SIZE = 11.0
_LINE = 1.2
_PAGE_NUMBER_SIZE = 13.0
_SIGNING_SPACE = 22 * mm
# Số vào sổ, họ tên, ngày sinh, lớp/khóa học, loại giấy, ngày cấp, tình trạng, người nhận ký:
# the class gets what the others leave.
_FIXED = (19 * mm, 48 * mm, 22 * mm, None, 30 * mm, 22 * mm, 44 * mm, 32 * mm)
HEADINGS = (
    "Số vào sổ",
    "Họ và tên",
    "Ngày sinh",
    "Lớp/Khóa học",
    "Loại giấy",
    "Ngày cấp",
    "Tình trạng",
    "Người nhận ký",
)


@dataclass(frozen=True)
class RegisterHeader:
    """What the top and the end of the register say. Empty fields are left out."""

    issuer_parent: str  # "UBND PHƯỜNG THỦY XUÂN"
    issuer: str  # "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG THỦY XUÂN"
    year: int
    place_date: str  # "Phường Thủy Xuân, ngày 05 tháng 02 năm 2026"
    signer_title: str  # "GIÁM ĐỐC"
    signer_name: str


@dataclass(frozen=True)
class RegisterRow:
    serial: str  # "12/2026"
    full_name: str
    birth: str  # "07/03/1985", "1985" or ""
    course_title: str
    kind: str  # "Giấy chứng nhận", "Giấy khen"
    issued_on: str  # "05/02/2026"
    status: str  # "" while valid; "Đã thu hồi: …", "Cấp lại thay số 3/2026"…


def _styles() -> dict[str, ParagraphStyle]:
    size = TABLE_SIZE
    return {
        "title": ParagraphStyle(
            "title", fontName=BOLD, fontSize=15, leading=19, alignment=TA_CENTER
        ),
        "year": ParagraphStyle(
            "year", fontName=BOLD, fontSize=TEXT_SIZE, leading=17, alignment=TA_CENTER
        ),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=size, leading=size * _LINE),
        "head": ParagraphStyle(
            "head", fontName=BOLD, fontSize=size, leading=size * _LINE, alignment=TA_CENTER
        ),
        "centre": ParagraphStyle(
            "centre", fontName=REGULAR, fontSize=size, leading=size * _LINE, alignment=TA_CENTER
        ),
        "total": ParagraphStyle("total", fontName=REGULAR, fontSize=TEXT_SIZE, leading=17),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads markup: a name with "&" or "<" in it must not be taken for a tag.
    return Paragraph(escape(nfc(" ".join(text.split()))), style)


def _draw_header(canvas: Canvas, header: RegisterHeader, page_size: tuple[float, float]) -> float:
    """The first page's header; returns the y below which the body starts."""
    width, height = page_size
    top = height - MARGINS.top
    right_width = national_title_width() + 2 * mm
    content_right = width - MARGINS.right
    right_centre = content_right - right_width / 2
    left_width = content_right - MARGINS.left - right_width - 6 * mm
    left_centre = MARGINS.left + left_width / 2
    issuer_rule = draw_issuer(
        canvas, Issuer(header.issuer, header.issuer_parent), left_centre, top, left_width
    )
    title_rule = draw_national_title(canvas, right_centre, top)
    return float(min(issuer_rule, title_rule) - 6 * mm)


_ROWS_WITH_SIGNATURE = 2


def _table(data: list[list[Any]], widths: list[float], *, header: bool) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    first_row = 1 if header else 0
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if len(data) > first_row:
        # Room in every line for the recipient's signature.
        style.append(("BOTTOMPADDING", (0, first_row), (-1, -1), 9))
    table.setStyle(TableStyle(style))
    return table


def closing_line(rows: Sequence[RegisterRow]) -> str:
    """'Năm 2026 cấp 12 giấy, từ số 1/2026 đến số 12/2026.'"""
    if not rows:
        return "Chưa cấp giấy nào."
    return f"Tổng số: {len(rows)} giấy, từ số {rows[0].serial} đến số {rows[-1].serial}."


def render_certificate_register(
    header: RegisterHeader, rows: Sequence[RegisterRow], out: Path
) -> int:
    """Write the register of one year; returns the number of pages."""
    register_fonts()
    page_size = landscape(A4)
    width, height = page_size
    styles = _styles()
    body_width = width - MARGINS.left - MARGINS.right
    fixed = sum(w for w in _FIXED if w is not None)
    widths = [w if w is not None else body_width - fixed for w in _FIXED]

    cells: list[list[Any]] = []
    for row in rows:
        cells.append(
            [
                _para(row.serial, styles["centre"]),
                _para(row.full_name, styles["cell"]),
                _para(row.birth, styles["centre"]),
                _para(row.course_title, styles["cell"]),
                _para(row.kind, styles["cell"]),
                _para(row.issued_on, styles["centre"]),
                _para(row.status, styles["cell"]),
                "",
            ]
        )
    head = [_para(text, styles["head"]) for text in HEADINGS]
    # The last rows go with the total and the signature, so no page holds only those.
    tail = min(len(cells), _ROWS_WITH_SIGNATURE)
    body: list[Flowable] = []
    if len(cells) > tail:
        body.append(_table([head, *cells[:-tail]], widths, header=True))
        last = _table(cells[-tail:], widths, header=False)
    else:
        last = _table([head, *cells], widths, header=True)
    closing = [
        last,
        Spacer(1, 3 * mm),
        Paragraph(escape(closing_line(rows)), styles["total"]),
        Spacer(1, 3 * mm),
        SignatureFlowable(
            header.place_date,
            header.signer_title,
            header.signer_name,
            column=100 * mm,
            signing_space=_SIGNING_SPACE,
        ),
    ]
    story: list[Flowable] = [
        NextPageTemplate("later"),
        _para(TITLE, styles["title"]),
        _para(f"Năm {header.year}", styles["year"]),
        Spacer(1, 4 * mm),
        *body,
        KeepTogether(closing),
    ]

    scratch = Canvas(io.BytesIO(), pagesize=page_size, initialFontName=REGULAR)
    body_top = _draw_header(scratch, header, page_size)
    frame = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    first = Frame(
        MARGINS.left, MARGINS.bottom, body_width, body_top - MARGINS.bottom, id="first", **frame
    )
    later = Frame(
        MARGINS.left,
        MARGINS.bottom,
        body_width,
        height - MARGINS.top - MARGINS.bottom,
        id="later",
        **frame,
    )

    def on_first(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_header(canvas, header, page_size)

    def on_later(canvas: Canvas, doc: BaseDocTemplate) -> None:
        # Decree 30: Arabic page numbers, centred in the top margin, none on page 1.
        draw_centred(
            canvas, str(doc.page), width / 2, height - MARGINS.top / 2 - _PAGE_NUMBER_SIZE / 3,
            REGULAR, _PAGE_NUMBER_SIZE,
        )  # fmt: skip

    pages = 0
    with atomic_output(out) as part:
        doc = BaseDocTemplate(
            str(part),
            pagesize=page_size,
            leftMargin=MARGINS.left,
            rightMargin=MARGINS.right,
            topMargin=MARGINS.top,
            bottomMargin=MARGINS.bottom,
            title=nfc(f"{TITLE} năm {header.year}"),
            author=nfc(header.issuer),
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
        doc.build(story)
        pages = int(doc.page)
    return pages
