"""The fund reports as .xlsx files, for the treasurer who keeps working in Excel.

Same content and checks as fund_reports: a title block, one bold header row (two for the cash
book, as on paper) frozen under the title, amounts as real integers formatted "#,##0" so Excel
sums them (Vietnamese Excel shows the grouping with dots), dates as real dates shown
dd/mm/yyyy, and the signers at the bottom.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.documents.fund_reports import (
    CashBookLine,
    DisclosureData,
    Donor,
    GoodsDonor,
    ReportHeader,
    cash_book_totals,
    check_cash_book,
    check_disclosure,
)
from desktop_app.documents.official import nfc, upper
from desktop_app.documents.output import atomic_output

__all__ = [
    "AMOUNT_FORMAT",
    "DATE_FORMAT",
    "export_cash_book_xlsx",
    "export_disclosure_xlsx",
    "export_donors_xlsx",
]

AMOUNT_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
# Excel's own default is Calibri, which lacks nothing for Vietnamese but is not what the
# printed documents use; Times New Roman is on every Windows office PC.
_FONT = "Times New Roman"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _text(value: str) -> str:
    return nfc(" ".join(value.split()))


def _font(bold: bool = False, italic: bool = False, size: float = 12) -> Font:
    return Font(name=_FONT, bold=bold, italic=italic, size=size)


def _title_block(ws: Worksheet, header: ReportHeader, columns: int) -> int:
    """Unit top left, title and subtitle centred over the table; return the next free row."""
    row = 1
    # An accounting book's form code and basis, top right (core.voucher_forms).
    for i, line in enumerate(header.form_code):
        cell = ws.cell(row=row + i, column=columns, value=_text(line))
        cell.font = _font(bold=i == 0, italic=i > 0, size=12 if i == 0 else 9)
        cell.alignment = Alignment(horizontal="right")
    if header.unit_parent.strip():
        ws.cell(row=row, column=1, value=upper(header.unit_parent)).font = _font()
        row += 1
    ws.cell(row=row, column=1, value=upper(header.unit)).font = _font(bold=True)
    row = max(row + 2, len(header.form_code) + 2)
    for text, font in ((upper(header.title), _font(bold=True, size=14)), (header.subtitle, None)):
        if not text.strip():
            continue
        cell = ws.cell(row=row, column=1, value=_text(text))
        cell.font = font or _font(bold=True, italic=True)
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        row += 1
    return row + 1


def _header_row(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=column, value=title)
        cell.font = _font(bold=True)
        cell.alignment = _CENTRE
        cell.border = _BOX


def _data_row(
    ws: Worksheet, row: int, values: Sequence[Any], *, amounts: Sequence[int], bold: bool = False
) -> None:
    """One table row; `amounts` are the 1-based columns holding money."""
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column)
        if isinstance(value, str):
            value = _text(value) or None
        cell.value = value
        cell.font = _font(bold=bold)
        cell.border = _BOX
        if column in amounts:
            cell.number_format = AMOUNT_FORMAT
            cell.alignment = Alignment(horizontal="right", vertical="center")
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="center", vertical="center")
        elif isinstance(value, int):
            cell.alignment = Alignment(horizontal="center", vertical="center")
        else:
            cell.alignment = _WRAP


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _signers(ws: Worksheet, row: int, header: ReportHeader, columns: int) -> None:
    """Place-date line and signer titles and names spread over the table's columns."""
    row += 1
    if header.place_date.strip():
        cell = ws.cell(row=row, column=max(1, columns - 2), value=_text(header.place_date))
        cell.font = _font(italic=True)
        row += 1
    count = len(header.signers)
    for i, (title, name) in enumerate(header.signers):
        # Spread the signers evenly, the last one under the right edge of the table.
        column = 1 + round(i * (columns - 1) / max(1, count - 1)) if count > 1 else columns
        ws.cell(row=row, column=column, value=_text(title.replace("\n", " "))).font = _font(
            bold=True
        )
        ws.cell(row=row + 5, column=column, value=_text(name)).font = _font(bold=True)


