"""The people list: search as you type, sort, add, edit, delete with undo, households."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.people import Hamlet, Person
from desktop_app.core.problems import StoreError, UserError
from desktop_app.core.sex import Sex
from desktop_app.i18n import _, format_int, ngettext, tr
from desktop_app.services.ops import OpChanges, Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.centre_scope import CentreScope
from desktop_app.ui.context import AppContext
from desktop_app.ui.household_view import HouseholdDialog
from desktop_app.ui.import_wizard import ImportWizard, WizardSlot
from desktop_app.ui.people_model import (
    COL_BIRTH,
    COL_HAMLET,
    COL_NAME,
    COL_NUMBER,
    COL_PHONE,
    COL_SEX,
    SORTABLE,
    PeopleModel,
)
from desktop_app.ui.person_form import PersonForm
from desktop_app.ui.widgets import confirm, show_message

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150


# What the list shows: a person's row, their household and their hamlet's name.
SHOWN_KINDS = frozenset({"person", "household", "hamlet"})


class PeoplePage(QWidget):
    """One page of the main window. Pages of the list are small indexed reads on the GUI
    thread's reader; writes are ops, and the list refreshes by subscription after each."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form: PersonForm | None = None
        self.household: HouseholdDialog | None = None
        self.last_deleted: tuple[str, str] | None = None  # (id, name) for undo
        self.confirm_box: QMessageBox | None = None
        self.message_box: QMessageBox | None = None

        layout = QVBoxLayout(self)
        self.scope = CentreScope(ctx, self)
        layout.addWidget(self.scope)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, phone or CCCD…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search"))
        top.addWidget(self.search, 1)
        self.count_label = QLabel()
        top.addWidget(self.count_label)
        layout.addLayout(top)

        self.model = PeopleModel(ctx.reader, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.table.verticalHeader().hide()
        # Fixed row heights: the view never has to measure 200,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        widths = {COL_NUMBER: 70, COL_NAME: 240, COL_SEX: 60, COL_BIRTH: 100, COL_HAMLET: 160}
        widths[COL_PHONE] = 130
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.activated.connect(lambda _index: self.edit_selected())
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("&New person"))
        self.new_button.setToolTip(_("Add a person (Ctrl+N)"))
        self.edit_button = QPushButton(_("&Edit"))
        self.edit_button.setToolTip(_("Open the selected person (Enter)"))
        self.delete_button = QPushButton(_("&Delete"))
        self.delete_button.setToolTip(_("Delete the selected person (Del)"))
        self.household_button = QPushButton(_("Ho&usehold"))
        self.household_button.setToolTip(_("Show the household of the selected person"))
        # At an office: the office never edits a centre's record, it asks the centre.
        self.correction_button = QPushButton(_("Request a correction…"))
        self.correction_button.setToolTip(
            _("Ask the centre that owns this record to correct it (a correction request file)")
        )
        self.correction_button.clicked.connect(self.request_correction)
        self.correction_button.setVisible(self.scope.office)
        self.correction_dialog: CorrectionDialog | None = None
        self.last_correction: Path | None = None
        self.import_button = QPushButton(_("Import from E&xcel…"))
        self.import_button.setToolTip(
            _("Bring in a list of people kept in Excel, checked before anything is saved")
        )
        self.import_button.clicked.connect(lambda _checked=False: self.open_import())
        self.imports = WizardSlot(ctx, self)
        self.new_button.clicked.connect(self.new_person)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.household_button.clicked.connect(self.open_household)
        for button in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.household_button,
            self.correction_button,
            self.import_button,
        ):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        QWidget.setTabOrder(self.search, self.table)
        QWidget.setTabOrder(self.table, self.new_button)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_return)

        shortcut = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self._shortcuts: list[QShortcut] = []
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.focus_search),
            (QKeySequence.StandardKey.New, self.new_person),
            (QKeySequence.StandardKey.Undo, self.undo_delete),
        ):
            s = QShortcut(QKeySequence(keys), self, context=shortcut)
            s.activated.connect(slot)
            self._shortcuts.append(s)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        self._shortcuts.append(delete)

        self.scope.changed.connect(self._scope_changed)
        self.model.count_changed.connect(self._update_count)
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        ctx.subscribe(self, SHOWN_KINDS, self._on_change)
        self._update_count(self.model.rowCount())
        self._update_buttons()

    # Search and sort ------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def apply_search(self) -> None:
        self._search_timer.stop()
        try:
            self.model.set_query(self.search.text())
        except StoreError as exc:
            errors.report_error(self, _("Search"), exc)
            return
        if self.model.rowCount():
            self.select_row(0)

    def _search_return(self) -> None:
        # Enter in the search box goes to the first match, so Enter again opens it.
        self.apply_search()
        if self.model.rowCount():
            self.table.setFocus()

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if column not in SORTABLE:
            # Only name, birth and hamlet have an index to page by; put the arrow back.
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            descending = self.model.descending
            header.setSortIndicator(
                self.model.sort_column,
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
            )
            header.blockSignals(False)

    def _update_count(self, count: int) -> None:
        text = ngettext("{count} person", "{count} people", count).format(count=format_int(count))
        if self.model.query:
            text = ngettext("{count} match", "{count} matches", count).format(
                count=format_int(count)
            )
        self.count_label.setText(text)

    # Selection ------------------------------------------------------------------------

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        current = self.table.currentIndex()
        return current.row() if current.isValid() else None

    def selected_id(self) -> str | None:
        row = self.selected_row()
        return self.model.person_id(row) if row is not None else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, COL_NAME)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_person(self, person_id: str) -> bool:
        row = self.model.row_of(person_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _scope_changed(self) -> None:
        try:
            self.model.set_sites(self.scope.sites())
        except (StoreError, UserError) as exc:
            errors.report_error(self, _("Centre"), exc)
            return
        if self.model.rowCount():
            self.select_row(0)
        self._update_buttons()

    def _selected_is_ours(self) -> bool:
        person_id = self.selected_id()
        return person_id is None or self.scope.owns("person", person_id)

    def _update_buttons(self) -> None:
        has = self.selected_row() is not None
        writable = not self.ctx.read_only
        ours = self._selected_is_ours()
        self.new_button.setEnabled(writable)
        self.import_button.setEnabled(writable)
        self.edit_button.setEnabled(has and ours)
        self.delete_button.setEnabled(has and writable and ours)
        self.household_button.setEnabled(has and ours)
        self.correction_button.setEnabled(has and writable and not ours)
        person_id = self.selected_id()
        why = (
            self.scope.not_ours_text("person", person_id) if has and not ours and person_id else ""
        )
        for button, tip in (
            (self.edit_button, _("Open the selected person (Enter)")),
            (self.delete_button, _("Delete the selected person (Del)")),
            (self.household_button, _("Show the household of the selected person")),
        ):
            button.setToolTip(why or tip)

    # Person form ----------------------------------------------------------------------

    def new_person(self) -> None:
        if self.ctx.read_only:
            self._show_read_only()
            return
        self._open_form(None)

    def open_import(self) -> ImportWizard | None:
        """The import wizard for a list of people (one at a time)."""
        if self.ctx.read_only:
            self._show_read_only()
            return None
        return self.imports.open("people")

    @property
    def import_wizard(self) -> ImportWizard | None:
        return self.imports.wizard

    def edit_selected(self) -> None:
        person_id = self.selected_id()
        if person_id is None:
            return
        if not self.scope.owns("person", person_id):
            self._refuse_foreign(person_id)
            return
        self._open_form(person_id)

    def _refuse_foreign(self, person_id: str) -> None:
        """Enter, a double click or Del on a centre's person at the office: say why not."""
        self.message_box = show_message(
            self, _("Cannot do that"), self.scope.not_ours_text("person", person_id)
        )

    # Correction request (office) --------------------------------------------------------

    def request_correction(self) -> None:
        row = self.selected_row()
        item = self.model.row_at(row) if row is not None else None
        if item is None or self.correction_dialog is not None:
            return
        owner = self.scope.owner("person", item.id)
        if owner is None or self.scope.owns("person", item.id):
            return
        try:
            person: Person | None = self.ctx.reader.people.get(item.id)
            hamlets = self.ctx.reader.centre.hamlets()
        except (UserError, StoreError):
            person, hamlets = None, []
        dialog = CorrectionDialog(
            self.scope.name_of(owner), item.full_name, self, person=person, hamlets=hamlets
        )
        self.correction_dialog = dialog

        def closed() -> None:
            self.correction_dialog = None
            dialog.deleteLater()

        def chosen() -> None:
            message, fields = dialog.message(), dialog.fields()
            folder = QFileDialog.getExistingDirectory(
                self, _("Folder for the correction request (e.g. the USB stick)")
            )
            if folder:
                self.send_correction(owner, item.id, item.full_name, message, folder, fields)

        dialog.accepted.connect(chosen)
        dialog.finished.connect(lambda _r: closed())
        dialog.open()

    def send_correction(
        self, centre_id: str, person_id: str, name: str, message: str, folder: str,
        fields: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        def work(ws: Workspace, _progress: Progress) -> Path:
            return ws.sync.request_correction(
                centre_id, "person", person_id, message, Path(folder), fields
            )

        def done(path: Path) -> None:
            self.last_correction = path
            self.ctx.notify(
                tr(
                    "Wrote the correction request for {name}: {file}. Give it to {centre} "
                    "(on the USB stick or by e-mail); its answer comes with the centre's next "
                    "data bundle (Sync › Correction requests).",
                    name=name, file=path.name, centre=self.scope.name_of(centre_id),
                )
            )  # fmt: skip

        self.ctx.task(self, _("Request a correction"), work, done, write=True)

    def open_person(self, person_id: str) -> None:
        self._open_form(person_id)

    def _open_form(self, person_id: str | None) -> None:
        if self.form is not None:
            self.form.raise_()
            self.form.activateWindow()
            return
        try:
            form = PersonForm(self.ctx, person_id, self)
        except (StoreError, UserError) as exc:  # e.g. deleted in another window meanwhile
            errors.report_error(self, _("Cannot do that"), exc)
            return
        self.form = form
        form.saved.connect(self._person_saved)
        # Queued so the duplicate's form opens after this one has closed.
        form.open_person_requested.connect(self.open_person, Qt.ConnectionType.QueuedConnection)
        form.finished.connect(lambda _r: self._form_closed(form))
        form.open()

    def _form_closed(self, form: PersonForm) -> None:
        if self.form is form:
            self.form = None
        form.deleteLater()

    def _person_saved(self, person_id: str) -> None:
        # The list has already refreshed by subscription; say so and select the person.
        name = ""
        try:
            name = self.ctx.reader.people.get(person_id).full_name
        except (StoreError, UserError):
            log.warning("Saved person %s could not be read back", person_id)
        if name:
            self.ctx.notify(tr("Saved {name}.", name=name))
        self.select_person(person_id)

    # Delete and undo ------------------------------------------------------------------

    def delete_selected(self) -> None:
        if self.ctx.read_only:
            self._show_read_only()
            return
        row = self.selected_row()
        item = self.model.row_at(row) if row is not None else None
        if item is None:
            return
        if not self.scope.owns("person", item.id):
            self._refuse_foreign(item.id)
            return
        person_id, name = item.id, item.full_name

        def do_delete() -> None:
            self.confirm_box = None
            self.ctx.op(
                lambda ws: ws.people.delete(person_id),
                lambda _id: self._deleted(person_id, name, row or 0),
                parent=self,
                title=_("Delete person"),
            )

        self.confirm_box = confirm(
            self,
            _("Delete person"),
            tr("Delete {name} from the list? You can undo this right after.", name=name),
            _("Delete"),
            do_delete,
        )
        self.confirm_box.rejected.connect(self._confirm_closed)

    def _confirm_closed(self) -> None:
        self.confirm_box = None

    def _deleted(self, person_id: str, name: str, row: int) -> None:
        self.last_deleted = (person_id, name)
        self.ctx.notify(tr("Deleted {name}.", name=name), _("Undo"), self.undo_delete)
        if self.model.rowCount():
            self.select_row(min(row, self.model.rowCount() - 1))

    def undo_delete(self) -> None:
        if self.last_deleted is None:
            return
        person_id, name = self.last_deleted
        self.last_deleted = None

        def restored(_id: str) -> None:
            self.ctx.notify(tr("{name} is back in the list.", name=name))
            self.select_person(person_id)

        def failed(exc: BaseException) -> None:
            self.last_deleted = (person_id, name)  # so the user can try again
            errors.report_error(self, _("Undo"), exc)

        self.ctx.op(
            lambda ws: ws.people.restore(person_id),
            restored,
            failed,
            parent=self,
            title=_("Undo"),
        )

    # Household ------------------------------------------------------------------------

    def open_household(self) -> None:
        person_id = self.selected_id()
        if person_id is None or self.household is not None:
            return
        if not self.scope.owns("person", person_id):
            self._refuse_foreign(person_id)
            return
        try:
            dialog = HouseholdDialog(self.ctx, person_id, self)
        except (StoreError, UserError) as exc:
            errors.report_error(self, _("Household"), exc)
            return
        self.household = dialog

        def closed() -> None:
            self.household = None
            dialog.deleteLater()

        dialog.finished.connect(lambda _r: closed())
        dialog.open()

    # Refreshing -----------------------------------------------------------------------

    def _on_change(self, _changes: OpChanges) -> None:
        """An op changed people, households or hamlets: count again and drop cached pages;
        the pages in view load again as they are painted (indexed, a few ms each)."""
        selected = self.selected_id()
        try:
            self.model.refresh()
        except StoreError as exc:
            errors.report_error(self, _("Cannot do that"), exc)
            return
        if selected is not None:
            self._reselect(selected)

    def _reselect(self, person_id: str) -> None:
        # The refreshed model loads pages lazily; the page in view is loaded by scrolling there.
        top = self.table.rowAt(0)
        if top >= 0:
            self.model.row_at(top)
        self.select_person(person_id)

    # Messages -------------------------------------------------------------------------

    def _show_read_only(self) -> None:
        # Ctrl+N or Del on a read-only file explains instead of doing nothing.
        text = errors.store_error_text(self.ctx.read_only_error())
        self.message_box = show_message(self, _("Cannot do that"), text)


class CorrectionDialog(QDialog):
    """What the office asks the centre to correct in one of its people: a message, and new
    values for the fields a correction may propose (the person's values to start with; only
    those changed here are proposed). The centre accepts or rejects the request."""

    def __init__(
        self,
        centre: str,
        name: str,
        parent: QWidget | None = None,
        person: Person | None = None,
        hamlets: list[Hamlet] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Request a correction"))
        self.person = person
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "{name} is a record of {centre}. Change the values that are wrong and say why; "
                "the centre accepts (its app makes the edit) or rejects the request.",
                name=name, centre=centre,
            )
        )  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.full_name = QLineEdit()
        self.birth = QLineEdit()
        self.birth.setPlaceholderText(_("dd/mm/yyyy, or only the year"))
        self.sex = QComboBox()
        self.sex.addItem(_("(not given)"), "")
        self.sex.addItem(_("Male"), Sex.MALE.value)
        self.sex.addItem(_("Female"), Sex.FEMALE.value)
        self.phone = QLineEdit()
        self.hamlet = QComboBox()
        self.hamlet.addItem(_("(none)"), "")
        for hamlet in hamlets or []:
            self.hamlet.addItem(hamlet.name, hamlet.id)
        self.cccd = QLineEdit()
        self.start = {
            "full_name": person.full_name if person else "",
            "birth": person.birth.display() if person and person.birth else "",
            "sex": person.sex.value if person and person.sex else "",
            "phone": person.phone or "" if person else "",
            "hamlet_id": person.hamlet_id or "" if person else "",
            "cccd": person.cccd or "" if person else "",
        }
        if person is not None and person.hamlet_id and self.hamlet.findData(person.hamlet_id) < 0:
            self.hamlet.addItem(person.hamlet_name or _("(a removed hamlet)"), person.hamlet_id)
        for label_text, widget in (
            (_("Full &name:"), self.full_name),
            (_("&Birth:"), self.birth),
            (_("&Sex:"), self.sex),
            (_("&Phone:"), self.phone),
            (_("&Hamlet:"), self.hamlet),
            (_("&CCCD number:"), self.cccd),
        ):
            form.addRow(label_text, widget)
        for key, edit in self._edits().items():
            edit.setText(self.start[key])
            edit.textChanged.connect(self._changed)
        for key, combo in self._combos().items():
            combo.setCurrentIndex(max(0, combo.findData(self.start[key])))
            combo.currentIndexChanged.connect(self._changed)
        # Only a person's fields can be proposed; without the person, a message only.
        for field_widget in (*self._edits().values(), *self._combos().values()):
            field_widget.setEnabled(person is not None)
        layout.addLayout(form)
        why = QLabel(_("&Why, or what else should be corrected:"))
        layout.addWidget(why)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(_("What should be corrected"))
        self.text.setPlaceholderText(_("e.g. The birth year should be 1985, not 1958."))
        self.text.setTabChangesFocus(True)
        why.setBuddy(self.text)
        layout.addWidget(self.text, 1)
        self.proposed_label = QLabel()
        self.proposed_label.setWordWrap(True)
        layout.addWidget(self.proposed_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Write the request…"))
        self.ok.setEnabled(False)
        self.text.textChanged.connect(self._changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 520)
        self._changed()

    def _edits(self) -> dict[str, QLineEdit]:
        return {
            "full_name": self.full_name, "birth": self.birth, "phone": self.phone,
            "cccd": self.cccd,
        }  # fmt: skip

    def _combos(self) -> dict[str, QComboBox]:
        return {"sex": self.sex, "hamlet_id": self.hamlet}

    def _changed(self) -> None:
        n = len(self.fields())
        self.proposed_label.setText(
            ngettext(
                "{n} value is proposed: the changed one.",
                "{n} values are proposed: the changed ones.",
                n,
            ).format(n=format_int(n))
            if n
            else _("No value changed: the request is the message only.")
        )
        self.ok.setEnabled(bool(self.message() or n))

    def fields(self) -> dict[str, str]:
        """The proposed values: the fields changed here (as typed in the person form)."""
        if self.person is None:
            return {}
        now = {key: " ".join(edit.text().split()) for key, edit in self._edits().items()}
        now.update({key: str(combo.currentData() or "") for key, combo in self._combos().items()})
        return {key: value for key, value in now.items() if value != self.start[key]}

    def message(self) -> str:
        return self.text.toPlainText().strip()
