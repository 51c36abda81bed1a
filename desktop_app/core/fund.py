"""The Khuyến học fund's rules: kinds of entries, voucher numbers, the hash chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.problems import N_, Problem

MAX_AMOUNT = 999_999_999_999_999  # hundreds of thousands of billions: far beyond any fund
# What one voucher page holds at a readable size, with everything else at its longest
# (documents/vouchers.py is tested at these limits): refused here, before any money is saved.
MAX_PARTY_NAME = 200
MAX_ADDRESS = 120
MAX_REASON = 300
MAX_IN_KIND = 200
MAX_UNIT = 20  # bộ, quyển, bao, thùng: one short word
# The people a goods issue names, one row each on its handover record (about 40 names).
MAX_RECIPIENTS = 1200
MAX_SCHOOL = 120
MAX_GRADE = 30
MAX_FUND_NAME = 60
# A void's reason prints after "Hủy phiếu PT-0042/2026: " within the voucher's reason.
MAX_VOID_REASON = MAX_REASON - 40


class Book(StrEnum):
    RECEIPT = "PT"  # phiếu thu
    PAYMENT = "PC"  # phiếu chi
    # Gifts in kind are not cash: their own books, never in the cash book or balance.
    GOODS_IN = "NK"  # biên bản nhận hiện vật / phiếu nhập kho
    GOODS_OUT = "XK"  # biên bản bàn giao / phiếu xuất kho


CASH_BOOKS = (Book.RECEIPT, Book.PAYMENT)
GOODS_BOOKS = (Book.GOODS_IN, Book.GOODS_OUT)


class Account(StrEnum):
    """Where the money moved: the cash box (sổ quỹ tiền mặt) or the bank (sổ tiền gửi)."""

    CASH = "cash"
    BANK = "bank"


ACCOUNT_LABELS: dict[Account, str] = {Account.CASH: N_("Cash"), Account.BANK: N_("Bank")}


class EntryKind(StrEnum):
    DONATION_CASH = "donation_cash"
    DONATION_IN_KIND = "donation_in_kind"
    DUES = "dues"
    INTEREST = "interest"
    TRANSFER_IN = "transfer_in"
    SCHOLARSHIP = "scholarship"
    AWARD = "award"
    GIFT = "gift"
    TRANSFER_OUT = "transfer_out"
    EXPENSE = "expense"
    GOODS_ISSUE = "goods_issue"
    REVERSAL = "reversal"


# Money in. A gift in kind (DONATION_IN_KIND) is a receipt of goods, in the NK book; entries
# recorded before it had its own book are in the PT book and are reclassified.
RECEIPT_KINDS = (
    EntryKind.DONATION_CASH,
    EntryKind.DUES,
    EntryKind.INTEREST,
    EntryKind.TRANSFER_IN,
)
PAYMENT_KINDS = (
    EntryKind.SCHOLARSHIP,
    EntryKind.AWARD,
    EntryKind.GIFT,
    EntryKind.TRANSFER_OUT,
    EntryKind.EXPENSE,
)
GOODS_KINDS = (EntryKind.DONATION_IN_KIND, EntryKind.GOODS_ISSUE)
# Kinds whose payment names a recipient person (a pupil) with school and grade.
RECIPIENT_KINDS = (EntryKind.SCHOLARSHIP, EntryKind.AWARD)

# Printed on Vietnamese documents whatever the UI language.
KIND_VI: dict[EntryKind, str] = {
    EntryKind.DONATION_CASH: "Ủng hộ bằng tiền",
    EntryKind.DONATION_IN_KIND: "Ủng hộ bằng hiện vật",
    EntryKind.DUES: "Hội phí",
    EntryKind.INTEREST: "Lãi tiền gửi",
    EntryKind.TRANSFER_IN: "Nhận chuyển quỹ",
    EntryKind.SCHOLARSHIP: "Học bổng",
    EntryKind.AWARD: "Phần thưởng",
    EntryKind.GIFT: "Quà tặng",
    EntryKind.TRANSFER_OUT: "Chuyển quỹ",
    EntryKind.EXPENSE: "Chi hoạt động",
    EntryKind.GOODS_ISSUE: "Cấp phát hiện vật",
    EntryKind.REVERSAL: "Hủy phiếu",
}
KIND_LABELS: dict[EntryKind, str] = {
    EntryKind.DONATION_CASH: N_("Donation in cash"),
    EntryKind.DONATION_IN_KIND: N_("Donation in kind"),
    EntryKind.DUES: N_("Membership dues"),
    EntryKind.INTEREST: N_("Interest"),
    EntryKind.TRANSFER_IN: N_("Transfer in"),
    EntryKind.SCHOLARSHIP: N_("Scholarship"),
    EntryKind.AWARD: N_("Award"),
    EntryKind.GIFT: N_("Gift"),
    EntryKind.TRANSFER_OUT: N_("Transfer out"),
    EntryKind.EXPENSE: N_("Expense"),
    EntryKind.GOODS_ISSUE: N_("Goods handed out"),
    EntryKind.REVERSAL: N_("Reversal"),
}


def book_of(kind: EntryKind) -> Book:
    if kind is EntryKind.DONATION_IN_KIND:
        return Book.GOODS_IN
    if kind is EntryKind.GOODS_ISSUE:
        return Book.GOODS_OUT
    return Book.RECEIPT if kind in RECEIPT_KINDS else Book.PAYMENT


def voucher_number(book: Book | str, number: int, year: int) -> str:
    """'PT-0042/2026' (or NK-0003/2026 for goods): the book, the number within the year, the
    year."""
    return f"{Book(book).value}-{number:04d}/{year}"


def parse_voucher_number(text: str) -> tuple[Book, int, int]:
    """'PT-0042/2026' -> (Book.RECEIPT, 42, 2026); raises ValueError."""
    book, _, rest = text.strip().upper().partition("-")
    number, _, year = rest.partition("/")
    if not (number.isascii() and number.isdigit() and year.isascii() and year.isdigit()):
        raise ValueError(text)
    # No book reaches a billion vouchers, nor a year five digits: such a number is a typo,
    # and would not even fit the database's integers.
    if len(number.lstrip("0")) > 9 or len(year) > 4:
        raise ValueError(text)
    return Book(book), int(number), int(year)


@dataclass(frozen=True)
class EntryInput:
    """A new receipt or payment, as typed. A gift in kind (DONATION_IN_KIND) has its items in
    `in_kind`, their `quantity` and `unit`, and its valuation in `amount`."""

    fund_id: str
    kind: EntryKind
    entry_date: dt.date
    amount: int
    party_name: str = ""
    party_address: str = ""
    reason: str = ""
    in_kind: str = ""
    person_id: str | None = None
    school: str = ""
    grade: str = ""
    attachments: int = 0
    account: Account = Account.CASH
    quantity: int = 0
    unit: str = ""


MAX_QUANTITY = 999_999_999
ADULT_AGE = 18


def is_minor(birth_year: int, birth_month: int | None, birth_day: int | None, on: dt.date) -> bool:
    """Under 18 on `on`. With the year alone, anyone who may still be 17 counts as a minor:
    the guardian signing for an adult does no harm, the reverse does."""
    if birth_month is None or birth_day is None:
        return on.year - birth_year <= ADULT_AGE
    had_birthday = (on.month, on.day) >= (birth_month, birth_day)
    age = on.year - birth_year - (0 if had_birthday else 1)
    return age < ADULT_AGE


def length_problems(data: EntryInput) -> list[Problem]:
    """Text longer than a voucher can print."""
    problems: list[Problem] = []
    for field, limit in (
        ("party_name", MAX_PARTY_NAME),
        ("party_address", MAX_ADDRESS),
        ("reason", MAX_REASON),
        ("in_kind", MAX_IN_KIND),
        ("unit", MAX_UNIT),
        ("school", MAX_SCHOOL),
        ("grade", MAX_GRADE),
    ):
        if len(" ".join(getattr(data, field).split())) > limit:
            problems.append(
                Problem(
                    field,
                    N_("Too long for the voucher: keep it under {limit} characters."),
                    {"limit": limit},
                )
            )
    return problems


def validate_entry(data: EntryInput, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    if data.kind is EntryKind.REVERSAL:
        problems.append(Problem("kind", N_("Void an entry with the Void command instead.")))
    if data.kind is EntryKind.GOODS_ISSUE:
        problems.append(Problem("kind", N_("Hand goods out with the goods issue command.")))
    goods = data.kind is EntryKind.DONATION_IN_KIND
    if data.amount <= 0:
        problems.append(
            Problem(
                "amount",
                N_("Value the goods in đồng (more than 0).")
                if goods
                else N_("The amount must be more than 0 đồng."),
            )
        )
    elif data.amount > MAX_AMOUNT:
        problems.append(Problem("amount", N_("The amount is too large; check the digits.")))
    if data.entry_date > today + dt.timedelta(days=1):
        problems.append(Problem("entry_date", N_("The date is in the future; check it.")))
    if not data.party_name.strip():
        field_msg = (
            N_("Type who gave the goods.")
            if goods
            else N_("Type who paid the money in.")
            if book_of(data.kind) is Book.RECEIPT
            else N_("Type who received the money.")
        )
        problems.append(Problem("party_name", field_msg))
    if not data.reason.strip():
        problems.append(Problem("reason", N_("Type the reason, as it will appear on the voucher.")))
    if goods:
        problems += validate_goods(data.in_kind, data.quantity, data.unit)
    if data.kind in RECIPIENT_KINDS and data.person_id is None:
        problems.append(
            Problem("person_id", N_("Pick the pupil from the people list (add them first)."))
        )
    if data.attachments < 0:
        problems.append(Problem("attachments", N_("The number of attachments cannot be negative.")))
    problems += length_problems(data)
    return problems


def validate_goods(items: str, quantity: int, unit: str) -> list[Problem]:
    problems: list[Problem] = []
    if not items.strip():
        problems.append(
            Problem("in_kind", N_("Describe the goods given, e.g. sách giáo khoa lớp 4."))
        )
    if quantity <= 0:
        problems.append(Problem("quantity", N_("The quantity must be at least 1.")))
    elif quantity > MAX_QUANTITY:
        problems.append(Problem("quantity", N_("The quantity is too large; check the digits.")))
    if not unit.strip():
        problems.append(Problem("unit", N_("Type the unit, e.g. bộ, quyển, bao.")))
    return problems


@dataclass(frozen=True)
class GoodsIssueInput:
    """Goods handed out from one goods receipt (NK) to the people named in `recipients`."""

    fund_id: str
    source_id: str  # the goods receipt (NK entry) they come from
    quantity: int
    recipients: str
    entry_date: dt.date
    reason: str = ""
    attachments: int = 0


def issue_value(value: int, quantity: int, received: int, issued_before: int) -> int:
    """The valuation of `quantity` of a lot of `received` valued `value` in all, when
    `issued_before` were already handed out: shares rounded so that the last issue takes
    what is left, and all the issues of a lot add up to its value exactly."""
    before = value * issued_before // received
    after = value * (issued_before + quantity) // received
    return after - before


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def genesis_hash(fund_id: str, opening_balance: int, opening_date: str) -> str:
    """The unkeyed hash before the first entry of a chain begun before ledgers were sealed
    (chain version 1): ties the chain to the fund's opening balance."""
    text = f"TTHTCD-LEDGER/1\n{fund_id}\n{opening_balance}\n{opening_date}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The fields an entry's hash covers, in this order. Appending a field here needs a new
