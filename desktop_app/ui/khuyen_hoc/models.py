"""Table models of the Members and Fund sections: members, funds, ledger lines, a dues batch.

Each holds a list read on the query thread; the pages refill it when an op changes what it shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.core.collation import roster_sort_key
from desktop_app.core.fund import KIND_LABELS, Book, EntryKind
from desktop_app.core.members import MEMBER_STATUS_LABELS, Member, MemberStatus
from desktop_app.core.money import parse_vnd
from desktop_app.core.names import split_full_name
from desktop_app.i18n import _, format_date, format_int, format_money, tr
from desktop_app.services.fund import EntryRow, FundRow
from desktop_app.ui.khuyen_hoc.common import iso_to_screen
from desktop_app.ui.list_model import ListModel

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 10
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
GREY = QColor("#777777")


def _name_key(full_name: str) -> str:
    parts = split_full_name(full_name)
    return roster_sort_key(parts.given, parts.middle, parts.family)


def _number_key(number: str) -> tuple[int, str]:
    # Member numbers are digits by default but may be typed as "A-12": digits first, in order.
    return (int(number), "") if number.isdigit() else (1 << 62, number)


# Members ------------------------------------------------------------------------------------

(M_NUMBER, M_NAME, M_BIRTH, M_HAMLET, M_BRANCH, M_JOINED, M_STATUS) = range(7)


class MembersModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Member] = []
        self.headers = [
            _("Member no."),  # the member's own number, not a row counter ("STT")
            _("Full name"),
            _("Birth"),
            _("Hamlet"),
            _("Branch"),
            _("Joined"),
            _("Status"),
        ]

    def set_rows(self, rows: Sequence[Member]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def member(self, row: int) -> Member | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, member_id: str) -> int | None:
        return next((i for i, m in enumerate(self.rows) if m.id == member_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        m = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(m, column)
        if role == SORT_ROLE:
            return self._sort_value(m, column)
        if role == Qt.ItemDataRole.ForegroundRole and m.status is not MemberStatus.ACTIVE:
            return QBrush(GREY)
        if role == Qt.ItemDataRole.ToolTipRole and column == M_STATUS and m.status_on:
            return tr("Since {date}", date=format_date(m.status_on))
        return None

    def _display(self, m: Member, column: int) -> str | None:
        if column == M_NUMBER:
            return m.member_number
        if column == M_NAME:
            return m.full_name
        if column == M_BIRTH:
            return iso_to_screen(m.birth)
        if column == M_HAMLET:
            return m.hamlet_name
        if column == M_BRANCH:
            return m.branch_name
        if column == M_JOINED:
            return format_date(m.joined_on)
        if column == M_STATUS:
            return _(MEMBER_STATUS_LABELS[m.status])
        return None

    def _sort_value(self, m: Member, column: int) -> Any:
        if column == M_NUMBER:
            return str(_number_key(m.member_number))
        if column == M_NAME:
            return _name_key(m.full_name)
        if column == M_JOINED:
            return m.joined_on.isoformat()
        return self._display(m, column) or ""


# Funds ----------------------------------------------------------------------------------------

(F_NAME, F_BALANCE) = range(2)


@dataclass(frozen=True)
class FundLine:
    fund: FundRow
    balance: int


class FundsModel(ListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[FundLine] = []
        self.headers = [_("Fund"), _("Balance")]

    def set_rows(self, rows: Sequence[FundLine]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def line(self, row: int) -> FundLine | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, fund_id: str) -> int | None:
        return next((i for i, f in enumerate(self.rows) if f.fund.id == fund_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        line = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return line.fund.name if index.column() == F_NAME else format_int(line.balance)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == F_BALANCE:
            return int(ALIGN_RIGHT.value)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == F_NAME:
            fund = line.fund
            tip = tr("Opened {date} with {amount}", date=format_date(fund.opening_date),
                     amount=format_money(fund.opening_balance))  # fmt: skip
            if fund.carried_from:
                tip += "\n" + tr(
                    "Carried over from {source} ({document})",
                    source=fund.carried_from,
                    document=fund.transfer_document,
                )
            return tip
        return None


# Ledger --------------------------------------------------------------------------------------

(L_DATE, L_NUMBER, L_KIND, L_PARTY, L_REASON, L_IN, L_OUT, L_BALANCE, L_MARK) = range(9)
L_AMOUNT_COLUMNS = (L_IN, L_OUT, L_BALANCE)


class LedgerModel(ListModel):
    """Entries in date order; the running balance only when every entry of a fund is shown."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[EntryRow] = []
        self.balances: list[int] | None = None
        self.vouchers: dict[str, str] = {}  # entry id -> voucher, for "voided by" marks
        self.headers = [
            _("Date"),
            _("Number"),
            _("Kind"),
            _("Paid by / to"),
            _("Reason"),
            _("In"),
            _("Out"),
            _("Balance"),
            _("Voided"),
        ]

    def set_rows(
        self,
        rows: Sequence[EntryRow],
        opening: int | None = None,
        vouchers: dict[str, str] | None = None,
    ) -> None:
        """`opening`: the balance before the first row, or None for no running balance."""
        self.beginResetModel()
        self.rows = list(rows)
        self.vouchers = {r.id: r.voucher for r in self.rows} | (vouchers or {})
        if opening is None:
            self.balances = None
        else:
            balance = opening
            self.balances = []
            for r in self.rows:
                balance += r.effect
                self.balances.append(balance)
        self.endResetModel()

    def entry(self, row: int) -> EntryRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, entry_id: str) -> int | None:
        return next((i for i, e in enumerate(self.rows) if e.id == entry_id), None)

    def totals(self) -> tuple[int, int]:
        """(receipts, payments) in cash, each book's entries with their reversals netted
        against them, as the cash book and the disclosure sheet count them."""
        receipts = sum(r.effect for r in self.rows if r.book is Book.RECEIPT)
        payments = -sum(r.effect for r in self.rows if r.book is Book.PAYMENT)
        return receipts, payments

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        e = self.rows[index.row()]
        column = index.column()
        voided = e.reversed_by is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(e, index.row(), column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (L_IN, L_OUT, L_BALANCE):
            return int(ALIGN_RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and (voided or e.reverses):
            return QBrush(GREY)
        if role == Qt.ItemDataRole.FontRole and voided and column in (L_IN, L_OUT):
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column in (L_REASON, L_PARTY):
            return self._display(e, index.row(), column)
        return None

    def _display(self, e: EntryRow, row: int, column: int) -> str | None:
        if column == L_DATE:
            return format_date(e.entry_date)
        if column == L_NUMBER:
            return e.voucher
        if column == L_KIND:
            return _(KIND_LABELS[e.kind])
        if column == L_PARTY:
            return e.party_name
        if column == L_REASON:
            if e.is_goods and e.kind is not EntryKind.REVERSAL:
                # Goods are valued, never cash: their value is said here, not under In/Out.
                return tr(
                    "{reason} ({quantity} {unit} {items}, valued at {value})",
                    reason=e.reason, quantity=format_int(e.quantity), unit=e.unit,
                    items=e.in_kind, value=format_money(e.amount),
                )  # fmt: skip
            return f"{e.reason} ({e.in_kind})" if e.in_kind else e.reason
        # A reversal is in its original's column with a minus (as in the cash book).
        if column == L_IN:
            return format_int(e.effect) if e.book is Book.RECEIPT else ""
        if column == L_OUT:
            return format_int(-e.effect) if e.book is Book.PAYMENT else ""
        if column == L_BALANCE:
            return format_int(self.balances[row]) if self.balances is not None else ""
        if column == L_MARK:
            if e.reversed_by:
                by = self.vouchers.get(e.reversed_by, "")
                return tr("Voided by {voucher}", voucher=by) if by else _("Voided")
            if e.reverses:
                of = self.vouchers.get(e.reverses, "")
                return tr("Voids {voucher}", voucher=of) if of else _("Reversal")
            return ""
        return None


# A dues batch ---------------------------------------------------------------------------------

(D_PAID, D_NUMBER, D_NAME, D_AMOUNT) = range(4)


@dataclass
class DuesLine:
    member: Member
    amount: int
    ticked: bool = False


class DuesModel(ListModel):
    """The branch's unpaid members: tick who paid, correct an amount if they paid another."""

    totals_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lines: list[DuesLine] = []
        self.headers = [_("Paid"), _("Member no."), _("Full name"), _("Amount")]

    @property
    def rows(self) -> list[DuesLine]:  # type: ignore[override]
        return self.lines

    def set_members(self, members: Sequence[Member], amount: int) -> None:
        self.beginResetModel()
        self.lines = [DuesLine(m, amount) for m in members]
        self.endResetModel()
        self.totals_changed.emit()

    def set_all(self, ticked: bool) -> None:
        for line in self.lines:
            line.ticked = ticked
        if self.lines:
            self.dataChanged.emit(
                self.index(0, D_PAID),
                self.index(len(self.lines) - 1, D_PAID),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.totals_changed.emit()

    def payments(self) -> tuple[tuple[str, int], ...]:
        return tuple((line.member.id, line.amount) for line in self.lines if line.ticked)

    def ticked(self) -> tuple[int, int]:
        paid = self.payments()
        return len(paid), sum(amount for _, amount in paid)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == D_PAID:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == D_AMOUNT:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line = self.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == D_PAID:
            return Qt.CheckState.Checked if line.ticked else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == D_NUMBER:
                return line.member.member_number
            if column == D_NAME:
                return line.member.full_name
            if column == D_AMOUNT:
                return format_int(line.amount)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == D_AMOUNT:
            return int(ALIGN_RIGHT.value)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return False
        line = self.lines[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == D_PAID:
            state = value.value if isinstance(value, Qt.CheckState) else int(value)
            line.ticked = state == Qt.CheckState.Checked.value
        elif role == Qt.ItemDataRole.EditRole and index.column() == D_AMOUNT:
            try:
                amount = parse_vnd(str(value))
            except ValueError:
                return False
            if amount <= 0:
                return False
            line.amount = amount
            line.ticked = True  # a corrected amount means the member paid
            paid = self.index(index.row(), D_PAID)
            self.dataChanged.emit(paid, paid)
        else:
            return False
        self.dataChanged.emit(index, index, [role])
        self.totals_changed.emit()
        return True


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