def _save(wb: Workbook, out: Path) -> None:
    with atomic_output(out) as part:
        wb.save(part)


def _new_sheet(title: str) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    return wb, ws


def export_cash_book_xlsx(
    header: ReportHeader, opening: int, lines: Sequence[CashBookLine], out: Path
) -> None:
    """Sổ quỹ tiền mặt: one row per voucher between "Số dư đầu kỳ" and "Số dư cuối kỳ"."""
    check_cash_book(opening, lines)
    total_in, total_out, closing = cash_book_totals(opening, lines)
    wb, ws = _new_sheet("Sổ quỹ")
    columns = 8
    row = _title_block(ws, header, columns)
    first_header = row
    _header_row(
        ws, row, ["Ngày tháng", "Số hiệu chứng từ", "", "Diễn giải", "Số tiền", "", "", "Ghi chú"]
    )
    _header_row(ws, row + 1, ["", "Thu", "Chi", "", "Thu", "Chi", "Tồn", ""])
    for first, last in ((1, 1), (4, 4), (8, 8)):
        ws.merge_cells(start_row=row, start_column=first, end_row=row + 1, end_column=last)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=7)
    row += 2
    ws.freeze_panes = ws.cell(row=row, column=1)
    money = (5, 6, 7)
    _data_row(
        ws, row, ["", "", "", "Số dư đầu kỳ", None, None, opening, ""], amounts=money, bold=True
    )
    row += 1
    for line in lines:
        _data_row(
            ws,
            row,
            [
                line.day,
                line.receipt_no,
                line.payment_no,
                line.description,
                line.amount_in or None,
                line.amount_out or None,
                line.balance,
                line.note,
            ],
            amounts=money,
        )
        row += 1
    _data_row(
        ws,
        row,
        ["", "", "", "Cộng phát sinh", total_in, total_out, None, ""],
        amounts=money,
        bold=True,
    )
    _data_row(
        ws,
        row + 1,
        ["", "", "", "Số dư cuối kỳ", None, None, closing, ""],
        amounts=money,
        bold=True,
    )
    _widths(ws, [12, 15, 15, 45, 16, 16, 16, 18])
    ws.print_title_rows = f"{first_header}:{first_header + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    _signers(ws, row + 2, header, columns)
    _save(wb, out)


def _kinds(ws: Worksheet, row: int, heading: str, items: Sequence[tuple[str, int]]) -> int:
    _header_row(ws, row, ["STT", heading, "Số tiền (đồng)"])
    row += 1
    for number, (kind, amount) in enumerate(items, start=1):
        _data_row(ws, row, [number, kind, amount], amounts=(3,))
        row += 1
    _data_row(ws, row, [None, "Cộng", sum(a for _, a in items)], amounts=(3,), bold=True)
    return row + 2


def _goods_rows(ws: Worksheet, row: int, goods: Sequence[GoodsDonor]) -> int:
    _header_row(ws, row, ["STT", "Họ và tên", "Địa chỉ", "Ngày", "Hiện vật", "Giá trị (đồng)"])
    row += 1
    for number, (name, address, day, items, qty, unit, value) in enumerate(goods, start=1):
        what = f"{items} ({qty} {unit})"
        _data_row(ws, row, [number, name, address, day, what, value], amounts=(6,))
        row += 1
    total = sum(g[6] for g in goods)
    _data_row(ws, row, [None, "Cộng", None, None, None, total], amounts=(6,), bold=True)
    return row


