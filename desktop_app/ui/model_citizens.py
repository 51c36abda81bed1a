"""The "Công dân học tập" tracker (the citizen model's tab "On the platform"): how far the
commune's adults are on the national platform (congdanhoctap.vn), hamlet by hamlet against the
target, as a table and a chart of the shares with an account and achieved; the adults of the
hamlet chosen with where each stands, filtered by status and searched by name; setting one
person's status (a small dialog, one op); exporting the list of those still to register (the
sensitive fields only after a confirmation, ui/cdht_export.py) and importing the platform's
status lists (the import wizard on the cdht kind).

Reads are one hamlet at a time: the summary is counted in SQL and the list holds one hamlet's
adults, so the tab opens at once in a commune of 200,000 people."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.citizen_tracker import STATUS_LABELS, CitizenStatus, HamletCount
from desktop_app.core.problems import N_
from desktop_app.core.text import fold
from desktop_app.i18n import _, format_date, format_int, tr
from desktop_app.services.citizen_tracker import CitizenSummary, TrackedAdult
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.cdht_export import start_cdht_export
from desktop_app.ui.charts import BLUE, GREEN, ChartRow, RateChart, Series, rate_text
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import ImportWizard, WizardSlot, list_table
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.model_view import ModelHost, ModelView, name_order
from desktop_app.ui.widgets import FieldMessage

__all__ = ["CitizensView", "SetStatusDialog", "needed_for_target", "status_text"]

ACCOUNT, ACHIEVED = "account", "achieved"
SERIES = (
    (ACCOUNT, N_("With an account"), BLUE),
    (ACHIEVED, N_("Achieved"), GREEN),
)
# The list's filter: every adult, or those holding one status.
ALL = "all"
FILTERS: tuple[tuple[str, str], ...] = (
    (ALL, N_("All adults")),
    *((s.value, "") for s in CitizenStatus),  # the status's own label
)


def needed_for_target(count: HamletCount, target: float) -> int:
    """How many more adults must achieve the title for the share to reach the target."""
    return max(0, math.ceil(target * count.adults - 1e-9) - count.achieved)


def status_text(status: CitizenStatus) -> str:
    """A status as a list or a choice shows it: translated, with a capital ("Đạt")."""
    text = _(STATUS_LABELS[status])
    return text[:1].upper() + text[1:]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class HamletRow:
    """A row of the table and the chart: a hamlet ('' for no hamlet), or the commune."""

    __slots__ = ("count", "key", "name", "total")

    def __init__(self, key: str, count: HamletCount, total: bool = False) -> None:
        self.key = key
        self.name = _("Whole commune") if total else (key or _("(no hamlet)"))
        self.count = count
        self.total = total

    def rates(self) -> dict[str, float | None]:
        c = self.count
        return {ACCOUNT: _share(c.account, c.adults), ACHIEVED: _share(c.achieved, c.adults)}


def hamlet_rows(summary: CitizenSummary) -> list[HamletRow]:
    """Every hamlet by name (those of no hamlet last, when there are any), then the commune."""
    rows = [
        HamletRow(name, count)
        for name, count in sorted(
            summary.by_hamlet.items(), key=lambda nc: (nc[0] == "", name_order(nc[0]))
        )
        if name or count.adults
    ]
    commune = HamletCount(summary.adults, summary.account, summary.self_assessed, summary.achieved)
    rows.append(HamletRow("", commune, total=True))
    return rows


class CitizenHamletsModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[HamletRow] = []
        self.target = 0.0
        self.headers = [
            _("Hamlet"), _("Adults"), _("With an account"), _("Self-assessed"), _("Achieved"),
            _("Share achieved"), _("Short of the target"),
        ]  # fmt: skip

    def set_rows(self, rows: list[HamletRow], target: float) -> None:
        self.beginResetModel()
        self.rows = rows
        self.target = target
        self.endResetModel()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            if section == 6:
                return _("How many more adults must achieve the title to reach the target")
            if section == 5:
                return _("The share of the adults who achieved the title")
        return super().headerData(section, orientation, role)

    def cells(self, row: int) -> tuple[str, ...]:
        r = self.rows[row]
        c = r.count
        return (
            r.name, format_int(c.adults), format_int(c.account), format_int(c.self_assessed),
            format_int(c.achieved), rate_text(r.rates()[ACHIEVED]),
            format_int(needed_for_target(c, self.target)),
        )  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.rows[index.row()].total:
            font = QFont()
            font.setBold(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return self.cells(index.row())[index.column()]


def _day(day: dt.date | None) -> str:
    return format_date(day) if day else ""


class AdultsModel(ListModel):
    """The adults of one hamlet, filtered by status and by a search of their names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.all: list[TrackedAdult] = []
        self._folded: list[str] = []
        self.rows: list[TrackedAdult] = []
        self.status_filter = ALL
        self.search = ""
        self.headers = [
            _("Full name"), _("Birth year"), _("Status"), _("Account created on"),
            _("Self-assessed on"), _("Achieved on"), _("Notes"),
        ]  # fmt: skip

    def set_adults(self, adults: list[TrackedAdult]) -> None:
        self.all = adults
        self._folded = [fold(a.full_name) for a in adults]
        self._filter()

    def set_filter(self, status: str, search: str) -> None:
        self.status_filter = status
        self.search = fold(search)
        self._filter()

    def _filter(self) -> None:
        self.beginResetModel()
        wanted, words = self.status_filter, self.search
        self.rows = [
            a
            for a, folded in zip(self.all, self._folded, strict=True)
            if (wanted == ALL or a.record.status.value == wanted) and words in folded
        ]
        self.endResetModel()

    def row_of(self, person_id: str) -> int | None:
        for i, a in enumerate(self.rows):
            if a.person_id == person_id:
                return i
        return None

    def cells(self, row: int) -> tuple[str, ...]:
        a = self.rows[row]
        r = a.record
        return (
            a.full_name, str(a.birth_year), status_text(r.status), _day(r.account_on),
            _day(r.self_assessed_on), _day(r.achieved_on), r.notes,
        )  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return self.cells(index.row())[index.column()]


