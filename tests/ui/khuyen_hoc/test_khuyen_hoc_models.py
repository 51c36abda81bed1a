"""Every table model of the Members and Fund sections passes Qt's model tester."""

from __future__ import annotations

import datetime as dt

from pytestqt.modeltest import ModelTester

import desktop_app.i18n as i18n
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.services.fund import LedgerFilter
from desktop_app.services.workspace import Workspace
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.models import (
    DuesModel,
    FundLine,
    FundsModel,
    LedgerModel,
    MembersModel,
)


def test_members_model(qtmodeltester: ModelTester, ctx: AppContext) -> None:
    model = MembersModel()
    model.set_rows(ctx.reader.members.members())
    assert model.rowCount() == 4
    qtmodeltester.check(model)


def test_funds_model(qtmodeltester: ModelTester, ctx: AppContext) -> None:
    model = FundsModel()
    fund = ctx.reader.fund.funds()[0]
    model.set_rows([FundLine(fund, 1_250_000)])
    assert model.index(0, 1).data() == "1.250.000"
    qtmodeltester.check(model)
    # An English screen groups digits the English way, as it does its counts of people.
    i18n.set_language("en")
    assert model.index(0, 1).data() == "1,250,000"
    assert i18n.format_int(2002) == "2,002"
    assert i18n.format_percent(12.5) == "12.5 %"
    i18n.set_language("vi")
    assert i18n.format_int(2002) == "2.002"
    assert i18n.format_percent(12.5) == "12,5 %"


def test_ledger_model_with_running_balance_and_a_void(
    qtmodeltester: ModelTester, ctx: AppContext
) -> None:
    fund_id = ctx.reader.fund.funds()[0].id
    today = dt.date.today()
    with Workspace.open(ctx.path) as ws:
        ws.fund.record(
            EntryInput(fund_id, EntryKind.DONATION_CASH, today, 500_000, "A", reason="R")
        )
        paid = ws.fund.record(
            EntryInput(fund_id, EntryKind.EXPENSE, today, 200_000, "B", reason="R")
        )
        ws.fund.void(paid.value.id, "nhầm")
    model = LedgerModel()
    model.set_rows(ctx.reader.fund.entries(LedgerFilter(fund_id)), opening=0)
    assert model.rowCount() == 3
    assert [model.index(r, 7).data() for r in range(3)] == ["500.000", "300.000", "500.000"]
    qtmodeltester.check(model)
    model.set_rows(ctx.reader.fund.entries(LedgerFilter(fund_id)), opening=None)
    assert model.index(0, 7).data() == ""
    qtmodeltester.check(model)


def test_dues_model(qtmodeltester: ModelTester, ctx: AppContext) -> None:
    model = DuesModel()
    model.set_members(ctx.reader.members.members(), 20_000)
    qtmodeltester.check(model)
    model.set_all(True)
    assert model.ticked() == (4, 80_000)
