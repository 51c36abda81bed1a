"""Dialogs of the Members section: a member, a branch, a year's dues rate."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.members import (
    BRANCH_KIND_LABELS,
    MEMBER_STATUS_LABELS,
    Branch,
    BranchKind,
    DuesRate,
    Member,
    MemberStatus,
)
from desktop_app.core.problems import N_, Problem
from desktop_app.i18n import _, format_money, tr
from desktop_app.services.members import MemberInput
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
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


class _FormDialog(QDialog):
    """A dialog whose Save writes through `ctx.op` and shows refusals next to the fields."""

    # Each form collects its fields and calls submit(); Save and Enter call it.
    save: Callable[[], None]

    # The operation's value: the saved row's id (a member, a branch, a fund), a rate's year.
    saved = Signal(object)

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saving = False
        self.setWindowTitle(title)
        self.fields = FieldRows()
        self.layout_ = QVBoxLayout(self)
        self.banner = Banner(error=True)
        self.layout_.addWidget(self.banner)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.layout_.addLayout(self.form)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.fields.general)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        if self.ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
            self.save_button.setEnabled(False)

    def submit(self, write: Callable[[Workspace], OpResult[Any]]) -> None:
        """Write on the writer thread; every page showing what changed refreshes itself."""
        self.saving = True
        self.save_button.setEnabled(False)
        self.ctx.op(write, self._done, self._failed, parent=self, title=self.windowTitle())

    def _done(self, result: object) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        show_refusal(self.fields, self, self.windowTitle(), exc)

    def reject(self) -> None:
        if not self.saving:  # the outcome of a write under way must be seen
            super().reject()


class MemberForm(_FormDialog):
    """A new member (pick the person) or an existing one (the person stays)."""

    def __init__(
        self,
        ctx: AppContext,
        member: Member | None,
        branches: list[Branch],
        branch_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, _("Edit member") if member else _("New member"), parent)
        self.member = member
        self.setMinimumWidth(500)
        add = self.fields.add_row

        self.person = PersonPicker(ctx)
        add(self.form, _("&Person:"), self.person, "person_id")
        self.person_hint = QLabel()
        self.person_hint.setWordWrap(True)
        self.form.addRow("", self.person_hint)
        if member is not None:
            self.person.set_person(member.person_id)
            self.person.setEnabled(False)
        else:
            self.person_hint.setText(
                _("Only people already in the people list can join; add them there first.")
            )

        self.number = QLineEdit()
        self.number.setPlaceholderText(_("empty: the next number"))
        add(self.form, _("Member &number:"), self.number, "member_number")

        self.branch = QComboBox()
        for b in branches:
            self.branch.addItem(b.name, b.id)
        add(self.form, _("&Branch:"), self.branch, "branch_id")

        self.joined = DateEdit(dt.date.today())
        add(self.form, _("&Joined on:"), self.joined, "joined_on")

        self.status = QComboBox()
        for status, label in MEMBER_STATUS_LABELS.items():
            self.status.addItem(_(label), status)
        add(self.form, _("&Status:"), self.status, "status")

        self.status_on = DateEdit()
        add(self.form, _("Status &date:"), self.status_on, "status_on")

        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        add(self.form, _("N&otes:"), self.notes, "notes")
        self.finish_layout()

        if member is not None:
            self.number.setText(member.member_number)
            self.joined.set_date(member.joined_on)
            self.status.setCurrentIndex(max(0, self.status.findData(member.status)))
            self.status_on.set_date(member.status_on)
            self.notes.setPlainText(member.notes)
        target = member.branch_id if member else branch_id
        if target:
            self.branch.setCurrentIndex(max(0, self.branch.findData(target)))
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()
        chain: list[QWidget] = [
            self.person, self.number, self.branch, self.joined, self.status, self.status_on,
            self.notes, self.save_button,
        ]  # fmt: skip
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        (self.number if member else self.person).setFocus()

    def _status_changed(self) -> None:
        active = self.status.currentData() == MemberStatus.ACTIVE
        self.fields.set_row_visible("status_on", not active)
        if not active and not self.status_on.text():
            self.status_on.set_date(dt.date.today())

    def save(self) -> None:
        if self.saving or self.ctx.read_only:
            return
        problems: list[Problem] = []
        if self.member is None and self.person.person_id is None:
            problems.append(
                Problem("person_id", N_("Type part of the name and pick the person from the list."))
            )
        joined, p = date_problem(self.joined, "joined_on")
        problems += p
        status = MemberStatus(self.status.currentData())
        status_on = None
        if status is not MemberStatus.ACTIVE:
            status_on, p = date_problem(self.status_on, "status_on")
            problems += p
        if self.branch.currentData() is None:
            problems.append(Problem("branch_id", N_("Add a branch (chi hội) first.")))
        if problems or joined is None:
            self.fields.show_problems(problems)
            self.fields.focus_first(problems)
            return
        data = MemberInput(
            person_id=self.member.person_id if self.member else str(self.person.person_id),
            branch_id=str(self.branch.currentData()),
            joined_on=joined,
            member_number=self.number.text().strip(),
            status=status,
            status_on=status_on,
            notes=self.notes.toPlainText(),
        )
        self.fields.clear()
        member_id = self.member.id if self.member else None

        def write(ws: Workspace) -> OpResult[str]:
            if member_id is None:
                return ws.members.add(data)
            return ws.members.update(member_id, data)

        self.submit(write)


class BranchDialog(_FormDialog):
    def __init__(
        self, ctx: AppContext, branch: Branch | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, _("Rename branch") if branch else _("New branch"), parent)
        self.branch = branch
        self.setMinimumWidth(420)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Chi hội Thôn 3"))
        self.fields.add_row(self.form, _("&Name:"), self.name, "name")
        self.kind = QComboBox()
        for kind, label in BRANCH_KIND_LABELS.items():
            self.kind.addItem(_(label), kind)
        self.fields.add_row(self.form, _("&Kind:"), self.kind, "kind")
        self.hamlet = QComboBox()
        self.hamlet.addItem(_("(none)"), None)
        for hamlet in ctx.reader.centre.hamlets():
            self.hamlet.addItem(hamlet.name, hamlet.id)
        self.fields.add_row(self.form, _("&Hamlet:"), self.hamlet, "hamlet_id")
        self.finish_layout()
        if branch is not None:
            self.name.setText(branch.name)
            self.kind.setCurrentIndex(max(0, self.kind.findData(branch.kind)))
            self.hamlet.setCurrentIndex(max(0, self.hamlet.findData(branch.hamlet_id)))
        self.name.setFocus()

    def save(self) -> None:
        if self.saving or self.ctx.read_only:
            return
        name = self.name.text()
        kind = BranchKind(self.kind.currentData())
        hamlet_id = self.hamlet.currentData()
        branch_id = self.branch.id if self.branch else None
        self.fields.clear()
        self.submit(lambda ws: ws.members.save_branch(name, kind, hamlet_id, branch_id))


class RateDialog(_FormDialog):
    """A year's dues: the amount per member and the share passed to the upper level."""

    def __init__(self, ctx: AppContext, rate: DuesRate | None, parent: QWidget | None = None):
        super().__init__(ctx, _("Dues rate"), parent)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(rate.year if rate else dt.date.today().year)
        self.fields.add_row(self.form, _("&Year:"), self.year, "year")
        self.amount = AmountEdit()
        self.fields.add_row(self.form, _("&Amount per member:"), self.amount, "amount")
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.fields.add_row(self.form, _("Passed to the &upper level:"), self.percent, "percent")
        self.finish_layout()
        if rate is not None:
            self.amount.set_amount(rate.amount)
            self.percent.setValue(rate.upper_percent)
        self.amount.setFocus()

    def save(self) -> None:
        if self.saving or self.ctx.read_only:
            return
        amount, problems = amount_problem(self.amount, "amount")
        if problems:
            self.fields.show_problems(problems)
            return
        rate = DuesRate(self.year.value(), amount, self.percent.value())
        self.fields.clear()
        self.submit(lambda ws: ws.members.set_rate(rate))


def rate_text(rate: DuesRate) -> str:
    return tr(
        "{year}: {amount} per member, {percent}% to the upper level",
        year=rate.year,
        amount=format_money(rate.amount),
        percent=rate.upper_percent,
    )
