"""Fund reports of the Quỹ Khuyến học: the cash book (sổ quỹ tiền mặt), the yearly public
disclosure (bảng công khai thu chi) and the list of donors.

The cash book is an A4 landscape table, as accounting books are kept; the disclosure and the
donor list are posted at the commune office, so they carry the full Decree 30 header on A4
portrait. Table headers repeat on every page and pages are numbered from page 2, centred in
the top margin (Decree 30).

Figures are checked before anything is written: the balances of a cash book must follow from
the opening balance, and the closing balance of a disclosure from its receipts and payments.
A report that does not add up is a bug upstream and must not reach a notice board.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getAscent, stringWidth
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
from desktop_app.core.money import format_amount, is_amount_in_words
from desktop_app.documents.fonts import BOLD, ITALIC, REGULAR, register_fonts
from desktop_app.documents.keep import KeepTail
from desktop_app.documents.official import (
    OFFICIAL_MARGINS,
    Issuer,
    Margins,
    draw_issuer,
    draw_official_header,
    fit_size,
    nfc,
    upper,
)
from desktop_app.documents.output import atomic_output

__all__ = [
    "CashBookLine",
    "DisclosureData",
    "Donor",
    "GoodsDonor",
    "GoodsIssued",
    "GoodsYear",
    "ReportHeader",
    "cash_book_totals",
    "check_cash_book",
    "check_disclosure",
    "format_cell_amount",
    "format_cell_date",
    "render_cash_book",
    "render_disclosure",
    "render_donor_list",
]

Donor = tuple[str, str, date, str, int]  # name, address, day, description, value in đồng
Award = tuple[str, str, str, str, int]  # recipient, school, grade, reason, amount
# Gifts in kind, never cash: giver, address, day, items, quantity, unit, valuation in đồng
GoodsDonor = tuple[str, str, date, str, int, str, int]
# Goods handed out: day, recipients, items, quantity, unit, valuation in đồng
GoodsIssued = tuple[date, str, str, int, str, int]


@dataclass(frozen=True)
class GoodsYear:
    """A year's gifts in kind, apart from the cash: the valuation on hand at the start and
    the end, what came in and what was handed out."""

    opening: int = 0
    received: Sequence[GoodsDonor] = ()
    issued: Sequence[GoodsIssued] = ()
    closing: int = 0

    @property
    def empty(self) -> bool:
        return not (self.opening or self.received or self.issued or self.closing)


LANDSCAPE_MARGINS = Margins(top=18 * mm, bottom=15 * mm, left=20 * mm, right=15 * mm)
_GRID = 0.5
_HEAD_SIGNER_HINT = "(Ký, họ tên, đóng dấu)"
_SIGNER_HINT = "(Ký, họ tên)"


@dataclass(frozen=True)
class ReportHeader:
    """The parts every fund report shares.

    `signers` are (title, name) pairs from left to right, e.g. ("Người ghi sổ", "Phạm Thị Hoa"),
    ("Chủ tịch", "Trần Thị Ánh"); the last one signs for the unit, with the seal. A title may
    hold a line break ("TM. BAN THƯỜNG VỤ\\nCHỦ TỊCH").

    `form_code` (an accounting book's "Mẫu số S11-H" and its basis) prints top right;
    `number` is the document number without "Số:"; `opened_on` is a book's opening date.
    """

    unit_parent: str
    unit: str
    title: str
    subtitle: str
    place_date: str
    signers: tuple[tuple[str, str], ...]
    form_code: tuple[str, ...] = ()
    number: str = ""
    opened_on: date | None = None


@dataclass(frozen=True)
class CashBookLine:
    """One voucher in the cash book. Amounts are whole đồng; `balance` is after this line."""

    day: date
    receipt_no: str
    payment_no: str
    description: str
    amount_in: int
    amount_out: int
    balance: int
    note: str = ""


@dataclass(frozen=True)
class DisclosureData:
    """The yearly bảng công khai: balances, receipts and payments by kind, the award list."""

    header: ReportHeader
    year: int
    opening: int
    receipts_by_kind: Sequence[tuple[str, int]]
    payments_by_kind: Sequence[tuple[str, int]]
    awards: Sequence[Award]
    closing: int
    closing_words: str
    as_of: date | None = None  # the year is not over: the figures run to this day

    @property
    def closing_label(self) -> str:
        if self.as_of is not None:
            return f"Số dư tính đến ngày {self.as_of:%d/%m/%Y}"
        return f"Số dư cuối năm {self.year}"

    @property
    def goods_closing_label(self) -> str:
        if self.as_of is not None:
            return f"Giá trị hiện vật còn đến ngày {self.as_of:%d/%m/%Y}"
        return "Giá trị hiện vật còn cuối năm"

    goods: GoodsYear = GoodsYear()


# --------------------------------------------------------------------------------------------
# Checks and cell formats (shared with fund_xlsx)


def format_cell_amount(amount: int) -> str:
    """An amount in a table cell: "1.250.000", without the currency; zero is left blank."""
    return format_amount(amount) if amount else ""


def format_cell_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def check_cash_book(opening: int, lines: Sequence[CashBookLine]) -> None:
    """Raise ValueError unless every balance follows from the opening balance. An amount is
    negative only on a reversal, written in its original's column (ghi âm)."""
    balance = opening
    for number, line in enumerate(lines, start=1):
        if line.amount_in and line.amount_out:
            raise ValueError(f"line {number} ({line.description!r}) is both in and out")
        balance += line.amount_in - line.amount_out
        if line.balance != balance:
            raise ValueError(
                f"line {number} ({line.description!r}) shows balance {format_amount(line.balance)}"
                f" but the vouchers give {format_amount(balance)}"
            )


def cash_book_totals(opening: int, lines: Sequence[CashBookLine]) -> tuple[int, int, int]:
    """(total in, total out, closing balance)."""
    total_in = sum(line.amount_in for line in lines)
    total_out = sum(line.amount_out for line in lines)
    return total_in, total_out, opening + total_in - total_out


def check_disclosure(d: DisclosureData) -> None:
    """Raise ValueError unless the closing balance follows from the figures and its words."""
    expected = (
        d.opening
        + sum(amount for _, amount in d.receipts_by_kind)
        - sum(amount for _, amount in d.payments_by_kind)
    )
    g = d.goods
    goods_expected = g.opening + sum(r[6] for r in g.received) - sum(i[5] for i in g.issued)
    if g.closing != goods_expected:
        raise ValueError(
            f"goods on hand {format_amount(g.closing)} do not follow from the goods received "
            f"and handed out ({format_amount(goods_expected)})"
        )
    if d.closing != expected:
        raise ValueError(
            f"closing balance {format_amount(d.closing)} does not equal opening plus receipts "
            f"minus payments ({format_amount(expected)})"
        )
    if not is_amount_in_words(d.closing, d.closing_words):
        raise ValueError(
            f"closing balance in words {d.closing_words!r} does not match "
            f"{format_amount(d.closing)}"
        )


# --------------------------------------------------------------------------------------------
# Building blocks


def _clean(text: str) -> str:
    return nfc(" ".join(text.split()))


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_clean(text)), style)


