"""The Fund section: funds with balances, the ledger, receipts and payments, reports."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, Signal
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

from desktop_app.core.fund import (
    GOODS_KINDS,
    KIND_LABELS,
    PAYMENT_KINDS,
    RECEIPT_KINDS,
    Account,
    Book,
    EntryKind,
)
from desktop_app.i18n import _, format_int, format_money, ngettext, tr
from desktop_app.services.fund import (
    UNSEALED_MESSAGE,
    EntryRow,
    FundRow,
    LedgerFilter,
    VerifyReport,
)
from desktop_app.services.fund_documents import FundDocumentService as Docs
from desktop_app.services.ops import Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.centre_scope import CentreScope
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import ImportWizard, WizardSlot
from desktop_app.ui.khuyen_hoc.common import Latest, open_one_dialog, print_document
from desktop_app.ui.khuyen_hoc.entry_form import EntryForm
from desktop_app.ui.khuyen_hoc.fund_dialogs import (
    CloseYearDialog,
    GoodsIssueDialog,
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

# What the page shows: a dues batch writes its receipt as a ledger entry.
SHOWN_KINDS = frozenset({"fund", "ledger_entry", "fund_year_close"})
ALL_KINDS, ALL_RECEIPTS, ALL_PAYMENTS = "all", "receipts", "payments"


@dataclass(frozen=True)
class LedgerView:
    """One fund's entries of a period, read on the query thread."""

    fund_id: str
    rows: list[EntryRow]
    # The balance before the period, or None when some kinds are filtered out (a running
    # balance means something only when every entry is listed).
    opening: int | None
    # Numbers of reversals and voided entries that fall outside the listed period.
    vouchers: dict[str, str]
    # Gifts in kind: the valuation on hand (never cash), what is left of each goods
    # receipt (NK entry id -> quantity), and gifts recorded as cash before they had a book.
    goods_value: int = 0
    goods_left: dict[str, int] = field(default_factory=dict)
    cash_in_kind: int = 0


@dataclass(frozen=True)
class FundView:
    lines: list[FundLine]
    ledger: LedgerView | None  # of the fund asked for, else of the first fund


def read_ledger(
    ws: Workspace, fund_id: str, start: dt.date, end: dt.date, kinds: tuple[EntryKind, ...]
) -> LedgerView:
    fund = ws.fund
    rows = fund.entries(LedgerFilter(fund_id, start, end, kinds))
    opening = fund.balance(fund_id, start - dt.timedelta(days=1)) if not kinds else None
    shown = {r.id for r in rows}
    linked = {r.reversed_by for r in rows if r.reversed_by} | {
        r.reverses for r in rows if r.reverses
    }
    vouchers = {i: fund.entry(i).voucher for i in linked - shown if i}
    lots = fund.goods_lots(fund_id)
    return LedgerView(
        fund_id,
        rows,
        opening,
        vouchers,
        goods_value=sum(lot.left_value for lot in lots),
        goods_left={lot.entry.id: lot.left for lot in lots},
        cash_in_kind=len(fund.cash_in_kind(fund_id)),
    )


