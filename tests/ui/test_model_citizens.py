"""The Công dân học tập tracker (the citizen model's tab "On the platform") with its real widgets
on a real database: the figures hamlet by hamlet are those of ws.cdht.summary, the list is one
hamlet's adults filtered by status and searched by name, a status set through the dialog (Enter
on the row), a backward move refused in the dialog with nothing changed, the export with the
sensitive fields through the confirmation, the import wizard opened on the cdht kind, and the
writing buttons disabled on a read-only file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.citizen_tracker import STATUS_LABELS, CitizenStatus
from desktop_app.core.people import HamletKind, PersonInput
from desktop_app.core.problems import N_, UserError
from desktop_app.i18n import _, format_int, format_percent, tr, user_error_text
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview
from desktop_app.ui.cdht_export import SENSITIVE_QUESTION
from desktop_app.ui.charts import rate_text
from desktop_app.ui.context import AppContext
from desktop_app.ui.import_wizard import ImportWizard
from desktop_app.ui.learning_models_page import LearningModelsPage
from desktop_app.ui.model_citizens import (
    CitizensView,
    SetStatusDialog,
    needed_for_target,
    status_text,
)
from tests.ui.test_import_wizard import WAIT, choose, click, idle, yes

TODAY = dt.date.today()
YEAR = TODAY.year
# name, hamlet, birth year (relative to this year: 30 is 30 years old), status, day
PEOPLE = (
    ("Nguyễn Văn An", "Thôn 1", 50, "achieved", dt.date(YEAR, 1, 1)),
    ("Trần Thị Bình", "Thôn 1", 40, "self_assessed", dt.date(YEAR, 1, 1)),
    ("Lê Văn Cường", "Thôn 1", 30, "account", dt.date(YEAR, 1, 1)),
    ("Phạm Thị Dung", "Thôn 1", 25, None, None),
    ("Hoàng Văn Em", "Thôn 1", 10, None, None),  # a child: not counted
    ("Vũ Thị Giang", "Thôn 2", 60, "account", dt.date(YEAR, 1, 1)),
    ("Đỗ Văn Hùng", "Thôn 2", 35, None, None),
    ("Bùi Thị Lan", "Thôn 10", 45, "achieved", dt.date(YEAR, 1, 1)),
)


@pytest.fixture
def tracker_db(tmp_path: Path) -> Path:
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        for name in ("Thôn 1", "Thôn 2", "Thôn 10"):
            ws.centre.add_hamlet(name, HamletKind.THON)
        ids = {h.name: h.id for h in ws.centre.hamlets()}
        for name, hamlet, age, status, day in PEOPLE:
            person_id = ws.people.add(
                PersonInput(
                    full_name=name, birth=str(YEAR - age), hamlet_id=ids[hamlet],
                    ethnicity="Kinh",
                )
            ).value  # fmt: skip
            if status is not None:
                ws.cdht.set_status(person_id, status, min(day, TODAY))
    return path


def people_of(path: Path) -> dict[str, str]:
    with Workspace.open(path, read_only=True) as ws:
        return {p.full_name: p.id for p in ws.people.roster()}


def status_of(path: Path, person_id: str) -> CitizenStatus:
    with Workspace.open(path, read_only=True) as ws:
        return ws.cdht.status_of(person_id).status


def tracker_on(qtbot: QtBot, ctx: AppContext) -> CitizensView:
    page = LearningModelsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    idle(qtbot, ctx)
    tab = page.show_model("citizen")
    assert tab.inner.count() == 5 and tab.inner.tabText(4) == _("On the platform")
    view = tab.views[-1]
    assert isinstance(view, CitizensView)
    tab.show_view(view)
    qtbot.waitUntil(lambda: view.summary_data is not None, timeout=WAIT)
    idle(qtbot, ctx)
    return view


def listed(view: CitizensView) -> list[str]:
    return [a.full_name for a in view.adults_model.rows]


def press_ok(qtbot: QtBot, dialog: SetStatusDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))


def test_the_figures_hamlet_by_hamlet_are_the_summarys(
    qtbot: QtBot, tracker_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    with Workspace.open(tracker_db, read_only=True) as ws:
        summary = ws.cdht.summary(YEAR)
    ctx = open_context(tracker_db)
    view = tracker_on(qtbot, ctx)
    model = view.hamlets_model
    # Hamlets in name order (Thôn 2 before Thôn 10), then the commune.
    assert [r.name for r in model.rows] == ["Thôn 1", "Thôn 2", "Thôn 10", _("Whole commune")]
    target = summary.target_rate
    for i, row in enumerate(model.rows[:-1]):
        count = summary.by_hamlet[row.key]
        assert row.count == count
        assert model.cells(i)[1:5] == tuple(
            format_int(n) for n in (count.adults, count.account, count.self_assessed,
                                    count.achieved)
        )  # fmt: skip
    t1 = summary.by_hamlet["Thôn 1"]
    assert (t1.adults, t1.account, t1.self_assessed, t1.achieved) == (4, 3, 2, 1)
    assert model.cells(0)[5] == format_percent(25.0)
    assert model.cells(0)[6] == format_int(needed_for_target(t1, target))
    commune = model.cells(3)
    assert commune[1:5] == ("7", "5", "3", "2")
    assert commune[5] == rate_text(2 / 7)
    # The chart: the shares with an account and achieved, the target as a line.
    text = view.chart.describe()
    assert f"{_('Target')}: {rate_text(target)}" in text
    assert f"Thôn 1: {_('With an account')} {format_percent(75.0)}; {_('Achieved')} " in text
    assert format_int(7) in view.summary.text() and rate_text(target) in view.summary.text()
    # The first hamlet's adults, in Vietnamese order (by given name); the child is not there.
    assert view.hamlet == "Thôn 1"
    assert listed(view) == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    assert view.adults_model.cells(0)[2] == status_text(CitizenStatus.ACHIEVED)
    assert view.adults_model.cells(3)[2] == status_text(CitizenStatus.NOT_REGISTERED)
    # The filter by status and the search by name (without the marks).
    choose(view.filter_combo, "not_registered")
    assert listed(view) == ["Phạm Thị Dung"]
    choose(view.filter_combo, "all")
    view.search_edit.setText("binh")
    assert listed(view) == ["Trần Thị Bình"]
    assert view.count_label.text() == tr("{shown} of {count} adults shown", shown="1", count="4")
    view.search_edit.clear()
    # Another hamlet chosen in the table: its adults.
    view.hamlets_table.selectRow(1)
    qtbot.waitUntil(lambda: listed(view) == ["Vũ Thị Giang", "Đỗ Văn Hùng"], timeout=WAIT)
    # The commune's row lists no one: the list stays on the hamlet.
    view.hamlets_table.selectRow(3)
    assert view.hamlet == "Thôn 2" and view.message.text() == _(
        "Choose a hamlet to see its adults."
    )


def test_a_status_set_in_the_dialog_and_a_move_backward_refused(
    qtbot: QtBot, tracker_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    people = people_of(tracker_db)
    ctx = open_context(tracker_db)
    view = tracker_on(qtbot, ctx)
    # Enter on Phạm Thị Dung's row opens the dialog; the next status is proposed.
    assert view.select_person(people["Phạm Thị Dung"])
    view.adults_table.setFocus()
    qtbot.keyClick(view.adults_table, Qt.Key.Key_Return)
    dialog = view.dialog
    assert isinstance(dialog, SetStatusDialog)
    assert dialog.status() is CitizenStatus.ACCOUNT
    day = TODAY - dt.timedelta(days=3)
    dialog.day_edit.setDate(QDate(day.year, day.month, day.day))
    dialog.notes_edit.setText("Tạo tại nhà văn hoá")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.saved_id is not None, timeout=WAIT)
    idle(qtbot, ctx)
    with Workspace.open(tracker_db, read_only=True) as ws:
        held = ws.cdht.status_of(people["Phạm Thị Dung"])
        summary = ws.cdht.summary(YEAR)
    assert (held.status, held.account_on, held.notes) == (
        CitizenStatus.ACCOUNT, day, "Tạo tại nhà văn hoá",
    )  # fmt: skip
    # The tab read again: the hamlet's figures and the row.
    qtbot.waitUntil(lambda: view.hamlets_model.rows[0].count.account == 4, timeout=WAIT)
    assert view.hamlets_model.rows[0].count == summary.by_hamlet["Thôn 1"]
    row = view.adults_model.row_of(people["Phạm Thị Dung"])
    assert row is not None
    assert view.adults_model.cells(row)[2:4] == (
        status_text(CitizenStatus.ACCOUNT), day.strftime("%d/%m/%Y"),
    )  # fmt: skip

    # Nguyễn Văn An achieved: set back to "account" without "correct" is refused, in the
    # dialog, and nothing changes.
    assert view.select_person(people["Nguyễn Văn An"])
    dialog = view.open_set_status()
    assert isinstance(dialog, SetStatusDialog)
    choose(dialog.status_combo, "account")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT)
    idle(qtbot, ctx)
    assert dialog.isVisible() and dialog.saved_id is None
    assert dialog.message.text() == user_error_text(
        UserError(
            N_(
                "This person is “{held}” already, further than “{status}”: a status only "
                "moves forward. To set it back (a mistake), correct it. Nothing was changed."
            ),
            {"held": STATUS_LABELS[CitizenStatus.ACHIEVED],
             "status": STATUS_LABELS[CitizenStatus.ACCOUNT]},
        )
    )  # fmt: skip
    assert status_text(CitizenStatus.ACHIEVED).lower() in dialog.message.text()
    assert status_of(tracker_db, people["Nguyễn Văn An"]) is CitizenStatus.ACHIEVED
    # "Correct a mistake" lets it through.
    dialog.correct_check.setChecked(True)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.saved_id is not None, timeout=WAIT)
    idle(qtbot, ctx)
    assert status_of(tracker_db, people["Nguyễn Văn An"]) is CitizenStatus.ACCOUNT


def _export_details(path: Path) -> list[str]:
    with Workspace.open(path, read_only=True) as ws:
        rows = ws.db.conn.execute(
            "SELECT detail FROM audit WHERE action = 'cdht.export' ORDER BY rowid"
        ).fetchall()
    return [str(r[0]) for r in rows]


def test_the_export_with_the_sensitive_fields_asks_first(
    qtbot: QtBot,
    tracker_db: Path,
    open_context: Callable[[Path], AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = open_context(tracker_db)
    view = tracker_on(qtbot, ctx)
    out = tmp_path / "chua-dang-ky.xlsx"
    monkeypatch.setattr(preview, "ask_save_path", lambda *_a: out)
    view.sensitive_check.setChecked(True)
    click(qtbot, view.export_button)
    box = view.confirm_box
    assert isinstance(box, QMessageBox) and box.text() == _(SENSITIVE_QUESTION)
    assert not out.exists()
    yes(qtbot, box, _("Include ethnicity and religion"))
    qtbot.waitUntil(lambda: out.exists() and bool(_export_details(tracker_db)), timeout=WAIT)
    idle(qtbot, ctx)
    # The adults with no account: Phạm Thị Dung and Đỗ Văn Hùng, with their ethnicity.
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Phạm Thị Dung", "Đỗ Văn Hùng"]
    assert {r[4] for r in rows[1:]} == {"Kinh"}
    assert _export_details(tracker_db) == ["rows=2 sensitive=yes file=chua-dang-ky.xlsx"]
    qtbot.waitUntil(lambda: format_int(2) in view.message.text(), timeout=WAIT)

    # Without the box ticked: no question, the columns empty.
    view.sensitive_check.setChecked(False)
    click(qtbot, view.export_button)
    assert view.confirm_box is None
    qtbot.waitUntil(lambda: len(_export_details(tracker_db)) == 2, timeout=WAIT)
    idle(qtbot, ctx)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert {r[4] for r in rows[1:]} == {None}


def test_the_import_button_opens_the_wizard_on_the_platforms_lists(
    qtbot: QtBot, tracker_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(tracker_db)
    view = tracker_on(qtbot, ctx)
    click(qtbot, view.import_button)
    wizard = view.imports.wizard
    assert isinstance(wizard, ImportWizard)
    assert wizard.kind == "cdht" and wizard.kind_combo.currentData() == "cdht"
    # Asked again, the same wizard comes to the front.
    assert view.open_import() is wizard
    wizard.reject()
    idle(qtbot, ctx)


@pytest.fixture
def read_only_context(tracker_db: Path, open_context: Callable[..., AppContext]) -> AppContext:
    return open_context(tracker_db, read_only=True)


def test_read_only_the_writing_buttons_are_disabled(
    qtbot: QtBot, read_only_context: AppContext
) -> None:
    view = tracker_on(qtbot, read_only_context)
    assert listed(view)
    view.select_person(view.adults_model.rows[0].person_id)
    assert view.selected() is not None
    for button in (view.set_button, view.export_button, view.import_button):
        assert not button.isEnabled()
    assert not view.sensitive_check.isEnabled()
    # Enter on a row opens nothing.
    view.adults_table.activated.emit(view.adults_model.index(0, 0))
    assert view.dialog is None
