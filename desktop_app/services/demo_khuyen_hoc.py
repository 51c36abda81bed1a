"""Demo Hội Khuyến học: branches per hamlet, members, three years of dues, a fund."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from desktop_app.core.fund import EntryInput, EntryKind, GoodsIssueInput, is_minor
from desktop_app.core.members import BranchKind, DuesBatchInput, DuesRate, MemberStatus
from desktop_app.core.text import fold
from desktop_app.services.demo_places import DemoPlace
from desktop_app.services.fund import FundInput
from desktop_app.storage import members as repo
from desktop_app.storage.tx import Tx

if TYPE_CHECKING:
    from desktop_app.services.workspace import Workspace

# Donors and where they live; "{h1}".."{h3}" are hamlets of the commune, "{here}" its address.
DONOR_PLACES = (
    ("Công ty TNHH Bình Minh", "{h1}, {here}"), ("Ông Nguyễn Văn Thành", "{h1}, {here}"),
    ("Bà Trần Thị Hoa", "{h2}, {here}"), ("Hội đồng hương tại Hà Nội", "thành phố Hà Nội"),
    ("Agribank chi nhánh {province}", "{here}"), ("Dòng họ Lê", "{h3}, {here}"),
    ("Cửa hàng vật liệu xây dựng Phú Cường", "{h2}, {here}"),
    ("Ông Phạm Minh Đức", "thành phố Hồ Chí Minh"),
)  # fmt: skip
# Branch heads are members of some standing in their hamlet.
HEAD_AGES = (35, 70)


class Adult(NamedTuple):
    person_id: str
    hamlet_id: str | None
    full_name: str
    birth_year: int


def _donors(place: DemoPlace, hamlets: list[str]) -> list[tuple[str, str]]:
    names = {
        "here": place.address(),
        "province": place.province,
        **{f"h{i + 1}": hamlets[i % len(hamlets)] for i in range(3)},
    }
    return [(n.format(**names), a.format(**names)) for n, a in DONOR_PLACES]


def add_demo_khuyen_hoc(
    ws: Workspace,
    tx: Tx,
    rng: random.Random,
    adults: list[Adult],
    today: dt.date,
    pupils: list[tuple[str, int]],
    place: DemoPlace,
) -> tuple[int, int]:
    """Inside the caller's operation. `pupils` are (person id, birth year). Returns
    (members, ledger entries)."""
    hamlets = ws.centre.hamlets()
    branch_of: dict[str | None, str] = {}
    branch_address: dict[str, str] = {}
    for h in hamlets:
        name = f"Chi hội {h.name}"
        branch_of[h.id] = repo.insert_branch(tx, name, BranchKind.HAMLET, h.id)
        branch_address[branch_of[h.id]] = place.address(h.name)
    school = place.schools(6)[0]
    school_branch = repo.insert_branch(tx, f"Chi hội {school}", BranchKind.SCHOOL, None)
    branch_address[school_branch] = f"{school}, {place.address()}"
    members, heads = _add_members(tx, rng, adults, branch_of, school_branch, today)
    payers = {b: (name, branch_address[b]) for b, name in heads.items()}

    fund_id = _create_fund(ws, today, place)
    donors = _donors(place, [h.name for h in hamlets])
    planned: Planned = []
    for year in range(today.year - 2, today.year + 1):
        rate = DuesRate(year, 20_000 if year < today.year else 24_000, 30)
        repo.set_rate(tx, rate)
        planned += _donations(ws, rng, fund_id, year, today, donors)
        planned += _dues(ws, rng, fund_id, year, today, members, rate, payers)
        planned += _scholarships(ws, rng, fund_id, year, today, pupils, place)
        planned += _handouts(ws, fund_id, year, today, pupils)
    # Vouchers are numbered in the order they are written: write them in date order, as a
    # treasurer does, so PT-0001 is the year's first receipt.
    planned.sort(key=lambda item: item[0])
    entries = sum(_count(write()) for _, write in planned)
    return sum(len(v) for v in members.values()), entries


def _add_members(
    tx: Tx,
    rng: random.Random,
    adults: list[Adult],
    branch_of: dict[str | None, str],
    school_branch: str,
    today: dt.date,
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """About a third of adults, numbered in joining order; a few moved, left or died.
    Returns the active member ids by branch, and each branch's head (chi hội trưởng) by name:
    an active member of the branch, of middle age when it has one."""
    chosen = [a for a in adults if rng.random() < 0.34]
    joined = sorted(
        (today - dt.timedelta(days=rng.randint(30, 15 * 365)), a.person_id, a.hamlet_id)
        for a in chosen
    )
    adult_of = {a.person_id: a for a in chosen}
    by_branch: dict[str, list[str]] = {}
    rows = []
    for number, (day, pid, hamlet) in enumerate(joined, start=1):
        branch = branch_of.get(hamlet) or school_branch
        # A few teachers and staff belong to the school's branch instead of their hamlet's.
        if rng.random() < 0.03 and 22 <= today.year - adult_of[pid].birth_year <= 60:
            branch = school_branch
        roll = rng.random()
        status = (
            MemberStatus.ACTIVE if roll < 0.94
            else MemberStatus.MOVED if roll < 0.97
            else MemberStatus.LEFT if roll < 0.99
            else MemberStatus.DECEASED
        )  # fmt: skip
        status_on = None
        if status is not MemberStatus.ACTIVE:
            status_on = today - dt.timedelta(days=rng.randint(1, 700))
        rows.append((pid, str(number), branch, day, status, status_on))
        if status is MemberStatus.ACTIVE:
            by_branch.setdefault(branch, []).append(pid)
    ids = repo.bulk_insert_members(tx, rows)
    person_to_member = dict(zip([r[0] for r in rows], ids, strict=True))
    heads: dict[str, str] = {}
    for branch, pids in by_branch.items():
        fit = [
            p for p in pids if HEAD_AGES[0] <= today.year - adult_of[p].birth_year <= HEAD_AGES[1]
        ]
        heads[branch] = adult_of[rng.choice(fit or pids)].full_name
    members = {b: [person_to_member[p] for p in ps] for b, ps in by_branch.items()}
    return members, heads


def _create_fund(ws: Workspace, today: dt.date, place: DemoPlace) -> str:
    start = dt.date(today.year - 2, 1, 1)
    return ws.fund.create(
        FundInput(
            name=f"Quỹ Khuyến học {place.commune}",
            opening_balance=35_000_000,
            opening_date=start,
            carried_from=f"Quỹ Khuyến học các {place.unit} cũ trước sáp nhập",
            transfer_document="Biên bản bàn giao số 05/BB-HKH",
        )
    ).value


Planned = list[tuple[dt.date, Callable[[], object]]]


def _donations(
    ws: Workspace,
    rng: random.Random,
    fund: str,
    year: int,
    today: dt.date,
    donors: list[tuple[str, str]],
) -> Planned:
    planned: Planned = []
    for _ in range(rng.randint(15, 30)):
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        if day > today:
            continue
        name, address = rng.choice(donors)
        in_kind = rng.random() < 0.15
        # Random draws in the same order as before, so the rest of the demo stays the same.
        amount = rng.choice((500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000))
        # Textbook sets are goods: an NK record valued at a set's price, not cash.
        sets = rng.randint(5, 30) if in_kind else 0
        entry = EntryInput(
            fund_id=fund,
            kind=EntryKind.DONATION_IN_KIND if in_kind else EntryKind.DONATION_CASH,
            entry_date=day,
            amount=sets * 250_000 if in_kind else amount,
            party_name=name,
            party_address=address,
            reason="Ủng hộ Quỹ Khuyến học nhân dịp khai giảng năm học"
            if day.month in (8, 9) else "Ủng hộ Quỹ Khuyến học",
            in_kind="Bộ sách giáo khoa" if in_kind else "",
            quantity=sets,
            unit="bộ" if in_kind else "",
            attachments=rng.randint(0, 2),
        )  # fmt: skip
        planned.append((day, partial(ws.fund.record, entry, today)))
    return planned


def _dues(
    ws: Workspace,
    rng: random.Random,
    fund: str,
    year: int,
    today: dt.date,
    members: dict[str, list[str]],
    rate: DuesRate,
    payers: dict[str, tuple[str, str]],
) -> Planned:
    """Each branch head brings the branch's dues once a year, with the list of who paid."""
    planned: Planned = []
    for branch, ids in members.items():
        day = dt.date(year, rng.randint(3, 6), rng.randint(1, 28))
        if day > today or not ids:
            continue
        paying = [m for m in ids if rng.random() < (0.85 if year < today.year else 0.6)]
        if not paying:
            continue
        payments = tuple((m, rate.amount) for m in paying)
        head, address = payers[branch]
        batch = DuesBatchInput(
            branch, year, day, head, len(payments), rate.amount * len(payments), payments,
            collector_address=address,
        )  # fmt: skip
        planned.append((day, partial(ws.members.collect, batch, fund)))
    return planned


