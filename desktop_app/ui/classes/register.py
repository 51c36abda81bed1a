"""The certificate register (sổ cấp giấy chứng nhận): search, revoke, reissue, reprint, verify.

The register is read by a query and read again after every op that changes certificates
(printing a class's certificates too). A reissue or a reprint registers in an op, renders
on the document pool, then writes the audit line of the print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.certificates import KIND_LABELS, CertificateFacts
from desktop_app.core.problems import N_, StoreError, UserError
from desktop_app.i18n import _, format_int, ngettext, tr, user_error_text
from desktop_app.services.certificates import (
    CertificateRow,
    CertificateService,
    PrintResult,
    RegisterBook,
    Verification,
)
from desktop_app.services.ops import OpChanges, OpResult, Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.centre_scope import CentreScope
from desktop_app.ui.classes.common import (
    Column,
    RowsModel,
    alive,
    date_text,
    selected_row,
    setup_table,
)
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.preview import PdfPreviewDialog, preview_pdf, temp_document_path
from desktop_app.ui.widgets import FieldMessage, confirm

SEARCH_DELAY_MS = 200
# Certificates carry the person's name and the class's title.
REGISTER_KINDS = frozenset({"certificate", "course", "person"})
COL_SERIAL, COL_NAME, COL_KIND, COL_COURSE, COL_ISSUED, COL_PRINTED, COL_STATUS = range(7)


class RegisterModel(RowsModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        self.reissue_serials: dict[str, str] = {}
        super().__init__(
            [
                Column(N_("Register no."), lambda c: c.serial, key=lambda c: (c.year, c.number)),
                Column(N_("Full name"), lambda c: c.full_name),
                Column(N_("Kind"), lambda c: _(KIND_LABELS[c.kind])),
                Column(N_("Class"), lambda c: c.course_title),
                Column(N_("Issued"), lambda c: date_text(c.issued_on), key=lambda c: c.issued_on),
                Column(N_("Printed"), lambda c: format_int(c.print_count), True,
                       key=lambda c: c.print_count),
                Column(N_("Status"), self.status_text, tooltip=self.status_text),
            ],
            parent,
        )  # fmt: skip
        self.grey = lambda c: bool(c.revoked_at)

    def status_text(self, c: CertificateRow) -> str:
        parts = []
        if c.revoked_at:
            parts.append(tr("Revoked: {reason}", reason=c.revoke_reason))
        else:
            parts.append(_("Valid"))
        if c.reissue_of:
            old = self.reissue_serials.get(c.reissue_of)
            parts.append(
                tr("reissue of {serial}", serial=old) if old else _("reissue of an earlier one")
            )
        return "; ".join(parts)

    def set_register(self, rows: list[CertificateRow], reissue_serials: dict[str, str]) -> None:
        self.reissue_serials = reissue_serials
        self.set_rows(rows)

    def row_of(self, cert_id: str) -> int | None:
        return next((i for i, c in enumerate(self.rows) if c.id == cert_id), None)


@dataclass(frozen=True)
class RegisterView:
    """One answer of the register's query."""

    rows: list[CertificateRow]
    # The serial of every certificate a shown one replaced.
    reissue_serials: dict[str, str]
    years: list[int]


def _read_register(
    ws: Workspace, text: str, year: int | None, sites: tuple[str, ...] | None = None
) -> RegisterView:
    rows = ws.certificates.register(text, year, sites=sites)
    known = {c.id: c.serial for c in rows}
    serials: dict[str, str] = {}
    for c in rows:
        if c.reissue_of:
            if c.reissue_of not in known:
                known[c.reissue_of] = ws.certificates.get(c.reissue_of).serial
            serials[c.reissue_of] = known[c.reissue_of]
    return RegisterView(rows, serials, ws.certificates.register_years(sites))


