"""The learning models (Mô hình học tập): a year switcher, a tab per model, and in each the
views of that model for the year: registration (how many registered, hamlet by hamlet against
the plans' target, the list, registering or withdrawing one, the forms), the self-assessment
(ui/model_assessment.py), the recognition (ui/model_recognition.py) and the progress chart
(ui/model_progress.py). Reads go through `ctx.query`, writes through `ctx.op`; only the view on
screen reads, again when a registration, an assessment, a recognition, a clan, a unit, a
household or a person changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.learning_models import MODELS
from desktop_app.core.learning_subjects import ModelStatus, Registration
from desktop_app.core.problems import UserError
from desktop_app.i18n import _, format_date, format_int, format_percent, tr
from desktop_app.services.model_documents import FormsPaper, ModelDocumentService
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors, model_view
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.khuyen_hoc.common import PersonPicker, preview, temp_path
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.model_assessment import AssessmentView
from desktop_app.ui.model_citizens import CitizensView
from desktop_app.ui.model_progress import ProgressView
from desktop_app.ui.model_recognition import RecognitionView
from desktop_app.ui.model_subjects import ClansDialog, SubjectsDialog, UnitsDialog
from desktop_app.ui.model_view import (
    SUBJECT_HEADERS,
    ModelHost,
    ModelView,
    first_hamlet,
    status_with,
)
from desktop_app.ui.widgets import ERROR_STYLE, confirm, ok_cancel

# What the page shows changes with these tables.
MODEL_KINDS = (
    "model_registration", "clan", "clan_household", "learning_unit", "unit_member", "household",
    "person", "hamlet", "model_assessment", "model_decision", "model_recognition",
    "citizen_status",
)  # fmt: skip
FIRST_YEAR = 2000


def _rate(value: float | None) -> str:
    return format_percent(value * 100) if value is not None else "—"


class HamletsModel(ListModel):
    """The whole commune, then hamlet by hamlet: registered, eligible, the share."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, int, int, float | None]] = []
        # The hamlet of each row as the registrations name it; None: the whole commune.
        self.keys: list[str | None] = []
        self.headers = [_("Hamlet"), _("Registered"), _("Could register"), _("Share")]

    def set_status(self, status: ModelStatus | None) -> None:
        self.beginResetModel()
        self.rows = []
        self.keys = []
        if status is not None:
            self.keys.append(None)
            self.rows.append((_("Whole commune"), status.registered, status.eligible, status.rate))
            for name, count in sorted(status.by_hamlet.items(), key=lambda kv: kv[0] == ""):
                self.keys.append(name)
                self.rows.append(
                    (name or _("(no hamlet)"), count.registered, count.eligible, count.rate)
                )
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        name, registered, eligible, rate = self.rows[index.row()]
        return (name, format_int(registered), format_int(eligible), _rate(rate))[index.column()]


class RegistrationsModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Registration] = []
        self.headers = [_("Household (head)"), _("Hamlet"), _("Registration date"),
                        _("Registered by")]  # fmt: skip

    def set_rows(self, rows: list[Registration], subject: str = "household") -> None:
        """`rows` as the service orders them: by hamlet, then name in Vietnamese order."""
        self.beginResetModel()
        self.headers[0] = _(SUBJECT_HEADERS[subject])
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
        ):  # fmt: skip
            return None
        r = self.rows[index.row()]
        day = format_date(r.registered_on) if r.registered_on else ""
        return (r.subject_name, r.hamlet_name, day, r.registered_by)[index.column()]


