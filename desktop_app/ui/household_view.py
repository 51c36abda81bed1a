"""A person's household: its members, its head and how each member is related."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.people import HouseholdMember, Person, PersonRow
from desktop_app.core.problems import StoreError
from desktop_app.i18n import _, tr
from desktop_app.services.households import HEAD_RELATION, RELATION_LABELS, RELATIONS
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.people_model import relation_label
from desktop_app.ui.widgets import Banner

SEARCH_DELAY_MS = 150
PICKER_LIMIT = 50


def relation_value(combo: QComboBox) -> str:
    """What to store: the register's Vietnamese word for a listed relation, else the text typed."""
    text = combo.currentText().strip()
    for value, msgid in RELATION_LABELS.items():
        if text in (_(msgid), value):
            return value
    return text


def _relation_combo() -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)  # the list is a help; any relation a family uses is accepted
    for value in RELATIONS:
        if value != HEAD_RELATION:
            combo.addItem(relation_label(value), value)
    combo.setCurrentText("")
    return combo


class HouseholdDialog(QDialog):
    """Opened with `open()`; every change is an op, and the view reloads by subscription
    after any op that changes people or households (its own, or another window's)."""

    def __init__(self, ctx: AppContext, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person_id = person_id
        self.person: Person = ctx.reader.people.get(person_id)
        self.members: list[HouseholdMember] = []
        self._household_id: str | None = None
        self.picker: PersonPicker | None = None
        self._busy = False
        self.setWindowTitle(_("Household"))
        self.resize(620, 420)

        layout = QVBoxLayout(self)
        self.banner = Banner(error=True)
        layout.addWidget(self.banner)
        self.title = QLabel()
        self.title.setWordWrap(True)
        layout.addWidget(self.title)

        self.create_button = QPushButton(_("&Create household"))
        self.create_button.setToolTip(_("Start a household with this person as its head."))
        self.create_button.clicked.connect(self.create_household)
        layout.addWidget(self.create_button, alignment=Qt.AlignmentFlag.AlignLeft)

        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setHeaderLabels([_("Full name"), _("Birth"), _("Relation"), _("Head")])
        self.table.currentItemChanged.connect(self._selection_changed)
        layout.addWidget(self.table)

        relation_row = QHBoxLayout()
        relation_label = QLabel(_("&Relation:"))
        self.relation = _relation_combo()
        relation_label.setBuddy(self.relation)
        self.set_relation_button = QPushButton(_("Change &relation"))
        self.set_relation_button.clicked.connect(self.change_relation)
        relation_row.addWidget(relation_label)
        relation_row.addWidget(self.relation, 1)
        relation_row.addWidget(self.set_relation_button)
        layout.addLayout(relation_row)

        actions = QHBoxLayout()
        self.add_button = QPushButton(_("&Add member…"))
        self.add_button.clicked.connect(self.open_picker)
        self.remove_button = QPushButton(_("Re&move member"))
        self.remove_button.clicked.connect(self.remove_member)
        self.head_button = QPushButton(_("Make &head"))
        self.head_button.clicked.connect(self.make_head)
        for button in (self.add_button, self.remove_button, self.head_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        if ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
        self.reload()
        ctx.subscribe(self, {"person", "household"}, lambda _changes: self.reload())

    # State ----------------------------------------------------------------------------

    @property
    def household_id(self) -> str | None:
        return self._household_id

    def reload(self) -> None:
        try:
            self.person = self.ctx.reader.people.get(self.person_id)
            # After the person leaves, keep showing the household they left while it exists.
            household_id = self.person.household_id or self._household_id
            members = self.ctx.reader.households.members(household_id) if household_id else []
            if not members:
                household_id = None
            self._household_id = household_id
            self.members = members
        except StoreError as exc:
            self.banner.show_text(errors.store_error_text(exc))
            return
        selected = self.selected_member()
        self.table.clear()
        for member in self.members:
            item = QTreeWidgetItem(
                [
                    member.full_name,
                    member.birth.display() if member.birth else "",
                    relation_label(member.relation),
                    "✓" if member.is_head else "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, member.person_id)
            self.table.addTopLevelItem(item)
            if selected and member.person_id == selected.person_id:
                self.table.setCurrentItem(item)
        first = self.table.topLevelItem(0)
        if self.table.currentItem() is None and first is not None:
            self.table.setCurrentItem(first)
        for column in range(self.table.columnCount()):
            self.table.resizeColumnToContents(column)
        in_household = household_id is not None
        if in_household:
            self.title.setText(
                tr(
                    "Household of {name}: {count} members.",
                    name=self._head_name(),
                    count=len(self.members),
                )
            )
        else:
            self.title.setText(tr("{name} is not in a household yet.", name=self.person.full_name))
        self.create_button.setVisible(self.person.household_id is None)
        self.table.setVisible(in_household)
        self._update_buttons()

    def _head_name(self) -> str:
        head = next((m for m in self.members if m.is_head), None)
        return head.full_name if head else self.person.full_name

    def selected_member(self) -> HouseholdMember | None:
        item = self.table.currentItem()
        if item is None:
            return None
        person_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((m for m in self.members if m.person_id == person_id), None)

    def select_member(self, person_id: str) -> None:
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == person_id:
                self.table.setCurrentItem(item)
                return

    def _selection_changed(self, *_args: object) -> None:
        member = self.selected_member()
        if member is not None:
            self.relation.setCurrentText(relation_label(member.relation))
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only and not self._busy
        in_household = self.household_id is not None
        member = self.selected_member()
        self.create_button.setEnabled(writable)
        self.add_button.setEnabled(writable and in_household)
        self.remove_button.setEnabled(writable and member is not None)
        self.head_button.setEnabled(writable and member is not None and not member.is_head)
        self.set_relation_button.setEnabled(writable and member is not None)
        self.relation.setEnabled(in_household)

    # Writing --------------------------------------------------------------------------

    def _run(self, fn: Callable[[Workspace], OpResult[str]], select: str | None = None) -> None:
        self._busy = True
        self.banner.show_text("")
        self._update_buttons()

        def done(_household_id: str) -> None:
            # The members have reloaded by subscription already.
            self._busy = False
            if select:
                self.select_member(select)
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._update_buttons()
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Household"), exc)
                return
            # Why not (e.g. in another household), shown in the dialog itself.
            self.banner.show_text(text)
            self.reload()

        self.ctx.op(fn, done, failed, parent=self, title=_("Household"))

    def create_household(self) -> None:
        person_id = self.person_id

        def write(ws: Workspace) -> OpResult[str]:
            return ws.households.create(person_id)

        self._run(write, person_id)

    def add_member(self, person_id: str, relation: str) -> None:
        household_id = self.household_id
        if household_id is None:
            return

        def write(ws: Workspace) -> OpResult[str]:
            return ws.households.add_member(household_id, person_id, relation)

        self._run(write, person_id)

    def remove_member(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        person_id = member.person_id

        def write(ws: Workspace) -> OpResult[str]:
            return ws.households.remove_member(person_id)

        self._run(write)

    def make_head(self) -> None:
        member = self.selected_member()
        household_id = self.household_id
        if member is None or household_id is None:
            return
        person_id = member.person_id

        def write(ws: Workspace) -> OpResult[str]:
            return ws.households.set_head(household_id, person_id)

        self._run(write, person_id)

    def change_relation(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        person_id, relation = member.person_id, relation_value(self.relation)

        def write(ws: Workspace) -> OpResult[str]:
            return ws.households.set_relation(person_id, relation)

        self._run(write, person_id)

    def open_picker(self) -> None:
        exclude = {m.person_id for m in self.members}
        picker = PersonPicker(self.ctx, exclude, self)
        self.picker = picker

        def finished(result: int) -> None:
            self.picker = None
            if result == QDialog.DialogCode.Accepted and picker.chosen_id:
                self.add_member(picker.chosen_id, relation_value(picker.relation))

        picker.finished.connect(finished)
        picker.open()


class PersonPicker(QDialog):
    """Type a few letters, pick one of the matches; birth year and hamlet tell namesakes apart."""

    def __init__(
        self, ctx: AppContext, exclude: set[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.exclude = exclude or set()
        self.chosen_id: str | None = None
        self.setWindowTitle(_("Add a member"))
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type a few letters of the name…"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.results = QListWidget()
        self.results.setUniformItemSizes(True)
        self.results.itemActivated.connect(lambda _item: self.accept())
        layout.addWidget(self.results)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        form = QFormLayout()
        self.relation = _relation_combo()
        form.addRow(_("&Relation:"), self.relation)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        layout.addWidget(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.installEventFilter(self)
        self.results.currentItemChanged.connect(lambda *_a: self._update_ok())
        self._update_ok()
        self.search.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the search box walks into the matches, as in any search field.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.results.count()
        ):
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    def run_search(self) -> None:
        self._timer.stop()
        self.results.clear()
        text = self.search.text().strip()
        if not text:
            self.hint.setText("")
            self._update_ok()
            return
        try:
            rows = self.ctx.reader.people.search(text, PICKER_LIMIT + len(self.exclude))
        except StoreError as exc:
            self.hint.setText(errors.store_error_text(exc))
            return
        rows = [r for r in rows if r.id not in self.exclude][:PICKER_LIMIT]
        for row in rows:
            item = QListWidgetItem(_describe(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)
            self.hint.setText(
                _("Showing the first matches; type more of the name to narrow them.")
                if len(rows) == PICKER_LIMIT
                else ""
            )
        else:
            self.hint.setText(_("No one matches; check the spelling."))
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.results.currentItem() is not None)

    def accept(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.chosen_id = item.data(Qt.ItemDataRole.UserRole)
        super().accept()


def _describe(row: PersonRow) -> str:
    parts = [row.full_name]
    parts.append(tr("born {year}", year=row.birth.year) if row.birth else _("birth unknown"))
    if row.hamlet_name:
        parts.append(row.hamlet_name)
    if row.household_id:
        parts.append(_("in another household"))
    return " — ".join(parts)
