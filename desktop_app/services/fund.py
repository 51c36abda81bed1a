"""The Khuyến học fund: receipts and payments in an append-only, hash-chained ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from desktop_app.core.fund import (
    HASHED_FIELDS,
    MAX_FUND_NAME,
    MAX_REASON,
    MAX_RECIPIENTS,
    MAX_VOID_REASON,
    RECIPIENT_KINDS,
    Account,
    Book,
    EntryInput,
    EntryKind,
    GoodsIssueInput,
    HeadSeal,
    book_of,
    entry_hash_values,
    funds_seal_ok,
    genesis_hash,
    is_minor,
    issue_value,
    keyed_chain,
    keyed_genesis,
    parse_funds_seal,
    parse_head_seal,
    parse_voucher_number,
    seal_funds,
    seal_ok,
    validate_entry,
)
from desktop_app.core.money import Money
from desktop_app.core.people import Birth, Person
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.text import fold, nfc
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.people import PeopleService
from desktop_app.services.site_keys import SiteKeyService
from desktop_app.storage import fund as repo
from desktop_app.storage.db import Database, read_snapshot
from desktop_app.storage.fund import (
    ChainLink,
    EntryRow,
    FundRow,
    GoodsLot,
    LedgerFilter,
    NewEntry,
)
from desktop_app.storage.tx import Tx

__all__ = [
    "UNSEALED_MESSAGE",
    "ChainProblem",
    "EntryRow",
    "FundRow",
    "FundService",
    "GoodsLot",
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
    """What `FundService.verify` found; `UNSEALED_MESSAGE` (with {path}) when `seal_checked`
    is False."""

    funds: int
    entries: int
    problems: tuple[ChainProblem, ...]
    seal_checked: bool = True  # False: no key file here, only the structure was checked
    key_path: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


UNSEALED_MESSAGE = N_(
    "This computer has no key file for this centre ({path}): the chain's structure was "
    "checked, but not its seal, so a ledger rewritten with the app's own code would go "
    "unnoticed. Restore the key file from a backup of this centre."
)


class FundService:
    def __init__(self, db: Database, ops: Ops, people: PeopleService) -> None:
        self._db = db
        self._ops = ops
        self._people = people
        self._keys = SiteKeyService(db, ops)

    # Funds -----------------------------------------------------------------------------

    def funds(self, sites: Sequence[str] | None = None) -> list[FundRow]:
        """The live funds; at an office, of these centres only when `sites` is given."""
        self._people.check_centres(sites)
        return repo.list_funds(self._db, sites)

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
        elif len(name) > MAX_FUND_NAME:
            problems.append(_too_long("name", MAX_FUND_NAME))
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
        found = self._keys.require()
        with self._ops.op("fund.create") as op:
            listed = self._checked_funds_list(found.seal)
            fund_id = repo.insert_fund(
                op.tx,
                found.seal,
                name=name,
                kind=data.kind,
                book=nfc(data.book) or "01",
                opening_balance=data.opening_balance,
                opening_date=data.opening_date or dt.date.today(),
                carried_from=nfc(data.carried_from),
                transfer_document=nfc(data.transfer_document),
                allow_negative=data.allow_negative,
            )
            repo.set_funds_seal(op.tx, seal_funds(found.seal, self._db.site_id, [*listed, fund_id]))
        return op.result(fund_id)

    def _checked_funds_list(self, key: bytes) -> list[str]:
        """The sealed list of this site's funds, refusing to extend one that was tampered
        with (sealing it again would hide what was done)."""
        db = self._db
        parsed = parse_funds_seal(repo.funds_seal(db))
        own = sorted(f.id for f in repo.all_funds(db) if f.owner_site == db.site_id)
        if parsed is None or not funds_seal_ok(key, db.site_id, parsed[0], parsed[1]):
            raise UserError(_TAMPERED_LIST)
        if sorted(parsed[0]) != own:
            raise UserError(_TAMPERED_LIST)
        return list(parsed[0])

    def _checked_seal(self, fund: FundRow, key: bytes) -> HeadSeal:
        """The fund's seal, checked against its head as stored now; a UserError when they
        disagree, so nothing is ever added on top of a ledger changed outside the app."""
        seq, head, balance, deleted, text = repo.current_head(self._db, fund.id)
        parsed = parse_head_seal(text)
        if (
            parsed is None
            or not seal_ok(key, *parsed)
            or (parsed[0].seq, parsed[0].head, parsed[0].balance) != (seq, head, balance)
            or parsed[0].deleted != deleted
            or parsed[0].closed != tuple(repo.closings(self._db, fund.id))
            or (parsed[0].opening_balance, parsed[0].opening_date)
            != (fund.opening_balance, fund.opening_date.isoformat())
        ):
            raise UserError(
                N_(
                    "The ledger of fund {fund} does not match its seal, so nothing can be "
                    "added to it. Run ledger verify to see what was changed."
                ),
                {"fund": fund.name},
            )
        return parsed[0]

    def update_details(self, fund_id: str, name: str, allow_negative: bool) -> OpResult[str]:
        name = nfc(name)
        if not name:
            raise UserError(N_("Type the fund's name, e.g. Quỹ Khuyến học xã."))
        if len(name) > MAX_FUND_NAME:
            raise UserError(
                N_("Some fields need fixing before the fund can be saved."),
                problems=(_too_long("name", MAX_FUND_NAME),),
            )
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
            self._check_guardian(data, person.full_name, person.birth)
        book = book_of(data.kind)
        goods = book is Book.GOODS_IN
        # Goods are valued, never counted as cash: no effect on the balance.
        effect = 0 if goods else data.amount if book is Book.RECEIPT else -data.amount
        if effect < 0 and not fund.allow_negative:
            self._check_cover(fund, data.account, data.entry_date, data.amount)
        found = self._keys.require()
        seal = self._checked_seal(fund, found.seal)
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
                # Goods move no money, so neither the cash box nor the bank.
                account=Account.CASH if goods else data.account,
                quantity=data.quantity if goods else 0,
                unit=nfc(data.unit) if goods else "",
            ),
            found.seal,
            seal,
        )

    @staticmethod
    def _check_guardian(data: EntryInput, pupil: str, birth: Birth | None) -> None:
        """A minor does not sign for money: the parent or guardian named on the form does."""
        if data.kind not in RECIPIENT_KINDS or birth is None:
            return
        if not is_minor(birth.year, birth.month, birth.day, data.entry_date):
            return
        if fold(data.party_name) == fold(pupil):
            raise UserError(
                N_(
                    "{name} is under 18: the parent or guardian receives the money and signs "
                    "the voucher. Type their name as the receiver."
                ),
                {"name": pupil},
                problems=(
                    Problem("party_name", N_("Type the parent or guardian who receives it.")),
                ),
            )

    def _check_cover(self, fund: FundRow, account: Account, day: dt.date, amount: int) -> None:
        """Money going out may not take the cash box or the bank account it leaves from below
        zero, on its date or afterwards (the fund's total is not enough: the cash book and
        the bank book must each stay above zero)."""
        db = self._db
        available = min(
            repo.account_balance_at(db, fund, account, day),
            repo.account_balance_at(db, fund, account, dt.date.max),
        )
        if amount > available:
            if account is Account.BANK:
                message = N_(
                    "The fund's bank account holds only {balance}, less than the {amount} to "
                    "pay. Record the receipts into the bank first, pay in cash, or lower the "
                    "amount."
                )
            else:
                message = N_(
                    "The fund's cash holds only {balance}, less than the {amount} to pay. "
                    "Record the receipts first, pay through the bank, or lower the amount."
                )
            raise UserError(
                message,
                {"balance": Money(available), "amount": Money(amount)},
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
        if len(reason) > MAX_VOID_REASON:
            raise UserError(
                N_("Some fields need fixing before the entry can be saved."),
                problems=(_too_long("reason", MAX_VOID_REASON),),
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
                self._check_cover(fund, original.account, day, original.amount)
            if original.book is Book.GOODS_IN:
                handed = [e for e in repo.entries_from(db, original.id) if not e.reversed_by]
                handed = [e for e in handed if e.kind is EntryKind.GOODS_ISSUE]
                if handed:
                    raise UserError(
                        N_(
                            "Some of the goods of {voucher} were handed out ({issues}); void "
                            "those issue records first."
                        ),
                        {
                            "voucher": original.voucher,
                            "issues": ", ".join(e.voucher for e in handed),
                        },
                    )
            found = self._keys.require()
            seal = self._checked_seal(fund, found.seal)
            number = repo.next_number(db, fund.id, original.book, day.year)
            row = repo.append_entry(
                op.tx,
                fund,
                _reversal_of(original, day, number, f"Hủy phiếu {original.voucher}: {reason}"),
                found.seal,
                seal,
            )
            op.tx.note("ledger_entry", original.id, f"voided by {row.voucher}")
        return op.result(row)

    # Goods (gifts in kind) ---------------------------------------------------------------

    def goods_lots(self, fund_id: str, day: dt.date | None = None) -> list[GoodsLot]:
        """The fund's goods receipts with what is left of each (on `day`, or now)."""
        return repo.goods_lots(self._db, fund_id, day)

    def goods_value(self, fund_id: str, day: dt.date | None = None) -> int:
        """The valuation of the goods on hand: never part of the cash balance."""
        return sum(lot.left_value for lot in self.goods_lots(fund_id, day))

    def goods_issue(
        self, data: GoodsIssueInput, today: dt.date | None = None
    ) -> OpResult[EntryRow]:
        """Hand out goods from one goods receipt (an XK record); never more than is left."""
        today = today or dt.date.today()
        problems: list[Problem] = []
        recipients = nfc(data.recipients)
        if data.quantity <= 0:
            problems.append(Problem("quantity", N_("The quantity must be at least 1.")))
        if not recipients:
            problems.append(
                Problem("recipients", N_("Name who received the goods, e.g. the pupils."))
            )
        if len(recipients) > MAX_RECIPIENTS:
            problems.append(_too_long("recipients", MAX_RECIPIENTS))
        if len(" ".join(data.reason.split())) > MAX_REASON:
            problems.append(_too_long("reason", MAX_REASON))
        if data.entry_date > today + dt.timedelta(days=1):
            problems.append(Problem("entry_date", N_("The date is in the future; check it.")))
        if problems:
            raise UserError(
                N_("Some fields need fixing before the goods can be handed out."),
                problems=tuple(problems),
            )
        db = self._db
        with self._ops.op("ledger.goods_issue") as op:
            source = repo.get_entry(db, data.source_id)
            if (
                source is None
                or source.book is not Book.GOODS_IN
                or source.kind is EntryKind.REVERSAL
            ):
                raise UserError(N_("Goods are handed out from a goods receipt (NK-…)."))
            if source.reversed_by:
                raise UserError(
                    N_("{voucher} is voided; its goods cannot be handed out."),
                    {"voucher": source.voucher},
                )
            fund = self.get(source.fund_id)
            self._check_open(fund.id, data.entry_date)
            if data.entry_date < source.entry_date:
                raise UserError(
                    N_(
                        "The goods of {voucher} were received on {date}; they cannot be "
                        "handed out before."
                    ),
                    {"voucher": source.voucher, "date": f"{source.entry_date:%d/%m/%Y}"},
                    problems=(Problem("entry_date", N_("This date is before the goods came.")),),
                )
            lot = next(lot for lot in repo.goods_lots(db, fund.id) if lot.entry.id == source.id)
            if data.quantity > lot.left:
                raise UserError(
                    N_(
                        "Only {left} {unit} of {voucher} are left; {quantity} cannot be handed out."
                    ),
                    {
                        "left": lot.left,
                        "unit": source.unit,
                        "voucher": source.voucher,
                        "quantity": data.quantity,
                    },
                    problems=(Problem("quantity", N_("More than is left.")),),
                )
            value = issue_value(source.amount, data.quantity, source.quantity, lot.issued)
            found = self._keys.require()
            seal = self._checked_seal(fund, found.seal)
            number = repo.next_number(db, fund.id, Book.GOODS_OUT, data.entry_date.year)
            row = repo.append_entry(
                op.tx,
                fund,
                NewEntry(
                    book=Book.GOODS_OUT,
                    year=data.entry_date.year,
                    number=number,
                    entry_date=data.entry_date,
                    kind=EntryKind.GOODS_ISSUE,
                    amount=value,
                    effect=0,
                    in_kind=source.in_kind,
                    party_name=recipients,
                    reason=nfc(data.reason) or f"Cấp phát hiện vật của {source.voucher}",
                    attachments=data.attachments,
                    quantity=data.quantity,
                    unit=source.unit,
                    source_id=source.id,
                ),
                found.seal,
                seal,
            )
        return op.result(row)

    def find_goods(self, fund_id: str, items: str) -> EntryRow:
        """The one goods receipt with goods left whose items are `items` (case and marks
        as typed, spaces ignored)."""
        wanted = " ".join(nfc(items).split()).casefold()
        lots = [
            lot for lot in repo.goods_lots(self._db, fund_id)
            if lot.left > 0 and " ".join(lot.entry.in_kind.split()).casefold() == wanted
        ]  # fmt: skip
        if not lots:
            raise UserError(N_('No goods "{items}" are left in this fund.'), {"items": items})
        if len(lots) > 1:
            raise UserError(
                N_(
                    'Several goods receipts hold "{items}" ({vouchers}); say which with '
                    "its NK number."
                ),
                {"items": items, "vouchers": ", ".join(lot.entry.voucher for lot in lots)},
            )
        return lots[0].entry

    def cash_in_kind(self, fund_id: str | None = None) -> list[EntryRow]:
        """Gifts in kind recorded in the cash book (before they had their own book) and not
        yet reclassified."""
        return repo.cash_in_kind(self._db, fund_id)

    def reclassify_in_kind(
        self, fund_id: str | None = None, day: dt.date | None = None
    ) -> OpResult[list[tuple[EntryRow, EntryRow, EntryRow]]]:
        """Move gifts in kind out of the cash book by appending, for each, a reversal of the
        old cash receipt and a goods receipt (NK) of the same goods and value; nothing is
        changed or removed. Each pair is dated on the old receipt's day when its year is
        still open, so that year's figures come right, else on `day` (today). The value is
        (old receipt, reversal, goods receipt) for each."""
        day = day or dt.date.today()
        db = self._db
        out: list[tuple[EntryRow, EntryRow, EntryRow]] = []
        with self._ops.op("ledger.reclassify_in_kind") as op:
            found = self._keys.require()
            for original in self.cash_in_kind(fund_id):
                fund = self.get(original.fund_id)
                closed = repo.closed_years(db, fund.id)
                when = original.entry_date
                if closed and when.year <= max(closed):
                    when = day
                    self._check_open(fund.id, when)
                quantity, unit, items = _goods_of(original.in_kind or original.reason)
                seal = self._checked_seal(fund, found.seal)
                goods_no = repo.next_number(db, fund.id, Book.GOODS_IN, when.year)
                goods_voucher = f"NK-{goods_no:04d}/{when.year}"
                # A correction, not spending: the money was never there, so no cover check.
                reversal = repo.append_entry(
                    op.tx,
                    fund,
                    _reversal_of(
                        original,
                        when,
                        repo.next_number(db, fund.id, original.book, when.year),
                        f"Hủy phiếu {original.voucher}: hiện vật ghi nhầm vào quỹ tiền mặt,"
                        f" chuyển sang {goods_voucher}",
                    ),
                    found.seal,
                    seal,
                )
                seal = self._checked_seal(fund, found.seal)
                goods = repo.append_entry(
                    op.tx,
                    fund,
                    NewEntry(
                        book=Book.GOODS_IN,
                        year=when.year,
                        number=goods_no,
                        entry_date=when,
                        kind=EntryKind.DONATION_IN_KIND,
                        amount=original.amount,
                        effect=0,
                        in_kind=items,
                        party_name=original.party_name,
                        party_address=original.party_address,
                        reason=original.reason,
                        attachments=original.attachments,
                        quantity=quantity,
                        unit=unit,
                        source_id=original.id,
                    ),
                    found.seal,
                    seal,
                )
                op.tx.note("ledger_entry", original.id, f"reclassified as {goods.voucher}")
                out.append((original, reversal, goods))
        return op.result(out)

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

    def recipient(self, entry: EntryRow) -> Person | None:
        """The pupil a scholarship or award was paid for, if it names one."""
        return self._people.get(entry.person_id) if entry.person_id else None

    def last_entry_date(self, fund_id: str) -> dt.date | None:
        return repo.last_entry_date(self._db, fund_id)

    def account_balance(self, fund_id: str, account: Account, day: dt.date) -> int:
        """The cash box's or the bank account's balance at the end of `day`."""
        return repo.account_balance_at(self._db, self.get(fund_id), account, day)

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
        found = self._keys.require()
        with self._ops.op("fund.close_year") as op:
            fund = self.get(fund_id)
            seal = self._checked_seal(fund, found.seal)
            closed = repo.closed_years(db, fund_id)
            if year in closed or (closed and year < max(closed)):
                raise UserError(N_("The year {year} is already closed."), {"year": year})
            balance = repo.balance_at(db, fund, dt.date(year, 12, 31))
            repo.close_year(op.tx, fund_id, year, balance, found.seal, seal)
        return op.result(fund_id)

    # Verification ----------------------------------------------------------------------

    @read_snapshot  # one state of the file: a write meanwhile is no false alarm
    def verify(self, progress: Callable[[int, int], bool] | None = None) -> VerifyReport:
        """Recompute every fund's chain and check its seal; report the first problem of each
        fund, and funds added or removed outside the app. Without the key file the chain's
        structure is checked but not its seal (`seal_checked` is then False)."""
        db = self._db
        found = self._keys.usable()
        key = found.seal if found is not None else None
        problems: list[ChainProblem] = []
        entries = 0
        funds = repo.all_funds(db)
        own = [f for f in funds if f.owner_site == db.site_id]
        if key is not None:
            problems += _check_funds_list(key, db.site_id, own, repo.funds_seal(db))
        shown = 0
        for i, fund in enumerate(funds):
            # Deleted funds too: hiding a fund by hand must not hide it from the check.
            shown += 0 if fund.deleted else 1
            fund_key = key if fund.owner_site == db.site_id else None
            found_problem, count = _verify_fund(
                fund, repo.iter_links(db, fund.id), fund_key, repo.closings(db, fund.id)
            )
            entries += count
            if found_problem is not None:
                problems.append(found_problem)
            if progress is not None and progress(i + 1, len(funds)) is False:
                break
        return VerifyReport(
            shown,
            entries,
            tuple(problems),
            seal_checked=key is not None or not own,
            key_path=self._keys.path(),
        )


