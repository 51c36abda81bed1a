"""The rows an import could not take, as an xlsx to fix and import again: the sheet's own
header and cells, plus a last column saying what is wrong with each row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from desktop_app.documents.output import atomic_output

REASON_HEADING = "Lý do không nhập được"
ROW_HEADING = "Dòng trong tệp gốc"

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


def write_rejects(
    out: Path,
    header: Sequence[Cell],
    rows: Sequence[tuple[int, Sequence[Cell], str]],
) -> Path:
    """Write `rows` ((row in the original sheet, its cells, the reasons)) under `header`."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Không nhập được")
    width = max([len(header), *(len(cells) for _n, cells, _r in rows)], default=0)
    head = [_text(c) for c in header] + [""] * (width - len(header))
    sheet.append([*head, REASON_HEADING, ROW_HEADING])
    for number, cells, reason in rows:
        values = [_value(c) for c in cells] + [None] * (width - len(cells))
        sheet.append([*values, reason, number])
    with atomic_output(Path(out)) as tmp:
        book.save(tmp)
    return Path(out)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _value(cell: Cell) -> Cell:
    # A text such as "=1+1" in a name must stay text: prefix it so Excel does not run it.
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    if isinstance(cell, (dt.time, dt.timedelta)):
        return str(cell)
    return cell
