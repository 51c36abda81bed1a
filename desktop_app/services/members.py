"""Hội Khuyến học: branches, members, yearly dues collected branch by branch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.members import (
    Branch,
    BranchKind,
    DuesBatchInput,
    DuesRate,
    Member,
    MemberStatus,
    check_control_totals,
)
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.text import nfc
from desktop_app.services.fund import FundService
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.people import PeopleService
from desktop_app.storage import members as repo
from desktop_app.storage.db import Database
from desktop_app.storage.members import HamletShare, MemberFilter
from desktop_app.storage.tx import Tx

__all__ = ["DuesResult", "MemberFilter", "MemberInput", "MemberService", "Share"]


@dataclass(frozen=True)
class MemberInput:
    person_id: str
    branch_id: str
    joined_on: dt.date
    member_number: str = ""  # empty: the next free number
    status: MemberStatus = MemberStatus.ACTIVE
    status_on: dt.date | None = None
    notes: str = ""


@dataclass(frozen=True)
class DuesResult:
    batch_id: str
    members: int
    total: int
    upper_share: int
    voucher: str


@dataclass(frozen=True)
class Share:
    name: str
    population: int | None
    members: int

    @property
    def percent(self) -> float | None:
        return 100 * self.members / self.population if self.population else None


class MemberService:
    def __init__(self, db: Database, ops: Ops, people: PeopleService, fund: FundService) -> None:
        self._db = db
        self._ops = ops
        self._people = people
        self._fund = fund

    # Branches --------------------------------------------------------------------------

    def branches(self, sites: Sequence[str] | None = None) -> list[Branch]:
        """The branches; at an office, of these centres only when `sites` is given."""
        self._people.check_centres(sites)
        return repo.list_branches(self._db, sites)

    def save_branch(
        self,
        name: str,
        kind: BranchKind = BranchKind.HAMLET,
        hamlet_id: str | None = None,
        branch_id: str | None = None,
    ) -> OpResult[str]:
        name = nfc(name)
        if not name:
            raise UserError(
                N_("Type the branch's name, e.g. Chi hội Thôn 3."),
                problems=(Problem("name", N_("Type the branch's name.")),),
            )
        with self._ops.op("branch.save") as op:
            if repo.branch_name_taken(self._db, name, branch_id):
                raise UserError(N_("There is already a branch called {name}."), {"name": name})
            if branch_id is None:
                branch_id = repo.insert_branch(op.tx, name, kind, hamlet_id)
            else:
                repo.update_branch(op.tx, branch_id, name, kind, hamlet_id)
        return op.result(branch_id)

    # Members ---------------------------------------------------------------------------

    def members(self, flt: MemberFilter | None = None, limit: int | None = None) -> list[Member]:
        """`flt.sites`: only the members these centres own (at an office); None: all."""
        flt = flt or MemberFilter()
        self._people.check_centres(flt.sites)
        return repo.list_members(self._db, flt, limit)

    def get(self, member_id: str) -> Member:
        member = repo.get_member(self._db, member_id)
        if member is None:
            raise UserError(N_("This member is no longer in the list; refresh it."))
        return member

    def of_person(self, person_id: str) -> Member | None:
        return repo.member_of_person(self._db, person_id)

    def _check(self, data: MemberInput, member_id: str | None) -> str:
        db = self._db
        branches = {b.id for b in repo.list_branches(db)}
        problems: list[Problem] = []
        if data.branch_id not in branches:
            problems.append(Problem("branch_id", N_("Pick the branch (chi hội) from the list.")))
        number = nfc(data.member_number) or str(repo.next_member_number(db))
        if repo.number_taken(db, number, member_id):
            problems.append(
                Problem(
                    "member_number",
                    N_("Member number {number} is already used; leave it empty for the next one."),
                    {"number": number},
                )
            )
        if data.status is not MemberStatus.ACTIVE and data.status_on is None:
            problems.append(Problem("status_on", N_("Give the date of the change of status.")))
        if data.joined_on > dt.date.today():
            problems.append(Problem("joined_on", N_("The join date is in the future.")))
        if problems:
            raise UserError(
                N_("Some fields need fixing before the member can be saved."),
                problems=tuple(problems),
            )
        return number

    def add(self, data: MemberInput) -> OpResult[str]:
        db = self._db
        with self._ops.op("member.add") as op:
            person = self._people.get_live(data.person_id)
            existing = repo.member_of_person(db, data.person_id)
            if existing is not None:
                raise UserError(
                    N_("{name} is already member {number}."),
                    {"name": person.full_name, "number": existing.member_number},
                )
            number = self._check(data, None)
            member_id = repo.insert_member(
                op.tx, data.person_id, number, data.branch_id, data.joined_on,
                data.notes.strip(),
            )  # fmt: skip
        return op.result(member_id)

    def update(self, member_id: str, data: MemberInput) -> OpResult[str]:
        with self._ops.op("member.update") as op:
            self.get(member_id)
            number = self._check(data, member_id)
            repo.update_member(
                op.tx, member_id, number=number, branch_id=data.branch_id,
                joined_on=data.joined_on, status=data.status, status_on=data.status_on,
                notes=data.notes.strip(),
            )  # fmt: skip
        return op.result(member_id)

    def shares(self) -> tuple[list[Share], Share]:
        """Members as a share of population, per hamlet and for the whole commune."""
        rows: list[HamletShare] = repo.members_by_hamlet(self._db)
        per = [Share(r.hamlet_name, r.population, r.members) for r in rows]
        population = sum(r.population or 0 for r in rows)
        total_members = repo.count_active_members(self._db)
        return per, Share("", population or None, total_members)

    # Dues ------------------------------------------------------------------------------

    def rates(self) -> list[DuesRate]:
        return repo.list_rates(self._db)

    def rate(self, year: int) -> DuesRate | None:
        return repo.get_rate(self._db, year)

    def set_rate(self, rate: DuesRate) -> OpResult[int]:
        if rate.amount < 0:
            raise UserError(N_("The dues amount cannot be negative."))
        if not 0 <= rate.upper_percent <= 100:
            raise UserError(N_("The share for the upper level must be between 0 and 100 percent."))
        with self._ops.op("dues_rate.set") as op:
            repo.set_rate(op.tx, rate)
        return op.result(rate.year)

    def unpaid(
        self, year: int, branch_id: str | None = None, sites: Sequence[str] | None = None
    ) -> list[Member]:
        """Active members who have not paid the year's dues (of these centres, at an
        office, when `sites` is given)."""
        self._people.check_centres(sites)
        members = repo.list_members(
            self._db,
            MemberFilter(
                branch_id=branch_id,
                status=MemberStatus.ACTIVE,
                sites=tuple(sites) if sites is not None else None,
            ),
        )
        paid = repo.paid_members(self._db, year, [m.id for m in members])
        return [m for m in members if m.id not in paid]

    def collect(self, batch: DuesBatchInput, fund_id: str) -> OpResult[DuesResult]:
        """Save a branch's dues batch if its control totals match, with the fund receipt."""
        with self._ops.op("dues.collect") as op:
            result = self._collect(op.tx, batch, fund_id)
        return op.result(result)

    def _collect(self, tx: Tx, batch: DuesBatchInput, fund_id: str) -> DuesResult:
        problems = check_control_totals(batch)
        if problems:
            raise UserError(
                N_("The batch does not match the paper; nothing was saved."),
                problems=tuple(problems),
            )
        db = self._db
        branch_name = repo.get_branch_name(db, batch.branch_id)
        if branch_name is None:
            raise UserError(N_("Pick the branch (chi hội) from the list."))
        ids = [m for m, _ in batch.payments]
        names = repo.names_in_branch(db, batch.branch_id, ids)
        if len(names) != len(ids):
            raise UserError(N_("Some ticked people are not members of this branch."))
        already = repo.paid_members(db, batch.year, ids)
        if already:
            paid_names = ", ".join(sorted(names[m] for m in already))
            raise UserError(
                N_("Already paid for {year}: {names}. Untick them; nothing was saved."),
                {"year": batch.year, "names": paid_names},
            )
        rate = repo.get_rate(db, batch.year)
        upper = rate.upper_share * len(ids) if rate else 0
        entry = self._fund.record(
            EntryInput(
                fund_id=fund_id,
                kind=EntryKind.DUES,
                entry_date=batch.collected_on,
                amount=batch.expected_total,
                party_name=nfc(batch.collector) or branch_name,
                party_address=nfc(batch.collector_address),
                reason=f"Thu hội phí năm {batch.year} {branch_name}: {len(ids)} hội viên",
            ),
        ).value
        batch_id = repo.insert_batch(
            tx, branch_id=batch.branch_id, year=batch.year, collected_on=batch.collected_on,
            collector=nfc(batch.collector), expected_count=batch.expected_count,
            expected_total=batch.expected_total, ledger_entry_id=entry.id,
            payments=batch.payments,
        )  # fmt: skip
        return DuesResult(batch_id, len(ids), batch.expected_total, upper, entry.voucher)
