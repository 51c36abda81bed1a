"""Small charts drawn with QPainter: horizontal bars of rates, one group of bars per row
(`RateChart`), and columns or lines over categories such as the months (`ColumnChart`).

Why not Qt Charts: it is in PySide6-Addons, a second wheel of about 100 MB that the frozen
installer would carry for one chart; a light library (matplotlib, pyqtgraph) would add as much
or bring numpy. A QPainter chart is a hundred lines, costs nothing in the frozen size, prints
the Vietnamese figures exactly as the table beside it (`format_percent`), and follows the
screen's font and scaling.

The chart is generic: rows (a hamlet, the commune) each carry named rates (0..1 or None); the
series say which rates are drawn, in which colour and with which legend label; an optional
target is a vertical line across all rows. A new series (e.g. "recognised") is one more
`Series` and one more key in each row's rates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.i18n import format_percent

__all__ = ["ChartRow", "ColumnChart", "RateChart", "Series", "rate_text"]

# Colours told apart by most colour-blind readers too (Tableau 10).
BLUE, GREEN, ORANGE, RED = "#4e79a7", "#59a14f", "#f28e2b", "#e15759"
# More of the same palette, for stacked series.
PURPLE, GREY, TEAL = "#b07aa1", "#bab0ac", "#76b7b2"


@dataclass(frozen=True)
class Series:
    key: str
    label: str  # shown in the legend, already translated
    color: str = BLUE


@dataclass(frozen=True)
class ChartRow:
    label: str
    rates: Mapping[str, float | None] = field(default_factory=dict)  # series key: 0..1
    total: bool = False  # the whole (the commune): drawn in bold, after a rule


def rate_text(rate: float | None) -> str:
    """A rate as the chart and its table write it: "45,5%", or "—" when there is none."""
    return format_percent(rate * 100) if rate is not None else "—"


class RateChart(QWidget):
    """Horizontal bars per row and series, 0 to 100%, the values written at the bars' ends,
    a legend above and a dashed vertical line at the target."""

    BAR = 14  # bar height at the default font; scaled with the font
    PAD = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: list[Series] = []
        self.rows: list[ChartRow] = []
        self.target: float | None = None
        self.target_label = ""
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setBackgroundRole(self.backgroundRole())
        self.setAutoFillBackground(True)

    def set_data(
        self,
        series: Sequence[Series],
        rows: Sequence[ChartRow],
        target: float | None = None,
        target_label: str = "",
    ) -> None:
        self.series = list(series)
        self.rows = list(rows)
        self.target = target
        self.target_label = target_label
        self.setAccessibleDescription(self.describe())
        self.setFixedHeight(self._height())
        self.update()

    def describe(self) -> str:
        """The figures as text, for screen readers (and tests): one line per row."""
        lines = []
        if self.target is not None:
            lines.append(f"{self.target_label}: {rate_text(self.target)}")
        for row in self.rows:
            values = "; ".join(f"{s.label} {rate_text(row.rates.get(s.key))}" for s in self.series)
            lines.append(f"{row.label}: {values}")
        return "\n".join(lines)

    # Geometry --------------------------------------------------------------------------

    def _bar(self) -> int:
        return max(self.BAR, self.fontMetrics().height())

    def _group(self) -> int:
        return self._bar() * max(1, len(self.series)) + self.PAD

    def _legend_height(self) -> int:
        return self.fontMetrics().height() + 2 * self.PAD

    def _axis_height(self) -> int:
        return self.fontMetrics().height() + self.PAD

    def _height(self) -> int:
        rows = max(1, len(self.rows))
        rule = self.PAD if any(r.total for r in self.rows) else 0
        return (
            self._legend_height()
            + self._axis_height()
            + rows * self._group()
            + rule
            + 2 * (self.PAD)
        )

    def sizeHint(self) -> QSize:
        return QSize(640, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(360, self._height())

    # Painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        fm = self.fontMetrics()
        text_color = self.palette().windowText().color()
        background = self.palette().window().color()
        width = self.width()
        pad = self.PAD
        bold = QFont(self.font())
        bold.setBold(True)
        bold_fm = QFontMetrics(bold)
        # Legend: a swatch and a label per series, then the target's dashed line.
        x, y = pad, pad
        h = fm.height()
        for s in self.series:
            p.fillRect(QRectF(x, y + h * 0.2, h * 0.8, h * 0.6), QColor(s.color))
            x += int(h * 0.8) + 4
            p.setPen(text_color)
            p.drawText(x, y + fm.ascent(), s.label)
            x += fm.horizontalAdvance(s.label) + 2 * pad
        if self.target is not None:
            p.setPen(QPen(QColor(RED), 2, Qt.PenStyle.DashLine))
            p.drawLine(x + h // 2, y, x + h // 2, y + h)
            x += h + 4
            p.setPen(text_color)
            p.drawText(x, y + fm.ascent(), f"{self.target_label} {rate_text(self.target)}")
        # The plot: labels on the left, bars from 0 to 100%, room for the values on the right.
        labels = [r.label for r in self.rows] or [""]
        label_w = min(max(bold_fm.horizontalAdvance(t) for t in labels) + 2 * pad, int(width * 0.4))
        value_w = bold_fm.horizontalAdvance(rate_text(0.999)) + 2 * pad
        left = label_w
        plot_w = max(40, width - left - value_w - pad)
        top = self._legend_height() + self._axis_height()
        bottom = self.height() - pad
        # Axis: 0, 25, 50, 75, 100% with light grid lines.
        grid = QColor(text_color)
        grid.setAlpha(50)
        for tick in (0, 0.25, 0.5, 0.75, 1.0):
            tx = left + tick * plot_w
            p.setPen(QPen(grid, 1))
            p.drawLine(int(tx), top - 2, int(tx), bottom)
            p.setPen(text_color)
            label = rate_text(tick)
            p.drawText(int(tx - fm.horizontalAdvance(label) / 2), top - pad, label)
        if not self.rows:
            p.drawText(left, top + fm.ascent() + pad, self.empty_text)
        if self.target is not None:  # under the bars, so the figures stay readable
            tx = int(left + min(max(self.target, 0.0), 1.0) * plot_w)
            p.setPen(QPen(QColor(RED), 2, Qt.PenStyle.DashLine))
            p.drawLine(tx, top - 2, tx, bottom)
        bar = self._bar()
        y = top + pad // 2
        for row in self.rows:
            if row.total:
                p.setPen(QPen(grid, 1))
                p.drawLine(pad, y, width - pad, y)
                y += pad
            font = bold if row.total else self.font()
            row_fm = bold_fm if row.total else fm
            p.setFont(font)
            p.setPen(text_color)
            group_h = bar * max(1, len(self.series))
            elided = row_fm.elidedText(row.label, Qt.TextElideMode.ElideRight, label_w - pad)
            p.drawText(
                QRectF(pad // 2, y, label_w - pad, group_h),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                elided,
            )
            for i, s in enumerate(self.series):
                rate = row.rates.get(s.key)
                by = y + i * bar
                share = min(max(rate or 0.0, 0.0), 1.0)
                if rate is not None:
                    p.fillRect(QRectF(left, by + 2, share * plot_w, bar - 4), QColor(s.color))
                # The figure on a patch of background: the target line never crosses it.
                figure = rate_text(rate)
                fx = left + share * plot_w + 4
                p.fillRect(
                    QRectF(fx - 2, by + 1, row_fm.horizontalAdvance(figure) + 4, bar - 2),
                    background,
                )
                p.setPen(text_color)
                p.drawText(
                    QRectF(fx, by, value_w, bar),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    figure,
                )
            y += self._group()
        p.setFont(self.font())


class ColumnChart(QWidget):
    """Vertical columns, one per category (a month, a hamlet), stacked by series; or, with
    `line`, one polyline per series with a dot at each value. The values are written on the
    axis by `value_text`; a category whose values are all None (a month to come) is left
    blank. The same look as RateChart: the legend above, light grid lines, the screen's font."""

    PAD = 8
    HEIGHT = 230

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.values: dict[str, list[float | None]] = {}
        self.line = False
        self.integer = False  # counts: the axis goes by whole steps
        self.value_text: Callable[[float], str] = lambda v: f"{v:g}"
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAutoFillBackground(True)
        self.setFixedHeight(self.HEIGHT)

    def set_data(
        self,
        labels: Sequence[str],
        series: Sequence[Series],
        values: Mapping[str, Sequence[float | None]],
        *,
        line: bool = False,
        integer: bool = False,
        value_text: Callable[[float], str] | None = None,
    ) -> None:
        self.labels = list(labels)
        self.integer = integer
        self.series = list(series)
        self.values = {s.key: list(values.get(s.key, ())) for s in series}
        self.line = line
        if value_text is not None:
            self.value_text = value_text
        self.setAccessibleDescription(self.describe())
        self.update()

    def value(self, key: str, i: int) -> float | None:
        column = self.values.get(key, [])
        return column[i] if i < len(column) else None

    def describe(self) -> str:
        """The figures as text, for screen readers (and tests): one line per category."""
        lines = []
        for i, label in enumerate(self.labels):
            parts = []
            for s in self.series:
                v = self.value(s.key, i)
                parts.append(f"{s.label} {self.value_text(v) if v is not None else '—'}")
            lines.append(f"{label}: {'; '.join(parts)}")
        return "\n".join(lines)

    def _top(self) -> float:
        """The axis' top: four round steps (1, 2, 2.5 or 5 times a power of ten) reaching
        the largest column (or point); whole steps for counts."""
        if self.line:
            peak = max((v for col in self.values.values() for v in col if v is not None), default=0)
        else:
            peak = max(
                (
                    sum(self.value(s.key, i) or 0 for s in self.series)
                    for i in range(len(self.labels))
                ),
                default=0,
            )
        if peak <= 0:
            return 4.0 if self.integer else 1.0
        wanted = peak / 4
        magnitude = 10 ** math.floor(math.log10(wanted))
        for factor in (1, 2, 2.5, 5, 10):
            step = factor * magnitude
            if self.integer and (step < 1 or step != int(step)):
                continue
            if step >= wanted:
                return float(4 * step)
        return float(40 * magnitude)

    def sizeHint(self) -> QSize:
        return QSize(420, self.HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.HEIGHT)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, p: QPainter) -> None:
        fm = self.fontMetrics()
        text_color = self.palette().windowText().color()
        pad, h = self.PAD, fm.height()
        # Legend (only when there is more than one series to tell apart).
        x, y = pad, pad
        if len(self.series) > 1 or self.line:
            for s in self.series:
                width = int(h * 0.8) + 4 + fm.horizontalAdvance(s.label)
                if x > pad and x + width > self.width() - pad:
                    x, y = pad, y + h + 2  # the legend goes on over as many lines as it needs
                p.fillRect(QRectF(x, y + h * 0.2, h * 0.8, h * 0.6), QColor(s.color))
                x += int(h * 0.8) + 4
                p.setPen(text_color)
                p.drawText(x, y + fm.ascent(), s.label)
                x += fm.horizontalAdvance(s.label) + 2 * pad
            y += h + pad
        top_value = self._top()
        ticks = [top_value * t for t in (0, 0.25, 0.5, 0.75, 1.0)]
        axis_w = max(fm.horizontalAdvance(self.value_text(t)) for t in ticks) + pad
        left, right = pad + axis_w, self.width() - pad
        plot_top, plot_bottom = y + h // 2, self.height() - pad - h - 2
        plot_h = max(10, plot_bottom - plot_top)
        grid = QColor(text_color)
        grid.setAlpha(50)
        for t in ticks:
            ty = plot_bottom - t / top_value * plot_h
            p.setPen(QPen(grid, 1))
            p.drawLine(int(left), int(ty), int(right), int(ty))
            p.setPen(text_color)
            label = self.value_text(t)
            p.drawText(
                int(left - pad - fm.horizontalAdvance(label)), int(ty + fm.ascent() / 2), label
            )
        n = len(self.labels)
        if not n or not any(v for col in self.values.values() for v in col if v):
            if self.empty_text:
                p.setPen(text_color)
                p.drawText(
                    QRectF(left, plot_top, right - left, plot_h),
                    int(Qt.AlignmentFlag.AlignCenter),
                    self.empty_text,
                )
            if not n:
                return
        slot = (right - left) / n
        # Category labels, thinned when they do not fit.
        widest = max(fm.horizontalAdvance(label) for label in self.labels) + 4
        every = max(1, math.ceil(widest / max(slot, 1)))
        p.setPen(text_color)
        for i, label in enumerate(self.labels):
            if i % every:
                continue
            cx = left + slot * (i + 0.5)
            shown = fm.elidedText(label, Qt.TextElideMode.ElideRight, int(slot * every) - 2)
            p.drawText(
                int(cx - fm.horizontalAdvance(shown) / 2), int(plot_bottom + fm.ascent() + 2), shown
            )
        if self.line:
            for s in self.series:
                pen = QPen(QColor(s.color), 2)
                previous: tuple[float, float] | None = None
                for i in range(n):
                    v = self.value(s.key, i)
                    if v is None:
                        previous = None
                        continue
                    point = (left + slot * (i + 0.5), plot_bottom - max(v, 0) / top_value * plot_h)
                    p.setPen(pen)
                    if previous is not None:
                        p.drawLine(int(previous[0]), int(previous[1]), int(point[0]), int(point[1]))
                    p.setBrush(QColor(s.color))
                    p.drawEllipse(QRectF(point[0] - 3, point[1] - 3, 6, 6))
                    previous = point
            return
        bar_w = max(2.0, slot * 0.7)
        for i in range(n):
            base = 0.0
            bx = left + slot * i + (slot - bar_w) / 2
            for s in self.series:
                v = self.value(s.key, i) or 0
                if v <= 0:
                    continue
                y0 = plot_bottom - base / top_value * plot_h
                y1 = plot_bottom - (base + v) / top_value * plot_h
                p.fillRect(QRectF(bx, y1, bar_w, y0 - y1), QColor(s.color))
                base += v
