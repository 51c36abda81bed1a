"""The clans (dòng họ) and the learning units (đơn vị học tập) that register for their models:
a non-modal window each, opened from the Registration tab of the clan and the unit model.

On the left the list (a clan: name, head, hamlet, households; a unit: name, kind, hamlet,
members) with "Add…" (and "Rename…" for a clan); on the right the chosen one's households
(through any of their people) or member people, with "Add…" and "Remove…". Reads go through
`ctx.query`, each write is one `ctx.op`; the lists read again when an op changes a clan, a
unit or their members (`ctx.subscribe`). Keyboard: Enter on a row of the list goes to its
households or members, Delete on one of those asks to remove it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.learning_subjects import UNIT_KIND_LABELS, Clan, LearningUnit, UnitKind
from desktop_app.core.problems import N_, StoreError, UserError
from desktop_app.i18n import _, format_int, tr
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.khuyen_hoc.common import Latest, PersonPicker
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.widgets import ERROR_STYLE, confirm, ok_cancel

__all__ = [
    "ClansDialog",
    "GroupForm",
    "MemberRow",
    "NameDialog",
    "PickPersonDialog",
    "SubjectsDialog",
    "UnitsDialog",
]

# What the windows show changes with these tables.
SUBJECT_KINDS = ("clan", "clan_household", "learning_unit", "unit_member", "household", "person",
                 "hamlet")  # fmt: skip

NO_HOUSEHOLD = N_("This person is in no household: put them in one on the People page.")


@dataclass(frozen=True)
class MemberRow:
    """A household of a clan (by its head) or a person of a unit, as the right list shows it."""

    id: str  # the household's id (a clan) or the person's (a unit)
    name: str
    birth_year: str  # '' for a household, or a person whose birth is not known
    hamlet: str


class RowsModel(ListModel):
    """A list of rows, each shown through `cells` (the texts of its columns)."""

    def __init__(
        self,
        headers: list[str],
        cells: Callable[[Any], tuple[str, ...]],
        right: tuple[int, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.headers = headers
        self._cells = cells
        self._right = right

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return self._cells(self.rows[index.row()])[index.column()]


class _DeleteKey(QObject):
    """Delete (or Backspace) on the table calls `on_delete`."""

    def __init__(self, table: QTableView, on_delete: Callable[[], None]) -> None:
        super().__init__(table)
        self._on_delete = on_delete
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self._on_delete()
            return True
        return False


def _failed_in(message: QLabel, parent: QWidget, title: str) -> Callable[[BaseException], None]:
    """A refused op said on `message` (red); a bug goes to the one error report."""

    def failed(exc: BaseException) -> None:
        text = errors.error_text(exc)
        if text is None:
            errors.report_error(parent, title, exc)
            return
        message.setStyleSheet(ERROR_STYLE)
        message.setText(text)

    return failed


class SubjectsDialog(QDialog):
    """What the clans' and the units' windows share: the list, the chosen one's members, the
    buttons, the reading and the writing. Subclasses say what is listed and how it is
    written."""

    title = ""
    group_headers: tuple[str, ...] = ()
    member_headers: tuple[str, ...] = ()
    add_member_text = ""
    remove_text = ""
    # The widths of the columns after the name (which stretches).
    group_widths: tuple[int, ...] = ()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_(self.title))
        self.setModal(False)
        self.resize(1060, 540)
        # The clan or unit shown on the right (its id), kept across reloads.
        self.group_id: str | None = None
        self.form: QDialog | None = None
        self.confirm_box: object = None
        self._groups_read = Latest()
        self._members_read = Latest()

        layout = QVBoxLayout(self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.groups_model = RowsModel(
            [_(h) for h in self.group_headers], self.group_cells, (3,), self
        )
        self.groups_table = list_table(self.groups_model)
        self.groups_table.setAccessibleName(_(self.title))
        widths = dict(enumerate(self.group_widths, start=1))
        fit_columns(self.groups_table, widths, stretch=(0,))
        self.groups_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._group_changed()
        )
        self.groups_table.activated.connect(lambda _i: self.show_members())
        left_layout.addWidget(self.groups_table, 1)
        self.group_buttons = QHBoxLayout()
        self.add_button = QPushButton(_("&Add…"))
        self.add_button.clicked.connect(lambda _c=False: self.open_add())
        self.group_buttons.addWidget(self.add_button)
        left_layout.addLayout(self.group_buttons)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.members_title = QLabel()
        self.members_title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.members_title.font()
        font.setBold(True)
        self.members_title.setFont(font)
        right_layout.addWidget(self.members_title)
        self.members_model = RowsModel(
            [_(h) for h in self.member_headers], self.member_cells, parent=self
        )
        self.members_table = list_table(self.members_model)
        self.members_table.setAccessibleName(_("Members of the one chosen"))
        fit_columns(
            self.members_table, {1: 110} if len(self.member_headers) == 2 else {1: 80, 2: 110},
            stretch=(0,),
        )  # fmt: skip
        self.members_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_buttons()
        )
        self._delete_key = _DeleteKey(self.members_table, self.ask_remove)
        right_layout.addWidget(self.members_table, 1)
        member_buttons = QHBoxLayout()
        self.add_member_button = QPushButton(_(self.add_member_text))
        self.add_member_button.clicked.connect(lambda _c=False: self.open_add_member())
        self.remove_member_button = QPushButton(_("Re&move…"))
        self.remove_member_button.clicked.connect(lambda _c=False: self.ask_remove())
        member_buttons.addWidget(self.add_member_button)
        member_buttons.addWidget(self.remove_member_button)
        member_buttons.addStretch(1)
        right_layout.addLayout(member_buttons)
        splitter.addWidget(right)
        splitter.setSizes([620, 440])
        layout.addWidget(splitter, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        for button in (self.add_button, self.add_member_button, self.remove_member_button):
            button.setAutoDefault(False)
        ctx.subscribe(self, SUBJECT_KINDS, lambda _changes: self.load())
        self._update_buttons()
        self.load()

    # What each kind lists and writes (the subclasses) --------------------------------------

    @staticmethod
    def read_groups(ws: Workspace) -> list[Any]:
        raise NotImplementedError

    @staticmethod
    def read_members(ws: Workspace, group_id: str, hamlets: dict[str, str]) -> list[MemberRow]:
        raise NotImplementedError

    def group_cells(self, group: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def member_cells(self, row: MemberRow) -> tuple[str, ...]:
        raise NotImplementedError

    def members_heading(self, group: Any) -> str:
        raise NotImplementedError

    def new_form(self) -> GroupForm:
        raise NotImplementedError

    def pick_member(self, group: Any) -> PickPersonDialog:
        raise NotImplementedError

    def removal(self, group: Any, row: MemberRow) -> tuple[str, str, Callable[[Workspace], Any]]:
        """The question, the message once done, and the op that removes `row`."""
        raise NotImplementedError

    # Reading ---------------------------------------------------------------------------------

    def load(self) -> None:
        """The list, then the members of the one chosen (kept if still listed, else the
        first)."""
        groups_asked = self._groups_read.ask()
        members_asked = self._members_read.ask()
        wanted = self.group_id
        read_groups, read_members = self.read_groups, self.read_members

        def read(ws: Workspace) -> tuple[list[Any], str | None, list[MemberRow]]:
            hamlets = {h.id: h.name for h in ws.centre.hamlets()}
            groups = read_groups(ws)
            ids = [g.id for g in groups]
            chosen = wanted if wanted in ids else (ids[0] if ids else None)
            members = read_members(ws, chosen, hamlets) if chosen is not None else []
            return groups, chosen, members

        def done(value: tuple[list[Any], str | None, list[MemberRow]]) -> None:
            groups, chosen, members = value
            if not self._groups_read.answer(groups_asked):
                return
            self.groups_model.set_rows(groups)
            ids = [g.id for g in groups]
            # One chosen (or added) while this was read wins, when it is listed.
            if self.group_id in ids and self.group_id != chosen:
                self._select_group(self.group_id)
                self.load_members()
                return
            self._select_group(chosen)
            if self._members_read.answer(members_asked):
                self.members_model.set_rows(members)
            self._show_heading()
            self._update_buttons()

        self.ctx.query(read, done, self._failed, parent=self)

    def load_members(self) -> None:
        group_id = self.group_id
        asked = self._members_read.ask()
        read_members = self.read_members
        self._show_heading()

        def read(ws: Workspace) -> list[MemberRow]:
            if group_id is None:
                return []
            return read_members(ws, group_id, {h.id: h.name for h in ws.centre.hamlets()})

        def done(rows: list[MemberRow]) -> None:
            if self._members_read.answer(asked):
                self.members_model.set_rows(rows)
                self._update_buttons()

        self.ctx.query(read, done, self._failed, parent=self)

    def _select_group(self, group_id: str | None) -> None:
        """Show `group_id` as chosen in the list, without reading again."""
        self.group_id = group_id
        selection = self.groups_table.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        row = next((i for i, g in enumerate(self.groups_model.rows) if g.id == group_id), None)
        if row is not None:
            self.groups_table.selectRow(row)
        selection.blockSignals(False)
        self.groups_table.viewport().update()

    def _group_changed(self) -> None:
        group = self.selected_group()
        if group is None or group.id == self.group_id:
            self._update_buttons()
            return
        self.group_id = group.id
        self.members_model.set_rows([])
        self.load_members()
        self._update_buttons()

    def show_members(self) -> None:
        """Enter on a row of the list: its households or members, with the keyboard there."""
        self.members_table.setFocus()
        if self.members_model.rows and not self.members_table.selectionModel().hasSelection():
            self.members_table.selectRow(0)

    def _show_heading(self) -> None:
        group = self.chosen_group()
        self.members_title.setText(self.members_heading(group) if group is not None else "")

    # What is chosen --------------------------------------------------------------------------

    def chosen_group(self) -> Any:
        """The clan or unit shown on the right, or None."""
        return next((g for g in self.groups_model.rows if g.id == self.group_id), None)

    def selected_group(self) -> Any:
        rows = self.groups_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.groups_model.rows):
            return None
        return self.groups_model.rows[rows[0].row()]

    def selected_member(self) -> MemberRow | None:
        rows = self.members_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.members_model.rows):
            return None
        row = self.members_model.rows[rows[0].row()]
        assert isinstance(row, MemberRow)
        return row

    def select_group(self, group_id: str) -> None:
        """Choose a clan or unit as a click on its row does."""
        row = next(i for i, g in enumerate(self.groups_model.rows) if g.id == group_id)
        self.groups_table.selectRow(row)

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        chosen = self.chosen_group() is not None
        self.add_button.setEnabled(writable)
        self.add_member_button.setEnabled(writable and chosen)
        self.remove_member_button.setEnabled(
            writable and chosen and self.selected_member() is not None
        )

    # Writing ---------------------------------------------------------------------------------

    def _open_form(self, form: QDialog) -> QDialog:
        self.form = form
        form.finished.connect(lambda _r: setattr(self, "form", None))
        form.open()
        return form

    def open_add(self) -> QDialog | None:
        if self.ctx.read_only:
            return None
        return self._open_form(self.new_form())

    def added(self, group_id: str) -> None:
        """A clan or unit added through the form: it is the one shown, once listed."""
        self.group_id = group_id
        self.message.setStyleSheet("")
        self.message.setText("")
        if any(g.id == group_id for g in self.groups_model.rows):
            self._select_group(group_id)
            self.load_members()

    def open_add_member(self) -> QDialog | None:
        group = self.chosen_group()
        if self.ctx.read_only or group is None:
            return None
        return self._open_form(self.pick_member(group))

    def ask_remove(self) -> None:
        group, row = self.chosen_group(), self.selected_member()
        if self.ctx.read_only or group is None or row is None:
            return
        question, said, work = self.removal(group, row)

        def remove() -> None:
            def done(_value: object) -> None:
                self.message.setStyleSheet("")
                self.message.setText(said)

            self.ctx.op(work, done, self._failed, parent=self)

        self.confirm_box = confirm(self, _(self.remove_text), question, _(self.remove_text), remove)

    def _failed(self, exc: BaseException) -> None:
        _failed_in(self.message, self, _(self.title))(exc)


class ClansDialog(SubjectsDialog):
    """The clans: name, head, hamlet, how many households; the chosen one's households."""

    title = N_("Clans")
    group_headers = (N_("Clan"), N_("Head of the clan"), N_("Hamlet"), N_("Households"))
    member_headers = (N_("Household (head)"), N_("Hamlet"))
    add_member_text = N_("Add a &household…")
    remove_text = N_("Remove from the clan")
    group_widths = (150, 110, 70)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rename_button = QPushButton(_("Re&name…"))
        self.rename_button.setAutoDefault(False)
        self.rename_button.clicked.connect(lambda _c=False: self.open_rename())
        self.group_buttons.addWidget(self.rename_button)
        self.group_buttons.addStretch(1)
        self._update_buttons()

    @staticmethod
    def read_groups(ws: Workspace) -> list[Any]:
        return list(ws.models.clans())

    @staticmethod
    def read_members(ws: Workspace, group_id: str, hamlets: dict[str, str]) -> list[MemberRow]:
        return [
            MemberRow(s.id, s.name, "", hamlets.get(s.hamlet_id or "", ""))
            for s in ws.models.clan_households(group_id)
        ]

    def group_cells(self, group: Any) -> tuple[str, ...]:
        assert isinstance(group, Clan)
        return (group.name, group.head_name, group.hamlet_name, format_int(group.households))

    def member_cells(self, row: MemberRow) -> tuple[str, ...]:
        return (row.name, row.hamlet)

    def members_heading(self, group: Any) -> str:
        return tr("Households of {clan}", clan=group.name)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if hasattr(self, "rename_button"):
            self.rename_button.setEnabled(
                not self.ctx.read_only and self.chosen_group() is not None
            )

    def new_form(self) -> GroupForm:
        return GroupForm(self.ctx, "clan", self)

    def open_rename(self) -> QDialog | None:
        group = self.chosen_group()
        if self.ctx.read_only or group is None:
            return None
        return self._open_form(NameDialog(self.ctx, group, self))

    def pick_member(self, group: Any) -> PickPersonDialog:
        clan_id = group.id

        def work(ws: Workspace, person_id: str, household_id: str | None) -> OpResult[str]:
            assert household_id is not None
            return ws.models.add_clan_household(clan_id, household_id)

        return PickPersonDialog(
            self.ctx, tr("Add a household to {clan}", clan=group.name),
            _("&Household of:"), work, households=True, parent=self,
        )  # fmt: skip

    def removal(self, group: Any, row: MemberRow) -> tuple[str, str, Callable[[Workspace], Any]]:
        clan_id, household_id = group.id, row.id
        return (
            tr("Remove the household of {name} from {clan}?", name=row.name, clan=group.name),
            tr("The household of {name} was removed from {clan}.", name=row.name,
               clan=group.name),
            lambda ws: ws.models.remove_clan_household(clan_id, household_id),
        )  # fmt: skip


