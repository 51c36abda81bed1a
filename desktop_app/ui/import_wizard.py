"""The import wizard: a list kept in Excel brought in without retyping: people, members of the
Hội (into a branch), a class's attendance (into that class) or a fund's entries (into that fund).

Five steps in one dialog: what the list holds (and its class, fund or default branch) and
the file (a file imported before says so and offers to undo that import) → the sheet and its
header row, with the sheet's first rows shown → what each column holds, with its font (a
column typed in TCVN3 or VNI is flagged and its converted sample shown) → the preview:
counts, every row with its status and reason, the hamlets the centre's list lacks, what to do
with the people already held → the import (all or nothing, with progress and Cancel), then a
summary with Undo.

Everything goes through `ws.imports` off the GUI thread; the first 100 rows are planned first
(`plan(limit=100)`) so the preview appears at once, and only the full plan can be imported.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.appinfo import documents_folder
from desktop_app.core.citizen_tracker import STATUS_LABELS as CDHT_LABELS
from desktop_app.core.citizen_tracker import CitizenStatus
from desktop_app.core.fund import KIND_LABELS as ENTRY_KIND_LABELS
from desktop_app.core.legacy_text import Encoding
from desktop_app.core.problems import N_, UserError
from desktop_app.core.sheet_table import FIELDS
from desktop_app.i18n import _, format_date, format_int, format_money, tr
from desktop_app.services.courses import CourseFilter
from desktop_app.services.imports import (
    DUPLICATE,
    HEADER_SCAN,
    IGNORED,
    MATCH,
    NEW,
    PREVIEW_ROWS,
    REJECTED,
    BatchRow,
    ImportFile,
    ImportOptions,
    ImportPlan,
    ImportResult,
    PlannedRow,
    UndoResult,
    column_letter,
)
from desktop_app.services.ops import OpResult, Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns, resize_within_screen
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.preview import ask_output_path
from desktop_app.ui.widgets import ERROR_STYLE, WARNING_STYLE, confirm

log = logging.getLogger(__name__)

FILE, SHEET, MAPPING, PREVIEW, DONE = range(5)
# Rows of the sheet shown under the header chooser.
HEAD_ROWS = HEADER_SCAN
# After a change of mapping or font, the preview is planned again once typing settles.
REPLAN_DELAY_MS = 250

FILE_FILTER = "*.xlsx *.xls *.ods *.csv"

STATUS_LABELS = {
    NEW: N_("New"),
    MATCH: N_("Already in the registry"),
    DUPLICATE: N_("Duplicate in the file"),
    REJECTED: N_("Rejected"),
    IGNORED: N_("Not a record"),
}
# What the filter offers ("" for every row).
FILTERS = ("", NEW, MATCH, DUPLICATE, REJECTED)
ENCODING_LABELS = {
    Encoding.UNICODE: "Unicode",
    Encoding.TCVN3: "TCVN3 (ABC, .VnTime)",
    Encoding.VNI: "VNI (VNI-Times)",
}
ON_MATCH_LABELS = (
    ("skip", N_("Leave them as they are in the registry")),
    ("fill", N_("Fill only their empty fields from the file")),
    ("update", N_("Update them with the file's values")),
)
NO_CLASS = N_(
    "There is no class yet: create the class on the Classes page first (with its sessions, or "
    "let the import add them from the dates of the columns)."
)
NO_FUND = N_("There is no fund yet: create it on the Fund page first.")
CREATE_HAMLET = ""  # the hamlet choice "add it to the centre's list"
# What a list can hold, as the first step offers it.
KIND_LABELS = (
    ("people", N_("People (the registry of the commune)")),
    ("members", N_("Members of the Hội Khuyến học")),
    ("attendance", N_("A class: its learners and their attendance")),
    ("ledger", N_("Fund entries: receipts and payments")),
    ("cdht", N_("Statuses on the Công dân học tập platform")),
)


def status_label(status: str, kind: str = "people") -> str:
    if kind == "ledger" and status == MATCH:
        return _("Already in the fund")
    if kind == "cdht" and status == MATCH:
        return _("Already that far")
    return _(STATUS_LABELS.get(status, status))


def when_text(stamp: str) -> str:
    """An ISO time of the database (UTC) as the user reads it: local date and time."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{format_date(moment.date())} {moment:%H:%M}"


def _count(counts: Mapping[str, object], key: str) -> int:
    value = counts.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def import_summary(kind: str, counts: Mapping[str, object]) -> str:
    """What an import brought in, in the words of its kind of list (the done page, the
    history)."""
    if kind == "cdht":
        return tr(
            "{count} Công dân học tập statuses recorded: {account} accounts created, "
            "{assessed} self-assessed, {achieved} achieved",
            count=format_int(_count(counts, "statuses")),
            account=format_int(_count(counts, "account")),
            assessed=format_int(_count(counts, "self_assessed")),
            achieved=format_int(_count(counts, "achieved")),
        )
    if kind == "ledger":
        return tr(
            "{entries} fund entries recorded: receipts {receipts}, payments {payments}",
            entries=format_int(_count(counts, "entries")),
            receipts=format_money(_count(counts, "receipts_total")),
            payments=format_money(_count(counts, "payments_total")),
        )
    people = tr(
        "{created} people added, {updated} people already in the registry updated",
        created=format_int(_count(counts, "created")),
        updated=format_int(_count(counts, "updated")),
    )
    if kind == "members":
        return tr(
            "{members} members added; {people}",
            members=format_int(_count(counts, "members_created")), people=people,
        )  # fmt: skip
    if kind == "attendance":
        return tr(
            "{enrolled} learners enrolled, {ticks} attendance marks, {sessions} sessions "
            "added; {people}",
            enrolled=format_int(_count(counts, "enrolled")),
            ticks=format_int(_count(counts, "ticks")),
            sessions=format_int(_count(counts, "sessions_created")), people=people,
        )  # fmt: skip
    return people


def undo_question(kind: str) -> str:
    """What undoing an import of this kind does."""
    if kind == "ledger":
        return _(
            "Every entry the import recorded is voided (a reversal entry each, as the Void "
            "command does): the fund's balance is as before the import."
        )
    if kind == "cdht":
        return _(
            "The Công dân học tập statuses it added are removed, and those it moved forward "
            "get their values back."
        )
    if kind == "attendance":
        return _(
            "The attendance marks and enrolments it added are removed, the people it added "
            "are removed and the fields it changed get their values back."
        )
    return _("The people it added are removed and the fields it changed get their values back.")


def cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return format_date(cell.date()) if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return format_date(cell)
    return str(cell)


def row_name(r: PlannedRow) -> str:
    if r.fields is not None:
        return r.fields.full_name
    if r.person is not None and r.person.full_name:
        return r.person.full_name
    parts = (r.cells.get(k, "") for k in ("family_name", "middle_name", "given_name"))
    return r.cells.get("full_name") or " ".join(p for p in parts if p)


