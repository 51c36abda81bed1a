"""The Khuyến học fund: receipts and payments in an append-only, hash-chained ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from desktop_app.core.fund import (
    HASHED_FIELDS,
    Book,
    EntryInput,
    EntryKind,
    book_of,
    entry_hash_values,
    genesis_hash,
    parse_voucher_number,
    validate_entry,
)
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.text import nfc
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.people import PeopleService
from desktop_app.storage import fund as repo
from desktop_app.storage.db import Database
from desktop_app.storage.fund import ChainLink, EntryRow, FundRow, LedgerFilter, NewEntry
from desktop_app.storage.tx import Tx

__all__ = [
    "ChainProblem",
    "EntryRow",
    "FundRow",
    "FundService",
    "LedgerFilter",
    "VerifyReport",
]


@dataclass(frozen=True)
class FundInput:
    name: str
    opening_balance: int = 0
    opening_date: dt.date | None = None
    kind: str = "commune"
    book: str = "01"
    carried_from: str = ""
    transfer_document: str = ""
    allow_negative: bool = False


@dataclass(frozen=True)
class ChainProblem:
    fund_id: str
    fund_name: str
    what: str  # msgid
    params: dict[str, str]


@dataclass(frozen=True)
class VerifyReport:
    funds: int
    entries: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class FundService:
    def __init__(self, db: Database, ops: Ops, people: PeopleService) -> None:
        self._db = db
        self._ops = ops
        self._people = people

    # Funds -----------------------------------------------------------------------------

    def funds(self) -> list[FundRow]:
        return repo.list_funds(self._db)

    def get(self, fund_id: str) -> FundRow:
        fund = repo.get_fund(self._db, fund_id)
        if fund is None:
            raise UserError(N_("There is no fund with that id; check the list of funds."))
        return fund

    def create(self, data: FundInput) -> OpResult[str]:
        """Open a fund; the value is its id."""
        problems: list[Problem] = []
        name = nfc(data.name)
        if not name:
            problems.append(Problem("name", N_("Type the fund's name, e.g. Quỹ Khuyến học xã.")))
        if data.opening_balance < 0 and not data.allow_negative:
            problems.append(
                Problem("opening_balance", N_("The opening balance cannot be negative."))
            )
        if data.carried_from.strip() and not data.transfer_document.strip():
            problems.append(
                Problem(
                    "transfer_document",
                    N_("Give the number of the transfer document for the carried-over balance."),
                )
            )
        if problems:
            raise UserError(
                N_("Some fields need fixing before the fund can be saved."),
                problems=tuple(problems),
            )
        with self._ops.op("fund.create") as op:
            fund_id = repo.insert_fund(
                op.tx,
                name=name,
                kind=data.kind,
                book=nfc(data.book) or "01",
                opening_balance=data.opening_balance,
                opening_date=data.opening_date or dt.date.today(),
                carried_from=nfc(data.carried_from),
                transfer_document=nfc(data.transfer_document),
                allow_negative=data.allow_negative,
            )
        return op.result(fund_id)

    def update_details(self, fund_id: str, name: str, allow_negative: bool) -> OpResult[str]:
        name = nfc(name)
        if not name:
            raise UserError(N_("Type the fund's name, e.g. Quỹ Khuyến học xã."))
        with self._ops.op("fund.update") as op:
            self.get(fund_id)
            repo.update_fund_details(op.tx, fund_id, name, allow_negative)
        return op.result(fund_id)

    def balance(self, fund_id: str, at: dt.date | None = None) -> int:
        return repo.balance_at(self._db, self.get(fund_id), at)

    def closed_years(self, fund_id: str) -> list[int]:
        return repo.closed_years(self._db, fund_id)

    # Entries ---------------------------------------------------------------------------

    def _check_open(self, fund_id: str, day: dt.date) -> None:
        closed = repo.closed_years(self._db, fund_id)
        if closed and day.year <= max(closed):
            raise UserError(
                N_(
                    "The year {year} is closed for this fund, so nothing can be dated in it. "
                    "Use a date in {open_year} or later."
                ),
                {"year": day.year, "open_year": max(closed) + 1},
                problems=(Problem("entry_date", N_("This date is in a closed year.")),),
            )

    def record(self, data: EntryInput, today: dt.date | None = None) -> OpResult[EntryRow]:
        """Save a receipt or a payment; the value is the entry with its voucher number.

        Inside another operation (a dues batch) it becomes part of that operation.
        """
        problems = validate_entry(data, today or dt.date.today())
        if problems:
            raise UserError(
                N_("Some fields need fixing before the entry can be saved."),
                problems=tuple(problems),
            )
        with self._ops.op("ledger.record") as op:
            row = self._append(op.tx, data)
        return op.result(row)

    def _append(self, tx: Tx, data: EntryInput) -> EntryRow:
        db = self._db
        fund = self.get(data.fund_id)
        self._check_open(fund.id, data.entry_date)
        if data.entry_date < fund.opening_date:
            raise UserError(
                N_("The fund opened on {date}; an entry cannot be dated before that."),
                {"date": f"{fund.opening_date:%d/%m/%Y}"},
                problems=(Problem("entry_date", N_("This date is before the fund opened.")),),
            )
        if data.person_id is not None:
            person = self._people.get(data.person_id)
            if person.deleted:
                raise UserError(
                    N_("{name} was deleted from the people list; restore them first."),
                    {"name": person.full_name},
                )
        book = book_of(data.kind)
        effect = data.amount if book is Book.RECEIPT else -data.amount
        if effect < 0 and not fund.allow_negative:
            self._check_cover(fund, data.entry_date, data.amount)
        number = repo.next_number(db, fund.id, book, data.entry_date.year)
        return repo.append_entry(
            tx,
            fund,
            NewEntry(
                book=book,
                year=data.entry_date.year,
                number=number,
                entry_date=data.entry_date,
                kind=data.kind,
                amount=data.amount,
                effect=effect,
                in_kind=nfc(data.in_kind),
                party_name=nfc(data.party_name),
                party_address=nfc(data.party_address),
                person_id=data.person_id,
                school=nfc(data.school),
                grade=nfc(data.grade),
                reason=nfc(data.reason),
                attachments=data.attachments,
            ),
        )

    def _check_cover(self, fund: FundRow, day: dt.date, amount: int) -> None:
        """A payment may not take the fund below zero, on its date or afterwards."""
        db = self._db
        available = min(repo.balance_at(db, fund, day), repo.balance_at(db, fund))
        if amount > available:
            raise UserError(
                N_(
                    "The fund holds only {balance}, less than the {amount} to pay. "
                    "Record the receipts first, or lower the amount."
                ),
                {"balance": _vnd(available), "amount": _vnd(amount)},
                problems=(Problem("amount", N_("More than the fund holds.")),),
            )

    def void(self, entry_id: str, reason: str, day: dt.date | None = None) -> OpResult[EntryRow]:
        """Cancel an entry by appending its reversal; the original stays, marked as voided."""
        reason = nfc(reason)
        if not reason:
            raise UserError(
                N_("Say why the entry is voided; the reason is printed and kept."),
                problems=(Problem("reason", N_("Type the reason.")),),
            )
        day = day or dt.date.today()
        db = self._db
        with self._ops.op("ledger.void") as op:
            original = repo.get_entry(db, entry_id)
            if original is None:
                raise UserError(N_("There is no such entry in the ledger."))
            if original.kind is EntryKind.REVERSAL:
                raise UserError(N_("A reversal cannot itself be voided; record a new entry."))
            if original.reversed_by is not None:
                raise UserError(N_("{voucher} is already voided."), {"voucher": original.voucher})
            fund = self.get(original.fund_id)
            self._check_open(fund.id, day)
            if original.effect > 0 and not fund.allow_negative:
                self._check_cover(fund, day, original.amount)
            number = repo.next_number(db, fund.id, original.book, day.year)
            row = repo.append_entry(
                op.tx,
                fund,
                NewEntry(
                    book=original.book,
                    year=day.year,
                    number=number,
                    entry_date=day,
                    kind=EntryKind.REVERSAL,
                    amount=original.amount,
                    effect=-original.effect,
                    party_name=original.party_name,
                    party_address=original.party_address,
                    person_id=original.person_id,
                    reason=f"Hủy phiếu {original.voucher}: {reason}",
                    reverses=original.id,
                ),
            )
            op.tx.note("ledger_entry", original.id, f"voided by {row.voucher}")
        return op.result(row)

    def entry(self, entry_id: str) -> EntryRow:
        row = repo.get_entry(self._db, entry_id)
        if row is None:
            raise UserError(N_("There is no such entry in the ledger."))
        return row

    def find_voucher(self, voucher: str, fund_id: str | None = None) -> EntryRow:
        """An entry by its printed number, e.g. PT-0042/2026."""
        try:
            book, number, year = parse_voucher_number(voucher)
        except ValueError:
            raise UserError(
                N_("{voucher} is not a voucher number; they look like PT-0042/2026."),
                {"voucher": voucher},
            ) from None
        rows = repo.find_by_voucher(self._db, book, number, year)
        if fund_id:
            rows = [r for r in rows if r.fund_id == fund_id]
        if not rows:
            raise UserError(N_("There is no voucher {voucher}."), {"voucher": voucher})
        if len(rows) > 1:
            raise UserError(
                N_("Several funds have a voucher {voucher}; say which fund."), {"voucher": voucher}
            )
        return rows[0]

    def entries(self, flt: LedgerFilter, limit: int | None = None) -> list[EntryRow]:
        return repo.list_entries(self._db, flt, limit)

    def totals_by_kind(self, fund_id: str, year: int) -> list[tuple[EntryKind, int]]:
        return repo.totals_by_kind(self._db, fund_id, dt.date(year, 1, 1), dt.date(year, 12, 31))

    # Year closing ----------------------------------------------------------------------

    def close_year(self, fund_id: str, year: int, today: dt.date | None = None) -> OpResult[str]:
        today = today or dt.date.today()
        if year >= today.year:
            raise UserError(
                N_("The year {year} has not ended yet; close it in January."), {"year": year}
            )
        db = self._db
        with self._ops.op("fund.close_year") as op:
            fund = self.get(fund_id)
            closed = repo.closed_years(db, fund_id)
            if year in closed or (closed and year < max(closed)):
                raise UserError(N_("The year {year} is already closed."), {"year": year})
            balance = repo.balance_at(db, fund, dt.date(year, 12, 31))
            repo.close_year(op.tx, fund_id, year, balance)
        return op.result(fund_id)

    # Verification ----------------------------------------------------------------------

    def verify(self, progress: Callable[[int, int], bool] | None = None) -> VerifyReport:
        """Recompute every fund's chain; report the first broken link of each fund."""
        db = self._db
        problems: list[ChainProblem] = []
        entries = 0
        funds = repo.list_funds(db)
        for i, fund in enumerate(funds):
            found, count = _verify_fund(fund, repo.iter_links(db, fund.id))
            entries += count
            if found is not None:
                problems.append(found)
            if progress is not None and progress(i + 1, len(funds)) is False:
                break
        return VerifyReport(len(funds), entries, tuple(problems))