class UnitsDialog(SubjectsDialog):
    """The learning units (agencies, schools, enterprises): name, kind, hamlet, how many
    members; the chosen one's member people."""

    title = N_("Learning units")
    group_headers = (N_("Learning unit"), N_("Kind"), N_("Hamlet"), N_("Number of members"))
    member_headers = (N_("Full name"), N_("Birth year"), N_("Hamlet"))
    add_member_text = N_("Add a &member…")
    remove_text = N_("Remove from the unit")
    group_widths = (110, 110, 70)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.group_buttons.addStretch(1)

    @staticmethod
    def read_groups(ws: Workspace) -> list[Any]:
        return list(ws.models.units())

    @staticmethod
    def read_members(ws: Workspace, group_id: str, hamlets: dict[str, str]) -> list[MemberRow]:
        rows = []
        for s in ws.models.unit_members(group_id):
            birth = ws.people.get(s.id).birth
            rows.append(
                MemberRow(
                    s.id, s.name, str(birth.year) if birth else "",
                    hamlets.get(s.hamlet_id or "", ""),
                )
            )  # fmt: skip
        return rows

    def group_cells(self, group: Any) -> tuple[str, ...]:
        assert isinstance(group, LearningUnit)
        kind = _(UNIT_KIND_LABELS[group.kind])
        return (group.name, kind, group.hamlet_name, format_int(group.members))

    def member_cells(self, row: MemberRow) -> tuple[str, ...]:
        return (row.name, row.birth_year, row.hamlet)

    def members_heading(self, group: Any) -> str:
        return tr("Members of {unit}", unit=group.name)

    def new_form(self) -> GroupForm:
        return GroupForm(self.ctx, "unit", self)

    def pick_member(self, group: Any) -> PickPersonDialog:
        unit_id = group.id

        def work(ws: Workspace, person_id: str, _household_id: str | None) -> OpResult[str]:
            return ws.models.add_unit_member(unit_id, person_id)

        return PickPersonDialog(
            self.ctx, tr("Add a member to {unit}", unit=group.name), _("&Person:"), work,
            households=False, parent=self,
        )  # fmt: skip

    def removal(self, group: Any, row: MemberRow) -> tuple[str, str, Callable[[Workspace], Any]]:
        unit_id, person_id = group.id, row.id
        return (
            tr("Remove {name} from {unit}?", name=row.name, unit=group.name),
            tr("{name} was removed from {unit}.", name=row.name, unit=group.name),
            lambda ws: ws.models.remove_unit_member(unit_id, person_id),
        )


