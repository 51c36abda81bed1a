"""A new receipt (phiếu thu) or payment (phiếu chi), with the amount in words as it is typed."""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fund import (
    ACCOUNT_LABELS,
    KIND_LABELS,
    MAX_AMOUNT,
    MAX_PARTY_NAME,
    MAX_QUANTITY,
    MAX_REASON,
    PAYMENT_KINDS,
    RECEIPT_KINDS,
    RECIPIENT_KINDS,
    Account,
    Book,
    EntryInput,
    EntryKind,
    is_minor,
    validate_entry,
)
from desktop_app.core.money import amount_in_words
from desktop_app.core.problems import Problem, StoreError
from desktop_app.i18n import _, format_money, tr
from desktop_app.services.fund import EntryRow, FundRow
from desktop_app.ui.context import READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.khuyen_hoc.common import (
    AmountEdit,
    DateEdit,
    FieldRows,
    PersonPicker,
    amount_problem,
    date_problem,
    show_refusal,
)
from desktop_app.ui.widgets import Banner

CHECK_DELAY_MS = 300
FIELDS = (
    "kind", "entry_date", "amount", "party_name", "party_address", "reason", "in_kind",
    "quantity", "unit", "person_id", "school", "grade", "attachments", "account",
)  # fmt: skip
# The receipt form's kinds: money, then goods (a gift in kind goes to the goods book).
FORM_RECEIPT_KINDS = (*RECEIPT_KINDS, EntryKind.DONATION_IN_KIND)


