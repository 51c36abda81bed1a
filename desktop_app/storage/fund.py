"""SQL for funds and the append-only, hash-chained ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from desktop_app.core.fund import (
    EXTRA_FIELDS,
    HASHED_FIELDS,
    Account,
    Book,
    EntryKind,
    HeadSeal,
    chain_values,
    keyed_entry_hash,
    keyed_genesis,
)
from desktop_app.core.ids import new_id
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx


@dataclass(frozen=True)
class FundRow:
    id: str
    name: str
    kind: str
    book: str
    opening_balance: int
    opening_date: dt.date
    carried_from: str
    transfer_document: str
    allow_negative: bool
    head_seq: int
    head_hash: str
    head_balance: int
    owner_site: str = ""
    deleted: bool = False
    head_seal: str = ""


_FUND_COLUMNS = (
    "id, name, kind, book, opening_balance, opening_date, carried_from, transfer_document,"
    " allow_negative, head_seq, head_hash, head_balance, owner_site, deleted, head_seal"
)


def _fund(r: Sequence[object]) -> FundRow:
    return FundRow(
        str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(str(r[4])),
        dt.date.fromisoformat(str(r[5])), str(r[6]), str(r[7]), bool(r[8]), int(str(r[9])),
        str(r[10]), int(str(r[11])), str(r[12]), bool(r[13]), str(r[14] or ""),
    )  # fmt: skip


def insert_fund(
    tx: Tx,
    key: bytes,
    *,
    name: str,
    kind: str,
    book: str,
    opening_balance: int,
    opening_date: dt.date,
    carried_from: str,
    transfer_document: str,
    allow_negative: bool,
) -> str:
    """A new fund, its chain begun with the keyed genesis and its head sealed with `key`."""
    fund_id = new_id()
    genesis = keyed_genesis(key, fund_id, opening_balance, opening_date.isoformat())
    seal = HeadSeal(
        fund_id=fund_id, owner_site=tx.site_id, opening_balance=opening_balance,
        opening_date=opening_date.isoformat(), legacy=None, seq=0, head=genesis, balance=0,
        closed=(),
    )  # fmt: skip
    return tx.insert(
        "fund",
        {
            "id": fund_id, "name": name, "kind": kind, "book": book,
            "opening_balance": opening_balance, "opening_date": opening_date.isoformat(),
            "carried_from": carried_from, "transfer_document": transfer_document,
            "allow_negative": int(allow_negative), "head_seq": 0, "head_hash": genesis,
            "head_balance": 0, "head_seal": seal.sealed(key),
        },
    )  # fmt: skip


def set_head_seal(tx: Tx, fund_id: str, seal: str) -> None:
    tx.update("fund", fund_id, {"head_seal": seal})


def funds_seal(db: Database) -> str:
    r = db.conn.execute("SELECT funds_seal FROM site WHERE id = ?", (db.site_id,)).fetchone()
    return str(r[0] or "") if r else ""


def set_funds_seal(tx: Tx, seal: str) -> None:
    # The site row is this installation's identity, not data that travels: no stamp.
    tx.conn.execute("UPDATE site SET funds_seal = ? WHERE id = ?", (seal, tx.site_id))


def list_funds(db: Database, sites: Sequence[str] | None = None) -> list[FundRow]:
    """The live funds; of these sites only when `sites` is given (an office's view)."""
    where, params = "deleted = 0", list(sites or ())
    if sites is not None:
        where += f" AND owner_site IN ({', '.join('?' for _ in sites)})"
    rows = db.conn.execute(
        f"SELECT {_FUND_COLUMNS} FROM fund WHERE {where} ORDER BY opening_date, name", params
    ).fetchall()
    return [_fund(r) for r in rows]


def all_funds(db: Database) -> list[FundRow]:
    """Every fund of every site, deleted ones too (the verifier's list)."""
    rows = db.conn.execute(
        f"SELECT {_FUND_COLUMNS} FROM fund ORDER BY opening_date, name, id"
    ).fetchall()
    return [_fund(r) for r in rows]


def get_fund(db: Database, fund_id: str) -> FundRow | None:
    r = db.conn.execute(f"SELECT {_FUND_COLUMNS} FROM fund WHERE id = ?", (fund_id,)).fetchone()
    return _fund(r) if r else None


def update_fund_details(tx: Tx, fund_id: str, name: str, allow_negative: bool) -> None:
    """Only what does not touch money: the name and whether it may go below zero."""
    tx.update("fund", fund_id, {"name": name, "allow_negative": int(allow_negative)})


def balance_at(db: Database, fund: FundRow, day: dt.date | None = None) -> int:
    """Opening balance plus every entry dated on or before `day` (all entries if None).

    The fund row keeps the running total of its chain, so a late date sums only the
    entries after it: either way at most about half of the ledger is read.
    """
    total = int(
        db.conn.execute("SELECT head_balance FROM fund WHERE id = ?", (fund.id,)).fetchone()[0]
    )
    if day is None:
        return fund.opening_balance + total
    # Two queries: SQLite answers a lone min() or max() from the index in one step.
    first = db.conn.execute(
        "SELECT min(entry_date) FROM ledger_entry WHERE fund_id = ?", (fund.id,)
    ).fetchone()[0]
    last = db.conn.execute(
        "SELECT max(entry_date) FROM ledger_entry WHERE fund_id = ?", (fund.id,)
    ).fetchone()[0]
    if first is None or day.isoformat() >= last:
        return fund.opening_balance + total
    if day.isoformat() < first:
        return fund.opening_balance
    middle = (
        dt.date.fromisoformat(first)
        + (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)) / 2
    )
    if day <= middle:
        r = db.conn.execute(
            "SELECT coalesce(sum(effect), 0) FROM ledger_entry"
            " WHERE fund_id = ? AND entry_date <= ?",
            (fund.id, day.isoformat()),
        ).fetchone()
        return fund.opening_balance + int(r[0])
    r = db.conn.execute(
        "SELECT coalesce(sum(effect), 0) FROM ledger_entry WHERE fund_id = ? AND entry_date > ?",
        (fund.id, day.isoformat()),
    ).fetchone()
    return fund.opening_balance + total - int(r[0])