def row_details(r: PlannedRow) -> str:
    """Why a row is rejected, whom it matches, which row it repeats; for a fund entry, what
    it will be recorded as."""
    warnings = [tr(p.message, **p.params) for p in r.problems if p.warning]
    if r.status == REJECTED:
        return "; ".join(tr(p.message, **p.params) for p in r.problems)
    if r.cdht_status:  # a status list of the Công dân học tập platform
        return _cdht_details(r, warnings)
    if r.status == MATCH:
        if r.person is None:  # a fund entry the fund holds already
            return tr("Already in the fund as {voucher}: not recorded again", voucher=r.match_name)
        if r.match_certain:
            return tr("{name}: the same CCCD", name=r.match_name)
        return tr(
            "{name}: the same name and birth, check that it is the same person",
            name=r.match_name,
        )
    if r.status == DUPLICATE and r.duplicate_of is not None:
        if r.person is None:
            return tr("The same entry as row {row}", row=r.duplicate_of)
        return tr("The same person as row {row}", row=r.duplicate_of)
    if r.status == IGNORED:
        return _("A title, a total or the signature: not imported")
    if r.entry is not None:
        text = tr(
            "{kind}: {reason}", kind=_(ENTRY_KIND_LABELS[r.entry.kind]), reason=r.entry.reason
        )
        return "; ".join([text, *warnings])
    return "; ".join(warnings)


def _cdht_details(r: PlannedRow, warnings: Sequence[str]) -> str:
    if r.status == DUPLICATE and r.duplicate_of is not None:
        return tr("The same person as row {row}", row=r.duplicate_of)
    if r.status == MATCH:
        return "; ".join(warnings)
    status = _(CDHT_LABELS[CitizenStatus(r.cdht_status)])
    return tr("{name}: {status}", name=r.match_name, status=status) if r.match_name else status


def _cdht_status(r: PlannedRow) -> str:
    return _(CDHT_LABELS[CitizenStatus(r.cdht_status)]) if r.cdht_status else ""


# The preview's rows ------------------------------------------------------------------------


def _birth(r: PlannedRow) -> str:
    return r.cells.get("birth") or r.cells.get("birth_year", "")


def _amount(r: PlannedRow) -> str:
    if r.entry is not None:
        return format_int(r.entry.amount)
    for key in ("amount", "amount_in", "amount_out"):
        if r.cells.get(key):
            return r.cells[key]
    return ""


def _present(r: PlannedRow) -> str:
    return format_int(len(r.present)) if r.person is not None else ""


RowColumn = tuple[str, Callable[[PlannedRow], str], int]  # header msgid, text, width (0: stretch)
_ROW = (N_("Row"), lambda r: str(r.row), 50)
_STATUS = (N_("Status"), lambda r: "", 150)  # filled by the model (it marks an unsure match)
_DETAILS = (N_("Details"), row_details, 0)
# The columns of the preview, per kind of list.
ROW_COLUMNS: dict[str, tuple[RowColumn, ...]] = {
    "people": (
        _ROW,
        _STATUS,
        (N_("Full name"), row_name, 0),
        (N_("Birth"), _birth, 90),
        (N_("CCCD"), lambda r: r.cells.get("cccd", ""), 110),
        (N_("Hamlet"), lambda r: r.cells.get("hamlet", ""), 110),
        _DETAILS,
    ),
    "members": (
        _ROW,
        _STATUS,
        (N_("Full name"), row_name, 0),
        (N_("Birth"), _birth, 90),
        (N_("Member number"), lambda r: r.member_number or r.card_number, 90),
        (N_("Branch (chi hội)"), lambda r: r.branch_name, 130),
        _DETAILS,
    ),
    "attendance": (
        _ROW,
        _STATUS,
        (N_("Full name"), row_name, 0),
        (N_("Birth"), _birth, 90),
        (N_("Hamlet"), lambda r: r.cells.get("hamlet", ""), 110),
        (N_("Sessions present"), _present, 110),
        _DETAILS,
    ),
    "ledger": (
        _ROW,
        _STATUS,
        (N_("Date"), lambda r: r.cells.get("date", ""), 90),
        (N_("Voucher in the file"), lambda r: r.voucher or r.cells.get("voucher", ""), 110),
        (N_("Payer or receiver"), lambda r: r.cells.get("payer", ""), 110),
        (N_("Amount"), _amount, 120),
        _DETAILS,
    ),
    "cdht": (
        _ROW,
        _STATUS,
        (N_("Full name"), lambda r: r.match_name or r.cells.get("full_name", ""), 0),
        (N_("Birth"), _birth, 90),
        (N_("CCCD"), lambda r: r.cells.get("cccd", ""), 110),
        (N_("Status on the platform"), _cdht_status, 130),
        _DETAILS,
    ),
}
R_ROW, R_STATUS = 0, 1


