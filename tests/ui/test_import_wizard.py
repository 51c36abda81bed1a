"""The import wizard driven step by step with its real widgets on a real database: a real list
written with openpyxl (title rows, the header on row 5, a TCVN3 column of names, a rejected
row, a duplicate, a person already held, a hamlet the centre lacks), imported, found in the
People list, undone; the rejected rows saved; the same file refused; the wizard fits 1280×720."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.i18n import _, format_int
from desktop_app.services.imports import DUPLICATE, IGNORED, MATCH, NEW, REJECTED
from desktop_app.services.workspace import Workspace
from desktop_app.ui.context import AppContext
from desktop_app.ui.import_wizard import (
    DONE,
    MAPPING,
    PREVIEW,
    SHEET,
    ImportWizard,
    PlanRowsModel,
    status_label,
)
from desktop_app.ui.main_window import MainWindow
from tests.core.test_legacy_text import encode_tcvn3
from tests.services.test_imports import roster, write_xlsx

WAIT = 10_000


def list_file(folder: Path) -> Path:
    """Six people, their names typed in TCVN3 (.VnTime)."""
    rows = [
        (1, "Ngô Thị Mai", dt.datetime(1991, 3, 4), "Nữ", "", "", "Thôn 1", "Kinh"),
        (2, "Lê Văn Cường", "1975", "Nam", "", "", "Thôn 2", "Kinh"),  # held: to confirm
        (3, "Đỗ Văn Tú", "31/02/1960", "Nam", "", "", "Thôn 1", "Kinh"),  # no 31 February
        (4, "Ngô Thị Mai", "04/03/1991", "Nữ", "", "", "Thôn 1", "Kinh"),  # row 7 again
        (5, "Vũ Thị Lan", "1980", "Nữ", "", "", "Xóm Mới", "Kinh"),  # a hamlet not held
        (6, "Hoàng Văn Nam", "1985", "Nam", "", "", "Thôn 2", "Tày"),
    ]
    legacy = [(r[0], encode_tcvn3(str(r[1])), *r[2:]) for r in rows]
    return write_xlsx(folder / "danh sach.xlsx", roster(legacy))


def names(window: MainWindow) -> list[str]:
    model = window.people_page.model
    return [row.full_name for i in range(model.rowCount()) if (row := model.row_at(i))]


def settle(qtbot: QtBot, window: MainWindow) -> None:
    idle(qtbot, window.ctx)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def yes(qtbot: QtBot, box: object, text: str) -> None:
    assert isinstance(box, QMessageBox)
    button = next(b for b in box.buttons() if b.text() == text)
    click(qtbot, button)


def open_wizard(
    qtbot: QtBot, window: MainWindow, file: Path, monkeypatch: pytest.MonkeyPatch
) -> ImportWizard:
    """The People page's button, then the file chosen in the Open dialog."""
    page = window.people_page
    click(qtbot, page.import_button)
    wizard = page.import_wizard
    assert isinstance(wizard, ImportWizard)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(file), ""))
    click(qtbot, wizard.choose_button)
    return wizard


def idle(qtbot: QtBot, ctx: AppContext) -> None:
    qtbot.waitUntil(lambda: ctx.worker.pending == 0 and ctx.queries.pending == 0, timeout=WAIT)


def walk_to_preview(qtbot: QtBot, ctx: AppContext, wizard: ImportWizard) -> None:
    """The sheet and the columns as guessed, then the whole file checked."""
    qtbot.waitUntil(lambda: wizard.step == SHEET, timeout=WAIT)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step == MAPPING, timeout=WAIT)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.step == PREVIEW, timeout=WAIT)
    qtbot.waitUntil(lambda: wizard.plan is not None and wizard.plan.complete, timeout=WAIT)
    idle(qtbot, ctx)


def to_preview(qtbot: QtBot, window: MainWindow, wizard: ImportWizard) -> None:
    walk_to_preview(qtbot, window.ctx, wizard)


