"""The list of members who have not paid a year's dues (danh sách hội viên chưa đóng hội phí),
as PDF and xlsx, with the same header and signatures as the fund's reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from desktop_app.core.money import format_amount
from desktop_app.documents.fonts import BOLD, register_fonts
from desktop_app.documents.fund_reports import (
    ReportHeader,
    _amount_width,
    _build,
    _official_header,
    _Page,
    _para,
    _signature_block,
    _styles,
    _table_style,
    _title_block,
)
from desktop_app.documents.fund_xlsx import (
    _data_row,
    _header_row,
    _new_sheet,
    _save,
    _signers,
    _widths,
)
from desktop_app.documents.fund_xlsx import (
    _title_block as _xlsx_title_block,
)
from desktop_app.documents.official import OFFICIAL_MARGINS


@dataclass(frozen=True)
class UnpaidMember:
    member_number: str
    full_name: str
    birth: str
    branch: str
    hamlet: str


_HEAD = ["STT", "Số thẻ", "Họ và tên", "Ngày sinh", "Chi hội", "Nơi ở"]
_DUE = "Hội phí phải đóng (đồng)"


def render_unpaid_list(
    header: ReportHeader, members: Sequence[UnpaidMember], dues: int | None, out: Path
) -> int:
    """One row per member, with the year's dues and their total when the rate is set."""
    register_fonts()
    page = _Page(A4, OFFICIAL_MARGINS)
    size = 11.0
    styles = _styles(size)
    head, cell = styles["head"], styles["cell"]
    content = page.size[0] - page.margins.left - page.margins.right
    total = (dues or 0) * len(members)
    money = _amount_width([total], size, 26 * mm) if dues is not None else 0.0
    fixed = [12 * mm, 16 * mm, 0.0, 24 * mm, 0.0, 0.0]
    rest = content - sum(fixed) - money
    widths = [fixed[0], fixed[1], rest * 0.42, fixed[3], rest * 0.32, rest * 0.26]
    titles = [*_HEAD, _DUE] if dues is not None else list(_HEAD)
    if dues is not None:
        widths.append(money)
    rows: list[list[Any]] = [[Paragraph(t, head) for t in titles]]
    for number, m in enumerate(members, start=1):
        row: list[Any] = [
            str(number),
            _para(m.member_number, cell),
            _para(m.full_name, cell),
            m.birth,
            _para(m.branch, cell),
            _para(m.hamlet, cell),
        ]
        if dues is not None:
            row.append(format_amount(dues))
        rows.append(row)
    style: list[tuple[Any, ...]] = [
        *_table_style(1, size),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (3, 1), (3, -1), "CENTER"),
    ]
    if dues is not None:
        rows.append(["", Paragraph("Tổng cộng", styles["cell_bold"]), "", "", "", "", ""])
        rows[-1][-1] = format_amount(total)
        style += [
            ("ALIGN", (6, 1), (6, -1), "RIGHT"),
            ("FONTNAME", (6, -1), (6, -1), BOLD),
            ("SPAN", (1, -1), (5, -1)),
        ]
    table = Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))
    story: list[Flowable] = [*_title_block(header, styles), table]
    story.append(_signature_block(header, 13, with_place_date=False))
    return _build(
        out, page, _official_header(header, page), story, title=header.title, author=header.unit
    )


def export_unpaid_xlsx(
    header: ReportHeader, members: Sequence[UnpaidMember], dues: int | None, out: Path
) -> None:
    wb, ws = _new_sheet("Chưa đóng hội phí")
    columns = len(_HEAD) + (1 if dues is not None else 0)
    row = _xlsx_title_block(ws, header, columns)
    _header_row(ws, row, [*_HEAD, _DUE] if dues is not None else _HEAD)
    ws.print_title_rows = f"{row}:{row}"
    row += 1
    ws.freeze_panes = ws.cell(row=row, column=1)
    amounts = (7,) if dues is not None else ()
    for number, m in enumerate(members, start=1):
        values: list[Any] = [number, m.member_number, m.full_name, m.birth, m.branch, m.hamlet]
        if dues is not None:
            values.append(dues)
        _data_row(ws, row, values, amounts=amounts)
        row += 1
    if dues is not None:
        total = [None, "Tổng cộng", None, None, None, None, dues * len(members)]
        _data_row(ws, row, total, amounts=amounts, bold=True)
    _widths(ws, [7, 10, 30, 13, 24, 20, 18][:columns])
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    _signers(ws, row + 1, header, columns)
    _save(wb, out)
