"""The recognition of one model in a year (Công nhận): the proposal list (registered, saved
assessment passed, not yet recognised) with a tick per subject; the commune's decision (number,
date, who issues, who signs) that recognises those ticked in one operation, each numbered in
the register of Giấy công nhận; the recognised list and the decisions recorded; the batch print
of the Giấy công nhận with a preview, counted in the register; and revoking one, with the
reason. Reads go through `ctx.query`, writes through `ctx.op` (services/learning_recognition)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.learning_models import MODELS
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_date, format_int, tr
from desktop_app.services.learning_recognition import (
    Proposal,
    Recognised,
    RecognitionPaper,
    RecognitionResult,
    RecognitionService,
)
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.khuyen_hoc.common import preview, temp_path
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.model_assessment import number_text
from desktop_app.ui.model_view import SUBJECT_HEADERS, ModelHost, ModelView
from desktop_app.ui.widgets import ERROR_STYLE, confirm, ok_cancel

__all__ = ["DecisionLine", "RecognitionData", "RecognitionView", "RevokeDialog"]

# Who issues the Giấy công nhận (services.learning_recognition.ISSUERS), as the form says it.
ISSUER_LABELS = {
    "commune": N_("The commune's People's Committee"),
    "centre": N_("The centre"),
}
SIGNER_HINTS = {
    "commune": N_("the chair of the commune's People's Committee"),
    "centre": N_("the director (empty: the one in the centre's profile)"),
}
# The service's refusal of a decision without its number, said before asking anything.
NO_NUMBER = N_(
    "Give the number and the date of the commune's decision that recognises them (e.g. "
    "45/QĐ-UBND, 20/12/{year}); nothing was recognised."
)


@dataclass(frozen=True)
class DecisionLine:
    """A decision recorded for the model and year, with how many it recognises (not revoked)."""

    number: str
    decided_on: dt.date
    issued_by: str
    signer_name: str
    recognised: int


@dataclass(frozen=True)
class RecognitionData:
    proposals: list[Proposal]
    recognised: list[Recognised]
    decisions: list[DecisionLine]


def read_recognition(ws: Workspace, model: str, year: int) -> RecognitionData:
    """What the tab shows, read at once (on the query thread)."""
    service = ws.recognitions
    recognised = service.recognised(model, year)
    live = Counter((r.decision, r.decided_on) for r in recognised if not r.revoked_at)
    decisions = [
        DecisionLine(
            d.number, d.decided_on, d.issued_by, d.signer_name, live[(d.number, d.decided_on)]
        )
        for d in service.decisions(model, year)
    ]
    return RecognitionData(service.proposals(model, year), recognised, decisions)


def _right(column: int, first: int) -> Any:
    if column >= first:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


class ProposalsModel(ListModel):
    """The proposal list, a tick per row (all ticked unless the user unticked them; a row
    that comes back after a reload keeps its tick)."""

    ticks_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Proposal] = []
        self.unticked: set[str] = set()
        self.headers = [_("Household (head)"), _("Hamlet"), _("Level"), _("Points")]

    def set_rows(self, rows: list[Proposal], subject: str = "household") -> None:
        self.beginResetModel()
        self.headers[0] = _(SUBJECT_HEADERS[subject])
        self.rows = list(rows)
        self.unticked &= {p.subject_id for p in rows}
        self.endResetModel()
        self.ticks_changed.emit()

    def ticked(self) -> list[str]:
        return [p.subject_id for p in self.rows if p.subject_id not in self.unticked]

    def tick_all(self, on: bool) -> None:
        self.unticked = set() if on else {p.subject_id for p in self.rows}
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )  # fmt: skip
        self.ticks_changed.emit()

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            unticked = p.subject_id in self.unticked
            return Qt.CheckState.Unchecked if unticked else Qt.CheckState.Checked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _right(column, 3)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (p.name, p.hamlet, p.level, number_text(p.total))[column]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        subject_id = self.rows[index.row()].subject_id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.unticked.discard(subject_id)
        else:
            self.unticked.add(subject_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit()
        return True


class RecognisedModel(ListModel):
    """The register's lines of the model and year, those revoked greyed with the reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Recognised] = []
        self.headers = [
            _("Serial"), _("Name on the Giấy công nhận"), _("Hamlet"), _("Level"), _("Decision"),
            _("Decision date"), _("Prints"), _("Revoked"),
        ]  # fmt: skip

    def set_rows(self, rows: list[Recognised]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def cells(self, row: int) -> tuple[str, ...]:
        r = self.rows[row]
        revoked = tr("Revoked: {reason}", reason=r.revoke_reason) if r.revoked_at else ""
        return (
            r.serial, r.name, r.hamlet, r.level, r.decision, format_date(r.decided_on),
            format_int(r.print_count), revoked,
        )  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _right(index.column(), 6) if index.column() != 7 else None
        if role == Qt.ItemDataRole.ForegroundRole and self.rows[index.row()].revoked_at:
            return QBrush(QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return self.cells(index.row())[index.column()]


class DecisionsModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DecisionLine] = []
        self.headers = [_("Decision"), _("Date"), _("Issued by"), _("Signed by"),
                        _("Recognised")]  # fmt: skip

    def set_rows(self, rows: list[DecisionLine]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _right(index.column(), 4)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        d = self.rows[index.row()]
        issuer = _(ISSUER_LABELS[d.issued_by]) if d.issued_by in ISSUER_LABELS else d.issued_by
        return (d.number, format_date(d.decided_on), issuer, d.signer_name,
                format_int(d.recognised))[index.column()]  # fmt: skip


def _group(title: str, inner: QWidget | None = None) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    if inner is not None:
        layout.addWidget(inner)
    return box, layout


class RecognitionView(ModelView):
    """Who is proposed, the decision that recognises them, who is recognised; printing the
    Giấy công nhận and revoking one."""

    def __init__(self, host: ModelHost, model: str, parent: QWidget | None = None) -> None:
        super().__init__(host, model, parent)
        self.data: RecognitionData | None = None
        self.confirm_box: object = None
        self.dialog: RevokeDialog | None = None
        self.last_result: RecognitionResult | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        # Top: the proposal list and, beside it, the decision.
        top = QSplitter(Qt.Orientation.Horizontal)
        self.proposals_model = ProposalsModel(self)
        self.proposals_table = list_table(self.proposals_model)
        self.proposals_table.setAccessibleName(_("Proposed for recognition"))
        fit_columns(self.proposals_table, {1: 110, 2: 90, 3: 60}, stretch=(0,))
        proposals_box, proposals_layout = _group(
            _("Proposed (registered, assessment passed)"), self.proposals_table
        )
        ticks = QHBoxLayout()
        self.all_button = QPushButton(_("Select &all"))
        self.all_button.clicked.connect(lambda _c=False: self.proposals_model.tick_all(True))
        self.none_button = QPushButton(_("Select n&one"))
        self.none_button.clicked.connect(lambda _c=False: self.proposals_model.tick_all(False))
        self.ticked_label = QLabel()
        for button in (self.all_button, self.none_button):
            button.setAutoDefault(False)
            ticks.addWidget(button)
        ticks.addWidget(self.ticked_label, 1)
        proposals_layout.addLayout(ticks)
        top.addWidget(proposals_box)

        decision_box = QGroupBox(_("The decision recognising them"))
        form = QFormLayout(decision_box)
        self.number_edit = QLineEdit()
        self.number_edit.setAccessibleName(_("Decision number"))
        self.number_edit.setPlaceholderText(_("e.g. 45/QĐ-UBND"))
        self.number_edit.setMaxLength(80)
        form.addRow(_("Decision &number:"), self.number_edit)
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setAccessibleName(_("Decision date"))
        form.addRow(_("Decision &date:"), self.date_edit)
        self.issuer_combo = QComboBox()
        self.issuer_combo.setAccessibleName(_("Issued by"))
        for key, label in ISSUER_LABELS.items():
            self.issuer_combo.addItem(_(label), key)
        self.issuer_combo.currentIndexChanged.connect(lambda _i: self._issuer_changed())
        form.addRow(_("&Issued by:"), self.issuer_combo)
        self.signer_edit = QLineEdit()
        self.signer_edit.setAccessibleName(_("Signer's name"))
        form.addRow(_("&Signer's name:"), self.signer_edit)
        self.recognise_button = QPushButton(_("&Recognise…"))
        self.recognise_button.setAutoDefault(False)
        self.recognise_button.setToolTip(
            _("Record the decision and recognise those ticked, each numbered in the register")
        )
        self.recognise_button.clicked.connect(lambda _c=False: self.ask_recognise())
        form.addRow("", self.recognise_button)
        # Under the decision, the decisions recorded for the model and year.
        self.decisions_model = DecisionsModel(self)
        self.decisions_table = list_table(self.decisions_model)
        self.decisions_table.setAccessibleName(_("Decisions recorded"))
        fit_columns(self.decisions_table, {0: 100, 1: 85, 3: 120, 4: 70}, stretch=(2,))
        decisions_box, _d = _group(_("Decisions recorded"), self.decisions_table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(decision_box)
        right_layout.addWidget(decisions_box, 1)
        top.addWidget(right)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 1)

        # Bottom: the recognised list, the whole width.
        self.recognised_model = RecognisedModel(self)
        self.recognised_table = list_table(self.recognised_model)
        self.recognised_table.setAccessibleName(_("Recognised"))
        fit_columns(
            self.recognised_table, {0: 70, 2: 100, 3: 70, 4: 110, 5: 100, 6: 50, 7: 120},
            stretch=(1, 7),
        )  # fmt: skip
        self.recognised_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_buttons()
        )
        recognised_box, _l = _group(_("Recognised (register of Giấy công nhận)"),
                                    self.recognised_table)  # fmt: skip

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(recognised_box)
        layout.addWidget(splitter, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("&Print the Giấy công nhận…"))
        self.print_button.clicked.connect(lambda _c=False: self.print_recognitions())
        self.revoke_button = QPushButton(_("Re&voke…"))
        self.revoke_button.setToolTip(
            _("Revoke the recognition chosen in the list, with the reason")
        )
        self.revoke_button.clicked.connect(lambda _c=False: self.open_revoke())
        for button in (self.print_button, self.revoke_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.proposals_model.ticks_changed.connect(self._ticks_changed)
        self._issuer_changed()
        self._ticks_changed()

    # Reading ---------------------------------------------------------------------------

    def load(self) -> None:
        model, year = self.model, self.year
        asked = self.ask()

        def done(data: RecognitionData) -> None:
            if self.answered(asked):
                self.show_recognition(data)

        self.ctx.query(lambda ws: read_recognition(ws, model, year), done, parent=self)

    def show_recognition(self, data: RecognitionData) -> None:
        self.data = data
        self.proposals_model.set_rows(data.proposals, MODELS[self.model].subject)
        self.recognised_model.set_rows(data.recognised)
        self.decisions_model.set_rows(data.decisions)
        live = sum(1 for r in data.recognised if not r.revoked_at)
        self.summary.setText(
            tr(
                "{title} {year}: {proposed} proposed, {recognised} recognised; decisions "
                "recorded: {decisions}.",
                title=MODELS[self.model].title, year=self.year,
                proposed=format_int(len(data.proposals)), recognised=format_int(live),
                decisions=format_int(len(data.decisions)),
            )
        )  # fmt: skip
        self._update_buttons()

    def selected(self) -> Recognised | None:
        rows = self.recognised_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.recognised_model.rows):
            return None
        return self.recognised_model.rows[rows[0].row()]

    def _issuer_changed(self) -> None:
        key = str(self.issuer_combo.currentData())
        self.signer_edit.setPlaceholderText(_(SIGNER_HINTS.get(key, SIGNER_HINTS["commune"])))

    def _ticks_changed(self) -> None:
        self.ticked_label.setText(
            tr(
                "{ticked} of {count} chosen",
                ticked=format_int(len(self.proposals_model.ticked())),
                count=format_int(len(self.proposals_model.rows)),
            )
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        has_rows = bool(self.proposals_model.rows)
        self.all_button.setEnabled(has_rows)
        self.none_button.setEnabled(has_rows)
        self.recognise_button.setEnabled(writable and bool(self.proposals_model.ticked()))
        for edit in (self.number_edit, self.date_edit, self.issuer_combo, self.signer_edit):
            edit.setEnabled(writable)
        data = self.data
        decided = data is not None and bool(data.decisions)
        live = data is not None and any(not r.revoked_at for r in data.recognised)
        self.print_button.setEnabled(decided and live)
        if not decided:
            self.print_button.setToolTip(
                _(
                    "No decision is recorded yet: enter the commune's decision number and date "
                    "and recognise those proposed first."
                )
            )
        elif not live:
            self.print_button.setToolTip(_("No one is recognised (all were revoked)."))
        else:
            self.print_button.setToolTip(
                _("Every Giấy công nhận of the model and year, one page each, in register order")
            )
        chosen = self.selected()
        self.revoke_button.setEnabled(writable and chosen is not None and not chosen.revoked_at)

    # Recognising -----------------------------------------------------------------------

    def ask_recognise(self) -> None:
        if self.ctx.read_only:
            errors.report_error(self, _("Recognise"), self.ctx.read_only_error())
            return
        ticked = self.proposals_model.ticked()
        if not ticked:
            self._error(_("Choose at least one of those proposed (tick it)."))
            return
        number = " ".join(self.number_edit.text().split())
        if not number:
            self._error(tr(NO_NUMBER, year=self.year))
            self.number_edit.setFocus()
            return
        day = self.date_edit.date().toPython()
        assert isinstance(day, dt.date)
        issued_by = str(self.issuer_combo.currentData())
        signer = self.signer_edit.text()
        self.confirm_box = confirm(
            self,
            _("Recognise"),
            tr(
                "Recognise {count} as {title} {year} by decision {number} of {date}? Each is "
                "numbered in the register of Giấy công nhận; a number is never given again.",
                count=format_int(len(ticked)), title=MODELS[self.model].title, year=self.year,
                number=number, date=format_date(day),
            ),
            _("Recognise"),
            lambda: self.recognise(ticked, number, day, issued_by, signer),
        )  # fmt: skip

    def recognise(
        self, subject_ids: list[str], number: str, day: dt.date, issued_by: str, signer: str
    ) -> None:
        model, year = self.model, self.year

        def work(ws: Workspace) -> OpResult[RecognitionResult]:
            return ws.recognitions.recognise(
                model, year, number, day, subject_ids, issued_by=issued_by, signer_name=signer
            )

        def done(result: RecognitionResult) -> None:
            self.last_result = result
            serials = result.serials
            if len(serials) == 1:
                text = tr(
                    "1 recognised by decision {number}: number {serial} in the register.",
                    number=result.decision, serial=serials[0],
                )  # fmt: skip
            else:
                text = tr(
                    "{count} recognised by decision {number}: numbers {first} to {last} in the "
                    "register.",
                    count=format_int(len(serials)), number=result.decision,
                    first=serials[0], last=serials[-1],
                )  # fmt: skip
            if result.supplementary:
                text += " " + _("The decision was recorded before: they are added to it.")
            self.message.setStyleSheet("")
            self.message.setText(text)

        self.ctx.op(work, done, self._failed, parent=self)

    # Printing --------------------------------------------------------------------------

    def print_recognitions(self) -> None:
        """Every recognised one's Giấy công nhận of the model and year: read, rendered on the
        document pool, previewed; the print counted in the register and the audit."""
        model, year = self.model, self.year
        title = MODELS[model].title

        def read(ws: Workspace, _progress: object) -> RecognitionPaper:
            return ws.recognitions.paper(model, year)

        def render(paper: RecognitionPaper, _progress: object) -> tuple[RecognitionPaper, Path]:
            out = temp_path(f"Giấy công nhận {title} {year}.pdf")
            RecognitionService.render(paper, out)
            return paper, out

        def done(result: tuple[RecognitionPaper, Path]) -> None:
            paper, path = result
            if not self.ctx.read_only:
                self.ctx.op(lambda ws: ws.recognitions.record_print(paper), parent=self)
            self.message.setStyleSheet("")
            self.message.setText(
                tr("{count} Giấy công nhận written, one page each.",
                   count=format_int(len(paper.pages)))
            )  # fmt: skip
            preview(self, path, path.name, self.ctx.path)

        self.ctx.task(
            self, _("Printing the Giấy công nhận"), read, done, self._failed, write=False,
            render=render, label=_("Writing the document…"),
        )  # fmt: skip

    # Revoking --------------------------------------------------------------------------

    def open_revoke(self) -> RevokeDialog | None:
        chosen = self.selected()
        if chosen is None or chosen.revoked_at:
            return None
        if self.ctx.read_only:
            errors.report_error(self, _("Revoke"), self.ctx.read_only_error())
            return None
        self.dialog = RevokeDialog(self, chosen)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()
        return self.dialog

    # Messages --------------------------------------------------------------------------

    def _error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)

    def _failed(self, exc: BaseException) -> None:
        text = errors.error_text(exc)
        if text is None:
            errors.report_error(self, _("Learning models"), exc)
            return
        self._error(text)


class RevokeDialog(QDialog):
    """Revoke a recognition: the reason is required and kept in the register."""

    def __init__(self, view: RecognitionView, recognition: Recognised) -> None:
        super().__init__(view)
        self.view = view
        self.recognition = recognition
        self.revoked = False
        self.setWindowTitle(tr("Revoke recognition {serial}", serial=recognition.serial))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Revoke the recognition of {name} (number {serial}, decision {number})? It keeps "
                "its number, which is never given again; its QR code then verifies as revoked "
                "and it is no longer printed nor counted.",
                name=recognition.name, serial=recognition.serial, number=recognition.decision,
            )
        )  # fmt: skip
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        form = QFormLayout()
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName(_("Reason"))
        self.reason_edit.setPlaceholderText(_("why it is revoked (required)"))
        form.addRow(_("&Reason:"), self.reason_edit)
        layout.addLayout(form)
        self.message, self.ok_button = ok_cancel(self, layout, _("Revoke"), self.save)

    def save(self) -> None:
        recognition_id, reason = self.recognition.id, self.reason_edit.text()
        serial = self.recognition.serial

        def done(_value: str) -> None:
            self.revoked = True
            self.view.message.setStyleSheet("")
            self.view.message.setText(tr("Recognition {serial} was revoked.", serial=serial))
            self.accept()

        def failed(exc: BaseException) -> None:
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Revoke"), exc)
                return
            self.message.setText(text)

        self.view.ctx.op(
            lambda ws: ws.recognitions.revoke(recognition_id, reason), done, failed, parent=self
        )
