"""The self-assessment of one model's registered subjects for a year.

Left, the subjects that registered, with their hamlet and the total, level and result of their
saved assessment (or "not assessed"), filterable by hamlet, and "Assess all from the records…",
which saves in one operation the sheet computed from the records of every subject not assessed
yet. Right, the sheet of the subject chosen, generated from the year's criteria set: per item
its group, the value, where the value came from and the points; the total, level and result
with the explanation.

Keyboard-friendly like the attendance grid: Up/Down between items, typing a number (or có/không,
n/a) edits the value, Space toggles a yes/no item, Enter goes to the next item, Delete gives
the item back to the records. Changing a value the records gave asks for the reason; a value
of an item no record answers needs none. The sheet is scored again at once (pure, from the
values read); Ctrl+S saves it in one operation. Unsaved changes are dropped only after asking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.collation import sort_key
from desktop_app.core.learning_assessment import (
    HAND,
    AssessmentSheet,
    SheetItem,
    build_sheet,
    parse_hand_value,
)
from desktop_app.core.learning_models import CHECK, MODELS, PERCENT, Item, ItemValue
from desktop_app.core.learning_subjects import ModelStatus
from desktop_app.core.problems import UserError
from desktop_app.i18n import _, current_language, format_int, format_percent, ngettext, tr
from desktop_app.services.learning_assessment import SavedAssessment, SavedSummary, hand_values
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors, model_view
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.model_view import (
    SUBJECT_HEADERS,
    ModelHost,
    ModelView,
    first_hamlet,
    name_order,
    status_with,
)
from desktop_app.ui.widgets import ERROR_STYLE, confirm, ok_cancel

__all__ = ["AssessmentView", "ReasonDialog", "SheetModel", "SheetView", "SubjectsModel"]

GROUP, ITEM, VALUE, SOURCE, POINTS_COLUMN = range(5)
ALL_HAMLETS = "\x00all"


def number_text(x: float) -> str:
    """10, or 7,5 in Vietnamese (7.5 in English)."""
    if x == int(x):
        return format_int(int(x))
    text = f"{round(x, 2):g}"
    return text.replace(".", ",") if current_language() == "vi" else text


def value_text(item: Item, v: ItemValue | None) -> str:
    if v is None or (v.value is None and not v.not_applicable):
        return "—"
    if v.not_applicable:
        return _("does not apply")
    if item.kind == CHECK:
        return _("yes") if v.value else _("no")
    assert not isinstance(v.value, bool) and v.value is not None
    if item.kind == PERCENT:
        return format_percent(float(v.value))
    return number_text(float(v.value))


def source_text(i: SheetItem) -> str:
    """Where the value came from; a hand value that replaced the records' says what they gave."""
    text = tr(i.source.message, **i.source.params)
    if i.computed_source is not None:
        records = tr(i.computed_source.message, **i.computed_source.params)
        text = tr("{hand} (instead of the records: {records})", hand=text, records=records)
    return text


def _answered(v: ItemValue | None) -> bool:
    return v is not None and (v.value is not None or v.not_applicable)


class SubjectRow(NamedTuple):
    subject_id: str
    name: str
    hamlet: str
    saved: SavedSummary | None