# chain version; never reorder.
HASHED_FIELDS = (
    "id", "fund_id", "seq", "book", "year", "number", "entry_date", "kind", "amount", "effect",
    "in_kind", "party_name", "party_address", "person_id", "school", "grade", "reason",
    "attachments", "reverses", "created_by", "updated_at",
)  # fmt: skip


# Fields hashed after HASHED_FIELDS only when one of them differs from its default: the goods
# records' (migration 0006) and the cash/bank mark (0008). Every entry saved before they
# existed hashes exactly as it did, and changing any of them on any entry changes its hash
# (so cash cannot be moved to the bank book, or back, behind the app's back).
EXTRA_FIELDS = ("quantity", "unit", "source_id", "account")
_EXTRA_DEFAULTS = (0, "", None, "cash")


def chain_values(base: Sequence[object], extra: Sequence[object]) -> tuple[object, ...]:
    """The values an entry's hash covers: HASHED_FIELDS values, then EXTRA_FIELDS values
    when any is set."""
    if tuple(extra) == _EXTRA_DEFAULTS:
        return tuple(base)
    return (*base, *extra)


def entry_hash(prev_hash: str, fields: dict[str, object]) -> str:
    """Version 1 (unkeyed): sha256 over the previous hash and the entry's fields in a fixed,
    canonical form. Kept for the entries sealed before the site had a seal key."""
    return entry_hash_values(prev_hash, [fields[name] for name in HASHED_FIELDS])


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def entry_hash_values(prev_hash: str, values: Sequence[object]) -> str:
    """The same hash from the values in HASHED_FIELDS order (the verifier's fast path)."""
    clean = [_nfc(v) if isinstance(v, str) else v for v in values]
    body = _ENCODER.encode([prev_hash, *clean])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# Version 2: keyed. Every entry's hash is an HMAC-SHA256 with the site's seal key (kept in the
