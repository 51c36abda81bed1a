"""The Members section: branches, members, dues, the unpaid list, cards, membership share."""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.members import Branch, Member
from desktop_app.core.problems import StoreError
from desktop_app.documents.member_cards import MemberCard
from desktop_app.i18n import _, format_int, ngettext, tr
from desktop_app.services.fund_documents import FundDocumentService
from desktop_app.services.members import DuesResult, MemberFilter
from desktop_app.services.workspace import Change, Workspace
from desktop_app.ui import errors, long_task
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.common import (
    ProgressFn,
    open_one_dialog,
    preview,
    report_failure,
    temp_path,
)
from desktop_app.ui.khuyen_hoc.dues_dialog import DuesDialog
from desktop_app.ui.khuyen_hoc.member_dialogs import (
    BranchDialog,
    MemberForm,
    RateDialog,
    rate_text,
)
from desktop_app.ui.khuyen_hoc.models import (
    M_BIRTH,
    M_BRANCH,
    M_HAMLET,
    M_JOINED,
    M_NAME,
    M_NUMBER,
    SORT_ROLE,
    MembersModel,
)
from desktop_app.ui.widgets import show_message

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 200
# Without a branch or a search the whole association could be tens of thousands of rows;
# a page of them keeps the GUI thread's read short, and the count says there are more.
ALL_LIMIT = 2000
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ENTITIES = ("member", "branch", "dues_rate", "dues_batch", "person", "hamlet")


def member_table(model: MembersModel) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    table = QTableView()
    table.setModel(proxy)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    widths = {M_NUMBER: 60, M_NAME: 200, M_BIRTH: 90, M_HAMLET: 110, M_BRANCH: 140, M_JOINED: 90}
    for column, width in widths.items():
        table.setColumnWidth(column, width)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's roster order
    proxy.setParent(table)
    return table, proxy