def _styles(size: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("cell", fontName=REGULAR, fontSize=size, leading=size * 1.2)
    return {
        "cell": base,
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD),
        "cell_centre": ParagraphStyle("cell_centre", parent=base, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "section": ParagraphStyle(
            "section",
            parent=base,
            fontName=BOLD,
            fontSize=13,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            alignment=TA_LEFT,
        ),
        "text": ParagraphStyle("text", parent=base, fontSize=13, leading=16),
        "italic": ParagraphStyle("italic", parent=base, fontName=ITALIC, fontSize=13, leading=16),
        "place_date": ParagraphStyle(
            "place_date", parent=base, fontName=ITALIC, fontSize=size + 1, alignment=TA_RIGHT
        ),
    }


def _title_block(header: ReportHeader, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(escape(upper(header.title)), styles["title"])]
    if header.subtitle.strip():
        story.append(_para(header.subtitle, styles["subtitle"]))
    story.append(Spacer(1, 5 * mm))
    return story


class SignatureRow(Flowable):  # type: ignore[misc]
    """The signers side by side: title (bold), "(Ký, họ tên)", room to sign, name (bold)."""

    def __init__(
        self, signers: Sequence[tuple[str, str]], size: float, signing_space: float = 22 * mm
    ) -> None:
        super().__init__()
        self.signers = [(_split_title(title), _clean(name)) for title, name in signers]
        self.size = size
        self.signing_space = signing_space
        self._column = 0.0
        self._title_lines = 1

    def _wrapped_titles(self, column: float) -> list[list[str]]:
        return [
            [piece for line in lines for piece in simpleSplit(line, BOLD, self.size, column)]
            for lines, _ in self.signers
        ]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._column = available_width / max(1, len(self.signers))
        self._title_lines = max((len(t) for t in self._wrapped_titles(self._column)), default=1)
        self.height = (
            self._title_lines * self.size * 1.2
            + self.size * 1.2
            + self.signing_space
            + self.size * 1.4
        )
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        size = self.size
        top = self.height
        last = len(self.signers) - 1
        titles = self._wrapped_titles(self._column)
        for i, ((_, name), title_lines) in enumerate(zip(self.signers, titles, strict=True)):
            centre = self._column * (i + 0.5)
            baseline = top - float(getAscent(BOLD, size))
            canvas.setFont(BOLD, size)
            for k, line in enumerate(title_lines):
                canvas.drawCentredString(centre, baseline - k * size * 1.2, line)
            baseline -= self._title_lines * size * 1.2
            hint = _HEAD_SIGNER_HINT if i == last else _SIGNER_HINT
            canvas.setFont(ITALIC, size * 0.85)
            canvas.drawCentredString(centre, baseline, hint)
            if name:
                name_size = fit_size(name, BOLD, size, self._column - 2 * mm, 6.0)
                canvas.setFont(BOLD, name_size)
                canvas.drawCentredString(centre, baseline - self.signing_space, name)


def _split_title(title: str) -> list[str]:
    return [_clean(line) for line in title.split("\n") if line.strip()]


class _PlaceDate(Flowable):  # type: ignore[misc]
    """The place-and-date line centred over the last signer's column (accounting books)."""

    def __init__(self, text: str, columns: int, size: float) -> None:
        super().__init__()
        self.text = _clean(text)
        self.columns = max(1, columns)
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = self.size * 1.6
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        column = self.width / self.columns
        size = fit_size(self.text, ITALIC, self.size, self.width, 6.0)
        half = float(stringWidth(self.text, ITALIC, size)) / 2
        # Centred on the last column, but pulled left rather than run past the margin.
        centre = min(self.width - column / 2, self.width - half)
        canvas.setFont(ITALIC, size)
        canvas.drawCentredString(centre, self.size * 0.5, self.text)


def _signature_block(
    header: ReportHeader, size: float, with_place_date: bool, lead: Sequence[Flowable] = ()
) -> Flowable:
    """The signatures, kept on one page with `lead` (the lines that must not be parted from
    them, such as the closing balance)."""
    parts: list[Flowable] = [*lead, Spacer(1, 6 * mm)]
    if with_place_date and header.place_date.strip():
        parts.append(_PlaceDate(header.place_date, len(header.signers), size))
    if header.signers:
        parts.append(SignatureRow(header.signers, size))
    return KeepTogether(parts)


def _amount_width(amounts: Sequence[int], size: float, minimum: float) -> float:
    widest = max((stringWidth(format_amount(a), BOLD, size) for a in amounts), default=0.0)
    return max(minimum, float(widest) + 10)


def _table_style(header_rows: int, size: float) -> list[tuple[Any, ...]]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.2),
        ("GRID", (0, 0), (-1, -1), _GRID, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), BOLD),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]


