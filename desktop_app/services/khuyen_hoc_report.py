"""The Hội Khuyến học's two reports, as figures: the yearly summary and the Khuyến học
Month report (seed 004: the month runs 5 September to 5 October; its report is due 6
October).

    report = ws.khuyen_hoc_report.summary(2026)
    report = ws.khuyen_hoc_report.month_report(2026)
    ws.khuyen_hoc_report.figures_json(report)

Every table the centre's annual report also has comes from `ws.reports` (the same figures
under the same keys, so the two papers never disagree): members and their share, the fund's
receipts, payments, scholarships, dues and gifts in kind, the learning models, Công dân học
tập. This module adds what only the Hội reports: its branches, the funds' balance and the
amount per inhabitant, the members who joined in the month, and the month's lines the
records cannot answer, left to be filled by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop_app.core.annual_report import AnnualReport, Figure, ReportTable, report_json
from desktop_app.core.dates import check_year
from desktop_app.core.problems import N_
from desktop_app.services.annual_report import ReportService
from desktop_app.services.fund import FundService
from desktop_app.services.members import MemberService
from desktop_app.services.people import PeopleService

__all__ = ["MONTH_END", "MONTH_START", "KhuyenHocReportService"]

# Tháng Khuyến học: 05/9 to 05/10 (seed 004, and every year since the Hội's 2012 call).
MONTH_START = (9, 5)
MONTH_END = (10, 5)

_MONTH_BY_HAND = (
    ("month.propaganda", N_("Propaganda activities held (meetings, broadcasts, banners)")),
    ("month.commended", N_("Exemplary people and groups commended")),
    ("month.lifelong_week", N_("Activities of the Lifelong Learning Week")),
    ("month.poor_pupils_gifts", N_("Gifts to poor pupils at the start of the school year")),
)


def _share(part: int, whole: int | None) -> float | None:
    return 100 * part / whole if whole else None


class KhuyenHocReportService:
    def __init__(
        self,
        people: PeopleService,
        members: MemberService,
        fund: FundService,
        reports: ReportService,
    ) -> None:
        self._people = people
        self._members = members
        self._fund = fund
        self._reports = reports

    def summary(self, year: int, *, sites: Sequence[str] | None = None) -> AnnualReport:
        """The Khuyến học yearly summary of `year` (1/1–31/12)."""
        check_year(year)
        sites = list(sites) if sites is not None else None
        self._people.check_centres(sites)
        period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        members = self._reports.members_table(sites)
        fund_tables, fund_activity = self._reports.fund_of(period, sites)
        branches = self._branches_table(sites)
        tables = [
            members,
            branches,
            self._balance_table(period[1], sites, members),
            *fund_tables,
            self._reports.models_table(year, sites),
        ]
        return self._report("khuyen_hoc", period, sites, tables, fund_activity)

    def month_report(self, year: int, *, sites: Sequence[str] | None = None) -> AnnualReport:
        """The Khuyến học Month report of `year` (5/9–5/10)."""
        check_year(year)
        sites = list(sites) if sites is not None else None
        self._people.check_centres(sites)
        period = (dt.date(year, *MONTH_START), dt.date(year, *MONTH_END))
        members = self._reports.members_table(sites)
        joined = self._reports.joined_in(period, sites)
        joined_label = N_("Members who joined during the month")
        fund_tables, fund_activity = self._reports.fund_of(period, sites)
        classes, held = self._reports.classes_of(period, sites)
        tables = [
            *fund_tables,
            ReportTable(
                "members_month",
                N_("Members during the month"),
                (N_("Count"),),
                ((joined_label, (Figure("members_joined", joined_label, joined),)),),
            ),
            members,
            self._reports.citizen_table(year, sites),
            classes,
            ReportTable(
                "month_by_hand",
                N_("Other activities of the month (to be filled by hand)"),
                (N_("Count"),),
                tuple((label, (Figure(key, label, None),)) for key, label in _MONTH_BY_HAND),
            ),
        ]
        return self._report(
            "khuyen_hoc_month", period, sites, tables, fund_activity or bool(joined or held)
        )

    def _report(
        self,
        kind: str,
        period: tuple[dt.date, dt.date],
        sites: list[str] | None,
        tables: list[ReportTable],
        activity: bool,
    ) -> AnnualReport:
        members = next(
            f.value
            for t in tables
            if t.key == "members"
            for _label, figures in t.rows
            for f in figures
            if f.key == "members"
        )
        covered, site_dates = self._reports.site_dates(sites)
        return AnnualReport(
            kind=kind,
            period_from=period[0],
            period_to=period[1],
            sites=covered,
            site_dates=site_dates,
            tables=tuple(tables),
            empty=not (activity or members),
            site_filter=tuple(sites) if sites is not None else None,
        )

    def _branches_table(self, sites: Sequence[str] | None) -> ReportTable:
        branches = self._members.branches(sites)
        rows = [
            (b.name, (Figure(f"branch_members.{b.name}", b.name, b.members),)) for b in branches
        ]
        label = N_("Branches (chi hội)")
        rows.append((label, (Figure("branches", label, len(branches), records="branches"),)))
        return ReportTable(
            "branches", N_("Branches and their members"), (N_("Members"),), tuple(rows)
        )

    def _balance_table(
        self, at: dt.date, sites: Sequence[str] | None, members: ReportTable
    ) -> ReportTable:
        """The funds' money at the year's end, and per inhabitant of the hamlets."""
        chosen = set(sites) if sites is not None else None
        balance = sum(
            self._fund.balance(f.id, at)
            for f in self._fund.funds()
            if f.opening_date <= at and (chosen is None or f.owner_site in chosen)
        )
        population = next(
            f.value
            for _l, figures in members.rows
            for f in figures
            if f.key == "commune_population"
        )
        per_capita = round(balance / population) if population else None
        label = N_("Balance of the funds at the end of the period")
        head = N_("Per inhabitant")
        return ReportTable(
            "fund_balance",
            N_("The Khuyến học fund"),
            (N_("Amount"),),
            (
                (label, (Figure("fund_balance", label, balance, "money"),)),
                (head, (Figure("fund_per_capita", head, per_capita, "money"),)),
            ),
        )

    @staticmethod
    def figures_json(report: AnnualReport) -> dict[str, object]:
        return report_json(report)

    def records(self, key: str, report: AnnualReport) -> list[list[object]]:
        """As `ws.reports.records`, and "branches": the Hội's branches with their members."""
        if key == "branches":
            sites = list(report.site_filter) if report.site_filter is not None else None
            return [
                [N_("Branch"), N_("Members")],
                *([b.name, b.members] for b in self._members.branches(sites)),
            ]
        return self._reports.records(key, report)
