"""Gifts in kind (issue 9 part 1): their own books (NK receipts, XK issues), never cash; old
in-kind cash receipts reclassified by appending, the sealed chain intact throughout."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.fund import (
    Book,
    EntryInput,
    EntryKind,
    GoodsIssueInput,
    issue_value,
)
from desktop_app.core.problems import UserError
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace

YEAR = dt.date.today().year
DAY = dt.date(YEAR, 1, 10) if dt.date.today() >= dt.date(YEAR, 1, 10) else dt.date.today()
OldInKind = Callable[..., object]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace.open(tmp_path / "centre.sqlite3", create=True)
    workspace.fund.create(FundInput("Quỹ Khuyến học xã", 1_000_000, dt.date(YEAR - 1, 1, 1)))
    yield workspace
    workspace.close()


def fund_id(ws: Workspace) -> str:
    return ws.fund.funds()[0].id


def books(ws: Workspace, quantity: int = 28, value: int = 3_500_000) -> EntryInput:
    return EntryInput(
        fund_id(ws), EntryKind.DONATION_IN_KIND, DAY, value, "Nhà sách Minh Khai",
        reason="Ủng hộ sách cho học sinh", in_kind="Sách giáo khoa lớp 4", quantity=quantity,
        unit="bộ",
    )  # fmt: skip


def issue(ws: Workspace, lot: str, quantity: int, to: str = "Học sinh lớp 4A") -> GoodsIssueInput:
    return GoodsIssueInput(fund_id(ws), lot, quantity, to, DAY, "Tặng học sinh nghèo")


def test_a_gift_in_kind_is_a_goods_receipt_never_cash(ws: Workspace) -> None:
    fund = fund_id(ws)
    first = ws.fund.record(books(ws), DAY).value
    second = ws.fund.record(books(ws, 5, 500_000), DAY).value
    assert (first.voucher, second.voucher) == (f"NK-0001/{YEAR}", f"NK-0002/{YEAR}")
    assert (first.book, first.effect, first.amount) == (Book.GOODS_IN, 0, 3_500_000)
    assert (first.quantity, first.unit, first.in_kind) == (28, "bộ", "Sách giáo khoa lớp 4")
    # The cash balance and the cash book's numbering are untouched.
    assert ws.fund.balance(fund) == 1_000_000
    cash = ws.fund.record(
        EntryInput(fund, EntryKind.DONATION_CASH, DAY, 200_000, "Ông An", reason="Ủng hộ"), DAY
    ).value
    assert cash.voucher == f"PT-0001/{YEAR}"
    assert ws.fund.goods_value(fund) == 4_000_000
    assert ws.fund.verify().ok


def test_a_gift_in_kind_needs_goods_quantity_and_unit(ws: Workspace) -> None:
    bare = EntryInput(fund_id(ws), EntryKind.DONATION_IN_KIND, DAY, 0, "Nhà sách", reason="x")
    with pytest.raises(UserError) as caught:
        ws.fund.record(bare, DAY)
    fields = {p.field for p in caught.value.problems}
    assert {"in_kind", "quantity", "unit", "amount"} <= fields
    assert ws.fund.goods_lots(fund_id(ws)) == []


def test_goods_are_handed_out_never_more_than_is_left(ws: Workspace) -> None:
    fund = fund_id(ws)
    lot = ws.fund.record(books(ws), DAY).value
    out = ws.fund.goods_issue(issue(ws, lot.id, 10, "Nguyễn Văn An; Trần Thị Bích"), DAY).value
    assert (out.voucher, out.book, out.effect, out.quantity) == (
        f"XK-0001/{YEAR}",
        Book.GOODS_OUT,
        0,
        10,
    )
    assert out.source_id == lot.id and out.party_name == "Nguyễn Văn An; Trần Thị Bích"
    with pytest.raises(UserError) as caught:
        ws.fund.goods_issue(issue(ws, lot.id, 19), DAY)
    assert "Only 18 bộ" in str(caught.value) or caught.value.params["left"] == 18
    assert [lot.left for lot in ws.fund.goods_lots(fund)] == [18]
    last = ws.fund.goods_issue(issue(ws, lot.id, 18), DAY).value
    # Shares of a lot's valuation add up to it exactly.
    assert out.amount + last.amount == 3_500_000
    assert ws.fund.goods_value(fund) == 0
    assert ws.fund.balance(fund) == 1_000_000
    assert ws.fund.verify().ok


def test_issue_value_shares_add_up() -> None:
    shares = [issue_value(1_000, 1, 3, i) for i in range(3)]
    assert sum(shares) == 1_000 and max(shares) - min(shares) <= 1


def test_voiding_goods_receipt_with_issues_is_refused_and_voiding_an_issue_restores(
    ws: Workspace,
) -> None:
    lot = ws.fund.record(books(ws), DAY).value
    out = ws.fund.goods_issue(issue(ws, lot.id, 10), DAY).value
    with pytest.raises(UserError) as caught:
        ws.fund.void(lot.id, "Ghi nhầm", DAY)
    assert out.voucher in str(caught.value.params)
    reversal = ws.fund.void(out.id, "Ghi nhầm số lượng", DAY).value
    assert (reversal.book, reversal.voucher, reversal.effect) == (
        Book.GOODS_OUT,
        f"XK-0002/{YEAR}",
        0,
    )
    assert [x.left for x in ws.fund.goods_lots(fund_id(ws))] == [28]
    ws.fund.void(lot.id, "Ghi nhầm", DAY)
    assert ws.fund.goods_lots(fund_id(ws)) == []
    assert ws.fund.verify().ok


def test_a_goods_record_changed_by_hand_is_caught(ws: Workspace, tmp_path: Path) -> None:
    ws.fund.record(books(ws), DAY)
    conn = sqlite3.connect(tmp_path / "centre.sqlite3")
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("UPDATE ledger_entry SET quantity = 40 WHERE book = 'NK'")
    conn.commit()
    conn.close()
    report = ws.fund.verify()
    assert not report.ok
    assert report.problems[0].params["voucher"] == f"NK-0001/{YEAR}"


def test_old_in_kind_cash_receipts_are_reclassified_by_appending(
    ws: Workspace, old_in_kind: OldInKind
) -> None:
    fund = fund_id(ws)
    old = old_in_kind(ws, fund, DAY, 7_000_000, "Dòng họ Lê", "28 bộ sách giáo khoa")
    plain = old_in_kind(ws, fund, DAY, 1_500_000, "Bà Hoa", "Gạo")
    assert ws.fund.balance(fund) == 9_500_000  # the old way: goods counted as cash
    assert [e.voucher for e in ws.fund.cash_in_kind(fund)] == [old.voucher, plain.voucher]
    before = ws.db.conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0]

    moved = ws.fund.reclassify_in_kind(fund).value

    assert [(o.voucher, r.voucher, g.voucher) for o, r, g in moved] == [
        (f"PT-0001/{YEAR}", f"PT-0003/{YEAR}", f"NK-0001/{YEAR}"),
        (f"PT-0002/{YEAR}", f"PT-0004/{YEAR}", f"NK-0002/{YEAR}"),
    ]
    _, reversal, goods = moved[0]
    assert reversal.kind is EntryKind.REVERSAL and reversal.reverses == old.id
    assert reversal.entry_date == DAY  # in the year of the mistake, while it is open
    assert (goods.quantity, goods.unit, goods.in_kind, goods.amount) == (
        28, "bộ", "sách giáo khoa", 7_000_000,
    )  # fmt: skip
    assert goods.source_id == old.id and goods.party_name == "Dòng họ Lê"
    assert (moved[1][2].quantity, moved[1][2].unit, moved[1][2].in_kind) == (1, "lô", "Gạo")
    # Appended only: every old row is still there, unchanged, and the chain verifies.
    assert ws.db.conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0] == before + 4
    assert ws.fund.entry(old.id).hash == old.hash
    assert ws.fund.balance(fund) == 1_000_000
    assert ws.fund.goods_value(fund) == 8_500_000
    assert ws.fund.verify().ok
    assert ws.fund.cash_in_kind(fund) == []
    assert ws.fund.reclassify_in_kind(fund).value == []


def test_an_old_database_upgraded_reclassifies_its_textbook_gifts(tmp_path: Path) -> None:
    """A file of an earlier release, whose demo recorded textbook sets as cash receipts:
    after the upgrade the chain verifies, the gifts move to the goods book by appending, and
    it still verifies."""
    import shutil

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parents[1] / "storage/data/schema-0004-many-sites.sqlite3", path)
    with Workspace.open(path) as ws:
        assert ws.fund.verify().ok
        fund = ws.fund.funds()[0].id
        old = ws.fund.cash_in_kind(fund)
        assert old and all(e.book is Book.RECEIPT for e in old)
        cash, value = ws.fund.balance(fund), sum(e.amount for e in old)
        moved = ws.fund.reclassify_in_kind(fund).value
        assert [o.id for o, _r, _g in moved] == [e.id for e in old]
        assert all(g.voucher.startswith("NK-") and g.unit == "bộ" for _o, _r, g in moved)
        assert ws.fund.balance(fund) == cash - value
        assert ws.fund.goods_value(fund) == value
        report = ws.fund.verify()
        assert report.ok and report.seal_checked


def test_a_void_of_goods_counts_from_its_own_date_not_back_in_time(
    ws: Workspace, tmp_path: Path
) -> None:
    """Goods received and handed out last year, the handing out voided this year: last year's
    figures (closed and disclosed) stay as they were; this year's sheet shows the void."""
    fund = fund_id(ws)
    last_year = dt.date(YEAR - 1, 3, 2)
    lot = ws.fund.record(
        dataclasses.replace(books(ws), entry_date=last_year), dt.date(YEAR - 1, 12, 31)
    ).value
    issue = ws.fund.goods_issue(
        GoodsIssueInput(fund, lot.id, 8, "Học sinh lớp 4A", dt.date(YEAR - 1, 9, 5)),
        dt.date(YEAR - 1, 12, 31),
    ).value
    ws.fund.close_year(fund, YEAR - 1)
    before = ws.fund_documents.disclosure(fund, YEAR - 1).goods
    ws.fund.void(issue.id, "Ghi nhầm số lượng", DAY)
    assert ws.fund_documents.disclosure(fund, YEAR - 1).goods == before
    assert ws.fund.goods_value(fund, dt.date(YEAR - 1, 12, 31)) == before.closing
    now = ws.fund_documents.disclosure(fund, YEAR).goods
    assert now.opening == before.closing
    assert now.closing == 3_500_000  # all 28 sets back on hand
    assert [(qty, value) for *_rest, qty, _unit, value in now.issued] == [(-8, -issue.amount)]
    # The sheet adds up (its own check) and prints.
    ws.fund_documents.print_disclosure(fund, YEAR, tmp_path / "d.pdf")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "d.pdf"), "-"], check=True,
        capture_output=True,
    ).stdout.decode("utf-8")  # fmt: skip
    assert "Hủy XK-" in " ".join(text.split())