class PlanRowsModel(ListModel):
    """The rows of a plan, filtered by status, in the columns of its kind of list."""

    def __init__(self, parent: QWidget | None = None, kind: str = "people") -> None:
        super().__init__(parent)
        self.all_rows: list[PlannedRow] = []
        self.rows: list[PlannedRow] = []
        self.status = ""
        self.kind = kind
        self.columns = ROW_COLUMNS["people"]
        self.headers: list[str] = []
        self.set_kind(kind)

    def set_kind(self, kind: str) -> None:
        self.beginResetModel()
        self.kind = kind
        self.columns = ROW_COLUMNS[kind]
        self.headers = [_(c[0]) for c in self.columns]
        self.endResetModel()

    def set_plan_rows(self, rows: Sequence[PlannedRow]) -> None:
        self.beginResetModel()
        self.all_rows = list(rows)
        self._filter()
        self.endResetModel()

    def set_status(self, status: str) -> None:
        self.beginResetModel()
        self.status = status
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        self.rows = [r for r in self.all_rows if not self.status or r.status == self.status]

    def row_at(self, row: int) -> PlannedRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == R_STATUS:
                text = status_label(r.status, self.kind)
                if r.status == MATCH and not r.match_certain:
                    text += " (?)"
                return text
            return self.columns[column][1](r)
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status == REJECTED:
                return QBrush(QColor("#b00020"))
            if r.status in (DUPLICATE, IGNORED) or (r.status == MATCH and not r.match_certain):
                return QBrush(QColor("#8a5a00"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == R_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


@dataclass
class _Choices:
    """What the user chose so far; what the next plan is asked with."""

    sheet: str = ""
    header_row: int | None = None  # None: the header the service finds
    mapping: dict[str, str] | None = None  # None: the service's guess (or the saved one)
    encodings: dict[str, Encoding] | None = None


def list_table(model: ListModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    return table


def _message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ImportWizard(QDialog):
    """Import a list from a spreadsheet, step by step."""

    # An import was applied (its id) / undone (its id): the pages refresh by subscription.
    imported = Signal(str)
    undone = Signal(str)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, kind: str = "people",
        target_id: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        # The class (attendance), the fund (ledger) or the branch (members) the page that
        # opened the wizard shows: chosen at first.
        self.target_id = target_id
        self.path: Path | None = None
        self.opened: ImportFile | None = None
        self.head_rows: list[list[Any]] = []
        self.choices = _Choices()
        self.preview: ImportPlan | None = None  # the first rows, or the whole plan
        self.plan: ImportPlan | None = None  # the whole file, checked
        self.hamlet_names: list[str] = []
        self.hamlet_combos: dict[str, QComboBox] = {}
        self.hamlets: list[tuple[str, str]] = []  # (id, name) of the centre's list
        self.import_result: ImportResult | None = None
        self.undo_result: UndoResult | None = None
        self.saved_rejects: Path | None = None
        self._generation = 0  # plans asked for; an answer to an older question is dropped
        self._building = False  # the mapping table is being filled: no re-plan

        self.setWindowTitle(_("Import a list from Excel"))
        resize_within_screen(self, 1040, 660)
        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        font = self.step_label.font()
        font.setBold(True)
        self.step_label.setFont(font)
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._sheet_page())
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._done_page())

        self.buttons = QDialogButtonBox()
        self.back_button = self.buttons.addButton(
            _("< &Back"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.next_button = self.buttons.addButton(
            _("&Next >"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button = self.buttons.addButton(
            _("&Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.back_button, self.next_button, self.import_button):
            button.setAutoDefault(False)
        self.back_button.clicked.connect(lambda _c=False: self.back())
        self.next_button.clicked.connect(lambda _c=False: self.next())
        self.import_button.clicked.connect(lambda _c=False: self.start_import())
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

        self._replan_timer = QTimer(self)
        self._replan_timer.setSingleShot(True)
        self._replan_timer.setInterval(REPLAN_DELAY_MS)
        self._replan_timer.timeout.connect(self.replan_preview)
        self._fill_targets()
        self._show_kind()
        self.go(FILE)

    # The pages -----------------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            _(
                "Choose the spreadsheet (Excel, LibreOffice or CSV) that holds the list. "
                "Nothing is saved until you press Import at the end; an import can be undone "
                "as a whole."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(_("The list holds"))
        for key, label in KIND_LABELS:
            self.kind_combo.addItem(_(label), key)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(self.kind), 0))
        self.kind_combo.activated.connect(lambda _i: self.kind_chosen())
        form.addRow(_("The list &holds:"), self.kind_combo)
        self.course_combo = QComboBox()
        self.course_combo.setAccessibleName(_("Class"))
        self.course_combo.activated.connect(lambda _i: self.target_chosen())
        form.addRow(_("&Class:"), self.course_combo)
        self.fund_combo = QComboBox()
        self.fund_combo.setAccessibleName(_("Fund"))
        self.fund_combo.activated.connect(lambda _i: self.target_chosen())
        form.addRow(_("F&und:"), self.fund_combo)
        self.branch_combo = QComboBox()
        self.branch_combo.setAccessibleName(_("Branch of the rows that name none"))
        self.branch_combo.activated.connect(lambda _i: self.target_chosen())
        form.addRow(_("&Branch of the rows that name none:"), self.branch_combo)
        self.joined_edit = QDateEdit(QDate.currentDate())
        self.joined_edit.setCalendarPopup(True)
        self.joined_edit.setDisplayFormat("dd/MM/yyyy")
        self.joined_edit.setMaximumDate(QDate.currentDate())
        self.joined_edit.setAccessibleName(_("Day joined of the rows that give none"))
        self.joined_edit.dateChanged.connect(lambda _d: self.target_chosen())
        form.addRow(_("Day &joined of the rows that give none:"), self.joined_edit)
        self.kind_form = form
        layout.addLayout(form)
        self.target_message = _message_label()
        self.target_message.setStyleSheet(WARNING_STYLE)
        layout.addWidget(self.target_message)
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setAccessibleName(_("File"))
        row.addWidget(self.file_edit, 1)
        self.choose_button = QPushButton(_("&Choose the file…"))
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(lambda _c=False: self.choose_file())
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        self.file_message = _message_label()
        layout.addWidget(self.file_message)
        self.undo_earlier_button = QPushButton(_("&Undo that import…"))
        self.undo_earlier_button.setAutoDefault(False)
        self.undo_earlier_button.clicked.connect(lambda _c=False: self.ask_undo_earlier())
        self.undo_earlier_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_earlier_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _sheet_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName(_("Sheet"))
        self.sheet_combo.activated.connect(lambda _i: self.sheet_chosen())
        form.addRow(_("&Sheet:"), self.sheet_combo)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, HEAD_ROWS)
        self.header_spin.setAccessibleName(_("Header row"))
        self.header_spin.valueChanged.connect(lambda _v: self.header_chosen())
        form.addRow(_("&Header row (column titles):"), self.header_spin)
        layout.addLayout(form)
        note = QLabel(
            _(
                "The first rows of the sheet: the header row is shown in bold, the rows under "
                "it are the list. Change the number if the app found the wrong row."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.head_table = QTableWidget()
        self.head_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.head_table.setWordWrap(False)
        self.head_table.setTabKeyNavigation(False)
        self.head_table.setAccessibleName(_("The first rows of the sheet"))
        self.head_table.horizontalHeader().setDefaultSectionSize(130)
        self.head_table.cellClicked.connect(lambda row, _col: self.header_spin.setValue(row + 1))
        layout.addWidget(self.head_table, 1)
        self.sheet_message = _message_label()
        layout.addWidget(self.sheet_message)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            _(
                "What each column holds. Check the guesses; choose “(not imported)” for a "
                "column to leave out. A column typed in an old font (TCVN3 or VNI) is shown "
                "with what its text becomes in Unicode."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.legacy_label = _message_label()
        self.legacy_label.setStyleSheet(WARNING_STYLE)
        layout.addWidget(self.legacy_label)
        self.mapping_table = QTableWidget(0, 5)
        self.mapping_table.setHorizontalHeaderLabels(
            [_("Column"), _("Header in the file"), _("Imported as"), _("Font"), _("Sample")]
        )
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setWordWrap(False)
        self.mapping_table.setTabKeyNavigation(False)
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setAccessibleName(_("Columns"))
        header = self.mapping_table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((0, 70), (1, 220), (2, 220), (3, 190)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.mapping_table.setColumnWidth(column, width)
        layout.addWidget(self.mapping_table, 1)
        self.mapping_message = _message_label()
        self.mapping_message.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.mapping_message)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.rows_model = PlanRowsModel(self, self.kind)
        layout = QVBoxLayout(page)
        self.counts_label = _message_label()
        font = self.counts_label.font()
        font.setBold(True)
        self.counts_label.setFont(font)
        layout.addWidget(self.counts_label)
        self.preview_note = _message_label()
        layout.addWidget(self.preview_note)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Show:")))
        self.filter_combo = QComboBox()
        self.filter_combo.setAccessibleName(_("Show"))
        self._fill_filters()
        self.filter_combo.currentIndexChanged.connect(
            lambda _i: self.rows_model.set_status(str(self.filter_combo.currentData()))
        )
        filters.addWidget(self.filter_combo)
        filters.addStretch(1)
        self.save_rejects_button = QPushButton(_("Save the &rejected rows…"))
        self.save_rejects_button.setToolTip(
            _("An Excel file of the rejected rows with the reason of each, to fix and import")
        )
        self.save_rejects_button.setAutoDefault(False)
        self.save_rejects_button.clicked.connect(lambda _c=False: self.choose_rejects_file())
        filters.addWidget(self.save_rejects_button)
        layout.addLayout(filters)

        self.rows_table = list_table(self.rows_model)
        self.rows_table.setAccessibleName(_("Rows of the file"))
        self._fit_rows()
        layout.addWidget(self.rows_table, 1)
        # The chosen row's details in full: a reason is often longer than its column.
        self.row_detail = _message_label()
        layout.addWidget(self.row_detail)
        self.rows_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_row_detail(current.row())
        )
        self.rows_model.modelReset.connect(lambda: self.row_detail.setText(""))
        # Under the rows: the hamlets to map, what to do with the people held.
        choices = QHBoxLayout()
        self.hamlet_box = QGroupBox(_("Hamlets not in the centre's list"))
        hamlet_layout = QVBoxLayout(self.hamlet_box)
        hamlet_layout.setContentsMargins(4, 4, 4, 4)
        hamlet_widget = QWidget()
        self.hamlet_form = QFormLayout(hamlet_widget)
        hamlet_scroll = QScrollArea()
        hamlet_scroll.setWidget(hamlet_widget)
        hamlet_scroll.setWidgetResizable(True)
        hamlet_scroll.setMaximumHeight(110)
        hamlet_layout.addWidget(hamlet_scroll)
        choices.addWidget(self.hamlet_box, 1)
        match_box = QGroupBox(_("People already in the registry"))
        self.match_box = match_box
        match_layout = QVBoxLayout(match_box)
        self.on_match_combo = QComboBox()
        self.on_match_combo.setAccessibleName(_("People already in the registry"))
        for key, label in ON_MATCH_LABELS:
            self.on_match_combo.addItem(_(label), key)
        match_layout.addWidget(self.on_match_combo)
        self.skip_rejected_check = QCheckBox(_("Import the other rows, leave the rejected out"))
        self.skip_rejected_check.toggled.connect(lambda _c: self._update_buttons())
        match_layout.addWidget(self.skip_rejected_check)
        match_layout.addStretch(1)
        choices.addWidget(match_box, 1)
        layout.addLayout(choices)
        self.preview_message = _message_label()
        layout.addWidget(self.preview_message)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.done_label = _message_label()
        font = self.done_label.font()
        font.setBold(True)
        self.done_label.setFont(font)
        layout.addWidget(self.done_label)
        self.done_details = _message_label()
        layout.addWidget(self.done_details)
        self.undo_button = QPushButton(_("&Undo this import…"))
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(lambda _c=False: self.ask_undo())
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.done_message = _message_label()
        layout.addWidget(self.done_message)
        layout.addStretch(1)
        return page

    # Moving between steps ------------------------------------------------------------------

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        titles = {
            FILE: _("Step 1 of 5: the file"),
            SHEET: _("Step 2 of 5: the sheet and its header row"),
            MAPPING: _("Step 3 of 5: the columns"),
            PREVIEW: _("Step 4 of 5: check before importing"),
            DONE: _("Step 5 of 5: done"),
        }
        self.step_label.setText(titles[step])
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.step
        done = step == DONE
        self.back_button.setVisible(not done)
        self.back_button.setEnabled(step > FILE)
        self.next_button.setVisible(step < PREVIEW)
        ready = {
            FILE: self.opened is not None and self.opened.already is None,
            SHEET: bool(self.choices.sheet),
            MAPPING: self.preview is not None and not self.mapping_message.text(),
        }
        self.next_button.setEnabled(ready.get(step, False))
        self.import_button.setVisible(step == PREVIEW)
        self.import_button.setEnabled(self.can_import())
        self.close_button.setText(_("Close") if done else _("Cancel"))
        if step == PREVIEW and self.plan is not None:
            rejected = self.plan.count(REJECTED)
            self.skip_rejected_check.setVisible(rejected > 0)
            self.save_rejects_button.setEnabled(rejected > 0)

    def can_import(self) -> bool:
        plan = self.plan
        if plan is None or not plan.complete or self.ctx.read_only or self.step != PREVIEW:
            return False
        if plan.count(REJECTED) and not self.skip_rejected_check.isChecked():
            return False
        return plan.count(NEW) + plan.count(MATCH) > 0

    def back(self) -> None:
        if self.step > FILE and self.step != DONE:
            self._generation += 1  # an answer still on its way is no longer wanted
            self.go(self.step - 1)

    def next(self) -> None:
        if not self.next_button.isEnabled():
            return
        if self.step == FILE:
            self.go(SHEET)
        elif self.step == SHEET:
            self.plan_preview(then=MAPPING)
        elif self.step == MAPPING:
            self.show_preview()

    # Step 1: what the list holds, and the file ----------------------------------------------

    def _fill_targets(self) -> None:
        """The classes, funds and branches the import can write to."""
        reader = self.ctx.reader
        try:
            courses = reader.courses.find(CourseFilter())
            funds = reader.fund.funds()
            branches = reader.members.branches()
        except UserError:
            courses, funds, branches = [], [], []
        self.course_combo.clear()
        for c in courses:
            when = f" ({format_date(c.start)})" if c.start else ""
            self.course_combo.addItem(f"{c.title}{when}", c.id)
        self.fund_combo.clear()
        for f in funds:
            self.fund_combo.addItem(f.name, f.id)
        self.branch_combo.clear()
        self.branch_combo.addItem(_("(none: such rows are rejected)"), "")
        for b in branches:
            self.branch_combo.addItem(b.name, b.id)
        for combo in (self.course_combo, self.fund_combo, self.branch_combo):
            index = combo.findData(self.target_id) if self.target_id else -1
            if index >= 0:
                combo.setCurrentIndex(index)

    def _show_kind(self) -> None:
        """The choices the kind of list needs, and whether it can be imported at all."""
        kind = self.kind
        form = self.kind_form
        for widget, kinds in (
            (self.course_combo, ("attendance",)),
            (self.fund_combo, ("ledger",)),
            (self.branch_combo, ("members",)),
            (self.joined_edit, ("members",)),
        ):
            form.setRowVisible(widget, kind in kinds)
        missing = ""
        if kind == "attendance" and not self.course_combo.count():
            missing = _(NO_CLASS)
        elif kind == "ledger" and not self.fund_combo.count():
            missing = _(NO_FUND)
        self.target_message.setText(missing)
        self.target_message.setVisible(bool(missing))
        self.choose_button.setEnabled(not missing)
        self.rows_model.set_kind(kind)
        self._fit_rows()
        self._fill_filters()
        self.match_box.setVisible(kind != "ledger")
        # A status list changes no one's details: only whether to leave the unmatched out.
        self.on_match_combo.setVisible(kind != "cdht")
        self.match_box.setTitle(
            _("Rows not matched to anyone")
            if kind == "cdht"
            else _("People already in the registry")
        )
        self.setWindowTitle(tr("Import from Excel: {kind}", kind=_(dict(KIND_LABELS)[kind])))

    def _show_row_detail(self, row: int) -> None:
        r = self.rows_model.row_at(row)
        text = row_details(r) if r is not None else ""
        self.row_detail.setText(
            tr("Row {row}: {reason}", row=r.row, reason=text) if r and text else ""
        )

    def _fill_filters(self) -> None:
        chosen = self.filter_combo.currentData()
        self.filter_combo.clear()
        for status in FILTERS:
            self.filter_combo.addItem(
                status_label(status, self.kind) if status else _("All rows"), status
            )
        self.filter_combo.setCurrentIndex(max(self.filter_combo.findData(chosen), 0))

    def _fit_rows(self) -> None:
        columns = ROW_COLUMNS[self.kind]
        fit_columns(
            self.rows_table,
            {i: c[2] for i, c in enumerate(columns) if c[2]},
            stretch=tuple(i for i, c in enumerate(columns) if not c[2]),
        )

    def kind_chosen(self) -> None:
        kind = str(self.kind_combo.currentData() or "people")
        if kind == self.kind:
            return
        self.kind = kind
        self._show_kind()
        self._reopen()

    def target_chosen(self) -> None:
        """Another class, fund, branch or day joined: the rows are checked again with it."""
        self._reopen()

    def _reopen(self) -> None:
        self._generation += 1  # an answer for the choices before is not wanted
        if self.path is not None and self.choose_button.isEnabled():
            self.open_path(self.path)
        else:
            self.opened = None
            self.preview = self.plan = None
            self._update_buttons()

    def target(self) -> str | None:
        combo = {"attendance": self.course_combo, "ledger": self.fund_combo}.get(self.kind)
        if combo is None:
            return None
        return str(combo.currentData()) if combo.currentData() else None

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the list to import"),
            str(documents_folder()),
            tr("Spreadsheets ({patterns})", patterns=FILE_FILTER),
        )
        if name:
            self.open_path(Path(name))

    def open_path(self, path: Path) -> None:
        """Open the file: its sheets, the first rows of the default one, the quick preview."""
        self.path = path
        self.file_edit.setText(str(path))
        self.opened = None
        self.preview = self.plan = None
        self.choices = _Choices()
        self.file_message.setText(_("Reading the file…"))
        self.file_message.setStyleSheet("")
        self.undo_earlier_button.hide()
        self._update_buttons()
        kind = self.kind
        options = self._options()
        self._generation += 1
        generation = self._generation

        def work(ws: Workspace, _progress: Progress) -> tuple[ImportFile, list[Any], Any]:
            opened = ws.imports.open_file(path, kind)
            sheet = opened.default_sheet or (opened.sheets[0].name if opened.sheets else "")
            head = ws.imports.head_rows(path, sheet) if sheet else []
            preview: ImportPlan | UserError | None = None
            if opened.already is None and sheet:
                try:
                    preview = ws.imports.plan(
                        path, kind, sheet=sheet, limit=PREVIEW_ROWS, opened=opened,
                        options=options,
                    )  # fmt: skip
                except UserError as exc:
                    preview = exc
            return opened, head, preview

        def done(value: tuple[ImportFile, list[Any], Any]) -> None:
            if generation != self._generation:
                return
            opened, head, preview = value
            self.opened = opened
            sheet = opened.default_sheet or (opened.sheets[0].name if opened.sheets else "")
            self.choices = _Choices(sheet=sheet)
            self.head_rows = head
            self._fill_sheets()
            if isinstance(preview, ImportPlan):
                self.preview = preview
            self._show_file_state()
            if opened.already is None:
                self.go(SHEET)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Import"), exc)
                text = _("The file could not be read.")
            self.file_message.setText(text)
            self.file_message.setStyleSheet(ERROR_STYLE)
            self._update_buttons()

        self.ctx.task(self, _("Reading the file…"), work, done, failed, write=False)

    def _show_file_state(self) -> None:
        opened = self.opened
        if opened is None:
            return
        batch = opened.already
        if batch is not None:
            self.file_message.setText(
                tr(
                    "This file was imported already, on {when} (import {id}: {summary}): "
                    "importing it again would bring it in twice. If that import was wrong, "
                    "undo it first.",
                    when=when_text(batch.imported_at),
                    id=batch.id,
                    summary=import_summary(batch.kind, batch.counts),
                )
            )
            self.file_message.setStyleSheet(WARNING_STYLE)
            self.undo_earlier_button.setVisible(True)
            self.undo_earlier_button.setEnabled(not self.ctx.read_only)
        else:
            names = ", ".join(s.name for s in opened.sheets)
            self.file_message.setText(tr("Sheets: {names}.", names=names))
            self.file_message.setStyleSheet("")
            self.undo_earlier_button.hide()
        self._update_buttons()

    def ask_undo_earlier(self) -> None:
        batch = self.opened.already if self.opened is not None else None
        if batch is None:
            return
        self.confirm_box = confirm_undo(self, batch, lambda: self.undo(batch.id, reopen=True))

    # Step 2: the sheet and its header -------------------------------------------------------

    def _fill_sheets(self) -> None:
        opened = self.opened
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        if opened is not None:
            for s in opened.sheets:
                text = s.name
                if s.header_row is None:
                    text = tr("{sheet} (no header found)", sheet=s.name)
                elif not s.visible:
                    text = tr("{sheet} (hidden)", sheet=s.name)
                self.sheet_combo.addItem(text, s.name)
            index = self.sheet_combo.findData(self.choices.sheet)
            self.sheet_combo.setCurrentIndex(max(index, 0))
        self.sheet_combo.blockSignals(False)
        self._fill_head()

    def _found_header(self, sheet: str) -> int | None:
        if self.opened is None:
            return None
        return next((s.header_row for s in self.opened.sheets if s.name == sheet), None)

    def _fill_head(self) -> None:
        rows = self.head_rows
        width = max((len(r) for r in rows), default=0)
        self.head_table.clear()
        self.head_table.setRowCount(len(rows))
        self.head_table.setColumnCount(width)
        self.head_table.setHorizontalHeaderLabels([column_letter(i) for i in range(width)])
        self.head_table.setVerticalHeaderLabels([str(i + 1) for i in range(len(rows))])
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell is not None:
                    self.head_table.setItem(r, c, QTableWidgetItem(cell_text(cell)))
        header = self.choices.header_row or self._found_header(self.choices.sheet)
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(1, max(len(rows), 1))
        self.header_spin.setValue(header or 1)
        self.header_spin.blockSignals(False)
        self._mark_header()
        if header is None and self.choices.sheet:
            self.sheet_message.setText(
                _(
                    "No header row was recognised in this sheet: choose the row that holds "
                    "the column titles, or another sheet."
                )
            )
            self.sheet_message.setStyleSheet(WARNING_STYLE)
        else:
            self.sheet_message.setText("")

    def _mark_header(self) -> None:
        chosen = self.header_spin.value() - 1
        bold = QFont(self.head_table.font())
        bold.setBold(True)
        for r in range(self.head_table.rowCount()):
            for c in range(self.head_table.columnCount()):
                item = self.head_table.item(r, c)
                if item is not None:
                    item.setFont(bold if r == chosen else self.head_table.font())
                    item.setBackground(QBrush(QColor("#fff2c2")) if r == chosen else QBrush())
        if 0 <= chosen < self.head_table.rowCount():
            self.head_table.scrollToItem(self.head_table.item(chosen, 0) or QTableWidgetItem())

    def sheet_chosen(self) -> None:
        sheet = str(self.sheet_combo.currentData() or "")
        if not sheet or sheet == self.choices.sheet or self.path is None:
            return
        self.choices = _Choices(sheet=sheet)
        self.preview = self.plan = None
        path = self.path
        self._generation += 1
        generation = self._generation

        def done(rows: list[Any]) -> None:
            if generation == self._generation:
                self.head_rows = rows
                self._fill_head()
                self._update_buttons()

        self.ctx.task(
            self,
            _("Reading the sheet…"),
            lambda ws, _p: ws.imports.head_rows(path, sheet),
            done,
            self._sheet_failed,
            write=False,
        )

    def _sheet_failed(self, exc: BaseException) -> None:
        text = errors.error_text(exc)
        if text is None:
            errors.report_error(self, _("Import"), exc)
            return
        self.sheet_message.setText(text)
        self.sheet_message.setStyleSheet(ERROR_STYLE)
        self._update_buttons()

    def header_chosen(self) -> None:
        value = self.header_spin.value()
        found = self._found_header(self.choices.sheet)
        header = None if value == found else value
        if header != self.choices.header_row:
            # Another header row: other columns, so the mapping is guessed again.
            self.choices.header_row = header
            self.choices.mapping = None
            self.choices.encodings = None
            self.preview = self.plan = None
        self._mark_header()

    # Step 3: the mapping -------------------------------------------------------------------

    def plan_preview(self, then: int | None = None) -> None:
        """Plan the first rows with the choices made (fast), then show the mapping."""
        if then is not None and self.preview is not None:
            self._show_mapping()
            self.go(then)
            return
        self._run_plan(limit=PREVIEW_ROWS, then=then)

    def replan_preview(self) -> None:
        self._run_plan(limit=PREVIEW_ROWS, then=None)

    def _options(self) -> ImportOptions:
        hamlet_map = {
            name: str(combo.currentData())
            for name, combo in self.hamlet_combos.items()
            if combo.currentData()
        }
        members = self.kind == "members"
        joined = self.joined_edit.date().toPython()
        return ImportOptions(
            on_match=str(self.on_match_combo.currentData() or "skip"),
            # A hamlet not mapped to one of the list is added to it (the choice shown).
            create_hamlets=True,
            hamlet_map=hamlet_map,
            skip_rejected=self.skip_rejected_check.isChecked(),
            branch_id=(str(self.branch_combo.currentData() or "") or None) if members else None,
            joined_on=joined if members and isinstance(joined, dt.date) else None,
            course_id=self.target() if self.kind == "attendance" else None,
            fund_id=self.target() if self.kind == "ledger" else None,
        )

    def _run_plan(self, *, limit: int | None, then: int | None) -> None:
        if self.path is None or self.opened is None:
            return
        path, opened, kind = self.path, self.opened, self.kind
        choices = _Choices(
            self.choices.sheet,
            self.choices.header_row,
            dict(self.choices.mapping) if self.choices.mapping is not None else None,
            dict(self.choices.encodings) if self.choices.encodings is not None else None,
        )
        options = self._options()
        self._generation += 1
        generation = self._generation

        def work(ws: Workspace, progress: Progress) -> ImportPlan:
            return ws.imports.plan(
                path, kind, sheet=choices.sheet, header_row=choices.header_row,
                mapping=choices.mapping, encodings=choices.encodings, options=options,
                limit=limit, progress=progress, opened=opened,
            )  # fmt: skip

        def done(plan: ImportPlan) -> None:
            if generation != self._generation:
                return
            if limit is None:
                self.plan = plan
                self._show_plan(plan)
                return
            self.preview = plan
            self.mapping_message.setText("")
            self._show_mapping()
            if then is not None:
                self.go(then)
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Import"), exc)
                return
            target = {SHEET: self.sheet_message, MAPPING: self.mapping_message}.get(
                self.step, self.preview_message
            )
            target.setText(text)
            target.setStyleSheet(ERROR_STYLE)
            self._update_buttons()

        def cancelled() -> None:
            if generation == self._generation:
                self.preview_message.setText(
                    _("The check of the whole file was stopped: nothing can be imported yet.")
                )

        title = _("Checking the whole file…") if limit is None else _("Reading the first rows…")
        self.ctx.task(self, title, work, done, failed, write=False, on_cancelled=cancelled)

    def _show_mapping(self) -> None:
        plan = self.preview
        if plan is None:
            return
        labels = [("", _("(not imported)"))] + [(f.key, _(f.label)) for f in FIELDS[self.kind]]
        self._building = True
        table = self.mapping_table
        table.setRowCount(len(plan.columns))
        legacy = []
        for row, column in enumerate(plan.columns):
            letter = QTableWidgetItem(column.letter)
            letter.setData(Qt.ItemDataRole.UserRole, column.letter)
            header = QTableWidgetItem(column.header)
            table.setItem(row, 0, letter)
            table.setItem(row, 1, header)
            field_combo = QComboBox()
            field_combo.setAccessibleName(tr("Column {letter}", letter=column.letter))
            for key, label in labels:
                field_combo.addItem(label, key)
            field_combo.setCurrentIndex(max(field_combo.findData(column.field or ""), 0))
            field_combo.currentIndexChanged.connect(lambda _i: self.mapping_edited())
            table.setCellWidget(row, 2, field_combo)
            font_combo = QComboBox()
            font_combo.setAccessibleName(tr("Font of column {letter}", letter=column.letter))
            for encoding, label in ENCODING_LABELS.items():
                font_combo.addItem(label, encoding.value)
            font_combo.setCurrentIndex(max(font_combo.findData(column.encoding.value), 0))
            font_combo.currentIndexChanged.connect(lambda _i: self.mapping_edited())
            table.setCellWidget(row, 3, font_combo)
            sample = "; ".join(f"{before} → {after}" for before, after in column.sample[:3])
            if column.encoding != Encoding.UNICODE:
                legacy.append(f"{column.letter} ({ENCODING_LABELS[column.encoding]})")
                sample = tr("Converted: {sample}", sample=sample) if sample else ""
                for item in (letter, header):
                    item.setBackground(QBrush(QColor("#fff2c2")))
                    item.setToolTip(_("Typed in an old font: converted to Unicode"))
            item = QTableWidgetItem(sample)
            item.setToolTip(sample)
            table.setItem(row, 4, item)
        self._building = False
        if legacy:
            self.legacy_label.setText(
                tr(
                    "Typed in an old font, converted to Unicode on import: column {columns}. "
                    "Check the samples; if one reads wrong, choose another font.",
                    columns=", ".join(legacy),
                )
            )
            self.legacy_label.show()
        else:
            self.legacy_label.setText("")
            self.legacy_label.hide()

    def current_mapping(self) -> tuple[dict[str, str], dict[str, Encoding]]:
        mapping: dict[str, str] = {}
        encodings: dict[str, Encoding] = {}
        table = self.mapping_table
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            field_combo = table.cellWidget(row, 2)
            font_combo = table.cellWidget(row, 3)
            if item is None or not isinstance(field_combo, QComboBox):
                continue
            letter = str(item.data(Qt.ItemDataRole.UserRole))
            mapping[letter] = str(field_combo.currentData() or "")
            if isinstance(font_combo, QComboBox):
                encodings[letter] = Encoding(str(font_combo.currentData()))
        return mapping, encodings

    def mapping_edited(self) -> None:
        if self._building:
            return
        self.choices.mapping, self.choices.encodings = self.current_mapping()
        self.plan = None
        self._generation += 1  # the preview shown is out of date
        self._replan_timer.start()

    def field_combo(self, letter: str) -> QComboBox:
        return self._cell_combo(letter, 2)

    def font_combo(self, letter: str) -> QComboBox:
        return self._cell_combo(letter, 3)

    def _cell_combo(self, letter: str, column: int) -> QComboBox:
        for row in range(self.mapping_table.rowCount()):
            item = self.mapping_table.item(row, 0)
            if item is not None and item.text() == letter:
                combo = self.mapping_table.cellWidget(row, column)
                assert isinstance(combo, QComboBox)
                return combo
        raise KeyError(letter)

    # Step 4: the preview -------------------------------------------------------------------

    def show_preview(self) -> None:
        """The first rows at once, then the whole file checked in the background."""
        if self._replan_timer.isActive():
            self._replan_timer.stop()
        self.plan = None
        self.hamlet_names = []
        self._clear_hamlets()
        self.preview_message.setText("")
        if self.preview is not None:
            self._show_plan(self.preview)
        self.go(PREVIEW)
        self._run_plan(limit=None, then=None)

    def recheck(self) -> None:
        """A hamlet's choice changed: the whole file is classified again with it."""
        self.plan = None
        self._update_buttons()
        self._run_plan(limit=None, then=None)

    def _show_plan(self, plan: ImportPlan) -> None:
        counts = plan.counts
        parts = [
            tr("{label}: {count}", label=status_label(s, plan.kind), count=format_int(counts[s]))
            for s in (NEW, MATCH, DUPLICATE, REJECTED, IGNORED)
        ]
        self.counts_label.setText(" · ".join(parts))
        if plan.complete:
            self.preview_note.setText(
                tr(
                    "The whole sheet {sheet} was checked: {rows} rows under the header on row "
                    "{header}.",
                    sheet=plan.sheet,
                    rows=format_int(counts["rows"]),
                    header=plan.header_row,
                )
            )
            self.preview_note.setStyleSheet("")
            if plan.kind == "ledger":
                self.preview_note.setText(
                    self.preview_note.text() + "\n" + ledger_totals_text(plan)
                )
        else:
            self.preview_note.setText(
                tr(
                    "The first {count} rows only: the whole file is being checked…",
                    count=format_int(PREVIEW_ROWS),
                )
            )
            self.preview_note.setStyleSheet(WARNING_STYLE)
        if plan.kind == "attendance" and plan.sessions:
            self.preview_note.setText(self.preview_note.text() + "\n" + sessions_text(plan))
        self.rows_model.set_plan_rows(plan.rows)
        for name in plan.unknown_hamlets:
            if name not in self.hamlet_names:
                self.hamlet_names.append(name)
                self._add_hamlet_row(name)
        self.hamlet_box.setVisible(bool(self.hamlet_names))
        self._update_buttons()

    def _clear_hamlets(self) -> None:
        while self.hamlet_form.rowCount():
            self.hamlet_form.removeRow(0)
        self.hamlet_combos = {}
        if not self.hamlets:
            try:
                self.hamlets = [(h.id, h.name) for h in self.ctx.reader.centre.hamlets()]
            except UserError:
                self.hamlets = []

    def _add_hamlet_row(self, name: str) -> None:
        combo = QComboBox()
        combo.setAccessibleName(tr("Hamlet {name}", name=name))
        combo.addItem(_("Add it to the centre's list"), CREATE_HAMLET)
        for hamlet_id, hamlet_name in self.hamlets:
            combo.addItem(tr("Is {hamlet}", hamlet=hamlet_name), hamlet_id)
        combo.currentIndexChanged.connect(lambda _i: self.recheck())
        self.hamlet_combos[name] = combo
        self.hamlet_form.addRow(name, combo)

    def choose_rejects_file(self) -> None:
        if self.plan is None or self.path is None:
            return
        suggested = documents_folder() / tr("{name} - rejected rows.xlsx", name=self.path.stem)
        target = ask_output_path(
            self, suggested, tr("Excel files ({patterns})", patterns="*.xlsx"), self.ctx.path
        )
        if target is not None:
            self.save_rejects(target)

    def save_rejects(self, target: Path) -> None:
        plan = self.plan
        if plan is None:
            return

        def done(path: Path) -> None:
            self.saved_rejects = path
            self.preview_message.setStyleSheet("")
            self.preview_message.setText(
                tr(
                    "The rejected rows were saved to {file}, each with its reason: fix them "
                    "there and import that file.",
                    file=str(path),
                )
            )

        self.ctx.task(
            self,
            _("Saving the rejected rows…"),
            lambda ws, _p: ws.imports.save_rejected(plan, target),
            done,
            write=False,
        )

    # Step 5: import, summary, undo ---------------------------------------------------------

    def start_import(self) -> None:
        if not self.can_import():
            return
        plan = self.plan
        assert plan is not None
        options = self._options()
        self.import_button.setEnabled(False)
        self.back_button.setEnabled(False)

        def work(ws: Workspace, progress: Progress) -> OpResult[ImportResult]:
            result = ws.imports.apply(plan, options, progress)
            return OpResult(result, result.changes)

        def done(result: ImportResult) -> None:
            self.import_result = result
            self._show_done(result)
            self.go(DONE)
            self.imported.emit(result.import_id)

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Import"), exc)
                return
            self.preview_message.setText(text)
            self.preview_message.setStyleSheet(ERROR_STYLE)

        def cancelled() -> None:
            self._update_buttons()
            self.preview_message.setText(_("The import was stopped: nothing was imported."))
            self.preview_message.setStyleSheet(WARNING_STYLE)

        self.ctx.task(self, _("Importing…"), work, done, failed, write=True, on_cancelled=cancelled)

    def _show_done(self, result: ImportResult) -> None:
        counts = result.counts
        self.done_label.setText(
            tr("Imported: {summary}.", summary=import_summary(self.kind, counts))
        )
        shown = (
            (MATCH, _("Already in the fund (not recorded again)")),
            (DUPLICATE, _("Duplicates in the file (not imported)")),
            (REJECTED, _("Rejected (not imported)")),
        ) if self.kind == "ledger" else (
            (MATCH, _("Already that far (nothing to change)")),
            (DUPLICATE, _("Duplicates in the file (not imported)")),
            (REJECTED, _("Not matched to anyone (not imported)")),
        ) if self.kind == "cdht" else (
            (MATCH, _("Already in the registry")),
            (DUPLICATE, _("Duplicates in the file (not imported)")),
            (REJECTED, _("Rejected (not imported)")),
            ("hamlets_created", _("Hamlets added")),
            ("households_created", _("Households added")),
        )  # fmt: skip
        lines = [
            tr("{label}: {count}", label=label, count=format_int(counts.get(key, 0)))
            for key, label in shown
        ]
        lines.append(tr("Import {id}", id=result.import_id))
        self.done_details.setText("\n".join(lines))
        self.undo_button.setEnabled(not self.ctx.read_only)
        self.done_message.setText(
            _("If the list was the wrong one, undo this import: everything it did is undone.")
        )
        self.done_message.setStyleSheet("")

    def ask_undo(self) -> None:
        if self.import_result is None or self.undo_result is not None:
            return
        import_id = self.import_result.import_id
        self.confirm_box = confirm(
            self,
            _("Undo the import"),
            tr("Undo this import? {what}", what=undo_question(self.kind)),
            _("Undo the import"),
            lambda: self.undo(import_id),
        )

    def undo(self, import_id: str, *, reopen: bool = False) -> None:
        def work(ws: Workspace, _progress: Progress) -> OpResult[UndoResult]:
            result = ws.imports.undo(import_id)
            return OpResult(result, result.changes)

        def done(result: UndoResult) -> None:
            self.undo_result = None if reopen else result
            text = undone_text(result)
            self.undone.emit(import_id)
            self.ctx.notify(text)
            if reopen and self.path is not None:
                self.open_path(self.path)
                return
            self.undo_button.setEnabled(False)
            self.done_message.setText(text)
            self.done_message.setStyleSheet("")

        def failed(exc: BaseException) -> None:
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Undo the import"), exc)
                return
            target = self.file_message if reopen else self.done_message
            target.setText(text)
            target.setStyleSheet(ERROR_STYLE)

        self.ctx.task(self, _("Undoing the import…"), work, done, failed, write=True)


def sessions_text(plan: ImportPlan) -> str:
    """Which of the class's sessions each ticked column is (a new one: the import adds it)."""
    parts = []
    for s in plan.sessions:
        day = format_date(s.day) if s.day else "?"
        if s.session_id is None:
            parts.append(tr("{letter} ({header}): a new session on {day}", letter=s.letter,
                            header=s.header, day=day))  # fmt: skip
        else:
            parts.append(tr("{letter} ({header}): the session of {day}", letter=s.letter,
                            header=s.header, day=day))  # fmt: skip
    return tr("Attendance columns: {columns}.", columns="; ".join(parts))


def ledger_totals_text(plan: ImportPlan) -> str:
    from desktop_app.services.import_ledger import totals

    entries, receipts, payments = totals(plan)
    return tr(
        "To record: {entries} entries, receipts {receipts}, payments {payments}; the app "
        "numbers the vouchers itself.",
        entries=format_int(entries), receipts=format_money(receipts),
        payments=format_money(payments),
    )  # fmt: skip


def confirm_undo(parent: QWidget, batch: BatchRow, on_yes: Callable[[], None]) -> QMessageBox:
    """Ask before undoing an import made earlier, saying what undoing it does."""
    return confirm(
        parent,
        _("Undo the import"),
        tr(
            "Undo the import of {file} of {when}? {what}",
            file=batch.file_name,
            when=when_text(batch.imported_at),
            what=undo_question(batch.kind),
        ),
        _("Undo the import"),
        on_yes,
    )


def undone_text(result: UndoResult) -> str:
    if result.voided:
        return tr(
            "The import was undone: {count} fund entries voided.",
            count=format_int(result.voided),
        )
    if "statuses_removed" in result.counts:
        return tr(
            "The import was undone: {removed} Công dân học tập statuses removed, {restored} "
            "given their values back.",
            removed=format_int(result.counts["statuses_removed"]),
            restored=format_int(result.counts.get("statuses_restored", 0)),
        )
    return tr(
        "The import was undone: {removed} people removed, {restored} records given their "
        "values back.",
        removed=format_int(result.removed),
        restored=format_int(result.restored),
    )


def open_import_wizard(
    ctx: AppContext, parent: QWidget | None, on_close: Callable[[], None] | None = None,
    kind: str = "people", target_id: str | None = None,
) -> ImportWizard:  # fmt: skip
    """Open the wizard (non-modal to the app's event loop: `open`, not `exec`)."""
    wizard = ImportWizard(ctx, parent, kind, target_id)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_close is not None:
        wizard.finished.connect(lambda _r: on_close())
    wizard.open()
    return wizard


class WizardSlot:
    """A page's import wizard, one at a time: asked again, the open one comes to the front.
    The page's lists refresh by subscription after an import or its undo."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        self.ctx = ctx
        self.parent = parent
        self.wizard: ImportWizard | None = None

    def open(self, kind: str, target_id: str | None = None) -> ImportWizard | None:
        if self.ctx.read_only:
            errors.report_error(self.parent, _("Import"), self.ctx.read_only_error())
            return None
        if self.wizard is not None:
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard

        def closed() -> None:
            self.wizard = None

        self.wizard = open_import_wizard(self.ctx, self.parent, closed, kind, target_id)
        return self.wizard


__all__ = ["ImportWizard", "PlanRowsModel", "WizardSlot", "open_import_wizard"]