_EFFECT_AT = HASHED_FIELDS.index("effect")


def _verify_fund(fund: FundRow, chain: Iterable[ChainLink]) -> tuple[ChainProblem | None, int]:
    def problem(what: str, **params: str) -> ChainProblem:
        return ChainProblem(fund.id, fund.name, what, params)

    expected_prev = genesis_hash(fund.id, fund.opening_balance, fund.opening_date.isoformat())
    expected_seq = 1
    last: ChainLink | None = None
    count = 0
    total = 0
    for link in chain:
        count += 1
        if link.seq > expected_seq:
            after = last.voucher if last else "—"
            return problem(
                N_("Fund {fund}: an entry was removed after {voucher}."),
                fund=fund.name, voucher=after,
            ), count  # fmt: skip
        if link.seq < expected_seq:
            return problem(
                N_("Fund {fund}: entry {voucher} was inserted out of order."),
                fund=fund.name, voucher=link.voucher,
            ), count  # fmt: skip
        if link.prev_hash != expected_prev:
            if last is None:
                return problem(
                    N_("Fund {fund}: the opening balance or the first entry was changed."),
                    fund=fund.name,
                ), count  # fmt: skip
            return problem(
                N_("Fund {fund}: entry {voucher} was inserted or moved."),
                fund=fund.name, voucher=link.voucher,
            ), count  # fmt: skip
        if link.seq > fund.head_seq:
            return problem(
                N_("Fund {fund}: entry {voucher} was added outside the app."),
                fund=fund.name, voucher=link.voucher,
            ), count  # fmt: skip
        if entry_hash_values(link.prev_hash, link.values) != link.hash:
            return problem(
                N_("Fund {fund}: entry {voucher} was changed after it was saved."),
                fund=fund.name, voucher=link.voucher,
            ), count  # fmt: skip
        total += int(str(link.values[_EFFECT_AT]))
        expected_prev = link.hash
        expected_seq += 1
        last = link
    if fund.head_seq != expected_seq - 1 or (last is not None and fund.head_hash != last.hash):
        after = last.voucher if last else "—"
        return problem(
            N_("Fund {fund}: entries were removed from the end, after {voucher}."),
            fund=fund.name, voucher=after,
        ), count  # fmt: skip
    if fund.head_balance != total:
        return problem(
            N_("Fund {fund}: the stored balance was changed outside the app."), fund=fund.name
        ), count  # fmt: skip
    return None, count


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"