# key file, never in the database), so whoever holds the file and this code but not the key
# cannot recompute the chain. The fund's head is sealed with the same key (seal_head).
LEDGER_V2 = "TTHTCD-LEDGER/2"


def keyed_genesis(key: bytes, fund_id: str, opening_balance: int, opening_date: str) -> str:
    text = f"{LEDGER_V2}\n{fund_id}\n{opening_balance}\n{opening_date}"
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


ChainHash = Callable[[str, Sequence[object]], str]


def keyed_chain(key: bytes) -> ChainHash:
    """The keyed hash of an entry from the previous hash and its values (HASHED_FIELDS
    order): HMAC-SHA256 over the chain's version and the entry's canonical JSON."""
    prefix = LEDGER_V2.encode("ascii")
    one_shot = hmac.digest  # OpenSSL's one-call HMAC
    encode = _ENCODER.encode
    normalize = unicodedata.normalize

    def digest(prev_hash: str, values: Sequence[object]) -> str:
        # NFC over the whole canonical JSON text: one call instead of one per field (the
        # JSON punctuation between fields is ASCII, which never composes with a mark).
        body = encode([prev_hash, *values])
        if not body.isascii():
            body = normalize("NFC", body)
        return one_shot(key, prefix + body.encode("utf-8"), "sha256").hex()

    return digest