_PARENT_MIDDLE = ("Văn", "Hữu", "Đình", "Minh", "Quang")
_PARENT_GIVEN = ("Hùng", "Dũng", "Thành", "Tuấn", "Hải", "Sơn", "Bình", "Phúc")


def _parent_name(n: int) -> str:
    """A father's middle and given name, the n-th of a short list (wrapping round)."""
    middle, given = n % len(_PARENT_MIDDLE), n // len(_PARENT_MIDDLE) % len(_PARENT_GIVEN)
    return f"{_PARENT_MIDDLE[middle]} {_PARENT_GIVEN[given]}"


def _scholarships(
    ws: Workspace,
    rng: random.Random,
    fund: str,
    year: int,
    today: dt.date,
    pupils: list[tuple[str, int]],
    place: DemoPlace,
) -> Planned:
    """Awards at the start of the school year; each pupil's school and class follow their age
    (a child enters grade 1 in the year they turn six)."""
    day = dt.date(year, 9, 5)
    at_school = [(pid, born) for pid, born in pupils if 6 <= year - born <= 17]
    if day > today or not at_school:
        return []
    planned: Planned = []
    # Parents' names come from their own generator, so the rest of the demo stays as it was.
    parents = random.Random(f"parents-{year}")
    for pid, born in rng.sample(at_school, min(len(at_school), rng.randint(10, 25))):
        amount = rng.choice((300_000, 500_000, 1_000_000))
        scholarship = rng.random() < 0.6
        level = year - born - 5
        school = rng.choice(place.schools(level))
        grade = f"{level}{rng.choice('ABCD')}"

        parent = parents.randrange(len(_PARENT_MIDDLE) * len(_PARENT_GIVEN))

        def pay(pid: str = pid, amount: int = amount, scholarship: bool = scholarship,
                school: str = school, grade: str = grade, parent: int = parent,
                ) -> object:  # fmt: skip
            if ws.fund.balance(fund) < amount:
                return None  # the fund is short this year: fewer awards, as in real life
            pupil = ws.people.get(pid)
            # A minor's money is received and signed for by a parent (the father, here).
            receiver = pupil.full_name
            if pupil.birth is None or is_minor(pupil.birth.year, pupil.birth.month,
                                               pupil.birth.day, day):  # fmt: skip
                receiver = f"{pupil.family_name} {_parent_name(parent)}"
                if fold(receiver) == fold(pupil.full_name):  # never the pupil's own name
                    receiver = f"{pupil.family_name} {_parent_name(parent + 1)}"
            return ws.fund.record(
                EntryInput(
                    fund_id=fund,
                    kind=EntryKind.SCHOLARSHIP if scholarship else EntryKind.AWARD,
                    entry_date=day,
                    amount=amount,
                    party_name=receiver,
                    reason="Học bổng học sinh nghèo vượt khó" if scholarship
                    else "Khen thưởng học sinh giỏi",
                    person_id=pid,
                    school=school,
                    grade=grade,
                ),
                today,
            )  # fmt: skip

        planned.append((day, pay))
    return planned


