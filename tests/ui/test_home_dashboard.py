"""The home page (Trang chủ) with its real widgets on a real database: the first page of the
window, the year's figures as the services count them, the next deadlines with the overdue in
red and their buttons, the deadlines dialog, and the figures read again after an operation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.courses import CourseInput
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.people import PersonInput
from desktop_app.i18n import _, format_money
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace
from desktop_app.ui.home_dashboard import (
    OVERDUE_STYLE,
    HomeDashboard,
    days_left_text,
)
from desktop_app.ui.learning_models_page import LearningModelsPage
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.reports_page import ReportsPage
from tests.ui.test_import_wizard import WAIT, click, idle, yes

YEAR = dt.date.today().year


def _centre(path: Path) -> str:
    """Two of the people at a class this year, twice and once; a fund of 2.000.000 đ."""
    with Workspace.open(path) as ws:
        people = [p.id for p in ws.people.roster()][:2]
        day = dt.date(YEAR, 1, 5)
        cid = ws.courses.create(
            CourseInput(type_code="xmc1", title="Lớp xóa mù chữ", start=day),
            [day, day + dt.timedelta(days=1)],
        ).value
        ws.courses.enrol(cid, people)
        grid = ws.courses.grid(cid)
        ws.courses.set_attendance(
            cid,
            [(grid.enrolments[0].id, grid.sessions[0].id),
             (grid.enrolments[0].id, grid.sessions[1].id),
             (grid.enrolments[1].id, grid.sessions[0].id)],
            True,
        )  # fmt: skip
        return ws.fund.create(FundInput("Quỹ Khuyến học xã", 2_000_000, dt.date(YEAR, 1, 1))).value


def home_of(qtbot: QtBot, window: MainWindow) -> HomeDashboard:
    page = window.stack.currentWidget()
    assert isinstance(page, HomeDashboard)
    qtbot.waitUntil(lambda: page.figures is not None and bool(page.deadlines), timeout=WAIT)
    return page


def test_home_is_the_first_page_with_the_years_figures(
    qtbot: QtBot, people_db: Path, make_window: Callable[..., MainWindow]
) -> None:
    fund = _centre(people_db)
    window = make_window(people_db)
    assert window.sidebar.item(0).text() == _("Home")
    assert window.sidebar.item(1).text() == _("People")
    assert window.stack.currentIndex() == 0 and window.help_page_name() == "home"
    page = home_of(qtbot, window)
    assert page.classes_tile.number.text() == "1"
    assert page.attendances_tile.number.text() == "3"
    assert page.learners_tile.number.text() == "2"
    assert page.fund_tile.number.text() == format_money(2_000_000)
    assert page.members_tile.number.text() == "0"
    jan = page.attendance_chart.describe().splitlines()[0]
    assert jan == "1: Xóa mù chữ giai đoạn 1 3"
    assert page.fund_chart.value("balance", 0) == 2_000_000
    assert len(page.models_chart.rows) == 5
    # Five deadlines, soonest first.
    assert len(page.deadline_labels) == 5
    days = [u.days_left for u in page.deadlines]
    assert days == sorted(days)
    assert page.deadline_labels[0].text() == days_left_text(page.deadlines[0].days_left)
    # An operation on a table the figures read: they are read again.
    loads = page.loads
    window.ctx.op(
        lambda ws: ws.fund.record(
            EntryInput(fund, EntryKind.DONATION_CASH, dt.date.today(), 500_000,
                       party_name="Công ty Bình Minh", reason="Ủng hộ quỹ")
        )
    )  # fmt: skip
    qtbot.waitUntil(lambda: page.fund_tile.number.text() == format_money(2_500_000), timeout=WAIT)
    assert page.loads == loads + 1
    # Shown again the same day: the figures kept are shown, nothing is read.
    window.show_section(1)
    window.show_section(0)
    idle(qtbot, window.ctx)
    assert page.loads == loads + 1


def test_overdue_in_red_and_the_buttons_open_the_reports(
    qtbot: QtBot, people_db: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(people_db)
    page = home_of(qtbot, window)
    # Two days after the Khuyến học month report was due.
    page.today = lambda: dt.date(YEAR, 10, 8)
    page.load()
    qtbot.waitUntil(lambda: page.deadlines[0].deadline.key == "khuyen_hoc_month", timeout=WAIT)
    first = page.deadline_labels[0]
    assert first.text() == days_left_text(-2)
    assert first.styleSheet() == OVERDUE_STYLE
    assert page.deadline_labels[1].styleSheet() == ""
    keys = [u.deadline.key for u in page.deadlines]
    assert keys == ["khuyen_hoc_month", "annual_report", "commune_report", "unit_dossier",
                    "community_dossier"]  # fmt: skip
    # The unit dossier's button opens Learning models on the units' tab.
    click(qtbot, page.deadline_buttons[keys.index("unit_dossier")])
    models = window.stack.currentWidget()
    assert isinstance(models, LearningModelsPage) and models.model == "unit"
    # The Khuyến học month report's opens Reports on that report.
    window.show_section(0)
    click(qtbot, page.deadline_buttons[keys.index("khuyen_hoc_month")])
    reports = window.stack.currentWidget()
    assert isinstance(reports, ReportsPage) and reports.kind == "khuyen_hoc_month"
    idle(qtbot, window.ctx)
    window.show_section(0)
    click(qtbot, page.deadline_buttons[keys.index("commune_report")])
    assert reports.kind == "annual" and window.stack.currentWidget() is reports
    idle(qtbot, window.ctx)


def test_the_deadlines_dialog(
    qtbot: QtBot, people_db: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(people_db)
    page = home_of(qtbot, window)
    dialog = page.open_deadlines()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 5, timeout=WAIT)
    # A day that does not exist: said in red, nothing saved.
    dialog.title_edit.setText("Báo cáo sơ kết học kỳ I")
    dialog.add_day_edit.setText("31/02")
    click(qtbot, dialog.add_button)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT)
    assert dialog.message.text() == "Không có ngày 31 tháng 2."
    assert dialog.title_edit.text() == "Báo cáo sơ kết học kỳ I"  # the typing is kept
    dialog.add_day_edit.setText("20/01")
    click(qtbot, dialog.add_button)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=WAIT)
    assert dialog.chosen() is not None and dialog.chosen().key == "custom-1"  # type: ignore[union-attr]
    assert dialog.remove_button.isEnabled()
    qtbot.waitUntil(
        lambda: "custom-1" in [u.deadline.key for u in page.deadlines] or len(page.deadlines) == 6,
        timeout=WAIT,
    )
    # Move the Khuyến học month report to 10/10.
    row = [u.deadline.key for u in dialog.model.rows].index("khuyen_hoc_month")
    dialog.table.selectRow(row)
    assert not dialog.remove_button.isEnabled()  # the plans' cannot be removed
    dialog.day_edit.setText("10/10")
    click(qtbot, dialog.set_button)
    qtbot.waitUntil(
        lambda: any(u.deadline.key == "khuyen_hoc_month" and u.deadline.day == 10
                    for u in dialog.model.rows),
        timeout=WAIT,
    )  # fmt: skip
    with Workspace.open(people_db, read_only=True) as ws:
        kept = {d.key: d for d in ws.deadlines.deadlines()}
    assert (kept["khuyen_hoc_month"].day, kept["custom-1"].title) == (10, "Báo cáo sơ kết học kỳ I")
    # Back to the plans', after the question.
    click(qtbot, dialog.reset_button)
    yes(qtbot, dialog.confirm_box, _("Put back"))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 5, timeout=WAIT)
    idle(qtbot, window.ctx)
    assert len(page.deadlines) == 5
    with Workspace.open(people_db, read_only=True) as ws:
        assert [d.day for d in ws.deadlines.deadlines()] == [6, 1, 10, 15, 28]
    dialog.close()


def test_the_days_figures_are_kept_for_the_next_start(
    qtbot: QtBot, people_db: Path, make_window: Callable[..., MainWindow]
) -> None:
    """A page made again (the next start, the same day) shows the kept figures at once,
    without counting; once something is saved they are counted again."""
    _centre(people_db)
    window = make_window(people_db)
    first = home_of(qtbot, window)
    assert first.loads == 1
    again = HomeDashboard(window.ctx)
    qtbot.addWidget(again)
    again.show()
    assert again.figures == first.figures and again.loads == 0
    idle(qtbot, window.ctx)
    # Saved here: the shown page counts again and keeps the new figures.
    window.ctx.op(lambda ws: ws.people.add(PersonInput(full_name="Người Mới Thêm")))
    qtbot.waitUntil(lambda: first.loads == 2, timeout=WAIT)
    idle(qtbot, window.ctx)
    # Saved by another program (or a restore): the kept figures are stale.
    with Workspace.open(people_db) as ws:
        ws.people.add(PersonInput(full_name="Người Khác Thêm"))
    third = HomeDashboard(window.ctx)
    qtbot.addWidget(third)
    third.show()
    qtbot.waitUntil(lambda: third.figures is not None, timeout=WAIT)
    assert third.loads == 1
    idle(qtbot, window.ctx)
