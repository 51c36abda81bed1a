"""The imports from Excel made into this database: when, what file (and its SHA-256), which
sheet, by whom, what each brought in, and whether it was undone; an import chosen here is
undone as a whole, as from the wizard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.i18n import _, tr
from desktop_app.services.imports import BatchRow, UndoResult
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns, resize_within_screen
from desktop_app.ui.import_wizard import (
    KIND_LABELS,
    confirm_undo,
    import_summary,
    list_table,
    undone_text,
    when_text,
)
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.widgets import ERROR_STYLE

H_WHEN, H_KIND, H_FILE, H_SHEET, H_BY, H_WHAT, H_UNDONE = range(7)
# The tables an import writes: the history is read again when one of them changes.
IMPORT_KINDS = ("import_batch",)


class HistoryModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BatchRow] = []
        self.headers = [
            _("Imported"), _("List of"), _("File"), _("Sheet"), _("By"),
            _("What it brought in"), _("Undone"),
        ]  # fmt: skip

    def set_batches(self, batches: list[BatchRow]) -> None:
        self.beginResetModel()
        self.rows = list(batches)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(b, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == H_FILE:
                return tr("SHA-256: {sha256}", sha256=b.sha256)
            return self._text(b, column)
        return None

    @staticmethod
    def _text(b: BatchRow, column: int) -> str:
        if column == H_WHEN:
            return when_text(b.imported_at)
        if column == H_KIND:
            return _(dict(KIND_LABELS).get(b.kind, b.kind))
        if column == H_FILE:
            return b.file_name
        if column == H_SHEET:
            return b.sheet
        if column == H_BY:
            return b.imported_by
        if column == H_WHAT:
            return import_summary(b.kind, b.counts)
        if column == H_UNDONE:
            return when_text(b.undone_at) if b.undone_at else ""
        return ""


class ImportHistoryDialog(QDialog):
    """Every import, newest first, with Undo."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm_box: object = None
        self.setWindowTitle(_("Imports from Excel"))
        resize_within_screen(self, 980, 480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Every list imported into this database. An import is undone as a whole; a "
                "file that was imported (and not undone) is refused if imported again."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = HistoryModel(self)
        self.table = list_table(self.model)
        self.table.setAccessibleName(_("Imports"))
        fit_columns(
            self.table,
            {H_WHEN: 130, H_KIND: 150, H_FILE: 170, H_SHEET: 90, H_BY: 90, H_UNDONE: 130},
            stretch=(H_WHAT,),
        )
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.undo_button = QPushButton(_("&Undo the import…"))
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(lambda _c=False: self.ask_undo())
        row.addWidget(self.undo_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        ctx.subscribe(self, IMPORT_KINDS, lambda _c: self.reload())
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        def done(batches: list[BatchRow]) -> None:
            self.model.set_batches(batches)
            if not batches:
                self.message.setText(_("Nothing was imported into this database yet."))
                self.message.setStyleSheet("")
            self._update_buttons()

        self.ctx.query(lambda ws: ws.imports.history(), done, parent=self)

    def selected(self) -> BatchRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def _update_buttons(self) -> None:
        batch = self.selected()
        self.undo_button.setEnabled(
            batch is not None and batch.undone_at is None and not self.ctx.read_only
        )

    def ask_undo(self) -> None:
        batch = self.selected()
        if batch is None or batch.undone_at is not None:
            return
        self.confirm_box = confirm_undo(self, batch, lambda: self.undo(batch.id))

    def undo(self, import_id: str) -> None:
        def work(ws: Workspace) -> OpResult[UndoResult]:
            result = ws.imports.undo(import_id)
            return OpResult(result, result.changes)

        def done(result: UndoResult) -> None:
            text = undone_text(result)
            self.message.setText(text)
            self.message.setStyleSheet("")
            self.ctx.notify(text)
            self.reload()

        def failed(exc: BaseException) -> None:
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Undo the import"), exc)
                return
            self.message.setText(text)
            self.message.setStyleSheet(ERROR_STYLE)

        self.ctx.op(work, done, failed, parent=self, title=_("Undoing the import…"))


def open_import_history(ctx: AppContext, parent: QWidget | None) -> ImportHistoryDialog:
    dialog = ImportHistoryDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["ImportHistoryDialog", "open_import_history"]
