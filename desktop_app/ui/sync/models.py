"""Table models of the Sync section: the centres of an office, the bundle history, the files of
an import and the tables of one file. Each holds a list read on the query thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.core.collation import sort_key
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_int, tr
from desktop_app.services.sync import (
    BundleRecord,
    CentreStatus,
    ImportOutcome,
    SyncService,
    TableCounts,
)
from desktop_app.ui.list_model import ListModel
from desktop_app.ui.sync.texts import (
    CENTRE_STATUS_LABELS,
    CENTRE_STATUS_NOTES,
    DIRECTION_LABELS,
    KIND_LABELS,
    OUTCOME_LABELS,
    RECORD_STATUS_LABELS,
    counts_text,
    label,
    summary_text,
    table_label,
    when,
)

Index = QModelIndex | QPersistentModelIndex
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# Backgrounds that say "look at this": a centre late with its report, a refused file.
OVERDUE = QColor("#fff4ce")
ALARM = QColor("#fde7e9")
GREY = QColor("#777777")


def _row(rows: Sequence[Any], index: Index) -> Any:
    if not index.isValid() or not 0 <= index.row() < len(rows):
        return None
    return rows[index.row()]


# The centres of an office ---------------------------------------------------------------------

(C_NAME, C_SEQ, C_DATE, C_STATUS) = range(4)
CENTRE_ORDER = {
    "ledger-rewritten": 0, "overdue": 1, "never": 2, "ok": 3, "revoked": 4, "relayed": 5,
}  # fmt: skip


class CentresModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[CentreStatus] = []
        self.headers = [_("Centre"), _("Last bundle"), _("Received"), _("Status")]

    def set_rows(self, rows: Sequence[CentreStatus]) -> None:
        """Those that need a look first (a rewritten ledger, late, silent), then by name."""
        self.beginResetModel()
        self.rows = sorted(
            rows, key=lambda c: (CENTRE_ORDER.get(c.status, len(CENTRE_ORDER)), sort_key(c.name))
        )
        self.endResetModel()

    def centre(self, row: int) -> CentreStatus | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, site_id: str) -> int | None:
        return next((i for i, c in enumerate(self.rows) if c.id == site_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c: CentreStatus | None = _row(self.rows, index)
        if c is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == C_NAME:
                return c.name
            if column == C_SEQ:
                return format_int(c.last_seq) if c.last_seq else ""
            if column == C_DATE:
                return when(c.last_import)
            if column == C_STATUS:
                if c.status == "relayed":
                    return tr(CENTRE_STATUS_LABELS["relayed"], office=c.via)
                return label(CENTRE_STATUS_LABELS, c.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == C_SEQ:
            return ALIGN_RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            if c.status in ("overdue", "never"):
                return QBrush(OVERDUE)
            if c.status == "ledger-rewritten":
                return QBrush(ALARM)
        if role == Qt.ItemDataRole.ForegroundRole and c.status == "revoked":
            return QBrush(GREY)
        if role == Qt.ItemDataRole.ToolTipRole:
            return centre_note(c)
        return None


def centre_note(c: CentreStatus) -> str:
    note = CENTRE_STATUS_NOTES.get(c.status)
    lines = [tr(note, days=SyncService.OVERDUE_DAYS, office=c.via)] if note else []
    if c.detail:
        lines.append(c.detail)
    if c.fingerprint:
        lines.append(tr("Key fingerprint: {fingerprint}", fingerprint=c.fingerprint))
    return "\n".join(lines)


# The bundle history ---------------------------------------------------------------------------

(H_DATE, H_DIRECTION, H_KIND, H_PEER, H_SEQ, H_STATUS, H_SUMMARY) = range(7)


class HistoryModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BundleRecord] = []
        self.headers = [
            _("Date"),
            _("Sent or received"),
            _("Kind"),
            _("With"),
            _("Bundle no."),
            _("Status"),
            _("Summary"),
        ]

    def set_rows(self, rows: Sequence[BundleRecord]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> BundleRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r: BundleRecord | None = _row(self.rows, index)
        if r is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == H_DATE:
                return when(r.applied_at or r.created_at)
            if column == H_DIRECTION:
                return label(DIRECTION_LABELS, r.direction)
            if column == H_KIND:
                return label(KIND_LABELS, r.kind)
            if column == H_PEER:
                return r.peer_name or r.peer_site[:8]
            if column == H_SEQ:
                return format_int(r.seq) if r.seq else ""
            if column == H_STATUS:
                return label(RECORD_STATUS_LABELS, r.status)
            if column == H_SUMMARY:
                return summary_text(r.summary)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == H_SEQ:
            return ALIGN_RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.file_name
        return None


# The files of an import -----------------------------------------------------------------------

(O_FILE, O_SENDER, O_KIND, O_SEQ, O_STATUS, O_COUNTS) = range(6)


class OutcomesModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ImportOutcome] = []
        self.headers = [
            _("File"),
            _("From"),
            _("Kind"),
            _("Bundle no."),
            _("Import result"),
            _("Rows"),
        ]

    def set_rows(self, rows: Sequence[ImportOutcome]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def outcome(self, row: int) -> ImportOutcome | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        o: ImportOutcome | None = _row(self.rows, index)
        if o is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == O_FILE:
                return o.file.name
            if column == O_SENDER:
                return o.sender_name or o.sender[:8]
            if column == O_KIND:
                return label(KIND_LABELS, o.kind) if o.kind else ""
            if column == O_SEQ:
                return format_int(o.seq) if o.seq else ""
            if column == O_STATUS:
                return label(OUTCOME_LABELS, o.status)
            if column == O_COUNTS:
                return counts_text(o.tables) if o.tables else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column == O_SEQ:
            return ALIGN_RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and o.status == "refused":
            return QBrush(ALARM)
        if role == Qt.ItemDataRole.ToolTipRole:
            return o.reason or str(o.file)
        return None


# The tables of one file -----------------------------------------------------------------------

(T_TABLE, T_NEW, T_UPDATED, T_UNCHANGED, T_CONFLICT, T_REJECTED) = range(6)
COUNT_COLUMNS = (T_NEW, T_UPDATED, T_UNCHANGED, T_CONFLICT, T_REJECTED)


class TablesModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, TableCounts]] = []
        self.headers = [
            _("What"),
            _("New"),
            _("Updated"),
            _("Unchanged"),
            _("Conflict"),
            _("Rejected"),
        ]

    def set_tables(self, tables: dict[str, TableCounts]) -> None:
        self.beginResetModel()
        self.rows = sorted(tables.items(), key=lambda item: table_label(item[0]))
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item: tuple[str, TableCounts] | None = _row(self.rows, index)
        if item is None:
            return None
        table, counts = item
        column = index.column()
        values = (counts.new, counts.updated, counts.unchanged, counts.conflict, counts.rejected)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == T_TABLE:
                return table_label(table)
            return format_int(values[column - 1])
        if role == Qt.ItemDataRole.TextAlignmentRole and column != T_TABLE:
            return ALIGN_RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == T_CONFLICT and counts.conflict:
                return QBrush(OVERDUE)
            if column == T_REJECTED and counts.rejected:
                return QBrush(ALARM)
        if role == Qt.ItemDataRole.ToolTipRole and column == T_TABLE:
            return table
        return None


# Rows kept for review at an office, correction requests at a centre ---------------------------

(X_CENTRE, X_TABLE, X_ROW, X_VERSION) = range(4)


@dataclass(frozen=True)
class ConflictLine:
    """A row that came with the version of one held but other content: kept, not applied."""

    peer_name: str
    table: str
    row_id: str
    version: int
    id: str = ""
    # (column, as held here, as it came), one per column of the row.
    values: tuple[tuple[str, str, str], ...] = ()


class ConflictsModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ConflictLine] = []
        self.headers = [_("Centre"), _("What"), _("Record"), _("Version")]

    def set_rows(self, rows: Sequence[ConflictLine]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def line(self, row: int) -> ConflictLine | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, conflict_id: str) -> int | None:
        return next((i for i, c in enumerate(self.rows) if c.id == conflict_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c: ConflictLine | None = _row(self.rows, index)
        if c is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == X_CENTRE:
                return c.peer_name
            if column == X_TABLE:
                return table_label(c.table)
            if column == X_ROW:
                return c.row_id
            if column == X_VERSION:
                return str(c.version)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == X_VERSION:
            return ALIGN_RIGHT
        return None


(R_FROM, R_TABLE, R_ROW, R_REQUEST, R_STATUS) = range(5)
CORRECTION_STATUS_LABELS = {
    "open": N_("To look at"),
    "sent": N_("Sent, no answer yet"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
}


@dataclass(frozen=True)
class CorrectionLine:
    """A correction the office asks of one of a centre's records: at a centre one received,
    at an office one sent."""

    peer_name: str
    table: str
    row_id: str
    message: str
    status: str
    id: str = ""
    # (field label, value now, value proposed), one per proposed field.
    values: tuple[tuple[str, str, str], ...] = ()
    reason: str = ""
    answered_at: str | None = None


class CorrectionsModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[CorrectionLine] = []
        self.headers = [_("From"), _("What"), _("Record"), _("Request"), _("Status")]

    def set_rows(self, rows: Sequence[CorrectionLine]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_office(self, office: bool) -> None:
        """An office lists the requests it sent: to which centre, not from whom."""
        self.headers[R_FROM] = _("To") if office else _("From")
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, R_FROM, R_FROM)

    def line(self, row: int) -> CorrectionLine | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, correction_id: str) -> int | None:
        return next((i for i, c in enumerate(self.rows) if c.id == correction_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c: CorrectionLine | None = _row(self.rows, index)
        if c is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == R_FROM:
                return c.peer_name
            if column == R_TABLE:
                return table_label(c.table)
            if column == R_ROW:
                return c.row_id
            if column == R_REQUEST:
                return c.message or proposed_text(c.values)
            if column == R_STATUS:
                return label(CORRECTION_STATUS_LABELS, c.status)
        if role == Qt.ItemDataRole.ToolTipRole and column in (R_REQUEST, R_STATUS):
            lines = [c.message] if c.message else []
            if c.values:
                lines.append(proposed_text(c.values))
            if c.reason:
                lines.append(tr("Rejected because: {reason}", reason=c.reason))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole and c.status == "open":
            return QBrush(OVERDUE)
        return None


def proposed_text(values: Sequence[tuple[str, str, str]]) -> str:
    """ "Birth: 1976; Phone: 0912345678" — the values a request proposes, in one line."""
    return "; ".join(f"{name}: {new}" for name, _now, new in values)


# Two versions of one record side by side ------------------------------------------------------

(V_FIELD, V_LEFT, V_RIGHT) = range(3)


class CompareModel(ListModel):
    """A record's fields as they are and as they would be (a correction's current and
    proposed values, a conflict's held and incoming row); the differing lines stand out."""

    def __init__(self, left: str, right: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str, str]] = []
        self.headers = [_("Field"), left, right]

    def set_titles(self, left: str, right: str) -> None:
        self.headers[V_LEFT], self.headers[V_RIGHT] = left, right
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, V_LEFT, V_RIGHT)

    def set_rows(self, rows: Sequence[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        # What differs first: that is what the user decides on.
        self.rows = sorted(rows, key=lambda r: r[1] == r[2])
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r: tuple[str, str, str] | None = _row(self.rows, index)
        if r is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return r[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and r[1] != r[2]:
            return QBrush(OVERDUE)
        if role == Qt.ItemDataRole.FontRole and r[1] != r[2]:
            font = QFont()
            font.setBold(True)
            return font
        return None
