"""The attendance grid from the keyboard: arrows, Space, the column key; totals; speed."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.core.courses import CourseInput
from desktop_app.core.people import PersonInput
from desktop_app.i18n import _, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.classes import ClassesPage
from desktop_app.ui.classes.attendance import TICK, AttendanceModel, AttendanceTab
from desktop_app.ui.classes.course_view import ATTENDANCE
from desktop_app.ui.context import AppContext

from .conftest import START, TITLE, course_id, open_class, write

NAMES = [
    f"{family} {middle} {given}"
    for family in ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ")
    for middle in ("Văn", "Thị", "Minh", "Hữu", "Ngọc")
    for given in ("An", "Bình")
]


def cell(tab: AttendanceTab, row: int, column: int) -> str:
    return tab.model.index(row, column).data()


def saved(ctx: AppContext, cid: str) -> tuple[frozenset[int], ...]:
    return ctx.reader.courses.grid(cid).present


def open_grid(qtbot: QtBot, page: ClassesPage, ctx: AppContext) -> tuple[str, AttendanceTab]:
    cid = course_id(ctx, TITLE)
    view = open_class(qtbot, page, cid, ATTENDANCE)
    assert view.attendance is not None
    return cid, view.attendance


def test_keyboard_ticks_with_totals_and_saves(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, qtmodeltester: ModelTester
) -> None:
    cid, tab = open_grid(qtbot, page, ctx)
    view, model = tab.view, tab.model
    assert (model.people, model.sessions) == (3, 4)
    assert (model.rowCount(), model.columnCount()) == (4, 5)  # plus the totals
    qtmodeltester.check(model)
    assert view.hasFocus() or QApplication.focusWidget() is view
    assert view.currentIndex().row() == 0 and view.currentIndex().column() == 0

    qtbot.keyClick(view, Qt.Key.Key_Space)  # (0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Space)  # (1, 1)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_A)  # column 2: everyone
    assert view.currentIndex().column() == 2
    assert [cell(tab, 0, c) for c in range(4)] == [TICK, "", TICK, ""]
    assert [cell(tab, r, 2) for r in range(3)] == [TICK] * 3
    # Totals per session (bottom row), per person (right column) and all.
    assert [cell(tab, 3, c) for c in range(4)] == ["1", "1", "3", "0"]
    assert [cell(tab, r, 4) for r in range(3)] == ["2", "2", "1"]
    assert cell(tab, 3, 4) == "5"
    assert tab.summary.text() == tr(
        "People: {people} × sessions: {sessions}. Attendances: {count}",
        people="3",
        sessions="4",
        count="5",
    )

    qtbot.waitUntil(lambda: tab.pending == 0, timeout=3000)
    assert saved(ctx, cid) == (frozenset({0, 2}), frozenset({1, 2}), frozenset({2}))

    # Space again unticks; Ctrl+Space is the other column key.
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Space)  # (1, 1) off
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)  # column 3
    assert [cell(tab, 3, c) for c in range(4)] == ["1", "0", "3", "3"]
    qtbot.waitUntil(lambda: tab.pending == 0, timeout=3000)
    assert saved(ctx, cid) == (frozenset({0, 2, 3}), frozenset({2, 3}), frozenset({2, 3}))
    course = ctx.reader.courses.get(cid)
    assert course.attendances == 7
    # Keys on the totals do nothing.
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert cell(tab, 1, 4) == "2"
    qtmodeltester.check(model)


def click(tab: AttendanceTab, row: int, column: int, double: bool = False) -> None:
    """A click, or a double-click as the system sends it: press, release, then the double
    click (QTest's mouseDClick alone sends only the last)."""
    viewport, left = tab.view.viewport(), Qt.MouseButton.LeftButton
    pos = tab.view.visualRect(tab.model.index(row, column)).center()
    QTest.mouseClick(viewport, left, pos=pos)
    if double:
        QTest.mouseDClick(viewport, left, pos=pos)


def test_a_click_selects_a_double_click_toggles_and_a_failed_write_shows_what_is_saved(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid, tab = open_grid(qtbot, page, ctx)
    click(tab, 2, 3)  # one click only moves the cursor
    assert (tab.view.currentIndex().row(), tab.view.currentIndex().column()) == (2, 3)
    assert cell(tab, 2, 3) == "" and tab.pending == 0
    assert ctx.worker.pending == 0 and saved(ctx, cid)[2] == frozenset()
    click(tab, 2, 3, double=True)
    assert cell(tab, 2, 3) == TICK
    qtbot.waitUntil(lambda: saved(ctx, cid)[2] == frozenset({3}), timeout=3000)

    # Someone removed the person meanwhile: the write is refused and the grid is read again.
    enrolment = ctx.reader.courses.enrolments(cid)[0]
    write(qtbot, ctx, lambda ws: ws.courses.unenrol(enrolment.id))
    qtbot.waitUntil(lambda: tab.model.people == 2, timeout=3000)
    # A tick for someone no longer shown is refused: the grid is read again and says so.
    grid = tab.model.grid
    assert grid is not None
    stale = [(enrolment.id, grid.sessions[0].id)]
    shown: list[str] = []
    monkeypatch.setattr(errors, "show_message", lambda _p, _t, text: shown.append(text))
    tab._submit(stale, True)
    qtbot.waitUntil(lambda: bool(shown) and tab.pending == 0, timeout=3000)
    assert shown == [_("The class changed meanwhile; refresh the attendance grid.")]
    assert tab.model.people == 2 and saved(ctx, cid)[1] == frozenset({3})


def test_grid_of_60_people_by_20_sessions_opens_within_200_ms(
    qtbot: QtBot, tmp_path: Path, ctx: AppContext, page: ClassesPage
) -> None:
    ids: list[str] = []

    def build(ws: Workspace) -> str:
        for name in NAMES:
            ids.append(ws.people.add(PersonInput(full_name=name)).value)
        days = [START + dt.timedelta(days=3 * i) for i in range(20)]
        cid = ws.courses.create(CourseInput("ky_nang_so", "Lớp lớn", start=START), days).value
        ws.courses.enrol(cid, ids)
        grid = ws.courses.grid(cid)
        pairs = [(e.id, s.id) for k, e in enumerate(grid.enrolments)
                 for j, s in enumerate(grid.sessions) if (k + j) % 3]  # fmt: skip
        ws.courses.set_attendance(cid, pairs, True)
        return cid

    done: list[str] = []
    ctx.worker.submit(build, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    cid = done[0]
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)

    # From the click to the filled grid: the query, its answer, the model.
    started = time.perf_counter()
    view = page.open_course(cid, ATTENDANCE)
    qtbot.waitUntil(lambda: view.snapshot is not None, timeout=5000)
    elapsed = time.perf_counter() - started
    assert view.attendance is not None
    model = view.attendance.model
    assert (model.people, model.sessions) == (60, 20)
    assert model.total() == sum(1 for k in range(60) for j in range(20) if (k + j) % 3)
    assert elapsed < 0.2, f"the grid took {elapsed * 1000:.0f} ms to open"


def test_model_alone(qtmodeltester: ModelTester, ctx: AppContext) -> None:
    model = AttendanceModel(ctx.reader.courses.grid(course_id(ctx, TITLE)))
    qtmodeltester.check(model)
    assert model.toggle(0, 0) is True
    assert model.toggle(3, 0) is None  # the totals row
    assert model.mark_column(1) == [0, 1, 2]
    qtmodeltester.check(model)


def test_a_session_to_come_is_marked_only_after_asking(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    cid = course_id(ctx, TITLE)
    later = dt.date.today() + dt.timedelta(days=7)
    write(qtbot, ctx, lambda ws: ws.courses.add_session(cid, later, "Thu hoạch"))
    _cid, tab = open_grid(qtbot, page, ctx)
    assert tab.model.sessions == 5
    future = tab.model.sessions - 1
    tab.view.setCurrentIndex(tab.model.index(0, future))
    qtbot.keyClick(tab.view, Qt.Key.Key_A)
    box = tab.confirm_box
    assert box is not None and box.isVisible()
    assert box.text() == tr(
        "The session of {date} has not taken place yet. "
        "Mark all {count} people present at it anyway?",
        date=later.strftime("%d/%m/%Y"), count="3",
    )  # fmt: skip
    assert [cell(tab, r, future) for r in range(3)] == [""] * 3
    box.reject()  # Cancel (also Escape and Enter): nothing is ticked or written
    qtbot.waitUntil(lambda: tab.confirm_box is None, timeout=2000)
    assert [cell(tab, r, future) for r in range(3)] == [""] * 3
    assert ctx.worker.pending == 0 and all(future not in p for p in saved(ctx, cid))

    qtbot.keyClick(tab.view, Qt.Key.Key_A)
    box = tab.confirm_box
    assert box is not None
    yes = next(b for b in box.buttons() if b.text() == _("Mark present"))
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    assert [cell(tab, r, future) for r in range(3)] == [TICK] * 3
    qtbot.waitUntil(lambda: all(future in p for p in saved(ctx, cid)), timeout=3000)
    # A session that took place is marked at once, without a question.
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    qtbot.keyClick(tab.view, Qt.Key.Key_A)
    assert tab.confirm_box is None
    qtbot.waitUntil(lambda: all(0 in p for p in saved(ctx, cid)), timeout=3000)


def test_ctrl_z_undoes_the_last_changes_one_by_one(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    cid, tab = open_grid(qtbot, page, ctx)
    view = tab.view
    assert not tab.undo_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing to undo
    assert ctx.worker.pending == 0
    # The second person was present at the second session already.
    write(qtbot, ctx, lambda ws: ws.courses.set_attendance(cid, tab._pairs([1], 1), True))
    qtbot.waitUntil(lambda: cell(tab, 1, 1) == TICK, timeout=3000)

    qtbot.keyClick(view, Qt.Key.Key_Space)  # (0, 0) on
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_A)  # column 1: the two who were absent
    click(tab, 2, 3, double=True)  # (2, 3) on
    qtbot.waitUntil(lambda: tab.pending == 0, timeout=3000)
    assert saved(ctx, cid) == (frozenset({0, 1}), frozenset({1}), frozenset({1, 3}))
    assert tab.undo_button.isEnabled()

    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cell(tab, 2, 3) == ""
    qtbot.waitUntil(lambda: saved(ctx, cid)[2] == frozenset({1}), timeout=3000)
    # Undoing the column unticks only those it ticked: the earlier tick stays.
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [cell(tab, r, 1) for r in range(3)] == ["", TICK, ""]
    assert view.currentIndex().column() == 1
    qtbot.waitUntil(
        lambda: saved(ctx, cid) == (frozenset({0}), frozenset({1}), frozenset()), timeout=3000
    )
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)  # the button does the same
    qtbot.waitUntil(
        lambda: saved(ctx, cid) == (frozenset(), frozenset({1}), frozenset()), timeout=3000
    )
    assert not tab.undo_button.isEnabled()
    assert [cell(tab, 3, c) for c in range(4)] == ["0", "1", "0", "0"]
    # Each undo was a write of its own, seen by the class's totals.
    assert ctx.reader.courses.get(cid).attendances == 1