def read_funds(
    ws: Workspace,
    wanted: str | None,
    start: dt.date,
    end: dt.date,
    kinds: tuple[EntryKind, ...],
    sites: tuple[str, ...] | None = None,
) -> FundView:
    funds = ws.fund.funds(sites)
    lines = [FundLine(f, ws.fund.balance(f.id)) for f in funds]
    ids = [f.id for f in funds]
    fund_id = wanted if wanted in ids else (ids[0] if ids else None)
    ledger = read_ledger(ws, fund_id, start, end, kinds) if fund_id else None
    return FundView(lines, ledger)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class FundPage(QWidget):
    """One page of the main window: reads through `ctx.query`, writes through `ctx.op`, and
    refreshes when an op changes what it shows."""

    # The funds and the ledger on screen are up to date (tests wait for it).
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._funds = Latest()
        self._ledger = Latest()
        self._selecting = False  # the page fills the fund list itself: no ledger read yet
        self._want_fund: str | None = None  # to select once the funds are read
        self._want_entry: str | None = None  # to select once the ledger is read
        self.dialog: QDialog | None = None
        self.box: QMessageBox | None = None
        self.last_entry: EntryRow | None = None
        self.last_report: VerifyReport | None = None
        self.goods_left: dict[str, int] = {}

        outer = QHBoxLayout(self)
        splitter = QSplitter()
        outer.addWidget(splitter)

        # Left: the funds and what concerns a whole fund.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.scope = CentreScope(ctx, left)
        self.scope.changed.connect(self._scope_changed)
        left_layout.addWidget(self.scope)
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
        self.import_button = QPushButton(_("Import from Excel…"))
        self.import_button.setToolTip(
            _("Bring in the receipts and payments of a cash book kept in Excel")
        )
        self.imports = WizardSlot(ctx, self)
        self.import_button.clicked.connect(lambda _c=False: self.open_import())
        for button in (
            self.new_fund_button, self.close_year_button, self.verify_button, self.import_button,
        ):  # fmt: skip
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
        for kind in (*RECEIPT_KINDS, *PAYMENT_KINDS, *GOODS_KINDS, EntryKind.REVERSAL):
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
        widths = {L_DATE: 85, L_NUMBER: 105} | dict.fromkeys(L_AMOUNT_COLUMNS, 100)
        # "Chi" and the balance stay in view: the text columns share what is left.
        fit_columns(self.table, widths, stretch=(L_KIND, L_PARTY, L_REASON))
        right_layout.addWidget(self.table, 1)
        self.totals_label = QLabel()
        self.totals_label.setWordWrap(True)
        right_layout.addWidget(self.totals_label)
        # Gifts in kind on hand, by valuation: shown apart, never added to the cash.
        self.goods_label = QLabel()
        self.goods_label.setWordWrap(True)
        right_layout.addWidget(self.goods_label)
        reclassify = QHBoxLayout()
        self.reclassify_label = QLabel()
        self.reclassify_label.setWordWrap(True)
        self.reclassify_button = QPushButton(_("Move them to the goods book…"))
        self.reclassify_button.setAutoDefault(False)
        reclassify.addWidget(self.reclassify_label, 1)
        reclassify.addWidget(self.reclassify_button)
        self.reclassify_row = QWidget()
        self.reclassify_row.setLayout(reclassify)
        self.reclassify_row.hide()
        right_layout.addWidget(self.reclassify_row)

        entries = QHBoxLayout()
        self.receipt_button = QPushButton(_("New &receipt…"))
        self.receipt_button.setToolTip(_("Record money or goods received (Ctrl+R)"))
        self.payment_button = QPushButton(_("New &payment…"))
        self.payment_button.setToolTip(_("Record money paid out (Ctrl+P)"))
        self.void_button = QPushButton(_("&Void the voucher…"))
        self.goods_button = QPushButton(_("Hand out &goods…"))
        self.goods_button.setToolTip(_("Hand out goods of the selected goods receipt (NK)"))
        self.voucher_button = QPushButton(_("Print &voucher"))
        for button in (
            self.receipt_button,
            self.payment_button,
            self.void_button,
            self.goods_button,
            self.voucher_button,
        ):
            button.setAutoDefault(False)
            entries.addWidget(button)
        entries.addStretch(1)
        right_layout.addLayout(entries)
        reports = QHBoxLayout()
        reports.addWidget(QLabel(_("Print:")))
        self.cash_book_button = QPushButton(_("&Cash book…"))
        self.bank_book_button = QPushButton(_("&Bank book…"))
        self.disclosure_button = QPushButton(_("&Disclosure sheet…"))
        self.donors_button = QPushButton(_("D&onor list…"))
        for button in (
            self.cash_book_button, self.bank_book_button, self.disclosure_button,
            self.donors_button,
        ):  # fmt: skip
            button.setAutoDefault(False)
            reports.addWidget(button)
        reports.addStretch(1)
        right_layout.addLayout(reports)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([210, 890])  # the ledger needs the room more than the fund list

        self.new_fund_button.clicked.connect(self.new_fund)
        self.close_year_button.clicked.connect(self.close_year)
        self.verify_button.clicked.connect(self.verify)
        self.receipt_button.clicked.connect(self.new_receipt)
        self.payment_button.clicked.connect(self.new_payment)
        self.void_button.clicked.connect(self.void_selected)
        self.goods_button.clicked.connect(self.hand_out_selected)
        self.reclassify_button.clicked.connect(self.reclassify)
        self.voucher_button.clicked.connect(self.print_selected_voucher)
        self.cash_book_button.clicked.connect(lambda: self.print_cash_book())
        self.bank_book_button.clicked.connect(lambda: self.print_cash_book(Account.BANK))
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

        # Refresh by subscription: every op that touches the book, a receipt from a dues
        # batch or the demo fill included, lands here.
        ctx.subscribe(self, SHOWN_KINDS, lambda _changes: self.reload())
        self.reload()

    # Reading: on the query thread, only the newest answer is shown -----------------------

    @property
    def busy(self) -> bool:
        """A read is under way whose answer the page has not shown yet."""
        return self._funds.busy or self._ledger.busy

    def reload(self) -> None:
        """Read the funds with their balances, and the ledger of the fund to show."""
        wanted = self._want_fund or self.current_fund_id()
        start, end = self.period()
        kinds = self.kinds()
        sites = self.scope.sites()
        funds, ledger = self._funds.ask(), self._ledger.ask()
        self.ctx.query(
            lambda ws: read_funds(ws, wanted, start, end, kinds, sites),
            lambda view: self._funds_read(funds, ledger, view),
            lambda exc: self._read_failed(exc, funds=funds, ledger=ledger),
            parent=self,
            title=_("Loading…"),
        )

    def _funds_read(self, funds: int, ledger: int, view: FundView) -> None:
        if not self._funds.answer(funds):
            return  # a newer reload is under way
        chosen = self._want_fund or self.current_fund_id()
        self._want_fund = None
        if all(line.fund.id != chosen for line in view.lines) and view.ledger is not None:
            chosen = view.ledger.fund_id
        self._selecting = True
        try:
            self.funds_model.set_rows(view.lines)
            row = self.funds_model.row_of(chosen or "")
            if row is None and view.lines:
                row = 0
            if row is not None:
                self.select_fund_row(row)
        finally:
            self._selecting = False
        shown = self.current_fund_id()
        if view.ledger is not None and view.ledger.fund_id == shown and self._ledger.answer(ledger):
            self._show_ledger(view.ledger)
        else:
            # The fund shown is not the one read, or the filters changed meanwhile.
            self.load_ledger()

    def _read_failed(self, exc: BaseException, *, funds: int = -1, ledger: int = -1) -> None:
        latest = self._funds.answer(funds) | self._ledger.answer(ledger)
        if latest:
            errors.report_error(self, _("Cannot do that"), exc)

    def select_fund_row(self, row: int) -> None:
        """Select a fund; its ledger loads (unless the page is filling the list itself)."""
        self.funds_table.selectionModel().setCurrentIndex(
            self.funds_model.index(row, F_NAME),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def current_fund(self) -> FundRow | None:
        rows = self.funds_table.selectionModel().selectedRows()
        line = self.funds_model.line(rows[0].row()) if rows else None
        return line.fund if line else None

    def open_import(self) -> ImportWizard | None:
        """The import wizard for a cash book, into the fund shown."""
        return self.imports.open("ledger", self.current_fund_id())

    def current_fund_id(self) -> str | None:
        fund = self.current_fund()
        return fund.id if fund else None

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
        """Read the selected fund's entries of the period and kinds chosen."""
        if self._selecting:
            return
        fund = self.current_fund()
        if fund is None:
            self._ledger.drop()
            self.model.set_rows([])
            self.totals_label.setText(_("Create a fund to start the book."))
            self._update_buttons()
            self.loaded.emit()
            return
        fund_id = fund.id
        start, end = self.period()
        kinds = self.kinds()
        ledger = self._ledger.ask()
        self.ctx.query(
            lambda ws: read_ledger(ws, fund_id, start, end, kinds),
            lambda view: self._ledger_read(ledger, view),
            lambda exc: self._read_failed(exc, ledger=ledger),
            parent=self,
            title=_("Loading…"),
        )

    def _ledger_read(self, ledger: int, view: LedgerView) -> None:
        if self._ledger.answer(ledger):
            self._show_ledger(view)

    def _show_ledger(self, view: LedgerView) -> None:
        selected = self.selected_entry()
        wanted = self._want_entry or (selected.id if selected else None)
        self._want_entry = None
        self.model.set_rows(view.rows, view.opening, view.vouchers)
        receipts, payments = self.model.totals()
        text = (
            entries_text(len(view.rows))
            + " "
            + tr(
                "In: {receipts}. Out: {payments}.",
                receipts=format_money(receipts),
                payments=format_money(payments),
            )
        )
        if view.opening is not None:
            text += " " + tr(
                "Balance at the end: {balance}.",
                balance=format_money(view.opening + receipts - payments),
            )
        self.totals_label.setText(text)
        self.goods_left = view.goods_left
        self.goods_label.setText(
            tr(
                "Goods received in kind, on hand now: {value} (not cash, not in the balance).",
                value=format_money(view.goods_value),
            )
            if view.goods_left
            else ""
        )
        self.goods_label.setVisible(bool(view.goods_left))
        self.reclassify_label.setText(
            ngettext(
                "{count} gift in kind is recorded as cash, from before gifts in kind had "
                "their own book.",
                "{count} gifts in kind are recorded as cash, from before gifts in kind had "
                "their own book.",
                view.cash_in_kind,
            ).format(count=format_int(view.cash_in_kind))
        )
        self.reclassify_row.setVisible(view.cash_in_kind > 0)
        if wanted is not None:
            self.select_entry(wanted)
        self._update_buttons()
        if not self.busy:
            self.loaded.emit()

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

    def _scope_changed(self) -> None:
        self._want_fund = None
        self.reload()

    def _update_buttons(self) -> None:
        current = self.current_fund()
        # A centre's fund is the centre's to write in; the office reads and prints it.
        ours = current is None or self.scope.owns("fund", current.id)
        writable = not self.ctx.read_only and ours
        fund = current is not None
        why = self.scope.not_ours_text("fund", current.id) if current and not ours else ""
        buttons = (
            self.close_year_button, self.receipt_button, self.payment_button,
            self.void_button, self.goods_button, self.reclassify_button,
        )  # fmt: skip
        if not hasattr(self, "_tips"):
            self._tips = {b: b.toolTip() for b in buttons}
        for button in buttons:
            button.setToolTip(why or self._tips[button])
        entry = self.selected_entry()
        can_void = entry is not None and entry.reversed_by is None and entry.reverses is None
        self.new_fund_button.setEnabled(not self.ctx.read_only)
        self.close_year_button.setEnabled(writable and fund)
        self.import_button.setEnabled(writable and fund)
        self.verify_button.setEnabled(fund)
        self.receipt_button.setEnabled(writable and fund)
        self.payment_button.setEnabled(writable and fund)
        self.void_button.setEnabled(writable and can_void)
        self.goods_button.setEnabled(
            writable and entry is not None and self.goods_left.get(entry.id, 0) > 0
        )
        self.reclassify_button.setEnabled(writable)
        self.voucher_button.setEnabled(entry is not None)
        for button in (
            self.cash_book_button, self.bank_book_button, self.disclosure_button,
            self.donors_button,
        ):  # fmt: skip
            button.setEnabled(fund)

    # Dialogs --------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        open_one_dialog(self, dialog)

    def new_fund(self) -> None:
        if self.ctx.read_only:
            return
        dialog = NewFundDialog(self.ctx, self)
        dialog.saved.connect(self._fund_created)
        self._open(dialog)

    def _fund_created(self, fund_id: str) -> None:
        # The op's news has asked for a reload already: show the new fund when it is in.
        row = self.funds_model.row_of(fund_id)
        if row is not None and not self._funds.busy:
            self.select_fund_row(row)
        else:
            self._want_fund = fund_id

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
        """Select the entry once the ledger has it, widening the period if it falls outside."""
        if not self.busy and self.select_entry(entry.id):
            return
        self._want_entry = entry.id
        start, end = self.period()
        if not start <= entry.entry_date <= end:
            self.set_period(min(start, entry.entry_date), max(end, entry.entry_date))
        if entry.kind not in self.kinds() and self.kinds():
            self.kind.setCurrentIndex(0)

    def void_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or self.ctx.read_only:
            return
        dialog = VoidDialog(self.ctx, entry, self)
        dialog.saved.connect(self._voided)
        self._open(dialog)

    def _voided(self, reversal: EntryRow) -> None:
        self.last_entry = reversal
        self._show_entry(reversal)
        self.ctx.notify(tr("Voided by {voucher}.", voucher=reversal.voucher))

    def hand_out_selected(self) -> None:
        entry = self.selected_entry()
        left = self.goods_left.get(entry.id, 0) if entry is not None else 0
        if entry is None or self.ctx.read_only or left <= 0:
            return
        dialog = GoodsIssueDialog(self.ctx, entry, left, self)
        dialog.saved.connect(self._entry_saved)
        self._open(dialog)

    def reclassify(self) -> None:
        fund = self.current_fund()
        if fund is None or self.ctx.read_only:
            return
        fund_id = fund.id

        def run() -> None:
            self.ctx.op(
                lambda ws: ws.fund.reclassify_in_kind(fund_id),
                self._reclassified,
                lambda exc: errors.report_error(self, _("Cannot do that"), exc),
                parent=self,
                title=_("Moving gifts in kind to the goods book"),
            )

        self.box = confirm(
            self,
            _("Move gifts in kind to the goods book?"),
            _(
                "Each gift in kind recorded as cash gets a reversal in the cash book and a "
                "goods receipt (NK) of the same goods and value. Nothing is changed or "
                "removed: both are added to the ledger, which stays intact."
            ),
            _("Move them"),
            run,
        )

    def _reclassified(self, moved: list[tuple[EntryRow, EntryRow, EntryRow]]) -> None:
        self.ctx.notify(
            ngettext(
                "{count} gift in kind moved to the goods book.",
                "{count} gifts in kind moved to the goods book.",
                len(moved),
            ).format(count=format_int(len(moved)))
        )

    def close_year(self) -> None:
        fund = self.current_fund()
        if fund is None:
            return
        self._open(CloseYearDialog(self.ctx, fund, self))

    def verify(self) -> None:
        def job(ws: Workspace, progress: Progress) -> VerifyReport:
            return ws.fund.verify(progress)

        # A read: the query thread checks while saves go on.
        self.ctx.task(self, _("Checking the ledger"), job, self._verified, write=False)

    def _verified(self, report: VerifyReport) -> None:
        self.last_report = report
        if report.ok:
            text = tr(
                "The ledger is intact: {entries} entries in {funds} funds checked.",
                entries=format_int(report.entries),
                funds=format_int(report.funds),
            )
            icon = QMessageBox.Icon.Information
            if not report.seal_checked:
                text += "\n\n" + tr(UNSEALED_MESSAGE, path=report.key_path)
                icon = QMessageBox.Icon.Warning
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
        print_document(
            self,
            self.ctx,
            _("Printing the voucher"),
            lambda ws: ws.fund_documents.prepare_voucher(voucher, fund_id),
            lambda prepared, out, _progress: Docs.render_voucher(prepared, out),
            f"{voucher.replace('/', '-')}.pdf",
        )

    def print_cash_book(self, account: Account = Account.CASH) -> None:
        """The cash book (cash entries) or the bank book (bank entries) of a period."""
        fund = self.current_fund()
        if fund is None:
            return
        fund_id = fund.id
        cash = account is Account.CASH
        title = _("Cash book") if cash else _("Bank book")
        stem = "Sổ quỹ" if cash else "Sổ tiền gửi"
        dialog = ReportDialog(title, period=self.period(), parent=self)

        def chosen() -> None:
            if dialog.chosen is None:
                return
            start, end = dialog.chosen
            xlsx = dialog.as_xlsx
            print_document(
                self,
                self.ctx,
                title,
                lambda ws: ws.fund_documents.prepare_cash_book(fund_id, start, end, account),
                lambda prepared, out, _progress: Docs.render_cash_book(prepared, out, xlsx),
                f"{stem} {start:%d-%m-%Y} - {end:%d-%m-%Y}.{'xlsx' if xlsx else 'pdf'}",
                xlsx=xlsx,
            )

        dialog.accepted.connect(chosen)
        self._open(dialog)

    def _year_report(self, title: str, stem: str, kind: str) -> None:
        fund = self.current_fund()
        if fund is None:
            return
        fund_id = fund.id
        dialog = ReportDialog(
            title, year=self.period()[0].year, numbered=kind == "disclosure", parent=self
        )

        def chosen() -> None:
            assert dialog.year is not None
            year, xlsx = dialog.year.value(), dialog.as_xlsx
            number = dialog.number.text() if dialog.number is not None else ""
            name = f"{stem} {year}.{'xlsx' if xlsx else 'pdf'}"
            if kind == "disclosure":
                print_document(
                    self,
                    self.ctx,
                    title,
                    lambda ws: ws.fund_documents.prepare_disclosure(fund_id, year, number),
                    lambda prepared, out, _progress: Docs.render_disclosure(prepared, out, xlsx),
                    name,
                    xlsx=xlsx,
                )
            else:
                print_document(
                    self,
                    self.ctx,
                    title,
                    lambda ws: ws.fund_documents.prepare_donors(fund_id, year),
                    lambda prepared, out, _progress: Docs.render_donors(prepared, out, xlsx),
                    name,
                    xlsx=xlsx,
                )

        dialog.accepted.connect(chosen)
        self._open(dialog)

    def print_disclosure(self) -> None:
        self._year_report(_("Disclosure sheet"), "Công khai quỹ", "disclosure")

    def print_donors(self) -> None:
        self._year_report(_("Donor list"), "Danh sách ủng hộ", "donors")


def entries_text(count: int) -> str:
    return ngettext("{count} entry.", "{count} entries.", count).format(count=format_int(count))