class GroupForm(QDialog):
    """A new clan (name, hamlet, head) or unit (name, kind, hamlet): one op, refusals here."""

    def __init__(self, ctx: AppContext, kind: str, parent: SubjectsDialog) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.owner = parent
        self.added_id: str | None = None
        self.setWindowTitle(_("New clan") if kind == "clan" else _("New learning unit"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(_("Name"))
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText(
            _("e.g. Dòng họ Nguyễn Văn") if kind == "clan" else _("e.g. Trường Tiểu học Phú Mỹ")
        )
        form.addRow(_("&Name:"), self.name_edit)
        self.kind_combo: QComboBox | None = None
        if kind == "unit":
            self.kind_combo = QComboBox()
            self.kind_combo.setAccessibleName(_("Kind"))
            for value, label in UNIT_KIND_LABELS.items():
                self.kind_combo.addItem(_(label), value.value)
            form.addRow(_("&Kind:"), self.kind_combo)
        self.hamlet_combo = QComboBox()
        self.hamlet_combo.setAccessibleName(_("Hamlet"))
        self.hamlet_combo.addItem(_("(no hamlet)"), None)
        try:
            hamlets = ctx.reader.centre.hamlets()
        except (StoreError, UserError):
            hamlets = []
        for h in hamlets:
            self.hamlet_combo.addItem(h.name, h.id)
        form.addRow(_("&Hamlet:"), self.hamlet_combo)
        self.head_picker: PersonPicker | None = None
        if kind == "clan":
            self.head_picker = PersonPicker(ctx, self)
            self.head_picker.setAccessibleName(_("Head of the clan"))
            self.head_picker.setPlaceholderText(_("Type the head's name (optional)…"))
            form.addRow(_("Head of the &clan:"), self.head_picker)
        layout.addLayout(form)
        self.message, self.ok_button = ok_cancel(self, layout, _("Add"), self.save)

    def save(self) -> None:
        name = self.name_edit.text()
        hamlet_id = self.hamlet_combo.currentData()
        head_id: str | None = None
        if self.head_picker is not None:
            head_id = self.head_picker.person_id
            if head_id is None and self.head_picker.text().strip():
                self.message.setText(
                    _("Choose the head from the list of names, or leave the field empty.")
                )
                return
        kind = UnitKind(self.kind_combo.currentData()) if self.kind_combo is not None else None

        def work(ws: Workspace) -> OpResult[str]:
            if kind is None:
                return ws.models.add_clan(name, head_id, hamlet_id)
            return ws.models.add_unit(name, kind, hamlet_id)

        def done(group_id: str) -> None:
            self.added_id = group_id
            self.owner.added(group_id)
            self.accept()

        self.ctx.op(work, done, _failed_in(self.message, self, self.windowTitle()), parent=self)


class NameDialog(QDialog):
    """A clan's new name: one op, refusals here."""

    def __init__(self, ctx: AppContext, clan: Clan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.clan_id = clan.id
        self.renamed = False
        self.setWindowTitle(tr("Rename {clan}", clan=clan.name))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(clan.name)
        self.name_edit.setAccessibleName(_("Name"))
        self.name_edit.setMaxLength(200)
        self.name_edit.selectAll()
        form.addRow(_("&Name:"), self.name_edit)
        layout.addLayout(form)
        self.message, self.ok_button = ok_cancel(self, layout, _("Rename"), self.save)

    def save(self) -> None:
        clan_id, name = self.clan_id, self.name_edit.text()

        def done(_value: str) -> None:
            self.renamed = True
            self.accept()

        self.ctx.op(
            lambda ws: ws.models.rename_clan(clan_id, name), done,
            _failed_in(self.message, self, self.windowTitle()), parent=self,
        )  # fmt: skip


class PickPersonDialog(QDialog):
    """A person picked by name, then one op with them (for a clan: their household; a person
    in no household is refused here). Refusals stay in the dialog."""

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        label: str,
        work: Callable[[Workspace, str, str | None], OpResult[str]],
        *,
        households: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._work = work
        self._households = households
        self.added_id: str | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.picker = PersonPicker(ctx, self)
        self.picker.setAccessibleName(_("Person"))
        form.addRow(label, self.picker)
        layout.addLayout(form)
        self.message, self.ok_button = ok_cancel(self, layout, _("Add"), self.save)

    def save(self) -> None:
        person_id = self.picker.person_id
        if person_id is None:
            self.message.setText(_("Type a name, then choose the person from the list."))
            return
        household_id: str | None = None
        if self._households:
            try:
                household_id = self.ctx.reader.people.get(person_id).household_id
            except (StoreError, UserError) as exc:
                _failed_in(self.message, self, self.windowTitle())(exc)
                return
            if household_id is None:
                self.message.setText(_(NO_HOUSEHOLD))
                return
        work = self._work

        def done(link_id: str) -> None:
            self.added_id = link_id
            self.accept()

        self.ctx.op(
            lambda ws: work(ws, person_id, household_id), done,
            _failed_in(self.message, self, self.windowTitle()), parent=self,
        )  # fmt: skip
