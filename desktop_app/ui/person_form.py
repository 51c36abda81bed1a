"""Adding and editing one person, with a message next to every field that needs fixing."""

from __future__ import annotations

import itertools
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.people import Person, PersonInput, PersonRow, Sex
from desktop_app.core.phone import format_phone
from desktop_app.core.problems import Problem, StoreError, UserError
from desktop_app.i18n import _, problem_text, user_error_text
from desktop_app.services.ops import OpResult
from desktop_app.services.people import DuplicateWarning
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.widgets import Banner, FieldMessage, add_field_row

log = logging.getLogger(__name__)

# Long enough not to flash messages at every key, short enough to feel immediate.
CHECK_DELAY_MS = 300
FIELDS = (
    "full_name",
    "sex",
    "birth",
    "cccd",
    "phone",
    "hamlet_id",
    "ethnicity",
    "religion",
    "notes",
)


class PersonForm(QDialog):
    """Opened with `open()` (window-modal, non-blocking); emits `saved(person_id)` after
    the write, when every page showing people has refreshed."""

    saved = Signal(str)
    open_person_requested = Signal(str)

    def __init__(
        self, ctx: AppContext, person_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person: Person | None = ctx.reader.people.get(person_id) if person_id else None
        self._touched: set[str] = set()
        self._saving = False
        self._confirmed_different = False
        self._loaded: PersonInput | None = None
        self.duplicate_dialog: DuplicateDialog | None = None
        self.setWindowTitle(_("Edit person") if self.person else _("New person"))
        self.setMinimumWidth(520)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._check_while_open)

        self._build()
        if self.person is not None:
            self._load(self.person)
        self._loaded = self.current_input()
        if ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
            self.save_button.setEnabled(False)

    # Building -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.banner = Banner(error=True)
        layout.addWidget(self.banner)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.messages: dict[str, FieldMessage] = {}

        self.full_name = QLineEdit()
        self.full_name.setMaxLength(200)
        self.full_name.setPlaceholderText(_("e.g. Nguyễn Văn An"))
        self._add_row(form, _("Full &name:"), self.full_name, "full_name")

        self.sex = QComboBox()
        self.sex.addItem(_("(not given)"), None)
        self.sex.addItem(_("Male"), Sex.MALE)
        self.sex.addItem(_("Female"), Sex.FEMALE)
        self._add_row(form, _("&Sex:"), self.sex, "sex")

        self.birth = QLineEdit()
        self.birth.setPlaceholderText(_("dd/mm/yyyy, or only the year"))
        self.birth.setToolTip(
            _("Type the birth date as dd/mm/yyyy, e.g. 07/03/1985, or the year only.")
        )
        self._add_row(form, _("&Birth:"), self.birth, "birth")

        self.cccd = QLineEdit()
        self.cccd.setPlaceholderText(_("12 digits, from the card"))
        self._add_row(form, _("&CCCD number:"), self.cccd, "cccd")

        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("e.g. 0912 345 678"))
        self._add_row(form, _("&Phone:"), self.phone, "phone")

        self.hamlet = QComboBox()
        self.hamlet.addItem(_("(none)"), None)
        for hamlet in self.ctx.reader.centre.hamlets():
            self.hamlet.addItem(hamlet.name, hamlet.id)
        self._add_row(form, _("&Hamlet:"), self.hamlet, "hamlet_id")
        layout.addLayout(form)

        # Sensitive data stays folded away so it is filled only on purpose.
        self.sensitive_toggle = QToolButton()
        self.sensitive_toggle.setText(_("Sensitive (optional)"))
        self.sensitive_toggle.setCheckable(True)
        self.sensitive_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.sensitive_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.sensitive_toggle.toggled.connect(self._toggle_sensitive)
        layout.addWidget(self.sensitive_toggle)
        self.sensitive_box = QWidget()
        sensitive_form = QFormLayout(self.sensitive_box)
        note = QLabel(
            _(
                "Ethnicity and religion are sensitive personal data. Fill them in only when "
                "a programme needs them and the person agrees."
            )
        )
        note.setWordWrap(True)
        sensitive_form.addRow(note)
        self.ethnicity = QLineEdit()
        self._add_row(sensitive_form, _("&Ethnicity:"), self.ethnicity, "ethnicity")
        self.religion = QLineEdit()
        self._add_row(sensitive_form, _("&Religion:"), self.religion, "religion")
        self.sensitive_box.hide()
        layout.addWidget(self.sensitive_box)

        notes_form = QFormLayout()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self._add_row(notes_form, _("N&otes:"), self.notes, "notes")
        layout.addLayout(notes_form)

        self.general_message = FieldMessage()
        layout.addWidget(self.general_message)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        for edit in (
            self.full_name,
            self.birth,
            self.cccd,
            self.phone,
            self.ethnicity,
            self.religion,
        ):
            edit.textEdited.connect(self._edited)
        self.notes.textChanged.connect(self._edited)
        self.sex.currentIndexChanged.connect(self._edited)
        self.hamlet.currentIndexChanged.connect(self._edited)

        chain: list[QWidget] = [
            self.full_name, self.sex, self.birth, self.cccd, self.phone, self.hamlet,
            self.sensitive_toggle, self.ethnicity, self.religion, self.notes,
            self.save_button, self.cancel_button,
        ]  # fmt: skip
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.full_name.setFocus()

    def _add_row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        self.messages[field] = add_field_row(form, label, widget)
        widget.setProperty("field", field)

    def _toggle_sensitive(self, shown: bool) -> None:
        self.sensitive_box.setVisible(shown)
        self.sensitive_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self._fit_height()

    def _load(self, person: Person) -> None:
        data = person.to_input()
        self.full_name.setText(data.full_name)
        self.sex.setCurrentIndex(max(0, self.sex.findData(data.sex)))
        self.birth.setText(data.birth)
        self.cccd.setText(data.cccd)
        self.phone.setText(format_phone(data.phone) if data.phone else "")
        index = self.hamlet.findData(data.hamlet_id)
        if index < 0 and data.hamlet_id is not None:
            # A deleted hamlet still shows, so saving does not silently move the person.
            self.hamlet.addItem(person.hamlet_name or _("(a removed hamlet)"), data.hamlet_id)
            index = self.hamlet.count() - 1
        self.hamlet.setCurrentIndex(max(0, index))
        self.ethnicity.setText(data.ethnicity)
        self.religion.setText(data.religion)
        self.notes.setPlainText(data.notes)
        if data.ethnicity or data.religion:
            self.sensitive_toggle.setChecked(True)

    # Reading the form -----------------------------------------------------------------

    def current_input(self) -> PersonInput:
        sex = self.sex.currentData()
        return PersonInput(
            full_name=self.full_name.text(),
            sex=Sex(sex) if sex else None,
            birth=self.birth.text(),
            cccd=self.cccd.text(),
            phone=self.phone.text(),
            hamlet_id=self.hamlet.currentData(),
            ethnicity=self.ethnicity.text(),
            religion=self.religion.text(),
            notes=self.notes.toPlainText(),
        )

    @property
    def dirty(self) -> bool:
        return self._loaded is not None and self.current_input() != self._loaded

    def _edited(self) -> None:
        sender = self.sender()
        field = sender.property("field") if sender is not None else None
        if isinstance(field, str):
            self._touched.add(field)
        # What was confirmed as a different person may no longer be the same typing.
        self._confirmed_different = False
        self._check_timer.start()

    # Checking -------------------------------------------------------------------------

    def _check_while_open(self) -> None:
        # The typing pause may end after the form (and the database) was closed.
        if self.isVisible():
            self.check()

    def check(self, *, all_fields: bool = False) -> list[Problem]:
        """Run the same checks a save runs and show their messages; return the problems."""
        self._check_timer.stop()
        person_id = self.person.id if self.person else None
        try:
            _fields, problems = self.ctx.reader.people.check(self.current_input(), person_id)
        except StoreError as exc:
            self.general_message.show_messages([errors.store_error_text(exc)])
            return []
        self.show_problems(problems, all_fields=all_fields)
        return problems

    def show_problems(
        self, problems: list[Problem] | tuple[Problem, ...], *, all_fields: bool
    ) -> None:
        if all_fields:
            self._touched.update(FIELDS)
        by_field: dict[str, tuple[list[str], list[str]]] = {}
        for p in problems:
            field = p.field if p.field in self.messages else ""
            errors_, warnings = by_field.setdefault(field, ([], []))
            (warnings if p.warning else errors_).append(problem_text(p))
        for field, message in self.messages.items():
            errors_, warnings = by_field.get(field, ([], []))
            if field in self._touched:
                message.show_messages(errors_, warnings)
            elif not errors_ and not warnings:
                message.clear_message()
        general_errors, general_warnings = by_field.get("", ([], []))
        self.general_message.show_messages(general_errors, general_warnings)
        if any(f in by_field for f in ("ethnicity", "religion")):
            self.sensitive_toggle.setChecked(True)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show every wrapped message in full; Qt's minimum size ignores wrapping."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        needed = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if needed > self.height():
            self.resize(width, needed)

    def field_message(self, field: str) -> str:
        message = self.messages[field]
        return message.text() if not message.isHidden() else ""

    def _focus_first_problem(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        widgets: dict[str, QWidget] = {
            "full_name": self.full_name, "sex": self.sex, "birth": self.birth,
            "cccd": self.cccd, "phone": self.phone, "hamlet_id": self.hamlet,
            "ethnicity": self.ethnicity, "religion": self.religion, "notes": self.notes,
        }  # fmt: skip
        for field in FIELDS:
            if any(p.field == field and not p.warning for p in problems):
                widgets[field].setFocus()
                return

    # Saving ---------------------------------------------------------------------------

    def save(self) -> None:
        """Check, then write on the worker. Nothing is saved while a field needs fixing."""
        if self._saving:
            return
        if self.ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
            return
        problems = self.check(all_fields=True)
        blocking = [p for p in problems if not p.warning]
        if blocking:
            self.general_message.show_messages(
                [_("Some fields need fixing before the person can be saved.")]
            )
            self._focus_first_problem(blocking)
            return
        self._submit()

    def _submit(self) -> None:
        data = self.current_input()
        confirmed = self._confirmed_different
        person = self.person
        self._set_saving(True)
        self.banner.show_text("")

        def write(ws: Workspace) -> OpResult[str]:
            if person is None:
                return ws.people.add(data, confirmed_different=confirmed)
            return ws.people.update(
                person.id, data, expected_version=person.version, confirmed_different=confirmed
            )

        self.ctx.op(write, self._saved, self._save_failed, parent=self, title=self.windowTitle())

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving and not self.ctx.read_only)

    def _saved(self, person_id: str) -> None:
        self._set_saving(False)
        self._loaded = self.current_input()
        self.saved.emit(person_id)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, DuplicateWarning):
            self._show_duplicates(exc)
        elif isinstance(exc, UserError):
            if exc.problems:
                self.show_problems(exc.problems, all_fields=True)
                self._focus_first_problem(exc.problems)
            self.general_message.show_messages([user_error_text(exc)])
        elif isinstance(exc, StoreError):
            # The dialog stays open with everything typed, so nothing is lost.
            self.banner.show_text(errors.store_error_text(exc))
        else:
            self.banner.show_text(
                _("The app failed to save the person. What you typed is still here.")
            )
            errors.report_error(self, self.windowTitle(), exc)  # a bug: logged and shown

    def _show_duplicates(self, warning: DuplicateWarning) -> None:
        dialog = DuplicateDialog(warning, self)
        self.duplicate_dialog = dialog

        def finished(result: int) -> None:
            self.duplicate_dialog = None
            if dialog.choice == DuplicateDialog.DIFFERENT:
                self._confirmed_different = True
                self._submit()
            elif dialog.choice == DuplicateDialog.OPEN_EXISTING and dialog.chosen_id:
                self.open_person_requested.emit(dialog.chosen_id)
                self._loaded = self.current_input()  # the user chose to leave this typing
                self.reject()

        dialog.finished.connect(finished)
        dialog.open()

    def reject(self) -> None:
        if self._saving:
            return  # the write is under way; closing now would hide its outcome
        if self.dirty and not self._confirm_discard():
            return
        super().reject()

    def _confirm_discard(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Close without saving?"),
            _("What you typed in this form will be lost."),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        discard = box.addButton(QMessageBox.StandardButton.Discard)
        keep = box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard


class DuplicateDialog(QDialog):
    """Someone like this is already in the list: open them, or say this is someone else."""

    OPEN_EXISTING = "open"
    DIFFERENT = "different"

    def __init__(self, warning: DuplicateWarning, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Already in the list?"))
        self.choice: str | None = None
        self.chosen_id: str | None = warning.candidates[0].id if warning.candidates else None
        layout = QVBoxLayout(self)
        self.message = QLabel(user_error_text(warning))
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.candidates = QTreeWidget()
        self.candidates.setRootIsDecorated(False)
        self.candidates.setHeaderLabels([_("Full name"), _("Birth"), _("Hamlet"), _("Phone")])
        for row in warning.candidates:
            self.candidates.addTopLevelItem(_candidate_item(row))
        first = self.candidates.topLevelItem(0)
        if first is not None:
            self.candidates.setCurrentItem(first)
        self.candidates.itemDoubleClicked.connect(lambda *_a: self._choose(self.OPEN_EXISTING))
        layout.addWidget(self.candidates)
        buttons = QDialogButtonBox()
        self.open_button = QPushButton(_("Open existing person"))
        self.different_button = QPushButton(_("This is a different person"))
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.different_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(lambda: self._choose(self.OPEN_EXISTING))
        self.different_button.clicked.connect(lambda: self._choose(self.DIFFERENT))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 260)

    def _choose(self, choice: str) -> None:
        item = self.candidates.currentItem()
        if item is not None:
            self.chosen_id = item.data(0, Qt.ItemDataRole.UserRole)
        self.choice = choice
        self.accept()


def _candidate_item(row: PersonRow) -> QTreeWidgetItem:
    item = QTreeWidgetItem(
        [
            row.full_name,
            row.birth.display() if row.birth else "",
            row.hamlet_name,
            format_phone(row.phone) if row.phone else "",
        ]
    )
    item.setData(0, Qt.ItemDataRole.UserRole, row.id)
    return item
