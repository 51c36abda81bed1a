"""The fund's paper: vouchers, the cash book, the yearly disclosure sheet, donors, cards.

Each document is three steps, so the GUI can run each where it belongs (DESIGN section 2):
`prepare_*` reads the database and returns plain data (the query thread), the static
`render_*` writes the file without touching the database (the document pool), and
`record_print` writes the audit line of a finished print (the writer). The `print_*`
methods do all three in one call, for the command line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.dates import check_year, place_date_line
from desktop_app.core.fund import (
    CASH_BOOKS,
    KIND_VI,
    RECEIPT_KINDS,
    RECIPIENT_KINDS,
    Account,
    Book,
    EntryKind,
    is_minor,
)
from desktop_app.core.money import amount_in_words, format_amount
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import fold
from desktop_app.core.voucher_forms import voucher_form
from desktop_app.services.centre import CentreService
from desktop_app.services.fund import FundService
from desktop_app.services.members import MemberService
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.storage.db import read_snapshot
from desktop_app.storage.fund import EntryRow, LedgerFilter

if TYPE_CHECKING:
    from desktop_app.documents.fund_records import RecordData
    from desktop_app.documents.fund_reports import (
        CashBookLine,
        DisclosureData,
        GoodsDonor,
        GoodsYear,
        ReportHeader,
    )
    from desktop_app.documents.member_cards import MemberCard
    from desktop_app.documents.member_lists import UnpaidMember
    from desktop_app.documents.vouchers import VoucherData

Progress = Callable[[int, int], bool]
Donor = tuple[str, str, dt.date, str, int]
# The disclosure's number when none is given: the office writes it in by hand.
DISCLOSURE_NUMBER_BLANK = "……/BC-HKH"


@dataclass(frozen=True)
class PrintAudit:
    """The audit line of one print: written by `record_print` once the file exists."""

    name: str
    entity: str
    record_id: str
    detail: str = ""


@dataclass(frozen=True)
class PreparedVoucher:
    """A cash voucher (VoucherData), or the record of goods or of a cancellation
    (RecordData): whatever the entry's paper is."""

    data: VoucherData | RecordData
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
    goods: list[GoodsDonor] = field(default_factory=list)


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

    def _speaking_for(self, fund_id: str) -> contextlib.AbstractContextManager[None]:
        """A fund's papers name the centre that owns the fund (at an office, one of its
        centres: the profile that centre sent)."""
        return self._centre.speaking_for(self._fund.get(fund_id).owner_site)

    def _unit(self) -> tuple[str, str, str]:
        """(parent body, unit, commune) as printed in the top-left block: the Hội Khuyến học
        answers to the Hội above it, not to the commune's People's Committee."""
        s = self._centre.fund_signers()
        return s.parent.upper(), s.unit.upper(), s.commune

    def _recipient(self, entry: EntryRow) -> tuple[str, bool]:
        """(the pupil's name, whether the party receives for them as parent or guardian)."""
        if entry.kind not in RECIPIENT_KINDS or entry.person_id is None:
            return "", False
        pupil = self._fund.recipient(entry)
        if pupil is None:
            return "", False
        minor = pupil.birth is not None and is_minor(
            pupil.birth.year, pupil.birth.month, pupil.birth.day, entry.entry_date
        )
        return pupil.full_name, minor and fold(pupil.full_name) != fold(entry.party_name)

    def voucher(self, entry: EntryRow) -> VoucherData:
        from desktop_app.documents.vouchers import VoucherData

        parent, unit, commune = self._unit()
        signers = self._centre.fund_signers()
        pupil, guardian = self._recipient(entry)
        fund = self._fund.get(entry.fund_id)
        note = ""
        void_mark: tuple[str, ...] = ()
        if entry.reversed_by:
            reversal = self._fund.entry(entry.reversed_by)
            why = _void_reason(reversal)
            note = f"Phiếu này đã bị hủy bởi {reversal.voucher} ngày {reversal.entry_date:%d/%m/%Y}"
            note += f". Lý do: {why}" if why else ""
            void_mark = ("ĐÃ HỦY", f"bởi {reversal.voucher}")
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
            head_name=signers.head,
            accountant_name=signers.accountant,
            treasurer_name=signers.treasurer,
            preparer_name="",
            note=note,
            form_key=signers.form,
            pupil=pupil,
            school=entry.school if pupil else "",
            grade=entry.grade if pupil else "",
            guardian=guardian,
            void_mark=void_mark,
        )

    def record(self, entry: EntryRow) -> RecordData:
        """The paper of a goods receipt (NK), a goods issue (XK) or a reversal: never a
        phiếu thu or phiếu chi."""
        if entry.kind is EntryKind.REVERSAL:
            return self._cancellation_record(entry)
        if entry.book is Book.GOODS_IN:
            return self._goods_in_record(entry)
        return self._goods_out_record(entry)

    def _record_header(
        self, entry: EntryRow, title: str, signers: tuple[tuple[str, str], ...]
    ) -> ReportHeader:
        from desktop_app.documents.fund_reports import ReportHeader

        parent, unit, commune = self._unit()
        return ReportHeader(
            unit_parent=parent,
            unit=unit,
            title=title,
            subtitle=self._fund.get(entry.fund_id).name,
            place_date=place_date_line(commune, entry.entry_date),
            signers=signers,
        )

    def _void_mark(self, entry: EntryRow) -> tuple[str, ...]:
        """The stamp of a voided record: ĐÃ HỦY, by which reversal and when, and why."""
        if not entry.reversed_by:
            return ()
        reversal = self._fund.entry(entry.reversed_by)
        why = _void_reason(reversal)
        return (
            "ĐÃ HỦY",
            f"Hủy bởi {reversal.voucher} ngày {reversal.entry_date:%d/%m/%Y}",
            *((f"Lý do: {why}",) if why else ()),
        )

    def _cancellation_record(self, entry: EntryRow) -> RecordData:
        from desktop_app.documents.fund_records import RecordData

        original = self._fund.entry(entry.reverses or "")
        paper, role = _PAPER_AND_PARTY[original.book]
        day = f"{entry.entry_date:%d/%m/%Y}"
        facts: list[tuple[str, str]] = [
            ("Chứng từ bị hủy", f"{paper} số {original.voucher} ngày "
             f"{original.entry_date:%d/%m/%Y}"),
            (role, original.party_name),
            ("Nội dung của chứng từ bị hủy", original.reason),
        ]  # fmt: skip
        if original.is_goods:
            facts.append(("Hiện vật", f"{original.quantity} {original.unit} {original.in_kind}"))
        facts += [
            ("Giá trị" if original.is_goods else "Số tiền của chứng từ bị hủy",
             f"{format_amount(original.amount)} đồng ({amount_in_words(original.amount)})"),
            ("Lý do hủy", _void_reason(entry)),
        ]  # fmt: skip
        closing = (
            f"Chứng từ trên hết hiệu lực kể từ ngày {day} (số {entry.voucher})."
            if original.is_goods
            else f"Số tiền trên được ghi giảm (ghi âm) trong sổ quỹ tiền mặt ngày {day}, "
            f"số {entry.voucher}; đây không phải một khoản thu, chi mới."
        )
        names = self._centre.fund_signers()
        signers = (
            ("NGƯỜI LẬP", ""),
            ("KẾ TOÁN", names.accountant),
            ("TM. BAN CHẤP HÀNH", names.chair),
        )
        return RecordData(
            kind="cancellation",
            number=entry.voucher,
            header=self._record_header(entry, "BIÊN BẢN HỦY CHỨNG TỪ", signers),
            facts=tuple(facts),
            closing=(closing,),
            mark=self._void_mark(entry),
        )

    def _goods_in_record(self, entry: EntryRow) -> RecordData:
        from desktop_app.documents.fund_records import GoodsLine, RecordData

        _, _, commune = self._unit()
        fund = self._fund.get(entry.fund_id)
        facts = [
            ("Ngày nhận", f"{entry.entry_date:%d/%m/%Y}"),
            ("Bên giao (người, đơn vị ủng hộ)", entry.party_name),
        ]
        if entry.party_address:
            facts.append(("Địa chỉ", entry.party_address))
        receiver = " ".join(f"Hội Khuyến học {_lower_first(commune)}".split())
        facts += [("Bên nhận", f"{receiver} — {fund.name}"), ("Nội dung", entry.reason)]
        if entry.source_id:
            old = self._fund.entry(entry.source_id)
            facts.append(
                ("Ghi chú", f"Chuyển từ phiếu thu {old.voucher} (hiện vật ghi nhầm vào sổ quỹ "
                 "tiền mặt)")
            )  # fmt: skip
        names = self._centre.fund_signers()
        signers = (
            ("NGƯỜI GIAO", entry.party_name),
            ("NGƯỜI NHẬN\n(THỦ QUỸ)", names.treasurer),
            ("TM. BAN CHẤP HÀNH", names.chair),
        )
        return RecordData(
            kind="goods_in",
            number=entry.voucher,
            header=self._record_header(entry, "BIÊN BẢN NHẬN HIỆN VẬT", signers),
            facts=tuple(facts),
            goods=(GoodsLine(entry.in_kind, entry.unit, entry.quantity, entry.amount),),
            value=entry.amount,
            value_words=amount_in_words(entry.amount),
            closing=("Hiện vật nhận được ghi vào sổ hiện vật, không ghi vào quỹ tiền mặt.",),
            mark=self._void_mark(entry),
        )

    def _goods_out_record(self, entry: EntryRow) -> RecordData:
        from desktop_app.documents.fund_records import GoodsLine, RecordData

        source = self._fund.entry(entry.source_id or "")
        people = tuple(p.strip() for p in entry.party_name.split(";") if p.strip())
        names = self._centre.fund_signers()
        signers = (
            ("NGƯỜI GIAO\n(THỦ QUỸ)", names.treasurer),
            ("NGƯỜI NHẬN", people[0] if len(people) == 1 else ""),
            ("TM. BAN CHẤP HÀNH", names.chair),
        )
        given = f"{source.voucher} ngày {source.entry_date:%d/%m/%Y}, do {source.party_name} ủng hộ"
        return RecordData(
            kind="goods_out",
            number=entry.voucher,
            header=self._record_header(entry, "BIÊN BẢN BÀN GIAO HIỆN VẬT", signers),
            facts=(
                ("Ngày bàn giao", f"{entry.entry_date:%d/%m/%Y}"),
                ("Hiện vật của", given),
                ("Nội dung", entry.reason),
                ("Người nhận", ", ".join(people)),
            ),
            goods=(GoodsLine(entry.in_kind, entry.unit, entry.quantity, entry.amount),),
            value=entry.amount,
            value_words=amount_in_words(entry.amount) if entry.amount else "",
            # Several people sign one by one for what they got; one signs in the row below.
            people=people if len(people) > 1 else (),
            mark=self._void_mark(entry),
        )

    @read_snapshot
    def prepare_voucher(self, voucher_number: str, fund_id: str | None = None) -> PreparedVoucher:
        entry = self._fund.find_voucher(voucher_number, fund_id)
        with self._centre.speaking_for(self._fund.get(entry.fund_id).owner_site):
            paper = (
                self.record(entry)
                if entry.is_goods or entry.kind is EntryKind.REVERSAL
                else self.voucher(entry)
            )
        return PreparedVoucher(
            paper, PrintAudit("voucher.print", "voucher", entry.id, entry.voucher)
        )

    @staticmethod
    def render_voucher(prepared: PreparedVoucher, out: Path) -> None:
        """Write the voucher's (or record's) PDF. No database."""
        from desktop_app.documents.fund_records import RecordData, render_record
        from desktop_app.documents.vouchers import VoucherTooLong, render_voucher

        if isinstance(prepared.data, RecordData):
            render_record(prepared.data, out)
            return
        try:
            render_voucher(prepared.data, out)
        except VoucherTooLong as exc:
            # Only an entry saved before the limits (core.fund.MAX_REASON...) gets here.
            raise UserError(
                N_(
                    "The text of {voucher} is too long for one voucher page. Void it and record "
                    "it again with a shorter reason."
                ),
                {"voucher": prepared.data.number},
            ) from exc

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
        s = self._centre.fund_signers()
        return ReportHeader(
            unit_parent=parent,
            unit=unit,
            title=title,
            subtitle=subtitle,
            place_date=place_date_line(commune, day or dt.date.today()),
            signers=(
                ("NGƯỜI LẬP BIỂU", s.accountant),
                ("THỦ QUỸ", s.treasurer),
                ("TM. BAN CHẤP HÀNH\nCHỦ TỊCH", s.chair),
            ),
        )

    def _book_header(
        self, account: Account, fund_name: str, opened: dt.date, start: dt.date, end: dt.date
    ) -> ReportHeader:
        """A book's header: its form code, and the signers an accounting book has."""
        s = self._centre.fund_signers()
        form = voucher_form(s.form)
        cash = account is Account.CASH
        code = form.cash_book_code if cash else form.bank_book_code
        header = self._header(
            "SỔ QUỸ TIỀN MẶT" if cash else "SỔ TIỀN GỬI NGÂN HÀNG",
            f"{fund_name} — từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}",
            None,
        )
        return dataclasses.replace(
            header,
            signers=(
                ("NGƯỜI GHI SỔ", s.treasurer if cash else s.accountant),
                (form.accountant_title.upper(), s.accountant),
                (form.head_title.upper(), s.head),
            ),
            form_code=(code, *form.basis) if code else (),
            opened_on=opened,
        )

    def cash_book(
        self, fund_id: str, start: dt.date, end: dt.date, account: Account = Account.CASH
    ) -> tuple[ReportHeader, int, list[CashBookLine]]:
        """The cash book (the cash entries) or the bank book (the bank entries)."""
        from desktop_app.documents.fund_reports import CashBookLine

        fund = self._fund.get(fund_id)
        opening = self._fund.account_balance(fund_id, account, start - dt.timedelta(days=1))
        balance = opening
        lines: list[CashBookLine] = []
        flt = LedgerFilter(fund_id=fund_id, start=start, end=end, account=account, books=CASH_BOOKS)
        entries = self._fund.entries(flt)
        numbers = {e.id: e.voucher for e in entries}
        for e in entries:
            balance += e.effect
            # Each entry in its own book's column; a reversal carries the opposite sign
            # (ghi âm) in the same column as its original, so the columns' totals are
            # the net receipts and payments the disclosure sheet shows.
            receipt = e.book is Book.RECEIPT
            note = ""
            if e.reversed_by:
                by = numbers.get(e.reversed_by) or self._fund.entry(e.reversed_by).voucher
                note = f"Đã hủy ({by})"
            elif e.reverses:
                of = numbers.get(e.reverses) or self._fund.entry(e.reverses).voucher
                note = f"Hủy {of}"
            lines.append(
                CashBookLine(
                    day=e.entry_date,
                    receipt_no=e.voucher if receipt else "",
                    payment_no="" if receipt else e.voucher,
                    description=f"{e.party_name} - {e.reason}" if e.party_name else e.reason,
                    amount_in=e.effect if receipt else 0,
                    amount_out=0 if receipt else -e.effect,
                    balance=balance,
                    note=note,
                )
            )
        header = self._book_header(account, fund.name, fund.opening_date, start, end)
        return header, opening, lines

    @read_snapshot
    def prepare_cash_book(
        self, fund_id: str, start: dt.date, end: dt.date, account: Account = Account.CASH
    ) -> PreparedCashBook:
        with self._speaking_for(fund_id):
            header, opening, lines = self.cash_book(fund_id, start, end, account)
        name = "cash_book" if account is Account.CASH else "bank_book"
        return PreparedCashBook(header, opening, lines, PrintAudit(f"{name}.print", name, fund_id))

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
        self,
        fund_id: str,
        start: dt.date,
        end: dt.date,
        out: Path,
        xlsx: bool = False,
        account: Account = Account.CASH,
    ) -> None:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_cash_book(fund_id, start, end, account)
        self.render_cash_book(prepared, out, xlsx)
        self.record_print(prepared.audit)

    def disclosure(
        self, fund_id: str, year: int, today: dt.date | None = None, number: str = ""
    ) -> DisclosureData:
        from desktop_app.documents.fund_reports import DisclosureData

        check_year(year)
        fund = self._fund.get(fund_id)
        if year < fund.opening_date.year:
            raise UserError(
                N_("The fund opened in {opened}; there is nothing to disclose for {year}."),
                {"opened": fund.opening_date.year, "year": year},
            )
        opening = self._fund.balance(fund_id, dt.date(year - 1, 12, 31))
        # A year not over yet is disclosed "tính đến ngày" today, or to the day of an entry
        # dated later (tomorrow is allowed): the figures are every entry of the year so far.
        today = today or dt.date.today()
        end = dt.date(year, 12, 31)
        as_of: dt.date | None = None
        if today < end:
            last = self._fund.last_entry_date(fund_id)
            as_of = min(end, max(today, last)) if last is not None else today
            as_of = None if as_of >= end else as_of
        closing = self._fund.balance(fund_id, end)
        totals = self._fund.totals_by_kind(fund_id, year)
        # Cash only. DONATION_IN_KIND here is a gift recorded in the cash book before gifts
        # in kind had their own book, until it is reclassified.
        money_in = (*RECEIPT_KINDS, EntryKind.DONATION_IN_KIND)
        receipts = [(KIND_VI[k], v) for k, v in totals if k in money_in and v]
        payments = [(KIND_VI[k], -v) for k, v in totals if k not in money_in and v]
        awards = [
            # The pupil, not the parent who signed for a minor's money.
            (self._recipient(e)[0] or e.party_name, e.school, e.grade, e.reason, e.amount)
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
        subtitle = f"{fund.name} — Năm {year}"
        if as_of is not None:
            subtitle += f" (tính đến ngày {as_of:%d/%m/%Y})"
        header = dataclasses.replace(
            self._header("BẢNG CÔNG KHAI THU, CHI QUỸ KHUYẾN HỌC", subtitle, None),
            number=number.strip() or DISCLOSURE_NUMBER_BLANK,
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
            as_of=as_of,
            goods=self.goods_year(fund_id, year),
        )

    def goods_year(self, fund_id: str, year: int) -> GoodsYear:
        """The gifts in kind of a year, apart from the cash: received, handed out, on hand."""
        from desktop_app.documents.fund_reports import GoodsYear

        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        issued = [
            (e.entry_date, name, e.in_kind, sign * e.quantity, e.unit, sign * e.amount)
            for e, name, sign in self._goods_of_year(fund_id, year, Book.GOODS_OUT)
        ]
        return GoodsYear(
            opening=self._fund.goods_value(fund_id, first - dt.timedelta(days=1)),
            received=self.goods_donors(fund_id, year),
            issued=issued,
            closing=self._fund.goods_value(fund_id, last),
        )

    def goods_donors(self, fund_id: str, year: int) -> list[GoodsDonor]:
        return [
            (name, e.party_address, e.entry_date, e.in_kind, sign * e.quantity, e.unit,
             sign * e.amount)
            for e, name, sign in self._goods_of_year(fund_id, year, Book.GOODS_IN)
        ]  # fmt: skip

    def _goods_of_year(
        self, fund_id: str, year: int, book: Book
    ) -> list[tuple[EntryRow, str, int]]:
        """A goods book's lines of a year as (entry, name, sign): each record not voided
        within the year, and, with a minus, the voids made this year of an earlier year's
        records (a void counts from its own date, as a cash void does)."""
        last = dt.date(year, 12, 31)
        kind = EntryKind.DONATION_IN_KIND if book is Book.GOODS_IN else EntryKind.GOODS_ISSUE
        rows = self._fund.entries(
            LedgerFilter(
                fund_id, dt.date(year, 1, 1), last, (kind, EntryKind.REVERSAL), books=(book,)
            )
        )
        out: list[tuple[EntryRow, str, int]] = []
        for e in rows:
            if e.kind is EntryKind.REVERSAL:
                original = self._fund.entry(e.reverses or "")
                if original.entry_date.year < year:
                    name = f"Hủy {original.voucher}: {original.party_name}"
                    out.append((dataclasses.replace(original, entry_date=e.entry_date), name, -1))
                continue
            if e.reversed_by and self._fund.entry(e.reversed_by).entry_date <= last:
                continue  # received (or handed out) and voided within the year
            out.append((e, e.party_name, 1))
        return out

    @read_snapshot
    def prepare_disclosure(self, fund_id: str, year: int, number: str = "") -> PreparedDisclosure:
        with self._speaking_for(fund_id):
            data = self.disclosure(fund_id, year, number=number)
        return PreparedDisclosure(
            data,
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

    def print_disclosure(
        self, fund_id: str, year: int, out: Path, xlsx: bool = False, number: str = ""
    ) -> int:
        out = check_output(out, self._ops.db_path)
        prepared = self.prepare_disclosure(fund_id, year, number)
        pages = self.render_disclosure(prepared, out, xlsx)
        self.record_print(prepared.audit)
        return pages

    def donors(self, fund_id: str, year: int) -> list[Donor]:
        check_year(year)
        kinds = (EntryKind.DONATION_CASH, EntryKind.DONATION_IN_KIND)
        # Money given; gifts in kind are listed apart (goods_donors), at their valuation.
        rows = self._fund.entries(
            LedgerFilter(
                fund_id, dt.date(year, 1, 1), dt.date(year, 12, 31), kinds, books=CASH_BOOKS
            )
        )
        return [
            (e.party_name, e.party_address, e.entry_date, e.in_kind or "Tiền mặt", e.amount)
            for e in rows
            if not e.reversed_by
        ]

    @read_snapshot
    def prepare_donors(self, fund_id: str, year: int) -> PreparedDonors:
        fund = self._fund.get(fund_id)
        with self._centre.speaking_for(fund.owner_site):
            header = self._header(
                "DANH SÁCH ỦNG HỘ QUỸ KHUYẾN HỌC", f"{fund.name} — Năm {year}", None
            )
        return PreparedDonors(
            header,
            self.donors(fund_id, year),
            PrintAudit("donors.print", "donors", fund_id, str(year)),
            self.goods_donors(fund_id, year),
        )

    @staticmethod
    def render_donors(prepared: PreparedDonors, out: Path, xlsx: bool = False) -> None:
        """Write the donor list as PDF or xlsx. No database."""
        from desktop_app.documents.fund_reports import render_donor_list
        from desktop_app.documents.fund_xlsx import export_donors_xlsx

        if xlsx:
            export_donors_xlsx(prepared.header, prepared.donors, out, prepared.goods)
        else:
            render_donor_list(prepared.header, prepared.donors, out, prepared.goods)

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


# What a voided entry was, and who its party was, as a cancellation record names them.
_PAPER_AND_PARTY = {
    Book.RECEIPT: ("phiếu thu", "Người nộp tiền"),
    Book.PAYMENT: ("phiếu chi", "Người nhận tiền"),
    Book.GOODS_IN: ("biên bản nhận hiện vật", "Người giao hiện vật"),
    Book.GOODS_OUT: ("biên bản bàn giao hiện vật", "Người nhận hiện vật"),
}


def _lower_first(text: str) -> str:
    """'Xã Tân Phú' -> 'xã Tân Phú', as the kind of commune reads inside a name."""
    return text[:1].lower() + text[1:]


def _void_reason(reversal: EntryRow) -> str:
    """The reason typed when voiding, from the reversal's "Hủy phiếu PT-…: reason"."""
    head, sep, reason = reversal.reason.partition(": ")
    return reason if sep and head.startswith("Hủy phiếu") else reversal.reason


def _cards_audit(branch_id: str | None, cards: int) -> PrintAudit:
    return PrintAudit("member_cards.print", "member_cards", branch_id or "all", f"cards={cards}")