@dataclass(frozen=True)
class _Page:
    size: tuple[float, float]
    margins: Margins


def _build(
    out: Path,
    page: _Page,
    draw_header: Callable[[Canvas], float],
    story: list[Flowable],
    *,
    title: str,
    author: str,
) -> int:
    """Lay the story out under the first page's header; return the page count.

    The header is drawn once on a scratch canvas first, to learn where page 1's text starts.
    """
    register_fonts()
    width, height = page.size
    m = page.margins
    scratch = Canvas(io.BytesIO(), pagesize=page.size, initialFontName=REGULAR)
    first_top = draw_header(scratch) - 4 * mm
    frame_width = width - m.left - m.right
    first = Frame(
        m.left,
        m.bottom,
        frame_width,
        first_top - m.bottom,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later = Frame(
        m.left,
        m.bottom,
        frame_width,
        height - m.top - m.bottom,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def on_first(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        draw_header(canvas)

    def on_later(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        # Decree 30: Arabic page numbers centred in the top margin, none on page 1.
        canvas.setFont(REGULAR, 13)
        canvas.drawCentredString(width / 2, height - m.top / 2 - 4, str(canvas.getPageNumber()))

    with atomic_output(out) as part:
        doc = BaseDocTemplate(
            str(part),
            pagesize=page.size,
            leftMargin=m.left,
            rightMargin=m.right,
            topMargin=m.top,
            bottomMargin=m.bottom,
            title=nfc(title),
            author=nfc(author),
            creator=f"tthtcd {__version__}",
            # Without this reportlab declares Helvetica on every page, a font we do not embed.
            initialFontName=REGULAR,
            initialFontSize=12,
        )
        doc.addPageTemplates(
            [
                PageTemplate(id="first", frames=[first], onPage=on_first, pagesize=page.size),
                PageTemplate(id="later", frames=[later], onPage=on_later, pagesize=page.size),
            ]
        )
        doc.build([NextPageTemplate("later"), *story])
        pages = int(doc.page)
    return pages


def _issuer(header: ReportHeader) -> Issuer:
    return Issuer(name=header.unit, parent=header.unit_parent)


def _official_header(header: ReportHeader, page: _Page) -> Callable[[Canvas], float]:
    def draw(canvas: Canvas) -> float:
        layout = draw_official_header(
            canvas,
            _issuer(header),
            number=header.number,
            place_date=header.place_date,
            page_size=page.size,
            margins=page.margins,
        )
        return layout.bottom

    return draw


# --------------------------------------------------------------------------------------------
# Sổ quỹ tiền mặt


def render_cash_book(
    header: ReportHeader, opening_balance: int, lines: Sequence[CashBookLine], out: Path
) -> int:
    """The cash book as an A4 landscape table; return the page count.

    Rows: "Số dư đầu kỳ", one per voucher, "Cộng phát sinh", "Số dư cuối kỳ". Raises
    ValueError if a balance does not follow from the vouchers before it.
    """
    check_cash_book(opening_balance, lines)
    register_fonts()
    total_in, total_out, closing = cash_book_totals(opening_balance, lines)
    page = _Page(landscape(A4), LANDSCAPE_MARGINS)
    size = 10.5
    styles = _styles(size)
    content = page.size[0] - page.margins.left - page.margins.right

    amounts = [opening_balance, total_in, total_out, closing]
    amounts += [x for line in lines for x in (line.amount_in, line.amount_out, line.balance)]
    money = _amount_width(amounts, size, 26 * mm)
    day_w, number_w, note_w = 22 * mm, 25 * mm, 32 * mm
    description_w = content - day_w - 2 * number_w - 3 * money - note_w
    if description_w < 50 * mm:
        raise ValueError("amounts too large for the cash book layout")
    widths = [day_w, number_w, number_w, description_w, money, money, money, note_w]

    head = styles["head"]
    rows: list[list[Any]] = [
        [
            Paragraph("Ngày tháng", head),
            Paragraph("Số hiệu chứng từ", head),
            "",
            Paragraph("Diễn giải", head),
            Paragraph("Số tiền", head),
            "",
            "",
            Paragraph("Ghi chú", head),
        ],
        ["", "Thu", "Chi", "", "Thu", "Chi", "Tồn", ""],
        ["A", "B", "C", "D", "1", "2", "3", "E"],
        ["", "", "", Paragraph("Số dư đầu kỳ", styles["cell_bold"]), "", "", "", ""],
    ]
    rows[3][6] = format_amount(opening_balance)
    cell, centre = styles["cell"], styles["cell_centre"]
    for line in lines:
        rows.append(
            [
                format_cell_date(line.day),
                _para(line.receipt_no, centre),
                _para(line.payment_no, centre),
                _para(line.description, cell),
                format_cell_amount(line.amount_in),
                format_cell_amount(line.amount_out),
                format_amount(line.balance),
                _para(line.note, cell),
            ]
        )
    bold = styles["cell_bold"]
    total_row = len(rows)
    rows.append(
        [
            "",
            "",
            "",
            Paragraph("Cộng phát sinh", bold),
            format_amount(total_in),
            format_amount(total_out),
            "",
            "",
        ]
    )
    rows.append(["", "", "", Paragraph("Số dư cuối kỳ", bold), "", "", format_amount(closing), ""])

    style = [
        *_table_style(3, size),
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (2, 0)),
        ("SPAN", (3, 0), (3, 1)),
        ("SPAN", (4, 0), (6, 0)),
        ("SPAN", (7, 0), (7, 1)),
        ("FONTNAME", (0, 2), (-1, 2), ITALIC),
        ("ALIGN", (0, 3), (0, -1), "CENTER"),
        ("ALIGN", (4, 3), (6, -1), "RIGHT"),
        ("FONTNAME", (4, 3), (6, 3), BOLD),
        ("FONTNAME", (4, total_row), (6, -1), BOLD),
    ]
    table = Table(rows, colWidths=widths, repeatRows=3, style=TableStyle(style))

    def story(pages: int) -> list[Flowable]:
        tail = [*_book_opening(header, pages, styles), *_signature_parts(header, 12, True)]
        return [*_title_block(header, styles), KeepTail(table, tail, rows=3)]

    return _build_counted(out, page, _book_header(header, page), story, header)


def _book_opening(
    header: ReportHeader, pages: int, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """The book's own record: how many pages it has and when it was opened."""
    lines = [f"- Sổ này có {pages:02d} trang, đánh số từ trang 01 đến trang {pages:02d}."]
    if header.opened_on is not None:
        lines.append(f"- Ngày mở sổ: {header.opened_on:%d/%m/%Y}.")
    style = ParagraphStyle("opening", parent=styles["cell"], fontSize=11, leading=14)
    return [Spacer(1, 3 * mm), *(Paragraph(escape(line), style) for line in lines)]


def _signature_parts(header: ReportHeader, size: float, with_place_date: bool) -> list[Flowable]:
    """The signature block's pieces, for a KeepTail to carry with the last rows."""
    parts: list[Flowable] = [Spacer(1, 6 * mm)]
    if with_place_date and header.place_date.strip():
        parts.append(_PlaceDate(header.place_date, len(header.signers), size))
    if header.signers:
        parts.append(SignatureRow(header.signers, size))
    return parts


def _book_header(header: ReportHeader, page: _Page) -> Callable[[Canvas], float]:
    """Issuer top left, the book's form code (when the form set has one) top right."""

    def draw(canvas: Canvas) -> float:
        m = page.margins
        issuer_width = 110 * mm
        top = page.size[1] - m.top
        bottom = draw_issuer(canvas, _issuer(header), m.left + issuer_width / 2, top, issuer_width)
        if header.form_code:
            code, *basis = header.form_code
            centre = page.size[0] - m.right - 45 * mm
            baseline = top - float(getAscent(BOLD, 11))
            canvas.setFont(BOLD, 11)
            canvas.drawCentredString(centre, baseline, nfc(code))
            canvas.setFont(ITALIC, 9)
            for line in basis:
                baseline -= 11
                canvas.drawCentredString(centre, baseline, nfc(line))
            bottom = min(bottom, baseline - 4)
        return bottom

    return draw


def _build_counted(
    out: Path,
    page: _Page,
    draw_header: Callable[[Canvas], float],
    story: Callable[[int], list[Flowable]],
    header: ReportHeader,
) -> int:
    """Build a story that states its own page count: lay it out until the count it states
    is the count it takes (the count's own line can push a page over)."""
    pages = 1
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(3):
            counted = _build(
                Path(scratch) / "count.pdf",
                page,
                draw_header,
                story(pages),
                title=header.title,
                author=header.unit,
            )
            if counted == pages:
                break
            pages = counted
    return _build(out, page, draw_header, story(pages), title=header.title, author=header.unit)


# --------------------------------------------------------------------------------------------
# Bảng công khai thu chi


def _kind_table(
    items: Sequence[tuple[str, int]],
    heading: str,
    styles: dict[str, ParagraphStyle],
    size: float,
    content: float,
) -> Table:
    total = sum(amount for _, amount in items)
    money = _amount_width([total, *(a for _, a in items)], size, 35 * mm)
    widths = [12 * mm, content - 12 * mm - money, money]
    rows: list[list[Any]] = [["STT", Paragraph(heading, styles["head"]), "Số tiền (đồng)"]]
    for number, (kind, amount) in enumerate(items, start=1):
        rows.append([str(number), _para(kind, styles["cell"]), format_amount(amount)])
    rows.append(["", Paragraph("Cộng", styles["cell_bold"]), format_amount(total)])
    style = [
        *_table_style(1, size),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (2, 1), (2, -1), "RIGHT"),
        ("FONTNAME", (2, -1), (2, -1), BOLD),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


def _awards_table(
    awards: Sequence[Award], styles: dict[str, ParagraphStyle], size: float, content: float
) -> Table:
    total = sum(a[4] for a in awards)
    money = _amount_width([total, *(a[4] for a in awards)], size, 24 * mm)
    number_w, grade_w = 10 * mm, 14 * mm
    rest = content - number_w - grade_w - money
    widths = [number_w, rest * 0.34, rest * 0.33, grade_w, rest * 0.33, money]
    head = styles["head"]
    rows: list[list[Any]] = [
        [
            "STT",
            Paragraph("Họ và tên", head),
            Paragraph("Trường", head),
            Paragraph("Lớp", head),
            Paragraph("Lý do", head),
            Paragraph("Số tiền (đồng)", head),
        ]
    ]
    cell = styles["cell"]
    for number, (name, school, grade, reason, amount) in enumerate(awards, start=1):
        rows.append(
            [
                str(number),
                _para(name, cell),
                _para(school, cell),
                _para(grade, styles["cell_centre"]),
                _para(reason, cell),
                format_amount(amount),
            ]
        )
    rows.append(
        [
            "",
            Paragraph(f"Cộng: {len(awards)} người", styles["cell_bold"]),
            "",
            "",
            "",
            format_amount(total),
        ]
    )
    style = [
        *_table_style(1, size),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (5, 1), (5, -1), "RIGHT"),
        ("FONTNAME", (5, -1), (5, -1), BOLD),
        ("SPAN", (1, -1), (4, -1)),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


def render_disclosure(d: DisclosureData, out: Path) -> int:
    """The bảng công khai thu chi quỹ khuyến học, portrait A4; return the page count.

    Raises ValueError if the closing balance does not follow from the figures or does not
    match its words.
    """
    check_disclosure(d)
    register_fonts()
    page = _Page(A4, OFFICIAL_MARGINS)
    size = 12.0
    styles = _styles(size)
    content = page.size[0] - page.margins.left - page.margins.right
    section, text = styles["section"], styles["text"]

    story: list[Flowable] = _title_block(d.header, styles)
    story.append(
        Paragraph(f"I. Số dư đầu năm {d.year}: <b>{format_amount(d.opening)} đồng</b>", section)
    )
    story.append(Paragraph(f"II. Thu trong năm {d.year}", section))
    story.append(_kind_table(d.receipts_by_kind, "Nội dung thu", styles, size, content))
    story.append(Paragraph(f"III. Chi trong năm {d.year}", section))
    story.append(_kind_table(d.payments_by_kind, "Nội dung chi", styles, size, content))
    awards_heading = Paragraph("IV. Danh sách học sinh được nhận học bổng, phần thưởng", section)
    goods = [] if d.goods.empty else _goods_section(d, styles, size, content)
    number = "VI" if goods else "V"
    closing = [
        Paragraph(f"{number}. {d.closing_label}: <b>{format_amount(d.closing)} đồng</b>", section),
        Paragraph(f"(Bằng chữ: <i>{escape(_clean(d.closing_words))}</i>)", text),
    ]
    tail = [*closing, *_signature_parts(d.header, 13, with_place_date=False)]
    if goods:
        # The gifts in kind come between the awards and the closing balance; their last line
        # stays with the closing and the signatures.
        story.append(awards_heading)
        if d.awards:
            story.append(_awards_table(d.awards, styles, size, content))
        else:
            story.append(Paragraph("(Không có)", styles["italic"]))
        story += goods[:-1]
        lead = [goods[-1], *closing]
        story.append(_signature_block(d.header, 13, with_place_date=False, lead=lead))
    elif d.awards:
        story.append(awards_heading)
        story.append(KeepTail(_awards_table(d.awards, styles, size, content), tail, rows=2))
    else:
        lead = [awards_heading, Paragraph("(Không có)", styles["italic"]), *closing]
        story.append(_signature_block(d.header, 13, with_place_date=False, lead=lead))
    return _build(
        out,
        page,
        _official_header(d.header, page),
        story,
        title=d.header.title,
        author=d.header.unit,
    )


def _goods_section(
    d: DisclosureData, styles: dict[str, ParagraphStyle], size: float, content: float
) -> list[Flowable]:
    """V. Gifts in kind, at their valuation: they are not in the cash figures above."""
    section, text = styles["section"], styles["text"]
    g, year = d.goods, d.year
    story: list[Flowable] = [
        Paragraph(
            f"V. Hiện vật được ủng hộ trong năm {year} (không tính vào quỹ tiền mặt)", section
        ),
        Paragraph(f"Giá trị hiện vật còn đầu năm: <b>{format_amount(g.opening)} đồng</b>", text),
    ]
    if g.received:
        story.append(Paragraph("Nhận trong năm:", text))
        story.append(_goods_table(
            [(name, f"{items} ({format_amount(qty)} {unit})", value)
             for name, _a, _d, items, qty, unit, value in g.received],
            ("Người, đơn vị ủng hộ", "Hiện vật"), styles, size, content,
        ))  # fmt: skip
    if g.issued:
        story.append(Paragraph("Cấp phát trong năm:", text))
        story.append(_goods_table(
            [(to, f"{items} ({format_amount(qty)} {unit})", value)
             for _d, to, items, qty, unit, value in g.issued],
            ("Người nhận", "Hiện vật"), styles, size, content,
        ))  # fmt: skip
    story.append(
        Paragraph(f"{d.goods_closing_label}: <b>{format_amount(g.closing)} đồng</b>", text)
    )
    return story


def _goods_table(
    rows_in: Sequence[tuple[str, str, int]],
    heads: tuple[str, str],
    styles: dict[str, ParagraphStyle],
    size: float,
    content: float,
) -> Table:
    total = sum(r[2] for r in rows_in)
    money = _amount_width([total, *(r[2] for r in rows_in)], size, 30 * mm)
    rest = content - 12 * mm - money
    widths = [12 * mm, rest * 0.45, rest * 0.55, money]
    head = styles["head"]
    rows: list[list[Any]] = [
        [
            "STT",
            Paragraph(heads[0], head),
            Paragraph(heads[1], head),
            Paragraph("Giá trị (đồng)", head),
        ]
    ]
    for number, (who, what, value) in enumerate(rows_in, start=1):
        rows.append(
            [str(number), _para(who, styles["cell"]), _para(what, styles["cell"]),
             format_amount(value)]
        )  # fmt: skip
    rows.append(["", Paragraph("Cộng", styles["cell_bold"]), "", format_amount(total)])
    style = [
        *_table_style(1, size),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
        ("FONTNAME", (3, -1), (3, -1), BOLD),
        ("SPAN", (1, -1), (2, -1)),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


# --------------------------------------------------------------------------------------------
# Danh sách ủng hộ


def render_donor_list(
    header: ReportHeader, donors: Sequence[Donor], out: Path, goods: Sequence[GoodsDonor] = ()
) -> int:
    """The list of donors: gifts of money, then gifts in kind in their own section at their
    valuation; return the page count."""
    for name, _, _, _, value in donors:
        if value < 0:
            raise ValueError(f"the gift of {name!r} has a negative value")
    register_fonts()
    page = _Page(A4, OFFICIAL_MARGINS)
    size = 11.0
    styles = _styles(size)
    content = page.size[0] - page.margins.left - page.margins.right
    total = sum(d[4] for d in donors)
    money = _amount_width([total, *(d[4] for d in donors)], size, 24 * mm)
    number_w, day_w = 10 * mm, 22 * mm
    rest = content - number_w - day_w - money
    widths = [number_w, rest * 0.36, rest * 0.34, day_w, rest * 0.30, money]
    head, cell = styles["head"], styles["cell"]
    rows: list[list[Any]] = [
        [
            "STT",
            Paragraph("Họ và tên", head),
            Paragraph("Địa chỉ", head),
            Paragraph("Ngày", head),
            Paragraph("Nội dung", head),
            Paragraph("Giá trị (đồng)", head),
        ]
    ]
    for number, (name, address, day, description, value) in enumerate(donors, start=1):
        rows.append(
            [
                str(number),
                _para(name, cell),
                _para(address, cell),
                format_cell_date(day),
                _para(description, cell),
                format_amount(value),
            ]
        )
    rows.append(["", Paragraph("Tổng cộng", styles["cell_bold"]), "", "", "", format_amount(total)])
    style = [
        *_table_style(1, size),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (3, 1), (3, -1), "CENTER"),
        ("ALIGN", (5, 1), (5, -1), "RIGHT"),
        ("FONTNAME", (5, -1), (5, -1), BOLD),
        ("SPAN", (1, -1), (4, -1)),
    ]
    table = Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))
    tail = _signature_parts(header, 13, with_place_date=False)
    story: list[Flowable] = [*_title_block(header, styles)]
    if goods:
        story.append(Paragraph("I. Ủng hộ bằng tiền", styles["section"]))
        story.append(table)
        story.append(
            Paragraph("II. Ủng hộ bằng hiện vật (không tính vào quỹ tiền mặt)", styles["section"])
        )
        goods_table = _goods_table(
            [(f"{name}, {address}" if address else name,
              f"{items} ({format_amount(qty)} {unit}), ngày {format_cell_date(day)}", value)
             for name, address, day, items, qty, unit, value in goods],
            ("Họ và tên, địa chỉ", "Hiện vật"), styles, size, content,
        )  # fmt: skip
        story.append(KeepTail(goods_table, tail, rows=2))
    else:
        story.append(KeepTail(table, tail, rows=2))
    return _build(
        out, page, _official_header(header, page), story, title=header.title, author=header.unit
    )