def test_goods_text_longer_than_a_record_holds_is_refused(ws: Workspace) -> None:
    with pytest.raises(UserError):
        ws.fund.record(dataclasses.replace(books(ws), unit="bộ " * 20))
    lot = ws.fund.record(books(ws)).value
    fund = fund_id(ws)
    for data in (
        GoodsIssueInput(fund, lot.id, 1, "; ".join(["Nguyễn Văn An"] * 200), DAY),
        GoodsIssueInput(fund, lot.id, 1, "Lê Văn Cường", DAY, reason="x" * 400),
    ):
        with pytest.raises(UserError):
            ws.fund.goods_issue(data)
    assert [lot.left for lot in ws.fund.goods_lots(fund)] == [28]


def test_the_disclosure_of_a_year_not_over_takes_an_entry_dated_tomorrow(
    ws: Workspace, tmp_path: Path
) -> None:
    today = dt.date(YEAR, 6, 10)
    fund = fund_id(ws)
    ws.fund.record(
        EntryInput(fund, EntryKind.DONATION_CASH, today + dt.timedelta(days=1), 700_000, "An",
                   reason="Ủng hộ"),
        today,
    )  # fmt: skip
    data = ws.fund_documents.disclosure(fund, YEAR, today)
    assert data.as_of == today + dt.timedelta(days=1)
    assert data.closing == 1_700_000
    assert sum(a for _, a in data.receipts_by_kind) == 700_000
