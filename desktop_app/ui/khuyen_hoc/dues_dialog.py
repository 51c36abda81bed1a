"""Collecting a branch's dues for a year from the collector's paper, checked against its totals."""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.members import Branch, DuesBatchInput, DuesRate, Member
from desktop_app.core.problems import N_, Problem
from desktop_app.i18n import _, format_int, format_money, tr
from desktop_app.services.fund import FundRow
from desktop_app.services.members import DuesResult
from desktop_app.ui import errors
from desktop_app.ui.context import READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.fit import resize_within_screen
from desktop_app.ui.khuyen_hoc.common import (
    AmountEdit,
    DateEdit,
    FieldRows,
    Latest,
    amount_problem,
    date_problem,
    show_refusal,
)
from desktop_app.ui.khuyen_hoc.models import D_AMOUNT, D_NAME, D_NUMBER, D_PAID, DuesModel
from desktop_app.ui.widgets import Banner

log = logging.getLogger(__name__)


class DuesDialog(QDialog):
    """Tick who paid, type the paper's count and total; Save only when they match."""

    collected = Signal(object)  # DuesResult

    def __init__(
        self, ctx: AppContext, branch: Branch, funds: list[FundRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.branch = branch
        self.saving = False
        self.result_: DuesResult | None = None
        self.setWindowTitle(tr("Collect dues — {branch}", branch=branch.name))
        resize_within_screen(self, 640, 620)
        self.fields = FieldRows()
        layout = QVBoxLayout(self)
        self.banner = Banner(error=True)
        layout.addWidget(self.banner)

        top = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.fields.add_row(top, _("&Year:"), self.year, "year")
        self.date = DateEdit(dt.date.today())
        self.fields.add_row(top, _("&Date:"), self.date, "collected_on")
        self.collector = QLineEdit()
        self.collector.setPlaceholderText(_("who brought the money"))
        self.fields.add_row(top, _("C&ollector:"), self.collector, "collector")
        # The receipt prints the payer's address, as the voucher form asks.
        self.collector_address = QLineEdit()
        self.collector_address.setPlaceholderText(_("hamlet, commune, province"))
        self.fields.add_row(top, _("Add&ress:"), self.collector_address, "collector_address")
        self.fund = QComboBox()
        for fund in funds:
            self.fund.addItem(fund.name, fund.id)
        self.fields.add_row(top, _("&Fund:"), self.fund, "fund_id")
        layout.addLayout(top)

        self.rate_label = QLabel()
        self.rate_label.setWordWrap(True)
        layout.addWidget(self.rate_label)
        self.model = DuesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(D_NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((D_PAID, 50), (D_NUMBER, 70), (D_AMOUNT, 110)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.payments_message = self.fields.add_message("payments", self.table)
        layout.addWidget(self.payments_message)

        ticks = QHBoxLayout()
        self.tick_all = QPushButton(_("Tick &all"))
        self.untick_all = QPushButton(_("&Untick all"))
        for button in (self.tick_all, self.untick_all):
            button.setAutoDefault(False)
            ticks.addWidget(button)
        self.tick_all.clicked.connect(lambda: self.model.set_all(True))
        self.untick_all.clicked.connect(lambda: self.model.set_all(False))
        ticks.addStretch(1)
        self.ticked_label = QLabel()
        ticks.addWidget(self.ticked_label)
        layout.addLayout(ticks)

        paper = QFormLayout()
        note = QLabel(_("From the collector's paper:"))
        paper.addRow(note)
        self.expected_count = QLineEdit()
        self.expected_count.setPlaceholderText(_("number of members on the paper"))
        self.fields.add_row(paper, _("Members &paid:"), self.expected_count, "expected_count")
        self.expected_total = AmountEdit()
        self.fields.add_row(paper, _("&Total collected:"), self.expected_total, "expected_total")
        layout.addLayout(paper)

        layout.addWidget(self.fields.general)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_label.hide()
        layout.addWidget(self.done_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._latest = Latest()
        self.model.totals_changed.connect(self._update_ticked)
        self.year.valueChanged.connect(lambda _y: self.load())
        if not funds:
            self.banner.show_text(_("Create the fund first: dues are receipts of the fund."))
            self.save_button.setEnabled(False)
        if ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
            self.save_button.setEnabled(False)
        self.load()
        self.collector.setFocus()

    @property
    def busy(self) -> bool:
        return self._latest.busy

    def load(self) -> None:
        """The year's unpaid active members of the branch, each at the year's rate."""
        year, branch_id = self.year.value(), self.branch.id
        asked = self._latest.ask()
        self.ctx.query(
            lambda ws: (ws.members.rate(year), ws.members.unpaid(year, branch_id)),
            lambda answer: self._loaded(asked, year, *answer),
            lambda exc: self._load_failed(asked, exc),
            parent=self,
            title=self.windowTitle(),
        )

    def _loaded(self, asked: int, year: int, rate: DuesRate | None, unpaid: list[Member]) -> None:
        if not self._latest.answer(asked):
            return
        amount = rate.amount if rate else 0
        if rate is None:
            self.rate_label.setText(
                tr("No dues rate is set for {year}; set it first, or type each amount.", year=year)
            )
        else:
            self.rate_label.setText(
                tr(
                    "Not yet paid for {year}: {count} members. Dues: {amount} each.",
                    count=format_int(len(unpaid)),
                    year=year,
                    amount=format_money(amount),
                )
            )
        self.model.set_members(unpaid, amount)

    def _load_failed(self, asked: int, exc: BaseException) -> None:
        if self._latest.answer(asked):
            errors.report_error(self, self.windowTitle(), exc)

    def _update_ticked(self) -> None:
        count, total = self.model.ticked()
        self.ticked_label.setText(
            tr(
                "Ticked members: {count}. Total: {total}",
                count=format_int(count),
                total=format_money(total),
            )
        )

    def current_batch(self) -> tuple[DuesBatchInput | None, list[Problem]]:
        problems: list[Problem] = []
        day, p = date_problem(self.date, "collected_on")
        problems += p
        text = self.expected_count.text().strip()
        count = int(text) if text.isdigit() else -1
        if count < 0:
            problems.append(Problem("expected_count", N_("Type how many members the paper lists.")))
        total, p = amount_problem(self.expected_total, "expected_total")
        problems += p
        if not self.expected_total.text().strip():
            problems.append(Problem("expected_total", N_("Type the total written on the paper.")))
        if not self.model.payments():
            problems.append(Problem("payments", N_("Tick the members who paid.")))
        if problems or day is None:
            return None, problems
        batch = DuesBatchInput(
            branch_id=self.branch.id,
            year=self.year.value(),
            collected_on=day,
            collector=self.collector.text(),
            expected_count=count,
            expected_total=total,
            payments=self.model.payments(),
            collector_address=self.collector_address.text(),
        )
        return batch, []

    def save(self) -> None:
        if self.saving or self.ctx.read_only or self.result_ is not None:
            if self.result_ is not None:
                self.accept()
            return
        batch, problems = self.current_batch()
        if batch is None:
            self.fields.show_problems(problems)
            self.fields.focus_first(problems)
            return
        fund_id = str(self.fund.currentData())
        self.fields.clear()
        self.saving = True
        self.save_button.setEnabled(False)
        self.ctx.op(
            lambda ws: ws.members.collect(batch, fund_id),
            self._saved,
            self._failed,
            parent=self,
            title=self.windowTitle(),
        )

    def _saved(self, result: DuesResult) -> None:
        self.saving = False
        self.result_ = result
        # The dialog stays open on its result, so the receipt number can be written on the paper.
        self.done_label.setText(
            tr(
                "Saved as receipt {voucher}: {count} members, {total}; "
                "{upper} of it goes to the upper level.",
                voucher=result.voucher,
                count=result.members,
                total=format_money(result.total),
                upper=format_money(result.upper_share),
            )
        )
        self.done_label.show()
        self.save_button.setEnabled(True)
        self.save_button.setText(_("Close"))
        self.cancel_button.hide()
        for widget in (self.table, self.expected_count, self.expected_total, self.year):
            widget.setEnabled(False)
        self.collected.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        show_refusal(self.fields, self, self.windowTitle(), exc)

    def reject(self) -> None:
        if not self.saving:
            super().reject()
