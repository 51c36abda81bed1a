"""The class list, new class, and the class page's tabs, driven as a secretary would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.core.courses import CourseStatus, Result
from desktop_app.core.dates import NO_SUCH_DAY
from desktop_app.i18n import _, tr
from desktop_app.ui.classes import ClassesPage
from desktop_app.ui.classes.course_form import NewCourseDialog, plan_dates
from desktop_app.ui.classes.course_view import (
    ATTENDANCE,
    COMPLETERS,
    DETAILS,
    ENROLMENT,
    RESULTS,
    SESSIONS,
    CourseView,
)
from desktop_app.ui.classes.page import COL_PEOPLE, COL_TITLE
from desktop_app.ui.classes.results import COL_LEVEL, COL_RESULT, ResultsTab
from desktop_app.ui.context import AppContext

from .conftest import EMPTY_TITLE, START, TITLE, course_id, open_class, write


def titles(page: ClassesPage) -> list[str]:
    return [page.model.index(r, COL_TITLE).data() for r in range(page.model.rowCount())]


def test_list_loads_on_the_worker_and_filters(
    qtbot: QtBot, page: ClassesPage, qtmodeltester: ModelTester
) -> None:
    assert sorted(titles(page)) == sorted([TITLE, EMPTY_TITLE])
    row = titles(page).index(TITLE)
    assert page.model.index(row, COL_PEOPLE).data() == "3"
    qtmodeltester.check(page.model)

    page.type_filter.setCurrentIndex(page.type_filter.findData("cd_phap_luat"))
    qtbot.waitUntil(lambda: titles(page) == [EMPTY_TITLE], timeout=3000)
    page.type_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData(CourseStatus.FINISHED))
    qtbot.waitUntil(lambda: titles(page) == [], timeout=3000)
    page.status_filter.setCurrentIndex(0)
    assert page.year_filter.findData(2026) > 0
    page.year_filter.setCurrentIndex(page.year_filter.findData(2026))
    qtbot.keyClicks(page.text_filter, "trong lua")
    qtbot.waitUntil(lambda: titles(page) == [TITLE], timeout=3000)


def test_sorting_keeps_the_model_sound(page: ClassesPage, qtmodeltester: ModelTester) -> None:
    page.table.sortByColumn(COL_PEOPLE, Qt.SortOrder.DescendingOrder)
    assert titles(page)[0] == TITLE
    page.table.sortByColumn(COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert titles(page) == [TITLE, EMPTY_TITLE]  # K before P
    qtmodeltester.check(page.model)


def test_plan_dates_by_weekday_and_step() -> None:
    monday = dt.date(2026, 3, 2)
    assert plan_dates(monday, 4, weekdays=[0, 3]) == [
        monday,
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 12),
    ]
    assert plan_dates(monday, 3, step_days=14) == [
        monday,
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 30),
    ]


def test_new_class_with_weekly_sessions_opens_its_page(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, type_text: object
) -> None:
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.new_dialog
    assert isinstance(dialog, NewCourseDialog)
    # Nothing chosen yet: the messages say what to fix, nothing is saved.
    dialog.save()
    assert dialog.fields.field_message("type_code") == _("Pick the kind of class from the list.")
    assert dialog.fields.field_message("title")
    fields = dialog.fields
    fields.type_box.setCurrentIndex(fields.type_box.findData("ky_nang_so"))
    type_text(fields.title, "Bình dân học vụ số")  # type: ignore[operator]
    qtbot.keyClicks(fields.start, "02/03/2026")
    dialog.count.setValue(6)
    dialog.weekday_boxes[0].setChecked(True)  # Monday
    dialog.weekday_boxes[2].setChecked(True)  # Wednesday
    lines = dialog.dates.toPlainText().splitlines()
    assert lines[:3] == ["02/03/2026", "04/03/2026", "09/03/2026"] and len(lines) == 6
    dialog.dates.appendPlainText("30/02/2026")
    dialog.save()
    assert dialog.dates_message.text() == "30/02/2026: " + tr(NO_SUCH_DAY[1], day=30)
    dialog.dates.setPlainText("\n".join(lines[:5]))
    dialog.save()
    qtbot.waitUntil(lambda: page.view is not None, timeout=5000)
    view = page.view
    assert isinstance(view, CourseView)
    course = ctx.reader.courses.get(view.course_id)
    assert course.title == "Bình dân học vụ số"
    assert course.sessions == 5
    assert (course.start, course.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 16))
    # The page fills in when its query is back.
    qtbot.waitUntil(lambda: view.title.text() == "Bình dân học vụ số", timeout=5000)


def test_one_off_topic_session_has_one_date(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    page.new_course()
    dialog = page.new_dialog
    assert dialog is not None
    dialog.fields.type_box.setCurrentIndex(dialog.fields.type_box.findData("cd_suc_khoe"))
    qtbot.keyClicks(dialog.fields.title, "Phong chong sot xuat huyet")
    dialog.one_off.setChecked(True)
    qtbot.keyClicks(dialog.fields.start, "15/04/2026")
    assert dialog.dates.toPlainText() == "15/04/2026"
    dialog.save()
    qtbot.waitUntil(lambda: page.view is not None, timeout=5000)
    course = ctx.reader.courses.get(page.view.course_id)
    assert course.sessions == 1 and course.start == course.end == dt.date(2026, 4, 15)


def test_details_sessions_results_and_completers(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, qtmodeltester: ModelTester
) -> None:
    cid = course_id(ctx, TITLE)
    page.select_course(cid)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    view = page.view
    assert view is not None and view.course_id == cid
    qtbot.waitUntil(lambda: view.snapshot is not None, timeout=5000)

    details = view.show_tab(DETAILS)
    assert details.fields.title.text() == TITLE
    details.fields.venue.setText("Nhà văn hóa thôn 2")
    details.save()
    qtbot.waitUntil(lambda: ctx.reader.courses.get(cid).venue == "Nhà văn hóa thôn 2", timeout=3000)
    qtbot.waitUntil(lambda: "Nhà văn hóa thôn 2" in view.subtitle.text(), timeout=3000)

    sessions = view.show_tab(SESSIONS)
    assert sessions.model.rowCount() == 4  # filled from the page's snapshot when built
    qtmodeltester.check(sessions.model)
    sessions.add()
    dialog = sessions.dialog
    assert dialog is not None
    assert dialog.day.text() == "30/03/2026"  # a week after the last one
    dialog.topic.setText("Phòng trừ sâu bệnh")
    dialog._accept()
    qtbot.waitUntil(lambda: sessions.model.rowCount() == 5, timeout=3000)
    assert sessions.model.rows[-1].topic == "Phòng trừ sâu bệnh"

    # Everyone ticked at every session: all three complete (no result needed).
    grid = ctx.reader.courses.grid(cid)
    pairs = [(e.id, s.id) for e in grid.enrolments for s in grid.sessions]
    ctx.op(lambda ws: ws.courses.set_attendance(cid, pairs, True))
    results = view.show_tab(RESULTS)
    assert isinstance(results, ResultsTab)
    qtbot.waitUntil(
        lambda: all(e.completion and e.completion.completed for e in results.model.rows),
        timeout=3000,
    )
    qtmodeltester.check(results.model)
    assert results.table.isColumnHidden(COL_LEVEL)
    # A Fail result takes the person off the completers, with the reason shown.
    index = results.model.index(0, COL_RESULT)
    assert results.model.setData(index, Result.FAIL)
    enrolment_id = results.model.rows[0].id
    qtbot.waitUntil(
        lambda: results.model.index(0, 4).data() == _("The result is Fail."), timeout=3000
    )
    assert (
        next(e for e in ctx.reader.courses.enrolments(cid) if e.id == enrolment_id).result
        is Result.FAIL
    )
    completers = view.show_tab(COMPLETERS)
    qtbot.waitUntil(lambda: completers.model.rowCount() == 2, timeout=3000)
    qtmodeltester.check(completers.model)

    view.back_button.click()
    assert page.stack.currentWidget() is page.list_page
    qtbot.waitUntil(lambda: not page.loading, timeout=3000)
    assert page.selected_id() == cid


def test_results_editor_is_a_combo_that_saves(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    cid = course_id(ctx, TITLE)
    view = open_class(qtbot, page, cid, RESULTS)
    assert view.results is not None
    table = view.results.table
    table.setFocus()
    table.setCurrentIndex(view.results.model.index(1, COL_RESULT))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    from PySide6.QtWidgets import QComboBox

    combo = table.indexWidget(table.currentIndex()) or table.focusWidget()
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(Result.GOOD))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(
        lambda: ctx.reader.courses.enrolments(cid)[1].result is Result.GOOD, timeout=3000
    )


def test_every_tab_opens_for_an_empty_class(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    view = open_class(qtbot, page, course_id(ctx, EMPTY_TITLE))
    for tab in (DETAILS, SESSIONS, ENROLMENT, ATTENDANCE, RESULTS, COMPLETERS):
        assert view.show_tab(tab) is not None
    assert view.attendance is not None and view.attendance.empty.isVisibleTo(view.attendance)
    assert START.year == 2026


def test_a_class_opens_at_once_and_fills_in_from_its_query(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    """Nothing of the class is read on the GUI thread: the page shows, then fills in."""
    cid = course_id(ctx, TITLE)
    with qtbot.waitSignal(page.course_opened, timeout=1000):
        view = page.open_course(cid, ATTENDANCE)
    assert view.loading and view.snapshot is None
    assert view.attendance is not None and view.attendance.model.grid is None
    with qtbot.waitSignal(view.loaded, timeout=5000):
        pass
    assert view.title.text() == TITLE
    assert view.attendance.model.people == 3


def test_the_list_follows_writes_made_anywhere(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    """Every op's news reaches the list: a class added elsewhere (the demo fill, say) shows
    up, and a tick changes its figures."""
    from desktop_app.core.courses import CourseInput

    assert page.year_filter.findData(2027) < 0
    data = CourseInput("cd_suc_khoe", "Sơ cứu ban đầu", start=dt.date(2027, 1, 5))
    write(qtbot, ctx, lambda ws: ws.courses.create(data))
    qtbot.waitUntil(lambda: "Sơ cứu ban đầu" in titles(page), timeout=5000)
    assert page.year_filter.findData(2027) > 0  # the filters follow too
    cid = course_id(ctx, TITLE)
    grid = ctx.reader.courses.grid(cid)
    pair = (grid.enrolments[0].id, grid.sessions[0].id)
    write(qtbot, ctx, lambda ws: ws.courses.set_attendance(cid, [pair], True))

    def attendances() -> int:
        return next(c.attendances for c in page.model.rows if c.id == cid)

    qtbot.waitUntil(lambda: attendances() == 1, timeout=5000)


def test_a_class_deleted_while_open_goes_back_to_the_list(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    view = open_class(qtbot, page, course_id(ctx, EMPTY_TITLE), DETAILS)
    assert view.details is not None
    view.details.delete_button.click()
    box = view.confirm_box
    yes = next(b for b in box.buttons() if b.text() == _("Delete"))  # type: ignore[attr-defined]
    yes.click()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.list_page, timeout=5000)
    qtbot.waitUntil(lambda: titles(page) == [TITLE], timeout=5000)


def test_a_class_that_cannot_be_read_says_so_and_goes_back_to_the_list(
    qtbot: QtBot, page: ClassesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui import errors

    shown: list[str] = []
    monkeypatch.setattr(errors, "show_message", lambda _p, _t, text: shown.append(text))
    page.open_course("no-such-class")
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.list_page, timeout=5000)
    assert shown == [_("This class no longer exists; refresh the list.")]
    assert page.view is None


def test_answers_for_a_page_closed_meanwhile_are_dropped(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    from shiboken6 import isValid

    cid = course_id(ctx, TITLE)
    closed = []
    for tab in (ATTENDANCE, ENROLMENT, RESULTS):
        view = page.open_course(cid, tab)
        assert view.snapshot is None
        page.show_list()  # before its query is back: the view is deleted meanwhile
        closed.append(view)
    qtbot.waitUntil(lambda: not any(isValid(v) for v in closed), timeout=5000)
    qtbot.waitUntil(lambda: ctx.queries.pending == 0 and not page.loading, timeout=5000)
    view = open_class(qtbot, page, cid, ATTENDANCE)
    assert view.attendance is not None and view.attendance.model.people == 3


def test_kind_of_class_follows_the_language(qtbot: QtBot, ctx: AppContext) -> None:
    """The list says the kind in English on an English screen; documents keep the Vietnamese."""
    import desktop_app.i18n as i18n
    from desktop_app.ui.classes.page import course_columns

    kind = next(i for i, c in enumerate(course_columns()) if c.title == "Kind")
    i18n.set_language("en")
    widget = ClassesPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loading, timeout=5000)
    row = titles(widget).index(TITLE)
    assert widget.model.index(row, kind).data() == "Topic: farming techniques"
    (course,) = [c for c in ctx.reader.courses.find() if c.title == TITLE]
    assert course.type_name.startswith("Chuyên đề kỹ thuật trồng trọt")
