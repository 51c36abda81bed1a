"""The Learning models section's self-assessment and progress tabs, with real widgets on a real
database: a household's sheet shows the items computed from attendance with their source;
values typed with the keyboard (a reason required only where the records gave one); saved
with Ctrl+S and shown again as saved; unsaved typing kept until the user agrees to drop it;
"Assess all from the records" saves the others and keeps the hand-edited one; the progress
chart's figures are those of `ws.models.status`; only the tab on screen reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop_app.core.courses import CourseInput
from desktop_app.core.learning_models import ItemValue
from desktop_app.core.people import HamletKind, PersonInput
from desktop_app.i18n import _, format_int, format_percent, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui.charts import rate_text
from desktop_app.ui.context import AppContext
from desktop_app.ui.learning_models_page import LearningModelsPage
from desktop_app.ui.model_assessment import VALUE, AssessmentView, SheetView
from tests.ui.test_import_wizard import WAIT, click, idle, yes

YEAR = dt.date.today().year


def household(ws: Workspace, hamlet: str, people: list[tuple[str, int]]) -> tuple[str, list[str]]:
    ids = [
        ws.people.add(PersonInput(full_name=n, birth=str(YEAR - age), hamlet_id=hamlet)).value
        for n, age in people
    ]
    home = ws.households.create(ids[0]).value
    for pid in ids[1:]:
        ws.households.add_member(home, pid)
    return home, ids


@pytest.fixture
def db(tmp_path: Path) -> dict[str, object]:
    """Thôn 1: An (46) and Bích (44) with a child of 11, An attended a class this year;
    Thôn 2: Hoa (56) alone and Tú (36) alone; all three registered, plus Cường (30) in
    Thôn 2 not registered."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        one = ws.centre.add_hamlet("Thôn 1", HamletKind.THON).value
        two = ws.centre.add_hamlet("Thôn 2", HamletKind.THON).value
        an, (an_id, *_rest) = household(
            ws, one, [("Nguyễn Văn An", 46), ("Trần Thị Bích", 44), ("Nguyễn Thị Diệu", 11)]
        )
        hoa, _h = household(ws, two, [("Phạm Thị Hoa", 56)])
        tu, _t = household(ws, two, [("Đỗ Văn Tú", 36)])
        cuong, _c = household(ws, two, [("Lê Văn Cường", 30)])
        day = dt.date(YEAR, 1, 15)
        cid = ws.courses.create(
            CourseInput(type_code="ky_nang_so", title="Lớp tin học", start=day), [day]
        ).value
        ws.courses.enrol(cid, [an_id])
        grid = ws.courses.grid(cid)
        ws.courses.set_attendance(cid, [(grid.enrolments[0].id, grid.sessions[0].id)], True)
        for home in (an, hoa, tu):
            ws.models.register("family", YEAR, home, on=dt.date(YEAR, 1, 5))
    return {"path": path, "an": an, "hoa": hoa, "tu": tu, "cuong": cuong}


def assessment_on(
    qtbot: QtBot, ctx: AppContext, model: str = "family"
) -> tuple[LearningModelsPage, AssessmentView]:
    page = LearningModelsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    tab = page.show_model(model)
    tab.show_view(tab.assessment)
    idle(qtbot, ctx)
    return page, tab.assessment


def row_of(view: AssessmentView, code: str) -> int:
    return next(n for n, i in enumerate(view.sheet_model.rows) if i.item.code == code)


def item(view: AssessmentView, code: str) -> object:
    return view.sheet_model.rows[row_of(view, code)]


def cell(view: AssessmentView, code: str, column: int) -> str:
    return view.sheet_model.cells(row_of(view, code))[column]


def type_value(qtbot: QtBot, sheet: SheetView, text: str) -> None:
    """Type into the current item as a user does: the first key opens the editor, Enter ends."""
    qtbot.keyClicks(sheet, text[0])
    editor = next(e for e in sheet.findChildren(QLineEdit) if e.isVisible())
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits once the key is handled (a queued call), then closes the editor.
    qtbot.waitUntil(lambda: sheet.state() != QAbstractItemView.State.EditingState, timeout=WAIT)


