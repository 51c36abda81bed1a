"""The yearly reports as paper and workbooks: the centre's annual report, the Khuyến học
yearly summary and the Khuyến học month report.

    request = ReportRequest(ANNUAL, 2026)
    prepared = ws.report_documents.prepare(request)   # a reader's snapshot
    ReportDocumentService.render(prepared, out)        # no database: the document pool
    ws.report_documents.record_print(prepared.audit)   # the writer: who printed what

`print_report` does the three in one call, for the command line. The figures come from
`ws.reports` (the annual report) and `ws.khuyen_hoc_report` (the two Khuyến học reports);
this module adds what the paper says about itself (issuing body, number, place and date,
recipients, signer) from the centre's profile, and the lists of the records counted, which
the workbook carries one sheet each. The paper reads in Vietnamese whatever the app's
language, as every official paper does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.annual_report import AnnualReport
from desktop_app.core.problems import N_, Label, UserError
from desktop_app.i18n import vietnamese
from desktop_app.services.annual_report import ReportService
from desktop_app.services.centre import CentreService
from desktop_app.services.fund_documents import PrintAudit
from desktop_app.services.khuyen_hoc_report import KhuyenHocReportService
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.storage.db import read_snapshot

if TYPE_CHECKING:
    from desktop_app.documents.annual_report import ReportHeader

__all__ = [
    "ANNUAL",
    "KHUYEN_HOC",
    "KHUYEN_HOC_MONTH",
    "MAX_NUMBER_CHARS",
    "REPORT_KINDS",
    "PreparedReport",
    "ReportDocumentService",
    "ReportRequest",
    "output_format",
]

ANNUAL = "annual"
KHUYEN_HOC = "khuyen_hoc"
KHUYEN_HOC_MONTH = "khuyen_hoc_month"
REPORT_KINDS = (ANNUAL, KHUYEN_HOC, KHUYEN_HOC_MONTH)

PDF, XLSX = ".pdf", ".xlsx"
WRONG_SUFFIX = N_("Name the file to write {path} with .pdf or .xlsx at the end.")
# "Số: 125/BC-TTHTCĐ" is 15 characters; longer would run into the date on the paper.
MAX_NUMBER_CHARS = 40
LONG_NUMBER = N_("The paper's number is too long: at most {max} characters, e.g. 12/BC-TTHTCĐ.")

# What each paper calls itself, and the number's pattern left for the office to fill in.
_TITLES = {
    ANNUAL: "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG NĂM {year}",
    KHUYEN_HOC: "BÁO CÁO TỔNG KẾT CÔNG TÁC KHUYẾN HỌC NĂM {year}",
    KHUYEN_HOC_MONTH: "BÁO CÁO KẾT QUẢ THÁNG KHUYẾN HỌC NĂM {year}",
}
_NUMBERS = {ANNUAL: "     /BC-TTHTCĐ", KHUYEN_HOC: "     /BC-HKH", KHUYEN_HOC_MONTH: "     /BC-HKH"}


@dataclass(frozen=True)
class ReportRequest:
    """Which report, of which period and centres. `date_from`/`date_to` (the annual report
    only) override the calendar year; `sites` None is this database's own records (at an
    office: every centre)."""

    kind: str
    year: int
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sites: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PreparedReport:
    report: AnnualReport
    header: ReportHeader
    # Trace key -> the records counted, first row the headings (in Vietnamese).
    records: dict[str, list[list[object]]]
    audit: PrintAudit


def _in_vietnamese(row: list[object]) -> list[object]:
    """A record's cells as the workbook writes them: a msgid (a kind, a sex) and a yes/no
    in Vietnamese, the rest as they are."""
    return [
        vietnamese("yes" if v else "no") if isinstance(v, bool)
        else vietnamese(v) if isinstance(v, Label) else v
        for v in row
    ]  # fmt: skip


def _lower_kind(commune: str) -> str:
    for kind in ("Xã ", "Phường ", "Thị trấn ", "Đặc khu "):
        if commune.startswith(kind):
            return kind.lower() + commune[len(kind) :]
    return commune


def output_format(out: Path) -> str:
    """ ".pdf" or ".xlsx" from the file's name; anything else is refused."""
    suffix = out.suffix.lower()
    if suffix not in (PDF, XLSX):
        raise UserError(WRONG_SUFFIX, {"path": str(out)})
    return suffix