class MembersPage(QWidget):
    """One page of the main window. Reads on the GUI thread's reader, writes via the worker."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.branches: list[Branch] = []
        self.dialog: QDialog | None = None
        self.last_dues: DuesResult | None = None

        outer = QHBoxLayout(self)
        splitter = QSplitter()
        outer.addWidget(splitter)

        # Left: branches, then the dues rates.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(_("Branches (chi hội)")))
        self.branch_list = QListWidget()
        self.branch_list.setAccessibleName(_("Branches"))
        left_layout.addWidget(self.branch_list, 1)
        branch_buttons = QHBoxLayout()
        self.add_branch_button = QPushButton(_("Add…"))
        self.rename_branch_button = QPushButton(_("Rename…"))
        for button in (self.add_branch_button, self.rename_branch_button):
            button.setAutoDefault(False)
            branch_buttons.addWidget(button)
        left_layout.addLayout(branch_buttons)

        dues = QGroupBox(_("Dues"))
        dues_layout = QVBoxLayout(dues)
        self.rates_list = QListWidget()
        self.rates_list.setMaximumHeight(90)
        dues_layout.addWidget(self.rates_list)
        self.rate_button = QPushButton(_("Set rate…"))
        self.rate_button.setAutoDefault(False)
        dues_layout.addWidget(self.rate_button)
        left_layout.addWidget(dues)
        splitter.addWidget(left)

        # Right: search, members, actions.
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name or member number…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search"))
        top.addWidget(self.search, 1)
        self.count_label = QLabel()
        top.addWidget(self.count_label)
        right_layout.addLayout(top)

        self.model = MembersModel(self)
        self.table, self.proxy = member_table(self.model)
        self.table.activated.connect(lambda _i: self.edit_selected())
        right_layout.addWidget(self.table, 1)

        row1 = QHBoxLayout()
        self.new_button = QPushButton(_("&New member"))
        self.new_button.setToolTip(_("Add a member (Ctrl+N)"))
        self.edit_button = QPushButton(_("&Edit"))
        self.collect_button = QPushButton(_("&Collect dues for this branch…"))
        self.unpaid_button = QPushButton(_("&Unpaid…"))
        self.cards_button = QPushButton(_("Print member &cards…"))
        self.shares_button = QPushButton(_("Membership &share…"))
        for button in (
            self.new_button,
            self.edit_button,
            self.collect_button,
            self.unpaid_button,
            self.cards_button,
            self.shares_button,
        ):
            button.setAutoDefault(False)
            row1.addWidget(button)
        row1.addStretch(1)
        right_layout.addLayout(row1)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 800])

        self.add_branch_button.clicked.connect(self.add_branch)
        self.rename_branch_button.clicked.connect(self.rename_branch)
        self.rate_button.clicked.connect(self.set_rate)
        self.new_button.clicked.connect(self.new_member)
        self.edit_button.clicked.connect(self.edit_selected)
        self.collect_button.clicked.connect(self.collect_dues)
        self.unpaid_button.clicked.connect(self.show_unpaid)
        self.cards_button.clicked.connect(self.print_cards)
        self.shares_button.clicked.connect(self.show_shares)
        self.branch_list.currentRowChanged.connect(lambda _r: self.load_members())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.load_members)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self._shortcuts: list[QShortcut] = []
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.search.setFocus),
            (QKeySequence.StandardKey.New, self.new_member),
        ):
            shortcut = QShortcut(QKeySequence(keys), self, context=context)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

        ctx.changed.connect(self._on_change)
        self.reload()

    # Reading --------------------------------------------------------------------------

    def reload(self) -> None:
        branch_id = self.current_branch_id()
        try:
            self.branches = self.ctx.reader.members.branches()
            rates = self.ctx.reader.members.rates()
        except StoreError as exc:
            self._show_error(errors.store_error_text(exc))
            return
        self.branch_list.blockSignals(True)
        self.branch_list.clear()
        total = sum(b.members for b in self.branches)
        all_item = QListWidgetItem(tr("All branches ({count})", count=format_int(total)))
        all_item.setData(Qt.ItemDataRole.UserRole, None)
        self.branch_list.addItem(all_item)
        row = 0
        for i, b in enumerate(self.branches, start=1):
            item = QListWidgetItem(f"{b.name} ({format_int(b.members)})")
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            item.setToolTip(
                ngettext("{count} active member", "{count} active members", b.members).format(
                    count=format_int(b.members)
                )
            )
            self.branch_list.addItem(item)
            if b.id == branch_id:
                row = i
        self.branch_list.setCurrentRow(row)
        self.branch_list.blockSignals(False)
        self.rates_list.clear()
        for rate in rates:
            self.rates_list.addItem(rate_text(rate))
        self.load_members()

    def current_branch_id(self) -> str | None:
        item = self.branch_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return str(value) if value else None

    def current_branch(self) -> Branch | None:
        branch_id = self.current_branch_id()
        return next((b for b in self.branches if b.id == branch_id), None)

    def select_branch(self, branch_id: str | None) -> None:
        for row in range(self.branch_list.count()):
            if self.branch_list.item(row).data(Qt.ItemDataRole.UserRole) == branch_id:
                self.branch_list.setCurrentRow(row)
                return

    def load_members(self) -> None:
        self._search_timer.stop()
        selected = self.selected_member()
        branch_id = self.current_branch_id()
        flt = MemberFilter(branch_id=branch_id, text=self.search.text().strip())
        limit = None if branch_id or flt.text else ALL_LIMIT
        try:
            rows = self.ctx.reader.members.members(flt, limit)
        except StoreError as exc:
            self._show_error(errors.store_error_text(exc))
            return
        self.model.set_rows(rows)
        count = format_int(len(rows))
        text = ngettext("{count} member", "{count} members", len(rows)).format(count=count)
        if limit is not None and len(rows) >= limit:
            text = tr("First {count} members: pick a branch or search", count=count)
        self.count_label.setText(text)
        if selected is not None:
            self.select_member(selected.id)
        self._update_buttons()

    def selected_member(self) -> Member | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.member(self.proxy.mapToSource(rows[0]).row())

    def select_member(self, member_id: str) -> bool:
        row = self.model.row_of(member_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, M_NAME))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        branch = self.current_branch() is not None
        self.new_button.setEnabled(writable and bool(self.branches))
        self.edit_button.setEnabled(self.selected_member() is not None)
        self.collect_button.setEnabled(writable and branch)
        self.cards_button.setEnabled(self.model.rowCount() > 0)
        self.rename_branch_button.setEnabled(writable and branch)
        self.add_branch_button.setEnabled(writable)
        self.rate_button.setEnabled(writable)

    def _on_change(self, change: Change) -> None:
        if change.entity in ENTITIES:
            self.reload()

    # Dialogs --------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        open_one_dialog(self, dialog)

    def new_member(self) -> None:
        if self.ctx.read_only or not self.branches:
            return
        form = MemberForm(self.ctx, None, self.branches, self.current_branch_id(), self)
        form.saved.connect(self._member_saved)
        self._open(form)

    def edit_selected(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        form = MemberForm(self.ctx, member, self.branches, parent=self)
        form.saved.connect(self._member_saved)
        self._open(form)

    def _member_saved(self, change: Change) -> None:
        if change.ids:
            self.select_member(change.ids[0])
            self.ctx.notify(_("Member saved."))

    def add_branch(self) -> None:
        dialog = BranchDialog(self.ctx, None, self)
        dialog.saved.connect(lambda change: self.select_branch(change.ids[0]))
        self._open(dialog)

    def rename_branch(self) -> None:
        branch = self.current_branch()
        if branch is not None:
            self._open(BranchDialog(self.ctx, branch, self))

    def set_rate(self) -> None:
        try:
            rate = self.ctx.reader.members.rate(dt.date.today().year)
        except StoreError as exc:
            self._show_error(errors.store_error_text(exc))
            return
        self._open(RateDialog(self.ctx, rate, self))

    def collect_dues(self) -> None:
        branch = self.current_branch()
        if branch is None:
            self._show_error(_("Pick a branch on the left first."))
            return
        try:
            funds = self.ctx.reader.fund.funds()
        except StoreError as exc:
            self._show_error(errors.store_error_text(exc))
            return
        dialog = DuesDialog(self.ctx, branch, funds, self)
        dialog.collected.connect(self._dues_collected)
        self._open(dialog)

    def _dues_collected(self, result: DuesResult) -> None:
        self.last_dues = result
        # collect() returns its result, not a Change: tell every page ourselves (the fund
        # page listens for dues batches, which add a receipt).
        self.ctx.changed.emit(Change("dues_batch", "create", (result.batch_id,)))
        self.ctx.notify(tr("Dues saved as receipt {voucher}.", voucher=result.voucher))

    def show_unpaid(self) -> None:
        self._open(UnpaidDialog(self.ctx, self.branches, self.current_branch_id(), self))

    def show_shares(self) -> None:
        try:
            dialog = SharesDialog(self.ctx, self)
        except StoreError as exc:
            self._show_error(errors.store_error_text(exc))
            return
        self._open(dialog)

    def print_cards(self) -> None:
        branch = self.current_branch()
        branch_id = branch.id if branch else None
        name = f"Thẻ hội viên - {branch.name if branch else 'tất cả'}.pdf"
        out = temp_path(name)

        def cards(ws: Workspace, _progress: ProgressFn) -> list[MemberCard]:
            return ws.fund_documents.member_cards(branch_id)

        def render(prepared: list[MemberCard], progress: ProgressFn) -> int:
            # On the document pool: saves elsewhere in the app are not held up.
            FundDocumentService.render_member_cards(prepared, out, progress)
            return len(prepared)

        def done(count: int) -> None:
            self.ctx.run(lambda ws: ws.fund_documents.record_cards_printed(branch_id, count))
            preview(self, out, out.name)

        long_task.run_with_render(
            self,
            self.ctx,
            _("Printing member cards"),
            cards,
            render,
            done,
            lambda exc: report_failure(self, exc),
        )

    def _show_error(self, text: str) -> None:
        show_message(self, _("Cannot do that"), text)


class UnpaidDialog(QDialog):
    """Active members who have not paid a year's dues, for a branch or the whole commune."""

    def __init__(
        self,
        ctx: AppContext,
        branches: list[Branch],
        branch_id: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Unpaid dues"))
        self.resize(700, 500)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year:")))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        top.addWidget(self.year)
        top.addWidget(QLabel(_("Branch:")))
        self.branch = QComboBox()
        self.branch.addItem(_("All branches"), None)
        for b in branches:
            self.branch.addItem(b.name, b.id)
        self.branch.setCurrentIndex(max(0, self.branch.findData(branch_id)))
        top.addWidget(self.branch, 1)
        layout.addLayout(top)
        self.model = MembersModel(self)
        self.table, self.proxy = member_table(self.model)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.year.valueChanged.connect(lambda _v: self.load())
        self.branch.currentIndexChanged.connect(lambda _i: self.load())
        self.load()

    def load(self) -> None:
        year = self.year.value()
        try:
            rows = self.ctx.reader.members.unpaid(year, self.branch.currentData())
        except StoreError as exc:
            self.count_label.setText(errors.store_error_text(exc))
            return
        self.model.set_rows(rows)
        self.count_label.setText(
            ngettext(
                "{count} member has not paid for {year}.",
                "{count} members have not paid for {year}.",
                len(rows),
            ).format(count=format_int(len(rows)), year=year)
        )


class SharesDialog(QDialog):
    """Members as a share of the population, per hamlet and for the commune."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Membership share"))
        self.resize(520, 420)
        per, total = ctx.reader.members.shares()
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(per) + 1, 4)
        self.table.setHorizontalHeaderLabels(
            [_("Hamlet"), _("Population"), _("Members"), _("Share")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, share in enumerate([*per, total]):
            name = share.name or _("Whole commune")
            population = format_int(share.population) if share.population else "—"
            percent = f"{share.percent:.1f} %" if share.percent is not None else "—"
            for column, text in enumerate((name, population, format_int(share.members), percent)):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(row, column, item)
        layout.addWidget(self.table, 1)
        note = QLabel(_("Population comes from the hamlets in Settings; “—” means not given."))
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