def test_a_sheet_is_typed_with_the_keyboard_and_saved(
    qtbot: QtBot, db: dict, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(db["path"])
    page, view = assessment_on(qtbot, ctx)
    # The registered households, Thôn 1 first; none assessed.
    names = [r.name for r in view.subjects_model.rows]
    assert names == ["Nguyễn Văn An", "Đỗ Văn Tú", "Phạm Thị Hoa"]
    assert {view.subjects_model.cells(n)[4] for n in range(3)} == {_("Not assessed")}

    # The first is open: the items computed from the records, with where they came from.
    qtbot.waitUntil(lambda: view.sheet is not None, timeout=WAIT)
    assert view.sheet is not None and view.sheet.subject_id == db["an"]
    assert cell(view, "2.2", VALUE) == format_percent(50.0)
    assert cell(view, "2.2", 3) == tr(
        "{n} of {total} adults attended a class in {year} ({courses}) (attendance)",
        n=1, total=2, year=YEAR, courses="Lớp tin học",
    )  # fmt: skip
    assert cell(view, "1.2", 3) == tr("Not in the records: answer by hand")
    assert cell(view, "1.2", VALUE) == "—"
    before = view.sheet.total
    assert before == 10  # 2.1: both adults counted literate

    # 1.2 answers no record: typed, no reason asked; Enter goes to the next item.
    sheet = view.sheet_view
    sheet.setFocus()
    sheet.go_to(row_of(view, "1.2"))
    type_value(qtbot, sheet, "8")
    assert view.reason_dialog is None
    assert view.sheet.total == before + 8 and view.dirty
    assert sheet.currentIndex().row() == row_of(view, "1.3")
    assert sheet.currentIndex().column() == VALUE
    # Up/Down move between items.
    qtbot.keyClick(sheet, Qt.Key.Key_Down)
    assert sheet.currentIndex().row() == row_of(view, "2.1")
    # A value out of range is refused where it is typed.
    type_value(qtbot, sheet, "140")
    assert view.message.text() and view.sheet.total == before + 8

    # 2.2 came from attendance: changing it needs the reason.
    sheet.go_to(row_of(view, "2.2"))
    type_value(qtbot, sheet, "100")
    dialog = view.reason_dialog
    assert dialog is not None and dialog.isVisible()
    click(qtbot, dialog.ok_button)  # no reason: refused, said in the dialog
    assert dialog.isVisible() and dialog.message.text()
    assert cell(view, "2.2", VALUE) == format_percent(50.0)
    dialog.reason_edit.setText("Chị Bích học lớp ở xã bên")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert cell(view, "2.2", VALUE) == format_percent(100.0)
    assert "Chị Bích học lớp ở xã bên" in cell(view, "2.2", 3)
    assert view.sheet.total == before + 8 + 10

    # Space on the yes/no item 3.2 (from the members list): asks too; Cancel changes nothing.
    sheet.go_to(row_of(view, "3.2"))
    qtbot.keyClick(sheet, Qt.Key.Key_Space)
    box = view.reason_dialog
    assert box is not None and box is not dialog
    box.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
    assert cell(view, "3.2", VALUE) == _("no")

    # Another household while the typing is not saved: asked; Cancel keeps the sheet.
    view.subjects_table.selectRow(1)
    assert view.confirm_box is not None
    view.confirm_box.reject()  # type: ignore[attr-defined]
    assert view.sheet.subject_id == db["an"] and view.dirty
    assert view.chosen() == db["an"]

    # Ctrl+S saves in one operation; the list shows it.
    page.activateWindow()  # the dialogs had it
    sheet.setFocus()
    qtbot.waitUntil(sheet.hasFocus, timeout=WAIT)
    qtbot.keyClick(sheet, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not view.dirty, timeout=WAIT)
    idle(qtbot, ctx)
    row = next(n for n, r in enumerate(view.subjects_model.rows) if r.subject_id == db["an"])
    assert view.subjects_model.cells(row)[2] == "28"
    with Workspace.open(db["path"], read_only=True) as ws:
        saved = ws.assessments.saved("family", YEAR, db["an"])
        assert saved is not None and saved.total == 28
        assert saved.items["2.2"]["reason"] == "Chị Bích học lớp ở xã bên"
        assert saved.items["1.2"]["hand"] is True and saved.items["1.2"]["value"] == 8

    # A new page reads it back as saved: the typed values, their reason, nothing unsaved.
    page.close()
    _page2, again = assessment_on(qtbot, ctx)
    qtbot.waitUntil(lambda: again.sheet is not None, timeout=WAIT)
    assert again.sheet is not None and again.sheet.total == 28 and not again.dirty
    assert cell(again, "1.2", VALUE) == "8" and cell(again, "2.2", VALUE) == format_percent(100.0)
    assert "Chị Bích học lớp ở xã bên" in cell(again, "2.2", 3)

    # Delete gives 1.2 back to the records (unanswered); Undo brings the saved value back.
    again.sheet_view.go_to(row_of(again, "1.2"))
    qtbot.keyClick(again.sheet_view, Qt.Key.Key_Delete)
    assert cell(again, "1.2", VALUE) == "—" and again.dirty
    click(qtbot, again.revert_button)
    assert cell(again, "1.2", VALUE) == "8" and not again.dirty


def test_unsaved_typing_is_dropped_only_when_the_user_agrees(
    qtbot: QtBot, db: dict, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(db["path"])
    page, view = assessment_on(qtbot, ctx)
    qtbot.waitUntil(lambda: view.sheet is not None, timeout=WAIT)
    view.sheet_view.go_to(row_of(view, "1.3"))
    type_value(qtbot, view.sheet_view, "5")
    assert view.dirty
    # A change elsewhere reads the list and the sheet again: the typing stays.
    ctx.op(lambda ws: ws.models.register("family", YEAR, db["cuong"]), parent=page)
    qtbot.waitUntil(lambda: len(view.subjects_model.every) == 4, timeout=WAIT)
    idle(qtbot, ctx)
    assert view.dirty and cell(view, "1.3", VALUE) == "5"
    # The year switcher asks too, and stays until the answer.
    page.year_spin.setValue(YEAR - 1)
    assert page.year == YEAR and page.year_spin.value() == YEAR
    page.confirm_box.reject()  # type: ignore[attr-defined]
    assert view.dirty
    view.subjects_table.selectRow(2)
    yes(qtbot, view.confirm_box, _("Discard the changes"))
    qtbot.waitUntil(lambda: view.sheet is not None and view.sheet.subject_id != db["an"],
                    timeout=WAIT)  # fmt: skip
    assert not view.dirty
    with Workspace.open(db["path"], read_only=True) as ws:
        assert ws.assessments.saved_summaries("family", YEAR) == {}


def test_assess_all_saves_the_others_and_keeps_the_hand_edited(
    qtbot: QtBot, db: dict, open_context: Callable[[Path], AppContext]
) -> None:
    with Workspace.open(db["path"]) as ws:
        ws.assessments.save_assessment(
            "family", YEAR, db["hoa"], {"1.2": ItemValue(10, source="hand")}
        )
    ctx = open_context(db["path"])
    _page, view = assessment_on(qtbot, ctx)
    assert view.counts.text() == tr(
        "{registered} registered, {assessed} assessed, {passed} passed.",
        registered="3", assessed="1", passed="0",
    )  # fmt: skip
    click(qtbot, view.bulk_button)
    assert "2" in view.confirm_box.text()  # type: ignore[attr-defined]
    yes(qtbot, view.confirm_box, _("Save the assessments"))
    qtbot.waitUntil(lambda: "2" in view.message.text(), timeout=WAIT)
    idle(qtbot, ctx)
    assert {view.subjects_model.cells(n)[4] for n in range(3)} == {_("Not passed")}
    with Workspace.open(db["path"], read_only=True) as ws:
        saved = ws.assessments.saved_summaries("family", YEAR)
        status = ws.models.status(YEAR)["family"]
    assert set(saved) == {db["an"], db["hoa"], db["tu"]}
    assert saved[db["hoa"]].hand == 1 and saved[db["hoa"]].total == 30  # kept
    assert saved[db["an"]].total == 10 and saved[db["tu"]].total == 20
    assert (status.assessed, status.passed) == (3, 0)


def test_the_progress_chart_shows_the_status_figures(
    qtbot: QtBot, db: dict, open_context: Callable[[Path], AppContext]
) -> None:
    with Workspace.open(db["path"]) as ws:
        hand = {c: ItemValue(10, source="hand") for c in ("1.2", "1.3", "2.3", "3.1", "4.1")}
        ws.assessments.save_assessment("family", YEAR, db["tu"], hand)  # 70 points: passed
        status = ws.models.status(YEAR)["family"]
    ctx = open_context(db["path"])
    page = LearningModelsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    idle(qtbot, ctx)
    tab = page.current
    # Only the tab on screen has read: the others wait.
    assert not tab.registrations.stale and tab.assessment.stale and tab.progress.stale
    assert all(v.stale for t in page.model_tabs.values() if t is not tab for v in t.views)
    tab.show_view(tab.progress)
    idle(qtbot, ctx)
    view = tab.progress
    chart = view.chart
    assert chart.accessibleName() and chart.target == status.target_rate
    by_name = {r.label: r for r in chart.rows}
    assert list(by_name) == ["Thôn 1", "Thôn 2", _("Whole commune")]
    for name, count in status.by_hamlet.items():
        rates = by_name[name].rates
        assert rates["registered"] == count.registered / count.eligible
        assert rates["passed"] == count.passed / count.eligible
    commune = by_name[_("Whole commune")].rates
    assert commune == {"registered": 3 / 4, "passed": 1 / 4, "recognised": 0.0}
    assert by_name[_("Whole commune")].total
    # The table under it: the same figures, as written on the chart.
    cells = [view.table_model.cells(n) for n in range(view.table_model.rowCount())]
    assert cells[1] == (
        "Thôn 2", "3", "2", rate_text(2 / 3), "1", "1", rate_text(1 / 3), "0", rate_text(0.0),
    )  # fmt: skip
    assert cells[2][1:] == (
        "4", "3", format_percent(75.0), "1", "1", format_percent(25.0), "0", format_percent(0.0),
    )  # fmt: skip
    assert f"{_('Registered')} {format_percent(75.0)}" in chart.accessibleDescription()
    assert format_percent(status.target_rate * 100) in view.summary.text()
    # A change elsewhere (a registration withdrawn) is shown again at once.
    ctx.op(lambda ws: ws.models.unregister("family", YEAR, db["hoa"]), parent=page)
    qtbot.waitUntil(
        lambda: view.chart.rows and view.chart.rows[-1].rates["registered"] == 2 / 4,
        timeout=WAIT,
    )


def test_a_large_commune_is_assessed_a_hamlet_at_a_time(
    qtbot: QtBot,
    db: dict[str, object],
    open_context: Callable[[Path], AppContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop_app.ui import model_view

    # As if the three registered households were more than a whole list is read for.
    monkeypatch.setattr(model_view, "WHOLE_LIST_AT_MOST", 2)
    ctx = open_context(Path(str(db["path"])))
    _page, view = assessment_on(qtbot, ctx)
    assert view.hamlet_combo.currentData() == "Thôn 1"
    assert [r.name for r in view.subjects_model.rows] == ["Nguyễn Văn An"]
    combo = [view.hamlet_combo.itemText(i) for i in range(view.hamlet_combo.count())]
    assert combo == [_("All hamlets"), "Thôn 1", "Thôn 2"]
    view.hamlet_combo.setCurrentIndex(2)
    qtbot.waitUntil(lambda: len(view.subjects_model.rows) == 2, timeout=WAIT)
    assert {r.hamlet for r in view.subjects_model.rows} == {"Thôn 2"}
    view.hamlet_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(view.subjects_model.rows) == 3, timeout=WAIT)
    # The bulk save counts every hamlet's, not only the one shown.
    view.hamlet_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(view.subjects_model.rows) == 1, timeout=WAIT)
    click(qtbot, view.bulk_button)
    assert view.confirm_box is not None
    assert format_int(3) in view.confirm_box.text()  # type: ignore[attr-defined]