def _check_funds_list(
    key: bytes, site_id: str, own: list[FundRow], text: str
) -> list[ChainProblem]:
    parsed = parse_funds_seal(text)
    if parsed is None or not funds_seal_ok(key, site_id, parsed[0], parsed[1]):
        return [
            ChainProblem(
                "",
                "",
                N_(
                    "The list of this centre's funds does not match its seal: it was changed "
                    "outside the app without the key."
                ),
                {},
            )
        ]
    listed = set(parsed[0])
    present = {f.id for f in own}
    out = [
        ChainProblem(
            fund_id, "", N_("A fund (id {id}) was removed from the database outside the app."),
            {"id": fund_id},
        )
        for fund_id in sorted(listed - present)
    ]  # fmt: skip
    out += [
        ChainProblem(
            f.id, f.name, N_("Fund {fund} was not opened in the app: it was added outside it."),
            {"fund": f.name},
        )
        for f in own
        if f.id not in listed
    ]  # fmt: skip
    return out


_EFFECT_AT = HASHED_FIELDS.index("effect")


def _verify_fund(
    fund: FundRow,
    chain: Iterable[ChainLink],
    key: bytes | None,
    closings: list[tuple[int, int]],
) -> tuple[ChainProblem | None, int]:
    """The first problem of one fund's ledger. With `key` (the fund is this site's and the
    key file is here) the seal and every keyed hash are checked; without it, the structure,
    the unkeyed hashes and what the seal says."""

    def problem(what: str, **params: str) -> ChainProblem:
        return ChainProblem(fund.id, fund.name, what, {"fund": fund.name, **params})

    parsed = parse_head_seal(fund.head_seal)
    if (
        key is not None
        and parsed is not None
        and (not seal_ok(key, *parsed) or parsed[0].fund_id != fund.id)
    ):
        return problem(
            N_(
                "Fund {fund}: its seal does not match: the fund's record was changed outside "
                "the app without the key."
            )
        ), 0  # fmt: skip
    seal = parsed[0] if parsed is not None else None
    opening = fund.opening_date.isoformat()
    # Entries up to `unkeyed` were hashed before the ledger had a key (chain version 1).
    expected_prev: str | None
    if seal is None:
        unkeyed = 1 << 62
        expected_prev = genesis_hash(fund.id, fund.opening_balance, opening)
    elif seal.legacy is not None:
        unkeyed = seal.legacy
        expected_prev = genesis_hash(fund.id, seal.opening_balance, seal.opening_date)
    else:
        unkeyed = 0
        expected_prev = (
            keyed_genesis(key, fund.id, seal.opening_balance, seal.opening_date)
            if key is not None
            else None
        )
    keyed = keyed_chain(key) if key is not None else None
    expected_seq = 1
    last: ChainLink | None = None
    first_bad: ChainLink | None = None
    before_bad: ChainLink | None = None
    bad_since_first = False
    beyond_seal: ChainLink | None = None
    count = 0
    total = 0
    for link in chain:
        count += 1
        if link.seq > expected_seq:
            return problem(
                N_("Fund {fund}: an entry was removed after {voucher}."),
                voucher=last.voucher if last else "—",
            ), count  # fmt: skip
        if link.seq < expected_seq:
            return problem(
                N_("Fund {fund}: entry {voucher} was inserted out of order."),
                voucher=link.voucher,
            ), count  # fmt: skip
        if expected_prev is not None and link.prev_hash != expected_prev:
            if last is None and seal is None and key is not None:
                # A keyed chain (not an older, unkeyed one) whose seal is gone.
                return problem(
                    N_("Fund {fund}: its seal is missing: it was removed outside the app.")
                ), count  # fmt: skip
            if last is None:
                return problem(
                    N_("Fund {fund}: the opening balance or the first entry was changed.")
                ), count  # fmt: skip
            return problem(
                N_("Fund {fund}: entry {voucher} was inserted or moved."), voucher=link.voucher
            ), count  # fmt: skip
        if link.seq > fund.head_seq:
            return problem(
                N_("Fund {fund}: entry {voucher} was added outside the app."),
                voucher=link.voucher,
            ), count  # fmt: skip
        ok: bool | None
        if link.seq <= unkeyed:
            ok = entry_hash_values(link.prev_hash, link.values) == link.hash
        elif keyed is not None:
            ok = keyed(link.prev_hash, link.values) == link.hash
        else:
            ok = None  # keyed, and the key is not here
        if ok is False and first_bad is None:
            first_bad, before_bad, bad_since_first = link, last, True
        elif ok is True and first_bad is not None:
            bad_since_first = False
        if seal is not None and beyond_seal is None and link.seq > seal.seq:
            beyond_seal = link
        total += int(str(link.values[_EFFECT_AT]))
        expected_prev = link.hash
        expected_seq += 1
        last = link
    if seal is not None:
        found = _against_seal(
            fund, seal, count, total, last, first_bad, before_bad, bad_since_first,
            beyond_seal, closings,
        )  # fmt: skip
        if found is not None:
            return problem(found[0], **found[1]), count
    elif first_bad is not None:
        return problem(
            N_("Fund {fund}: entry {voucher} was changed after it was saved."),
            voucher=first_bad.voucher,
        ), count  # fmt: skip
    if fund.head_seq != expected_seq - 1 or (last is not None and fund.head_hash != last.hash):
        return problem(
            N_("Fund {fund}: entries were removed from the end, after {voucher}."),
            voucher=last.voucher if last else "—",
        ), count  # fmt: skip
    if fund.head_balance != total:
        return problem(N_("Fund {fund}: the stored balance was changed outside the app.")), count
    if seal is None and key is not None:
        return problem(
            N_("Fund {fund}: its seal is missing: it was removed outside the app.")
        ), count  # fmt: skip
    return None, count


