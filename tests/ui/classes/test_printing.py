"""Printing a class's papers: progress and Cancel, then the preview; nothing for no one."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.i18n import _, tr
from desktop_app.ui import long_task, preview
from desktop_app.ui.classes import ClassesPage
from desktop_app.ui.classes.course_view import COMPLETERS, CourseView
from desktop_app.ui.classes.printing import (
    CERTIFICATES,
    CERTIFICATES_ZIP,
    COMMENDATIONS,
    ROSTER,
    SHEET,
    XLSX,
)
from desktop_app.ui.context import AppContext
from desktop_app.ui.preview import PdfPreviewDialog

from .conftest import EMPTY_TITLE, TITLE, course_id, open_class, write


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [tuple(document.get_page_size(i)) for i in range(len(document))]  # type: ignore[misc]
    finally:
        document.close()


def everyone_present(qtbot: QtBot, ctx: AppContext, cid: str) -> None:
    grid = ctx.reader.courses.grid(cid)
    pairs = [(e.id, s.id) for e in grid.enrolments for s in grid.sessions]
    write(qtbot, ctx, lambda ws: ws.courses.set_attendance(cid, pairs, True))
    assert ctx.reader.courses.get(cid).completed == 3


def open_completers(qtbot: QtBot, page: ClassesPage, ctx: AppContext, title: str) -> CourseView:
    view = open_class(qtbot, page, course_id(ctx, title), COMPLETERS)
    assert view.completers is not None
    return view


def close_preview(dialog: PdfPreviewDialog) -> None:
    dialog.close_button.click()


def preview_text(path: Path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def save_issued(
    qtbot: QtBot, view: CourseView, dialog: PdfPreviewDialog, target: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:  # fmt: skip
    """Save as… in a certificates preview: issues the numbers, then writes the file."""
    monkeypatch.setattr(preview, "ask_save_path", lambda *_a: target)
    assert dialog.save_as() == target
    qtbot.waitUntil(lambda: dialog.saved_to == target and not view.printer.busy, timeout=20000)
    assert target.is_file()
    return target


def test_certificates_show_progress_then_a_preview_with_one_page_each(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    monkeypatch.setattr(long_task, "SHOW_AFTER_MS", 0)
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    view = open_completers(qtbot, page, ctx, TITLE)
    assert view.completers is not None
    qtbot.waitUntil(lambda: view.completers.model.rowCount() == 3, timeout=3000)  # type: ignore[union-attr]
    view.completers.buttons[CERTIFICATES].click()  # type: ignore[attr-defined]
    task = view.printer.task
    assert task is not None and task.dialog.isVisible()
    qtbot.waitUntil(lambda: view.printer.preview is not None, timeout=20000)
    assert task.last_progress == (3, 3)
    dialog = view.printer.preview
    assert dialog is not None and dialog.isVisible()
    assert dialog.page_count == 3
    path = view.printer.last_path
    assert path is not None and path.parent.parent == docs
    sizes = pdf_pages(path)
    assert len(sizes) == 3 and all(w > h for w, h in sizes)  # landscape certificates
    # The preview issues nothing; it says so on every page.
    assert ctx.reader.certificates.register() == []
    assert preview_text(path).count("BẢN XEM TRƯỚC") == 3
    saved = save_issued(qtbot, view, dialog, tmp_path / "gcn.pdf", monkeypatch)
    register = ctx.reader.certificates.register()
    assert len(register) == 3 and all(c.print_count == 1 for c in register)
    assert view.printer.last_result is not None and view.printer.last_result.new == 3
    assert "BẢN XEM TRƯỚC" not in preview_text(saved)
    close_preview(dialog)

    # Again: the same numbers are reprinted, none is added.
    view.printer.print(CERTIFICATES)
    qtbot.waitUntil(lambda: view.printer.preview is not None and not view.printer.busy,
                    timeout=20000)  # fmt: skip
    assert view.printer.preview is not dialog
    save_issued(qtbot, view, view.printer.preview, tmp_path / "again.pdf", monkeypatch)
    assert view.printer.last_result is not None
    assert (view.printer.last_result.new, view.printer.last_result.reprinted) == (0, 3)
    assert len(ctx.reader.certificates.register()) == 3
    close_preview(view.printer.preview)


def test_print_in_the_certificates_preview_issues_then_prints_the_issued_file(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(CERTIFICATES)
    qtbot.waitUntil(lambda: view.printer.preview is not None and not view.printer.busy,
                    timeout=20000)  # fmt: skip
    dialog = view.printer.preview
    assert dialog is not None
    previewed = dialog.path
    # The print dialog itself is the system's: cancelled first, then a printer chosen.
    chosen: list[QPrinter | None] = [None]
    monkeypatch.setattr(PdfPreviewDialog, "choose_printer", lambda self: chosen[0])
    printed: list[Path] = []
    monkeypatch.setattr(PdfPreviewDialog, "print_to", lambda self, _p: printed.append(self.path))
    dialog.print_document()
    assert printed == [] and dialog.issue is not None  # cancelled: nothing issued
    assert ctx.reader.certificates.register() == []
    chosen[0] = QPrinter()
    dialog.print_document()
    qtbot.waitUntil(lambda: bool(printed) and not view.printer.busy, timeout=20000)
    (issued,) = printed
    assert issued != previewed and dialog.issue is None
    register = ctx.reader.certificates.register()
    assert len(register) == 3 and all(c.print_count == 1 for c in register)
    text = preview_text(issued)
    assert "BẢN XEM TRƯỚC" not in text and all(c.serial in text for c in register)
    # Printing the same window again prints the same file: nothing more is issued.
    dialog.print_document()
    assert printed == [issued, issued]
    assert [c.print_count for c in ctx.reader.certificates.register()] == [1, 1, 1]
    close_preview(dialog)


def test_cancel_stops_the_batch_and_leaves_no_file(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path
) -> None:
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    bich = next(e.id for e in ctx.reader.courses.enrolments(cid) if e.full_name == "Trần Thị Bích")
    write(qtbot, ctx, lambda ws: ws.courses.set_commendation(bich, True))
    view = open_completers(qtbot, page, ctx, TITLE)
    notices: list[str] = []
    ctx.notice.connect(lambda text, *_a: notices.append(text))
    view.printer.print(COMMENDATIONS)
    decision = view.printer.decision_dialog
    assert decision is not None
    decision.number.setText("12/QĐ-TTHTCĐ")
    decision.day.setText("02/03/2026")
    decision.ok_button.click()
    task = view.printer.task
    assert task is not None
    task.cancel()  # as the Cancel button does
    qtbot.waitUntil(lambda: not view.printer.busy, timeout=20000)
    assert task.cancelled
    assert view.printer.preview is None
    assert [p for p in files(docs) if p.suffix == ".pdf"] == []
    assert notices[-1] == _("Cancelled. Nothing was written.")
    assert ctx.reader.certificates.register() == []


def test_a_class_with_no_completers_says_so_and_writes_nothing(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path
) -> None:
    view = open_completers(qtbot, page, ctx, EMPTY_TITLE)
    for kind in (CERTIFICATES, CERTIFICATES_ZIP, ROSTER):
        view.printer.print(kind)
        qtbot.waitUntil(lambda: not view.printer.busy, timeout=5000)
        boxes = [b for b in view.findChildren(QMessageBox) if b.isVisible()]
        assert len(boxes) == 1
        expected = (
            tr(
                "No one is enrolled in {title} yet, so there is nothing to print.",
                title=EMPTY_TITLE,
            )
            if kind == ROSTER
            else tr(
                "No one has completed {title} yet, so there is nothing to print.",
                title=EMPTY_TITLE,
            )
        )
        assert boxes[0].text() == expected
        boxes[0].close()
        assert view.printer.preview is None
    assert files(docs) == []
    assert ctx.reader.certificates.register() == []


def test_roster_sheet_and_xlsx_preview_then_save_as(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    view = open_completers(qtbot, page, ctx, TITLE)
    asked: list[Path] = []

    def answer(_parent: object, suggested: Path, _filter: str) -> Path:
        asked.append(suggested)
        return tmp_path / "saved" / suggested.name

    monkeypatch.setattr(preview, "ask_save_path", answer)
    (tmp_path / "saved").mkdir()
    for kind in (ROSTER, SHEET, XLSX):
        view.printer.print(kind)
        qtbot.waitUntil(lambda: view.printer.preview is not None and not view.printer.busy,
                        timeout=10000)  # fmt: skip
        dialog = view.printer.preview
        assert dialog is not None
        assert dialog.is_pdf == (kind != XLSX)
        assert dialog.print_button.isVisible() == (kind != XLSX)
        target = dialog.save_as()
        assert target is not None and target.is_file()
        assert target.read_bytes() == dialog.path.read_bytes()
        assert asked[-1].parent == preview.documents_folder()
        assert TITLE in asked[-1].name
        close_preview(dialog)
        view.printer.preview = None
    assert len(pdf_pages(tmp_path / "saved" / asked[0].name)) >= 1


def test_preview_renders_lazily_zooms_and_prints_each_page(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path, tmp_path: Path
) -> None:
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(CERTIFICATES)
    qtbot.waitUntil(lambda: view.printer.preview is not None, timeout=20000)
    dialog = view.printer.preview
    assert dialog is not None
    qtbot.waitUntil(lambda: 0 in dialog.rendered_pages(), timeout=3000)
    assert len(dialog.rendered_pages()) < dialog.page_count  # only what is in view
    width = dialog.labels[0].width()
    dialog.step_zoom(1)
    assert dialog.labels[0].width() > width
    qtbot.waitUntil(lambda: dialog.labels[0].rendered_zoom == dialog.zoom, timeout=3000)

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setResolution(100)
    assert dialog.print_to(printer) == 3
    sizes = pdf_pages(out)
    assert len(sizes) == 3 and all(w > h for w, h in sizes)
    assert abs(sizes[0][0] - 842) < 3 and abs(sizes[0][1] - 595) < 3  # A4 landscape
    close_preview(dialog)


def test_zip_of_certificates_offers_save_only(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path
) -> None:
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(CERTIFICATES_ZIP)
    qtbot.waitUntil(lambda: view.printer.preview is not None, timeout=20000)
    dialog = view.printer.preview
    assert dialog is not None and not dialog.is_pdf
    assert not dialog.print_button.isVisible() and dialog.save_button.isVisible()
    assert "3" in dialog.info.text()
    close_preview(dialog)


def test_certificates_render_on_the_document_pool_not_the_database_worker(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import threading

    from desktop_app.services.certificates import CertificateService

    threads: list[str] = []
    real_render = CertificateService.render

    def spy(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CertificateService, "render", staticmethod(spy))
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(CERTIFICATES)
    qtbot.waitUntil(lambda: view.printer.preview is not None, timeout=20000)
    assert len(threads) == 1 and threads[0].startswith("documents")
    saves_done: list[object] = []
    ctx.query(lambda ws: ws.courses.class_types(), saves_done.append)
    qtbot.waitUntil(lambda: bool(saves_done), timeout=5000)
    close_preview(view.printer.preview)  # type: ignore[arg-type]


def test_printed_certificates_show_in_the_register_at_once(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The register page (Giấy chứng nhận) refreshes from the print's news, no reopening."""
    from desktop_app.ui.classes import CertificateRegisterPage

    register = CertificateRegisterPage(ctx)
    qtbot.addWidget(register)
    qtbot.waitUntil(lambda: not register.loading, timeout=5000)
    assert register.model.rowCount() == 0
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(CERTIFICATES)
    qtbot.waitUntil(lambda: view.printer.preview is not None, timeout=20000)
    assert register.model.rowCount() == 0  # the preview issued nothing
    save_issued(qtbot, view, view.printer.preview, tmp_path / "gcn.pdf", monkeypatch)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=20000)
    assert register.year.count() == 2  # "all years" and this year
    close_preview(view.printer.preview)  # type: ignore[arg-type]


