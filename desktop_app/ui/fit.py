"""Pages that fit an office screen (1280×720 and up) without widening the window.

Qt gives a window at least its layout's minimum width, so one row of long Vietnamese button
labels, or a label that does not wrap, widens the window past the screen by itself (rows of
buttons are therefore laid out a few to a row). Here: column sizing that keeps a table's
last column in view, and a dialog height that follows the messages shown under its fields.

Nothing here runs Python in Qt's layout passes: a Python layout makes one call into Qt per
button per pass, the kind of call PySide6 6.12 on Python 3.11 leaked a reference to None on
(pyproject keeps that version out), and plain grids do as well.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QTableView,
    QWidget,
)

# Room for the sort arrow and the padding of a header section.
_HEADER_PADDING = 28
# Each dialog's height before messages grew it, while they have.
_BASE_HEIGHTS: weakref.WeakKeyDictionary[QWidget, int] = weakref.WeakKeyDictionary()


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


# What a window's frame and title bar take beyond its own height.
_TITLE_BAR = 40


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to `width`×`height`, or smaller where the screen's free area (without the
    taskbar, and with room for the title bar) is smaller: on a 1280×720 office screen a
    window or a dialog opens whole, its buttons in reach."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width())
        height = min(height, area.height() - _TITLE_BAR)
    widget.resize(width, height)