def keyed_entry_hash(key: bytes, prev_hash: str, fields: dict[str, object]) -> str:
    values = chain_values(
        [fields[name] for name in HASHED_FIELDS],
        [
            fields.get(name, default)
            for name, default in zip(EXTRA_FIELDS, _EXTRA_DEFAULTS, strict=True)
        ],
    )
    return keyed_chain(key)(prev_hash, values)


SEAL_MAGIC = "TTHTCD-FUND-SEAL/2"
FUNDS_MAGIC = "TTHTCD-FUNDS-SEAL/2"


@dataclass(frozen=True)
class HeadSeal:
    """What a fund's seal vouches for. `legacy` is the number of entries hashed without a key
    (version 1) before the fund was first sealed, having been verified intact; None for a
    fund opened with the key, whose genesis is keyed too."""

    fund_id: str
    owner_site: str
    opening_balance: int
    opening_date: str
    legacy: int | None
    seq: int
    head: str
    balance: int
    closed: tuple[tuple[int, int], ...]  # (year, closing balance)
    deleted: bool = False

    def _body(self) -> dict[str, object]:
        return {
            "v": 2, "fund": self.fund_id, "site": self.owner_site,
            "opening": [self.opening_balance, self.opening_date], "legacy": self.legacy,
            "seq": self.seq, "head": self.head, "balance": self.balance,
            "closed": [list(c) for c in self.closed], "deleted": self.deleted,
        }  # fmt: skip

    def mac(self, key: bytes) -> str:
        text = SEAL_MAGIC + "\n" + _ENCODER.encode(self._body())
        return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def sealed(self, key: bytes) -> str:
        """The text stored in `fund.head_seal`."""
        return _ENCODER.encode({**self._body(), "mac": self.mac(key)})


