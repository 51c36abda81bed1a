"""The attendance grid: people × sessions, ticked from the keyboard, with totals.

The grid comes with the class page's snapshot (a query off the GUI thread). A tick shows at
once and is written by an op; if the write fails, the class is read again so what is shown
is what is saved. While ticks are being written, a snapshot read meanwhile may be older than
the screen, so it is not drawn: the op that is still running brings the next one.

Nothing changes by accident: a click only selects (Space or a double-click ticks), marking
a whole session that has not happened yet asks first, and Ctrl+Z takes back the last change
made here (each undo is a write of its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.courses import AttendanceGrid
from desktop_app.i18n import _, format_int, tr
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.classes.common import ClassSnapshot, Index, alive, date_text
from desktop_app.ui.context import AppContext
from desktop_app.ui.import_wizard import ImportWizard, WizardSlot
from desktop_app.ui.widgets import confirm

TICK = "✓"
_TOTAL_BACKGROUND = QColor("#eef1f5")
# The changes Ctrl+Z can take back: enough for a session's worth of slips.
UNDO_LIMIT = 200


@dataclass(frozen=True, eq=False)  # by identity: the same tick twice is two changes
class AttendanceChange:
    """What one tick, untick or column mark did: these (enrolment, session) pairs were set to
    `present`. Undoing sets them back."""

    pairs: tuple[tuple[str, str], ...]
    present: bool


class AttendanceModel(QAbstractTableModel):
    """Rows are the enrolled people then a totals row; columns the sessions then a total."""

    # (row, column, present) after a cell is toggled; (column,) after a column is marked.
    cell_toggled = Signal(int, int, bool)
    column_marked = Signal(int, list)

    def __init__(self, grid: AttendanceGrid | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: AttendanceGrid | None = None
        self.present: list[set[int]] = []
        self._session_totals: list[int] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._total_brush = QBrush(_TOTAL_BACKGROUND)
        if grid is not None:
            self.set_grid(grid)

    def shows(self, grid: AttendanceGrid) -> bool:
        """Whether the grid on screen is already `grid` (same people, sessions and ticks)."""
        shown = self.grid
        return (
            shown is not None
            and [e.id for e in shown.enrolments] == [e.id for e in grid.enrolments]
            and [(s.id, s.day, s.topic) for s in shown.sessions]
            == [(s.id, s.day, s.topic) for s in grid.sessions]
            and [e.full_name for e in shown.enrolments] == [e.full_name for e in grid.enrolments]
            and self.present == [set(row) for row in grid.present]
        )

    def set_grid(self, grid: AttendanceGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.present = [set(row) for row in grid.present]
        self._session_totals = grid.session_totals()
        self.endResetModel()

    @property
    def people(self) -> int:
        return len(self.grid.enrolments) if self.grid else 0

    @property
    def sessions(self) -> int:
        return len(self.grid.sessions) if self.grid else 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else self.people + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else self.sessions + 1

    def is_cell(self, row: int, column: int) -> bool:
        return 0 <= row < self.people and 0 <= column < self.sessions

    def total(self) -> int:
        return sum(self._session_totals)

    def person_total(self, row: int) -> int:
        return len(self.present[row])

    def session_total(self, column: int) -> int:
        return self._session_totals[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.grid is None:
            return None
        row, column = index.row(), index.column()
        total_row, total_column = row == self.people, column == self.sessions
        if role == Qt.ItemDataRole.DisplayRole:
            if total_row and total_column:
                return format_int(self.total())
            if total_row:
                return format_int(self._session_totals[column])
            if total_column:
                return format_int(len(self.present[row]))
            return TICK if column in self.present[row] else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and (total_row or total_column):
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and (total_row or total_column):
            return self._total_brush
        if role == Qt.ItemDataRole.AccessibleTextRole and not (total_row or total_column):
            return _("present") if column in self.present[row] else _("absent")
        if role == Qt.ItemDataRole.ToolTipRole and not (total_row or total_column):
            session = self.grid.sessions[column]
            return f"{self.grid.enrolments[row].full_name} — {date_text(session.day)}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.grid is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if section == self.sessions:
                return _("Total") if role == Qt.ItemDataRole.DisplayRole else None
            if not 0 <= section < self.sessions:
                return None
            session = self.grid.sessions[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{session.day:%d/%m}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{date_text(session.day)} {session.topic}".strip()
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == self.people:
            return _("Total")
        if 0 <= section < self.people:
            return f"{section + 1}. {self.grid.enrolments[section].full_name}"
        return None

    # Changing -------------------------------------------------------------------------

    def _changed(self, rows: list[int], column: int) -> None:
        last_row, last_column = self.people, self.sessions
        for row in rows:
            cell = self.index(row, column)
            self.dataChanged.emit(cell, cell)
            total = self.index(row, last_column)
            self.dataChanged.emit(total, total)
        bottom = self.index(last_row, column)
        corner = self.index(last_row, last_column)
        self.dataChanged.emit(bottom, bottom)
        self.dataChanged.emit(corner, corner)

    def set_present(self, row: int, column: int, present: bool) -> bool:
        """Set one cell; returns whether it changed. Does not write anything."""
        if not self.is_cell(row, column) or (column in self.present[row]) == present:
            return False
        if present:
            self.present[row].add(column)
            self._session_totals[column] += 1
        else:
            self.present[row].discard(column)
            self._session_totals[column] -= 1
        self._changed([row], column)
        return True

    def toggle(self, row: int, column: int) -> bool | None:
        """Flip a cell; returns the new state, or None outside the people × sessions part."""
        if not self.is_cell(row, column):
            return None
        present = column not in self.present[row]
        self.set_present(row, column, present)
        self.cell_toggled.emit(row, column, present)
        return present

    def mark_column(self, column: int) -> list[int]:
        """Everyone present at one session; returns the rows that changed."""
        if not 0 <= column < self.sessions:
            return []
        rows = [r for r in range(self.people) if column not in self.present[r]]
        for r in rows:
            self.present[r].add(column)
        self._session_totals[column] += len(rows)
        if rows:
            self._changed(rows, column)
        self.column_marked.emit(column, rows)
        return rows


class AttendanceView(QTableView):
    """Arrows move and a click selects; Space or a double-click toggles; A (or Ctrl+Space)
    asks for the whole column to be marked present."""

    # The column whose session is to be marked present; the tab decides whether to ask.
    mark_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        horizontal = self.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        horizontal.setDefaultSectionSize(
            max(48, self.fontMetrics().horizontalAdvance("00/00") + 16)
        )
        horizontal.setHighlightSections(True)
        # One click is a selection, never a change: a tick needs a deliberate second action.
        self.doubleClicked.connect(self._double_clicked)

    def model(self) -> AttendanceModel:
        model = super().model()
        assert isinstance(model, AttendanceModel)
        return model

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        index = self.currentIndex()
        if key == Qt.Key.Key_Space and mods == Qt.KeyboardModifier.ControlModifier:
            self.mark_current_column()
            return
        if key == Qt.Key.Key_A and mods == Qt.KeyboardModifier.NoModifier:
            self.mark_current_column()
            return
        if key == Qt.Key.Key_Space and mods == Qt.KeyboardModifier.NoModifier:
            if index.isValid():
                self.model().toggle(index.row(), index.column())
            return
        super().keyPressEvent(event)

    def mark_current_column(self) -> None:
        index = self.currentIndex()
        if index.isValid() and 0 <= index.column() < self.model().sessions:
            self.mark_requested.emit(index.column())

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.model().toggle(index.row(), index.column())


class AttendanceTab(QWidget):
    """The grid of one course, and the writes behind it."""

    # What is shown may differ from what is saved: the class page reads it again.
    reload_requested = Signal()

    def __init__(self, ctx: AppContext, course_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.pending = 0
        # A snapshot came while ticks were being written and was not drawn.
        self._skipped = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        # The changes made here, last one last; Ctrl+Z takes them back one by one.
        self.undo_stack: list[AttendanceChange] = []
        # The question before a future session is marked, while it is open.
        self.confirm_box: QMessageBox | None = None
        self.help = QLabel(
            _(
                "Click to select. Space or a double-click ticks or unticks; A marks the whole "
                "session present; Ctrl+Z undoes the last change."
            )
        )
        self.help.setWordWrap(True)
        top.addWidget(self.help, 1)
        self.summary = QLabel()
        top.addWidget(self.summary)
        self.undo_button = QPushButton(_("Undo"))
        self.undo_button.setToolTip(_("Take back the last attendance change (Ctrl+Z)"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo)
        top.addWidget(self.undo_button)
        self.import_button = QPushButton(_("Import from Excel…"))
        self.import_button.setToolTip(
            _("Bring in the learners and the ticks of an attendance sheet kept in Excel")
        )
        self.import_button.setEnabled(not ctx.read_only)
        self.imports = WizardSlot(ctx, self)
        self.import_button.clicked.connect(lambda _c=False: self.open_import())
        top.addWidget(self.import_button)
        layout.addLayout(top)
        self.model = AttendanceModel(parent=self)
        self.view = AttendanceView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Attendance"))
        layout.addWidget(self.view, 1)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo)
        self.view.mark_requested.connect(self.ask_mark_column)
        self.model.cell_toggled.connect(self._write_cell)
        self.model.column_marked.connect(self._write_column)
        self.model.dataChanged.connect(lambda *_a: self._update_summary())
        self.model.modelReset.connect(self._update_summary)
        self._update_summary()

    def open_import(self) -> ImportWizard | None:
        """The import wizard for an attendance sheet of this class."""
        return self.imports.open("attendance", self.course_id)

    def show_snapshot(self, snapshot: ClassSnapshot) -> None:
        if self.pending:
            self._skipped = True
            return
        self._skipped = False
        self.show_grid(snapshot.grid)

    def show_grid(self, grid: AttendanceGrid) -> None:
        if self.model.shows(grid):
            return  # its own ticks, already on screen: keep the cursor and the scroll
        current = self.view.currentIndex()
        self.model.set_grid(grid)
        if self.model.people and self.model.sessions:
            row = min(max(current.row(), 0), self.model.people - 1)
            column = min(max(current.column(), 0), self.model.sessions - 1)
            self.view.setCurrentIndex(self.model.index(row, column))
        self.view.resizeColumnToContents(self.model.sessions)

    def _update_summary(self) -> None:
        if self.model.grid is None:  # not read yet
            self.summary.setText(_("Loading…"))
            self.empty.hide()
            return
        people, sessions = self.model.people, self.model.sessions
        self.summary.setText(
            tr(
                "People: {people} × sessions: {sessions}. Attendances: {count}",
                people=format_int(people),
                sessions=format_int(sessions),
                count=format_int(self.model.total()),
            )
        )
        if not people or not sessions:
            self.empty.setText(
                _("Enrol people and add sessions first; the grid then fills in here.")
            )
            self.empty.show()
        else:
            self.empty.hide()

    def _pairs(self, rows: list[int], column: int) -> list[tuple[str, str]]:
        grid = self.model.grid
        assert grid is not None
        session_id = grid.sessions[column].id
        return [(grid.enrolments[r].id, session_id) for r in rows]

    # Marking a whole session ------------------------------------------------------------

    def ask_mark_column(self, column: int) -> None:
        """Mark everyone present at the session; a session still to come is asked about
        first (ticking it is most likely a slip of the column)."""
        grid = self.model.grid
        if grid is None or not 0 <= column < self.model.sessions:
            return
        session = grid.sessions[column]
        absent = self.model.people - self.model.session_total(column)
        if session.day <= dt.date.today() or not absent:
            self.model.mark_column(column)
            return
        session_id = session.id

        def mark() -> None:
            # The grid may have been read again while the question was open.
            if not alive(self) or self.model.grid is None:
                return
            ids = [s.id for s in self.model.grid.sessions]
            if session_id in ids:
                self.model.mark_column(ids.index(session_id))

        self.confirm_box = confirm(
            self,
            _("Mark a session to come?"),
            tr(
                "The session of {date} has not taken place yet. "
                "Mark all {count} people present at it anyway?",
                date=date_text(session.day),
                count=format_int(absent),
            ),
            _("Mark present"),
            mark,
        )
        self.confirm_box.finished.connect(self._confirm_closed)

    def _confirm_closed(self) -> None:
        self.confirm_box = None
        if alive(self):
            self.view.setFocus()

    # Undo ------------------------------------------------------------------------------

    def _record(self, change: AttendanceChange) -> None:
        self.undo_stack.append(change)
        del self.undo_stack[:-UNDO_LIMIT]
        self.undo_button.setEnabled(True)

    def undo(self) -> None:
        """Take back the last change made here: show it at once and write it as an op."""
        if not self.undo_stack:
            return
        change = self.undo_stack.pop()
        self.undo_button.setEnabled(bool(self.undo_stack))
        grid = self.model.grid
        if grid is not None:
            rows = {e.id: i for i, e in enumerate(grid.enrolments)}
            columns = {s.id: j for j, s in enumerate(grid.sessions)}
            last = None
            for enrolment_id, session_id in change.pairs:
                if enrolment_id in rows and session_id in columns:
                    last = (rows[enrolment_id], columns[session_id])
                    self.model.set_present(*last, not change.present)
            if last is not None:  # the cursor goes where the change was taken back
                self.view.setCurrentIndex(self.model.index(*last))
        self._submit(list(change.pairs), not change.present)

    # Writing ---------------------------------------------------------------------------

    def _write_cell(self, row: int, column: int, present: bool) -> None:
        pairs = self._pairs([row], column)
        change = AttendanceChange(tuple(pairs), present)
        self._record(change)
        self._submit(pairs, present, change)

    def _write_column(self, column: int, rows: list[int]) -> None:
        if not rows:
            return
        # Exactly the people shown absent are ticked, so that undo unticks exactly them.
        pairs = self._pairs(rows, column)
        change = AttendanceChange(tuple(pairs), True)
        self._record(change)
        self._submit(pairs, True, change)

    def _submit(
        self,
        pairs: list[tuple[str, str]],
        present: bool,
        change: AttendanceChange | None = None,
    ) -> None:
        course_id = self.course_id
        self._run(lambda ws: ws.courses.set_attendance(course_id, pairs, present), change)

    def _run(
        self, fn: Callable[[Workspace], OpResult[int]], change: AttendanceChange | None = None
    ) -> None:
        if self.ctx.read_only:
            self._forget(change)
            self.reload_requested.emit()
            errors.report_error(self, _("Attendance"), self.ctx.read_only_error())
            return
        self.pending += 1
        self.ctx.op(fn, self._written, lambda exc: self._failed(exc, change), title=_("Attendance"))

    def _forget(self, change: AttendanceChange | None) -> None:
        """A change that was not saved cannot be undone."""
        if change is not None and change in self.undo_stack:
            self.undo_stack.remove(change)
            self.undo_button.setEnabled(bool(self.undo_stack))

    def _written(self, _changed: int) -> None:
        self.pending -= 1
        if not self.pending and self._skipped and alive(self):
            # Nothing changed by the last tick (so no news came): read what was skipped.
            self._skipped = False
            self.reload_requested.emit()

    def _failed(self, exc: BaseException, change: AttendanceChange | None = None) -> None:
        self.pending -= 1
        if not alive(self):
            errors.report_error(None, _("Attendance"), exc)
            return
        self._forget(change)
        self._skipped = False
        self.reload_requested.emit()
        errors.report_error(self, _("Attendance"), exc)
