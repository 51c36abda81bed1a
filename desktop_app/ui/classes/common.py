"""Pieces the Classes screens share: date fields, a list-backed table model, labels, the
snapshot a class's page is drawn from, and the inline way forms show a failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLineEdit, QTableView, QWidget
from shiboken6 import isValid

from desktop_app.core.collation import sort_key
from desktop_app.core.courses import (
    COURSE_STATUS_LABELS,
    RESULT_LABELS,
    AttendanceGrid,
    Course,
    CourseStatus,
    Enrolment,
    Result,
)
from desktop_app.core.dates import UNREADABLE_DATE, parse_day
from desktop_app.core.people import Birth
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_date
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors

Index = QModelIndex | QPersistentModelIndex

DATE_HINT = N_("dd/mm/yyyy")
BAD_DATE = UNREADABLE_DATE
SEX_SHORT = {"M": N_("M"), "F": N_("F")}


@dataclass(frozen=True)
class ClassSnapshot:
    """Everything one class's page shows, read in one query off the GUI thread."""

    course: Course
    grid: AttendanceGrid
    enrolments: list[Enrolment]


def read_class(ws: Workspace, course_id: str) -> ClassSnapshot:
    """The query behind a class's page: the course, its attendance grid, its enrolments
    with completion (a few indexed reads)."""
    return ClassSnapshot(
        ws.courses.get(course_id), ws.courses.grid(course_id), ws.courses.enrolments(course_id)
    )


def alive(obj: QObject) -> bool:
    """False once Qt has deleted the widget (an answer may come back after its page closed)."""
    return isValid(obj)


def reporter(widget: QWidget, title: str) -> Callable[[BaseException], None]:
    """An `on_error` that reports over `widget`, or over the main window once it is gone."""

    def report(exc: BaseException) -> None:
        errors.report_error(widget if alive(widget) else None, title, exc)

    return report


def show_inline(
    parent: QWidget | None, title: str, exc: BaseException, show: Callable[[str], None]
) -> None:
    """A form's failure shown in the form itself (`show(text)`) when the user can act on it;
    a bug goes to the one error report instead."""
    text = errors.error_text(exc)
    if text is None:
        errors.report_error(parent, title, exc)
    else:
        show(text)


def parse_date(text: str) -> dt.date | None:
    """'5/2/2026' or '2026-02-05' -> date; '' -> None; anything else raises DateError (a
    ValueError) that says what is wrong ("there is no 31 February")."""
    if not text.strip():
        return None
    return parse_day(text)


def date_text(day: dt.date | None) -> str:
    return format_date(day) if day else ""


def date_edit(parent: QWidget | None = None) -> QLineEdit:
    """A date typed as on paper; QDateEdit cannot be left empty and fights fast typing."""
    edit = QLineEdit(parent)
    edit.setPlaceholderText(_(DATE_HINT))
    edit.setMaxLength(10)
    return edit


def course_dates_text(course: Course) -> str:
    if course.start and course.end and course.start != course.end:
        return f"{date_text(course.start)} – {date_text(course.end)}"
    return date_text(course.start or course.end)


def status_label(status: CourseStatus) -> str:
    return _(COURSE_STATUS_LABELS[status])


def result_label(result: Result | None) -> str:
    return _(RESULT_LABELS[result]) if result else ""


def birth_year(iso: str) -> str:
    return str(Birth.from_iso(iso).year) if iso else ""


def birth_display(iso: str) -> str:
    return Birth.from_iso(iso).display() if iso else ""


def sex_label(sex: str | None) -> str:
    return _(SEX_SHORT[sex]) if sex in SEX_SHORT else ""


@dataclass(frozen=True)
class Column:
    """One column of a RowsModel: a msgid for the header and how a row shows in it."""

    title: str
    text: Callable[[Any], str]
    number: bool = False
    key: Callable[[Any], Any] | None = None
    tooltip: Callable[[Any], str] | None = None


class RowsModel(QAbstractTableModel):
    """A read-only table over a Python list of rows (dataclasses), sortable by column."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self.bold_rows: set[int] = set()
        self.grey: Callable[[Any], bool] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.number:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.ForegroundRole and self.grey is not None and self.grey(row):
            from PySide6.QtGui import QColor

            return QColor("#808080")
        if role == Qt.ItemDataRole.FontRole and index.row() in self.bold_rows:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.columns):
                title = self.columns[section].title
                # _("") would return the catalog's header, not an empty title.
                return _(title) if title else ""
            return None
        return str(section + 1) if 0 <= section < len(self.rows) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or not self.rows:
            return
        spec = self.columns[column]
        key = spec.key or (lambda r: sort_key(spec.text(r)))
        self.layoutAboutToBeChanged.emit()
        old = list(self.rows)
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        # Keep selections on the same rows: map every persistent index by the row object.
        where = {id(r): i for i, r in enumerate(self.rows)}
        before = self.persistentIndexList()
        after = [
            self.index(where[id(old[p.row()])], p.column()) if p.row() < len(old) else p
            for p in before
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


def setup_table(table: QTableView, *, row_selection: bool = True) -> None:
    """The look every list in the section shares (same as the people list)."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    if row_selection:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)


def selected_row(table: QTableView) -> int | None:
    rows = table.selectionModel().selectedRows() if table.selectionModel() else []
    if rows:
        return rows[0].row()
    current = table.currentIndex()
    return current.row() if current.isValid() else None