class CitizensView(ModelView):
    """The tracker of the citizen model for the year shown."""

    def __init__(self, host: ModelHost, model: str, parent: QWidget | None = None) -> None:
        super().__init__(host, model, parent)
        self.summary_data: CitizenSummary | None = None
        self.hamlet: str | None = None  # the hamlet whose adults are listed
        self.dialog: SetStatusDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.imports = WizardSlot(self.ctx, self)
        self._adults_asked = 0
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        # On top the hamlets' figures beside their chart; under them the hamlet's adults.
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter()
        self.hamlets_model = CitizenHamletsModel(self)
        self.hamlets_table = list_table(self.hamlets_model)
        self.hamlets_table.setAccessibleName(_("Hamlet by hamlet"))
        fit_columns(self.hamlets_table, {1: 60, 2: 70, 3: 70, 4: 50, 5: 60, 6: 70}, stretch=(0,))
        self.hamlets_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._hamlet_chosen()
        )
        top.addWidget(self.hamlets_table)
        self.chart = RateChart()
        self.chart.setAccessibleName(_("Công dân học tập against the target"))
        self.chart.empty_text = _("There are no adults in the registry yet.")
        self.chart_area = QScrollArea()
        self.chart_area.setWidgetResizable(True)
        self.chart_area.setWidget(self.chart)
        self.chart_area.setFrameShape(QScrollArea.Shape.NoFrame)
        top.addWidget(self.chart_area)
        top.setSizes([720, 440])
        splitter.addWidget(top)

        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        self.list_title = QLabel()
        below_layout.addWidget(self.list_title)
        filters = QHBoxLayout()
        self.filter_combo = QComboBox()
        self.filter_combo.setAccessibleName(_("Show"))
        for key, label in FILTERS:
            self.filter_combo.addItem(_(label) if label else status_text(CitizenStatus(key)), key)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self._filter())
        show_label = QLabel(_("&Show:"))
        show_label.setBuddy(self.filter_combo)
        filters.addWidget(show_label)
        filters.addWidget(self.filter_combo)
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName(_("Search by name"))
        self.search_edit.setPlaceholderText(_("Search by name…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _t: self._filter())
        filters.addWidget(self.search_edit, 1)
        below_layout.addLayout(filters)
        self.adults_model = AdultsModel(self)
        self.adults_table = list_table(self.adults_model)
        self.adults_table.setAccessibleName(_("Adults of the hamlet"))
        fit_columns(
            self.adults_table, {1: 70, 2: 120, 3: 100, 4: 100, 5: 100, 6: 140}, stretch=(0,)
        )
        self.adults_table.activated.connect(lambda _i: self.open_set_status())
        self.adults_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_buttons()
        )
        below_layout.addWidget(self.adults_table, 1)
        self.count_label = QLabel()
        below_layout.addWidget(self.count_label)
        splitter.addWidget(below)
        splitter.setSizes([280, 420])
        layout.addWidget(splitter, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.set_button = QPushButton(_("Set the &status…"))
        self.set_button.setToolTip(
            _("Where the adult chosen stands on the platform (Enter on the row does the same)")
        )
        self.set_button.clicked.connect(lambda _c=False: self.open_set_status())
        self.export_button = QPushButton(_("E&xport the list still to register…"))
        self.export_button.setToolTip(
            _("The adults with no account on the platform, in the platform's fields (xlsx)")
        )
        self.export_button.clicked.connect(lambda _c=False: self.export())
        self.sensitive_check = QCheckBox(_("with ethnicity and religion"))
        self.sensitive_check.setToolTip(
            _("Sensitive personal data: asked again before the file is written")
        )
        self.import_button = QPushButton(_("&Import the platform's lists…"))
        self.import_button.setToolTip(
            _("Statuses from the lists of the Công dân học tập platform (Excel)")
        )
        self.import_button.clicked.connect(lambda _c=False: self.open_import())
        for widget in (self.set_button, self.export_button):
            widget.setAutoDefault(False)
            buttons.addWidget(widget)
        buttons.addWidget(self.sensitive_check)
        self.import_button.setAutoDefault(False)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._update_buttons()

    # Reading ---------------------------------------------------------------------------

    def load(self) -> None:
        """The year's summary and the chosen hamlet's adults, in one read."""
        year, wanted = self.year, self.hamlet
        asked = self.ask()
        self._adults_asked += 1
        adults_asked = self._adults_asked

        def read(ws: Workspace) -> tuple[CitizenSummary, str, list[TrackedAdult]]:
            summary = ws.cdht.summary(year)
            rows = hamlet_rows(summary)
            keys = [r.key for r in rows if not r.total]
            hamlet = wanted if wanted in keys else (keys[0] if keys else "")
            return summary, hamlet, ws.cdht.adults(year, hamlet)

        def done(value: tuple[CitizenSummary, str, list[TrackedAdult]]) -> None:
            if not self.answered(asked):
                return
            summary, hamlet, adults = value
            self.show_summary(summary)
            self.hamlet = hamlet
            self._select_hamlet(hamlet)
            if adults_asked == self._adults_asked:
                self._show_adults(adults)

        self.ctx.query(read, done, parent=self)

    def show_summary(self, summary: CitizenSummary) -> None:
        self.summary_data = summary
        rows = hamlet_rows(summary)
        target = summary.target_rate
        self.hamlets_model.set_rows(rows, target)
        self.chart.set_data(
            [Series(key, _(label), color) for key, label, color in SERIES],
            [ChartRow(r.name, r.rates(), r.total) for r in rows if r.total or r.count.adults],
            target,
            _("Target"),
        )
        self.summary.setText(
            tr(
                "Công dân học tập {year}: {achieved} of {adults} adults achieved the title "
                "({rate}); {account} have an account on the platform, {self_assessed} "
                "self-assessed. The target is {target}: {needed} more adults to reach it.",
                year=summary.year, achieved=format_int(summary.achieved),
                adults=format_int(summary.adults),
                rate=rate_text(_share(summary.achieved, summary.adults)),
                account=format_int(summary.account),
                self_assessed=format_int(summary.self_assessed), target=rate_text(target),
                needed=format_int(needed_for_target(rows[-1].count, target)),
            )
        )  # fmt: skip

    def _select_hamlet(self, hamlet: str) -> None:
        for i, r in enumerate(self.hamlets_model.rows):
            if not r.total and r.key == hamlet:
                table = self.hamlets_table
                table.selectionModel().blockSignals(True)
                table.selectionModel().setCurrentIndex(
                    self.hamlets_model.index(i, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                table.selectionModel().blockSignals(False)
                table.viewport().update()
                return

    def _hamlet_chosen(self) -> None:
        rows = self.hamlets_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.hamlets_model.rows):
            return
        row = self.hamlets_model.rows[rows[0].row()]
        if row.total:
            # The commune is too large to list: its figures are in the table and the chart.
            self.message.setStyleSheet("")
            self.message.setText(_("Choose a hamlet to see its adults."))
            if self.hamlet is not None:
                self._select_hamlet(self.hamlet)
            return
        if row.key != self.hamlet:
            self.choose_hamlet(row.key)

    def choose_hamlet(self, hamlet: str) -> None:
        """List the adults of `hamlet` (its name; '' for no hamlet)."""
        self.hamlet = hamlet
        self._select_hamlet(hamlet)
        year = self.year
        self._adults_asked += 1
        asked = self._adults_asked

        def done(adults: list[TrackedAdult]) -> None:
            if asked == self._adults_asked:
                self._show_adults(adults)

        self.ctx.query(lambda ws: ws.cdht.adults(year, hamlet), done, parent=self)

    def _show_adults(self, adults: list[TrackedAdult]) -> None:
        kept = self.selected()
        self.adults_model.set_adults(adults)
        name = self.hamlet or _("(no hamlet)")
        self.list_title.setText(tr("Adults of {hamlet} in {year}", hamlet=name, year=self.year))
        self._after_filter(kept.person_id if kept else None)

    def _filter(self) -> None:
        kept = self.selected()
        self.adults_model.set_filter(
            str(self.filter_combo.currentData() or ALL), self.search_edit.text()
        )
        self._after_filter(kept.person_id if kept else None)

    def _after_filter(self, person_id: str | None) -> None:
        shown, held = len(self.adults_model.rows), len(self.adults_model.all)
        self.count_label.setText(
            tr("{shown} of {count} adults shown", shown=format_int(shown), count=format_int(held))
        )
        row = self.adults_model.row_of(person_id) if person_id else None
        if row is not None:
            index = self.adults_model.index(row, 0)
            self.adults_table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.adults_table.scrollTo(index)
        self._update_buttons()

    # Acting ----------------------------------------------------------------------------

    def selected(self) -> TrackedAdult | None:
        rows = self.adults_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.adults_model.rows):
            return None
        return self.adults_model.rows[rows[0].row()]

    def select_person(self, person_id: str) -> bool:
        row = self.adults_model.row_of(person_id)
        if row is None:
            return False
        self._after_filter(person_id)
        return True

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        self.set_button.setEnabled(writable and self.selected() is not None)
        # The export is recorded in the audit: a write.
        self.export_button.setEnabled(writable)
        self.sensitive_check.setEnabled(writable)
        self.import_button.setEnabled(writable)

    def open_set_status(self) -> SetStatusDialog | None:
        adult = self.selected()
        if adult is None:
            return None
        if self.ctx.read_only:
            errors.report_error(self, _("Set the status"), self.ctx.read_only_error())
            return None
        self.dialog = SetStatusDialog(self.ctx, adult, self)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()
        return self.dialog

    def _saved(self, name: str, status: CitizenStatus) -> None:
        self.message.setStyleSheet("")
        self.message.setText(
            tr("{name} is now “{status}”.", name=name, status=_(STATUS_LABELS[status]))
        )

    def export(self) -> QMessageBox | None:
        """The adults still to register, as xlsx; the sensitive fields after a confirmation."""
        if self.ctx.read_only:
            return None

        def done(path: object, count: int) -> None:
            self.message.setStyleSheet("")
            self.message.setText(
                tr(
                    "Wrote {path}: {count} adults still to register on the platform.",
                    path=str(path), count=format_int(count),
                )
            )  # fmt: skip

        self.confirm_box = start_cdht_export(
            self.ctx, self, include_sensitive=self.sensitive_check.isChecked(), on_done=done
        )
        return self.confirm_box

    def open_import(self) -> ImportWizard | None:
        """The import wizard on the platform's status lists."""
        return self.imports.open("cdht")


class SetStatusDialog(QDialog):
    """Where one adult stands on the platform: the status, its day, notes, and whether this
    corrects a mistake (which may set a status back or change a day). One op; a refusal is
    shown here and changes nothing."""

    def __init__(self, ctx: AppContext, adult: TrackedAdult, parent: CitizensView) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.adult = adult
        self.view = parent
        self.saved_id: str | None = None
        held = adult.record
        self.setWindowTitle(tr("Status of {name} on the platform", name=adult.full_name))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.held_label = QLabel(
            tr(
                "{name} (born {year}) is “{status}”.",
                name=adult.full_name, year=adult.birth_year, status=_(STATUS_LABELS[held.status]),
            )
        )  # fmt: skip
        self.held_label.setWordWrap(True)
        layout.addWidget(self.held_label)
        form = QFormLayout()
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("Status"))
        for status in CitizenStatus:
            self.status_combo.addItem(status_text(status), status.value)
        statuses = list(CitizenStatus)
        following = statuses[min(held.status.rank + 1, len(statuses) - 1)]
        self.status_combo.setCurrentIndex(self.status_combo.findData(following.value))
        self.status_combo.currentIndexChanged.connect(lambda _i: self._status_changed())
        form.addRow(_("&Status:"), self.status_combo)
        self.day_edit = QDateEdit(QDate.currentDate())
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.day_edit.setMaximumDate(QDate.currentDate())
        self.day_edit.setAccessibleName(_("Date"))
        form.addRow(_("&Date:"), self.day_edit)
        self.notes_edit = QLineEdit(held.notes)
        self.notes_edit.setAccessibleName(_("Notes"))
        form.addRow(_("N&otes:"), self.notes_edit)
        self.correct_check = QCheckBox(_("&Correct a mistake (set back, or change the day)"))
        form.addRow("", self.correct_check)
        layout.addLayout(form)
        self.message = FieldMessage()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Save"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._status_changed()

    def status(self) -> CitizenStatus:
        return CitizenStatus(str(self.status_combo.currentData()))

    def _status_changed(self) -> None:
        # "Not registered" has no day.
        self.day_edit.setEnabled(self.status() is not CitizenStatus.NOT_REGISTERED)

    def save(self) -> None:
        person_id, status = self.adult.person_id, self.status()
        day = self.day_edit.date().toPython()
        assert isinstance(day, dt.date)
        correct, notes = self.correct_check.isChecked(), self.notes_edit.text()
        name = self.adult.full_name
        on = None if status is CitizenStatus.NOT_REGISTERED else day

        def work(ws: Workspace) -> OpResult[str]:
            return ws.cdht.set_status(person_id, status, on, correct=correct, notes=notes)

        def done(record_id: str) -> None:
            self.saved_id = record_id
            self.view._saved(name, status)
            self.accept()

        def failed(exc: BaseException) -> None:
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Set the status"), exc)
                return
            self.message.show_messages([text])

        self.message.clear_message()
        self.ctx.op(work, done, failed, parent=self)
