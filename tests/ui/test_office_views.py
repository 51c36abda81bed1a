"""Office mode on real pages: the "Trung tâm" chooser scopes each list to the centre's own
rows, a scoped fund's papers name that centre, and a centre's rows are not edited here."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.services.demo_office import create_office_demo
from desktop_app.services.workspace import Workspace
from desktop_app.ui.classes.page import ClassesPage
from desktop_app.ui.classes.register import CertificateRegisterPage
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.fund_page import FundPage
from desktop_app.ui.khuyen_hoc.members_page import MembersPage
from desktop_app.ui.people_page import PeoplePage


@pytest.fixture(scope="module")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    summary = create_office_demo(folder / "office.sqlite3", folder / "c", centres=2, people=40)
    return summary.path if hasattr(summary, "path") else folder / "office.sqlite3"


@pytest.fixture
def office(office_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "office.sqlite3"
    shutil.copyfile(office_template, path)
    return path


def _own(path: Path, table: str) -> dict[str, int]:
    with Workspace.open(path, read_only=True) as ws:
        rows = ws.db.conn.execute(
            f"SELECT owner_site, count(*) FROM {table} WHERE deleted = 0 GROUP BY 1"
        ).fetchall()
    return {str(site): int(n) for site, n in rows}


def test_people_page_chooser_scopes_and_refuses_edits(
    office: Path, open_context: Callable[[Path], AppContext], qtbot: QtBot
) -> None:
    counts = _own(office, "person")
    ctx = open_context(office)
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    assert not page.scope.isHidden() and page.correction_button.isVisibleTo(page)
    assert page.model.rowCount() == sum(counts.values())
    for site, name in page.scope.centres:
        page.scope.set_sites([site])
        assert page.scope.button.text() == name
        assert page.model.rowCount() == counts[site] == 40
        page.select_row(0)
        assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
        assert page.correction_button.isEnabled()
        assert name in page.edit_button.toolTip()
        page.edit_selected()
        assert page.form is None and page.message_box is not None
        assert name in page.message_box.text()
        page.message_box.close()
    page.scope.set_sites(None)
    assert page.model.rowCount() == sum(counts.values())


def test_lists_of_each_page_are_the_centres_own(
    office: Path, open_context: Callable[[Path], AppContext], qtbot: QtBot
) -> None:
    courses, members, funds = (_own(office, t) for t in ("course", "member", "fund"))
    ctx = open_context(office)
    classes, register = ClassesPage(ctx), CertificateRegisterPage(ctx)
    fund_page, members_page = FundPage(ctx), MembersPage(ctx)
    for w in (classes, register, fund_page, members_page):
        qtbot.addWidget(w)
    for site, _name in classes.scope.centres:
        classes.scope.set_sites([site])
        qtbot.waitUntil(lambda: not classes.loading, timeout=5000)
        assert classes.model.rowCount() == courses.get(site, 0)
        fund_page.scope.set_sites([site])
        qtbot.waitUntil(lambda: not fund_page.busy, timeout=5000)
        assert fund_page.funds_model.rowCount() == funds[site]
        assert not fund_page.receipt_button.isEnabled()
        members_page.scope.set_sites([site])
        qtbot.waitUntil(lambda: not members_page.busy, timeout=5000)
        assert members_page.model.rowCount() == members[site]
        register.scope.set_sites([site])
        qtbot.waitUntil(lambda: not register.loading, timeout=5000)
        assert register.model.rowCount() == 0  # the demo centres issued none yet


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_cash_book_of_a_scoped_fund_names_that_centre(
    office: Path, open_context: Callable[[Path], AppContext], qtbot: QtBot, tmp_path: Path
) -> None:
    ctx = open_context(office)
    page = FundPage(ctx)
    qtbot.addWidget(page)
    for site, name in page.scope.centres:
        page.scope.set_sites([site])
        qtbot.waitUntil(lambda: not page.busy, timeout=5000)
        fund_id = page.current_fund_id()
        assert fund_id is not None
        with Workspace.open(office, read_only=True) as ws:
            commune = ws.db.conn.execute(
                "SELECT commune_name FROM centre WHERE owner_site = ?", (site,)
            ).fetchone()[0]
            prepared = ws.fund_documents.prepare_cash_book(
                fund_id, dt.date(2020, 1, 1), dt.date.today()
            )
        out = tmp_path / f"{site}.pdf"
        ws.fund_documents.render_cash_book(prepared, out)
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True)
        assert f"HỘI KHUYẾN HỌC {commune.upper()}" in text.stdout, (name, text.stdout[:300])
