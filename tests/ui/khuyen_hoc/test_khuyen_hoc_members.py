"""The members page: branches with counts, the member form, dues collection, cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.dates import NO_SUCH_DAY, UNREADABLE_DATE
from desktop_app.core.members import DuesBatchInput, MemberStatus
from desktop_app.core.people import PersonInput
from desktop_app.i18n import _, tr
from desktop_app.services import demo
from desktop_app.services.fund import LedgerFilter
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.dues_dialog import DuesDialog
from desktop_app.ui.khuyen_hoc.fund_page import FundPage
from desktop_app.ui.khuyen_hoc.member_dialogs import BranchDialog, MemberForm
from desktop_app.ui.khuyen_hoc.members_page import MembersPage
from desktop_app.ui.khuyen_hoc.models import D_AMOUNT, D_PAID, M_NAME

TypeText = Callable[[QWidget, str], None]
YEAR = dt.date.today().year
RATE = 20_000  # set in conftest
BRANCH_1 = "Chi hội Thôn 1"


@pytest.fixture
def page(ctx: AppContext, qtbot: QtBot) -> MembersPage:
    page = MembersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    settle(qtbot, page)
    return page


def settle(qtbot: QtBot, page: MembersPage) -> None:
    """Wait until the page shows the answers of every read it asked for."""
    qtbot.waitUntil(lambda: not page.busy, timeout=5000)


def branch_texts(page: MembersPage) -> list[str]:
    return [page.branch_list.item(i).text() for i in range(page.branch_list.count())]


def member_names(page: MembersPage) -> list[str]:
    proxy = page.proxy
    return [proxy.index(r, M_NAME).data() for r in range(proxy.rowCount())]


def open_dues(qtbot: QtBot, page: MembersPage) -> DuesDialog:
    page.select_branch(page.branches[0].id)
    settle(qtbot, page)
    qtbot.mouseClick(page.collect_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, DuesDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    return dialog


def tick(dialog: DuesDialog, rows: range) -> None:
    for row in rows:
        dialog.model.setData(
            dialog.model.index(row, D_PAID), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )


def test_branches_show_active_member_counts(qtbot: QtBot, page: MembersPage) -> None:
    assert branch_texts(page) == [
        tr("All branches ({count})", count=4),
        "Chi hội Thôn 1 (3)",
        "Chi hội Thôn 2 (1)",
    ]
    assert page.model.rowCount() == 4
    page.select_branch(page.branches[1].id)
    settle(qtbot, page)
    assert page.model.rowCount() == 1


def test_search_finds_members_by_folded_name(qtbot: QtBot, page: MembersPage) -> None:
    qtbot.keyClicks(page.search, "cuong")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert member_names(page) == ["Lê Văn Cường"]


def test_new_member_picked_from_the_people_list(
    qtbot: QtBot, page: MembersPage, ctx: AppContext, type_text: TypeText
) -> None:
    page.select_branch(page.branches[1].id)
    settle(qtbot, page)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.dialog
    assert isinstance(form, MemberForm)
    qtbot.waitExposed(form)
    qtbot.keyClick(form.number, Qt.Key.Key_Return)  # nobody picked yet
    assert form.fields.text("person_id") == _(
        "Type part of the name and pick the person from the list."
    )
    type_text(form.person, "phạm thị hoa")
    form.person.search_now()
    assert form.person.results.item(0).text() == "Phạm Thị Hoa — 1988 — Xóm Đông"
    form.person.pick_row(0)
    qtbot.keyClick(form.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    assert "Phạm Thị Hoa" in member_names(page)
    assert page.selected_member().full_name == "Phạm Thị Hoa"
    added = next(m for m in ctx.reader.members.members() if m.full_name == "Phạm Thị Hoa")
    assert (added.member_number, added.branch_name) == ("5", "Chi hội Thôn 2")
    assert branch_texts(page)[2] == "Chi hội Thôn 2 (2)"


def test_member_leaving_needs_a_date(
    qtbot: QtBot, page: MembersPage, ctx: AppContext, type_text: TypeText
) -> None:
    page.select_member(page.model.rows[0].id)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    form = page.dialog
    assert isinstance(form, MemberForm)
    form.status.setCurrentIndex(form.status.findData(MemberStatus.MOVED))
    assert not form.fields.rows["status_on"].isHidden()
    form.status_on.clear()
    qtbot.keyClick(form.number, Qt.Key.Key_Return)
    assert form.fields.text("status_on") == _(UNREADABLE_DATE)
    type_text(form.status_on, "31/04/2026")  # April has 30 days: the message says so
    qtbot.keyClick(form.number, Qt.Key.Key_Return)
    assert form.fields.text("status_on") == tr(NO_SUCH_DAY[3], day=31)
    assert page.dialog is form
    form.status_on.clear()
    type_text(form.status_on, "01/02/2026")
    qtbot.keyClick(form.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    assert ctx.reader.members.get(page.model.rows[0].id).status is MemberStatus.MOVED
    # The page shows it too: the branch counts active members only.
    assert branch_texts(page)[0] == tr("All branches ({count})", count=3)


def test_a_person_who_is_already_a_member_is_refused(
    qtbot: QtBot, page: MembersPage, ctx: AppContext, type_text: TypeText
) -> None:
    page.new_member()
    form = page.dialog
    assert isinstance(form, MemberForm)
    type_text(form.person, "hoàng minh đức")
    form.person.search_now()
    form.person.pick_row(0)
    qtbot.keyClick(form.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(form.fields.general.text()), timeout=5000)
    assert form.fields.general.text() == tr(
        "{name} is already member {number}.", name="Hoàng Minh Đức", number="4"
    )
    assert len(ctx.reader.members.members()) == 4
    form.reject()


def test_branch_without_a_name_is_refused(qtbot: QtBot, page: MembersPage, ctx: AppContext) -> None:
    qtbot.mouseClick(page.add_branch_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, BranchDialog)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.fields.text("name")), timeout=5000)
    assert dialog.fields.text("name") == _("Type the branch's name.")
    assert len(ctx.reader.members.branches()) == 2
    dialog.reject()


def test_dues_batch_that_does_not_match_the_paper_is_refused(
    qtbot: QtBot, page: MembersPage, ctx: AppContext, type_text: TypeText
) -> None:
    dialog = open_dues(qtbot, page)
    assert dialog.branch.name == BRANCH_1
    assert dialog.model.rowCount() == 3
    assert dialog.model.index(0, D_AMOUNT).data() == "20.000"
    tick(dialog, range(2))
    type_text(dialog.collector, "Trần Thị Bích")
    type_text(dialog.expected_count, "3")
    type_text(dialog.expected_total, "60000")
    qtbot.keyClick(dialog.expected_total, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.fields.text("expected_total")), timeout=5000)
    assert dialog.fields.text("expected_count") == tr(
        "You ticked {count} members but the paper says {expected}; check the list.",
        count=2,
        expected=3,
    )
    assert dialog.fields.text("expected_total") == tr(
        "The amounts add up to {total} but the paper says {expected}; check them.",
        total="40.000 đ",
        expected="60.000 đ",
    )
    assert _("The batch does not match the paper; nothing was saved.") in (
        dialog.fields.general.text()
    )
    assert len(ctx.reader.members.unpaid(YEAR, page.branches[0].id)) == 3
    assert ctx.reader.fund.entries(LedgerFilter()) == []
    assert page.dialog is dialog
    dialog.reject()


def test_dues_batch_that_matches_saves_and_shows_the_receipt(
    qtbot: QtBot, page: MembersPage, ctx: AppContext, type_text: TypeText
) -> None:
    dialog = open_dues(qtbot, page)
    tick(dialog, range(3))
    # One member paid double this year: the amount is corrected on the line.
    assert dialog.model.setData(dialog.model.index(2, D_AMOUNT), "40.000")
    assert dialog.ticked_label.text() == tr(
        "Ticked members: {count}. Total: {total}", count=3, total="80.000 đ"
    )
    type_text(dialog.collector, "Trần Thị Bích")
    type_text(dialog.collector_address, "Thôn 1, xã Đông Hòa, tỉnh Thanh Hóa")
    type_text(dialog.expected_count, "3")
    type_text(dialog.expected_total, "80.000")
    qtbot.keyClick(dialog.expected_total, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=5000)
    assert dialog.result_.voucher == f"PT-0001/{YEAR}"
    assert f"PT-0001/{YEAR}" in dialog.done_label.text()
    assert ctx.reader.members.unpaid(YEAR, page.branches[0].id) == []
    [entry] = ctx.reader.fund.entries(LedgerFilter())
    assert (entry.amount, entry.party_name) == (80_000, "Trần Thị Bích")
    assert entry.party_address == "Thôn 1, xã Đông Hòa, tỉnh Thanh Hóa"
    assert dialog.result_.upper_share == 3 * RATE * 30 // 100
    qtbot.keyClick(dialog.expected_total, Qt.Key.Key_Return)  # Enter now closes
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)


def test_unpaid_list_for_a_year(qtbot: QtBot, page: MembersPage) -> None:
    qtbot.mouseClick(page.unpaid_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert dialog.model.rowCount() == 4
    dialog.branch.setCurrentIndex(dialog.branch.findData(page.branches[1].id))
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert dialog.model.rowCount() == 1
    dialog.reject()


def test_the_unpaid_list_follows_a_dues_batch_saved_meanwhile(
    qtbot: QtBot, page: MembersPage, ctx: AppContext
) -> None:
    branch = page.branches[0]
    page.select_branch(branch.id)
    settle(qtbot, page)
    page.show_unpaid()
    dialog = page.dialog
    qtbot.waitUntil(lambda: not dialog.busy and dialog.model.rowCount() == 3, timeout=5000)
    payer = dialog.model.member(0)
    batch = DuesBatchInput(
        branch.id, YEAR, dt.date.today(), "Thu", 1, RATE, payments=((payer.id, RATE),)
    )
    fund_id = ctx.reader.fund.funds()[0].id
    ctx.op(lambda ws: ws.members.collect(batch, fund_id))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5000)
    assert dialog.model.row_of(payer.id) is None
    dialog.reject()


def test_the_unpaid_list_is_printed_and_exported(
    qtbot: QtBot,
    page: MembersPage,
    previews: list[tuple[Path, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Print… previews the PDF of the list shown; Export… writes the same list as xlsx."""
    import subprocess

    import openpyxl

    from desktop_app.ui import preview as preview_module

    page.show_unpaid()
    dialog = page.dialog
    qtbot.waitUntil(lambda: not dialog.busy and dialog.model.rowCount() == 4, timeout=5000)
    names = [dialog.model.member(r).full_name for r in range(4)]
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    path, name = previews[0]
    assert name == f"Chưa đóng hội phí {YEAR} - tất cả.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "DANH SÁCH HỘI VIÊN CHƯA ĐÓNG HỘI PHÍ" in text
    assert all(n in text for n in names)

    target = tmp_path / "unpaid.xlsx"
    monkeypatch.setattr(preview_module, "ask_save_path", lambda *_a: target)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10000)
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    cells = {v for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    assert set(names) <= cells
    dialog.reject()


def test_member_cards_are_printed_then_previewed(
    qtbot: QtBot, page: MembersPage, previews: list[tuple[Path, str]]
) -> None:
    page.select_branch(page.branches[0].id)
    settle(qtbot, page)
    qtbot.mouseClick(page.cards_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    path, name = previews[0]
    assert path.read_bytes().startswith(b"%PDF")
    assert name == f"Thẻ hội viên - {BRANCH_1}.pdf"


def test_membership_share_per_hamlet(qtbot: QtBot, page: MembersPage) -> None:
    qtbot.mouseClick(page.shares_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=5000)
    dialog = page.dialog
    table = dialog.table
    last = table.rowCount() - 1
    assert table.item(last, 0).text() == _("Whole commune")
    assert table.item(last, 2).text() == "4"
    dialog.reject()


def test_dues_rate_is_set_from_the_panel(
    qtbot: QtBot, page: MembersPage, ctx: AppContext, type_text: TypeText
) -> None:
    qtbot.mouseClick(page.rate_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.amount.text() == "20.000"
    dialog.amount.clear()
    type_text(dialog.amount, "24.000")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    assert ctx.reader.members.rate(YEAR).amount == 24_000
    assert "24.000 đ" in page.rates_list.item(0).text()


@pytest.fixture
def fund_page(ctx: AppContext, qtbot: QtBot) -> FundPage:
    page = FundPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.busy, timeout=5000)
    return page


def test_a_dues_batch_refreshes_both_pages(
    qtbot: QtBot, page: MembersPage, fund_page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    """The batch writes its receipt in the ledger: the fund page shows it without a restart."""
    assert fund_page.model.rowCount() == 0
    dialog = open_dues(qtbot, page)
    tick(dialog, range(3))
    type_text(dialog.collector, "Trần Thị Bích")
    type_text(dialog.expected_count, "3")
    type_text(dialog.expected_total, "60.000")
    qtbot.keyClick(dialog.expected_total, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=5000)
    qtbot.waitUntil(lambda: not fund_page.busy and not page.busy, timeout=5000)
    assert [fund_page.model.entry(r).voucher for r in range(fund_page.model.rowCount())] == [
        f"PT-0001/{YEAR}"
    ]
    assert fund_page.funds_model.line(0).balance == 60_000
    dialog.reject()


def test_people_page_changes_show_in_the_members_list(
    qtbot: QtBot, page: MembersPage, ctx: AppContext
) -> None:
    """A person renamed and a hamlet renamed elsewhere: the members list follows."""
    member = next(m for m in page.model.rows if m.full_name == "Lê Văn Cường")
    person = ctx.reader.people.get(member.person_id)
    renamed = PersonInput("Lê Văn Cương", person.sex, "1975", hamlet_id=person.hamlet_id)
    ctx.op(lambda ws: ws.people.update(member.person_id, renamed))
    qtbot.waitUntil(lambda: "Lê Văn Cương" in member_names(page), timeout=5000)
    hamlet = next(h for h in ctx.reader.centre.hamlets() if h.id == person.hamlet_id)
    ctx.op(lambda ws: ws.centre.update_hamlet(hamlet.id, "Thôn Mới", hamlet.kind))
    qtbot.waitUntil(
        lambda: page.model.rows[page.model.row_of(member.id)].hamlet_name == "Thôn Mới",
        timeout=5000,
    )


def test_only_the_newest_search_is_shown(qtbot: QtBot, page: MembersPage) -> None:
    resets: list[list[str]] = []
    page.model.modelReset.connect(lambda: resets.append(member_names(page)))
    # Two reads overlap: the first answer must never reach the screen.
    page.search.setText("cuong")
    page.load_members()
    page.search.setText("duc")
    page.load_members()
    settle(qtbot, page)
    assert resets == [["Hoàng Minh Đức"]]


@pytest.fixture
def empty_ctx(tmp_path: Path, open_context: Callable[..., AppContext]) -> AppContext:
    return open_context(tmp_path / "empty.sqlite3", create=True)


def test_the_demo_fill_shows_on_both_pages_without_a_restart(
    qtbot: QtBot, empty_ctx: AppContext
) -> None:
    members = MembersPage(empty_ctx)
    fund = FundPage(empty_ctx)
    for widget in (members, fund):
        qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not members.busy and not fund.busy, timeout=5000)
    assert members.model.rowCount() == 0 and fund.funds_model.rowCount() == 0
    empty_ctx.task(
        None, "demo", lambda ws, progress: demo.create_demo(ws, people=300, progress=progress)
    )
    qtbot.waitUntil(lambda: fund.funds_model.rowCount() > 0, timeout=30000)
    qtbot.waitUntil(lambda: members.model.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(lambda: not members.busy and not fund.busy, timeout=5000)
    assert len(members.branches) > 0
    assert fund.model.rowCount() > 0
