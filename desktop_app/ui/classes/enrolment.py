"""Enrolment fast enough for 60 people: type a few letters, Enter; new person inline;
a pasted list; a whole household."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.courses import Enrolment
from desktop_app.core.people import PersonInput, PersonRow, Sex
from desktop_app.core.problems import N_, StoreError, UserError
from desktop_app.i18n import _, format_int, ngettext, problem_text, tr, user_error_text
from desktop_app.services.courses import PasteResult
from desktop_app.services.ops import OpResult
from desktop_app.services.people import DuplicateWarning
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.classes.common import (
    ClassSnapshot,
    Column,
    RowsModel,
    alive,
    birth_display,
    reporter,
    selected_row,
    setup_table,
    sex_label,
    show_inline,
)
from desktop_app.ui.context import AppContext
from desktop_app.ui.person_form import DuplicateDialog
from desktop_app.ui.widgets import FieldMessage, confirm

T = TypeVar("T")

MATCHES_SHOWN = 30
_YEAR = re.compile(r"(?<!\d)(?:18|19|20)\d{2}(?!\d)")


def _row_birth(r: PersonRow) -> str:
    return str(r.birth.year) if r.birth else ""


def _row_sex(r: PersonRow) -> str:
    return sex_label(r.sex.value if r.sex else None)


def match_columns(enrolled: set[str]) -> list[Column]:
    return [
        Column(N_("Full name"), lambda r: r.full_name),
        Column(N_("Born"), _row_birth, number=True),
        Column(N_("Hamlet"), lambda r: r.hamlet_name),
        Column(N_("Sex"), _row_sex),
        Column("", lambda r: _("enrolled") if r.id in enrolled else ""),
    ]


ENROLLED_COLUMNS = [
    Column(N_("Full name"), lambda e: e.full_name, key=lambda e: e.sort_key),
    Column(N_("Sex"), lambda e: sex_label(e.sex)),
    Column(N_("Birth"), lambda e: birth_display(e.birth), key=lambda e: e.birth),
    Column(N_("Hamlet"), lambda e: e.hamlet_name),
    Column(N_("Attended"), lambda e: format_int(e.attended), number=True, key=lambda e: e.attended),
]


def split_pasted_line(line: str) -> tuple[str, str]:
    """A pasted line that matched no one -> (name, birth year or '') for a new person."""
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    if not cells:
        return "", ""
    name, rest = cells[0], " ".join(cells[1:])
    year = ""
    if m := _YEAR.search(rest):
        year = m.group(0)
    elif m := _YEAR.search(name):
        year = m.group(0)
        name = (name[: m.start()] + name[m.end() :]).strip(" ,;-")
    name = re.sub(r"^\s*\d+[.)]?\s+", "", name)
    return name.strip(), year


class EnrolmentTab(QWidget):
    counts_changed = Signal()

    def __init__(self, ctx: AppContext, course_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.enrolled_people: set[str] = set()
        self.paste_dialog: PasteDialog | None = None
        self.duplicate_dialog: DuplicateDialog | None = None
        self._busy = False

        layout = QVBoxLayout(self)
        find_row = QHBoxLayout()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(_("Type a few letters of a name, then Enter to enrol…"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(_("Find a person to enrol"))
        find_row.addWidget(self.search_box, 1)
        self.new_button = QPushButton(_("&New person…"))
        self.paste_button = QPushButton(_("&Paste list…"))
        self.household_button = QPushButton(_("Enrol &household"))
        self.household_button.setToolTip(
            _("Enrol the highlighted person and everyone in their household")
        )
        for button in (self.new_button, self.paste_button, self.household_button):
            button.setAutoDefault(False)
            find_row.addWidget(button)
        layout.addLayout(find_row)

        self.match_model = RowsModel(match_columns(self.enrolled_people), self)
        self.match_model.grey = lambda r: r.id in self.enrolled_people
        self.matches = QTableView()
        setup_table(self.matches)
        self.matches.setModel(self.match_model)
        self.matches.verticalHeader().hide()
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMaximumHeight(7 * (self.matches.fontMetrics().height() + 8) + 30)
        for column, width in enumerate((240, 60, 150, 50)):
            self.matches.setColumnWidth(column, width)
        self.matches.doubleClicked.connect(lambda _i: self.enrol_highlighted())
        layout.addWidget(self.matches)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.new_box = NewPersonBox(ctx)
        self.new_box.hide()
        self.new_box.submitted.connect(self._create_person)
        self.new_box.cancelled.connect(self._close_new_box)
        layout.addWidget(self.new_box)

        counts_row = QHBoxLayout()
        self.counts = QLabel()
        counts_row.addWidget(self.counts, 1)
        self.remove_button = QPushButton(_("&Remove from class"))
        self.remove_button.setAutoDefault(False)
        counts_row.addWidget(self.remove_button)
        layout.addLayout(counts_row)
        self.enrolled_model = RowsModel(ENROLLED_COLUMNS, self)
        self.enrolled = QTableView()
        setup_table(self.enrolled)
        self.enrolled.setModel(self.enrolled_model)
        for column, width in enumerate((240, 50, 100, 150)):
            self.enrolled.setColumnWidth(column, width)
        layout.addWidget(self.enrolled, 1)

        self.search_box.textChanged.connect(self.search)
        self.search_box.installEventFilter(self)
        self.new_button.clicked.connect(self.open_new_person)
        self.paste_button.clicked.connect(self.open_paste)
        self.household_button.clicked.connect(self.enrol_household)
        self.remove_button.clicked.connect(self.remove_selected)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.enrolled)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)
        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.open_new_person)

    # Reading --------------------------------------------------------------------------

    def show_snapshot(self, snapshot: ClassSnapshot) -> None:
        rows = snapshot.enrolments
        self.enrolled_people.clear()
        self.enrolled_people.update(e.person_id for e in rows)
        self.enrolled_model.set_rows(rows)
        course = snapshot.course
        self.counts.setText(counts_text(course.enrolled, course.attendances))
        # The "enrolled" marks in the matches may have changed. The answer may come while
        # the user is already picking the next person: the highlight stays where it was.
        highlighted = self.highlighted()
        self.match_model.set_rows(self.match_model.rows)
        rows = self.match_model.rows
        if rows:
            keep = highlighted.id if highlighted is not None else None
            self.matches.selectRow(next((i for i, r in enumerate(rows) if r.id == keep), 0))
        self.counts_changed.emit()

    def enrolments(self) -> list[Enrolment]:
        return list(self.enrolled_model.rows)

    def search(self, text: str | None = None) -> None:
        text = self.search_box.text() if text is None else text
        if not text.strip():
            self.match_model.set_rows([])
            return
        try:
            # Up to 30 rows of an indexed search, as the user types: the GUI thread's reader.
            rows = self.ctx.reader.people.search(text, MATCHES_SHOWN)
        except StoreError as exc:
            self.status.setText(errors.store_error_text(exc))
            return
        self.match_model.set_rows(rows)
        if rows:
            # The first one not yet enrolled is what Enter most likely means.
            first = next((i for i, r in enumerate(rows) if r.id not in self.enrolled_people), 0)
            self.matches.selectRow(first)
        self.status.setText(
            "" if rows else _("No one by that name. Press Enter to add them as a new person.")
        )

    def highlighted(self) -> PersonRow | None:
        row = selected_row(self.matches)
        return self.match_model.row_at(row) if row is not None else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self._move_highlight(key)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.enter_pressed()
                return True
            if key == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                return True
        return super().eventFilter(watched, event)

    def _move_highlight(self, key: int) -> None:
        count = self.match_model.rowCount()
        if not count:
            return
        row = selected_row(self.matches)
        row = -1 if row is None else row
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 6}.get(Qt.Key(key), -6)
        self.matches.selectRow(max(0, min(count - 1, row + step)))

    # Enrolling ------------------------------------------------------------------------

    def enter_pressed(self) -> None:
        if not self.search_box.text().strip():
            return
        if self.match_model.rowCount() == 0:
            self.open_new_person()
            return
        self.enrol_highlighted()

    def enrol_highlighted(self) -> None:
        person = self.highlighted()
        if person is None:
            return
        if person.id in self.enrolled_people:
            self.status.setText(tr("{name} is already enrolled.", name=person.full_name))
            return
        course_id, person_id, name = self.course_id, person.id, person.full_name

        def done(_ids: list[str]) -> None:
            self._busy = False
            self.status.setText(tr("Enrolled {name}.", name=name))
            self.search_box.clear()
            self.search_box.setFocus()

        self._write(lambda ws: ws.courses.enrol(course_id, [person_id]), done)

    def enrol_household(self) -> None:
        person = self.highlighted()
        if person is None:
            row = selected_row(self.enrolled)
            enrolment = self.enrolled_model.row_at(row) if row is not None else None
            if enrolment is None:
                self.status.setText(_("Highlight a person first: find them above, or pick one "
                                      "in the class list."))  # fmt: skip
                return
            person_id, name = enrolment.person_id, enrolment.full_name
        else:
            person_id, name = person.id, person.full_name
        course_id = self.course_id

        def done(ids: list[str]) -> None:
            self._busy = False
            added = len(ids)
            self.status.setText(
                ngettext(
                    "Enrolled {count} person of the household of {name}.",
                    "Enrolled {count} people of the household of {name}.",
                    added,
                ).format(count=format_int(added), name=name)
            )
            self.search_box.clear()
            self.search_box.setFocus()

        self._write(lambda ws: ws.courses.enrol_household(course_id, person_id), done)

    def _write(self, fn: Callable[[Workspace], OpResult[T]], done: Callable[[T], None]) -> None:
        if self.ctx.read_only:
            errors.report_error(self, _("Enrolment"), self.ctx.read_only_error())
            return
        self._busy = True

        def finished(value: T) -> None:
            if alive(self):
                done(value)

        self.ctx.op(fn, finished, self._failed, title=_("Enrolment"))

    def _failed(self, exc: BaseException) -> None:
        """A refused enrolment is said under the search box, where the user is typing."""
        self._busy = False
        if not alive(self):
            errors.report_error(None, _("Enrolment"), exc)
            return
        show_inline(self, _("Enrolment"), exc, self.status.setText)

    # New person inline ----------------------------------------------------------------

    def open_new_person(self) -> None:
        if self.ctx.read_only:
            errors.report_error(self, _("Enrolment"), self.ctx.read_only_error())
            return
        self.new_box.start(self.search_box.text())
        self.new_box.show()
        self.new_box.full_name.setFocus()

    def _close_new_box(self) -> None:
        self.new_box.hide()
        self.search_box.setFocus()

    def _create_person(self, data: PersonInput, confirmed: bool) -> None:
        course_id = self.course_id

        def done(_person_id: str) -> None:
            self._busy = False
            if not alive(self):
                return
            self.new_box.finish()
            self.new_box.hide()
            self.status.setText(tr("Added and enrolled {name}.", name=data.full_name.strip()))
            self.search_box.clear()
            self.search_box.setFocus()

        def failed(exc: BaseException) -> None:
            self._busy = False
            self.new_box.saving = False
            if not alive(self):
                errors.report_error(None, _("Enrolment"), exc)
            elif isinstance(exc, DuplicateWarning):
                self._show_duplicates(exc, data)
            elif isinstance(exc, UserError):
                self.new_box.show_error(exc)
            else:
                self._failed(exc)

        self._busy = True
        self.ctx.op(
            lambda ws: ws.courses.enrol_new_person(course_id, data, confirmed_different=confirmed),
            done,
            failed,
            title=_("Enrolment"),
        )

    def _show_duplicates(self, warning: DuplicateWarning, data: PersonInput) -> None:
        dialog = DuplicateDialog(warning, self)
        dialog.open_button.setText(_("Enrol this person"))
        self.duplicate_dialog = dialog

        def finished(_result: int) -> None:
            self.duplicate_dialog = None
            if dialog.choice == DuplicateDialog.DIFFERENT:
                self._create_person(data, True)
            elif dialog.choice == DuplicateDialog.OPEN_EXISTING and dialog.chosen_id:
                chosen = dialog.chosen_id
                course_id = self.course_id

                def done(_ids: list[str]) -> None:
                    self._busy = False
                    self.new_box.finish()
                    self.new_box.hide()
                    self.search_box.clear()
                    self.search_box.setFocus()

                self._write(lambda ws: ws.courses.enrol(course_id, [chosen]), done)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    # Paste and remove -----------------------------------------------------------------

    def open_paste(self) -> None:
        if self.ctx.read_only:
            errors.report_error(self, _("Enrolment"), self.ctx.read_only_error())
            return
        if self.paste_dialog is not None:
            self.paste_dialog.raise_()
            return
        dialog = PasteDialog(self.ctx, self.course_id, self)
        self.paste_dialog = dialog

        def closed() -> None:
            self.paste_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(lambda _r: closed())
        dialog.open()

    def remove_selected(self) -> None:
        row = selected_row(self.enrolled)
        enrolment = self.enrolled_model.row_at(row) if row is not None else None
        if enrolment is None:
            return
        enrolment_id, name = enrolment.id, enrolment.full_name

        def remove() -> None:
            def done(_id: str) -> None:
                self._busy = False
                self.status.setText(tr("Removed {name} from the class.", name=name))

            self._write(lambda ws: ws.courses.unenrol(enrolment_id), done)

        self.confirm_box = confirm(
            self,
            _("Remove from class"),
            tr(
                "Remove {name} from this class? Their attendance in it is kept and comes back "
                "if they are enrolled again.",
                name=name,
            ),
            _("Remove"),
            remove,
        )


def counts_text(people: int, attendances: int) -> str:
    return (
        ngettext("{count} person", "{count} people", people).format(count=format_int(people))
        + ", "
        + ngettext("{count} attendance (lượt)", "{count} attendances (lượt)", attendances).format(
            count=format_int(attendances)
        )
    )


class NewPersonBox(QGroupBox):
    """The minimum of a new person, typed where the search was: name, sex, birth, hamlet."""

    submitted = Signal(object, bool)  # PersonInput, confirmed different
    cancelled = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("New person"), parent)
        self.ctx = ctx
        self.saving = False
        form = QFormLayout(self)
        self.full_name = QLineEdit()
        form.addRow(QLabel(_("Full name:")), self.full_name)
        self.sex = QComboBox()
        self.sex.addItem(_("(not given)"), None)
        self.sex.addItem(_("Male"), Sex.MALE)
        self.sex.addItem(_("Female"), Sex.FEMALE)
        form.addRow(QLabel(_("Sex:")), self.sex)
        self.birth = QLineEdit()
        self.birth.setPlaceholderText(_("dd/mm/yyyy or the year"))
        form.addRow(QLabel(_("Birth:")), self.birth)
        self.hamlet = QComboBox()
        self.hamlet.addItem(_("(none)"), None)
        for hamlet in ctx.reader.centre.hamlets():
            self.hamlet.addItem(hamlet.name, hamlet.id)
        form.addRow(QLabel(_("Hamlet:")), self.hamlet)
        self.message = FieldMessage()
        form.addRow(self.message)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Add and &enrol"))
        self.cancel_button = QPushButton(_("Cancel"))
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        form.addRow(buttons)
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        for edit in (self.full_name, self.birth):
            edit.returnPressed.connect(self.submit)

    def start(self, typed: str) -> None:
        self.full_name.setText(typed.strip())
        self.birth.clear()
        self.sex.setCurrentIndex(0)
        self.hamlet.setCurrentIndex(0)
        self.message.clear_message()
        self.saving = False

    def current_input(self) -> PersonInput:
        sex = self.sex.currentData()
        return PersonInput(
            full_name=self.full_name.text(),
            sex=Sex(sex) if sex else None,
            birth=self.birth.text(),
            hamlet_id=self.hamlet.currentData(),
        )

    def submit(self) -> None:
        if self.saving:
            return
        data = self.current_input()
        try:
            _fields, problems = self.ctx.reader.people.check(data)
        except StoreError as exc:
            self.message.show_messages([errors.store_error_text(exc)])
            return
        blocking = [problem_text(p) for p in problems if not p.warning]
        if blocking:
            self.message.show_messages(blocking)
            return
        self.message.clear_message()
        self.saving = True
        self.submitted.emit(data, False)

    def show_error(self, exc: UserError) -> None:
        texts = [problem_text(p) for p in exc.problems] or [user_error_text(exc)]
        self.message.show_messages(texts)

    def finish(self) -> None:
        self.saving = False
        self.full_name.clear()
        self.birth.clear()


class PasteDialog(QDialog):
    """Paste names (one a line, e.g. a column copied from Excel); see what happened to each."""

    def __init__(self, ctx: AppContext, course_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.paste_result: PasteResult | None = None
        self.setWindowTitle(_("Paste a list of names"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "One person a line. A birth year after the name (or in the next column) "
                "tells namesakes apart."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)

        self.not_found_label = QLabel(_("Not found — tick those to add as new people:"))
        self.not_found = QListWidget()
        layout.addWidget(self.not_found_label)
        layout.addWidget(self.not_found)
        self.ambiguous_label = QLabel(_("More than one person by that name — pick which:"))
        self.ambiguous_box = QWidget()
        self.ambiguous_form = QFormLayout(self.ambiguous_box)
        self.ambiguous_combos: list[QComboBox] = []
        layout.addWidget(self.ambiguous_label)
        layout.addWidget(self.ambiguous_box)
        for w in (self.not_found_label, self.not_found, self.ambiguous_label, self.ambiguous_box):
            w.hide()

        self.buttons = QDialogButtonBox()
        self.enrol_button = QPushButton(_("&Enrol"))
        self.resolve_button = QPushButton(_("Enrol the &chosen"))
        self.resolve_button.hide()
        self.buttons.addButton(self.enrol_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.resolve_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.enrol_button.clicked.connect(self.enrol)
        self.resolve_button.clicked.connect(self.enrol_chosen)
        layout.addWidget(self.buttons)
        self.resize(560, 520)

    def enrol(self) -> None:
        text = self.text.toPlainText()
        if not text.strip():
            return
        course_id = self.course_id
        self.enrol_button.setEnabled(False)

        def write(ws: Workspace) -> OpResult[PasteResult]:
            return ws.courses.enrol_pasted(course_id, text)

        def done(result: PasteResult) -> None:
            if alive(self):
                self.enrol_button.setEnabled(True)
                self.show_result(result)

        def failed(exc: BaseException) -> None:
            if alive(self):
                self.enrol_button.setEnabled(True)
            reporter(self, _("Paste a list of names"))(exc)

        # No parent: the dialog may be closed before the answer is back.
        self.ctx.op(write, done, failed, title=_("Paste a list of names"))

    def show_result(self, result: PasteResult) -> None:
        self.paste_result = result
        parts = [
            ngettext("Enrolled {count} person", "Enrolled {count} people", len(result.enrolled))
            .format(count=format_int(len(result.enrolled))),
            ngettext("{count} already enrolled", "{count} already enrolled", len(result.already))
            .format(count=format_int(len(result.already))),
            ngettext("{count} not found", "{count} not found", len(result.not_found))
            .format(count=format_int(len(result.not_found))),
            ngettext("{count} to choose", "{count} to choose", len(result.ambiguous))
            .format(count=format_int(len(result.ambiguous))),
        ]  # fmt: skip
        lines = ["; ".join(parts) + "."]
        if result.enrolled:
            lines.append(tr("Enrolled: {names}", names=", ".join(result.enrolled)))
        if result.already:
            lines.append(tr("Already enrolled: {names}", names=", ".join(result.already)))
        self.summary.setText("\n".join(lines))

        self.not_found.clear()
        for line in result.not_found:
            item = QListWidgetItem(line)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.not_found.addItem(item)
        while self.ambiguous_form.rowCount():
            self.ambiguous_form.removeRow(0)
        self.ambiguous_combos = []
        for line, candidates in result.ambiguous:
            combo = QComboBox()
            combo.addItem(_("(skip)"), None)
            for c in candidates:
                combo.addItem(candidate_text(c), c.id)
            self.ambiguous_form.addRow(QLabel(line), combo)
            self.ambiguous_combos.append(combo)
        has_missing, has_ambiguous = bool(result.not_found), bool(result.ambiguous)
        self.not_found_label.setVisible(has_missing)
        self.not_found.setVisible(has_missing)
        self.ambiguous_label.setVisible(has_ambiguous)
        self.ambiguous_box.setVisible(has_ambiguous)
        self.resolve_button.setVisible(has_missing or has_ambiguous)
        if has_missing or has_ambiguous:
            self.resolve_button.setDefault(True)
        self.text.clear()

    def enrol_chosen(self) -> None:
        """Create the ticked not-found people and enrol them with the chosen namesakes."""
        new_people = [
            split_pasted_line(self.not_found.item(i).text())
            for i in range(self.not_found.count())
            if self.not_found.item(i).checkState() == Qt.CheckState.Checked
        ]
        chosen = [c.currentData() for c in self.ambiguous_combos if c.currentData()]
        course_id = self.course_id
        self.resolve_button.setEnabled(False)

        people = [PersonInput(full_name=name, birth=year) for name, year in new_people if name]

        def write(ws: Workspace) -> OpResult[int]:
            return ws.courses.enrol_resolved(course_id, chosen, people)

        def done(count: int) -> None:
            if not alive(self):
                return
            self.resolve_button.setEnabled(True)
            self.summary.setText(
                ngettext("Enrolled {count} more person.", "Enrolled {count} more people.", count)
                .format(count=format_int(count))
            )  # fmt: skip
            self.not_found.clear()
            for w in (self.not_found_label, self.not_found, self.ambiguous_label):
                w.hide()
            self.ambiguous_box.hide()
            self.resolve_button.hide()

        def failed(exc: BaseException) -> None:
            if alive(self):
                self.resolve_button.setEnabled(True)
            reporter(self, _("Paste a list of names"))(exc)

        self.ctx.op(write, done, failed, title=_("Paste a list of names"))


def candidate_text(row: PersonRow) -> str:
    parts = [row.full_name]
    if row.birth:
        parts.append(str(row.birth.year))
    if row.hamlet_name:
        parts.append(row.hamlet_name)
    return ", ".join(parts)
