"""The Reports section on a real database: the report read on the query thread and shown
table by table, each counted figure opening the records behind it (as many as it counts),
an empty period said in words, the PDF previewed and the workbook saved with its audit
line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.core.annual_report import Figure
from desktop_app.i18n import _
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview as preview_module
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.reports_page import NO_DATA, RecordsDialog, ReportsPage, figure_text
from tests.conftest import DemoTemplate
from tests.ui.test_import_wizard import WAIT, click, idle


@pytest.fixture
def demo_db(demo_copy: DemoTemplate) -> Path:
    return demo_copy(300, 3)


@pytest.fixture
def window(demo_db: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window(demo_db)


def reports_of(qtbot: QtBot, window: MainWindow) -> ReportsPage:
    page = window.page_of(ReportsPage)
    assert isinstance(page, ReportsPage)
    window.show_section(window.stack.indexOf(page))
    qtbot.waitUntil(lambda: page.report is not None and not page.loading, timeout=WAIT)
    idle(qtbot, window.ctx)
    return page


def counted(page: ReportsPage) -> list[tuple[int, int, int, Figure]]:
    """(table, row, column, figure) of every figure counted from records."""
    found = []
    for t, table in enumerate(page.tables):
        for r in range(table.rowCount()):
            for c in range(1, table.columnCount()):
                hit = table.figure_at(r, c)
                if (
                    hit is not None
                    and hit[1].records
                    and hit[1].unit in ("", "people")
                    and not hit[1].key.startswith("attendances")
                ):
                    found.append((t, r, c, hit[1]))
    return found


def test_the_annual_report_shows_its_tables_and_each_figure_its_records(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = reports_of(qtbot, window)
    report = page.report
    assert report is not None and page.kind == "annual"
    assert len(page.tables) == len(report.tables) > 0
    # What the screen shows is what the report holds, cell by cell.
    for table, widget in zip(report.tables, page.tables, strict=True):
        for r, (_label, figures) in enumerate(table.rows):
            for c, figure in enumerate(figures, start=1):
                item = widget.item(r, c)
                assert item is not None and item.text() == figure_text(figure)
    figures = counted(page)
    assert figures, "no figure of the report traces its records"
    # The commune's totals and some of their parts (by kind, by sex, by hamlet…).
    for t, r, c, figure in figures[:3] + figures[-3:]:
        page.open_records(page.tables[t], r, c)
        qtbot.waitUntil(lambda: isinstance(page.dialog, RecordsDialog), timeout=WAIT)
        dialog = page.dialog
        assert isinstance(dialog, RecordsDialog)
        assert dialog.model.rowCount() == figure.value
        dialog.close()
        qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)


def test_an_empty_period_says_so(qtbot: QtBot, window: MainWindow) -> None:
    page = reports_of(qtbot, window)
    page.period_combo.setCurrentIndex(page.period_combo.findData("custom"))
    assert page.from_edit.isEnabled() and page.to_edit.isEnabled()
    page.from_edit.setDate(QDate(2001, 1, 1))
    page.to_edit.setDate(QDate(2001, 3, 31))
    qtbot.waitUntil(
        lambda: (
            page.report is not None
            and page.report.period_to == dt.date(2001, 3, 31)
            and not page.loading
        ),
        timeout=WAIT,
    )
    assert page.report is not None and page.report.empty
    assert page.message.text() == _(NO_DATA) and page.tables == []
    # A period that ends before it starts is said on the page, and nothing is shown.
    page.from_edit.setDate(QDate(2001, 6, 1))
    qtbot.waitUntil(lambda: page.report is None and not page.loading, timeout=WAIT)
    assert "01/06/2001" in page.message.text() and page.tables == []
    assert not page.print_button.isEnabled()


def test_the_khuyen_hoc_summary_prints_and_exports(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = reports_of(qtbot, window)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("khuyen_hoc"))
    qtbot.waitUntil(
        lambda: page.report is not None and page.report.kind == "khuyen_hoc" and not page.loading,
        timeout=WAIT,
    )
    assert not page.period_combo.isEnabled()
    shown: list[Path] = []
    monkeypatch.setattr(preview_module, "preview_pdf", lambda _p, path, *_a: shown.append(path))
    page.number_edit.setText("07/BC-HKH")
    click(qtbot, page.print_button)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert shown[0].read_bytes().startswith(b"%PDF")
    out = tmp_path / "khuyen-hoc.xlsx"
    monkeypatch.setattr(preview_module, "ask_output_path", lambda *_a: out)
    click(qtbot, page.excel_button)
    qtbot.waitUntil(out.exists, timeout=WAIT)
    idle(qtbot, window.ctx)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Thông tin"
    with Workspace.open(demo_db, read_only=True) as ws:
        rows = ws.db.conn.execute(
            "SELECT record_id FROM audit WHERE action = 'report.print'"
        ).fetchall()
    assert [r[0] for r in rows] == ["khuyen_hoc", "khuyen_hoc"]


def test_a_deadline_opens_its_report(qtbot: QtBot, window: MainWindow) -> None:
    window.open_report("khuyen_hoc_month")
    page = window.stack.currentWidget()
    assert isinstance(page, ReportsPage) and page.kind == "khuyen_hoc_month"
    qtbot.waitUntil(lambda: page.report is not None and not page.loading, timeout=WAIT)
    idle(qtbot, window.ctx)


def test_an_office_reports_on_all_its_centres_or_one(
    qtbot: QtBot, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    from desktop_app.services.demo_office import create_office_demo

    office = tmp_path / "office.sqlite3"
    create_office_demo(office, tmp_path / "c", centres=2, people=40)
    window = make_window(office)
    page = reports_of(qtbot, window)
    assert not page.scope.isHidden() and len(page.scope.centres) == 2
    report = page.report
    assert report is not None and len(report.site_dates) == 2
    for _site, name, _day in report.site_dates:
        assert name in page.sites_label.text()

    def population(shown: ReportsPage) -> int:
        assert shown.report is not None
        return next(
            int(f.value or 0)
            for table in shown.report.tables
            for _label, figures in table.rows
            for f in figures
            if f.key == "population"
        )

    together = population(page)
    alone = []
    for site, _name in page.scope.centres:
        page.scope.set_sites([site])
        qtbot.waitUntil(
            lambda s=site: (
                page.report is not None and page.report.sites == (s,) and not page.loading
            ),
            timeout=WAIT,
        )
        alone.append(population(page))
    assert alone == [40, 40] and together == 80
    idle(qtbot, window.ctx)
