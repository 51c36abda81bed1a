"""Demo Hội Khuyến học: branches per hamlet, members, three years of dues, a fund."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from desktop_app.core.fund import EntryInput, EntryKind, GoodsIssueInput
from desktop_app.core.members import BranchKind, DuesBatchInput, DuesRate, MemberStatus
from desktop_app.services.fund import FundInput
from desktop_app.storage import members as repo
from desktop_app.storage.tx import Tx

if TYPE_CHECKING:
    from desktop_app.services.workspace import Workspace

DONORS = (
    ("Công ty TNHH Bình Minh", "Khu công nghiệp"), ("Ông Nguyễn Văn Thành", "Thôn 1"),
    ("Bà Trần Thị Hoa", "Thôn 2"), ("Hội đồng hương tại Hà Nội", "Hà Nội"),
    ("Ngân hàng Nông nghiệp chi nhánh huyện", "Trung tâm xã"), ("Dòng họ Lê", "Thôn 3"),
    ("Cửa hàng vật liệu xây dựng Phú Cường", "Chợ xã"), ("Ông Phạm Minh Đức", "TP Hồ Chí Minh"),
)  # fmt: skip
SCHOOLS = ("Trường Tiểu học", "Trường THCS", "Trường THPT")


def add_demo_khuyen_hoc(
    ws: Workspace,
    tx: Tx,
    rng: random.Random,
    adults: list[tuple[str, str | None]],
    today: dt.date,
    pupils: list[str],
) -> tuple[int, int]:
    """Inside the caller's operation. `adults` are (person id, hamlet id). Returns
    (members, ledger entries)."""
    hamlets = ws.centre.hamlets()
    branch_of: dict[str | None, str] = {}
    for h in hamlets:
        name = f"Chi hội {h.name}"
        branch_of[h.id] = repo.insert_branch(tx, name, BranchKind.HAMLET, h.id)
    school_branch = repo.insert_branch(tx, "Chi hội Trường THCS", BranchKind.SCHOOL, None)
    members = _add_members(tx, rng, adults, branch_of, school_branch, today)

    fund_id = _create_fund(ws, today)
    planned: Planned = []
    for year in range(today.year - 2, today.year + 1):
        rate = DuesRate(year, 20_000 if year < today.year else 24_000, 30)
        repo.set_rate(tx, rate)
        planned += _donations(ws, rng, fund_id, year, today)
        planned += _dues(ws, rng, fund_id, year, today, members, rate)
        planned += _scholarships(ws, rng, fund_id, year, today, pupils)
        planned += _handouts(ws, fund_id, year, today, pupils)
    # Vouchers are numbered in the order they are written: write them in date order, as a
    # treasurer does, so PT-0001 is the year's first receipt.
    planned.sort(key=lambda item: item[0])
    entries = sum(_count(write()) for _, write in planned)
    return sum(len(v) for v in members.values()), entries


def _add_members(
    tx: Tx,
    rng: random.Random,
    adults: list[tuple[str, str | None]],
    branch_of: dict[str | None, str],
    school_branch: str,
    today: dt.date,
) -> dict[str, list[str]]:
    """About a third of adults, numbered in joining order; a few moved, left or died."""
    chosen = [a for a in adults if rng.random() < 0.34]
    joined = sorted(
        (today - dt.timedelta(days=rng.randint(30, 15 * 365)), pid, hamlet)
        for pid, hamlet in chosen
    )
    by_branch: dict[str, list[str]] = {}
    rows = []
    for number, (day, pid, hamlet) in enumerate(joined, start=1):
        branch = branch_of.get(hamlet) or school_branch
        if rng.random() < 0.03:
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
    return {b: [person_to_member[p] for p in ps] for b, ps in by_branch.items()}


def _create_fund(ws: Workspace, today: dt.date) -> str:
    start = dt.date(today.year - 2, 1, 1)
    return ws.fund.create(
        FundInput(
            name="Quỹ Khuyến học xã",
            opening_balance=35_000_000,
            opening_date=start,
            carried_from="Quỹ Khuyến học của xã trước sáp nhập",
            transfer_document="Biên bản bàn giao số 05/BB-HKH",
        )
    ).value


Planned = list[tuple[dt.date, Callable[[], object]]]


def _donations(ws: Workspace, rng: random.Random, fund: str, year: int, today: dt.date) -> Planned:
    planned: Planned = []
    for _ in range(rng.randint(15, 30)):
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        if day > today:
            continue
        name, address = rng.choice(DONORS)
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
) -> Planned:
    planned: Planned = []
    for branch, ids in members.items():
        day = dt.date(year, rng.randint(3, 6), rng.randint(1, 28))
        if day > today or not ids:
            continue
        paying = [m for m in ids if rng.random() < (0.85 if year < today.year else 0.6)]
        if not paying:
            continue
        payments = tuple((m, rate.amount) for m in paying)
        batch = DuesBatchInput(
            branch, year, day, "Chi hội trưởng", len(payments), rate.amount * len(payments),
            payments,
        )  # fmt: skip
        planned.append((day, partial(ws.members.collect, batch, fund)))
    return planned


def _scholarships(
    ws: Workspace, rng: random.Random, fund: str, year: int, today: dt.date, pupils: list[str]
) -> Planned:
    day = dt.date(year, 9, 5)
    if day > today or not pupils:
        return []
    planned: Planned = []
    for pid in rng.sample(pupils, min(len(pupils), rng.randint(10, 25))):
        amount = rng.choice((300_000, 500_000, 1_000_000))
        scholarship = rng.random() < 0.6
        school = rng.choice(SCHOOLS)
        grade = f"{rng.randint(1, 12)}A"

        def pay(pid: str = pid, amount: int = amount, scholarship: bool = scholarship,
                school: str = school, grade: str = grade) -> object:  # fmt: skip
            if ws.fund.balance(fund) < amount:
                return None  # the fund is short this year: fewer awards, as in real life
            return ws.fund.record(
                EntryInput(
                    fund_id=fund,
                    kind=EntryKind.SCHOLARSHIP if scholarship else EntryKind.AWARD,
                    entry_date=day,
                    amount=amount,
                    party_name=ws.people.get(pid).full_name,
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


def _handouts(ws: Workspace, fund: str, year: int, today: dt.date, pupils: list[str]) -> Planned:
    """At the start of the school year, textbook sets received so far go to pupils: a goods
    issue record (XK) of up to four sets a lot, each to two named pupils. No random draws, so
    the rest of the demo is what it was."""
    day = dt.date(year, 9, 6)
    if day > today or not pupils:
        return []

    def hand_out() -> object:
        issued = []
        for n, lot in enumerate(ws.fund.goods_lots(fund, day)):
            if lot.left <= 0:
                continue
            names = [ws.people.get(pupils[(2 * n + k) % len(pupils)]).full_name for k in (0, 1)]
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
