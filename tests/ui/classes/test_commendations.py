"""Commendations in the GUI: who gets one is ticked in the completers' list, the decision is
asked before anything is laid out, and the register prints as a book from its page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.courses import Result
from desktop_app.i18n import _, tr
from desktop_app.ui import preview
from desktop_app.ui.classes import ClassesPage
from desktop_app.ui.classes.course_view import CourseView
from desktop_app.ui.classes.printing import COMMENDATIONS
from desktop_app.ui.classes.results import COL_COMMENDATION
from desktop_app.ui.context import AppContext

from .conftest import TITLE, course_id, write
from .test_printing import everyone_present, open_completers
from .test_register import issue, register_page


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(raw.decode("utf-8").split())


def with_results(qtbot: QtBot, ctx: AppContext) -> str:
    """Everyone completed; Trần Thị Bích is Very good, Lê Văn Cường Good."""
    cid = course_id(ctx, TITLE)
    everyone_present(qtbot, ctx, cid)
    by_name = {e.full_name: e.id for e in ctx.reader.courses.enrolments(cid)}
    write(qtbot, ctx, lambda ws: ws.courses.set_result(by_name["Trần Thị Bích"], Result.VERY_GOOD))
    write(qtbot, ctx, lambda ws: ws.courses.set_result(by_name["Lê Văn Cường"], Result.GOOD))
    return cid


def ticks(view: CourseView) -> dict[str, bool]:
    model = view.completers.model  # type: ignore[union-attr]
    return {
        model.rows[row].full_name: model.index(row, COL_COMMENDATION).data(
            Qt.ItemDataRole.CheckStateRole
        )
        == Qt.CheckState.Checked
        for row in range(model.rowCount())
    }


def test_the_completers_list_ticks_who_gets_a_commendation_and_saves_a_change(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    cid = with_results(qtbot, ctx)
    view = open_completers(qtbot, page, ctx, TITLE)
    tab = view.completers
    assert tab is not None
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=3000)
    assert tab.model.headerData(COL_COMMENDATION, Qt.Orientation.Horizontal) == _("Commendation")
    assert ticks(view) == {"Trần Thị Bích": True, "Lê Văn Cường": False, "Phạm Thị Hoa": False}
    summary = tr(
        "{done} of {count} enrolled completed the class; {chosen} of them get a "
        "commendation (tick or untick in the last column).",
        done="3", count="3", chosen="1",
    )  # fmt: skip
    assert tab.summary.text() == summary
    row = next(i for i, e in enumerate(tab.model.rows) if e.full_name == "Lê Văn Cường")
    assert tab.model.setData(
        tab.model.index(row, COL_COMMENDATION), Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )  # fmt: skip

    def saved() -> bool:
        e = next(e for e in ctx.reader.courses.enrolments(cid) if e.full_name == "Lê Văn Cường")
        return e.commendation is True

    qtbot.waitUntil(saved, timeout=5000)
    qtbot.waitUntil(lambda: ticks(view)["Lê Văn Cường"], timeout=5000)
    assert "2" in tab.summary.text()


def test_commendations_ask_for_the_decision_then_print_it(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, docs: Path,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    with_results(qtbot, ctx)
    view = open_completers(qtbot, page, ctx, TITLE)
    view.printer.print(COMMENDATIONS)
    dialog = view.printer.decision_dialog
    assert dialog is not None and dialog.isVisible()
    assert view.printer.task is None  # nothing is laid out before the decision
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.message.text()
    assert view.printer.task is None
    dialog.number.setText("12/QĐ-TTHTCĐ")
    dialog.day.setText("31/02/2026")  # a day that does not exist is named
    dialog.ok_button.click()
    assert dialog.message.text() == _("There is no {day} February.").format(day=31)
    dialog.day.setText("sáng thứ hai")
    dialog.ok_button.click()
    assert dialog.message.text() == _("Type the decision's date as dd/mm/yyyy.")
    dialog.day.setText("20/02/2026")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: view.printer.preview is not None and not view.printer.busy,
                    timeout=20000)  # fmt: skip
    shown = view.printer.preview
    assert shown is not None and shown.page_count == 1
    previewed = pdf_text(shown.path)
    assert "BẢN XEM TRƯỚC" in previewed and "Theo Quyết định số 12/QĐ-TTHTCĐ" in previewed
    assert ctx.reader.certificates.register() == []
    target = tmp_path / "gk.pdf"
    monkeypatch.setattr(preview, "ask_save_path", lambda *_a: target)
    assert shown.save_as() == target
    qtbot.waitUntil(lambda: shown.saved_to == target and not view.printer.busy, timeout=20000)
    (cert,) = ctx.reader.certificates.register()
    assert cert.full_name == "Trần Thị Bích" and cert.decision == "12/QĐ-TTHTCĐ"
    text = pdf_text(target)
    assert "GIẤY KHEN" in text and "Tặng Bà: Trần Thị Bích" in text
    assert "Đã đạt thành tích học tập loại Giỏi" in text
    assert "Theo Quyết định số 12/QĐ-TTHTCĐ, ngày 20/02/2026" in text
    shown.close_button.click()

    # The next time the dialog offers the same decision.
    view.printer.print(COMMENDATIONS)
    again = view.printer.decision_dialog
    assert again is not None and again.number.text() == "12/QĐ-TTHTCĐ"
    assert again.day.text() == "20/02/2026"
    again.reject()


def test_the_register_book_prints_from_the_register_page(
    qtbot: QtBot, ctx: AppContext, docs: Path
) -> None:
    issued = issue(qtbot, ctx)
    page = register_page(qtbot, ctx)
    page.book_button.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=20000)
    assert page.preview is not None
    text = pdf_text(page.preview.path)
    assert "SỔ CẤP GIẤY CHỨNG NHẬN" in text and "Người nhận ký" in text
    for serial in issued:
        assert serial in text
    year = issued[0].split("/")[1]
    assert f"Năm {year}" in text

    def audited() -> bool:
        row = ctx.reader.db.conn.execute(
            "SELECT action, record_id FROM audit ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return tuple(row) == ("certificate_register.print", year)

    qtbot.waitUntil(audited, timeout=5000)
    page.preview.close_button.click()
