"""The papers of a class: read from the database, rendered on the document pool, previewed.

Every paper is three steps (DESIGN section 2): the database part (certificates register their
numbers in an op; a roster, a sheet or the xlsx are read by a query), the file written on the
document pool so saves elsewhere are never held up, and the audit line of the finished print
written by an op. Certificates are many pages, so they show progress with Cancel. A class with
no one to print says so (the service's own words) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.certificates import CertificateKind
from desktop_app.core.dates import DateError, parse_day
from desktop_app.core.problems import N_, StoreError, UserError
from desktop_app.i18n import _, format_int, ngettext, user_error_text
from desktop_app.services.certificates import (
    CertificateService,
    Decision,
    PreparedPrint,
    PrintResult,
    check_decision,
)
from desktop_app.services.class_documents import ClassDocumentService, ClassPaper
from desktop_app.services.ops import OpChanges, OpResult, Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.classes.common import alive, date_edit, reporter
from desktop_app.ui.context import AppContext
from desktop_app.ui.long_task import LongTask
from desktop_app.ui.preview import Issue, PdfPreviewDialog, preview_pdf, temp_document_path
from desktop_app.ui.widgets import FieldMessage

ROSTER, SHEET, XLSX, CERTIFICATES, COMMENDATIONS, CERTIFICATES_ZIP = (
    "roster", "sheet", "xlsx", "certificates", "commendations", "certificates_zip",
)  # fmt: skip

# Button texts and the start of the file name offered in Save as.
DOCUMENTS: dict[str, tuple[str, str, str]] = {
    ROSTER: (N_("Roster PDF"), "Danh sách học viên", ".pdf"),
    SHEET: (N_("Blank attendance sheet PDF"), "Bảng điểm danh", ".pdf"),
    XLSX: (N_("Roster + attendance xlsx"), "Danh sách và điểm danh", ".xlsx"),
    CERTIFICATES: (N_("Certificates PDF"), "Giấy chứng nhận", ".pdf"),
    COMMENDATIONS: (N_("Commendations PDF"), "Giấy khen", ".pdf"),
    CERTIFICATES_ZIP: (N_("Certificates as ZIP"), "Giấy chứng nhận", ".zip"),
}
CERTIFICATE_KINDS = (CERTIFICATES, COMMENDATIONS, CERTIFICATES_ZIP)


def document_name(kind: str, course_title: str) -> str:
    _label, prefix, suffix = DOCUMENTS[kind]
    return f"{prefix} - {course_title}{suffix}"


def _read_paper(ws: Workspace, kind: str, course_id: str) -> ClassPaper:
    papers = ws.class_documents
    if kind == ROSTER:
        return papers.roster(course_id)
    if kind == SHEET:
        return papers.attendance_sheet(course_id)
    return papers.roster_xlsx(course_id)


def record_certificate_print(
    ctx: AppContext, result: PrintResult, on_error: Callable[[BaseException], None]
) -> LongTask:
    """The audit line of finished certificates, written on the writer thread."""
    return ctx.op(lambda ws: ws.certificates.record_print(result), None, on_error, title=_("Print"))


class DecisionDialog(QDialog):
    """Commendations cite the decision that awards them: its number and date, asked for
    before anything is laid out (they are printed on every Giấy khen)."""

    decided = Signal(object)  # Decision

    def __init__(self, last: Decision | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Decision on the commendations"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        text = QLabel(
            _(
                "A commendation (Giấy khen) states the decision that awards it, e.g. "
                '"Theo Quyết định số 12/QĐ-TTHTCĐ, ngày 20/05/2026". Give its number and date.'
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.number = QLineEdit(last.number if last else "")
        self.number.setPlaceholderText(_("e.g. 12/QĐ-TTHTCĐ"))
        self.number.setAccessibleName(_("Decision number"))
        form.addRow(_("Decision &number"), self.number)
        self.day = date_edit()
        self.day.setAccessibleName(_("Decision date"))
        if last:
            self.day.setText(f"{last.day:%d/%m/%Y}")
        form.addRow(_("Decision &date"), self.day)
        layout.addLayout(form)
        self.message = FieldMessage()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(
            _("Continue to the preview"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        try:
            day = parse_day(self.day.text())
        except DateError as exc:
            # A date that does not exist is named ("Không có ngày 31 tháng 2").
            text = _("Type the decision's date as dd/mm/yyyy.") if exc.unreadable else None
            self.message.show_messages([text or user_error_text(exc)])
            self.day.setFocus()
            return
        try:
            decision = check_decision(self.number.text(), day, dt.date.today())
        except UserError as exc:
            self.message.show_messages([user_error_text(exc)])
            (self.number if not self.number.text().strip() else self.day).setFocus()
            return
        self.decided.emit(decision)
        self.accept()


class ClassPrinter:
    """Runs one class's print jobs; remembers the last dialogs so tests can look at them."""

    def __init__(self, parent: QWidget, ctx: AppContext, course_id: str) -> None:
        self.parent = parent
        self.ctx = ctx
        self.course_id = course_id
        self.course_title = ""
        self.task: LongTask | None = None
        self.preview: PdfPreviewDialog | None = None
        self.last_path: Path | None = None
        self.last_result: PrintResult | None = None
        self.busy = False
        self.decision_dialog: DecisionDialog | None = None
        # The decision given last, offered again: one decision usually covers a class.
        self.decision: Decision | None = None

    def actions(self) -> list[tuple[str, str, Callable[..., None]]]:
        # `clicked` passes `checked` first; the kind rides in a default argument.
        return [
            (kind, _(DOCUMENTS[kind][0]), lambda _checked=False, k=kind: self.print(k))
            for kind in DOCUMENTS
        ]

    def print(self, kind: str) -> None:
        if self.busy:
            return
        if self.ctx.read_only:
            # A print of personal data is audited, and nothing can be written here.
            errors.report_error(self.parent, _("Print"), self.ctx.read_only_error())
            return
        try:
            # One indexed read for the file's name.
            self.course_title = self.ctx.reader.courses.get(self.course_id).title
        except (UserError, StoreError) as exc:  # the class was deleted meanwhile, say
            errors.report_error(self.parent, _("Print"), exc)
            return
        if kind == COMMENDATIONS:
            self._ask_decision()
            return
        self._start(kind)

    def _start(self, kind: str, decision: Decision | None = None) -> None:
        name = document_name(kind, self.course_title)
        out = temp_document_path(name)
        self.last_path = out
        self.busy = True
        if kind in CERTIFICATE_KINDS:
            self._print_certificates(kind, out, name, decision)
        else:
            self._print_paper(kind, out, name)

    def _ask_decision(self) -> None:
        """Commendations are laid out only once their decision is given."""
        if self.decision_dialog is not None and alive(self.decision_dialog):
            self.decision_dialog.raise_()
            return
        dialog = DecisionDialog(self.decision, self._parent())
        self.decision_dialog = dialog

        def decided(decision: Decision) -> None:
            self.decision = decision
            self._start(COMMENDATIONS, decision)

        dialog.decided.connect(decided)
        dialog.finished.connect(lambda _code: setattr(self, "decision_dialog", None))
        dialog.open()

    def _print_certificates(
        self, kind: str, out: Path, name: str, decision: Decision | None = None
    ) -> None:
        """The preview first, with nothing registered (marked "BẢN XEM TRƯỚC"); its Save and
        Print issue the numbers (see `_issue`)."""
        course_id = self.course_id
        cert_kind = (
            CertificateKind.COMMENDATION if kind == COMMENDATIONS else CertificateKind.COMPLETION
        )
        as_zip = kind == CERTIFICATES_ZIP

        def plan(ws: Workspace, _progress: Progress) -> PreparedPrint:
            # On the writer: the issuing operation runs and is rolled back.
            return ws.certificates.plan_course(
                course_id, cert_kind, preview=True, decision=decision
            )

        def render(prepared: PreparedPrint, progress: Progress) -> PrintResult:
            # On the document pool: saves elsewhere in the app are not held up.
            return CertificateService.render(prepared, out, as_zip=as_zip, progress=progress)

        def issue(target: Path, then: Callable[[Path], None]) -> None:
            self._issue(cert_kind, as_zip, target, then, _(DOCUMENTS[kind][0]), decision)

        # No parent widget: the class's page may close before the batch is done.
        self.task = self.ctx.task(
            None,
            _(DOCUMENTS[kind][0]),
            plan,
            lambda result: self._show(result.path, name, issue),
            self._failed,
            write=True,
            render=render,
            on_cancelled=lambda: self._cancelled(paper=True),
            label=_("Printing certificates…"),
        )

    def _issue(
        self,
        kind: CertificateKind,
        as_zip: bool,
        target: Path,
        then: Callable[[Path], None],
        title: str,
        decision: Decision | None = None,
    ) -> None:
        """Issue and write the certificates to `target`: the numbers are registered only once
        the file is complete (CertificateService.print_course), then `then(target)`."""
        course_id = self.course_id

        def work(ws: Workspace, progress: Progress) -> OpResult[PrintResult]:
            result = ws.certificates.print_course(
                course_id, target, kind=kind, as_zip=as_zip, progress=progress,
                decision=decision,
            )  # fmt: skip
            return OpResult(result, result.changes or OpChanges())

        def done(result: PrintResult) -> None:
            self._printed(result)
            then(result.path)

        self.busy = True
        self.task = self.ctx.task(
            self._parent(),
            title,
            work,
            done,
            self._failed,
            write=True,
            on_cancelled=self._cancelled,
            label=_("Printing certificates…"),
        )

    def _print_paper(self, kind: str, out: Path, name: str) -> None:
        course_id = self.course_id

        def read(ws: Workspace, _progress: Progress) -> ClassPaper:
            return _read_paper(ws, kind, course_id)

        def render(paper: ClassPaper, progress: Progress) -> ClassPaper:
            ClassDocumentService.render(paper, out, progress)
            return paper

        def done(paper: ClassPaper) -> None:
            self.ctx.op(
                lambda ws: ws.class_documents.record_print(paper),
                None,
                reporter(self.parent, _("Print")),
                title=_("Print"),
            )
            self._show(out, name)

        self.task = self.ctx.task(
            None,
            _(DOCUMENTS[kind][0]),
            read,
            done,
            self._failed,
            write=False,
            render=render,
            on_cancelled=lambda: self._cancelled(paper=True),
        )

    def _parent(self) -> QWidget | None:
        return self.parent if alive(self.parent) else None

    def _printed(self, result: PrintResult) -> None:
        self.busy = False
        self.task = None
        self.last_result = result
        parts = [
            ngettext("{count} new certificate", "{count} new certificates", result.new).format(
                count=format_int(result.new)
            )
        ]
        if result.reprinted:
            parts.append(
                ngettext("{count} reprinted", "{count} reprinted", result.reprinted).format(
                    count=format_int(result.reprinted)
                )
            )
        self.ctx.notify(", ".join(parts) + ".")

    def _show(self, path: Path, name: str, issue: Issue | None = None) -> None:
        self.busy = False
        self.task = None
        self.preview = preview_pdf(self._parent(), path, name, self.ctx.path, issue)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.task = None
        errors.report_error(self._parent(), _("Print"), exc)

    def _cancelled(self, paper: bool = False) -> None:
        self.busy = False
        self.task = None
        if paper:
            self.ctx.notify(_("Cancelled. Nothing was written."))
        else:
            self.ctx.notify(
                _("Printing cancelled. No number was registered; print again to issue them.")
            )


__all__ = [
    "DOCUMENTS",
    "ClassPrinter",
    "DecisionDialog",
    "document_name",
    "record_certificate_print",
]
