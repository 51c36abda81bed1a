"""The papers of a class: written to a temp folder on the worker, then previewed.

Certificates are many pages and register serial numbers, so they run with a progress bar and
Cancel. A class with no one to print says so (the service's own words) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop_app.core.certificates import CertificateKind
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_int, ngettext
from desktop_app.services.certificates import CertificateService, PreparedPrint, PrintResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui.context import AppContext
from desktop_app.ui.long_task import LongTask, Progress, run_with_render, show_error
from desktop_app.ui.preview import PdfPreviewDialog, preview_pdf, temp_document_path

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


def document_name(kind: str, course_title: str) -> str:
    _label, prefix, suffix = DOCUMENTS[kind]
    return f"{prefix} - {course_title}{suffix}"


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

    def actions(self) -> list[tuple[str, str, Callable[..., None]]]:
        # `clicked` passes `checked` first; the kind rides in a default argument.
        return [
            (kind, _(DOCUMENTS[kind][0]), lambda _checked=False, k=kind: self.print(k))
            for kind in DOCUMENTS
        ]

    def print(self, kind: str) -> None:
        if self.busy:
            return
        self.course_title = self.ctx.reader.courses.get(self.course_id).title
        name = document_name(kind, self.course_title)
        out = temp_document_path(name)
        self.last_path = out
        course_id = self.course_id
        title = _(DOCUMENTS[kind][0])
        if kind in (CERTIFICATES, COMMENDATIONS, CERTIFICATES_ZIP):
            cert_kind = (
                CertificateKind.COMMENDATION
                if kind == COMMENDATIONS
                else CertificateKind.COMPLETION
            )
            as_zip = kind == CERTIFICATES_ZIP

            def register(ws: Workspace, _progress: Progress) -> PreparedPrint:
                return ws.certificates.prepare_course(course_id, cert_kind)

            def render(prepared: PreparedPrint, progress: Progress) -> PrintResult:
                # On the document pool: saves elsewhere in the app are not held up.
                return CertificateService.render(prepared, out, as_zip=as_zip, progress=progress)

            self.busy = True
            self.task = run_with_render(
                self.parent,
                self.ctx,
                title,
                register,
                render,
                lambda result: self._printed(result, name),
                self._failed,
                on_cancelled=self._cancelled,
                label=_("Printing certificates…"),
            )
            return

        def single(ws: Workspace) -> Any:
            if kind == ROSTER:
                return ws.class_documents.print_roster(course_id, out)
            if kind == SHEET:
                return ws.class_documents.print_attendance_sheet(course_id, out)
            return ws.class_documents.export_xlsx(course_id, out)

        self.busy = True
        self.ctx.run(single, lambda _r: self._show(out, name), self._failed)

    def _printed(self, result: PrintResult, name: str) -> None:
        self.last_result = result
        self.ctx.run(lambda ws: ws.certificates.record_print(result))
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
        self._show(result.path, name)

    def _show(self, path: Path, name: str) -> None:
        self.busy = False
        self.task = None
        self.preview = preview_pdf(self.parent, path, name)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.task = None
        show_error(self.parent, _("Print"), exc)

    def _cancelled(self) -> None:
        self.busy = False
        self.task = None
        self.ctx.notify(
            _("Printing cancelled. The numbers stay in the register; print again to reprint.")
        )