def _handouts(
    ws: Workspace, fund: str, year: int, today: dt.date, pupils: list[tuple[str, int]]
) -> Planned:
    """At the start of the school year, textbook sets received so far go to pupils at school
    (aged 6 to 17): a goods issue record (XK) of up to four sets a lot, each to two named
    pupils. No random draws, so the rest of the demo is what it was."""
    day = dt.date(year, 9, 6)
    at_school = [pid for pid, born in pupils if 6 <= year - born <= 17]
    if day > today or not at_school:
        return []

    def hand_out() -> object:
        issued = []
        for n, lot in enumerate(ws.fund.goods_lots(fund, day)):
            if lot.left <= 0:
                continue
            names = [
                ws.people.get(at_school[(2 * n + k) % len(at_school)]).full_name for k in (0, 1)
            ]
            row = ws.fund.goods_issue(
                GoodsIssueInput(
                    fund, lot.entry.id, min(4, lot.left), "; ".join(names), day,
                    "Tặng sách giáo khoa cho học sinh nghèo vượt khó",
                ),
                today,
            ).value  # fmt: skip
            issued.append(row)
        return issued

    return [(day, hand_out)]


def _count(written: object) -> int:
    """How many entries a planned write made: a list of them, one, or none (None)."""
    if isinstance(written, list):
        return len(written)
    return 0 if written is None else 1
