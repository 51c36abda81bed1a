"""Pages that fit an office screen (1280×720 and up) without widening the window.

Qt gives a window at least its layout's minimum width, so one row of long Vietnamese button
labels, or a label that does not wrap, widens the window past the screen by itself. Here:
a flow layout (buttons wrap onto the next line), column sizing that keeps a table's last
column in view, and a dialog height that follows the messages shown under its fields.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QTableView,
    QWidget,
)

# Room for the sort arrow and the padding of a header section.
_HEADER_PADDING = 28
# Each dialog's height before messages grew it (kept in Python: a Qt dynamic property set to
# None trips a reference-count bug in PySide6 6.12).
_BASE_HEIGHTS: weakref.WeakKeyDictionary[QWidget, int] = weakref.WeakKeyDictionary()


class FlowLayout(QLayout):
    """Items left to right, wrapping to a new line when the width runs out."""

    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # QLayout's item protocol ---------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # Sizes -----------------------------------------------------------------------------

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        # All in one line when there is room: as wide as a row of buttons would be.
        width = sum(self._hint(i).width() for i in self._visible())
        width += self._gap() * max(0, len(self._visible()) - 1)
        height = max((self._hint(i).height() for i in self._visible()), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize()).expandedTo(self._hint(item))
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # Placing ---------------------------------------------------------------------------

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    @staticmethod
    def _hint(item: QLayoutItem) -> QSize:
        return item.sizeHint()

    def _gap(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        if parent is None:
            return 6
        gap = parent.style().layoutSpacing(
            QSizePolicy.ControlType.PushButton,
            QSizePolicy.ControlType.PushButton,
            Qt.Orientation.Horizontal,
        )
        return gap if gap >= 0 else 6

    def _place(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height = area.x(), area.y(), 0
        gap = self._gap()
        for item in self._visible():
            hint = self._hint(item)
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + line_height + gap
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + m.bottom()


def fit_columns(table: QTableView, widths: Mapping[int, int], stretch: Iterable[int]) -> None:
    """Size a table's columns so that the last one stays in view.

    The `stretch` columns (long text: names, titles, reasons) share the width that is left
    and elide their text; the others keep `widths`, or the width of their header if that is
    more, and can still be resized by hand. The model must be set.
    """
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(40)
    metrics = header.fontMetrics()
    model = table.model()
    stretching = set(stretch)
    for column in range(model.columnCount()):
        if column in stretching:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        needed = metrics.horizontalAdvance(title) + _HEADER_PADDING
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(column, max(widths.get(column, 0), needed))


def fit_dialog_height(widget: QWidget, change: Callable[[], None]) -> None:
    """Make `change` (a message under a field appears or goes), then let the dialog grow to
    show the wrapped text whole, or shrink back when it goes, leaving no gap.

    The fit is deferred, so the layouts have taken the change in first. Only dialogs: a page
    in the main window has the window's height to use.
    """
    top = widget.window()
    if isinstance(top, QDialog) and top.isVisible() and top not in _BASE_HEIGHTS:
        # The height before the change: Qt may grow the dialog to its new minimum at once,
        # and that is not a height to come back to.
        _BASE_HEIGHTS[top] = top.height()
    change()

    def fit() -> None:
        from shiboken6 import isValid

        if not isValid(widget):
            return
        window = widget.window()
        layout = window.layout()
        if not isinstance(window, QDialog) or layout is None or not window.isVisible():
            return
        if window.isMaximized() or window.isFullScreen():
            return
        layout.activate()
        width = window.width()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        if needed < 0:
            needed = layout.totalSizeHint().height()
        needed = max(needed, layout.totalMinimumSize().height())
        base = _BASE_HEIGHTS.get(window)  # the height before messages grew it
        if needed > window.height():
            window.resize(width, needed)
        elif base is not None and needed < window.height():
            # Only what the messages added is taken back, down to the height it had.
            window.resize(width, max(needed, base))
        if base is not None and window.height() <= base:
            del _BASE_HEIGHTS[window]

    QTimer.singleShot(0, fit)
