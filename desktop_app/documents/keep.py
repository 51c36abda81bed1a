"""Keep a table's last rows with what follows it, so no page holds only a signature block.

A signature alone on the last page signs nothing a reader can see; the decree's practice is
to carry the last lines of the text over with it. `KeepTail(table, tail, rows)` lays out
like the table followed by `tail`; when the whole does not fit, the table is cut so that at
least `rows` of its last rows go over to the next page with the tail (the table's repeated
header rows come along, as on every later page).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import CondPageBreak, Flowable, Table


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
        # Measured against an unbounded height: a long table measures only the rows that fit.
        self.table.wrap(available_width, 1e9)
        heights = [float(h) for h in self.table._rowHeights]
        header = int(self.table.repeatRows or 0)
        keep = min(self.rows, len(heights) - header - 1)
        if keep < 1:
            return []
        fit, used = 0, 0.0
        for height in heights:
            if used + height > available_height:
                break
            used += height
            fit += 1
        # Whatever goes over to the next page takes at least `keep` rows with it.
        carried = len(heights) - fit
        fit = min(fit, len(heights) - keep)
        if fit <= header:
            return []
        parts = self.table.split(available_width, sum(heights[:fit]) + 0.01)
        if len(parts) < 2:
            return []
        rest = KeepTail(parts[1], self.tail, self.rows)
        if carried >= keep:
            return [parts[0], rest]  # the page is full: the rest starts the next one
        # Cut short on purpose: the room left here must not take the rows back one by one.
        needed = (
            sum(heights[:header])
            + sum(heights[fit:])
            + self._tail_height(available_width, available_height)
        )
        return [parts[0], CondPageBreak(needed), rest]

    def drawOn(self, canvas: object, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        top -= self._table_height
        self.table.drawOn(canvas, x, top, _sW)
        for flowable in self.tail:
            _, h = flowable.wrap(self.width, self.height)
            top -= h
            flowable.drawOn(canvas, x, top, _sW)