class ReportDocumentService:
    def __init__(
        self,
        ops: Ops,
        centre: CentreService,
        reports: ReportService,
        khuyen_hoc: KhuyenHocReportService,
    ) -> None:
        self._ops = ops
        self._centre = centre
        self._reports = reports
        self._khuyen_hoc = khuyen_hoc

    def figures(self, request: ReportRequest) -> AnnualReport:
        """The report's figures (the GUI's page and the CLI's --json)."""
        sites: Sequence[str] | None = request.sites
        if request.kind == ANNUAL:
            return self._reports.annual(
                request.year, date_from=request.date_from, date_to=request.date_to, sites=sites
            )
        if request.date_from is not None or request.date_to is not None:
            raise UserError(
                N_("The Khuyến học reports cover a whole year: give --year without --from/--to.")
            )
        if request.kind == KHUYEN_HOC:
            return self._khuyen_hoc.summary(request.year, sites=sites)
        if request.kind == KHUYEN_HOC_MONTH:
            return self._khuyen_hoc.month_report(request.year, sites=sites)
        raise ValueError(request.kind)

    def figures_json(self, report: AnnualReport) -> dict[str, object]:
        if report.kind == ANNUAL:
            return self._reports.figures_json(report)
        return self._khuyen_hoc.figures_json(report)

    def records(self, key: str, report: AnnualReport) -> list[list[object]]:
        """The records behind a figure; the first row the headings, as msgids."""
        if report.kind == ANNUAL:
            return self._reports.records(key, report)
        return self._khuyen_hoc.records(key, report)

    @staticmethod
    def check_number(number: str) -> str:
        number = " ".join(number.split())
        if len(number) > MAX_NUMBER_CHARS:
            raise UserError(LONG_NUMBER, {"max": MAX_NUMBER_CHARS})
        return number

    @read_snapshot
    def prepare(self, request: ReportRequest, number: str = "") -> PreparedReport:
        number = self.check_number(number)
        report = self.figures(request)
        records: dict[str, list[list[object]]] = {}
        for table in report.tables:
            for _label, figures in table.rows:
                for figure in figures:
                    # One sheet per whole list: a part's figure ("learners|sex=F") links there.
                    key = figure.records.partition("|")[0]
                    if key and key not in records:
                        rows = self.records(key, report)
                        if rows:
                            head: list[object] = [vietnamese(str(h)) for h in rows[0]]
                            records[key] = [head, *map(_in_vietnamese, rows[1:])]
        detail = f"{report.period_from:%d/%m/%Y}-{report.period_to:%d/%m/%Y}"
        if request.sites is not None:
            detail += " sites=" + ",".join(request.sites)
        return PreparedReport(
            report,
            self.header(request.kind, request.year, number),
            records,
            PrintAudit("report.print", "report", request.kind, detail),
        )

    def header(self, kind: str, year: int, number: str = "") -> ReportHeader:
        """What the paper says about itself, from the centre's profile: the centre reports
        to the commune's People's Committee and its upstream office; the Hội to its
        upstream Hội."""
        from desktop_app.documents.annual_report import ReportHeader

        profile = self._centre.profile()
        commune = profile.commune_name
        # "UBND xã Tân Phú": the kind of unit is a common noun inside a sentence.
        committee = f"UBND {_lower_kind(commune)}" if commune else ""
        title = _TITLES[kind].format(year=year)
        if kind == ANNUAL:
            return ReportHeader(
                issuer_parent=f"UBND {commune}" if commune else "",
                issuer=profile.name or "Trung tâm học tập cộng đồng",
                number=number or _NUMBERS[kind],
                place=commune,
                day=dt.date.today(),
                title=title,
                recipients="\n".join(r for r in (committee, profile.upstream_office) if r),
                signer_title="GIÁM ĐỐC",
                signer_name=profile.director,
            )
        signers = self._centre.fund_signers()
        return ReportHeader(
            issuer_parent=signers.parent,
            issuer=signers.unit,
            number=number or _NUMBERS[kind],
            place=commune,
            day=dt.date.today(),
            title=title,
            recipients="\n".join(r for r in (signers.parent, committee) if r),
            signer_title="TM. BAN CHẤP HÀNH\nCHỦ TỊCH",
            signer_name=signers.chair,
        )

    @staticmethod
    def render(prepared: PreparedReport, out: Path) -> int:
        """Write the PDF or the workbook (by the name's suffix); the page count (1 for a
        workbook). No database."""
        from desktop_app.documents.annual_report import render_pdf, render_xlsx

        if output_format(out) == XLSX:
            render_xlsx(
                prepared.report, out, prepared.header, prepared.records, translate=vietnamese
            )
            return 1
        return render_pdf(prepared.report, out, prepared.header, translate=vietnamese)

    def record_print(self, audit: PrintAudit) -> OpResult[None]:
        return self._ops.record_event(audit.name, audit.entity, audit.record_id, audit.detail)

    def print_report(self, request: ReportRequest, out: Path, number: str = "") -> int:
        self.check_number(number)
        output_format(out)
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare(request, number)
        pages = self.render(prepared, out)
        self.record_print(prepared.audit)
        return pages