class SubjectsModel(ListModel):
    """The registered subjects with their saved result, of the hamlet chosen or all."""

    def __init__(self, subject: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.every: list[SubjectRow] = []
        self.rows: list[SubjectRow] = []
        self.hamlet: str | None = None
        self.headers = [_(SUBJECT_HEADERS[subject]), _("Hamlet"), _("Total"), _("Level"),
                        _("Assessment result")]  # fmt: skip

    def set_rows(self, rows: list[SubjectRow], hamlet: str | None) -> None:
        self.beginResetModel()
        self.every = sorted(rows, key=lambda r: (name_order(r.hamlet), sort_key(r.name)))
        self.hamlet = hamlet
        self.rows = [r for r in self.every if hamlet is None or r.hamlet == hamlet]
        self.endResetModel()

    def hamlets(self) -> list[str]:
        return sorted({r.hamlet for r in self.every}, key=name_order)

    def cells(self, row: int) -> tuple[str, ...]:
        r = self.rows[row]
        if r.saved is None:
            return r.name, r.hamlet, "—", "", _("Not assessed")
        result = _("Passed") if r.saved.passed else _("Not passed")
        return r.name, r.hamlet, number_text(r.saved.total), r.saved.level, result

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            saved = self.rows[index.row()].saved
            if saved is not None and saved.hand:
                return ngettext(
                    "{n} item typed by hand", "{n} items typed by hand", saved.hand
                ).format(n=saved.hand)
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.cells(index.row())[index.column()]


class SheetModel(ListModel):
    """The items of a sheet. An edit of the value column is handed to `on_edit(code, text)`;
    the view scores the sheet again and shows it (the model itself never changes a value)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet: AssessmentSheet | None = None
        self.rows: list[SheetItem] = []
        self.first_of_group: set[int] = set()
        self.group_of: list[str] = []
        self.on_edit: Callable[[str, str], None] | None = None
        self.headers = [_("Criterion"), _("Item"), _("Value"), _("Source"), _("Points")]

    def set_sheet(self, sheet: AssessmentSheet | None) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self.rows = list(sheet.items) if sheet is not None else []
        self.group_of = []
        self.first_of_group = set()
        if sheet is not None:
            for c in sheet.criteria_set.criteria:
                for n, _item in enumerate(c.items):
                    if n == 0:
                        self.first_of_group.add(len(self.group_of))
                    self.group_of.append(f"{c.code}. {c.title}")
        self.endResetModel()

    def rescored(self, sheet: AssessmentSheet) -> None:
        """The same subject's sheet scored again: the cells change, the rows stay (an editor
        open on the sheet is not disturbed)."""
        if self.sheet is None or len(sheet.items) != len(self.rows):
            self.set_sheet(sheet)
            return
        self.sheet = sheet
        self.rows = list(sheet.items)
        if self.rows:
            last = self.index(len(self.rows) - 1, len(self.headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def cells(self, row: int) -> tuple[str, ...]:
        i = self.rows[row]
        group = self.group_of[row] if row in self.first_of_group else ""
        points = tr("{points} / {max}", points=number_text(i.points),
                    max=number_text(i.item.max_points)) if i.item.max_points else (
            _("met") if i.met else _("not met")
        )  # fmt: skip
        return (group, f"{i.item.code} {i.item.title}", value_text(i.item, i.value),
                source_text(i), points)  # fmt: skip

    def item_at(self, row: int) -> SheetItem | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        i = self.rows[row]
        if role in (Qt.ItemDataRole.DisplayRole,):
            return self.cells(row)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == GROUP:
                return self.group_of[row]
            if column == ITEM:
                return "\n".join(t for t in (f"{i.item.code} {i.item.title}", i.item.note) if t)
            return self.cells(row)[column]
        if role == Qt.ItemDataRole.EditRole and column == VALUE:
            v = i.value
            if v is None or not _answered(v):
                return ""
            if v.not_applicable:
                return "n/a"
            if i.item.kind == CHECK:
                return "có" if v.value else "không"
            return number_text(float(v.value))  # type: ignore[arg-type]
        if (
            role == Qt.ItemDataRole.FontRole and column == VALUE
            and i.value is not None and i.value.source == HAND
        ):  # fmt: skip
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (VALUE, POINTS_COLUMN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == VALUE and self.on_edit is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != VALUE or self.on_edit is None:
            return False
        if str(value).strip() == str(self.data(index, Qt.ItemDataRole.EditRole)).strip():
            return False  # nothing changed: no question about a reason
        self.on_edit(self.rows[index.row()].item.code, str(value))
        return False


class SheetView(QTableView):
    """Up/Down between items (the value column stays current), typing edits, Space toggles a
    yes/no item, Enter goes to the next item, Delete gives the value back to the records."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle: Callable[[int], None] | None = None
        self.clear: Callable[[int], None] | None = None
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(False)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def go_to(self, row: int) -> None:
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, VALUE)
        self.setCurrentIndex(index)
        self.scrollTo(index)

    def currentChanged(self, current: Index, previous: Index) -> None:
        super().currentChanged(current, previous)
        if current.isValid() and current.column() != VALUE:
            # Clicks anywhere on a row land on its value.
            self.setCurrentIndex(current.model().index(current.row(), VALUE))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        row = self.currentIndex().row()
        plain = mods == Qt.KeyboardModifier.NoModifier
        if key == Qt.Key.Key_Space and plain:
            if row >= 0 and self.toggle is not None:
                self.toggle(row)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            # From an open editor the key comes here too: closing the editor moves then.
            if self.state() != QAbstractItemView.State.EditingState:
                self.go_to(row + 1)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and plain:
            if row >= 0 and self.clear is not None:
                self.clear(row)
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and plain:
            return  # the value column stays current
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        row = self.currentIndex().row()
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self.go_to(row + 1)  # Enter in the editor: the next item


