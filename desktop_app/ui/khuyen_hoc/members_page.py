"""The Members section: branches, members, dues, the unpaid list, cards, membership share."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
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

from desktop_app.core.members import Branch, DuesRate, Member, MemberStatus
from desktop_app.core.problems import StoreError
from desktop_app.i18n import _, format_int, format_percent, ngettext, tr
from desktop_app.services.fund_documents import FundDocumentService as Docs
from desktop_app.services.members import DuesResult, MemberFilter, Share
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.centre_scope import CentreScope
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import ImportWizard, WizardSlot
from desktop_app.ui.khuyen_hoc.common import Latest, open_one_dialog, print_document
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
    M_STATUS,
    SORT_ROLE,
    MembersModel,
)
from desktop_app.ui.widgets import show_message

log = logging.getLogger(__name__)

BUTTONS_A_ROW = 3

SEARCH_DELAY_MS = 200
# Without a branch or a search the whole association could be tens of thousands of rows;
# a page of them keeps the GUI thread's read short, and the count says there are more.
ALL_LIMIT = 2000
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# What the page shows: members are people (names, births, hamlets), in branches, with dues.
SHOWN_KINDS = frozenset(
    {"branch", "member", "dues_rate", "dues_batch", "dues_payment", "person", "hamlet"}
)

# What the unpaid list shows: active members without a payment for the year.
UNPAID_KINDS = frozenset({"member", "dues_payment", "dues_batch", "person", "hamlet", "branch"})


@dataclass(frozen=True)
class MembersView:
    rows: list[Member]
    limit: int | None  # the most asked for, when neither a branch nor a search narrows it


@dataclass(frozen=True)
class PageView:
    branches: list[Branch]
    rates: list[DuesRate]
    members: MembersView


def read_members(ws: Workspace, flt: MemberFilter, limit: int | None) -> MembersView:
    return MembersView(ws.members.members(flt, limit), limit)


def read_page(ws: Workspace, flt: MemberFilter, limit: int | None) -> PageView:
    return PageView(
        ws.members.branches(flt.sites), ws.members.rates(), read_members(ws, flt, limit)
    )


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
    header.setHighlightSections(False)
    widths = {M_NUMBER: 60, M_BIRTH: 90, M_JOINED: 90, M_STATUS: 120}
    fit_columns(table, widths, stretch=(M_NAME, M_HAMLET, M_BRANCH))
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's roster order
    proxy.setParent(table)
    return table, proxy


class MembersPage(QWidget):
    """One page of the main window: reads through `ctx.query`, writes through `ctx.op`, and
    refreshes when an op changes what it shows."""

    # The branches and the members on screen are up to date (tests wait for it).
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._branches_read = Latest()
        self._members_read = Latest()
        self._want_branch: str | None = None  # to select once the branches are read
        self._want_member: str | None = None  # to select once the members are read
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
        self.scope = CentreScope(ctx, left)
        self.scope.changed.connect(self._scope_changed)
        left_layout.addWidget(self.scope)
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

        # Three a row: in one row the long Vietnamese labels would widen the window past a
        # laptop's screen.
        row1 = QGridLayout()
        self.new_button = QPushButton(_("&New member"))
        self.new_button.setToolTip(_("Add a member (Ctrl+N)"))
        self.edit_button = QPushButton(_("&Edit"))
        self.collect_button = QPushButton(_("&Collect dues for this branch…"))
        self.unpaid_button = QPushButton(_("&Unpaid…"))
        self.cards_button = QPushButton(_("Print member &cards…"))
        self.shares_button = QPushButton(_("Membership &share…"))
        self.import_button = QPushButton(_("Import from Excel…"))
        self.import_button.setToolTip(_("Bring in a list of members kept in Excel"))
        self.imports = WizardSlot(ctx, self)
        for i, button in enumerate(
            (
                self.new_button,
                self.edit_button,
                self.collect_button,
                self.unpaid_button,
                self.cards_button,
                self.shares_button,
                self.import_button,
            )
        ):
            button.setAutoDefault(False)
            row1.addWidget(button, i // BUTTONS_A_ROW, i % BUTTONS_A_ROW)
        row1.setColumnStretch(BUTTONS_A_ROW, 1)
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
        self.import_button.clicked.connect(lambda _c=False: self.open_import())
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

        # Refresh by subscription: a member saved here, a person renamed on the people page,
        # a dues batch, the demo fill: every op that changes what the page shows lands here.
        ctx.subscribe(self, SHOWN_KINDS, lambda _changes: self.reload())
        self.reload()

    # Reading: on the query thread, only the newest answer is shown -----------------------

    @property
    def busy(self) -> bool:
        """A read is under way whose answer the page has not shown yet."""
        return self._branches_read.busy or self._members_read.busy

    def _filter(self, branch_id: str | None) -> tuple[MemberFilter, int | None]:
        text = self.search.text().strip()
        return MemberFilter(branch_id=branch_id, text=text, sites=self.scope.sites()), (
            None if branch_id or text else ALL_LIMIT
        )

    def reload(self) -> None:
        """Read the branches with their counts, the rates, and the members listed."""
        self._search_timer.stop()
        branch_id = self._want_branch or self.current_branch_id()
        flt, limit = self._filter(branch_id)
        branches, members = self._branches_read.ask(), self._members_read.ask()
        self.ctx.query(
            lambda ws: read_page(ws, flt, limit),
            lambda view: self._page_read(branches, members, flt, view),
            lambda exc: self._read_failed(exc, branches=branches, members=members),
            parent=self,
            title=_("Loading…"),
        )

    def _page_read(self, branches: int, members: int, flt: MemberFilter, view: PageView) -> None:
        if not self._branches_read.answer(branches):
            return  # a newer reload is under way
        chosen = self._want_branch or self.current_branch_id()
        self._want_branch = None
        self.branches = view.branches
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
            if b.id == chosen:
                row = i
        self.branch_list.setCurrentRow(row)
        self.branch_list.blockSignals(False)
        self.rates_list.clear()
        for rate in view.rates:
            self.rates_list.addItem(rate_text(rate))
        same = self._filter(self.current_branch_id())[0] == flt
        if same and self._members_read.answer(members):
            self._show_members(view.members)
        elif not same or not self._members_read.busy:
            # The branch or the search changed meanwhile, and no read asks for them yet.
            self.load_members()
        else:
            self._update_buttons()

    def _read_failed(self, exc: BaseException, *, branches: int = -1, members: int = -1) -> None:
        latest = self._branches_read.answer(branches) | self._members_read.answer(members)
        if latest:
            errors.report_error(self, _("Cannot do that"), exc)

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
        """Read the members of the branch and search chosen."""
        self._search_timer.stop()
        flt, limit = self._filter(self.current_branch_id())
        members = self._members_read.ask()
        self.ctx.query(
            lambda ws: read_members(ws, flt, limit),
            lambda view: self._members_done(members, view),
            lambda exc: self._read_failed(exc, members=members),
            parent=self,
            title=_("Loading…"),
        )

    def _members_done(self, members: int, view: MembersView) -> None:
        if self._members_read.answer(members):
            self._show_members(view)

    def _show_members(self, view: MembersView) -> None:
        selected = self.selected_member()
        wanted = self._want_member or (selected.id if selected else None)
        self._want_member = None
        rows, limit = view.rows, view.limit
        self.model.set_rows(rows)
        count = format_int(len(rows))
        text = ngettext("{count} member", "{count} members", len(rows)).format(count=count)
        active = sum(1 for r in rows if r.status is MemberStatus.ACTIVE)
        if active != len(rows):
            # The branch list counts active members: say how many of these are, so the two
            # figures can be read together.
            text += " " + tr("({active} active)", active=format_int(active))
        if limit is not None and len(rows) >= limit:
            text = tr("First {count} members: pick a branch or search", count=count)
        self.count_label.setText(text)
        if wanted is not None:
            self.select_member(wanted)
        self._update_buttons()
        if not self.busy:
            self.loaded.emit()

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

    def _scope_changed(self) -> None:
        self._want_branch = None
        self.branch_list.setCurrentRow(0)
        self.reload()

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        current = self.current_branch()
        branch = current is not None
        member = self.selected_member()
        # At an office a centre's members and branches are that centre's to edit.
        ours = member is None or self.scope.owns("member", member.id)
        branch_ours = current is None or self.scope.owns("branch", current.id)
        self.new_button.setEnabled(writable and bool(self.branches) and branch_ours)
        self.import_button.setEnabled(writable)
        self.edit_button.setEnabled(member is not None and ours)
        self.edit_button.setToolTip(
            self.scope.not_ours_text("member", member.id) if member and not ours else ""
        )
        self.collect_button.setEnabled(writable and branch and branch_ours)
        self.cards_button.setEnabled(self.model.rowCount() > 0)
        self.rename_branch_button.setEnabled(writable and branch and branch_ours)
        self.add_branch_button.setEnabled(writable)
        self.rate_button.setEnabled(writable)

    # Dialogs --------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        open_one_dialog(self, dialog)

    def open_import(self) -> ImportWizard | None:
        """The import wizard for a list of members; the branch shown is the default of the
        rows that name none."""
        return self.imports.open("members", self.current_branch_id())

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
        if not self.scope.owns("member", member.id):
            self.dialog = show_message(
                self, _("Cannot do that"), self.scope.not_ours_text("member", member.id)
            )
            return
        form = MemberForm(self.ctx, member, self.branches, parent=self)
        form.saved.connect(self._member_saved)
        self._open(form)

    def _member_saved(self, member_id: str) -> None:
        # The op's news has asked for a reload already: select the member when it is in.
        if self.busy or not self.select_member(member_id):
            self._want_member = member_id
        self.ctx.notify(_("Member saved."))

    def add_branch(self) -> None:
        dialog = BranchDialog(self.ctx, None, self)
        dialog.saved.connect(self._branch_added)
        self._open(dialog)

    def _branch_added(self, branch_id: str) -> None:
        if self._branches_read.busy:
            self._want_branch = branch_id
        else:
            self.select_branch(branch_id)

    def rename_branch(self) -> None:
        branch = self.current_branch()
        if branch is not None:
            self._open(BranchDialog(self.ctx, branch, self))

    def set_rate(self) -> None:
        try:
            rate = self.ctx.reader.members.rate(dt.date.today().year)
        except StoreError as exc:
            errors.report_error(self, _("Dues rate"), exc)
            return
        self._open(RateDialog(self.ctx, rate, self))

    def collect_dues(self) -> None:
        branch = self.current_branch()
        if branch is None:
            show_message(self, _("Cannot do that"), _("Pick a branch on the left first."))
            return
        try:
            funds = self.ctx.reader.fund.funds()
        except StoreError as exc:
            errors.report_error(self, _("Cannot do that"), exc)
            return
        dialog = DuesDialog(self.ctx, branch, funds, self)
        dialog.collected.connect(self._dues_collected)
        self._open(dialog)

    def _dues_collected(self, result: DuesResult) -> None:
        self.last_dues = result
        # Both pages have refreshed already: the op announced its dues batch, payments and
        # the receipt it wrote in the ledger.
        self.ctx.notify(tr("Dues saved as receipt {voucher}.", voucher=result.voucher))

    def show_unpaid(self) -> None:
        self._open(UnpaidDialog(self.ctx, self.branches, self.current_branch_id(), self))

    def show_shares(self) -> None:
        self.ctx.query(
            lambda ws: ws.members.shares(),
            lambda shares: self._open(SharesDialog(*shares, parent=self)),
            parent=self,
            title=_("Membership share"),
        )

    def print_cards(self) -> None:
        branch = self.current_branch()
        branch_id = branch.id if branch else None
        # Cards render on the document pool: saves elsewhere in the app are not held up.
        print_document(
            self,
            self.ctx,
            _("Printing member cards"),
            lambda ws: ws.fund_documents.prepare_member_cards(branch_id),
            lambda prepared, out, progress: Docs.render_member_cards(prepared.cards, out, progress),
            f"Thẻ hội viên - {branch.name if branch else 'tất cả'}.pdf",
        )


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
        # Printed for the branch heads who collect the dues; exported for the association's
        # own spreadsheet. Both are the list shown, for the year and branch chosen.
        self.print_button = buttons.addButton(_("&Print…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button = buttons.addButton(
            _("&Export to Excel…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        for button in (self.print_button, self.export_button):
            button.setAutoDefault(False)
        self.print_button.clicked.connect(lambda: self.print_list(xlsx=False))
        self.export_button.clicked.connect(lambda: self.print_list(xlsx=True))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._latest = Latest()
        self.year.valueChanged.connect(lambda _v: self.load())
        self.branch.currentIndexChanged.connect(lambda _i: self.load())
        # Open beside the work: a dues batch saved meanwhile takes its payers off the list.
        ctx.subscribe(self, UNPAID_KINDS, lambda _changes: self.load())
        self.load()

    @property
    def busy(self) -> bool:
        return self._latest.busy

    def load(self) -> None:
        year, branch_id = self.year.value(), self.branch.currentData()
        asked = self._latest.ask()
        self.ctx.query(
            lambda ws: ws.members.unpaid(year, branch_id),
            lambda rows: self._loaded(asked, year, rows),
            lambda exc: self._failed(asked, exc),
            parent=self,
            title=_("Unpaid dues"),
        )

    def _loaded(self, asked: int, year: int, rows: list[Member]) -> None:
        if not self._latest.answer(asked):
            return
        self.model.set_rows(rows)
        self.count_label.setText(
            ngettext(
                "{count} member has not paid for {year}.",
                "{count} members have not paid for {year}.",
                len(rows),
            ).format(count=format_int(len(rows)), year=year)
        )

    def _failed(self, asked: int, exc: BaseException) -> None:
        if self._latest.answer(asked):
            self.count_label.setText("")
            errors.report_error(self, _("Unpaid dues"), exc)

    def print_list(self, xlsx: bool) -> None:
        year, branch_id = self.year.value(), self.branch.currentData()
        branch = self.branch.currentText() if branch_id else "tất cả"
        print_document(
            self,
            self.ctx,
            _("Unpaid dues"),
            lambda ws: ws.fund_documents.prepare_unpaid(year, branch_id),
            lambda prepared, out, _progress: Docs.render_unpaid(prepared, out, xlsx),
            f"Chưa đóng hội phí {year} - {branch}.{'xlsx' if xlsx else 'pdf'}",
            xlsx=xlsx,
        )


class SharesDialog(QDialog):
    """Members as a share of the population, per hamlet and for the commune."""

    def __init__(self, per: list[Share], total: Share, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Membership share"))
        self.resize(520, 420)
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
            percent = format_percent(share.percent) if share.percent is not None else "—"
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