def parse_head_seal(text: str) -> tuple[HeadSeal, str] | None:
    """(the facts, their mac) from `fund.head_seal`, or None when it is empty or unreadable."""
    try:
        d = json.loads(text)
        opening = d["opening"]
        seal = HeadSeal(
            fund_id=str(d["fund"]), owner_site=str(d["site"]),
            opening_balance=int(opening[0]), opening_date=str(opening[1]),
            legacy=None if d["legacy"] is None else int(d["legacy"]), seq=int(d["seq"]),
            head=str(d["head"]), balance=int(d["balance"]),
            closed=tuple((int(y), int(b)) for y, b in d["closed"]), deleted=bool(d["deleted"]),
        )  # fmt: skip
        if d.get("v") != 2:
            return None
        return seal, str(d["mac"])
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def seal_ok(key: bytes, seal: HeadSeal, mac: str) -> bool:
    return hmac.compare_digest(seal.mac(key), mac)


def _funds_mac(key: bytes, site_id: str, fund_ids: Sequence[str]) -> str:
    text = FUNDS_MAGIC + "\n" + _ENCODER.encode([site_id, sorted(fund_ids)])
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_funds(key: bytes, site_id: str, fund_ids: Sequence[str]) -> str:
    """The text stored in `site.funds_seal`: the ids of every fund the site opened."""
    ids = sorted(fund_ids)
    return _ENCODER.encode({"v": 2, "funds": ids, "mac": _funds_mac(key, site_id, ids)})


def parse_funds_seal(text: str) -> tuple[list[str], str] | None:
    try:
        d = json.loads(text)
        if d.get("v") != 2:
            return None
        return [str(i) for i in d["funds"]], str(d["mac"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def funds_seal_ok(key: bytes, site_id: str, fund_ids: Sequence[str], mac: str) -> bool:
    return hmac.compare_digest(_funds_mac(key, site_id, fund_ids), mac)


def legacy_chain_intact(
    genesis: str,
    links: Iterable[tuple[int, str, str, Sequence[object]]],
    head: tuple[int, str, int],
) -> bool:
    """Whether a version 1 (unkeyed) chain is whole: (seq, prev_hash, hash, values) in order,
    linked from `genesis`, each hash right, ending at the fund's (head_seq, head_hash,
    head_balance). Checked once, before such a chain is first sealed with the key."""
    effect_at = HASHED_FIELDS.index("effect")
    prev, seq, total = genesis, 0, 0
    for link_seq, prev_hash, digest, values in links:
        seq += 1
        if link_seq != seq or prev_hash != prev or entry_hash_values(prev, values) != digest:
            return False
        total += int(str(values[effect_at]))
        prev = digest
    return (seq, prev, total) == head
