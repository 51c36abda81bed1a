"""One A4 page that proves PDF output works: official header, Vietnamese text, embedded font;
and one small workbook read back, which proves the spreadsheet reader (calamine's native
library) made it into the build.

`tthtcd selfcheck` renders them in the frozen app, and tests read the page back with pdftotext.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook as XlsxWorkbook
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from desktop_app import __version__
from desktop_app.core.dates import place_date_line
from desktop_app.documents.fonts import BOLD, REGULAR, missing_glyphs, register_fonts
from desktop_app.documents.official import (
    OFFICIAL_MARGINS,
    TEXT_SIZE,
    Issuer,
    draw_centred,
    draw_official_header,
    draw_signature_block,
    nfc,
)
from desktop_app.documents.output import atomic_output
from desktop_app.documents.sheet_reader import Cell, open_workbook, read_rows

CENTRE = "Trung tâm học tập cộng đồng xã Đông Hòa"
NAMES = ("Nguyễn Văn Đặng", "Trần Thị Ánh", "Lê Hữu Phước", "Đỗ Thị Ngọc Ẩn")

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # ngang, huyền, hỏi, ngã, sắc, nặng


# A title row over a blank one, then a header and a person: the shape of a real list, with a
# date and a number, the two values a reader gets wrong most easily.
SHEET_NAME = "Danh sách"
SHEET_ROWS: tuple[tuple[Cell, ...], ...] = (
    ("DANH SÁCH HỌC VIÊN",),
    (),
    ("Họ và tên", "Ngày sinh", "Số tiền"),
    (NAMES[0], dt.date(1985, 2, 5), 1250000),
)


def vietnamese_letters() -> list[str]:
    """Every toned vowel plus đ, lower then upper case, composed (NFC), in short lines."""
    groups = [
        "".join(unicodedata.normalize("NFC", vowel + tone) for tone in _TONES) for vowel in _VOWELS
    ] + ["đ"]
    half = (len(groups) + 1) // 2
    lower = [" ".join(groups[:half]), " ".join(groups[half:])]
    return lower + [line.upper() for line in lower]


def _paragraph(text: str, size: float = TEXT_SIZE) -> Paragraph:
    style = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=size,
        leading=size * 1.3,
        alignment=TA_JUSTIFY,
        firstLineIndent=1 * cm,
    )
    return Paragraph(escape(nfc(text)), style)


def render_selfcheck_page(path: Path, *, day: dt.date | None = None) -> None:
    """Write the one-page self-check PDF to `path`. Raises if the font lacks a Vietnamese glyph."""
    with atomic_output(path) as part:
        _write_selfcheck_page(part, day)


def _write_selfcheck_page(path: Path, day: dt.date | None) -> None:
    register_fonts()
    letters = vietnamese_letters()
    sample = " ".join((CENTRE, *NAMES, *letters))
    missing = missing_glyphs(sample)
    if missing:
        raise RuntimeError(f"The bundled font cannot draw: {''.join(sorted(missing))}")

    day = day or dt.date.today()
    page_width = A4[0]
    margins = OFFICIAL_MARGINS
    canvas = Canvas(
        str(path),
        pagesize=A4,
        # Without this reportlab declares Helvetica on every page: a font we would not embed.
        initialFontName=REGULAR,
        initialFontSize=TEXT_SIZE,
    )
    canvas.setTitle(nfc("Kiểm tra in tiếng Việt"))
    canvas.setAuthor(nfc(CENTRE))
    canvas.setCreator(f"tthtcd {__version__}")
    canvas.setSubject("selfcheck")

    header = draw_official_header(
        canvas,
        Issuer(name="Trung tâm học tập cộng đồng", parent="UBND xã Đông Hòa"),
        number="01/TB-TTHTCĐ",
        place_date=place_date_line("Xã Đông Hòa", day),
    )
    centre_x = margins.left + (page_width - margins.left - margins.right) / 2
    y = header.bottom - 10 * mm
    draw_centred(canvas, "THÔNG BÁO", centre_x, y, BOLD, 14)
    y -= 18
    draw_centred(canvas, "Về việc kiểm tra in chữ tiếng Việt", centre_x, y, BOLD, TEXT_SIZE)
    y -= 10 * mm

    width = page_width - margins.left - margins.right
    paragraphs = [
        f"{CENTRE} — {', '.join(NAMES)}.",
        "Trang này do phần mềm tự tạo để kiểm tra phông chữ và dấu tiếng Việt. Nếu có chữ in "
        "thành ô vuông, mất dấu hoặc dấu đặt sai chỗ, xin báo lại cho người hỗ trợ kỹ thuật "
        "trước khi in giấy chứng nhận, phiếu thu hay danh sách học viên.",
    ]
    for text in paragraphs:
        para = _paragraph(text)
        _, height = para.wrap(width, y - margins.bottom)
        para.drawOn(canvas, margins.left, y - height)
        y -= height + 6

    y -= 8
    canvas.setFont(REGULAR, TEXT_SIZE)
    for number, name in enumerate(NAMES, start=1):
        canvas.drawString(margins.left + 1 * cm, y, nfc(f"{number}. {name}"))
        y -= TEXT_SIZE * 1.4
    y -= 8
    canvas.setFont(REGULAR, TEXT_SIZE)
    for line in letters:
        canvas.drawString(margins.left + 1 * cm, y, line)
        y -= TEXT_SIZE * 1.5

    signature_centre = page_width - margins.right - 45 * mm
    draw_signature_block(
        canvas,
        signature_centre,
        y - 8 * mm,
        authority="TM. Ban Giám đốc",
        position="Giám đốc",
        name=NAMES[0],
    )
    canvas.showPage()
    canvas.save()


def check_spreadsheet_reading(folder: Path) -> None:
    """Write a small xlsx into `folder` (a temporary one) and read it back with the import's
    reader. Raises RuntimeError when what comes back is not what was written."""
    path = folder / "selfcheck.xlsx"
    book = XlsxWorkbook()
    sheet = book.active
    assert sheet is not None  # a new openpyxl workbook always has one sheet
    sheet.title = SHEET_NAME
    for row in SHEET_ROWS:
        sheet.append(row)
    book.save(path)
    opened = open_workbook(path)
    if opened.format != "xlsx" or [s.name for s in opened.sheets] != [SHEET_NAME]:
        raise RuntimeError(f"The spreadsheet reader sees {opened.format} {opened.sheets}")
    width = max(len(row) for row in SHEET_ROWS)
    # Whole numbers come back as floats (xlsx stores every number as one): 1250000 == 1250000.0.
    expected = [[*row, *([None] * (width - len(row)))] for row in SHEET_ROWS]
    got = read_rows(path, SHEET_NAME)
    if got != expected:
        raise RuntimeError(f"The spreadsheet reader read {got!r}, not {expected!r}")
