"""The Fund section: funds with balances, the ledger, receipts and payments, reports."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fund import KIND_LABELS, PAYMENT_KINDS, RECEIPT_KINDS, Book, EntryKind
from desktop_app.core.money import format_vnd
from desktop_app.core.problems import StoreError
from desktop_app.i18n import _, format_int, ngettext, tr
from desktop_app.services.fund import EntryRow, FundRow, LedgerFilter, VerifyReport
from desktop_app.services.workspace import Change, Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.common import (
    ProgressFn,
    open_one_dialog,
    report_failure,
    run_long,
    write_document,
)
from desktop_app.ui.khuyen_hoc.entry_form import EntryForm
from desktop_app.ui.khuyen_hoc.fund_dialogs import (
    CloseYearDialog,
    NewFundDialog,
    ReportDialog,
    VoidDialog,
)
from desktop_app.ui.khuyen_hoc.models import (
    F_BALANCE,
    F_NAME,
    L_AMOUNT_COLUMNS,
    L_DATE,
    L_KIND,
    L_NUMBER,
    L_PARTY,
    L_REASON,
    FundLine,
    FundsModel,
    LedgerModel,
)
from desktop_app.ui.widgets import confirm, show_message

log = logging.getLogger(__name__)

ENTITIES = ("fund", "ledger_entry", "dues_batch")
ALL_KINDS, ALL_RECEIPTS, ALL_PAYMENTS = "all", "receipts", "payments"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class FundPage(QWidget):
    """One page of the main window. Reads on the GUI thread's reader, writes via the worker."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.box: QMessageBox | None = None
        self.last_entry: EntryRow | None = None
        self.last_report: VerifyReport | None = None

        outer = QHBoxLayout(self)
        splitter = QSplitter()
        outer.addWidget(splitter)

        # Left: the funds and what concerns a whole fund.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.funds_model = FundsModel(self)
        self.funds_table = QTableView()
        self.funds_table.setModel(self.funds_model)
        self.funds_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.funds_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.funds_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.funds_table.verticalHeader().hide()
        self.funds_table.horizontalHeader().setSectionResizeMode(
            F_NAME, QHeaderView.ResizeMode.Stretch
        )
        self.funds_table.horizontalHeader().setSectionResizeMode(
            F_BALANCE, QHeaderView.ResizeMode.ResizeToContents
        )
        self.funds_table.setAccessibleName(_("Funds"))
        left_layout.addWidget(self.funds_table, 1)
        self.new_fund_button = QPushButton(_("New &fund…"))
        self.close_year_button = QPushButton(_("Close &year…"))
        self.verify_button = QPushButton(_("Check &ledger"))
        self.verify_button.setToolTip(_("Check that no entry was changed outside the app"))
        for button in (self.new_fund_button, self.close_year_button, self.verify_button):
            button.setAutoDefault(False)
            left_layout.addWidget(button)
        splitter.addWidget(left)

        # Right: filters, the ledger, entry actions, reports.
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        year = dt.date.today().year
        self.start = QDateEdit(_qdate(dt.date(year, 1, 1)))
        self.end = QDateEdit(_qdate(dt.date(year, 12, 31)))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.kind = QComboBox()
        self.kind.addItem(_("All kinds"), ALL_KINDS)
        self.kind.addItem(_("All receipts"), ALL_RECEIPTS)
        self.kind.addItem(_("All payments"), ALL_PAYMENTS)
        for kind in (*RECEIPT_KINDS, *PAYMENT_KINDS, EntryKind.REVERSAL):
            self.kind.addItem(_(KIND_LABELS[kind]), kind.value)
        for label, widget in ((_("From:"), self.start), (_("To:"), self.end)):
            title = QLabel(label)
            title.setBuddy(widget)
            filters.addWidget(title)
            filters.addWidget(widget)
        kind_label = QLabel(_("Kind:"))
        kind_label.setBuddy(self.kind)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind, 1)
        right_layout.addLayout(filters)

        self.model = LedgerModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        widths = {L_DATE: 85, L_NUMBER: 105, L_KIND: 130, L_PARTY: 170, L_REASON: 230}
        widths |= dict.fromkeys(L_AMOUNT_COLUMNS, 105)
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        right_layout.addWidget(self.table, 1)
        self.totals_label = QLabel()
        right_layout.addWidget(self.totals_label)

        entries = QHBoxLayout()
        self.receipt_button = QPushButton(_("New &receipt…"))
        self.receipt_button.setToolTip(_("Record money or goods received (Ctrl+R)"))
        self.payment_button = QPushButton(_("New &payment…"))
        self.payment_button.setToolTip(_("Record money paid out (Ctrl+P)"))
        self.void_button = QPushButton(_("&Void…"))
        self.voucher_button = QPushButton(_("Print &voucher"))
        for button in (
            self.receipt_button,
            self.payment_button,
            self.void_button,
            self.voucher_button,
        ):
            button.setAutoDefault(False)
            entries.addWidget(button)
        entries.addStretch(1)
        right_layout.addLayout(entries)
        reports = QHBoxLayout()
        reports.addWidget(QLabel(_("Print:")))
        self.cash_book_button = QPushButton(_("&Cash book…"))
        self.disclosure_button = QPushButton(_("&Disclosure sheet…"))
        self.donors_button = QPushButton(_("D&onor list…"))
        for button in (self.cash_book_button, self.disclosure_button, self.donors_button):
            button.setAutoDefault(False)
            reports.addWidget(button)
        reports.addStretch(1)
        right_layout.addLayout(reports)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 850])

        self.new_fund_button.clicked.connect(self.new_fund)
        self.close_year_button.clicked.connect(self.close_year)
        self.verify_button.clicked.connect(self.verify)
        self.receipt_button.clicked.connect(self.new_receipt)
        self.payment_button.clicked.connect(self.new_payment)
        self.void_button.clicked.connect(self.void_selected)
        self.voucher_button.clicked.connect(self.print_selected_voucher)
        self.cash_book_button.clicked.connect(self.print_cash_book)
        self.disclosure_button.clicked.connect(self.print_disclosure)
        self.donors_button.clicked.connect(self.print_donors)
        self.funds_table.selectionModel().selectionChanged.connect(lambda *_a: self.load_ledger())
        self.start.dateChanged.connect(lambda _d: self.load_ledger())
        self.end.dateChanged.connect(lambda _d: self.load_ledger())
        self.kind.currentIndexChanged.connect(lambda _i: self.load_ledger())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self._shortcuts: list[QShortcut] = []
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (("Ctrl+R", self.new_receipt), ("Ctrl+P", self.new_payment)):
            shortcut = QShortcut(QKeySequence(keys), self, context=context)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

        ctx.changed.connect(self._on_change)
        self.reload()

    # Reading --------------------------------------------------------------------------

    def reload(self) -> None:
        fund = self.current_fund()
        try:
            reader = self.ctx.reader.fund
            lines = [FundLine(f, reader.balance(f.id)) for f in reader.funds()]
        except StoreError as exc:
            self._show_error(errors.store_error_text(exc))
            return
        self.funds_model.set_rows(lines)
        row = self.funds_model.row_of(fund.id) if fund else None
        if lines:
            self.select_fund_row(row or 0)
        else:
            self.load_ledger()

    def select_fund_row(self, row: int) -> None:
        self.funds_table.selectionModel().setCurrentIndex(
            self.funds_model.index(row, F_NAME),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.load_ledger()

    def current_fund(self) -> FundRow | None:
        rows = self.funds_table.selectionModel().selectedRows()
        line = self.funds_model.line(rows[0].row()) if rows else None
        return line.fund if line else None

    def period(self) -> tuple[dt.date, dt.date]:
        return _pydate(self.start.date()), _pydate(self.end.date())

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))

    def kinds(self) -> tuple[EntryKind, ...]:
        value = self.kind.currentData()
        if value == ALL_KINDS:
            return ()
        if value == ALL_RECEIPTS:
            return RECEIPT_KINDS
        if value == ALL_PAYMENTS:
            return PAYMENT_KINDS
        return (EntryKind(value),)

    def load_ledger(self) -> None:
        fund = self.current_fund()
        selected = self.selected_entry()
        if fund is None:
            self.model.set_rows([])
            self.totals_label.setText(_("Create a fund to start the book."))
            self._update_buttons()
            return
        start, end = self.period()
        kinds = self.kinds()
        try:
            rows = self.ctx.reader.fund.entries(LedgerFilter(fund.id, start, end, kinds))
            # A running balance means something only when every entry is listed.
            opening = (
                self.ctx.reader.fund.balance(fund.id, start - dt.timedelta(days=1))
                if not kinds
                else None
            )
            vouchers = self._linked_vouchers(rows)
        except StoreError as exc:
            self._show_error(errors.store_error_text(exc))
            return
        self.model.set_rows(rows, opening, vouchers)
        receipts, payments = self.model.totals()
        text = (
            entries_text(len(rows))
            + " "
            + tr(
                "In: {receipts}. Out: {payments}.",
                receipts=format_vnd(receipts),
                payments=format_vnd(payments),
            )
        )
        if opening is not None:
            text += " " + tr(
                "Balance at the end: {balance}.", balance=format_vnd(opening + receipts - payments)
            )
        self.totals_label.setText(text)
        if selected is not None:
            self.select_entry(selected.id)
        self._update_buttons()

    def _linked_vouchers(self, rows: list[EntryRow]) -> dict[str, str]:
        """Numbers of reversals and voided entries that fall outside the listed period."""
        shown = {r.id for r in rows}
        wanted = {r.reversed_by for r in rows if r.reversed_by} | {
            r.reverses for r in rows if r.reverses
        }
        return {i: self.ctx.reader.fund.entry(i).voucher for i in wanted - shown if i}

    def selected_entry(self) -> EntryRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def select_entry(self, entry_id: str) -> bool:
        row = self.model.row_of(entry_id)
        if row is None:
            return False
        index = self.model.index(row, L_NUMBER)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        fund = self.current_fund() is not None
        entry = self.selected_entry()
        can_void = entry is not None and entry.reversed_by is None and entry.reverses is None
        self.new_fund_button.setEnabled(writable)
        self.close_year_button.setEnabled(writable and fund)
        self.verify_button.setEnabled(fund)
        self.receipt_button.setEnabled(writable and fund)
        self.payment_button.setEnabled(writable and fund)
        self.void_button.setEnabled(writable and can_void)
        self.voucher_button.setEnabled(entry is not None)
        for button in (self.cash_book_button, self.disclosure_button, self.donors_button):
            button.setEnabled(fund)

    def _on_change(self, change: Change) -> None:
        if change.entity in ENTITIES:
            self.reload()

    # Dialogs --------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        open_one_dialog(self, dialog)

    def new_fund(self) -> None:
        if self.ctx.read_only:
            return
        dialog = NewFundDialog(self.ctx, self)
        dialog.saved.connect(self._fund_created)
        self._open(dialog)

    def _fund_created(self, change: Change) -> None:
        row = self.funds_model.row_of(change.ids[0]) if change.ids else None
        if row is not None:
            self.select_fund_row(row)

    def new_receipt(self) -> None:
        self._new_entry(Book.RECEIPT)

    def new_payment(self) -> None:
        self._new_entry(Book.PAYMENT)

    def _new_entry(self, book: Book) -> None:
        fund = self.current_fund()
        if fund is None or self.ctx.read_only:
            return
        form = EntryForm(self.ctx, fund, book, self)
        form.saved.connect(self._entry_saved)
        self._open(form)

    def _entry_saved(self, entry: EntryRow) -> None:
        self.last_entry = entry
        # record() returns the entry, not a Change: tell every page ourselves.
        self.ctx.changed.emit(Change("ledger_entry", "create", (entry.id,)))
        self._show_entry(entry)
        self.ctx.notify(tr("Saved {voucher}.", voucher=entry.voucher))
        self.box = confirm(
            self,
            _("Print the voucher?"),
            tr("{voucher} is saved. Print it now?", voucher=entry.voucher),
            _("Print"),
            lambda: self.print_voucher(entry),
        )

    def _show_entry(self, entry: EntryRow) -> None:
        """Select the entry, widening the period if it falls outside it."""
        start, end = self.period()
        if not start <= entry.entry_date <= end:
            self.set_period(min(start, entry.entry_date), max(end, entry.entry_date))
        if entry.kind not in self.kinds() and self.kinds():
            self.kind.setCurrentIndex(0)
        self.select_entry(entry.id)

    def void_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or self.ctx.read_only:
            return
        dialog = VoidDialog(self.ctx, entry, self)
        dialog.saved.connect(self._voided)
        self._open(dialog)

    def _voided(self, reversal: EntryRow) -> None:
        self.last_entry = reversal
        self.ctx.changed.emit(Change("ledger_entry", "void", (reversal.id,)))
        self._show_entry(reversal)
        self.ctx.notify(tr("Voided by {voucher}.", voucher=reversal.voucher))

    def close_year(self) -> None:
        fund = self.current_fund()
        if fund is None:
            return
        self._open(CloseYearDialog(self.ctx, fund, self))

    def verify(self) -> None:
        def job(ws: Workspace, progress: ProgressFn) -> VerifyReport:
            return ws.fund.verify(progress)

        run_long(self, self.ctx, _("Checking the ledger"), job, self._verified,
                 lambda exc: report_failure(self, exc))  # fmt: skip

    def _verified(self, report: VerifyReport) -> None:
        self.last_report = report
        if report.ok:
            text = tr(
                "The ledger is intact: {entries} entries in {funds} funds checked.",
                entries=format_int(report.entries),
                funds=format_int(report.funds),
            )
            icon = QMessageBox.Icon.Information
        else:
            lines = [tr(p.what, **p.params) for p in report.problems]
            text = (
                _("The ledger was changed outside the app:")
                + "\n"
                + "\n".join(lines)
                + "\n"
                + _("Restore the last good backup, or ask for help before recording more.")
            )
            icon = QMessageBox.Icon.Critical
        self.box = show_message(self, _("Check ledger"), text, icon)

    # Printing -------------------------------------------------------------------------

    def print_selected_voucher(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.print_voucher(entry)

    def print_voucher(self, entry: EntryRow) -> None:
        self.box = None
        voucher, fund_id = entry.voucher, entry.fund_id
        name = f"{voucher.replace('/', '-')}.pdf"
        write_document(
            self,
            self.ctx,
            lambda ws, out: ws.fund_documents.print_voucher(voucher, out, fund_id),
            name,
        )

    def print_cash_book(self) -> None:
        fund = self.current_fund()
        if fund is None:
            return
        dialog = ReportDialog(_("Cash book"), period=self.period(), parent=self)

        def chosen() -> None:
            if dialog.chosen is None:
                return
            start, end = dialog.chosen
            xlsx = dialog.as_xlsx
            name = f"Sổ quỹ {start:%d-%m-%Y} - {end:%d-%m-%Y}.{'xlsx' if xlsx else 'pdf'}"
            write_document(
                self,
                self.ctx,
                lambda ws, out: ws.fund_documents.print_cash_book(fund.id, start, end, out, xlsx),
                name,
                xlsx=xlsx,
            )

        dialog.accepted.connect(chosen)
        self._open(dialog)

    def _year_report(self, title: str, stem: str, kind: str) -> None:
        fund = self.current_fund()
        if fund is None:
            return
        dialog = ReportDialog(title, year=self.period()[0].year, parent=self)

        def chosen() -> None:
            assert dialog.year is not None
            year, xlsx = dialog.year.value(), dialog.as_xlsx
            name = f"{stem} {year}.{'xlsx' if xlsx else 'pdf'}"

            def write(ws: Workspace, out: Path) -> None:
                docs = ws.fund_documents
                if kind == "disclosure":
                    docs.print_disclosure(fund.id, year, out, xlsx)
                else:
                    docs.print_donors(fund.id, year, out, xlsx)

            write_document(self, self.ctx, write, name, xlsx=xlsx)

        dialog.accepted.connect(chosen)
        self._open(dialog)

    def print_disclosure(self) -> None:
        self._year_report(_("Disclosure sheet"), "Công khai quỹ", "disclosure")

    def print_donors(self) -> None:
        self._year_report(_("Donor list"), "Danh sách ủng hộ", "donors")

    def _show_error(self, text: str) -> None:
        self.box = show_message(self, _("Cannot do that"), text)


def entries_text(count: int) -> str:
    return ngettext("{count} entry.", "{count} entries.", count).format(count=format_int(count))