def test_roster_renders_on_the_document_pool_and_the_print_is_audited(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import threading

    from desktop_app.services.class_documents import ClassDocumentService

    threads: list[str] = []
    real_render = ClassDocumentService.render

    def spy(*args: object, **kwargs: object) -> int:
        threads.append(threading.current_thread().name)
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ClassDocumentService, "render", staticmethod(spy))
    cid = course_id(ctx, TITLE)
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(ROSTER)
    qtbot.waitUntil(lambda: view.printer.preview is not None, timeout=10000)
    assert len(threads) == 1 and threads[0].startswith("documents")

    def audited() -> bool:
        row = ctx.reader.db.conn.execute(
            "SELECT detail FROM audit WHERE action = 'roster.print' AND record_id = ?", (cid,)
        ).fetchone()
        return row is not None and row[0] == "rows=3"

    qtbot.waitUntil(audited, timeout=5000)
    close_preview(view.printer.preview)  # type: ignore[arg-type]


def test_save_as_refuses_the_database_and_a_folder(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The Save dialog goes through the same check as --out: the database stays as it was."""
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(ROSTER)
    qtbot.waitUntil(lambda: view.printer.preview is not None and not view.printer.busy,
                    timeout=10000)  # fmt: skip
    dialog = view.printer.preview
    assert dialog is not None
    before = ctx.path.read_bytes()
    for answer in (ctx.path, Path(str(ctx.path) + "-wal"), tmp_path, tmp_path / "no" / "x.pdf"):
        monkeypatch.setattr(preview, "ask_save_path", lambda *_a, target=answer: target)
        assert dialog.save_as() is None
        box = next(w for w in dialog.findChildren(QMessageBox) if w.isVisible())
        assert str(answer.parent if answer.name == "x.pdf" else answer) in box.text()
        box.close()
    assert ctx.path.read_bytes() == before
    assert dialog.saved_to is None
    close_preview(dialog)