class WordsLabel(QLabel):
    """The amount in words: wrapped, and always as tall as its whole text needs at its
    width, so no line is ever cut, whatever the amount, the font or the dialog's width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Italic through the font, not a style sheet: a style sheet would pin the font and
        # ignore the user's size.
        font = self.font()
        font.setItalic(True)
        self.setFont(font)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The form grows only expanding fields: without this the label keeps the width of
        # its first text and cuts the words off.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        # Room for two lines even when empty, so the form does not jump at every digit.
        self._floor = 2 * self.fontMetrics().lineSpacing() + 4
        self.setMinimumHeight(self._floor)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        needed = max(self._floor, self.heightForWidth(max(1, self.width())))
        if needed != self.minimumHeight():
            # A dialog grows to its layout's minimum: a longer text makes it taller.
            self.setMinimumHeight(needed)
            self.updateGeometry()


class EntryForm(QDialog):
    """Opened with `open()`; emits `saved` with the new ledger entry."""

    saved = Signal(object)  # EntryRow

    def __init__(
        self, ctx: AppContext, fund: FundRow, book: Book, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fund = fund
        self.book = book
        self.saving = False
        self._touched: set[str] = set()
        self._cash_text = fund.name
        receipt = book is Book.RECEIPT
        self.setWindowTitle(_("New receipt") if receipt else _("New payment"))
        self.setMinimumWidth(560)
        self.fields = FieldRows()
        add = self.fields.add_row

        layout = QVBoxLayout(self)
        self.banner = Banner(error=True)
        layout.addWidget(self.banner)
        self.fund_label = QLabel()
        self.fund_label.setWordWrap(True)
        layout.addWidget(self.fund_label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.kind = QComboBox()
        for kind in FORM_RECEIPT_KINDS if receipt else PAYMENT_KINDS:
            self.kind.addItem(_(KIND_LABELS[kind]), kind)
        add(form, _("&Kind:"), self.kind, "kind")

        self.date = DateEdit(dt.date.today())
        add(form, _("&Date:"), self.date, "entry_date")

        # A gift in kind: what, how many, of what unit, before its value.
        self.in_kind = QLineEdit()
        self.in_kind.setMaxLength(200)
        self.in_kind.setPlaceholderText(_("e.g. sách giáo khoa lớp 4"))
        add(form, _("&Goods:"), self.in_kind, "in_kind")
        self.quantity = QSpinBox()
        self.quantity.setRange(0, MAX_QUANTITY)
        self.quantity.setGroupSeparatorShown(True)
        add(form, _("&Quantity:"), self.quantity, "quantity")
        self.unit = QLineEdit()
        self.unit.setMaxLength(30)
        self.unit.setPlaceholderText(_("e.g. bộ, quyển, bao"))
        add(form, _("&Unit:"), self.unit, "unit")
        self.amount = AmountEdit()
        add(form, _("&Amount (đồng):"), self.amount, "amount")
        self.words = WordsLabel()
        form.addRow(_("In words:"), self.words)

        self.person = PersonPicker(ctx)
        add(form, _("&Pupil:"), self.person, "person_id")
        self.school = QLineEdit()
        add(form, _("&School:"), self.school, "school")
        self.grade = QLineEdit()
        self.grade.setPlaceholderText(_("e.g. 9A"))
        add(form, _("&Grade:"), self.grade, "grade")

        self.party_name = QLineEdit()
        self.party_name.setMaxLength(MAX_PARTY_NAME)
        party_label = _("&Paid in by:") if receipt else _("&Received by:")
        add(form, party_label, self.party_name, "party_name")
        self.party_address = QLineEdit()
        add(form, _("Add&ress:"), self.party_address, "party_address")
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        add(form, _("R&eason:"), self.reason, "reason")
        self.attachments = QSpinBox()
        self.attachments.setRange(0, 999)
        add(form, _("A&ttached papers:"), self.attachments, "attachments")
        self.account = QComboBox()
        for account in Account:
            self.account.addItem(_(ACCOUNT_LABELS[account]), account)
        add(form, _("Cash or ban&k:"), self.account, "account")
        layout.addLayout(form)
        layout.addWidget(self.fields.general)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self.amount.textChanged.connect(self._update_words)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.person.picked.connect(self._person_picked)
        for edit in (
            self.date, self.amount, self.party_name, self.party_address, self.reason,
            self.in_kind, self.unit, self.school, self.grade,
        ):  # fmt: skip
            edit.textEdited.connect(self._edited)
        self.quantity.valueChanged.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.attachments.valueChanged.connect(self._edited)

        chain: list[QWidget] = [
            self.kind, self.date, self.in_kind, self.quantity, self.unit, self.amount,
            self.person, self.school, self.grade, self.party_name, self.party_address,
            self.reason, self.attachments, self.save_button,
        ]  # fmt: skip
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self._show_balance()
        self._kind_changed()
        self._update_words()
        if ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
            self.save_button.setEnabled(False)
        self.amount.setFocus()

    # The form follows the kind ---------------------------------------------------------

    def current_kind(self) -> EntryKind:
        return EntryKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        recipient = kind in RECIPIENT_KINDS
        for field in ("person_id", "school", "grade"):
            self.fields.set_row_visible(field, recipient)
        goods = kind is EntryKind.DONATION_IN_KIND
        for field in ("in_kind", "quantity", "unit"):
            self.fields.set_row_visible(field, goods)
        # A gift in kind is valued, not paid in: the form says so, and nothing of cash.
        labels = self.fields.labels
        if self.book is Book.RECEIPT:
            labels["amount"].setText(
                _("&Value of the goods (đồng):") if goods else _("&Amount (đồng):")
            )
            labels["party_name"].setText(_("&Given by:") if goods else _("&Paid in by:"))
        self._label_receiver()
        self._show_fund()
        self.adjustSize()

    def _label_receiver(self) -> None:
        """For a minor pupil the receiver is the parent or guardian, who signs the voucher."""
        if self.book is Book.RECEIPT:
            return
        minor = self.current_kind() in RECIPIENT_KINDS and self._minor()
        text = _("&Received by (parent or guardian):") if minor else _("&Received by:")
        self.fields.labels["party_name"].setText(text)

    def _show_balance(self) -> None:
        """The fund and what it holds, read once (the form's one read on the GUI thread)."""
        try:
            balance = self.ctx.reader.fund.balance(self.fund.id)
        except StoreError:
            balance = None
        self._cash_text = self.fund.name
        if balance is not None:
            self._cash_text = tr(
                "{fund} — holds {balance}", fund=self.fund.name, balance=format_money(balance)
            )
        self._show_fund()

    def _show_fund(self) -> None:
        if self.current_kind() is EntryKind.DONATION_IN_KIND:
            self.fund_label.setText(
                tr(
                    "{fund} — goods are recorded in the goods book (NK), apart from the "
                    "fund's money.",
                    fund=self.fund.name,
                )
            )
        else:
            self.fund_label.setText(self._cash_text)

    def _update_words(self) -> None:
        try:
            amount = self.amount.amount()
        except ValueError:
            self.words.setText("")
            return
        if amount is None or amount <= 0 or amount > MAX_AMOUNT:
            self.words.setText("")
        else:
            self.words.setText(amount_in_words(amount))

    def _person_picked(self, person_id: str | None) -> None:
        # A minor's money is received by a parent or guardian, typed here: never the pupil.
        if person_id is not None and not self.party_name.text().strip() and not self._minor():
            self.party_name.setText(self.person.text())
        self._label_receiver()
        self._touched.add("person_id")
        self._check_timer.start()

    def _minor(self) -> bool:
        person_id = self.person.person_id
        if person_id is None:
            return False
        try:
            birth = self.ctx.reader.people.get(person_id).birth
        except StoreError:
            return False
        day, _p = date_problem(self.date, "entry_date")
        on = day or dt.date.today()
        return birth is not None and is_minor(birth.year, birth.month, birth.day, on)

    # Checking --------------------------------------------------------------------------

    def current_input(self) -> tuple[EntryInput, list[Problem]]:
        """What is typed, and the problems of typing that the entry cannot even hold."""
        problems: list[Problem] = []
        day, p = date_problem(self.date, "entry_date")
        problems += p
        amount, p = amount_problem(self.amount, "amount")
        problems += p
        kind = self.current_kind()
        recipient = kind in RECIPIENT_KINDS
        goods = kind is EntryKind.DONATION_IN_KIND
        data = EntryInput(
            fund_id=self.fund.id,
            kind=kind,
            entry_date=day or dt.date.today(),
            amount=amount,
            party_name=self.party_name.text(),
            party_address=self.party_address.text(),
            reason=self.reason.text(),
            in_kind=self.in_kind.text() if goods else "",
            quantity=self.quantity.value() if goods else 0,
            unit=self.unit.text() if goods else "",
            person_id=self.person.person_id if recipient else None,
            school=self.school.text() if recipient else "",
            grade=self.grade.text() if recipient else "",
            attachments=self.attachments.value(),
            account=Account(self.account.currentData()),
        )
        return data, problems

    def problems(self) -> list[Problem]:
        data, problems = self.current_input()
        typed = {p.field for p in problems}
        problems += [p for p in validate_entry(data, dt.date.today()) if p.field not in typed]
        return problems

    def _edited(self) -> None:
        sender = self.sender()
        field = sender.property("field") if sender is not None else None
        if isinstance(field, str):
            self._touched.add(field)
        self._check_timer.start()

    def check(self) -> None:
        """The same checks a save runs, shown only for the fields already typed in."""
        self._check_timer.stop()
        self.fields.show_problems(self.problems(), only=self._touched)

    # Saving ----------------------------------------------------------------------------

    def save(self) -> None:
        if self.saving or self.ctx.read_only:
            return
        self._check_timer.stop()
        problems = self.problems()
        if problems:
            self._touched.update(FIELDS)
            self.fields.show_problems(
                problems, [_("Some fields need fixing before the entry can be saved.")]
            )
            self.fields.focus_first(problems)
            return
        data, _p = self.current_input()
        self.fields.clear()
        self.saving = True
        self.save_button.setEnabled(False)
        self.ctx.op(
            lambda ws: ws.fund.record(data),
            self._saved,
            self._failed,
            parent=self,
            title=self.windowTitle(),
        )

    def _saved(self, entry: EntryRow) -> None:
        self.saving = False
        self.saved.emit(entry)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self._touched.update(FIELDS)
        show_refusal(self.fields, self, self.windowTitle(), exc)

    def reject(self) -> None:
        if not self.saving:
            super().reject()
