"""Cash and bank (issue 9 part 5): each book stays above zero on its own, the mark is sealed in
the chain, and corrections keep the account of what they correct."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.fund import Account, EntryInput, EntryKind
from desktop_app.core.problems import UserError
from desktop_app.services.fund import FundInput, LedgerFilter
from desktop_app.services.workspace import Workspace

YEAR = dt.date.today().year
DAY = dt.date(YEAR, 1, 10) if dt.date.today() >= dt.date(YEAR, 1, 10) else dt.date.today()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "centre.sqlite3"


@pytest.fixture
def ws(path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(path, create=True)
    # The opening balance counts as cash.
    workspace.fund.create(FundInput("Quỹ Khuyến học xã", 1_000_000, dt.date(YEAR - 1, 1, 1)))
    yield workspace
    workspace.close()


def entry(ws: Workspace, kind: EntryKind, amount: int, account: Account) -> EntryInput:
    return EntryInput(
        ws.fund.funds()[0].id, kind, DAY, amount, "Ngân hàng Nông nghiệp", reason="Lãi",
        account=account,
    )  # fmt: skip


def test_a_payment_is_covered_by_the_account_it_leaves_not_by_the_whole_fund(
    ws: Workspace,
) -> None:
    ws.fund.record(entry(ws, EntryKind.INTEREST, 5_000_000, Account.BANK))
    fund = ws.fund.funds()[0].id
    # 6 M in the fund, but only 1 M in cash: a 2 M cash payment would leave the cash book
    # below zero, and a 6 M bank payment the bank book.
    with pytest.raises(UserError) as cash:
        ws.fund.record(entry(ws, EntryKind.EXPENSE, 2_000_000, Account.CASH))
    assert "cash" in cash.value.message
    with pytest.raises(UserError) as bank:
        ws.fund.record(entry(ws, EntryKind.EXPENSE, 6_000_000, Account.BANK))
    assert "bank" in bank.value.message
    ws.fund.record(entry(ws, EntryKind.EXPENSE, 4_000_000, Account.BANK))
    ws.fund.record(entry(ws, EntryKind.EXPENSE, 1_000_000, Account.CASH))
    assert ws.fund.account_balance(fund, Account.BANK, DAY) == 1_000_000
    assert ws.fund.account_balance(fund, Account.CASH, DAY) == 0


def test_voiding_a_bank_receipt_already_spent_is_refused(ws: Workspace) -> None:
    receipt = ws.fund.record(entry(ws, EntryKind.INTEREST, 3_000_000, Account.BANK)).value
    ws.fund.record(entry(ws, EntryKind.EXPENSE, 2_500_000, Account.BANK))
    with pytest.raises(UserError):
        ws.fund.void(receipt.id, "Ghi nhầm", DAY)
    fund = ws.fund.funds()[0].id
    assert ws.fund.account_balance(fund, Account.BANK, DAY) == 500_000
    assert len(ws.fund.entries(LedgerFilter(fund_id=fund))) == 2


def test_moving_an_entry_between_cash_and_bank_by_sql_is_caught(ws: Workspace, path: Path) -> None:
    ws.fund.record(entry(ws, EntryKind.INTEREST, 3_000_000, Account.BANK))
    ws.fund.record(entry(ws, EntryKind.DUES, 200_000, Account.CASH))
    assert ws.fund.verify().ok
    ws.close()
    for sql in (
        "UPDATE ledger_entry SET account = 'cash' WHERE account = 'bank'",
        "UPDATE ledger_entry SET account = 'bank' WHERE kind = 'dues'",
    ):
        conn = sqlite3.connect(path)
        conn.execute("DROP TRIGGER IF EXISTS ledger_no_update")
        with conn:
            conn.execute(sql)
        conn.close()
        with Workspace.open(path, read_only=True) as again:
            report = again.fund.verify()
        assert not report.ok, sql


def test_goods_never_sit_in_the_bank(ws: Workspace) -> None:
    gift = EntryInput(
        ws.fund.funds()[0].id, EntryKind.DONATION_IN_KIND, DAY, 700_000, "Nhà sách",
        reason="Ủng hộ sách", in_kind="Sách", quantity=7, unit="quyển", account=Account.BANK,
    )  # fmt: skip
    row = ws.fund.record(gift).value
    assert row.account is Account.CASH and row.effect == 0
