"""Results (xếp loại) and literacy levels per person, completion with its reason, and the
list of completers with the class's print buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.certificates import commended
from desktop_app.core.courses import RESULT_LABELS, Course, Enrolment, Result
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_int, tr
from desktop_app.ui import errors
from desktop_app.ui.classes.common import (
    ClassSnapshot,
    Column,
    Index,
    RowsModel,
    alive,
    birth_display,
    result_label,
    setup_table,
)
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns

COL_NAME, COL_ATTENDED, COL_RESULT, COL_LEVEL, COL_COMPLETION = range(5)
_HEADERS = ("Full name", "Attended", "Result", "Literacy level", "Completion")
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1
_OK = QColor("#1b6e20")
_NOT_YET = QColor("#8a5a00")


def completion_text(e: Enrolment) -> str:
    c = e.completion
    if c is None:
        return ""
    return _("Completed") if c.completed else _(c.reason)


class ResultsModel(QAbstractTableModel):
    """One row per enrolled person; result and literacy level are editable."""

    # (enrolment id, result, literacy level) the user chose; the page writes it.
    result_edited = Signal(str, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Enrolment] = []
        self.sessions = 0
        self.show_level = False

    def set_rows(self, rows: list[Enrolment], sessions: int, show_level: bool) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.sessions = sessions
        self.show_level = show_level
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(_HEADERS[section]) if 0 <= section < len(_HEADERS) else None
        return str(section + 1) if 0 <= section < len(self.rows) else None

    def choices(self, column: int) -> list[tuple[str, object]]:
        if column == COL_RESULT:
            return [(_("(none)"), None)] + [(_(label), r) for r, label in RESULT_LABELS.items()]
        if column == COL_LEVEL:
            return [(_("(none)"), None), (_("Level 1"), 1), (_("Level 2"), 2)]
        return []

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        e = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return e.full_name
            if column == COL_ATTENDED:
                percent = round(100 * e.attended / self.sessions) if self.sessions else 0
                return f"{format_int(e.attended)}/{format_int(self.sessions)} ({percent} %)"
            if column == COL_RESULT:
                return result_label(e.result)
            if column == COL_LEVEL:
                return tr("Level {n}", n=e.literacy_level) if e.literacy_level else ""
            return completion_text(e)
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_RESULT:
                return e.result
            if column == COL_LEVEL:
                return e.literacy_level
            return None
        if role == CHOICES_ROLE:
            return self.choices(column)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_COMPLETION and e.completion:
            return _OK if e.completion.completed else _NOT_YET
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_ATTENDED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_RESULT or (index.column() == COL_LEVEL and self.show_level):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        e = self.rows[index.row()]
        result, level = e.result, e.literacy_level
        if index.column() == COL_RESULT:
            result = Result(value) if value else None
        else:
            level = int(value) if value else None
        if (result, level) == (e.result, e.literacy_level):
            return False
        # Shown at once; completion is worked out again when the write comes back.
        self.rows[index.row()] = Enrolment(
            **{**e.__dict__, "result": result, "literacy_level": level}
        )
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), COL_COMPLETION))
        self.result_edited.emit(e.id, result, level)
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box with the model's choices; picking one saves it."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for label, value in index.data(CHOICES_ROLE) or []:
            combo.addItem(label, value)
        combo.activated.connect(lambda _i: self._commit(combo))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setCurrentIndex(max(0, editor.findData(value)))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ResultsTab(QWidget):
    # What is shown may differ from what is saved: the class page reads it again.
    reload_requested = Signal()

    def __init__(self, ctx: AppContext, course_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        layout = QVBoxLayout(self)
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        layout.addWidget(self.rule)
        self.model = ResultsModel(self)
        self.table = QTableView()
        setup_table(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChoiceDelegate(self.table))
        for column, width in enumerate((220, 110, 110, 110)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.model.result_edited.connect(self._write)

    def show_snapshot(self, snapshot: ClassSnapshot) -> None:
        course, rows = snapshot.course, snapshot.enrolments
        show_level = course.literacy or course.rule.needs_literacy_level
        current = self.table.currentIndex()
        self.model.set_rows(rows, course.sessions, show_level)
        self.table.setColumnHidden(COL_LEVEL, not show_level)
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        self.rule.setText(rule_text(course))

    def _write(self, enrolment_id: str, result: Result | None, level: int | None) -> None:
        if self.ctx.read_only:
            self.reload_requested.emit()
            errors.report_error(self, _("Results"), self.ctx.read_only_error())
            return

        def failed(exc: BaseException) -> None:
            if alive(self):
                self.reload_requested.emit()
                errors.report_error(self, _("Results"), exc)
            else:
                errors.report_error(None, _("Results"), exc)

        self.ctx.op(
            lambda ws: ws.courses.set_result(enrolment_id, result, level),
            None,
            failed,
            title=_("Results"),
        )


def rule_text(course: Course) -> str:
    parts = [tr("Completed: at least {percent}% of sessions", percent=course.rule.min_percent)]
    if course.rule.needs_result:
        parts.append(_("and a passing result"))
    if course.rule.needs_literacy_level:
        parts.append(_("and a literacy level (1 or 2)"))
    return " ".join(parts) + "."


PAPERS_A_ROW = 3


def gets_commendation(e: Enrolment) -> bool:
    return commended(e.result, e.commendation)


COMPLETER_COLUMNS = [
    Column(N_("Full name"), lambda e: e.full_name, key=lambda e: e.sort_key),
    Column(N_("Birth"), lambda e: birth_display(e.birth), key=lambda e: e.birth),
    Column(N_("Hamlet"), lambda e: e.hamlet_name),
    Column(N_("Attended"), lambda e: format_int(e.attended), number=True, key=lambda e: e.attended),
    Column(N_("Result"), lambda e: result_label(e.result)),
    # A tick: the text is empty, the check box says it (and a screen reader reads its state).
    Column(
        N_("Commendation"),
        lambda e: "",
        key=lambda e: not gets_commendation(e),
        tooltip=lambda e: commendation_tip(e),
    ),
]
COL_COMMENDATION = len(COMPLETER_COLUMNS) - 1


def commendation_tip(e: Enrolment) -> str:
    if e.commendation is None:
        return _(
            "Chosen by the result (Very good or Excellent get a commendation); click to change."
        )
    return _("Chosen by hand for this learner; click to change.")


class CompletersModel(RowsModel):
    """The completers, with a check box for who gets a commendation (Giấy khen)."""

    # (enrolment id, chosen); the tab writes it.
    commendation_edited = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COMPLETER_COLUMNS, parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.CheckStateRole
            and index.isValid()
            and index.column() == COL_COMMENDATION
            and index.row() < len(self.rows)
        ):
            ticked = gets_commendation(self.rows[index.row()])
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == COL_COMMENDATION:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != COL_COMMENDATION:
            return False
        if not index.isValid() or index.row() >= len(self.rows):
            return False
        e = self.rows[index.row()]
        chosen = Qt.CheckState(value) == Qt.CheckState.Checked
        if chosen == gets_commendation(e):
            return False
        # Shown at once; the class page reads it again when the write comes back.
        self.rows[index.row()] = Enrolment(**{**e.__dict__, "commendation": chosen})
        self.dataChanged.emit(index, index)
        self.commendation_edited.emit(e.id, chosen)
        return True

    def chosen(self) -> int:
        return sum(1 for e in self.rows if gets_commendation(e))


class CompletersTab(QWidget):
    """Who completed, who of them gets a commendation, and every paper of the class."""

    # What is shown may differ from what is saved: the class page reads it again.
    reload_requested = Signal()
    total = 0

    def __init__(
        self,
        ctx: AppContext,
        course_id: str,
        actions: list[tuple[str, str, Callable[..., None]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = CompletersModel(self)
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(self.model)
        # The names and hamlets share the width; the tick column stays narrow at the end.
        fit_columns(self.table, {1: 90, 3: 80, 4: 80, COL_COMMENDATION: 90}, stretch=(0, 2))
        layout.addWidget(self.table, 1)
        self.model.commendation_edited.connect(self._write_commendation)
        self.model.dataChanged.connect(self._show_summary)
        # Three a row: the class's papers, then the certificates (in one row the long
        # Vietnamese labels would widen the window past a laptop's screen).
        buttons = QGridLayout()
        self.buttons: dict[str, QWidget] = {}
        for i, (key, text, slot) in enumerate(actions):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button, i // PAPERS_A_ROW, i % PAPERS_A_ROW)
            self.buttons[key] = button
        buttons.setColumnStretch(PAPERS_A_ROW, 1)
        layout.addLayout(buttons)

    def show_snapshot(self, snapshot: ClassSnapshot) -> None:
        rows = snapshot.enrolments
        done = [e for e in rows if e.completion and e.completion.completed]
        self.model.set_rows(done)
        self.total = len(rows)
        self._show_summary()

    def _show_summary(self, *_args: object) -> None:
        self.summary.setText(
            tr(
                "{done} of {count} enrolled completed the class; {chosen} of them get a "
                "commendation (tick or untick in the last column).",
                done=format_int(self.model.rowCount()),
                count=format_int(self.total),
                chosen=format_int(self.model.chosen()),
            )
        )

    def _write_commendation(self, enrolment_id: str, chosen: bool) -> None:
        if self.ctx.read_only:
            self.reload_requested.emit()
            errors.report_error(self, _("Commendation"), self.ctx.read_only_error())
            return

        def failed(exc: BaseException) -> None:
            if alive(self):
                self.reload_requested.emit()
            errors.report_error(self if alive(self) else None, _("Commendation"), exc)

        self.ctx.op(
            lambda ws: ws.courses.set_commendation(enrolment_id, chosen),
            None,
            failed,
            title=_("Commendation"),
        )


__all__ = ["ChoiceDelegate", "CompletersModel", "CompletersTab", "ResultsModel", "ResultsTab"]