def last_entry_date(db: Database, fund_id: str) -> dt.date | None:
    """The date of the fund's latest entry (from the index), or None for an empty ledger."""
    r = db.conn.execute(
        "SELECT max(entry_date) FROM ledger_entry WHERE fund_id = ?", (fund_id,)
    ).fetchone()
    return dt.date.fromisoformat(str(r[0])) if r and r[0] else None


def account_balance_at(db: Database, fund: FundRow, account: Account, day: dt.date) -> int:
    """What the cash box (with the opening balance, which is counted as cash) or the bank
    account held at the end of `day`. The bank's entries are few and have an index of their
    own (`ledger_bank`); the cash box is the fund's balance less the bank's."""
    r = db.conn.execute(
        "SELECT coalesce(sum(effect), 0) FROM ledger_entry INDEXED BY ledger_bank"
        " WHERE fund_id = ? AND account = 'bank' AND entry_date <= ?",
        (fund.id, day.isoformat()),
    ).fetchone()
    bank = int(r[0])
    if account is Account.BANK:
        return bank
    return balance_at(db, fund, None if day >= dt.date.max else day) - bank


def next_number(db: Database, fund_id: str, book: Book, year: int) -> int:
    r = db.conn.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM ledger_entry"
        " WHERE fund_id = ? AND book = ? AND year = ?",
        (fund_id, book.value, year),
    ).fetchone()
    return int(r[0])