class CertificateRegisterPage(QWidget):
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        self.loading = False
        self.revoke_dialog: RevokeDialog | None = None
        self.verify_dialog: VerifyDialog | None = None
        self.preview: PdfPreviewDialog | None = None
        self.confirm_box: object = None
        self.last_issued: str | None = None  # the serial of the latest reissue

        layout = QVBoxLayout(self)
        self.scope = CentreScope(ctx, self)
        self.scope.changed.connect(self.reload)
        layout.addWidget(self.scope)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, number or class…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search the register"))
        top.addWidget(self.search, 1)
        self.year = QComboBox()
        self.year.setAccessibleName(_("Year"))
        top.addWidget(self.year)
        self.count_label = QLabel()
        top.addWidget(self.count_label)
        layout.addLayout(top)
        self.model = RegisterModel(self)
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        widths = {COL_SERIAL: 80, COL_KIND: 150, COL_ISSUED: 90, COL_STATUS: 120}
        fit_columns(self.table, widths, stretch=(COL_NAME, COL_COURSE))
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.revoke_button = QPushButton(_("Re&voke…"))
        self.reissue_button = QPushButton(_("Re&issue…"))
        self.reprint_button = QPushButton(_("Re&print"))
        self.verify_button = QPushButton(_("&Verify QR text…"))
        self.book_button = QPushButton(_("Print the register &book…"))
        self.book_button.setToolTip(
            _(
                "The year's register on paper (sổ cấp giấy chứng nhận), with a column for "
                "each recipient to sign; the year chosen above, or the latest."
            )
        )
        for button, slot in (
            (self.revoke_button, self.revoke_selected),
            (self.reissue_button, self.reissue_selected),
            (self.reprint_button, self.reprint_selected),
            (self.verify_button, self.open_verify),
            (self.book_button, self.print_book),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.year.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        ctx.subscribe(self, REGISTER_KINDS, self._on_change)
        self.fill_years([])
        self.reload()

    def fill_years(self, years: list[int]) -> None:
        chosen = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(_("All years"), None)
        for y in years:
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen)))
        self.year.blockSignals(False)

    def reload(self) -> None:
        """On the query thread: the register's text search scans every row. Only the newest
        answer is shown."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        text, year, sites = self.search.text(), self.year.currentData(), self.scope.sites()
        self.loading = True
        if not self.model.rows:
            self.count_label.setText(_("Loading…"))

        def done(result: RegisterView) -> None:
            if generation != self._generation:
                return
            selected = self.selected()
            self.fill_years(result.years)
            self.model.set_register(result.rows, result.reissue_serials)
            self.loading = False
            count = len(result.rows)
            self.count_label.setText(
                ngettext("{count} certificate", "{count} certificates", count).format(
                    count=format_int(count)
                )
            )
            if selected is not None:
                self.select(selected.id)
            self.loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.loading = False
                errors.report_error(self, _("Certificate register"), exc)

        # No title: a refresh shows no progress dialog.
        self.ctx.query(lambda ws: _read_register(ws, text, year, sites), done, failed, parent=self)

    def _on_change(self, _changes: OpChanges) -> None:
        self.reload()

    def selected(self) -> CertificateRow | None:
        row = selected_row(self.table)
        return self.model.row_at(row) if row is not None else None

    def select(self, cert_id: str) -> bool:
        row = self.model.row_of(cert_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def _update_buttons(self) -> None:
        cert = self.selected()
        writable = not self.ctx.read_only
        valid = cert is not None and not cert.revoked_at
        of_class = cert is not None and cert.enrolment_id is not None
        # A centre's certificate is the centre's to revoke, reissue or reprint.
        ours = cert is None or self.scope.owns("certificate", cert.id)
        self.revoke_button.setEnabled(writable and valid and ours)
        self.reissue_button.setEnabled(writable and of_class and ours)
        self.reprint_button.setEnabled(writable and valid and of_class and ours)
        why = self.scope.not_ours_text("certificate", cert.id) if cert and not ours else ""
        for button in (self.revoke_button, self.reissue_button, self.reprint_button):
            button.setToolTip(why)

    # Actions --------------------------------------------------------------------------

    def revoke_selected(self) -> None:
        cert = self.selected()
        if cert is None or cert.revoked_at:
            return
        dialog = RevokeDialog(cert, self)
        self.revoke_dialog = dialog
        cert_id = cert.id

        def submit(reason: str) -> None:
            def failed(exc: BaseException) -> None:
                dialog.submitting = False
                if isinstance(exc, UserError) and alive(dialog):
                    dialog.message.show_messages([user_error_text(exc)])
                    return
                if alive(dialog):
                    dialog.reject()
                errors.report_error(self, _("Revoke"), exc)

            def done(_id: str) -> None:
                self.ctx.notify(tr("Certificate {serial} is revoked.", serial=cert.serial))
                if alive(dialog):
                    dialog.accept()

            # No parent: the dialog may be closed before the answer is back.
            self.ctx.op(
                lambda ws: ws.certificates.revoke(cert_id, reason), done, failed, title=_("Revoke")
            )

        def closed() -> None:
            self.revoke_dialog = None
            dialog.deleteLater()

        dialog.reason_given.connect(submit)
        dialog.finished.connect(lambda _r: closed())
        dialog.open()

    def reissue_selected(self) -> None:
        cert = self.selected()
        if cert is None or cert.enrolment_id is None:
            return
        cert_id = cert.id
        out = temp_document_path(f"Giấy chứng nhận - {cert.full_name}.pdf")

        def work(ws: Workspace, progress: Progress) -> PrintResult:
            return ws.certificates.print_reissue(cert_id, out, progress=progress)

        def done(printed: PrintResult) -> None:
            self.last_issued = printed.serials[0] if printed.serials else None
            self.ctx.notify(
                tr(
                    "New certificate {serial} replaces {old}.",
                    serial=self.last_issued or "",
                    old=cert.serial,
                )
            )
            self.preview = preview_pdf(self, printed.path, out.name, self.ctx.path)

        self.confirm_box = confirm(
            self,
            _("Reissue"),
            tr(
                "Issue a new certificate with a new number to {name}? Certificate {serial} "
                "will be revoked.",
                name=cert.full_name,
                serial=cert.serial,
            ),
            _("Reissue"),
            lambda: self._print(_("Reissue"), work, done),
        )

    def reprint_selected(self) -> None:
        cert = self.selected()
        if cert is None or cert.course_id is None or cert.enrolment_id is None:
            return
        cert_id = cert.id
        out = temp_document_path(f"Giấy chứng nhận - {cert.full_name}.pdf")

        def work(ws: Workspace, progress: Progress) -> PrintResult:
            return ws.certificates.print_again(cert_id, out, progress=progress)

        def done(printed: PrintResult) -> None:
            self.preview = preview_pdf(self, printed.path, out.name, self.ctx.path)

        self._print(_("Reprint"), work, done)

    def book_year(self) -> int | None:
        """The year the register book prints: the one chosen, else the latest with any."""
        chosen = self.year.currentData()
        if chosen is not None:
            return int(chosen)
        latest = self.year.itemData(1) if self.year.count() > 1 else None
        return int(latest) if latest is not None else None

    def print_book(self) -> None:
        """The year's register: read on the query thread, written on the document pool,
        previewed, and its print audited (it lists names and births)."""
        title = _("Certificate register")
        year = self.book_year()
        if year is None:
            errors.report_error(
                self, title, UserError(N_("No certificate is in the register yet."))
            )
            return
        if self.ctx.read_only:
            errors.report_error(self, title, self.ctx.read_only_error())
            return
        site = self.scope.single()
        if self.scope.office and site is None:
            # Each centre numbers its own register: one book is one centre's.
            errors.report_error(
                self, title, UserError(N_("Choose one centre above to print its register."))
            )
            return
        out = temp_document_path(f"Sổ cấp giấy chứng nhận năm {year}.pdf")

        def read(ws: Workspace, _progress: Progress) -> RegisterBook:
            return ws.certificates.register_book(year, site=site)

        def render(book: RegisterBook, _progress: Progress) -> RegisterBook:
            CertificateService.render_register(book, out)
            return book

        def done(book: RegisterBook) -> None:
            self.ctx.op(
                lambda ws: ws.certificates.record_register_print(book),
                None,
                lambda exc: errors.report_error(None, title, exc),
                title=title,
            )
            if alive(self):
                self.preview = preview_pdf(self, out, out.name, self.ctx.path)

        self.ctx.task(
            self,
            title,
            read,
            done,
            lambda exc: errors.report_error(self if alive(self) else None, title, exc),
            write=False,
            render=render,
        )

    def _print(
        self,
        title: str,
        work: Callable[[Workspace, Progress], PrintResult],
        done: Callable[[PrintResult], None],
    ) -> None:
        """Register and write in one op on the writer (nothing is registered unless the PDF
        is complete); the page refreshes from its news, then the PDF is shown."""

        def run(ws: Workspace, progress: Progress) -> OpResult[PrintResult]:
            result = work(ws, progress)
            return OpResult(result, result.changes or OpChanges())

        self.ctx.task(
            self,
            title,
            run,
            done,
            lambda exc: errors.report_error(self, title, exc),
            write=True,
        )

    def open_verify(self) -> None:
        if self.verify_dialog is not None:
            self.verify_dialog.raise_()
            return
        dialog = VerifyDialog(self.ctx, self)
        self.verify_dialog = dialog

        def closed() -> None:
            self.verify_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(lambda _r: closed())
        dialog.open()


class RevokeDialog(QDialog):
    """Revoking needs a reason; it stays in the register."""

    reason_given = Signal(str)

    def __init__(self, cert: CertificateRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submitting = False
        self.setWindowTitle(_("Revoke certificate"))
        layout = QVBoxLayout(self)
        text = QLabel(
            tr(
                "Revoke certificate {serial} of {name}? Say why; the reason is kept.",
                serial=cert.serial,
                name=cert.full_name,
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. wrong birth date printed"))
        layout.addWidget(self.reason)
        self.message = FieldMessage()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.revoke_button = buttons.addButton(_("Revoke"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        if self.submitting:
            return
        reason = self.reason.text().strip()
        if not reason:
            self.message.show_messages([_("Say why the certificate is revoked.")])
            self.reason.setFocus()
            return
        self.submitting = True
        self.reason_given.emit(reason)


def verification_text(v: Verification) -> str:
    facts = v.facts
    if v.ok and facts is not None:
        text = " ".join(
            [_("Genuine."), _facts_text(facts), _("It is in the register and not revoked.")]
        )
        if facts.decision:
            text += " " + tr(
                "By decision {number} of {date}.",
                number=facts.decision,
                date=date_text(facts.decision_date),
            )
        return text
    text = tr(v.reason, **v.params)
    if facts is not None:
        text += "\n" + tr("The QR code says: {facts}", facts=_facts_text(facts))
    return text


def _facts_text(facts: CertificateFacts) -> str:
    """'Commendation 3/2026: Nguyễn Văn An, born 1970, Trồng lúa, issued 02/03/2026.'"""
    params = {
        "kind": _(KIND_LABELS[facts.kind]), "serial": facts.serial, "name": facts.full_name,
        "course": facts.course_title, "date": date_text(facts.issued_on),
    }  # fmt: skip
    if facts.birth:
        return tr(
            "{kind} {serial}: {name}, born {birth}, {course}, issued {date}.",
            birth=facts.birth,
            **params,
        )
    return tr("{kind} {serial}: {name}, {course}, issued {date}.", **params)


class VerifyDialog(QDialog):
    """Paste what a QR scanner read from a certificate; see whether it is genuine."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.verification: Verification | None = None
        self.setWindowTitle(_("Verify a certificate"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Paste the text of the certificate's QR code:")))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text, 1)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.check_button = buttons.addButton(_("&Check"), QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def check(self) -> None:
        try:
            # Reads only: the signature check and one indexed lookup in the register.
            v = self.ctx.reader.certificates.verify(self.text.toPlainText())
        except (UserError, StoreError) as exc:
            self.verification = None
            self.result_label.setStyleSheet("color: #b00020;")
            self.result_label.setText(errors.error_text(exc) or "")
            return
        self.verification = v
        self.result_label.setStyleSheet("color: #1b6e20;" if v.ok else "color: #b00020;")
        self.result_label.setText(verification_text(v))
