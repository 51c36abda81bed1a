"""The Khuyến học yearly summary and Month report on the small hand-made centre of
test_annual_report.py: every figure against the values worked out by hand, the same figures
as the annual report where both papers have them, the records behind the counts, the month's
period, the refusals and an empty year."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.annual_report import figures
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.problems import UserError
from desktop_app.services.workspace import Workspace
from tests.services.test_annual_report import TODAY, YEAR, centre

pytestmark = pytest.mark.usefixtures("english")
__all__ = ["centre"]  # the fixture, used by name


def test_the_summary_against_the_truth_table(ws: Workspace, centre: dict[str, str]) -> None:
    report = ws.khuyen_hoc_report.summary(YEAR)
    assert report.kind == "khuyen_hoc" and not report.empty
    assert (report.period_from, report.period_to) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    j = ws.khuyen_hoc_report.figures_json(report)
    # An and Cường are active members of the one branch (Dung left); 150 people live in the
    # hamlets whose population is known.
    assert j["members"] == 2 and j["member_share"] == pytest.approx(2 / 150)
    assert j["branches"] == 1 and j["branch_members"] == {"Chi hội Thôn 1": 2}
    # Cash: opened with 1.000.000, +100.000 in 2025, +540.000 and -250.000 in 2026.
    assert j["fund_receipts"] == 540_000 and j["fund_payments"] == 250_000
    assert j["fund_balance"] == 1_390_000 == ws.fund.balance(centre["fund"], dt.date(2026, 12, 31))
    assert j["fund_per_capita"] == round(1_390_000 / 150)
    assert j["scholarships"] == {"count": 1, "amount": 200_000}
    assert (j["in_kind_value"], j["dues_collected"]) == (3_500_000, 40_000)
    models = j["models"]
    assert isinstance(models, dict)
    assert (models["family"]["registered"], models["family"]["recognised"]) == (1, 0)
    assert (models["citizen"]["registered"], models["citizen"]["recognised"]) == (1, 1)


def test_the_summary_says_what_the_annual_report_says(
    ws: Workspace, centre: dict[str, str]
) -> None:
    summary = {f.key: f.value for f in figures(ws.khuyen_hoc_report.summary(YEAR))}
    annual = {f.key: f.value for f in figures(ws.reports.annual(YEAR))}
    shared = set(summary) & set(annual)
    assert {
        "members", "member_share", "fund_receipts", "fund_payments", "dues_collected",
        "in_kind_value", "scholarships.count", "models.family.registered",
    } <= shared  # fmt: skip
    assert {k: summary[k] for k in shared} == {k: annual[k] for k in shared}


def test_the_records_behind_the_counts(ws: Workspace, centre: dict[str, str]) -> None:
    report = ws.khuyen_hoc_report.summary(YEAR)
    traced = [f for f in figures(report) if f.records and f.unit != "money"]
    assert {f.records for f in traced} >= {"members", "branches", "scholarships"}
    for f in traced:
        rows = ws.khuyen_hoc_report.records(f.records, report)
        assert len(rows) - 1 == f.value, f.key
    assert ws.khuyen_hoc_report.records("branches", report) == [
        ["Branch", "Members"],
        ["Chi hội Thôn 1", 2],
    ]


def test_the_month_report_counts_5_september_to_5_october(
    ws: Workspace, centre: dict[str, str]
) -> None:
    fund = centre["fund"]
    for day, amount in (
        (dt.date(2026, 9, 4), 70_000),
        (dt.date(2026, 9, 15), 250_000),
        (dt.date(2026, 10, 5), 30_000),
        (dt.date(2026, 10, 6), 90_000),
    ):
        entry = EntryInput(fund, EntryKind.DONATION_CASH, day, amount, party_name="Bà Tư",
                           reason="Tháng Khuyến học")  # fmt: skip
        ws.fund.record(entry, TODAY)
    report = ws.khuyen_hoc_report.month_report(YEAR)
    assert report.kind == "khuyen_hoc_month" and not report.empty
    assert (report.period_from, report.period_to) == (dt.date(2026, 9, 5), dt.date(2026, 10, 5))
    j = ws.khuyen_hoc_report.figures_json(report)
    assert j["fund_receipts"] == 250_000 + 30_000
    assert j["fund_payments"] == 0 and j["scholarships"] == {"count": 0, "amount": 0}
    assert j["members_joined"] == 0 and j["members"] == 2
    assert j["classes"] == 0
    # Công dân học tập as the year's tracker says; the month's other lines to fill in.
    assert j["cdht"]["achieved"] == 1  # type: ignore[index]
    assert j["month"] == {"propaganda": None, "commended": None, "lifelong_week": None,
                          "poor_pupils_gifts": None}  # fmt: skip


def test_refusals_and_an_empty_year(ws: Workspace) -> None:
    with pytest.raises(UserError, match="is not a year"):
        ws.khuyen_hoc_report.summary(1800)
    with pytest.raises(UserError):
        ws.khuyen_hoc_report.month_report(YEAR, sites=["no-such-centre"])
    report = ws.khuyen_hoc_report.summary(YEAR)
    assert report.empty
    assert ws.khuyen_hoc_report.figures_json(report)["empty"] is True