class ReasonDialog(QDialog):
    """Why a value the records gave is changed: required."""

    def __init__(
        self,
        parent: QWidget,
        item: SheetItem,
        shown: str,
        reason: str,
        on_ok: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Reason for the change"))
        self.setMinimumWidth(480)
        self.on_ok = on_ok
        layout = QVBoxLayout(self)
        records = item.computed_source if item.computed_source is not None else item.source
        text = QLabel(
            tr(
                "Item {code} {title}: the records give {records}. Why is it {value} instead?",
                code=item.item.code, title=item.item.title,
                records=tr(records.message, **records.params), value=shown,
            )
        )  # fmt: skip
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(text)
        self.reason_edit = QLineEdit(reason)
        self.reason_edit.setAccessibleName(_("Reason"))
        self.reason_edit.setPlaceholderText(_("for example: checked at the household's visit"))
        layout.addWidget(self.reason_edit)
        self.message, self.ok_button = ok_cancel(self, layout, _("Change the value"), self.save)

    def save(self) -> None:
        reason = self.reason_edit.text().strip()
        if not reason:
            self.message.setText(_("Say why the value from the records is changed."))
            return
        self.accept()
        self.on_ok(reason)


class AssessmentView(ModelView):
    def __init__(self, host: ModelHost, model: str, parent: QWidget | None = None) -> None:
        super().__init__(host, model, parent)
        self.subject_id: str | None = None
        self.status: ModelStatus | None = None  # of the model and year, every hamlet
        self.sheet: AssessmentSheet | None = None
        self.saved: SavedAssessment | None = None
        self.hand: dict[str, ItemValue] = {}
        self.saved_hand: dict[str, ItemValue] = {}
        self.reason_dialog: ReasonDialog | None = None
        self.confirm_box: object = None
        self._sheet_asked = 0
        subject = MODELS[model].subject

        layout = QVBoxLayout(self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        label = QLabel(_("&Hamlet:"))
        self.hamlet_combo = QComboBox()
        self.hamlet_combo.setAccessibleName(_("Hamlet"))
        label.setBuddy(self.hamlet_combo)
        self.hamlet_combo.currentIndexChanged.connect(lambda _i: self._filter())
        filter_row.addWidget(label)
        filter_row.addWidget(self.hamlet_combo, 1)
        left_layout.addLayout(filter_row)
        self.subjects_model = SubjectsModel(subject, self)
        self.subjects_table = list_table(self.subjects_model)
        self.subjects_table.setAccessibleName(_("Registered, with their assessment"))
        fit_columns(self.subjects_table, {1: 80, 2: 50, 3: 70, 4: 100}, stretch=(0,))
        self.subjects_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._subject_chosen()
        )
        left_layout.addWidget(self.subjects_table, 1)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        left_layout.addWidget(self.counts)
        self.bulk_button = QPushButton(_("&Assess all from the records…"))
        self.bulk_button.setToolTip(
            _(
                "Save the assessment computed from the records for everyone registered who is "
                "not assessed yet; the assessments already saved are kept"
            )
        )
        self.bulk_button.setAutoDefault(False)
        self.bulk_button.clicked.connect(lambda _c=False: self.ask_assess_all())
        left_layout.addWidget(self.bulk_button)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        right_layout.addWidget(self.title)
        self.sheet_model = SheetModel(self)
        self.sheet_model.on_edit = self.edit
        self.sheet_view = SheetView()
        self.sheet_view.setModel(self.sheet_model)
        self.sheet_view.toggle = self.toggle
        self.sheet_view.clear = self.clear
        self.sheet_view.setAccessibleName(_("Assessment sheet"))
        fit_columns(self.sheet_view, {0: 150, 2: 90, 4: 70}, stretch=(1, 3))
        right_layout.addWidget(self.sheet_view, 3)
        self.result = QLabel()
        self.result.setFont(font)
        self.result.setWordWrap(True)
        right_layout.addWidget(self.result)
        self.explanation = QPlainTextEdit()
        self.explanation.setReadOnly(True)
        self.explanation.setAccessibleName(_("Explanation"))
        self.explanation.setMaximumHeight(140)
        right_layout.addWidget(self.explanation, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        right_layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("&Save the assessment"))
        self.save_button.setToolTip(_("Save the assessment (Ctrl+S)"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(lambda _c=False: self.save())
        self.revert_button = QPushButton(_("&Undo the changes"))
        self.revert_button.setAutoDefault(False)
        self.revert_button.clicked.connect(lambda _c=False: self.discard())
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        hint = QLabel(
            _("Type a value, Space: yes/no, Enter: next item, Delete: back to the records")
        )
        hint.setWordWrap(True)
        buttons.addWidget(hint)
        right_layout.addLayout(buttons)
        splitter.addWidget(right)
        splitter.setSizes([500, 700])
        layout.addWidget(splitter)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)
        self._update_buttons()

    # State ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.sheet is not None and self.hand != self.saved_hand

    def subject_name(self) -> str:
        return self.sheet.subject_name if self.sheet is not None else ""

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        self.save_button.setEnabled(writable and self.sheet is not None)
        self.revert_button.setEnabled(self.dirty)
        self.bulk_button.setEnabled(writable and bool(self.subjects_model.every))
        self.sheet_model.on_edit = self.edit if writable else None

    # Reading -------------------------------------------------------------------------

    def load(self) -> None:
        """The registered of the hamlet chosen (at first: all of them when the list is short,
        else the first hamlet's, as on the registration tab), with their saved results."""
        model, year = self.model, self.year
        asked = self.ask()
        known = self.host.status_of(year)
        chosen = self.hamlet_combo.currentData() if self.hamlet_combo.count() else None

        def read(ws: Workspace) -> tuple[dict[str, ModelStatus], str, list[SubjectRow]]:
            statuses = status_with(ws, known, year, model)
            status = statuses[model]
            hamlet = chosen
            if hamlet is None:
                big = status.registered > model_view.WHOLE_LIST_AT_MOST
                hamlet = (first_hamlet(status) if big else None) or ALL_HAMLETS
            registrations = ws.models.registrations(
                model, year, None if hamlet == ALL_HAMLETS else hamlet
            )
            summaries = ws.assessments.saved_summaries(
                model,
                year,
                None if hamlet == ALL_HAMLETS else [r.subject_id for r in registrations],
            )
            rows = [
                SubjectRow(r.subject_id, r.subject_name, r.hamlet_name,
                           summaries.get(r.subject_id))
                for r in registrations
            ]  # fmt: skip
            return statuses, hamlet, rows

        def done(value: tuple[dict[str, ModelStatus], str, list[SubjectRow]]) -> None:
            if not self.answered(asked):
                return
            statuses, hamlet, rows = value
            self.host.keep_status(year, statuses)
            self.status = statuses[model]
            self._show_subjects(rows, hamlet)

        self.ctx.query(read, done, self._failed, parent=self)

    def _show_subjects(self, rows: list[SubjectRow], hamlet: str) -> None:
        """`rows`: those of `hamlet` (a name, '' for no hamlet, or ALL_HAMLETS)."""
        self.subjects_model.set_rows(rows, None)
        self.hamlet_combo.blockSignals(True)
        self.hamlet_combo.clear()
        self.hamlet_combo.addItem(_("All hamlets"), ALL_HAMLETS)
        names = self.status.by_hamlet if self.status is not None else {}
        for name in sorted(names, key=name_order):
            if names[name].registered or name == hamlet:
                self.hamlet_combo.addItem(name or _("(no hamlet)"), name)
        self.hamlet_combo.setCurrentIndex(max(self.hamlet_combo.findData(hamlet), 0))
        self.hamlet_combo.blockSignals(False)
        assessed = [r for r in rows if r.saved is not None]
        self.counts.setText(
            tr(
                "{registered} registered, {assessed} assessed, {passed} passed.",
                registered=format_int(len(rows)), assessed=format_int(len(assessed)),
                passed=format_int(sum(1 for r in assessed if r.saved and r.saved.passed)),
            )
        )  # fmt: skip
        self._select_current()
        if self.subject_id is not None:
            if any(r.subject_id == self.subject_id for r in rows):
                self.load_sheet(self.subject_id)
            else:  # withdrawn meanwhile
                self._show_sheet(None)
        elif self.subjects_model.rows:
            self.subjects_table.selectRow(0)
        self._update_buttons()

    def _select_current(self) -> None:
        """Select the row of the subject shown, without asking anything."""
        selection = self.subjects_table.selectionModel()
        selection.blockSignals(True)
        self.subjects_table.clearSelection()
        for n, r in enumerate(self.subjects_model.rows):
            if r.subject_id == self.subject_id:
                self.subjects_table.selectRow(n)
                break
        selection.blockSignals(False)
        self.subjects_table.viewport().update()

    def _filter(self) -> None:
        """Another hamlet: its registered are read (a hamlet at a time, as they are shown)."""
        self.load()

    def chosen(self) -> str | None:
        rows = self.subjects_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.subjects_model.rows):
            return None
        return self.subjects_model.rows[rows[0].row()].subject_id

    def _subject_chosen(self) -> None:
        wanted = self.chosen()
        if wanted is None or wanted == self.subject_id:
            return
        if self.dirty:
            self._select_current()  # stays until the user says so
            self.confirm_box = confirm(
                self,
                _("Unsaved assessment"),
                tr(
                    "The assessment of {name} has changes that are not saved. Discard them?",
                    name=self.subject_name(),
                ),
                _("Discard the changes"),
                lambda: self._discard_and_open(wanted),
            )
            return
        self.load_sheet(wanted)

    def _discard_and_open(self, subject_id: str) -> None:
        self.hand = dict(self.saved_hand)
        self.load_sheet(subject_id)
        self._select_current()

    def load_sheet(self, subject_id: str) -> None:
        """Read the subject's sheet (the records of today with its saved hand values). Typing
        not saved yet on the same subject is kept."""
        model, year = self.model, self.year
        self._sheet_asked += 1
        asked = self._sheet_asked
        self.subject_id = subject_id
        self._select_current()

        def read(ws: Workspace) -> tuple[AssessmentSheet, SavedAssessment | None]:
            return ws.assessments.sheet_as_saved(model, year, subject_id)

        def done(value: tuple[AssessmentSheet, SavedAssessment | None]) -> None:
            if asked != self._sheet_asked:
                return
            sheet, saved = value
            shown = self.sheet
            # Typing not saved on this very sheet (same subject and year) is kept, even typing
            # done while this read was on its way.
            keep = (
                dict(self.hand)
                if shown is not None and self.dirty
                and (shown.subject_id, shown.year) == (sheet.subject_id, sheet.year)
                else None
            )  # fmt: skip
            self.saved = saved
            self.saved_hand = hand_values(saved) if saved is not None else {}
            self.hand = dict(self.saved_hand)
            self._show_sheet(sheet)
            if keep is not None:
                self.hand = keep
                self._rescore()

        self.ctx.query(read, done, self._failed, parent=self)

    def _show_sheet(self, sheet: AssessmentSheet | None) -> None:
        same = (
            sheet is not None and self.sheet is not None
            and sheet.subject_id == self.sheet.subject_id
        )  # fmt: skip
        self.sheet = sheet
        if same and sheet is not None:
            self.sheet_model.rescored(sheet)
        else:
            self.sheet_model.set_sheet(sheet)
        if sheet is None:
            self.subject_id = None
            self.title.setText("")
            self.result.setText("")
            self.explanation.setPlainText("")
        else:
            self.title.setText(
                tr("{name}: {set} ({year})", name=sheet.subject_name, set=sheet.set_title,
                   year=sheet.year)
            )  # fmt: skip
            verdict = _("passed") if sheet.passed else _("not passed")
            self.result.setText(
                tr(
                    "Total {total} of {max} points: {level} ({verdict})",
                    total=number_text(sheet.total),
                    max=number_text(sheet.criteria_set.max_points),
                    level=sheet.level or "–", verdict=verdict,
                )
            )  # fmt: skip
            self.explanation.setPlainText(
                "\n".join(tr(e.message, **e.params) for e in sheet.assessment.explanation)
            )
            if not same:
                self.sheet_view.go_to(0)
        self._update_buttons()

    # Editing -------------------------------------------------------------------------

    def _item(self, code: str) -> SheetItem | None:
        if self.sheet is None:
            return None
        return next((i for i in self.sheet.items if i.item.code == code), None)

    def _from_records(self, code: str) -> bool:
        """Whether the records gave the item a value (changing it needs a reason)."""
        if self.sheet is None:
            return False
        found = self.sheet.computed.get(code)
        return found is not None and _answered(found[0])

    def edit(self, code: str, text: str) -> None:
        """A value typed for an item: checked, then scored at once; the reason is asked
        first when it replaces what the records gave."""
        i = self._item(code)
        if i is None:
            return
        if not text.strip():
            self.clear_code(code)
            return
        try:
            value = parse_hand_value(i.item, text)
        except UserError as exc:
            self._say(errors.error_text(exc) or str(exc), error=True)
            return
        self.propose(code, value)

    def propose(self, code: str, value: ItemValue) -> None:
        i = self._item(code)
        if i is None:
            return
        if not self._from_records(code):
            self._set(code, ItemValue(value.value, value.not_applicable, source=HAND))
            return
        held = self.hand.get(code)
        shown = value_text(i.item, value)
        self.reason_dialog = ReasonDialog(
            self, i, shown, held.reason if held is not None else "",
            lambda reason: self._set(
                code, ItemValue(value.value, value.not_applicable, source=HAND, reason=reason)
            ),
        )  # fmt: skip
        self.reason_dialog.finished.connect(lambda _r: self.sheet_view.setFocus())
        self.reason_dialog.open()

    def toggle(self, row: int) -> None:
        i = self.sheet_model.item_at(row)
        if i is None or i.item.kind != CHECK or self.sheet_model.on_edit is None:
            return
        now = i.value.value if i.value is not None and not i.value.not_applicable else None
        self.propose(i.item.code, ItemValue(not bool(now), source=HAND))

    def clear(self, row: int) -> None:
        i = self.sheet_model.item_at(row)
        if i is not None and self.sheet_model.on_edit is not None:
            self.clear_code(i.item.code)

    def clear_code(self, code: str) -> None:
        """The item goes back to what the records give (or to unanswered)."""
        if code in self.hand:
            del self.hand[code]
            self._rescore()

    def _set(self, code: str, value: ItemValue) -> None:
        self.hand[code] = value
        self._rescore()

    def _rescore(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        try:
            again = build_sheet(
                model=sheet.model, year=sheet.year, subject_id=sheet.subject_id,
                subject_name=sheet.subject_name, criteria_set=sheet.criteria_set,
                computed=sheet.computed, hand=self.hand,
            )  # fmt: skip
        except UserError as exc:
            self._say(errors.error_text(exc) or str(exc), error=True)
            return
        self._say(_("Changed, not saved yet (Ctrl+S saves).") if self.dirty else "")
        self._show_sheet(again)

    def discard(self) -> None:
        """Drop the changes not saved."""
        if self.sheet is None:
            return
        self.hand = dict(self.saved_hand)
        self._say("")
        self._rescore()

    # Writing -------------------------------------------------------------------------

    def save(self) -> None:
        if self.sheet is None or self.subject_id is None:
            return
        if self.ctx.read_only:
            errors.report_error(self, _("Save the assessment"), self.ctx.read_only_error())
            return
        model, year, subject_id = self.model, self.year, self.subject_id
        hand = dict(self.hand)

        def done(sheet: AssessmentSheet) -> None:
            if self.subject_id == subject_id:
                self.saved_hand = hand
            self._say(
                tr(
                    "Saved: {name}, {total} points, {level}.", name=sheet.subject_name,
                    total=number_text(sheet.total), level=sheet.level or "–",
                )
            )  # fmt: skip
            self._update_buttons()

        self.ctx.op(
            lambda ws: ws.assessments.save_assessment(model, year, subject_id, hand),
            done, self._failed, parent=self,
        )  # fmt: skip

    def ask_assess_all(self) -> None:
        # Every hamlet's, not only the one shown: the status counts them all.
        status = self.status
        registered = status.registered if status is not None else 0
        done = status.assessed if status is not None else 0
        todo = registered - done
        if not todo:
            self._say(_("Everyone registered is assessed already: there is nothing to save."))
            return
        self.confirm_box = confirm(
            self,
            _("Assess all from the records"),
            tr(
                "Save the assessment computed from the records for the {n} registered for "
                "{title} {year} who are not assessed yet? The {kept} assessments already "
                "saved (with what was typed by hand) are kept.",
                n=format_int(todo), title=MODELS[self.model].title, year=self.year,
                kept=format_int(done),
            ),
            _("Save the assessments"),
            self.assess_all,
        )  # fmt: skip

    def assess_all(self) -> None:
        model, year = self.model, self.year

        def work(ws: Workspace, progress: Callable[[int, int], bool]) -> object:
            return ws.assessments.save_all(model, year, progress=progress)

        def done(count: int) -> None:
            self._say(
                ngettext(
                    "{n} assessment saved from the records.",
                    "{n} assessments saved from the records.", count,
                ).format(n=format_int(count))
            )  # fmt: skip

        self.ctx.task(
            self, _("Assess all from the records"), work, done, self._failed, write=True,
            label=_("Scoring and saving…"),
        )  # fmt: skip

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def _failed(self, exc: BaseException) -> None:
        text = errors.error_text(exc)
        if text is None:
            errors.report_error(self, _("Self-assessment"), exc)
            return
        self._say(text, error=True)