def export_disclosure_xlsx(d: DisclosureData, out: Path) -> None:
    """Bảng công khai: the five sections of the printed disclosure on one sheet."""
    check_disclosure(d)
    wb, ws = _new_sheet("Công khai")
    columns = 6
    row = _title_block(ws, d.header, columns)

    def section(text: str, amount: int | None = None) -> None:
        nonlocal row
        ws.cell(row=row, column=1, value=text).font = _font(bold=True)
        if amount is not None:
            cell = ws.cell(row=row, column=columns, value=amount)
            cell.font = _font(bold=True)
            cell.number_format = AMOUNT_FORMAT
        row += 1

    section(f"I. Số dư đầu năm {d.year}", d.opening)
    row += 1
    section(f"II. Thu trong năm {d.year}")
    row = _kinds(ws, row, "Nội dung thu", d.receipts_by_kind)
    section(f"III. Chi trong năm {d.year}")
    row = _kinds(ws, row, "Nội dung chi", d.payments_by_kind)
    section("IV. Danh sách học sinh được nhận học bổng, phần thưởng")
    _header_row(ws, row, ["STT", "Họ và tên", "Trường", "Lớp", "Lý do", "Số tiền (đồng)"])
    awards_header = row
    row += 1
    for number, (name, school, grade, reason, amount) in enumerate(d.awards, start=1):
        _data_row(ws, row, [number, name, school, grade, reason, amount], amounts=(6,))
        row += 1
    _data_row(
        ws,
        row,
        [None, f"Cộng: {len(d.awards)} người", None, None, None, sum(a[4] for a in d.awards)],
        amounts=(6,),
        bold=True,
    )
    row += 2
    part = "V"
    if not d.goods.empty:
        g = d.goods
        section(f"V. Hiện vật được ủng hộ trong năm {d.year} (không tính vào quỹ tiền mặt)")
        section("Giá trị hiện vật còn đầu năm", g.opening)
        if g.received:
            row = _goods_rows(ws, row, g.received) + 1
        for day, to, items, qty, unit, value in g.issued:
            values = [None, f"Cấp phát: {to}", None, day, f"{items} ({qty} {unit})", value]
            _data_row(ws, row, values, amounts=(6,))
            row += 1
        section(d.goods_closing_label, g.closing)
        row += 1
        part = "VI"
    section(f"{part}. {d.closing_label}", d.closing)
    ws.cell(row=row, column=1, value=f"(Bằng chữ: {_text(d.closing_words)})").font = _font(
        italic=True
    )
    _widths(ws, [7, 36, 26, 8, 28, 17])
    # The award list is the long part; freezing under its header keeps the columns named.
    ws.freeze_panes = ws.cell(row=awards_header + 1, column=1)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    _signers(ws, row + 1, d.header, columns)
    _save(wb, out)


def export_donors_xlsx(
    header: ReportHeader, donors: Sequence[Donor], out: Path, goods: Sequence[GoodsDonor] = ()
) -> None:
    """Danh sách ủng hộ: one row per gift, with its value in đồng and a total; gifts in kind
    in their own section after the money."""
    wb, ws = _new_sheet("Ủng hộ")
    columns = 6
    row = _title_block(ws, header, columns)
    if goods:
        ws.cell(row=row, column=1, value="I. Ủng hộ bằng tiền").font = _font(bold=True)
        row += 1
    _header_row(ws, row, ["STT", "Họ và tên", "Địa chỉ", "Ngày", "Nội dung", "Giá trị (đồng)"])
    ws.print_title_rows = f"{row}:{row}"
    row += 1
    ws.freeze_panes = ws.cell(row=row, column=1)
    for number, (name, address, day, description, value) in enumerate(donors, start=1):
        if value < 0:
            raise ValueError(f"the gift of {name!r} has a negative value")
        _data_row(ws, row, [number, name, address, day, description, value], amounts=(6,))
        row += 1
    _data_row(
        ws,
        row,
        [None, "Tổng cộng", None, None, None, sum(d[4] for d in donors)],
        amounts=(6,),
        bold=True,
    )
    if goods:
        row += 2
        ws.cell(
            row=row, column=1, value="II. Ủng hộ bằng hiện vật (không tính vào quỹ tiền mặt)"
        ).font = _font(bold=True)
        row = _goods_rows(ws, row + 1, goods)
    _widths(ws, [7, 30, 30, 12, 24, 17])
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    _signers(ws, row + 1, header, columns)
    _save(wb, out)
