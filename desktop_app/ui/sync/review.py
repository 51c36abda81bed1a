"""The import of bundle files, shown before it changes anything.

The dry run has checked every file on the writer thread; this dialog shows what importing them
would do, file by file and table by table (new, updated, unchanged, conflict, rejected), with
every refusal's reason in plain words. Only "Import" applies them, in the background with
progress and Cancel; the same dialog then shows what was done and says when the USB stick may
be removed. An office's acknowledgements go to the folder chosen here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.i18n import _, format_int, ngettext, tr
from desktop_app.services.ops import OpChanges, OpResult, Progress
from desktop_app.services.sync import ImportOutcome
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns, resize_within_screen
from desktop_app.ui.sync.models import (
    COUNT_COLUMNS,
    O_COUNTS,
    O_FILE,
    O_KIND,
    O_SENDER,
    O_SEQ,
    O_STATUS,
    T_TABLE,
    OutcomesModel,
    TablesModel,
)
from desktop_app.ui.sync.texts import OUTCOME_LABELS, label, table_label
from desktop_app.ui.widgets import ERROR_STYLE, WARNING_STYLE

log = logging.getLogger(__name__)

# What the import can still do something with (an already imported data bundle gets its
# acknowledgement written again, in case the first one was lost).
APPLICABLE = frozenset({"dry-run", "already-imported"})


def _table(model: OutcomesModel | TablesModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    # File and centre names differ at their end ("…xã Đông Hòa"): cut in the middle.
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    return table


def outcome_counts_text(outcomes: list[ImportOutcome]) -> str:
    """ "4 files: 2 ready to import, 1 already imported, 1 refused." (or what was done)."""
    by_status: dict[str, int] = {}
    for outcome in outcomes:
        by_status[outcome.status] = by_status.get(outcome.status, 0) + 1
    head = ngettext("{n} file", "{n} files", len(outcomes)).format(n=format_int(len(outcomes)))
    parts = [
        f"{label(OUTCOME_LABELS, status).lower()}: {format_int(n)}"
        for status, n in sorted(by_status.items(), key=lambda item: _STATUS_ORDER.get(item[0], 9))
    ]
    return f"{head} — {'; '.join(parts)}." if parts else head + "."


_STATUS_ORDER = {"dry-run": 0, "applied": 0, "already-imported": 1, "stale": 2, "refused": 3}


def imported_changes(outcomes: list[ImportOutcome]) -> OpChanges:
    """What an import changed, by kind of entity, so every page showing one refreshes.

    `import_files` gives outcomes, not the OpChanges of its ops; the tables each applied
    file touched stand for them (whole tables: the ids are not known here).
    """
    kinds = {"bundle_log", "peer_state", "site"}
    for outcome in outcomes:
        if outcome.status == "applied":
            kinds |= {t for t, c in outcome.tables.items() if c.new or c.updated or c.conflict}
            if outcome.kind == "correction":
                kinds.add("sync_correction")
    return OpChanges("sync.import", None, {kind: frozenset() for kind in sorted(kinds)})


class ImportReviewDialog(QDialog):
    """What the import of these files would do (a dry run's outcomes), then Import."""

    # The import was applied: its outcomes (the page refreshes).
    applied = Signal(list)

    def __init__(
        self,
        ctx: AppContext,
        outcomes: list[ImportOutcome],
        *,
        office: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office = office
        self.outcomes = list(outcomes)
        self.applied_outcomes: list[ImportOutcome] | None = None
        self.setWindowTitle(_("Check before importing"))
        resize_within_screen(self, 920, 620)
        layout = QVBoxLayout(self)

        self.intro = QLabel(
            _(
                "Nothing has changed yet. This is what importing these files would do: "
                "check it, then press Import."
            )
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        layout.addWidget(self.summary_label)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.files_model = OutcomesModel(self)
        self.files_table = _table(self.files_model)
        self.files_table.setAccessibleName(_("Files"))
        fit_columns(
            self.files_table,
            {O_KIND: 90, O_SEQ: 60, O_STATUS: 150},
            stretch=(O_FILE, O_SENDER, O_COUNTS),
        )
        splitter.addWidget(self.files_table)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail_layout.addWidget(self.reason_label)
        self.tables_model = TablesModel(self)
        self.tables_table = _table(self.tables_model)
        self.tables_table.setAccessibleName(_("What the file holds"))
        fit_columns(self.tables_table, dict.fromkeys(COUNT_COLUMNS, 90), stretch=(T_TABLE,))
        detail_layout.addWidget(self.tables_table, 1)
        self.rejections_title = QLabel(_("Rows in conflict or rejected (not imported):"))
        detail_layout.addWidget(self.rejections_title)
        self.rejections = QListWidget()
        self.rejections.setAccessibleName(_("Rows in conflict or rejected"))
        detail_layout.addWidget(self.rejections)
        splitter.addWidget(detail)
        splitter.setSizes([220, 300])
        layout.addWidget(splitter, 1)

        # An office answers each centre with an acknowledgement, written to this folder.
        self.ack_row = QWidget()
        ack_layout = QHBoxLayout(self.ack_row)
        ack_layout.setContentsMargins(0, 0, 0, 0)
        self.ack_label = QLabel()
        self.ack_label.setWordWrap(True)
        self.ack_label.setTextFormat(Qt.TextFormat.PlainText)
        ack_layout.addWidget(self.ack_label, 1)
        self.ack_button = QPushButton(_("Choose the &folder…"))
        self.ack_button.setAutoDefault(False)
        self.ack_button.clicked.connect(self.choose_ack_folder)
        ack_layout.addWidget(self.ack_button)
        layout.addWidget(self.ack_row)
        self.ack_folder: Path | None = outcomes[0].file.parent if outcomes else None
        self.ack_row.setVisible(office)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            _("&Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.clicked.connect(lambda _checked=False: self.confirm())
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.files_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.show_file(current.row())
        )
        self._show(self.outcomes)
        self._show_ack_folder()

    # What is shown ------------------------------------------------------------------------

    @property
    def applicable(self) -> list[Path]:
        return [o.file for o in self.outcomes if o.status in APPLICABLE]

    def _show(self, outcomes: list[ImportOutcome]) -> None:
        self.files_model.set_rows(outcomes)
        self.summary_label.setText(outcome_counts_text(outcomes))
        done = self.applied_outcomes is not None
        self.import_button.setVisible(not done)
        self.import_button.setEnabled(bool(self.applicable) and not self.ctx.read_only)
        if not done and not self.applicable:
            self.intro.setText(
                _("None of these files can be imported: each one's reason is shown below.")
            )
        if outcomes:
            # The first file that needs a look: refused, else the first one.
            first = next((i for i, o in enumerate(outcomes) if o.status == "refused"), 0)
            self.files_table.selectionModel().setCurrentIndex(
                self.files_model.index(first, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.show_file(first)

    def show_file(self, row: int) -> None:
        outcome = self.files_model.outcome(row)
        if outcome is None:
            self.reason_label.setText("")
            self.tables_model.set_tables({})
            self.rejections.clear()
            return
        text = outcome.reason
        style = ""
        if outcome.status == "refused":
            style = ERROR_STYLE
            text = text or _("This file cannot be imported.")
        elif outcome.status in ("already-imported", "stale"):
            style = WARNING_STYLE
        elif not text and not outcome.tables:
            text = _("The file holds no rows.")
        self.reason_label.setStyleSheet(style)
        self.reason_label.setText(tr("{file}: {text}", file=outcome.file.name, text=text))
        self.tables_model.set_tables(outcome.tables)
        self.rejections.clear()
        for table, row_id, reason in outcome.rejections:
            self.rejections.addItem(f"{table_label(table)} {row_id[:8]}: {reason}")
        shown = bool(outcome.rejections)
        self.rejections_title.setVisible(shown)
        self.rejections.setVisible(shown)

    def _show_ack_folder(self) -> None:
        folder = str(self.ack_folder) if self.ack_folder else _("(none chosen)")
        self.ack_label.setText(
            tr("The acknowledgements for the centres go to: {folder}", folder=folder)
        )

    def choose_ack_folder(self) -> None:
        start = str(self.ack_folder) if self.ack_folder else ""
        folder = QFileDialog.getExistingDirectory(self, _("Where the acknowledgements go"), start)
        if folder:
            self.set_ack_folder(Path(folder))

    def set_ack_folder(self, folder: Path) -> None:
        self.ack_folder = folder
        self._show_ack_folder()

    # Import --------------------------------------------------------------------------------

    def confirm(self) -> None:
        """Apply the files that can be: one transaction each, in the background."""
        files = self.applicable
        if not files:
            return
        ack_to = self.ack_folder if self.office else None
        self.import_button.setEnabled(False)

        def run(ws: Workspace, progress: Progress) -> OpResult[list[ImportOutcome]]:
            outcomes = ws.sync.import_files(files, ack_to=ack_to, progress=progress)
            return OpResult(outcomes, imported_changes(outcomes))

        def done(outcomes: list[ImportOutcome]) -> None:
            refused_before = [o for o in self.outcomes if o.status not in APPLICABLE]
            self.applied_outcomes = outcomes
            self.intro.setText(self.done_text(outcomes, ack_to))
            self.intro.setStyleSheet("")
            self._show(outcomes + refused_before)
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
            self.ack_row.hide()
            self.applied.emit(outcomes)

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            errors.report_error(self, _("Import"), exc)

        def cancelled() -> None:
            # Each file is one transaction: those done before the Cancel stay imported.
            self.import_button.setEnabled(True)
            self.ctx.notify(
                _(
                    "Import stopped. Each file is imported whole or not at all; the bundle "
                    "history shows which ones were."
                )
            )

        self.ctx.task(
            self,
            _("Importing…"),
            run,
            done,
            failed,
            write=True,
            on_cancelled=cancelled,
        )

    def done_text(self, outcomes: list[ImportOutcome], ack_to: Path | None) -> str:
        applied = sum(1 for o in outcomes if o.status == "applied")
        text = ngettext("{n} file was imported.", "{n} files were imported.", applied).format(
            n=format_int(applied)
        )
        acks = [o.ack_file for o in outcomes if o.ack_file is not None]
        if acks and ack_to is not None:
            text += " " + ngettext(
                "{n} acknowledgement was written to {folder}: take it back to its centre.",
                "{n} acknowledgements were written to {folder}: take each back to its centre.",
                len(acks),
            ).format(n=format_int(len(acks)), folder=str(ack_to))
        return text + " " + _("You may remove the USB stick now.")