class LearningModelsPage(QWidget):
    """The year switcher on top, then a tab per model; each model's tab has inner tabs
    (registration, self-assessment, progress). Only the view on screen reads its data; an
    operation that changes what the section shows marks every view stale."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm_box: object = None
        self._statuses: dict[int, dict[str, ModelStatus]] = {}
        self._shown_year = dt.date.today().year
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year:")))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(FIRST_YEAR, dt.date.today().year + 1)
        self.year_spin.setValue(self._shown_year)
        self.year_spin.setAccessibleName(_("Year"))
        self.year_spin.valueChanged.connect(self._year_changed)
        top.addWidget(self.year_spin)
        top.addStretch(1)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Learning models"))
        self.model_tabs: dict[str, ModelTab] = {}
        for key, info in MODELS.items():
            tab = ModelTab(self, key)
            self.model_tabs[key] = tab
            self.tabs.addTab(tab, _(info.label))
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        layout.addWidget(self.tabs, 1)
        ctx.subscribe(self, MODEL_KINDS, self._changed)

    @property
    def current(self) -> ModelTab:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, ModelTab)
        return tab

    @property
    def model(self) -> str:
        return self.current.model

    @property
    def year(self) -> int:
        return self._shown_year

    def show_model(self, model: str) -> ModelTab:
        tab = self.model_tabs[model]
        self.tabs.setCurrentWidget(tab)
        return tab

    def status_of(self, year: int) -> dict[str, ModelStatus] | None:
        return self._statuses.get(year)

    def keep_status(self, year: int, status: dict[str, ModelStatus]) -> None:
        """Keep the statuses read (of one model or more) with those of the year held."""
        self._statuses[year] = {**self._statuses.get(year, {}), **status}

    def views(self) -> list[ModelView]:
        return [v for tab in self.model_tabs.values() for v in tab.views]

    def refresh(self) -> None:
        """Read what the view on screen shows, if stale (nothing while the page is hidden)."""
        if self.isVisible():
            self.current.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def reload(self) -> None:
        """Something no operation announces (a target kept in the settings) changed what the
        views show: every view reads again when it comes on screen."""
        self._changed(None)

    def _changed(self, _changes: object) -> None:
        self._statuses.clear()
        for view in self.views():
            view.mark_stale()
        self.refresh()

    def _year_changed(self, year: int) -> None:
        if year == self._shown_year:
            return
        editing = [v for v in self.views() if isinstance(v, AssessmentView) and v.dirty]
        if editing:
            # Unsaved typing is never dropped without asking: the switcher goes back until
            # the user says so.
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(self._shown_year)
            self.year_spin.blockSignals(False)
            self.confirm_box = confirm(
                self,
                _("Unsaved assessment"),
                tr(
                    "The assessment of {name} has changes that are not saved. Discard them and "
                    "show {year}?",
                    name=editing[0].subject_name(), year=year,
                ),
                _("Discard the changes"),
                lambda: self._switch_year(year, editing),
            )  # fmt: skip
            return
        self._switch_year(year, [])

    def _switch_year(self, year: int, editing: list[AssessmentView]) -> None:
        for editor in editing:
            editor.discard()
        self._shown_year = year
        self.year_spin.blockSignals(True)
        self.year_spin.setValue(year)
        self.year_spin.blockSignals(False)
        for view in self.views():
            view.mark_stale()
        self.refresh()


class ModelTab(QWidget):
    """One model: inner tabs, each a view of the model for the year. More views (the
    citizens' tracker) come with `add_tab`."""

    def __init__(self, page: LearningModelsPage, model: str) -> None:
        super().__init__()
        self.page = page
        self.model = model
        self.views: list[ModelView] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.inner = QTabWidget()
        self.inner.setAccessibleName(tr("{model}: views", model=_(MODELS[model].label)))
        self.inner.currentChanged.connect(lambda _i: self.refresh())
        layout.addWidget(self.inner)
        self.registrations = RegistrationsView(page, model)
        self.add_tab(self.registrations, _("Registration"))
        self.assessment = AssessmentView(page, model)
        self.add_tab(self.assessment, _("Self-assessment"))
        self.recognition = RecognitionView(page, model)
        self.add_tab(self.recognition, _("Recognition"))
        self.progress = ProgressView(page, model)
        self.add_tab(self.progress, _("Progress"))
        if model == "citizen":
            self.add_tab(CitizensView(page, model), _("On the platform"))

    def add_tab(self, view: ModelView, label: str) -> int:
        """Add an inner tab; the view reads its data when it comes on screen."""
        self.views.append(view)
        return self.inner.addTab(view, label)

    def show_view(self, view: ModelView) -> ModelView:
        self.page.show_model(self.model)
        self.inner.setCurrentWidget(view)
        return view

    def refresh(self) -> None:
        view = self.inner.currentWidget()
        if isinstance(view, ModelView) and self.page.isVisible() and self.page.current is self:
            view.show_data()


class RegistrationsView(ModelView):
    """Hamlet by hamlet, how many registered out of those who could; the registrations;
    registering, withdrawing, printing the forms."""

    def __init__(self, host: ModelHost, model: str, parent: QWidget | None = None) -> None:
        super().__init__(host, model, parent)
        self.status: ModelStatus | None = None
        self.dialog: RegisterDialog | None = None
        self.confirm_box: object = None
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        splitter = QSplitter()
        self.hamlets_model = HamletsModel(self)
        self.hamlets_table = list_table(self.hamlets_model)
        self.hamlets_table.setAccessibleName(_("Hamlet by hamlet"))
        fit_columns(self.hamlets_table, {1: 80, 2: 90, 3: 70}, stretch=(0,))
        splitter.addWidget(self.hamlets_table)
        self.registrations_model = RegistrationsModel(self)
        self.registrations_table = list_table(self.registrations_model)
        self.registrations_table.setAccessibleName(_("Registrations"))
        fit_columns(self.registrations_table, {1: 110, 2: 110, 3: 150}, stretch=(0,))
        self.registrations_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_buttons()
        )
        # The registrations shown are the chosen hamlet's (or the whole commune's).
        self.shown_hamlet: str | None = None
        self._hamlet_chosen = False
        self.hamlets_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._hamlet_changed()
        )
        splitter.addWidget(self.registrations_table)
        splitter.setSizes([460, 620])
        layout.addWidget(splitter, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.register_button = QPushButton(_("&Register…"))
        self.register_button.setToolTip(_("Record a registration for the year's title"))
        self.register_button.clicked.connect(lambda _c=False: self.open_register())
        self.unregister_button = QPushButton(_("&Withdraw the registration…"))
        self.unregister_button.clicked.connect(lambda _c=False: self.ask_unregister())
        self.forms_button = QPushButton(_("Print the registration &forms…"))
        self.forms_button.setToolTip(
            _("The registration forms of the hamlet chosen on the left (or of all), one page each")
        )
        self.forms_button.clicked.connect(lambda _c=False: self.print_forms())
        for button in (self.register_button, self.unregister_button, self.forms_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        # The clans and the units themselves (who may register) are kept in their own window.
        self.subjects_dialog: SubjectsDialog | None = None
        self.subjects_button: QPushButton | None = None
        if model in ("clan", "unit"):
            self.subjects_button = QPushButton(_("C&lans…") if model == "clan" else _("U&nits…"))
            self.subjects_button.setToolTip(
                _("The clans: their heads and households") if model == "clan"
                else _("The learning units: agencies, schools, enterprises and their members")
            )  # fmt: skip
            self.subjects_button.setAutoDefault(False)
            self.subjects_button.clicked.connect(lambda _c=False: self.open_subjects())
            buttons.addWidget(self.subjects_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._update_buttons()

    def load(self) -> None:
        """The status, then the registrations of the hamlet shown: the one chosen before, or
        at first the whole commune when its list is short, else its first hamlet."""
        model, year = self.model, self.year
        asked = self.ask()
        known = self.host.status_of(year)
        chosen, kept = self.shown_hamlet, self._hamlet_chosen

        def read(
            ws: Workspace,
        ) -> tuple[dict[str, ModelStatus], str | None, list[Registration]]:
            statuses = status_with(ws, known, year, model)
            hamlet = chosen
            status = statuses.get(model)
            if (
                not kept
                and status is not None
                and status.registered > model_view.WHOLE_LIST_AT_MOST
            ):
                hamlet = first_hamlet(status)
            return statuses, hamlet, ws.models.registrations(model, year, hamlet)

        def done(value: tuple[dict[str, ModelStatus], str | None, list[Registration]]) -> None:
            if not self.answered(asked):
                return
            statuses, hamlet, rows = value
            self.host.keep_status(year, statuses)
            self.status = statuses.get(model)
            self.hamlets_model.set_status(self.status)
            self.shown_hamlet = hamlet if hamlet in self.hamlets_model.keys else None
            self._select_hamlet_row()
            self.registrations_model.set_rows(rows, MODELS[model].subject)
            self._show_summary()
            self._update_buttons()

        self.ctx.query(read, done, parent=self)

    def _select_hamlet_row(self) -> None:
        """Show the hamlet of the list as chosen in the table, without reading again."""
        keys = self.hamlets_model.keys
        if self.shown_hamlet not in keys:
            return
        selection = self.hamlets_table.selectionModel()
        selection.blockSignals(True)
        self.hamlets_table.selectRow(keys.index(self.shown_hamlet))
        selection.blockSignals(False)
        self.hamlets_table.viewport().update()

    def _hamlet_changed(self) -> None:
        hamlet = self.chosen_hamlet()
        rows = self.hamlets_table.selectionModel().selectedRows()
        if not rows or hamlet == self.shown_hamlet:
            self._update_buttons()
            return
        self.shown_hamlet = hamlet
        self._hamlet_chosen = True
        model, year = self.model, self.year
        asked = self.ask()

        def done(rows: list[Registration]) -> None:
            if self.answered(asked):
                self.registrations_model.set_rows(rows, MODELS[model].subject)
                self._update_buttons()

        self.ctx.query(lambda ws: ws.models.registrations(model, year, hamlet), done, parent=self)

    def _show_summary(self) -> None:
        status = self.status
        title = MODELS[self.model].title
        if status is None:
            self.summary.setText("")
            return
        self.summary.setText(
            tr(
                "{title} {year}: {registered} of {eligible} registered ({rate}); the plans' "
                "target is {target} recognised.",
                title=title, year=self.year, registered=format_int(status.registered),
                eligible=format_int(status.eligible), rate=_rate(status.rate),
                target=_rate(status.target_rate),
            )
        )  # fmt: skip

    def selected(self) -> Registration | None:
        rows = self.registrations_table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        items = self.registrations_model.rows
        return items[row] if 0 <= row < len(items) else None

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        self.register_button.setEnabled(writable)
        self.unregister_button.setEnabled(writable and self.selected() is not None)
        # Forms exist for families and clans; those registered are printed.
        self.forms_button.setEnabled(
            self.model in ("family", "clan") and bool(self.registrations_model.rows)
        )

    def open_register(self) -> RegisterDialog | None:
        if self.ctx.read_only:
            errors.report_error(self, _("Register"), self.ctx.read_only_error())
            return None
        self.dialog = RegisterDialog(self.ctx, self.model, self.year, self)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()
        return self.dialog

    def open_subjects(self) -> SubjectsDialog:
        """The clans' (or units') window, non-modal; asked again, it comes to the front."""
        if self.subjects_dialog is None:
            kind = ClansDialog if self.model == "clan" else UnitsDialog
            self.subjects_dialog = kind(self.ctx, self)
        self.subjects_dialog.show()
        self.subjects_dialog.raise_()
        self.subjects_dialog.activateWindow()
        return self.subjects_dialog

    def ask_unregister(self) -> None:
        r = self.selected()
        if r is None:
            return
        self.confirm_box = confirm(
            self,
            _("Withdraw the registration"),
            tr(
                "Withdraw the registration of {name} for {title} {year}?",
                name=r.subject_name,
                title=MODELS[r.model].title,
                year=r.year,
            ),
            _("Withdraw the registration"),
            lambda: self.unregister(r),
        )

    def unregister(self, r: Registration) -> None:
        def done(_value: str) -> None:
            self.message.setStyleSheet("")
            self.message.setText(
                tr("The registration of {name} was withdrawn.", name=r.subject_name)
            )

        self.ctx.op(
            lambda ws: ws.models.unregister(r.model, r.year, r.subject_id), done,
            self._failed, parent=self,
        )  # fmt: skip

    def chosen_hamlet(self) -> str | None:
        """The hamlet chosen in the left table (its name); None for the whole commune."""
        rows = self.hamlets_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.hamlets_model.keys):
            return None
        return self.hamlets_model.keys[rows[0].row()]

    def print_forms(self) -> None:
        """The registered families' (or clans') forms of the list shown: the hamlet chosen,
        or the whole commune; rendered on the document pool, audited, then previewed."""
        model, year = self.model, self.year
        subjects = [r.subject_id for r in self.registrations_model.rows]
        if not subjects:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(_("No one of this hamlet registered: there is no form to print."))
            return
        title = _("Printing the registration forms")

        def read(ws: Workspace, _progress: object) -> FormsPaper:
            papers = ws.model_documents
            if model == "clan":
                return papers.clan_forms(year, subjects)
            return papers.family_forms(year, subjects)

        def render(paper: FormsPaper, progress: object) -> tuple[FormsPaper, Path]:
            out = temp_path(f"Giấy đăng ký {MODELS[model].title} {year}.pdf")
            ModelDocumentService.render(paper, out)
            return paper, out

        def done(result: tuple[FormsPaper, Path]) -> None:
            paper, path = result
            if not self.ctx.read_only:
                self.ctx.op(lambda ws: ws.model_documents.record_print(paper), parent=self)
            preview(self, path, path.name, self.ctx.path)

        self.ctx.task(
            self, title, read, done, self._failed, write=False, render=render,
            label=_("Writing the document…"),
        )  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        text = errors.error_text(exc)
        if text is None:
            errors.report_error(self, _("Learning models"), exc)
            return
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE)


class RegisterDialog(QDialog):
    """Who registers (a household through one of its people, a clan, a hamlet, a unit or a
    person), on which day, and who came to register."""

    def __init__(self, ctx: AppContext, model: str, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self.year = year
        self.setWindowTitle(tr("Register for {title} {year}", title=MODELS[model].title,
                               year=year))  # fmt: skip
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        subject = MODELS[model].subject
        self.picker: PersonPicker | None = None
        self.combo: QComboBox | None = None
        if subject in ("household", "person"):
            self.picker = PersonPicker(ctx, self)
            self.picker.setAccessibleName(_("Person"))
            label = _("&Household of:") if subject == "household" else _("&Person:")
            form.addRow(label, self.picker)
        else:
            self.combo = QComboBox()
            self.combo.setAccessibleName(_("Registers"))
            try:
                if subject == "hamlet":
                    choices = [(h.id, h.name) for h in ctx.reader.centre.hamlets()]
                elif subject == "clan":
                    choices = [(c.id, c.name) for c in ctx.reader.models.clans()]
                else:
                    choices = [(u.id, u.name) for u in ctx.reader.models.units()]
            except UserError:
                choices = []
            for value, name in choices:
                self.combo.addItem(name, value)
            labels = {"hamlet": _("&Hamlet:"), "clan": _("&Clan:"), "unit": _("&Learning unit:")}
            form.addRow(labels[subject], self.combo)
        self.day_edit = QDateEdit(QDate.currentDate())
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.day_edit.setMaximumDate(QDate.currentDate())
        self.day_edit.setAccessibleName(_("Registration date"))
        form.addRow(_("&Date:"), self.day_edit)
        self.by_edit = QLineEdit()
        self.by_edit.setAccessibleName(_("Registered by"))
        self.by_edit.setPlaceholderText(_("who came to register (optional)"))
        form.addRow(_("Registered &by:"), self.by_edit)
        layout.addLayout(form)
        self.message, self.ok_button = ok_cancel(self, layout, _("Register"), self.save)
        self.registered_id: str | None = None

    def subject_id(self) -> str | None:
        """The subject chosen: for a family, the household of the person picked."""
        if self.combo is not None:
            return str(self.combo.currentData()) if self.combo.currentData() else None
        if self.picker is None or self.picker.person_id is None:
            return None
        if MODELS[self.model].subject == "person":
            return self.picker.person_id
        person = self.ctx.reader.people.get(self.picker.person_id)
        return person.household_id

    def save(self) -> None:
        subject_id = self.subject_id()
        if subject_id is None:
            if self.picker is not None and self.picker.person_id is not None:
                self.message.setText(
                    _("This person is in no household: put them in one on the People page.")
                )
            else:
                self.message.setText(_("Choose who registers."))
            return
        day = self.day_edit.date().toPython()
        assert isinstance(day, dt.date)
        model, year, by = self.model, self.year, self.by_edit.text()

        def work(ws: Workspace) -> OpResult[str]:
            return ws.models.register(model, year, subject_id, on=day, by=by)

        def done(registration_id: str) -> None:
            self.registered_id = registration_id
            self.accept()

        def failed(exc: BaseException) -> None:
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Register"), exc)
                return
            self.message.setText(text)

        self.ctx.op(work, done, failed, parent=self)


__all__ = ["LearningModelsPage", "ModelTab", "RegisterDialog", "RegistrationsView"]
