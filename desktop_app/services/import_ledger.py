"""Bringing in a fund's ledger kept in Excel ("Sổ quỹ"): a list of receipts and payments.

Each row becomes one receipt or payment of the fund, exactly as the entry form would record
it: the same checks (core.fund.validate_entry and the fund's own rules: not before the fund
opened, not in a closed year, no payment the cash cannot cover at its date), and, on import,
the fund's own append path (FundService.record), so the app numbers the vouchers (PT-0001/2026,
PC-0001/2026), chains and seals them; the file's own voucher numbers are kept in the import's
history and shown, never used. A row is a receipt or a payment by the amount column it fills
(a cash book's "Thu" and "Chi"), else by its kind column (Thu/Chi, PT/PC), its voucher number
or the words of its reason; the kind of entry (dues, interest, scholarship...) by its words.

Goods (gifts in kind) are not imported: they are valued and handed out through the goods
receipt form. An entry the fund holds already (same day, amount, payer and book) is a match,
never booked twice. The ledger is append-only: undoing an import voids every entry it recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence

from desktop_app.core import import_values as values
from desktop_app.core import legacy_text
from desktop_app.core.fund import (
    CASH_BOOKS,
    MAX_VOID_REASON,
    RECIPIENT_KINDS,
    Account,
    Book,
    EntryInput,
    EntryKind,
    book_of,
    validate_entry,
)
from desktop_app.core.ids import new_id
from desktop_app.core.money import Money
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.progress import Progress, check
from desktop_app.core.text import fold, nfc
from desktop_app.services.fund import FundRow, FundService, LedgerFilter
from desktop_app.services.imports import (
    DUPLICATE,
    IGNORED,
    MATCH,
    NEW,
    REJECTED,
    Cell,
    ColumnPlan,
    ImportOptions,
    ImportPlan,
    ImportResult,
    PlannedRow,
    UndoResult,
    _day,
    _is_footer,
    _shown,
)
from desktop_app.services.ops import Ops
from desktop_app.services.people import PeopleService
from desktop_app.storage import imports as repo
from desktop_app.storage.db import Database

__all__ = ["VOID_REASON", "LedgerImport", "totals"]

AMOUNT_FIELDS = ("amount", "amount_in", "amount_out")

# The void's reason of each entry when an import is undone: printed on the reversal, which
# is a Vietnamese document whatever the screen's language (as "Hủy phiếu …").
VOID_REASON = "Hủy nhập từ Excel {file}"

NO_DATE = N_("The date is empty: type the day of the entry as dd/mm/yyyy.")
BOTH_AMOUNTS = N_(
    "Both the receipt and the payment column hold an amount: one row is one entry. Split it "
    "into two rows."
)
NO_WAY = N_(
    "It cannot be told whether this is a receipt or a payment: type Thu or Chi in the kind "
    "column, or put the amount in the Thu or the Chi column."
)
NOT_A_WAY = N_(
    "“{value}” is neither a receipt nor a payment: type Thu or Chi (PT or PC also work)."
)
IN_KIND = N_(
    "A gift in kind (hiện vật) is not imported: record goods with the goods receipt form on "
    "the Fund page, which values them and keeps them out of the cash."
)
NO_PUPIL_NAMED = N_(
    "A scholarship or an award is paid for a pupil of the people list, and this row names "
    "none: put the pupil's name in the reason (\u201cHọc bổng cho em …\u201d) or the receiver "
    "column, or change the kind of the row (e.g. to Chi hoạt động)."
)
NO_PAYER_COLUMN = N_(
    "No column is mapped to who paid or received the money (\u201cNgười nộp/nhận\u201d): "
    "every voucher names them. Map that column, or add it to the file."
)
NO_PUPIL = N_(
    "A scholarship or an award is paid for a pupil of the people list, and no one there is "
    "called {name}: add the pupil first, or change the kind of the row (e.g. to Chi hoạt "
    "động)."
)
SEVERAL_PUPILS = N_(
    "{count} people of the people list are called {name}: the pupil cannot be told. Record "
    "this payment with the form, or change the kind of the row."
)
BALANCE_OFF = N_(
    "The balance in the file is {balance}, but the amounts above it add up to {expected}: "
    "check the amounts (the entries are imported as they are)."
)
BALANCE_NOTE = N_("Shown only: the running balance is checked against the amounts, not imported.")
NOTES_NOTE = N_("Shown only: an entry has no notes; put what the voucher must say into the reason.")

# Rows of a cash book that are no entry: the balance brought forward, the totals, the balance
# carried over ("Số dư đầu kỳ", "Cộng phát sinh", "Tồn cuối kỳ", "Chuyển sang trang sau"), told
# by how their label begins (folded, "cong" alone is also "Công tác phí": a lone "Cộng" is
# matched with its marks).
_TOTALS = (
    "so du", "ton dau", "ton cuoi", "ton quy", "cong phat sinh", "cong luy ke", "cong thang",
    "cong quy", "cong nam", "cong trang", "tong cong", "tong thu", "tong chi", "tong so",
    "luy ke", "chuyen sang", "mang sang",
)  # fmt: skip
_TOTAL_MARKED = re.compile(r"cộng\s*(?::|$)")  # "Cộng", "Cộng:", never "Cộng đồng"


def _is_total(cells: Mapping[str, str]) -> bool:
    for key in ("row_number", "date", "reason", "payer"):
        text = cells.get(key, "")
        folded = fold(text)
        if any(folded == p or folded.startswith(p + " ") for p in _TOTALS):
            return True
        if key != "payer" and _TOTAL_MARKED.match(nfc(text).casefold()):
            return True
    return False


_RECEIPT_WORDS = frozenset({"thu", "pt", "phieu thu", "thu tien", "receipt", "in", "income"})
_PAYMENT_WORDS = frozenset({"chi", "pc", "phieu chi", "chi tien", "payment", "out", "expense"})
_EMPTY_MARKS = frozenset({"-", "–", "—", "_", "0"})


def _words_in(folded: str, phrases: Sequence[str]) -> bool:
    padded = f" {folded} "
    return any(f" {p} " in padded for p in phrases)


def _receipt_kind(folded: str, marked: str) -> EntryKind | None:
    if _words_in(folded, ("hoi phi", "dues")):
        return EntryKind.DUES
    # "lãi" (interest), not "lại" (again): the marks tell them apart.
    if re.search(r"\blãi\b", marked) or _words_in(folded, ("lai tien gui", "tien lai",
                                                          "lai suat", "interest")):  # fmt: skip
        return EntryKind.INTEREST
    return None


def _payment_kind(folded: str, marked: str) -> EntryKind | None:
    # Buying the prizes or organising the ceremony is an expense of the fund, not a payment
    # to a pupil ("Chi mua phần thưởng cho học sinh giỏi", "Tổ chức lễ trao học bổng").
    if _words_in(folded, _EXPENSE_WORDS):
        return None
    if _words_in(folded, ("hoc bong", "scholarship")):
        return EntryKind.SCHOLARSHIP
    # "thưởng" (award), not "thường" (usual): the marks tell them apart.
    if "thưởng" in marked or _words_in(folded, ("phan thuong", "khen thuong", "award", "prize")):
        return EntryKind.AWARD
    if re.search(r"\bquà\b", marked) or _words_in(folded, ("qua tang", "gift")):
        return EntryKind.GIFT
    return None


_EXPENSE_WORDS = (
    "mua", "in an", "to chuc", "hoi nghi", "van phong pham", "thue", "buy", "purchase",
)  # fmt: skip


def _entry_kind(book: Book, texts: Sequence[str]) -> EntryKind:
    """The kind of a receipt or a payment from the words of its kind and reason cells (the
    kind column first): only the kinds of its own book (a receipt "Ủng hộ quỹ học bổng" is a
    donation, not a scholarship)."""
    for text in texts:
        folded, marked = fold(text), nfc(text).casefold()
        found = (
            _receipt_kind(folded, marked) if book is Book.RECEIPT else _payment_kind(folded, marked)
        )
        if found is not None:
            return found
    return EntryKind.DONATION_CASH if book is Book.RECEIPT else EntryKind.EXPENSE


def _way_of_words(text: str) -> Book | None:
    """A receipt or a payment from a kind cell or a reason: "Thu", "Phiếu chi", "Hội phí",
    "Học bổng", "Ủng hộ quỹ"... None when the words do not say."""
    folded, marked = fold(text), nfc(text).casefold()
    first = folded.split()[:1]
    if folded in _RECEIPT_WORDS or first == ["thu"]:
        return Book.RECEIPT
    if folded in _PAYMENT_WORDS or first == ["chi"]:
        return Book.PAYMENT
    if _receipt_kind(folded, marked) or _words_in(folded, ("ung ho", "nop", "donation")):
        return Book.RECEIPT
    if _payment_kind(folded, marked):
        return Book.PAYMENT
    return None


def _is_in_kind(text: str) -> bool:
    return _words_in(fold(text), ("hien vat", "in kind"))


def _amount_field(cells: Mapping[str, object]) -> str:
    return next((k for k in AMOUNT_FIELDS if k in cells), "amount")


# Where the form's fields are in the file: a problem names the column as the sheet has it.
_FORM_FIELDS = {
    "entry_date": "date", "party_name": "payer", "person_id": "payer", "reason": "reason",
    "kind": "kind", "in_kind": "kind", "party_address": "payer",
}  # fmt: skip


def totals(plan: ImportPlan) -> tuple[int, int, int]:
    """(entries, receipts, payments in đồng) of the rows the plan would record."""
    entries = [r.entry for r in plan.rows if r.status == NEW and r.entry is not None]
    receipts = sum(e.amount for e in entries if book_of(e.kind) is Book.RECEIPT)
    payments = sum(e.amount for e in entries if book_of(e.kind) is Book.PAYMENT)
    return len(entries), receipts, payments


def _booking_order(row: PlannedRow) -> tuple[dt.date, int, int]:
    """In date order, the receipts of a day before its payments (what a day received can pay
    out that day), then as in the file."""
    assert row.entry is not None
    return (row.entry.entry_date, 0 if book_of(row.entry.kind) is Book.RECEIPT else 1, row.row)


class LedgerImport:
    """The ledger kind of ImportService: reads, classifies, records and undoes fund entries."""

    def __init__(self, db: Database, ops: Ops, fund: FundService, people: PeopleService) -> None:
        self._db = db
        self._ops = ops
        self._fund = fund
        self._people = people

    # Reading -----------------------------------------------------------------------------

    def read_rows(
        self, data: Sequence[Sequence[Cell]], data_start: int, columns: Sequence[ColumnPlan]
    ) -> list[PlannedRow]:
        """Each row as the entry it would be (its fund is set when it is classified), or
        rejected with the reason per column; the totals and balance rows are ignored. The
        file's running balance, when it has one, is checked (a warning, never a rejection)."""
        mapped = [c for c in columns if c.field]
        out: list[PlannedRow] = []
        running: int | None = None
        for offset, raw in enumerate(data):
            row_number = data_start + offset + 1
            cells: dict[str, Cell] = {}
            for c in mapped:
                cell = raw[c.index] if c.index < len(raw) else None
                if isinstance(cell, str):
                    cell = legacy_text.to_unicode(cell, c.encoding).strip() or None
                if cell is not None and c.field is not None:
                    cells[c.field] = cell
            shown = {k: _shown(v) for k, v in cells.items()}
            if not any(shown.values()):
                continue  # a blank row
            # The signature block, a month's heading: no day and no amount, no entry.
            some_amount = any(k in cells and shown[k] not in _EMPTY_MARKS for k in AMOUNT_FIELDS)
            # Under the table, the signatures may sit in the amount column ("Thủ quỹ").
            signed = "date" not in cells and any(
                _is_footer(t) or _words_in(fold(t), ("thu quy", "ke toan")) for t in shown.values()
            )
            if (not some_amount and "date" not in cells) or signed or _is_total(shown):
                balance = self._balance(cells)
                if balance is not None and running is None:
                    running = balance  # the balance brought forward
                out.append(PlannedRow(row_number, IGNORED, shown, raw=tuple(raw)))
                continue
            row = self._entry_row(row_number, cells, shown)
            # The file's own running balance, checked (and taken again from the file after a
            # difference, so one slip is reported once).
            balance = self._balance(cells)
            if row.entry is not None:
                effect = row.entry.amount * (1 if book_of(row.entry.kind) is Book.RECEIPT else -1)
                expected = None if running is None else running + effect
                if balance is not None and expected is not None and balance != expected:
                    warning = Problem(
                        "balance", BALANCE_OFF,
                        {"balance": Money(balance), "expected": Money(expected)}, warning=True,
                    )  # fmt: skip
                    row = dataclasses.replace(
                        row, problems=(*row.problems, warning),
                        read_problems=(*row.read_problems, warning),
                    )  # fmt: skip
                running = balance if balance is not None else expected
            elif balance is not None:
                running = balance
            out.append(dataclasses.replace(row, raw=tuple(raw)))
        return out

    @staticmethod
    def _balance(cells: Mapping[str, Cell]) -> int | None:
        cell = cells.get("balance")
        if cell is None:
            return None
        negative = isinstance(cell, str) and cell.strip().startswith(("-", "("))
        try:
            if isinstance(cell, int | float) and not isinstance(cell, bool) and cell < 0:
                return -values.parse_amount(-cell)
            if negative and isinstance(cell, str):
                return -values.parse_amount(cell.strip().strip("-()"))
            return values.parse_amount(cell)
        except UserError:
            return None

    def _entry_row(self, row: int, cells: Mapping[str, Cell], shown: dict[str, str]) -> PlannedRow:
        problems: list[Problem] = []
        day: dt.date | None = None
        if cells.get("date") is None:
            problems.append(Problem("date", NO_DATE))
        else:
            try:
                day = values.parse_day_cell(cells["date"])
            except UserError as exc:
                problems.append(Problem("date", exc.message, exc.params))
        amounts: dict[str, int] = {}
        for key in AMOUNT_FIELDS:
            cell = cells.get(key)
            if cell is None or (isinstance(cell, str) and cell.strip() in _EMPTY_MARKS):
                continue
            try:
                amount = values.parse_amount(cell)
            except UserError as exc:
                problems.append(Problem(key, exc.message, exc.params))
                amounts[key] = -1
                continue
            # A cash book fills one of Thu and Chi and leaves 0 in the other.
            if amount or key == "amount":
                amounts[key] = amount
        texts = [values.parse_text(cells[k]) for k in ("kind", "reason") if k in cells]
        voucher = values.parse_text(cells["voucher"]) if "voucher" in cells else ""
        if any(_is_in_kind(t) for t in texts):
            problems.append(Problem("kind" if "kind" in cells else "reason", IN_KIND))
        book: Book | None = None
        if "amount_in" in amounts and "amount_out" in amounts:
            problems.append(Problem("amount_in", BOTH_AMOUNTS))
        elif "amount_in" in amounts:
            book = Book.RECEIPT
        elif "amount_out" in amounts:
            book = Book.PAYMENT
        elif "kind" in cells:
            book = _way_of_words(texts[0])
            if book is None:
                problems.append(Problem("kind", NOT_A_WAY, {"value": shown["kind"][:40]}))
        if book is None and "kind" not in cells and not problems:
            folded_voucher = fold(voucher).replace(" ", "")
            if folded_voucher.startswith("pt"):
                book = Book.RECEIPT
            elif folded_voucher.startswith("pc"):
                book = Book.PAYMENT
            else:
                book = next((b for t in texts if (b := _way_of_words(t)) is not None), None)
            if book is None:
                problems.append(Problem("kind", NO_WAY))
        if not amounts:
            problems.append(Problem(_amount_field(cells), values.EMPTY_AMOUNT))
        amount = max(amounts.values(), default=-1)
        entry = None
        if day is not None and book is not None and amount >= 0 and not problems:
            entry = EntryInput(
                fund_id="", kind=_entry_kind(book, texts), entry_date=day, amount=amount,
                party_name=values.parse_text(cells.get("payer")),
                reason=values.parse_text(cells.get("reason")), account=Account.CASH,
            )  # fmt: skip
        return PlannedRow(
            row, REJECTED if problems else NEW, shown, entry=entry, voucher=voucher,
            problems=tuple(problems), read_problems=tuple(problems),
        )  # fmt: skip

    # Classifying ---------------------------------------------------------------------------

    def fund_for(self, fund_id: str | None) -> FundRow:
        """The fund the entries go into: the one named, or the centre's only fund."""
        own = [f for f in self._fund.funds() if f.owner_site == self._db.site_id]
        listed = ", ".join(f"{f.name} ({f.id})" for f in own) or "—"
        if fund_id:
            found = [f for f in own if f.id == fund_id or fold(f.name) == fold(fund_id)]
            if len(found) != 1:
                raise UserError(
                    N_("There is no fund {fund} at this centre; its funds are: {funds}."),
                    {"fund": fund_id, "funds": listed},
                )
            return found[0]
        if not own:
            raise UserError(
                N_(
                    "This centre has no fund yet: open the fund on the Fund page first, then "
                    "import its ledger."
                )
            )
        if len(own) > 1:
            raise UserError(
                N_("This centre has several funds: say which one the entries go into ({funds})."),
                {"funds": listed},
            )
        return own[0]

    def stamp(self, fund: FundRow) -> tuple[int, ...]:
        seq = self._fund.get(fund.id).head_seq
        return (*repo.registry_stamp(self._db), seq, len(self._fund.closed_years(fund.id)))

    def classify(self, plan: ImportPlan, options: ImportOptions) -> ImportPlan:
        """Check every row as the entry form and the fund would, match it against the
        entries the fund holds, find the rows repeated in the file, and check, in the order
        the entries would be recorded, that the cash covers every payment."""
        fund = self.fund_for(options.fund_id)
        if not any(c.field == "payer" for c in plan.columns):
            raise UserError(NO_PAYER_COLUMN)
        today = dt.date.today()
        closed = self._fund.closed_years(fund.id)
        last_closed = max(closed) if closed else None
        by_name: dict[str, list[repo.HeldPerson]] = {}
        for p in repo.held_people(self._db, self._db.site_id):
            if not p.deleted:
                by_name.setdefault(p.folded_name, []).append(p)
        held: dict[tuple[str, int, str, str], str] = {}
        for e in self._fund.entries(LedgerFilter(fund_id=fund.id, books=CASH_BOOKS)):
            if e.kind is not EntryKind.REVERSAL and e.reversed_by is None:
                held.setdefault(
                    (e.entry_date.isoformat(), e.amount, fold(e.party_name), e.book.value),
                    e.voucher,
                )
        seen: dict[tuple[str, int, str, str], int] = {}
        out: list[PlannedRow] = []
        for r in plan.rows:
            if r.status == IGNORED or r.entry is None:
                out.append(r)
                continue
            problems = list(r.read_problems)
            amount_field = _amount_field(r.cells)
            entry = dataclasses.replace(r.entry, fund_id=fund.id, person_id=None)
            pupil: list[Problem] = []
            if entry.kind in RECIPIENT_KINDS:
                entry, pupil = self._pupil(entry, by_name)
            problems += pupil
            problems += [
                dataclasses.replace(p, field=_FORM_FIELDS.get(p.field, amount_field))
                for p in validate_entry(entry, today)
                if not (p.field in ("person_id", "party_name") and pupil)
            ]
            if entry.entry_date < fund.opening_date:
                problems.append(
                    Problem(
                        "date",
                        N_("The fund opened on {date}; an entry cannot be dated before that."),
                        {"date": f"{fund.opening_date:%d/%m/%Y}"},
                    )
                )
            if last_closed is not None and entry.entry_date.year <= last_closed:
                problems.append(
                    Problem(
                        "date",
                        N_(
                            "The year {year} is closed for this fund, so nothing can be dated "
                            "in it. Use a date in {open_year} or later."
                        ),
                        {"year": entry.entry_date.year, "open_year": last_closed + 1},
                    )
                )
            status, match, duplicate_of = NEW, "", None
            if any(not p.warning for p in problems):
                status = REJECTED
            else:
                book = book_of(entry.kind)
                key = (entry.entry_date.isoformat(), entry.amount, fold(entry.party_name),
                       book.value)  # fmt: skip
                if key in held:
                    status, match = MATCH, held[key]
                elif key in seen:
                    status, duplicate_of = DUPLICATE, seen[key]
                else:
                    seen[key] = r.row
            out.append(
                dataclasses.replace(
                    r, status=status, entry=entry, problems=tuple(problems),
                    match_name=match, match_id=None, duplicate_of=duplicate_of,
                )
            )  # fmt: skip
        if not fund.allow_negative:
            out = self._check_cover(fund, out)
        notes = {"balance": BALANCE_NOTE, "notes": NOTES_NOTE}
        columns = tuple(
            dataclasses.replace(c, note=notes.get(c.field or "", c.note)) for c in plan.columns
        )
        return dataclasses.replace(
            plan, rows=tuple(out), columns=columns, stamp=self.stamp(fund), options=options
        )

    def _pupil(
        self, entry: EntryInput, by_name: Mapping[str, list[repo.HeldPerson]]
    ) -> tuple[EntryInput, list[Problem]]:
        """A scholarship or an award with its pupil: the one living person the reason names
        ("Học bổng cho em Lê Thị Mai"), else the one the payer column names."""
        folded_reason = f" {fold(entry.reason)} "
        in_reason = [
            people for name, people in by_name.items() if name and f" {name} " in folded_reason
        ]
        name = entry.party_name
        candidates = by_name.get(fold(name).strip(), [])
        if len(in_reason) == 1:
            candidates = in_reason[0]
        if not candidates:
            if not name:
                return entry, [Problem("payer", NO_PUPIL_NAMED)]
            return entry, [Problem("payer", NO_PUPIL, {"name": name})]
        if len(candidates) > 1:
            return entry, [
                Problem("payer", SEVERAL_PUPILS, {"count": len(candidates), "name": name})
            ]
        pupil = self._people.get(candidates[0].id)
        entry = dataclasses.replace(entry, person_id=pupil.id)
        try:
            FundService._check_guardian(entry, pupil.full_name, pupil.birth)
        except UserError as exc:
            return entry, [Problem("payer", exc.message, exc.params)]
        return entry, []

    def _check_cover(self, fund: FundRow, rows: Sequence[PlannedRow]) -> list[PlannedRow]:
        """A payment the cash cannot cover, at its date or after (with the entries the file
        records before it), is rejected with the fund's own reason, as the form refuses it."""
        booked = sorted((r for r in rows if r.status == NEW), key=_booking_order)
        held_after = self._fund.account_balance(fund.id, Account.CASH, dt.date.max)
        at: dict[dt.date, int] = {}
        from_file = 0
        refused: dict[int, Problem] = {}
        for r in booked:
            assert r.entry is not None
            if book_of(r.entry.kind) is Book.RECEIPT:
                from_file += r.entry.amount
                continue
            day = r.entry.entry_date
            if day not in at:
                at[day] = self._fund.account_balance(fund.id, Account.CASH, day)
            available = min(at[day], held_after) + from_file
            if r.entry.amount > available:
                refused[r.row] = Problem(
                    _amount_field(r.cells),
                    N_(
                        "The fund's cash holds only {balance}, less than the {amount} to pay. "
                        "Record the receipts first, pay through the bank, or lower the amount."
                    ),
                    {"balance": Money(max(available, 0)), "amount": Money(r.entry.amount)},
                )
                continue
            from_file -= r.entry.amount
        return [
            dataclasses.replace(r, status=REJECTED, problems=(*r.problems, refused[r.row]))
            if r.row in refused
            else r
            for r in rows
        ]

    # Importing -----------------------------------------------------------------------------

    def apply(self, plan: ImportPlan, options: ImportOptions, progress: Progress) -> ImportResult:
        """Record every new row through the fund's own append path, in date order, in one
        operation (all of them or none); the file's voucher numbers go into the history."""
        batch_id = new_id()
        with self._ops.op("import.ledger") as op:
            done = repo.live_batch_of_file(self._db, plan.file.sha256, plan.kind)
            if done is not None:
                raise UserError(
                    N_(
                        "This file was imported already, on {date} ({count} entries): "
                        "importing it again would record them twice. Undo that import first "
                        "if it was wrong."
                    ),
                    {"date": _day(done.imported_at), "count": int(done.counts.get("entries", 0))},
                )
            fund = self.fund_for(options.fund_id)
            fresh = plan
            if plan.stamp != self.stamp(fund) or plan.options != options:
                fresh = self.classify(
                    dataclasses.replace(plan, rows=tuple(_unclassified(plan.rows))), options
                )
            if fresh.counts != plan.counts and not options.skip_rejected:
                raise UserError(
                    N_(
                        "The fund or the people list changed since the file was checked: "
                        "check the file again. Nothing was imported."
                    )
                )
            check(progress, 1, 4)
            rows = sorted(
                (r for r in fresh.rows if r.status == NEW and r.entry is not None),
                key=_booking_order,
            )
            effects = []
            receipts = payments = 0
            today = dt.date.today()
            for r in rows:
                assert r.entry is not None
                recorded = self._fund.record(r.entry, today).value
                if recorded.book is Book.RECEIPT:
                    receipts += recorded.amount
                else:
                    payments += recorded.amount
                effects.append(
                    repo.Effect(
                        "ledger_entry", recorded.id, repo.CREATED,
                        {"row": r.row, "voucher": r.voucher, "recorded": recorded.voucher},
                    )
                )  # fmt: skip
            check(progress, 2, 4)
            counts = fresh.counts
            counts.update(entries=len(rows), receipts_total=receipts, payments_total=payments)
            repo.insert_batch(
                op.tx, batch_id=batch_id, kind=plan.kind, file_name=plan.file.path.name,
                sha256=plan.file.sha256, sheet=plan.sheet, header_row=plan.header_row,
                mapping={"columns": plan.mapping()}, counts=counts, target_id=fund.id,
            )  # fmt: skip
            repo.insert_effects(op.tx, batch_id, effects)
            repo.save_mapping(op.tx, plan.signature, plan.kind, plan.mapping())
            check(progress, 3, 4)
        progress(4, 4)
        return ImportResult(batch_id, counts, op.result(None).changes)

    # Undo ------------------------------------------------------------------------------------

    def undo(self, import_id: str) -> UndoResult:
        """Void every entry the import recorded (the ledger is append-only: each gets its
        reversal voucher, dated today). Refused, with the reason, when one of them was voided
        since or lies in a closed year."""
        with self._ops.op("import.undo") as op:
            batch = repo.get_batch(self._db, import_id)
            if batch is None:
                raise UserError(N_("No import has the id {id}."), {"id": import_id})
            if batch.undone_at is not None:
                raise UserError(
                    N_("This import was undone already, on {date}."),
                    {"date": _day(batch.undone_at)},
                )
            entries = [
                self._fund.entry(e.row_id)
                for e in repo.effects_of(self._db, import_id)
                if e.table == "ledger_entry"
            ]
            voided = [e.voucher for e in entries if e.reversed_by is not None]
            if voided:
                raise UserError(
                    N_(
                        "Entries this import recorded were voided since ({vouchers}): it "
                        "cannot be undone as a whole. Void the other entries one by one if "
                        "they are wrong. Nothing was undone."
                    ),
                    {"vouchers": ", ".join(voided[:5])},
                )
            closed = [y for e in entries for y in self._fund.closed_years(e.fund_id)
                      if e.year <= y]  # fmt: skip
            if closed:
                raise UserError(
                    N_(
                        "The year {year} is closed for this fund: the entries this import "
                        "recorded in it stay as they are. Nothing was undone."
                    ),
                    {"year": min(closed)},
                )
            reason = _void_reason(batch.file_name)
            # Payments first: voiding them puts the money back before the receipts go.
            for e in sorted(entries, key=lambda e: (e.book is Book.RECEIPT, e.seq)):
                self._fund.void(e.id, reason)
            repo.mark_undone(op.tx, import_id)
        return UndoResult(import_id, 0, 0, op.result(None).changes, voided=len(entries))


def _void_reason(file_name: str) -> str:
    room = MAX_VOID_REASON - len(VOID_REASON.format(file=""))
    name = file_name if len(file_name) <= room else file_name[: room - 1] + "…"
    return VOID_REASON.format(file=name)


def _unclassified(rows: Sequence[PlannedRow]) -> list[PlannedRow]:
    """The rows as read, before any classification (for classifying again)."""
    out = []
    for r in rows:
        if r.status == IGNORED or (r.entry is None and not r.read_problems):
            out.append(r)
            continue
        out.append(
            dataclasses.replace(
                r, status=REJECTED if any(not p.warning for p in r.read_problems) else NEW,
                problems=r.read_problems, match_name="", duplicate_of=None,
            )
        )  # fmt: skip
    return out
