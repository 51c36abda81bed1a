"""The fund's paper: vouchers, the cash book, the yearly disclosure sheet, donors, cards.

Each document is three steps, so the GUI can run each where it belongs (DESIGN section 2):
`prepare_*` reads the database and returns plain data (the query thread), the static
`render_*` writes the file without touching the database (the document pool), and
`record_print` writes the audit line of a finished print (the writer). The `print_*`
methods do all three in one call, for the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.dates import check_year, place_date_line
from desktop_app.core.fund import KIND_VI, RECEIPT_KINDS, EntryKind
from desktop_app.core.money import amount_in_words
from desktop_app.core.problems import N_, UserError
from desktop_app.services.centre import CentreService
from desktop_app.services.fund import FundService
from desktop_app.services.members import MemberService
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.storage.db import read_snapshot
from desktop_app.storage.fund import EntryRow, LedgerFilter

if TYPE_CHECKING:
    from desktop_app.documents.fund_reports import CashBookLine, DisclosureData, ReportHeader
    from desktop_app.documents.member_cards import MemberCard
    from desktop_app.documents.member_lists import UnpaidMember
    from desktop_app.documents.vouchers import VoucherData

Progress = Callable[[int, int], bool]
Donor = tuple[str, str, dt.date, str, int]


@dataclass(frozen=True)
class PrintAudit:
    """The audit line of one print: written by `record_print` once the file exists."""

    name: str
    entity: str
    record_id: str
    detail: str = ""


@dataclass(frozen=True)
class PreparedVoucher:
    data: VoucherData
    audit: PrintAudit


@dataclass(frozen=True)
class PreparedCashBook:
    header: ReportHeader
    opening: int
    lines: list[CashBookLine]
    audit: PrintAudit


@dataclass(frozen=True)
class PreparedDisclosure:
    data: DisclosureData
    audit: PrintAudit


@dataclass(frozen=True)
class PreparedDonors:
    header: ReportHeader
    donors: list[Donor]
    audit: PrintAudit


@dataclass(frozen=True)
class PreparedUnpaid:
    header: ReportHeader
    members: list[UnpaidMember]
    dues: int | None  # the year's rate per member, None when it is not set
    audit: PrintAudit


@dataclass(frozen=True)
class PreparedCards:
    cards: list[MemberCard]
    audit: PrintAudit


class FundDocumentService:
    def __init__(
        self,
        ops: Ops,
        centre: CentreService,
        fund: FundService,
        members: MemberService,
    ) -> None:
        self._ops = ops
        self._centre = centre
        self._fund = fund
        self._members = members

    def _unit(self) -> tuple[str, str, str]:
        """(parent body, unit, commune) as printed in the top-left block."""
        commune = self._centre.profile().commune_name
        parent = f"UBND {commune}".upper() if commune else ""
        unit = f"HỘI KHUYẾN HỌC {commune}".upper() if commune else "HỘI KHUYẾN HỌC"
        return parent, unit, commune

    def voucher(self, entry: EntryRow) -> VoucherData:
        from desktop_app.documents.vouchers import VoucherData

        parent, unit, commune = self._unit()
        fund = self._fund.get(entry.fund_id)
        note = ""
        if entry.reversed_by:
            reversal = self._fund.entry(entry.reversed_by)
            note = f"Đã hủy bởi phiếu {reversal.voucher}"
        return VoucherData(
            kind="receipt" if entry.book.value == "PT" else "payment",
            unit_parent=parent,
            unit=unit,
            fund_name=fund.name,
            book=fund.book,
            number=entry.voucher,
            day=entry.entry_date,
            party_name=entry.party_name,
            party_address=entry.party_address,
            reason=entry.reason + (f" ({entry.in_kind})" if entry.in_kind else ""),
            amount=entry.amount,
            amount_words=amount_in_words(entry.amount),
            attachments=entry.attachments,
            place_date=place_date_line(commune, entry.entry_date),
            head_name="",
            accountant_name="",
            treasurer_name="",
            preparer_name="",
            note=note,
        )

    @read_snapshot
    def prepare_voucher(self, voucher_number: str, fund_id: str | None = None) -> PreparedVoucher:
        entry = self._fund.find_voucher(voucher_number, fund_id)
        return PreparedVoucher(
            self.voucher(entry), PrintAudit("voucher.print", "voucher", entry.id, entry.voucher)
        )

    @staticmethod
    def render_voucher(prepared: PreparedVoucher, out: Path) -> None:
        """Write the voucher's PDF. No database."""
        from desktop_app.documents.vouchers import render_voucher

        render_voucher(prepared.data, out)

    def print_voucher(self, voucher_number: str, out: Path, fund_id: str | None = None) -> None:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_voucher(voucher_number, fund_id)
        self.render_voucher(prepared, out)
        self.record_print(prepared.audit)

    def record_print(self, audit: PrintAudit) -> OpResult[None]:
        """Who printed what: the audit line of a finished print (changes no row)."""
        return self._ops.record_event(audit.name, audit.entity, audit.record_id, audit.detail)

    def _header(self, title: str, subtitle: str, day: dt.date | None) -> ReportHeader:
        from desktop_app.documents.fund_reports import ReportHeader

        parent, unit, commune = self._unit()
        return ReportHeader(
            unit_parent=parent,
            unit=unit,
            title=title,
            subtitle=subtitle,
            place_date=place_date_line(commune, day or dt.date.today()),
            signers=(("NGƯỜI LẬP BIỂU", ""), ("THỦ QUỸ", ""), ("TM. BAN CHẤP HÀNH", "")),
        )

    def cash_book(
        self, fund_id: str, start: dt.date, end: dt.date
    ) -> tuple[ReportHeader, int, list[CashBookLine]]:
        from desktop_app.documents.fund_reports import CashBookLine

        fund = self._fund.get(fund_id)
        opening = self._fund.balance(fund_id, start - dt.timedelta(days=1))
        balance = opening
        lines: list[CashBookLine] = []
        for e in self._fund.entries(LedgerFilter(fund_id=fund_id, start=start, end=end)):
            balance += e.effect
            receipt = e.effect > 0
            lines.append(
                CashBookLine(
                    day=e.entry_date,
                    receipt_no=e.voucher if e.book.value == "PT" else "",
                    payment_no=e.voucher if e.book.value == "PC" else "",
                    description=f"{e.party_name} - {e.reason}" if e.party_name else e.reason,
                    amount_in=e.effect if receipt else 0,
                    amount_out=-e.effect if not receipt else 0,
                    balance=balance,
                    note="Đã hủy" if e.reversed_by else "",
                )
            )
        header = self._header(
            "SỔ QUỸ TIỀN MẶT",
            f"{fund.name} — từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}",
            None,
        )
        return header, opening, lines

    @read_snapshot
    def prepare_cash_book(self, fund_id: str, start: dt.date, end: dt.date) -> PreparedCashBook:
        header, opening, lines = self.cash_book(fund_id, start, end)
        return PreparedCashBook(
            header, opening, lines, PrintAudit("cash_book.print", "cash_book", fund_id)
        )

    @staticmethod
    def render_cash_book(prepared: PreparedCashBook, out: Path, xlsx: bool = False) -> None:
        """Write the cash book as PDF or xlsx. No database."""
        from desktop_app.documents.fund_reports import render_cash_book
        from desktop_app.documents.fund_xlsx import export_cash_book_xlsx

        if xlsx:
            export_cash_book_xlsx(prepared.header, prepared.opening, prepared.lines, out)
        else:
            render_cash_book(prepared.header, prepared.opening, prepared.lines, out)

    def print_cash_book(
        self, fund_id: str, start: dt.date, end: dt.date, out: Path, xlsx: bool = False
    ) -> None:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_cash_book(fund_id, start, end)
        self.render_cash_book(prepared, out, xlsx)
        self.record_print(prepared.audit)

    def disclosure(self, fund_id: str, year: int) -> DisclosureData:
        from desktop_app.documents.fund_reports import DisclosureData

        check_year(year)
        fund = self._fund.get(fund_id)
        if year < fund.opening_date.year:
            raise UserError(
                N_("The fund opened in {opened}; there is nothing to disclose for {year}."),
                {"opened": fund.opening_date.year, "year": year},
            )
        opening = self._fund.balance(fund_id, dt.date(year - 1, 12, 31))
        closing = self._fund.balance(fund_id, dt.date(year, 12, 31))
        totals = self._fund.totals_by_kind(fund_id, year)
        receipts = [(KIND_VI[k], v) for k, v in totals if k in RECEIPT_KINDS and v]
        payments = [(KIND_VI[k], -v) for k, v in totals if k not in RECEIPT_KINDS and v]
        awards = [
            (e.party_name, e.school, e.grade, e.reason, e.amount)
            for e in self._fund.entries(
                LedgerFilter(
                    fund_id=fund_id,
                    start=dt.date(year, 1, 1),
                    end=dt.date(year, 12, 31),
                    kinds=(EntryKind.SCHOLARSHIP, EntryKind.AWARD),
                )
            )
            if not e.reversed_by
        ]
        header = self._header(
            "BẢNG CÔNG KHAI THU, CHI QUỸ KHUYẾN HỌC", f"{fund.name} — Năm {year}", None
        )
        return DisclosureData(
            header=header,
            year=year,
            opening=opening,
            receipts_by_kind=receipts,
            payments_by_kind=payments,
            awards=awards,
            closing=closing,
            closing_words=amount_in_words(closing) if closing >= 0 else "",
        )

    @read_snapshot
    def prepare_disclosure(self, fund_id: str, year: int) -> PreparedDisclosure:
        return PreparedDisclosure(
            self.disclosure(fund_id, year),
            PrintAudit("disclosure.print", "disclosure", fund_id, str(year)),
        )

    @staticmethod
    def render_disclosure(prepared: PreparedDisclosure, out: Path, xlsx: bool = False) -> int:
        """Write the disclosure sheet; the number of pages (1 for a workbook). No database."""
        from desktop_app.documents.fund_reports import render_disclosure
        from desktop_app.documents.fund_xlsx import export_disclosure_xlsx

        if xlsx:
            export_disclosure_xlsx(prepared.data, out)
            return 1
        return render_disclosure(prepared.data, out)

    def print_disclosure(self, fund_id: str, year: int, out: Path, xlsx: bool = False) -> int:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_disclosure(fund_id, year)
        pages = self.render_disclosure(prepared, out, xlsx)
        self.record_print(prepared.audit)
        return pages

    def donors(self, fund_id: str, year: int) -> list[Donor]:
        check_year(year)
        kinds = (EntryKind.DONATION_CASH, EntryKind.DONATION_IN_KIND)
        rows = self._fund.entries(
            LedgerFilter(fund_id, dt.date(year, 1, 1), dt.date(year, 12, 31), kinds)
        )
        return [
            (e.party_name, e.party_address, e.entry_date, e.in_kind or "Tiền mặt", e.amount)
            for e in rows
            if not e.reversed_by
        ]

    @read_snapshot
    def prepare_donors(self, fund_id: str, year: int) -> PreparedDonors:
        fund = self._fund.get(fund_id)
        header = self._header("DANH SÁCH ỦNG HỘ QUỸ KHUYẾN HỌC", f"{fund.name} — Năm {year}", None)
        return PreparedDonors(
            header,
            self.donors(fund_id, year),
            PrintAudit("donors.print", "donors", fund_id, str(year)),
        )

    @staticmethod
    def render_donors(prepared: PreparedDonors, out: Path, xlsx: bool = False) -> None:
        """Write the donor list as PDF or xlsx. No database."""
        from desktop_app.documents.fund_reports import render_donor_list
        from desktop_app.documents.fund_xlsx import export_donors_xlsx

        if xlsx:
            export_donors_xlsx(prepared.header, prepared.donors, out)
        else:
            render_donor_list(prepared.header, prepared.donors, out)

    def print_donors(self, fund_id: str, year: int, out: Path, xlsx: bool = False) -> None:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_donors(fund_id, year)
        self.render_donors(prepared, out, xlsx)
        self.record_print(prepared.audit)

    def member_cards(self, branch_id: str | None = None) -> list[MemberCard]:
        """The active members' cards of a branch (or all branches), in list order."""
        from desktop_app.core.members import MemberStatus
        from desktop_app.documents.member_cards import MemberCard
        from desktop_app.services.members import MemberFilter

        _, unit, _ = self._unit()
        members = self._members.members(
            MemberFilter(branch_id=branch_id, status=MemberStatus.ACTIVE)
        )
        if not members:
            raise UserError(N_("This branch has no active members; there are no cards to print."))
        return [
            MemberCard(
                association=unit,
                full_name=m.full_name,
                member_number=m.member_number,
                branch=m.branch_name,
                join_year=m.joined_on.year,
            )
            for m in members
        ]

    @read_snapshot
    def prepare_member_cards(self, branch_id: str | None = None) -> PreparedCards:
        cards = self.member_cards(branch_id)
        return PreparedCards(cards, _cards_audit(branch_id, len(cards)))

    @staticmethod
    def render_member_cards(
        cards: list[MemberCard],
        out: Path,
        progress: Progress | None = None,
    ) -> int:
        """Write the sheets of cards. No database: runs on the document pool."""
        from desktop_app.documents.member_cards import render_member_cards

        return render_member_cards(cards, out, progress=progress)

    def print_member_cards(
        self,
        out: Path,
        branch_id: str | None = None,
        progress: Progress | None = None,
    ) -> int:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_member_cards(branch_id)
        pages = self.render_member_cards(prepared.cards, out, progress)
        self.record_print(prepared.audit)
        return pages

    @read_snapshot
    def prepare_unpaid(self, year: int, branch_id: str | None = None) -> PreparedUnpaid:
        """The members who have not paid `year`'s dues (the Members page's unpaid list)."""
        from desktop_app.core.people import Birth
        from desktop_app.documents.member_lists import UnpaidMember

        check_year(year)
        branch = ""
        if branch_id is not None:
            branch = next((b.name for b in self._members.branches() if b.id == branch_id), "")
        rows = self._members.unpaid(year, branch_id)
        rate = self._members.rate(year)
        subtitle = f"{branch} — Năm {year}" if branch else f"Năm {year}"
        header = self._header("DANH SÁCH HỘI VIÊN CHƯA ĐÓNG HỘI PHÍ", subtitle, None)
        members = [
            UnpaidMember(
                m.member_number,
                m.full_name,
                Birth.from_iso(m.birth).display() if m.birth else "",
                m.branch_name,
                m.hamlet_name,
            )
            for m in rows
        ]
        audit = PrintAudit("unpaid.print", "unpaid", branch_id or "all", str(year))
        return PreparedUnpaid(header, members, rate.amount if rate else None, audit)

    @staticmethod
    def render_unpaid(prepared: PreparedUnpaid, out: Path, xlsx: bool = False) -> None:
        """Write the unpaid list as PDF or xlsx. No database."""
        from desktop_app.documents.member_lists import export_unpaid_xlsx, render_unpaid_list

        if xlsx:
            export_unpaid_xlsx(prepared.header, prepared.members, prepared.dues, out)
        else:
            render_unpaid_list(prepared.header, prepared.members, prepared.dues, out)

    def print_unpaid(
        self, year: int, out: Path, branch_id: str | None = None, xlsx: bool = False
    ) -> PreparedUnpaid:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_unpaid(year, branch_id)
        self.render_unpaid(prepared, out, xlsx)
        self.record_print(prepared.audit)
        return prepared


def _cards_audit(branch_id: str | None, cards: int) -> PrintAudit:
    return PrintAudit("member_cards.print", "member_cards", branch_id or "all", f"cards={cards}")
