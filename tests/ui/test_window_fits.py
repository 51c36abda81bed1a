"""The window fits an office screen: every section and every tab of a class, on the demo, at
1280×720, without widening the window and with each list's last column in view (a wider screen
such as 1366×768 only gives the stretching columns more room)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QTableView, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.courses import CourseStatus
from desktop_app.ui.classes import ClassesPage
from desktop_app.ui.classes.attendance import AttendanceView
from desktop_app.ui.classes.course_view import CourseView
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.widgets import add_field_row

SCREENS = [(1280, 720)]


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Every read and write asked for has been answered and drawn."""
    ctx = window.ctx
    qtbot.waitUntil(lambda: ctx.worker.pending == 0 and ctx.queries.pending == 0, timeout=10000)


def lists(page: QWidget) -> list[QTableView]:
    # The attendance grid is a grid, not a list: a class of 60 sessions scrolls sideways.
    return [
        t
        for t in page.findChildren(QTableView)
        if t.isVisible() and not isinstance(t, AttendanceView) and t.model().columnCount()
    ]


def check_fits(window: MainWindow, width: int, height: int, where: str) -> None:
    assert window.width() <= width, f"{where}: the window widened to {window.width()} px"
    hint = window.minimumSizeHint()
    assert hint.width() <= width and hint.height() <= height, f"{where}: needs {hint}"
    for table in lists(window.stack.currentWidget()):
        header = table.horizontalHeader()
        last = max(c for c in range(header.count()) if not header.isSectionHidden(c))
        right = header.sectionViewportPosition(last) + header.sectionSize(last)
        name = type(table.model()).__name__
        assert right <= table.viewport().width(), f"{where}: {name}'s last column is cut"
        assert table.horizontalScrollBar().maximum() == 0, f"{where}: {name} scrolls sideways"


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_every_section_and_class_tab_fits_the_screen(
    qtbot: QtBot,
    demo_copy: Callable[..., Path],
    make_window: Callable[..., MainWindow],
    width: int,
    height: int,
) -> None:
    window = make_window(demo_copy(150, 4))
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=3000)
    for section in range(window.stack.count()):
        window.show_section(section)
        settle(qtbot, window)
        check_fits(window, width, height, window.sidebar.item(section).text())

    classes = next(
        window.stack.widget(i)
        for i in range(window.stack.count())
        if isinstance(window.stack.widget(i), ClassesPage)
    )
    assert isinstance(classes, ClassesPage)
    window.show_section(window.stack.indexOf(classes))
    settle(qtbot, window)
    # A finished class has completers, so its last tab shows every paper's button.
    course = next(c for c in window.ctx.reader.courses.find() if c.status is CourseStatus.FINISHED)
    view = classes.open_course(course.id)
    for tab in range(view.tabs.count()):
        shown = classes.open_course(course.id, tab)
        assert isinstance(shown, CourseView)
        qtbot.waitUntil(lambda v=shown: v.snapshot is not None and not v.loading, timeout=5000)
        settle(qtbot, window)
        check_fits(window, width, height, f"class tab {shown.tabs.tabText(tab)}")
    # Back to the list: the window did not stay wide.
    classes.show_list()
    settle(qtbot, window)
    check_fits(window, width, height, "the class list again")


def test_a_field_message_wraps_whole_and_leaves_no_gap(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    form = QFormLayout()
    layout.addLayout(form)
    message = add_field_row(form, "Tên:", QLineEdit())
    add_field_row(form, "Ghi chú:", QLineEdit())
    dialog.resize(360, dialog.sizeHint().height())
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    long = " ".join(["Không có ngày 31 tháng 2; hãy sửa lại ngày cho đúng."] * 6)
    message.show_messages([long])
    qtbot.waitUntil(lambda: dialog.height() > before, timeout=2000)
    # Every wrapped line is shown: the label has the height its text needs at its width.
    qtbot.waitUntil(
        lambda: message.height() >= message.heightForWidth(message.width()), timeout=2000
    )
    assert message.width() <= dialog.width()
    message.clear_message()
    qtbot.waitUntil(lambda: dialog.height() == before, timeout=2000)


def test_the_window_and_the_preview_open_within_the_screen(
    qtbot: QtBot, people_db: Path, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    from desktop_app.ui.fit import resize_within_screen

    window = make_window(people_db)
    area = window.screen().availableGeometry()  # the offscreen platform's screen is small
    hint = window.minimumSizeHint()
    assert window.width() == max(min(1260, area.width()), hint.width())
    assert window.height() == max(min(700, area.height() - 40), hint.height())
    probe = QDialog()
    qtbot.addWidget(probe)
    resize_within_screen(probe, 1260, 700)
    assert probe.width() == min(1260, area.width())
    assert probe.height() == min(700, area.height() - 40)