@dataclass(frozen=True)
class EntryRow:
    id: str
    fund_id: str
    seq: int
    book: Book
    year: int
    number: int
    entry_date: dt.date
    kind: EntryKind
    amount: int
    effect: int
    in_kind: str
    party_name: str
    party_address: str
    person_id: str | None
    school: str
    grade: str
    reason: str
    attachments: int
    reverses: str | None
    created_by: str
    updated_at: str
    prev_hash: str
    hash: str
    reversed_by: str | None = None
    account: Account = Account.CASH  # hashed only when bank (core.fund.EXTRA_FIELDS)
    # Goods records (NK, XK books): how many of what unit; the entry this one comes from
    # (a goods issue: its goods receipt; a reclassified gift: the old cash receipt).
    quantity: int = 0
    unit: str = ""
    source_id: str | None = None

    @property
    def voucher(self) -> str:
        return f"{self.book.value}-{self.number:04d}/{self.year}"

    @property
    def is_goods(self) -> bool:
        return self.book in (Book.GOODS_IN, Book.GOODS_OUT)

    def hashed_fields(self) -> dict[str, object]:
        return {
            "id": self.id, "fund_id": self.fund_id, "seq": self.seq, "book": self.book.value,
            "year": self.year, "number": self.number, "entry_date": self.entry_date.isoformat(),
            "kind": self.kind.value, "amount": self.amount, "effect": self.effect,
            "in_kind": self.in_kind, "party_name": self.party_name,
            "party_address": self.party_address, "person_id": self.person_id,
            "school": self.school, "grade": self.grade, "reason": self.reason,
            "attachments": self.attachments, "reverses": self.reverses,
            "created_by": self.created_by, "updated_at": self.updated_at,
            "quantity": self.quantity, "unit": self.unit, "source_id": self.source_id,
            "account": self.account.value,
        }  # fmt: skip


_ENTRY_COLUMNS = (
    "e.id, e.fund_id, e.seq, e.book, e.year, e.number, e.entry_date, e.kind, e.amount, e.effect,"
    " e.in_kind, e.party_name, e.party_address, e.person_id, e.school, e.grade, e.reason,"
    " e.attachments, e.reverses, e.created_by, e.updated_at, e.prev_hash, e.hash, e.account,"
    " e.quantity, e.unit, e.source_id"
)


def _entry(r: Sequence[object], reversed_by: str | None = None) -> EntryRow:
    return EntryRow(
        id=str(r[0]), fund_id=str(r[1]), seq=int(str(r[2])), book=Book(str(r[3])),
        year=int(str(r[4])), number=int(str(r[5])),
        entry_date=dt.date.fromisoformat(str(r[6])), kind=EntryKind(str(r[7])),
        amount=int(str(r[8])), effect=int(str(r[9])), in_kind=str(r[10]),
        party_name=str(r[11]), party_address=str(r[12]),
        person_id=str(r[13]) if r[13] is not None else None, school=str(r[14]),
        grade=str(r[15]), reason=str(r[16]), attachments=int(str(r[17])),
        reverses=str(r[18]) if r[18] is not None else None, created_by=str(r[19]),
        updated_at=str(r[20]), prev_hash=str(r[21]), hash=str(r[22]), reversed_by=reversed_by,
        account=Account(str(r[23])), quantity=int(str(r[24])), unit=str(r[25]),
        source_id=str(r[26]) if r[26] is not None else None,
    )  # fmt: skip


@dataclass(frozen=True)
class NewEntry:
    book: Book
    year: int
    number: int
    entry_date: dt.date
    kind: EntryKind
    amount: int
    effect: int
    in_kind: str = ""
    party_name: str = ""
    party_address: str = ""
    person_id: str | None = None
    school: str = ""
    grade: str = ""
    reason: str = ""
    attachments: int = 0
    reverses: str | None = None
    account: Account = Account.CASH
    quantity: int = 0
    unit: str = ""
    source_id: str | None = None


