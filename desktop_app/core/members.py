"""Hội Khuyến học members, branches (chi hội) and yearly dues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.money import Money
from desktop_app.core.problems import N_, Problem


class BranchKind(StrEnum):
    HAMLET = "hamlet"
    AGENCY = "agency"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    CLAN = "clan"


BRANCH_KIND_LABELS: dict[BranchKind, str] = {
    BranchKind.HAMLET: N_("Hamlet"),
    BranchKind.AGENCY: N_("Agency"),
    BranchKind.SCHOOL: N_("School"),
    BranchKind.ENTERPRISE: N_("Enterprise"),
    BranchKind.CLAN: N_("Clan"),
}


class MemberStatus(StrEnum):
    ACTIVE = "active"
    MOVED = "moved"
    LEFT = "left"
    DECEASED = "deceased"


MEMBER_STATUS_LABELS: dict[MemberStatus, str] = {
    MemberStatus.ACTIVE: N_("Active"),
    MemberStatus.MOVED: N_("Moved away"),
    MemberStatus.LEFT: N_("Left"),
    MemberStatus.DECEASED: N_("Deceased"),
}


@dataclass(frozen=True)
class Branch:
    id: str
    name: str
    kind: BranchKind
    hamlet_id: str | None
    members: int = 0


@dataclass(frozen=True)
class Member:
    id: str
    person_id: str
    full_name: str
    birth: str
    hamlet_name: str
    member_number: str
    branch_id: str
    branch_name: str
    joined_on: dt.date
    status: MemberStatus
    status_on: dt.date | None
    notes: str
    version: int


@dataclass(frozen=True)
class DuesRate:
    year: int
    amount: int
    upper_percent: int

    @property
    def upper_share(self) -> int:
        """What each member's dues pass on to the upper level, rounded down to a đồng."""
        return self.amount * self.upper_percent // 100


@dataclass(frozen=True)
class DuesBatchInput:
    """Dues collected in one branch for one year, with the control totals typed from the
    collector's paper: the batch is saved only if they match."""

    branch_id: str
    year: int
    collected_on: dt.date
    collector: str
    expected_count: int
    expected_total: int
    payments: tuple[tuple[str, int], ...]  # (member_id, amount)
    collector_address: str = ""  # printed on the receipt beside the collector's name


def check_control_totals(batch: DuesBatchInput) -> list[Problem]:
    problems: list[Problem] = []
    count = len(batch.payments)
    total = sum(amount for _, amount in batch.payments)
    if any(amount <= 0 for _, amount in batch.payments):
        problems.append(Problem("payments", N_("Every amount must be more than 0 đồng.")))
    if count != batch.expected_count:
        problems.append(
            Problem(
                "expected_count",
                N_("You ticked {count} members but the paper says {expected}; check the list."),
                {"count": count, "expected": batch.expected_count},
            )
        )
    if total != batch.expected_total:
        problems.append(
            Problem(
                "expected_total",
                N_("The amounts add up to {total} but the paper says {expected}; check them."),
                {"total": Money(total), "expected": Money(batch.expected_total)},
            )
        )
    if len({m for m, _ in batch.payments}) != count:
        problems.append(Problem("payments", N_("A member is listed twice in the batch.")))
    return problems
