"""Keep a table's last rows with what follows it, so no page holds only a signature block.

A signature alone on the last page signs nothing a reader can see; the decree's practice is
to carry the last lines of the text over with it. `KeepTail(table, tail, rows)` lays out
like the table followed by `tail`; when the whole does not fit, the table is cut so that at
least `rows` of its last rows go over to the next page with the tail (the table's repeated
header rows come along, as on every later page).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, KeepTogether, Table


class KeepTail(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    def __init__(self, table: Table, tail: Sequence[Flowable], rows: int = 2) -> None:
        super().__init__()
        self.table = table
        self.tail = list(tail)
        self.rows = rows
        self._table_height = 0.0

    def _tail_height(self, width: float, height: float) -> float:
        return float(sum(f.wrap(width, height)[1] for f in self.tail))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, table_height = self.table.wrap(available_width, available_height)
        self._table_height = float(table_height)
        self.width = available_width
        self.height = self._table_height + self._tail_height(available_width, available_height)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        if self._table_height <= available_height:
            # The table fits but not its tail: cut it above its last rows.
            heights = self.table._rowHeights  # set by wrap
            keep = min(self.rows, len(heights) - self.table.repeatRows - 1)
            if keep < 1:
                return []
            cut = self._table_height - sum(heights[-keep:]) - 0.01
            parts = self.table.split(available_width, cut)
            if len(parts) < 2:
                return []
            return [parts[0], KeepTogether([parts[1], *self.tail])]
        parts = self.table.split(available_width, available_height)
        if len(parts) < 2:
            return []
        return [parts[0], KeepTail(parts[1], self.tail, self.rows)]

    def drawOn(self, canvas: object, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        top -= self._table_height
        self.table.drawOn(canvas, x, top, _sW)
        for flowable in self.tail:
            _, h = flowable.wrap(self.width, self.height)
            top -= h
            flowable.drawOn(canvas, x, top, _sW)