def _against_seal(
    fund: FundRow,
    seal: HeadSeal,
    count: int,
    total: int,
    last: ChainLink | None,
    first_bad: ChainLink | None,
    before_bad: ChainLink | None,
    bad_since_first: bool,
    beyond_seal: ChainLink | None,
    closings: list[tuple[int, int]],
) -> tuple[str, dict[str, str]] | None:
    """What the seal says was done to the fund: (msgid, params) or None."""
    recomputed = N_(
        "Fund {fund}: the chain was recomputed without the key, from entry {voucher} on: "
        "entries were changed."
    )
    removed_end = N_("Fund {fund}: entries were removed from the end, after {voucher}.")
    if (seal.opening_balance, seal.opening_date) != (
        fund.opening_balance, fund.opening_date.isoformat(),
    ):  # fmt: skip
        return N_("Fund {fund}: the opening balance or the first entry was changed."), {}
    if count > seal.seq:
        inserted = first_bad or beyond_seal
        return N_(
            "Fund {fund}: entries were inserted outside the app: its seal vouches for {sealed} "
            "entries, the ledger holds {count}; the first that does not match is {voucher}."
        ), {
            "voucher": inserted.voucher if inserted else "—",
            "sealed": str(seal.seq),
            "count": str(count),
        }
    if count < seal.seq:
        if first_bad is not None:
            after = before_bad.voucher if before_bad else "—"
            return N_("Fund {fund}: an entry was removed after {voucher}."), {"voucher": after}
        return removed_end, {"voucher": last.voucher if last else "—"}
    head = last.hash if last is not None else seal.head
    if first_bad is not None:
        if bad_since_first and head != seal.head:
            return recomputed, {"voucher": first_bad.voucher}
        return N_("Fund {fund}: entry {voucher} was changed after it was saved."), {
            "voucher": first_bad.voucher
        }
    if head != seal.head:
        return recomputed, {"voucher": "—"}
    if total != seal.balance or fund.head_balance != seal.balance:
        return N_("Fund {fund}: the stored balance was changed outside the app."), {}
    if (fund.head_seq, fund.head_hash) != (seal.seq, seal.head):
        return removed_end, {"voucher": last.voucher if last else "—"}
    if fund.deleted and not seal.deleted:
        return N_("Fund {fund} was hidden (marked as deleted) outside the app."), {}
    sealed_years = dict(seal.closed)
    actual = dict(closings)
    removed = sorted(set(sealed_years) - set(actual))
    if removed:
        return N_("Fund {fund}: the closing of the year {year} was removed outside the app."), {
            "year": str(removed[0])
        }
    if sealed_years != actual:
        return N_("Fund {fund}: a year closing was added or changed outside the app."), {}
    return None


