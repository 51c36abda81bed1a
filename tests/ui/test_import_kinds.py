"""The import wizard for the other kinds of list, opened from their own pages with what the
page shows already chosen (the Members page and its branch, a class's Attendance tab, the Fund
page and its fund), and the history of imports (File menu) with Undo, driven with real widgets
on a real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.core.courses import CourseInput
from desktop_app.core.members import BranchKind
from desktop_app.i18n import _, format_int, format_money
from desktop_app.services.fund import FundInput
from desktop_app.services.imports import MATCH, NEW, ImportOptions
from desktop_app.services.members import MemberFilter
from desktop_app.services.workspace import Workspace
from desktop_app.ui.classes.attendance import AttendanceTab
from desktop_app.ui.context import AppContext
from desktop_app.ui.import_history import H_KIND, H_UNDONE, H_WHAT, ImportHistoryDialog
from desktop_app.ui.import_wizard import (
    DONE,
    FILE,
    NO_CLASS,
    NO_FUND,
    ImportWizard,
)
from desktop_app.ui.khuyen_hoc import FundPage, MembersPage
from desktop_app.ui.main_window import MainWindow
from tests.services.test_imports import roster, write_xlsx
from tests.services.test_imports_attendance import write_roster
from tests.ui.test_import_wizard import WAIT, choose, click, idle, settle, walk_to_preview, yes

MEMBERS_HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Thôn/Ấp", "Số thẻ hội viên")


def members_file(folder: Path) -> Path:
    """Three members, none naming a branch: the branch is the one the page shows."""
    return write_xlsx(
        folder / "hoi vien.xlsx",
        roster(
            [
                (1, "Trần Thị Bích", "12/05/1990", "Nữ", "Xóm Đông", 101),
                (2, "Lê Văn Cường", "1975", "Nam", "Thôn 1", ""),
                (3, "Vũ Minh Đức", "2001", "Nam", "Xóm Đông", ""),
            ],
            MEMBERS_HEADER,
        ),
    )


def with_branches(db: Path) -> tuple[str, str]:
    with Workspace.open(db) as ws:
        hamlets = {h.name: h.id for h in ws.centre.hamlets()}
        east = ws.members.save_branch("Chi hội Xóm Đông", BranchKind.HAMLET, hamlets["Xóm Đông"])
        west = ws.members.save_branch("Chi hội Thôn 1", BranchKind.HAMLET, hamlets["Thôn 1"])
        return east.value, west.value


def choose_file(
    qtbot: QtBot, wizard: ImportWizard, file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(file), ""))
    click(qtbot, wizard.choose_button)


def test_a_members_list_from_the_members_page_joins_the_branch_shown(
    qtbot: QtBot,
    people_db: Path,
    open_context: Callable[[Path], AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _east, west = with_branches(people_db)
    ctx = open_context(people_db)
    page = MembersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
    page.select_branch(west)
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
    assert page.current_branch_id() == west

    click(qtbot, page.import_button)
    wizard = page.imports.wizard
    assert isinstance(wizard, ImportWizard)
    # The kind and the branch are those of the page; the class and fund choices are hidden.
    assert wizard.kind == "members" and wizard.kind_combo.currentData() == "members"
    assert wizard.branch_combo.currentData() == west and wizard.branch_combo.isVisibleTo(wizard)
    assert not wizard.course_combo.isVisibleTo(wizard)
    assert not wizard.fund_combo.isVisibleTo(wizard)
    choose_file(qtbot, wizard, members_file(tmp_path), monkeypatch)
    walk_to_preview(qtbot, ctx, wizard)
    plan = wizard.plan
    assert plan is not None and plan.kind == "members"
    assert (plan.count(NEW), plan.count(MATCH)) == (1, 2)  # Bích and Cường are held
    assert {r.branch_id for r in plan.rows if r.person is not None} == {west}
    headers = wizard.rows_model.headers
    assert _("Member number") in headers and _("Branch (chi hội)") in headers

    click(qtbot, wizard.import_button)
    qtbot.waitUntil(lambda: wizard.step == DONE, timeout=WAIT)
    idle(qtbot, ctx)
    result = wizard.import_result
    assert result is not None and result.counts["members_created"] == 3
    assert format_int(3) in wizard.done_label.text()
    with Workspace.open(people_db, read_only=True) as ws:
        members = ws.members.members(MemberFilter(branch_id=west))
    assert {m.full_name for m in members} == {"Trần Thị Bích", "Lê Văn Cường", "Vũ Minh Đức"}
    # The page shows them (it refreshes by subscription).
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3, timeout=WAIT)
    click(qtbot, wizard.close_button)
    qtbot.waitUntil(lambda: page.imports.wizard is None, timeout=WAIT)


def test_the_kind_chosen_in_the_wizard_changes_what_it_asks_and_shows(
    qtbot: QtBot,
    people_db: Path,
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(people_db)
    window.import_action.trigger()
    wizard = window.people_page.import_wizard
    assert isinstance(wizard, ImportWizard) and wizard.step == FILE
    assert wizard.kind == "people" and not wizard.branch_combo.isVisibleTo(wizard)
    # A cash book, with no fund yet: said so, and no file can be chosen.
    choose(wizard.kind_combo, "ledger")
    wizard.kind_chosen()
    assert wizard.kind == "ledger" and wizard.fund_combo.isVisibleTo(wizard)
    assert not wizard.choose_button.isEnabled()
    assert wizard.target_message.text() == _(NO_FUND)
    assert _("Amount") in wizard.rows_model.headers
    # An attendance sheet, with no class yet: the same.
    choose(wizard.kind_combo, "attendance")
    wizard.kind_chosen()
    assert wizard.course_combo.isVisibleTo(wizard) and not wizard.choose_button.isEnabled()
    assert wizard.target_message.text() == _(NO_CLASS)
    choose(wizard.kind_combo, "members")
    wizard.kind_chosen()
    assert wizard.choose_button.isEnabled() and not wizard.target_message.text()
    assert wizard.branch_combo.isVisibleTo(wizard) and wizard.joined_edit.isVisibleTo(wizard)


def test_the_history_lists_every_import_and_undoes_one(
    qtbot: QtBot,
    people_db: Path,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
) -> None:
    _east, west = with_branches(people_db)
    file = members_file(tmp_path)
    with Workspace.open(people_db) as ws:
        options = ImportOptions(create_hamlets=True, branch_id=west)
        done = ws.imports.apply(ws.imports.plan(file, "members", options=options), options)
    window = make_window(people_db)
    window.import_history_action.trigger()
    dialog = window.import_history
    assert isinstance(dialog, ImportHistoryDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT)
    model = dialog.model
    assert model.data(model.index(0, H_KIND)) == _("Members of the Hội Khuyến học")
    assert "3" in model.data(model.index(0, H_WHAT))
    assert not model.data(model.index(0, H_UNDONE))
    assert not dialog.undo_button.isEnabled()  # nothing chosen yet
    dialog.table.selectRow(0)
    assert dialog.undo_button.isEnabled()
    click(qtbot, dialog.undo_button)
    yes(qtbot, dialog.confirm_box, _("Undo the import"))
    qtbot.waitUntil(lambda: bool(model.rowCount() and model.rows[0].undone_at), timeout=WAIT)
    settle(qtbot, window)
    assert model.data(model.index(0, H_UNDONE))
    dialog.table.selectRow(0)
    assert not dialog.undo_button.isEnabled()
    with Workspace.open(people_db, read_only=True) as ws:
        assert ws.imports.get(done.import_id).undone_at is not None
        assert not ws.members.members(MemberFilter(branch_id=west))
    assert dt.date.today().strftime("%d/%m/%Y") in model.data(model.index(0, 0))


def test_an_attendance_sheet_from_a_class_ticks_its_grid(
    qtbot: QtBot,
    people_db: Path,
    open_context: Callable[[Path], AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    days = [dt.date(2026, 3, 5), dt.date(2026, 3, 12)]
    with Workspace.open(people_db) as ws:
        course = ws.courses.create(
            CourseInput("cd_nong_nghiep", "Trồng lúa", start=days[0], end=dt.date(2026, 3, 31)),
            days,
        ).value
        ws.courses.create(CourseInput("cd_nong_nghiep", "Chăn nuôi"), [])
    file = write_roster(
        tmp_path / "diem danh.xlsx",
        ("STT", "Họ và tên", "Năm sinh", "05/03", "12/03", "19/03"),
        [
            (1, "Trần Thị Bích", 1990, "x", "x", None),  # held
            (2, "Đặng Văn Ước", 1999, "", "có", "✓"),  # new; 19/03 is a session to add
        ],
    )
    ctx = open_context(people_db)
    tab = AttendanceTab(ctx, course)
    qtbot.addWidget(tab)
    click(qtbot, tab.import_button)
    wizard = tab.imports.wizard
    assert isinstance(wizard, ImportWizard)
    assert wizard.kind == "attendance" and wizard.course_combo.currentData() == course
    assert wizard.course_combo.isVisibleTo(wizard) and wizard.course_combo.count() == 2
    choose_file(qtbot, wizard, file, monkeypatch)
    walk_to_preview(qtbot, ctx, wizard)
    plan = wizard.plan
    assert plan is not None and (plan.count(NEW), plan.count(MATCH)) == (1, 1)
    # Which session each column is, and each learner's count of sessions present.
    note = wizard.preview_note.text()
    assert "D (05/03)" in note and "F (19/03)" in note and "19/03/2026" in note
    model = wizard.rows_model
    present = model.headers.index(_("Sessions present"))
    shown = [model.data(model.index(r, present)) for r in range(model.rowCount())]
    assert shown == ["2", "2", ""]  # the signature under the list is not a learner

    click(qtbot, wizard.import_button)
    qtbot.waitUntil(lambda: wizard.step == DONE, timeout=WAIT)
    idle(qtbot, ctx)
    assert wizard.import_result is not None
    counts = wizard.import_result.counts
    assert (counts["enrolled"], counts["ticks"], counts["sessions_created"]) == (2, 4, 1)
    with Workspace.open(people_db, read_only=True) as ws:
        grid = ws.courses.grid(course)
        ticked = {
            e.full_name: sorted(f"{grid.sessions[j].day:%d/%m}" for j in grid.present[i])
            for i, e in enumerate(grid.enrolments)
        }
    assert ticked == {"Trần Thị Bích": ["05/03", "12/03"], "Đặng Văn Ước": ["12/03", "19/03"]}

    # Undone from the summary: the class is as before.
    click(qtbot, wizard.undo_button)
    yes(qtbot, wizard.confirm_box, _("Undo the import"))
    qtbot.waitUntil(lambda: wizard.undo_result is not None, timeout=WAIT)
    with Workspace.open(people_db, read_only=True) as ws:
        assert not ws.courses.grid(course).enrolments
        assert len(ws.courses.sessions(course)) == 2


def test_a_cash_book_from_the_fund_page_is_booked_and_undone(
    qtbot: QtBot,
    people_db: Path,
    open_context: Callable[[Path], AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    year = dt.date.today().year
    with Workspace.open(people_db) as ws:
        ws.fund.create(FundInput("Quỹ dòng họ", 0, dt.date(year, 1, 1)))
        fund_id = ws.fund.create(FundInput("Quỹ Khuyến học xã", 500_000, dt.date(year, 1, 1)))
        fund_id_value = fund_id.value
    day = f"02/01/{year}"
    file = write_xlsx(
        tmp_path / "so quy.xlsx",
        [
            ["HỘI KHUYẾN HỌC XÃ"],
            [f"SỔ QUỸ KHUYẾN HỌC NĂM {year}"],
            [],
            ["STT", "Ngày", "Số phiếu", "Người nộp/nhận", "Nội dung", "Thu", "Chi"],
            [1, day, "PT01", "Trần Văn Bình", "Ủng hộ quỹ khuyến học", "2.000.000", None],
            [2, day, "PT02", "Chi hội Thôn 1", "Nộp hội phí", 1_250_000, None],
            [3, day, "PC01", "Nguyễn Văn An", "Chi hoạt động", None, "300.000"],
            [None, "Cộng", None, None, None, 3_250_000, 300_000],
        ],
    )
    ctx = open_context(people_db)
    page = FundPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
    row = page.funds_model.row_of(fund_id_value)
    page.select_fund_row(row)
    qtbot.waitUntil(lambda: not page.busy and page.current_fund_id() == fund_id_value)
    click(qtbot, page.import_button)
    wizard = page.imports.wizard
    assert isinstance(wizard, ImportWizard)
    assert wizard.kind == "ledger" and wizard.fund_combo.currentData() == fund_id_value
    assert not wizard.match_box.isVisibleTo(wizard)  # no "people already held" for money
    choose_file(qtbot, wizard, file, monkeypatch)
    walk_to_preview(qtbot, ctx, wizard)
    plan = wizard.plan
    assert plan is not None and plan.count(NEW) == 3
    note = wizard.preview_note.text()
    assert format_money(3_250_000) in note and format_money(300_000) in note
    model = wizard.rows_model
    amount = model.headers.index(_("Amount"))
    details = model.headers.index(_("Details"))
    assert model.data(model.index(0, amount)) == "2.000.000"
    assert _("Membership dues") in model.data(model.index(1, details))

    click(qtbot, wizard.import_button)
    qtbot.waitUntil(lambda: wizard.step == DONE, timeout=WAIT)
    idle(qtbot, ctx)
    assert format_money(3_250_000) in wizard.done_label.text()
    with Workspace.open(people_db, read_only=True) as ws:
        assert ws.fund.balance(fund_id_value) == 500_000 + 3_250_000 - 300_000

    click(qtbot, wizard.undo_button)
    yes(qtbot, wizard.confirm_box, _("Undo the import"))
    qtbot.waitUntil(lambda: wizard.undo_result is not None, timeout=WAIT)
    assert wizard.undo_result.voided == 3
    assert format_int(3) in wizard.done_message.text()
    with Workspace.open(people_db, read_only=True) as ws:
        assert ws.fund.balance(fund_id_value) == 500_000