def append_entry(tx: Tx, fund: FundRow, e: NewEntry, key: bytes, seal: HeadSeal) -> EntryRow:
    """Append to the fund's chain with the keyed hash and move the fund's head and its seal
    (stamped like any other change). `seal` is the fund's current seal, already checked
    against its head by the caller: the new seal carries its opening and closings over."""
    head = tx.conn.execute(
        "SELECT head_seq, head_hash, head_balance FROM fund WHERE id = ?", (fund.id,)
    ).fetchone()  # read again: `fund` may be stale within a long transaction
    seq = int(head[0]) + 1
    prev = str(head[1])
    row = EntryRow(
        id=new_id(), fund_id=fund.id, seq=seq, book=e.book, year=e.year, number=e.number,
        entry_date=e.entry_date, kind=e.kind, amount=e.amount, effect=e.effect,
        in_kind=e.in_kind, party_name=e.party_name, party_address=e.party_address,
        person_id=e.person_id, school=e.school, grade=e.grade, reason=e.reason,
        attachments=e.attachments, reverses=e.reverses, created_by=tx.actor,
        updated_at=tx.now, prev_hash=prev, hash="", quantity=e.quantity, unit=e.unit,
        source_id=e.source_id, account=e.account,
    )  # fmt: skip
    fields = row.hashed_fields()
    digest = keyed_entry_hash(key, prev, fields)
    balance = int(head[2]) + e.effect
    new_seal = dataclasses.replace(seal, seq=seq, head=digest, balance=balance)
    # `updated_at` is hashed: the Tx stamps the same `tx.now` the hash was taken over.
    tx.insert(
        "ledger_entry",
        {**fields, "prev_hash": prev, "hash": digest},
    )
    tx.update(
        "fund",
        fund.id,
        {
            "head_seq": seq,
            "head_hash": digest,
            "head_balance": balance,
            "head_seal": new_seal.sealed(key),
        },
    )
    return _entry(
        (row.id, fund.id, seq, e.book.value, e.year, e.number, e.entry_date.isoformat(),
         e.kind.value, e.amount, e.effect, e.in_kind, e.party_name, e.party_address,
         e.person_id, e.school, e.grade, e.reason, e.attachments, e.reverses, tx.actor,
         row.updated_at, prev, digest, e.account.value, e.quantity, e.unit, e.source_id)
    )  # fmt: skip


def current_head(db: Database, fund_id: str) -> tuple[int, str, int, bool, str]:
    """(head_seq, head_hash, head_balance, deleted, head_seal) as stored right now."""
    r = db.conn.execute(
        "SELECT head_seq, head_hash, head_balance, deleted, head_seal FROM fund WHERE id = ?",
        (fund_id,),
    ).fetchone()
    return int(r[0]), str(r[1]), int(r[2]), bool(r[3]), str(r[4] or "")


def get_entry(db: Database, entry_id: str) -> EntryRow | None:
    r = db.conn.execute(
        f"SELECT {_ENTRY_COLUMNS}, (SELECT x.id FROM ledger_entry x WHERE x.reverses = e.id)"
        " FROM ledger_entry e WHERE e.id = ?",
        (entry_id,),
    ).fetchone()
    return _entry(r[:-1], r[-1]) if r else None


def find_by_voucher(db: Database, book: Book, number: int, year: int) -> list[EntryRow]:
    rows = db.conn.execute(
        f"SELECT {_ENTRY_COLUMNS}, (SELECT x.id FROM ledger_entry x WHERE x.reverses = e.id)"
        " FROM ledger_entry e WHERE e.book = ? AND e.number = ? AND e.year = ?",
        (book.value, number, year),
    ).fetchall()
    return [_entry(r[:-1], r[-1]) for r in rows]


@dataclass(frozen=True)
class LedgerFilter:
    fund_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    kinds: tuple[EntryKind, ...] = ()
    text: str = ""
    account: Account | None = None
    books: tuple[Book, ...] = ()  # all books when empty


