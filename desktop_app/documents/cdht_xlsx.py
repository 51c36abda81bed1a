"""The list of adults still to register on the "Công dân học tập" platform, as an .xlsx in
the platform's own fields and order.

The header is on the first row and the data right under it (no title block): the list is
typed or pasted into the platform field by field, and a tool reading it expects a plain table.
Every cell is text except the birth year: a CCCD number keeps its leading zeros, and a name
typed as "=..." stays a name, never a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from desktop_app.documents.official import nfc
from desktop_app.documents.output import atomic_output

__all__ = ["SHEET_TITLE", "write_cdht_xlsx"]

SHEET_TITLE = "Danh sách"
_FONT = "Times New Roman"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# Characters per column: CCCD 12 digits, names, the sex, the year, then the places.
_WIDTHS = (16.0, 30.0, 10.0, 10.0, 14.0, 14.0, 24.0, 24.0)


def write_cdht_xlsx(
    headers: Sequence[str], rows: Sequence[Sequence[str | int | None]], out: Path
) -> None:
    """Write `rows` under `headers` (one sheet, header frozen, filterable) to `out`, whole
    or not at all."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    for column, title in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column, value=title)
        cell.font = Font(name=_FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
    body = Font(name=_FONT, size=12)
    for r, values in enumerate(rows, start=2):
        if len(values) != len(headers):
            raise ValueError(f"row {r - 1} has {len(values)} cells for {len(headers)} columns")
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=column)
            if isinstance(value, str):
                cell.value = nfc(" ".join(value.split()))
                cell.data_type = "s"
                cell.number_format = "@"
            else:
                cell.value = value
            cell.font = body
            cell.border = _BOX
    for column, width in enumerate(_WIDTHS[: len(headers)], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    with atomic_output(out) as part:
        wb.save(part)