def test_a_list_goes_through_every_step_is_imported_and_undone(
    qtbot: QtBot,
    people_db: Path,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(people_db)
    file = list_file(tmp_path)
    wizard = open_wizard(qtbot, window, file, monkeypatch)

    # The sheet and its header: found on row 5 past the titles, shown in the first rows.
    qtbot.waitUntil(lambda: wizard.step == SHEET, timeout=WAIT)
    assert wizard.sheet_combo.currentData() == "Danh sách"
    assert wizard.header_spin.value() == 5
    header_cell = wizard.head_table.item(4, 1)
    assert header_cell is not None and header_cell.text() == "Họ và tên"
    assert header_cell.font().bold()
    click(qtbot, wizard.next_button)

    # The mapping: guessed; the TCVN3 column flagged with its converted sample.
    qtbot.waitUntil(lambda: wizard.step == MAPPING, timeout=WAIT)
    assert wizard.field_combo("B").currentData() == "full_name"
    assert wizard.field_combo("C").currentData() == "birth"
    assert wizard.font_combo("B").currentData() == "tcvn3"
    assert wizard.font_combo("C").currentData() == "unicode"
    assert "B" in wizard.legacy_label.text() and not wizard.legacy_label.isHidden()
    sample = wizard.mapping_table.item(1, 4)
    assert sample is not None
    assert f"{encode_tcvn3('Ngô Thị Mai')} → Ngô Thị Mai" in sample.text()
    # A column left out: planned again with it.
    choose(wizard.field_combo("H"), "")
    qtbot.waitUntil(
        lambda: (
            wizard.preview is not None
            and next(c for c in wizard.preview.columns if c.letter == "H").field is None
        ),
        timeout=WAIT,
    )
    settle(qtbot, window)
    click(qtbot, wizard.next_button)

    # The preview: counts as the plan has them, a filter, the reasons, the match.
    qtbot.waitUntil(lambda: wizard.step == PREVIEW, timeout=WAIT)
    qtbot.waitUntil(lambda: wizard.plan is not None and wizard.plan.complete, timeout=WAIT)
    settle(qtbot, window)
    plan = wizard.plan
    assert plan is not None
    counts = plan.counts
    assert (counts[NEW], counts[MATCH], counts[DUPLICATE], counts[REJECTED]) == (3, 1, 1, 1)
    shown = wizard.counts_label.text()
    for status in (NEW, MATCH, DUPLICATE, REJECTED, IGNORED):
        assert f"{status_label(status)}: {format_int(counts[status])}" in shown
    # The same plan as the service makes by itself with those choices.
    with Workspace.open(people_db, read_only=True) as ws:
        again = ws.imports.plan(file, mapping={"H": ""}, options=wizard._options())
    assert again.counts == counts

    model = wizard.rows_model
    choose(wizard.filter_combo, REJECTED)
    assert model.rowCount() == 1
    rejected = model.row_at(0)
    assert rejected is not None and model.data(model.index(0, 2)) == "Đỗ Văn Tú"
    assert model.data(model.index(0, 6))  # the reason
    choose(wizard.filter_combo, MATCH)
    assert model.rowCount() == 1 and "Lê Văn Cường" in model.data(model.index(0, 6))
    choose(wizard.filter_combo, DUPLICATE)
    assert model.rowCount() == 1 and "7" in model.data(model.index(0, 6))
    choose(wizard.filter_combo, "")
    assert model.rowCount() == len(plan.rows)

    # The hamlet the centre lacks: mapped to one of the list, and the file checked again.
    assert list(wizard.hamlet_combos) == ["Xóm Mới"]
    hamlet = wizard.hamlet_combos["Xóm Mới"]
    choose(hamlet, next(hid for hid, name in wizard.hamlets if name == "Xóm Đông"))
    qtbot.waitUntil(lambda: wizard.plan is not None and wizard.plan.complete, timeout=WAIT)
    settle(qtbot, window)
    assert wizard.plan is not None and wizard.plan.unknown_hamlets == ()

    # Rejected rows: no import until they are left out; saved as an xlsx with the reason.
    assert not wizard.import_button.isEnabled()
    monkeypatch.setattr(
        "desktop_app.ui.import_wizard.ask_output_path", lambda *_a: tmp_path / "rejects.xlsx"
    )
    click(qtbot, wizard.save_rejects_button)
    qtbot.waitUntil(lambda: wizard.saved_rejects is not None, timeout=WAIT)
    sheet = openpyxl.load_workbook(tmp_path / "rejects.xlsx").active
    assert sheet is not None
    values = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert encode_tcvn3("Đỗ Văn Tú") in values or "Đỗ Văn Tú" in values
    assert "Ngô Thị Mai" not in values and encode_tcvn3("Ngô Thị Mai") not in values
    wizard.skip_rejected_check.setChecked(True)
    assert wizard.import_button.isEnabled()

    # Import, the summary, the People list.
    before = len(names(window))
    click(qtbot, wizard.import_button)
    qtbot.waitUntil(lambda: wizard.step == DONE, timeout=WAIT)
    settle(qtbot, window)
    assert wizard.import_result is not None
    assert wizard.import_result.counts["created"] == 3
    assert format_int(3) in wizard.done_label.text()
    qtbot.waitUntil(lambda: len(names(window)) == before + 3, timeout=WAIT)
    assert {"Ngô Thị Mai", "Vũ Thị Lan", "Hoàng Văn Nam"} <= set(names(window))

    # Undo, after a confirmation: the people are gone from the list.
    click(qtbot, wizard.undo_button)
    yes(qtbot, wizard.confirm_box, _("Undo the import"))
    qtbot.waitUntil(lambda: wizard.undo_result is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: len(names(window)) == before, timeout=WAIT)
    assert "Ngô Thị Mai" not in names(window)
    assert not wizard.undo_button.isEnabled()
    click(qtbot, wizard.close_button)
    qtbot.waitUntil(lambda: window.people_page.import_wizard is None, timeout=WAIT)


def test_a_file_imported_before_says_so_and_offers_its_undo(
    qtbot: QtBot,
    people_db: Path,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file = list_file(tmp_path)
    with Workspace.open(people_db) as ws:
        from desktop_app.services.imports import ImportOptions

        options = ImportOptions(create_hamlets=True, skip_rejected=True)
        first = ws.imports.apply(ws.imports.plan(file, options=options), options)
    window = make_window(people_db)
    assert "Vũ Thị Lan" in names(window)
    # From the File menu this time.
    window.import_action.trigger()
    wizard = window.people_page.import_wizard
    assert isinstance(wizard, ImportWizard)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(file), ""))
    click(qtbot, wizard.choose_button)
    qtbot.waitUntil(lambda: wizard.opened is not None, timeout=WAIT)
    settle(qtbot, window)
    text = wizard.file_message.text()
    assert first.import_id in text and dt.date.today().strftime("%d/%m/%Y") in text
    assert wizard.undo_earlier_button.isVisible() and not wizard.next_button.isEnabled()

    click(qtbot, wizard.undo_earlier_button)
    yes(qtbot, wizard.confirm_box, _("Undo the import"))
    # Undone, the file is read again and can be imported.
    qtbot.waitUntil(lambda: wizard.step == SHEET, timeout=WAIT)
    settle(qtbot, window)
    assert "Vũ Thị Lan" not in names(window)
    assert wizard.opened is not None and wizard.opened.already is None
    to_preview(qtbot, window, wizard)
    assert wizard.plan is not None and wizard.plan.count(NEW) == 3


def test_the_wizard_fits_an_office_screen(
    qtbot: QtBot,
    people_db: Path,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(people_db)
    wizard = open_wizard(qtbot, window, list_file(tmp_path), monkeypatch)
    to_preview(qtbot, window, wizard)
    for step in (SHEET, MAPPING, PREVIEW):
        wizard.stack.setCurrentIndex(step)
        qtbot.wait(50)
        hint = wizard.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 720 - 40, (step, hint)
        assert wizard.width() <= 1280 and wizard.height() <= 720
    table = wizard.rows_table
    header = table.horizontalHeader()
    last = header.count() - 1
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= (
        table.viewport().width()
    )


def test_the_rows_model_is_a_sound_model(
    qtbot: QtBot,
    qtmodeltester: object,
    people_db: Path,
    tmp_path: Path,
) -> None:
    with Workspace.open(people_db, read_only=True) as ws:
        plan = ws.imports.plan(list_file(tmp_path))
    model = PlanRowsModel()
    model.set_plan_rows(plan.rows)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_status(REJECTED)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == plan.count(REJECTED)