def list_entries(db: Database, flt: LedgerFilter, limit: int | None = None) -> list[EntryRow]:
    where: list[str] = []
    params: list[object] = []
    if flt.fund_id:
        where.append("e.fund_id = ?")
        params.append(flt.fund_id)
    if flt.start:
        where.append("e.entry_date >= ?")
        params.append(flt.start.isoformat())
    if flt.end:
        where.append("e.entry_date <= ?")
        params.append(flt.end.isoformat())
    if flt.kinds:
        where.append(f"e.kind IN ({', '.join('?' for _ in flt.kinds)})")
        params.extend(k.value for k in flt.kinds)
    if flt.account is not None:
        where.append("e.account = ?")
        params.append(flt.account.value)
    if flt.books:
        where.append(f"e.book IN ({', '.join('?' for _ in flt.books)})")
        params.extend(b.value for b in flt.books)
    if flt.text:
        where.append("(e.party_name LIKE ? OR e.reason LIKE ?)")
        params += [f"%{flt.text}%", f"%{flt.text}%"]
    sql = (
        f"SELECT {_ENTRY_COLUMNS}, r.id FROM ledger_entry e"
        " LEFT JOIN ledger_entry r ON r.reverses = e.id"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY e.entry_date, e.seq"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_entry(r[:-1], r[-1]) for r in db.conn.execute(sql, params)]


@dataclass(frozen=True)
class ChainLink:
    """What the verifier needs of an entry: its place, its hashes and the hashed values."""

    seq: int
    voucher: str
    prev_hash: str
    hash: str
    values: tuple[object, ...]  # in core.fund.HASHED_FIELDS order


def iter_links(db: Database, fund_id: str) -> Iterator[ChainLink]:
    """Every entry of a fund in chain order, as raw stored values (fast, for verifying)."""
    columns = ", ".join(f"e.{name}" for name in (*HASHED_FIELDS, *EXTRA_FIELDS))
    cur = db.conn.execute(
        f"SELECT e.prev_hash, e.hash, {columns} FROM ledger_entry e"
        " WHERE e.fund_id = ? ORDER BY e.seq, e.rowid",
        (fund_id,),
    )
    seq_at = 2 + HASHED_FIELDS.index("seq")
    book_at = 2 + HASHED_FIELDS.index("book")
    number_at = 2 + HASHED_FIELDS.index("number")
    year_at = 2 + HASHED_FIELDS.index("year")
    goods_at = 2 + len(HASHED_FIELDS)
    while batch := cur.fetchmany(2000):  # in batches: far fewer Python steps than per row
        for r in batch:
            yield ChainLink(
                seq=int(r[seq_at]),
                voucher=f"{r[book_at]}-{int(r[number_at]):04d}/{r[year_at]}",
                prev_hash=str(r[0]),
                hash=str(r[1]),
                values=chain_values(r[2:goods_at], r[goods_at:]),
            )


def closed_years(db: Database, fund_id: str) -> list[int]:
    return [
        int(r[0])
        for r in db.conn.execute(
            "SELECT year FROM fund_year_close WHERE fund_id = ? AND deleted = 0 ORDER BY year",
            (fund_id,),
        )
    ]


def closings(db: Database, fund_id: str) -> list[tuple[int, int]]:
    """(year, closing balance) of every year closing not deleted, by year."""
    return [
        (int(r[0]), int(r[1]))
        for r in db.conn.execute(
            "SELECT year, closing_balance FROM fund_year_close"
            " WHERE fund_id = ? AND deleted = 0 ORDER BY year",
            (fund_id,),
        )
    ]


def close_year(tx: Tx, fund_id: str, year: int, balance: int, key: bytes, seal: HeadSeal) -> None:
    """Close a year and seal the closing into the fund's head (`seal` as checked now)."""
    tx.insert("fund_year_close", {"fund_id": fund_id, "year": year, "closing_balance": balance})
    closed = tuple(sorted({*seal.closed, (year, balance)}))
    set_head_seal(tx, fund_id, dataclasses.replace(seal, closed=closed).sealed(key))


def totals_by_kind(
    db: Database, fund_id: str, start: dt.date, end: dt.date
) -> list[tuple[EntryKind, int]]:
    """Net effect per kind in a period, with reversals netted against their originals' kind.
    Cash only: goods records never move money."""
    rows = db.conn.execute(
        "SELECT coalesce(o.kind, e.kind), sum(e.effect) FROM ledger_entry e"
        " LEFT JOIN ledger_entry o ON o.id = e.reverses"
        " WHERE e.fund_id = ? AND e.entry_date BETWEEN ? AND ? AND e.book IN ('PT', 'PC')"
        " GROUP BY 1 ORDER BY 1",
        (fund_id, start.isoformat(), end.isoformat()),
    ).fetchall()
    return [(EntryKind(r[0]), int(r[1])) for r in rows]


@dataclass(frozen=True)
class GoodsLot:
    """A goods receipt (NK) and what is left of it on a day."""

    entry: EntryRow
    issued: int  # quantity handed out
    issued_value: int
    left: int
    left_value: int


def goods_lots(db: Database, fund_id: str, day: dt.date | None = None) -> list[GoodsLot]:
    """Every goods receipt of the fund not voided, dated up to `day` (all if None), with
    the issues up to that day that were not voided either; in date order."""
    end = day.isoformat() if day else "9999-12-31"
    rows = db.conn.execute(
        f"SELECT {_ENTRY_COLUMNS}, NULL FROM ledger_entry e"
        # `+entry_date` (here and in ORDER BY): walk the (fund, book, …) index, not the date
        # one, which would read every entry of the fund.
        " WHERE e.fund_id = ? AND e.book = 'NK' AND e.kind = ? AND +e.entry_date <= ?"
        # Voided by `day`: a void counts from its own date, never back in time (the goods on
        # hand at the end of a closed year stay what its disclosure sheet said).
        " AND NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses = e.id"
        "                 AND x.entry_date <= ?)"
        " ORDER BY +e.entry_date, e.seq",
        (fund_id, EntryKind.DONATION_IN_KIND.value, end, end),
    ).fetchall()
    issued = {
        str(r[0]): (int(r[1]), int(r[2]))
        for r in db.conn.execute(
            "SELECT e.source_id, sum(e.quantity), sum(e.amount) FROM ledger_entry e"
            " WHERE e.fund_id = ? AND e.book = 'XK' AND e.kind = ? AND +e.entry_date <= ?"
            " AND NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses = e.id"
            "                 AND x.entry_date <= ?)"
            " GROUP BY e.source_id",
            (fund_id, EntryKind.GOODS_ISSUE.value, end, end),
        )
    }
    lots = []
    for r in rows:
        entry = _entry(r[:-1])
        qty, value = issued.get(entry.id, (0, 0))
        lots.append(GoodsLot(entry, qty, value, entry.quantity - qty, entry.amount - value))
    return lots


def cash_in_kind(db: Database, fund_id: str | None) -> list[EntryRow]:
    """Gifts in kind in the cash book (recorded before they had their own book) not voided
    or reclassified yet. The literal terms let SQLite use the partial index ledger_cash_in_kind
    (migration 0006): the fund page asks at every refresh, on ledgers of 100,000 entries."""
    rows = db.conn.execute(
        f"SELECT {_ENTRY_COLUMNS}, NULL FROM ledger_entry e"
        " WHERE e.kind = 'donation_in_kind' AND e.book = 'PT'"
        " AND (? IS NULL OR e.fund_id = ?)"
        # Only this site's funds: another centre's ledger is sealed with its own key.
        " AND e.fund_id IN (SELECT f.id FROM fund f WHERE f.owner_site = ? AND f.deleted = 0)"
        " AND NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses = e.id)"
        " ORDER BY e.entry_date, e.seq",
        (fund_id, fund_id, db.site_id),
    ).fetchall()
    return [_entry(r[:-1]) for r in rows]


def entries_from(db: Database, source_id: str) -> list[EntryRow]:
    """The entries that come from `source_id` (the issues of a goods receipt)."""
    rows = db.conn.execute(
        f"SELECT {_ENTRY_COLUMNS}, (SELECT x.id FROM ledger_entry x WHERE x.reverses = e.id)"
        " FROM ledger_entry e WHERE e.source_id = ? ORDER BY e.seq",
        (source_id,),
    ).fetchall()
    return [_entry(r[:-1], r[-1]) for r in rows]
