"""Dialogs of the Fund section: a new fund, voiding an entry, closing a year, report options."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fund import KIND_LABELS
from desktop_app.core.problems import N_, Problem, StoreError
from desktop_app.i18n import _, format_date, format_int, format_money, tr
from desktop_app.services.fund import EntryRow, FundInput, FundRow
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.common import (
    AmountEdit,
    DateEdit,
    amount_problem,
    date_problem,
)
from desktop_app.ui.khuyen_hoc.member_dialogs import _FormDialog


class NewFundDialog(_FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("New fund"), parent)
        self.setMinimumWidth(480)
        add = self.fields.add_row
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Quỹ Khuyến học xã"))
        add(self.form, _("&Name:"), self.name, "name")
        self.opening_balance = AmountEdit()
        self.opening_balance.set_amount(0)
        add(self.form, _("&Opening balance:"), self.opening_balance, "opening_balance")
        self.opening_date = DateEdit(dt.date(dt.date.today().year, 1, 1))
        add(self.form, _("Opening &date:"), self.opening_date, "opening_date")
        self.carried_from = QLineEdit()
        self.carried_from.setPlaceholderText(_("e.g. the fund of the former commune"))
        add(self.form, _("&Carried over from:"), self.carried_from, "carried_from")
        self.transfer_document = QLineEdit()
        self.transfer_document.setPlaceholderText(_("e.g. Biên bản bàn giao số 05/BB-HKH"))
        add(self.form, _("&Transfer document:"), self.transfer_document, "transfer_document")
        self.finish_layout()
        self.name.setFocus()

    def save(self) -> None:
        if self.saving or self.ctx.read_only:
            return
        balance, problems = amount_problem(self.opening_balance, "opening_balance")
        day, p = date_problem(self.opening_date, "opening_date")
        problems += p
        if problems:
            self.fields.show_problems(problems)
            self.fields.focus_first(problems)
            return
        data = FundInput(
            name=self.name.text(),
            opening_balance=balance,
            opening_date=day,
            carried_from=self.carried_from.text(),
            transfer_document=self.transfer_document.text(),
        )
        self.fields.clear()
        self.submit(lambda ws: ws.fund.create(data))


class VoidDialog(_FormDialog):
    """Cancel an entry: a reversal is appended; the original stays, marked as voided."""

    def __init__(self, ctx: AppContext, entry: EntryRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Void voucher {voucher}", voucher=entry.voucher), parent)
        self.entry = entry
        self.setMinimumWidth(460)
        what = QLabel(
            tr(
                "{voucher} of {date}: {kind}, {amount}, {party}.",
                voucher=entry.voucher,
                date=format_date(entry.entry_date),
                kind=_(KIND_LABELS[entry.kind]),
                amount=format_money(entry.amount),
                party=entry.party_name,
            )
        )
        what.setWordWrap(True)
        self.form.addRow(what)
        note = QLabel(
            _(
                "The entry is not deleted: a reversal with the next number cancels it, "
                "and both stay in the book."
            )
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. wrong amount, typed twice"))
        self.fields.add_row(self.form, _("&Reason:"), self.reason, "reason")
        self.date = DateEdit(dt.date.today())
        self.fields.add_row(self.form, _("Date of the &reversal:"), self.date, "entry_date")
        self.finish_layout()
        # Voiding and leaving the dialog must never read alike ("Hủy phiếu" beside "Hủy"):
        # the action says what it does, the way out says the voucher stays.
        self.save_button.setText(_("Void the voucher"))
        self.keep_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.keep_button.setText(_("Keep the voucher"))
        self.reason.setFocus()

    def save(self) -> None:
        if self.saving or self.ctx.read_only:
            return
        day, problems = date_problem(self.date, "entry_date")
        if not self.reason.text().strip():
            problems.append(Problem("reason", N_("Type the reason.")))
        if problems or day is None:
            self.fields.show_problems(problems)
            self.fields.focus_first(problems)
            return
        reason, entry_id = self.reason.text(), self.entry.id
        self.fields.clear()
        self.submit(lambda ws: ws.fund.void(entry_id, reason, day))


class GoodsIssueDialog(_FormDialog):
    """Hand out goods of one goods receipt (NK): an XK record naming who received them."""

    def __init__(
        self, ctx: AppContext, lot: EntryRow, left: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, tr("Hand out goods of {voucher}", voucher=lot.voucher), parent)
        self.lot = lot
        self.setMinimumWidth(480)
        what = QLabel(
            tr(
                "{voucher}: {items}, given by {party}. Left: {left} {unit}.",
                voucher=lot.voucher,
                items=lot.in_kind,
                party=lot.party_name,
                left=format_int(left),
                unit=lot.unit,
            )
        )
        what.setWordWrap(True)
        self.form.addRow(what)
        add = self.fields.add_row
        self.quantity = QSpinBox()
        self.quantity.setRange(0, max(0, left))
        self.quantity.setValue(min(1, left))
        self.quantity.setSuffix(f" {lot.unit}")
        add(self.form, _("&Quantity:"), self.quantity, "quantity")
        self.recipients = QPlainTextEdit()
        self.recipients.setPlaceholderText(_("One name a line, e.g. the pupils who received them"))
        self.recipients.setTabChangesFocus(True)
        self.recipients.setFixedHeight(5 * self.recipients.fontMetrics().lineSpacing() + 12)
        add(self.form, _("Received &by:"), self.recipients, "recipients")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. Tặng học sinh nghèo vượt khó"))
        add(self.form, _("R&eason:"), self.reason, "reason")
        self.date = DateEdit(dt.date.today())
        add(self.form, _("&Date:"), self.date, "entry_date")
        self.finish_layout()
        self.save_button.setText(_("Hand out"))
        self.quantity.setFocus()

    def names(self) -> list[str]:
        return [" ".join(line.split()) for line in self.recipients.toPlainText().splitlines()
                if line.strip()]  # fmt: skip

    def save(self) -> None:
        from desktop_app.core.fund import GoodsIssueInput

        if self.saving or self.ctx.read_only:
            return
        day, problems = date_problem(self.date, "entry_date")
        if problems or day is None:
            self.fields.show_problems(problems)
            self.fields.focus_first(problems)
            return
        data = GoodsIssueInput(
            fund_id=self.lot.fund_id,
            source_id=self.lot.id,
            quantity=self.quantity.value(),
            recipients="; ".join(self.names()),
            entry_date=day,
            reason=self.reason.text(),
        )
        self.fields.clear()
        self.submit(lambda ws: ws.fund.goods_issue(data))


class CloseYearDialog(_FormDialog):
    """Lock a finished year: nothing can be dated in it afterwards."""

    def __init__(self, ctx: AppContext, fund: FundRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Close year"), parent)
        self.fund = fund
        self.setMinimumWidth(440)
        try:
            closed = ctx.reader.fund.closed_years(fund.id)
        except StoreError as exc:
            closed = []
            self.banner.show_text(errors.store_error_text(exc))
        self.closed_label = QLabel(
            tr("Closed years: {years}", years=", ".join(map(str, closed)))
            if closed
            else _("No year is closed yet.")
        )
        self.form.addRow(self.closed_label)
        self.year = QSpinBox()
        self.year.setRange(fund.opening_date.year, dt.date.today().year)
        self.year.setValue(max(fund.opening_date.year, dt.date.today().year - 1))
        self.fields.add_row(self.form, _("&Year:"), self.year, "year")
        self.balance_label = QLabel()
        self.balance_label.setWordWrap(True)
        self.form.addRow(self.balance_label)
        self.finish_layout()
        self.save_button.setText(_("Close year"))
        self.year.valueChanged.connect(lambda _y: self._show_balance())
        self._show_balance()

    def _show_balance(self) -> None:
        year = self.year.value()
        try:
            balance = self.ctx.reader.fund.balance(self.fund.id, dt.date(year, 12, 31))
        except StoreError as exc:
            self.balance_label.setText(errors.store_error_text(exc))
            return
        self.balance_label.setText(
            tr(
                "Balance on 31/12/{year}: {balance}. After closing, nothing can be dated "
                "in {year} or before.",
                year=year,
                balance=format_money(balance),
            )
        )

    def save(self) -> None:
        if self.saving or self.ctx.read_only:
            return
        fund_id, year = self.fund.id, self.year.value()
        self.fields.clear()
        self.submit(lambda ws: ws.fund.close_year(fund_id, year))


class ReportDialog(QDialog):
    """What to print: a period or a year, as PDF (preview) or Excel."""

    def __init__(
        self,
        title: str,
        *,
        period: tuple[dt.date, dt.date] | None = None,
        year: int | None = None,
        numbered: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.start: DateEdit | None = None
        self.end: DateEdit | None = None
        self.year: QSpinBox | None = None
        if period is not None:
            self.start = DateEdit(period[0])
            self.end = DateEdit(period[1])
            form.addRow(_("&From:"), self.start)
            form.addRow(_("&To:"), self.end)
        if year is not None:
            self.year = QSpinBox()
            self.year.setRange(2000, 2100)
            self.year.setValue(year)
            form.addRow(_("&Year:"), self.year)
        # A document sent out has a number ("Số: 05/BC-HKH"); empty leaves dots to write it in.
        self.number: QLineEdit | None = None
        if numbered:
            self.number = QLineEdit()
            self.number.setMaxLength(40)
            self.number.setPlaceholderText(_("e.g. 05/BC-HKH (empty: written in by hand)"))
            form.addRow(_("Document &number:"), self.number)
        formats = QHBoxLayout()
        self.pdf = QRadioButton(_("PDF (preview)"))
        self.xlsx = QRadioButton(_("Excel (.xlsx)"))
        self.pdf.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.pdf, self.xlsx):
            group.addButton(button)
            formats.addWidget(button)
        form.addRow(_("Format:"), formats)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Print"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.chosen: tuple[dt.date, dt.date] | None = None

    def _accept(self) -> None:
        if self.start is not None and self.end is not None:
            start, p1 = date_problem(self.start, "start")
            end, p2 = date_problem(self.end, "end")
            if p1 or p2 or start is None or end is None or end < start:
                self.message.setText(
                    _("Type both dates as dd/mm/yyyy, the first not after the second.")
                )
                self.message.show()
                return
            self.chosen = (start, end)
        self.accept()

    @property
    def as_xlsx(self) -> bool:
        return self.xlsx.isChecked()
