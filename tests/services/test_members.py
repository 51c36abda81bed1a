"""Hội Khuyến học members, branches and dues batches with control totals."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.members import BranchKind, DuesBatchInput, DuesRate, MemberStatus
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.fund import FundInput, LedgerFilter
from desktop_app.services.members import MemberFilter, MemberInput
from desktop_app.services.workspace import Workspace

D = dt.date(2026, 3, 2)


def setup(ws: Workspace, n: int = 3) -> tuple[str, list[str], str]:
    hamlet = ws.centre.hamlets()[0]
    branch = ws.members.save_branch("Chi hội Thôn 1", BranchKind.HAMLET, hamlet.id).value
    people = [
        ws.people.add(PersonInput(full_name=f"Nguyễn Văn {g}", hamlet_id=hamlet.id)).value
        for g in ("An", "Bình", "Cường", "Dũng", "Giang")[:n]
    ]
    members = [ws.members.add(MemberInput(p, branch, dt.date(2020, 1, 1))).value for p in people]
    fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 0, dt.date(2020, 1, 1))).value
    ws.members.set_rate(DuesRate(2026, 20_000, 30))
    return branch, members, fund


def test_members_get_the_next_number_and_cannot_join_twice(ws: Workspace) -> None:
    branch, members, _ = setup(ws)
    numbers = [ws.members.get(m).member_number for m in members]
    assert numbers == ["1", "2", "3"]
    person = ws.members.get(members[0]).person_id
    with pytest.raises(UserError):
        ws.members.add(MemberInput(person, branch, D))


def test_member_number_must_be_unique(ws: Workspace) -> None:
    branch, _, _ = setup(ws)
    pid = ws.people.add(PersonInput(full_name="Trần Văn Tư")).value
    with pytest.raises(UserError) as info:
        ws.members.add(MemberInput(pid, branch, D, member_number="2"))
    assert [p.field for p in info.value.problems] == ["member_number"]


def test_status_change_needs_a_date(ws: Workspace) -> None:
    branch, members, _ = setup(ws)
    m = ws.members.get(members[0])
    data = MemberInput(m.person_id, branch, m.joined_on, m.member_number, MemberStatus.MOVED)
    with pytest.raises(UserError):
        ws.members.update(m.id, data)
    ws.members.update(
        m.id,
        MemberInput(m.person_id, branch, m.joined_on, m.member_number, MemberStatus.MOVED, D),
    )
    assert ws.members.get(m.id).status is MemberStatus.MOVED
    assert len(ws.members.members(MemberFilter(status=MemberStatus.ACTIVE))) == 2


def test_dues_batch_with_matching_totals_creates_the_receipt(ws: Workspace) -> None:
    branch, members, fund = setup(ws)
    batch = DuesBatchInput(
        branch, 2026, D, "Chi hội trưởng Lê Văn Ba", 2, 40_000,
        ((members[0], 20_000), (members[1], 20_000)),
        collector_address="Thôn 1, xã Đông Hòa, tỉnh Thanh Hóa",
    )  # fmt: skip
    result = ws.members.collect(batch, fund).value
    assert (result.members, result.total, result.voucher) == (2, 40_000, "PT-0001/2026")
    assert result.upper_share == 12_000
    assert ws.fund.balance(fund) == 40_000
    assert [m.id for m in ws.members.unpaid(2026)] == [members[2]]
    entry = ws.fund.entries(LedgerFilter(fund_id=fund))[0]
    assert entry.reason == "Thu hội phí năm 2026 Chi hội Thôn 1: 2 hội viên"
    assert entry.party_address == "Thôn 1, xã Đông Hòa, tỉnh Thanh Hóa"


def test_a_batch_whose_totals_do_not_match_is_refused(ws: Workspace) -> None:
    branch, members, fund = setup(ws)
    batch = DuesBatchInput(
        branch, 2026, D, "", 3, 60_000, ((members[0], 20_000), (members[1], 20_000))
    )
    with pytest.raises(UserError) as info:
        ws.members.collect(batch, fund)
    assert {p.field for p in info.value.problems} == {"expected_count", "expected_total"}
    assert ws.fund.balance(fund) == 0
    assert len(ws.members.unpaid(2026)) == 3


def test_paying_twice_for_a_year_is_refused(ws: Workspace) -> None:
    branch, members, fund = setup(ws)
    one = DuesBatchInput(branch, 2026, D, "", 1, 20_000, ((members[0], 20_000),))
    ws.members.collect(one, fund)
    with pytest.raises(UserError):
        ws.members.collect(one, fund)
    assert ws.fund.balance(fund) == 20_000


def test_membership_share_of_the_population(ws: Workspace) -> None:
    setup(ws)
    hamlet = ws.centre.hamlets()[0]
    ws.centre.update_hamlet(hamlet.id, hamlet.name, hamlet.kind, 30)
    per_hamlet, commune = ws.members.shares()
    first = next(s for s in per_hamlet if s.name == hamlet.name)
    assert first.members == 3
    assert first.percent == pytest.approx(10.0)
    assert commune.members == 3