_TAMPERED_LIST = N_(
    "The list of this centre's funds does not match its seal, so no fund can be opened. "
    "Run ledger verify to see what was changed."
)


def _too_long(field: str, limit: int) -> Problem:
    return Problem(
        field, N_("Too long for the voucher: keep it under {limit} characters."), {"limit": limit}
    )


def _reversal_of(original: EntryRow, day: dt.date, number: int, reason: str) -> NewEntry:
    """The entry that cancels `original` on `day`: in its book and account, with everything
    it recorded, the opposite effect, and the reason (a void, a reclassified gift)."""
    return NewEntry(
        book=original.book,
        year=day.year,
        number=number,
        entry_date=day,
        kind=EntryKind.REVERSAL,
        amount=original.amount,
        effect=-original.effect,
        in_kind=original.in_kind,
        party_name=original.party_name,
        party_address=original.party_address,
        person_id=original.person_id,
        reason=reason,
        reverses=original.id,
        account=original.account,
        quantity=original.quantity,
        unit=original.unit,
    )


def _goods_of(text: str) -> tuple[int, str, str]:
    """(quantity, unit, items) read from an old in-kind note such as "12 bộ sách giáo khoa";
    a note without a count is one lot ("1 lô") of what it says."""
    words = nfc(text).split()
    if len(words) >= 3 and words[0].isdigit() and 0 < int(words[0]) <= 999_999_999:
        return int(words[0]), words[1], " ".join(words[2:])
    return 1, "lô", " ".join(words) or "hiện vật"
