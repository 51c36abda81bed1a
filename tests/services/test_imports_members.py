"""Importing a Hội Khuyến học members list kept in Excel, through ImportService, on real xlsx
files written with openpyxl and a real database: each row's person matched or created, made a
member of the branch its "Chi hội" column names (or the default one) with its card number (or
the next free one); a person already a member is a match with nothing to do; the dues column is
shown and never booked; undo removes the members it added, unless dues were collected since."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.members import BranchKind, DuesBatchInput, DuesRate
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services.fund import FundInput
from desktop_app.services.imports import MATCH, NEW, REJECTED, ImportOptions
from desktop_app.services.members import MemberFilter, MemberInput
from desktop_app.services.workspace import Workspace
from tests.services.test_imports import roster, write_xlsx

HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Thôn/Ấp", "Chi hội", "Ngày vào hội",
          "Số thẻ hội viên", "Hội phí")  # fmt: skip
JOINED = dt.date(2020, 3, 15)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "centre.sqlite3", create=True) as ws:
        for name in ("Thôn Đông", "Thôn Tây"):
            hamlet_id = ws.centre.add_hamlet(name, HamletKind.THON).value
            ws.members.save_branch(f"Chi hội {name}", BranchKind.HAMLET, hamlet_id)
        yield ws


def branch(ws: Workspace, name: str) -> str:
    return next(b.id for b in ws.members.branches() if b.name == name)


def one_member(ws: Workspace) -> str:
    """Phạm Thị Hoa, member 7 of Chi hội Thôn Đông already."""
    pid = ws.people.add(PersonInput("Phạm Thị Hoa", Sex.FEMALE, "03/02/1988")).value
    ws.members.add(MemberInput(pid, branch(ws, "Chi hội Thôn Đông"), JOINED, "7"))
    return pid


def rows_of(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def members_list(tmp_path: Path, name: str = "members.xlsx") -> Path:
    return write_xlsx(
        tmp_path / name,
        roster(
            [
                (1, "Trần Thị Bích", "12/05/1990", "Nữ", "Thôn Đông", "Chi hội Thôn Đông",
                 dt.datetime(2019, 9, 1), 101, 20_000),
                (2, "Lê Văn Cường", "1975", "Nam", "Thôn Tây", "Thôn Tây", "15/03/2020", "",
                 20_000),
                (3, "Phạm Thị Hoa", "3/2/88", "Nữ", "Thôn Đông", "Chi hội Thôn Đông", "", 7,
                 ""),
                (4, "Nguyễn Văn An", "1960", "Nam", "Thôn Tây", "Chi hội Xóm Bãi", "", "", ""),
                (5, "Đặng Văn Ước", "1999", "Nam", "Thôn Tây", "Thôn Tây", "", "7", ""),
                (6, "Hoàng Thị Mai", "1985", "Nữ", "Thôn Tây", "Thôn Tây", "", 101, ""),
                (7, "Vũ Minh Đức", "2001", "Nam", "Thôn Đông", "", "", "", ""),
                (8, "Bùi Thị Lan", "1970", "Nữ", "Thôn Đông", "Đông", "31/02/2020", "", ""),
            ],
            HEADER,
        ),
    )  # fmt: skip


def test_a_members_list_is_read_and_classified(ws: Workspace, tmp_path: Path) -> None:
    ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975"))
    one_member(ws)
    plan = ws.imports.plan(members_list(tmp_path), "members")
    fields = {c.header: c for c in plan.columns}
    assert fields["Chi hội"].field == "branch" and fields["Ngày vào hội"].field == "joined"
    assert fields["Số thẻ hội viên"].field == "card_number"
    # The dues column is shown, with a note that the import books nothing into the fund.
    assert fields["Hội phí"].field == "dues" and fields["Hội phí"].note
    assert all(not c.note for c in plan.columns if c.field != "dues")
    by_row = {r.row: r for r in plan.rows}
    east, west = branch(ws, "Chi hội Thôn Đông"), branch(ws, "Chi hội Thôn Tây")
    first = by_row[7]
    assert first.status == NEW and first.branch_id == east
    assert (first.joined, first.card_number, first.cells["dues"]) == (
        dt.date(2019, 9, 1), "101", "20000",
    )  # fmt: skip
    # A person held, not a member yet: a match that becomes a member ("Thôn Tây" is its
    # branch's name without "Chi hội").
    second = by_row[8]
    assert second.status == MATCH and second.branch_id == west and not second.member_number
    assert second.joined == JOINED
    # A person who is a member already: a match with nothing to do, their number shown.
    assert by_row[9].status == MATCH and by_row[9].member_number == "7"
    problems = {r.row: [(p.field, p.params) for p in r.problems] for r in plan.rows}
    assert by_row[10].status == REJECTED and problems[10][0][0] == "branch"
    assert "Chi hội Thôn Đông" in str(problems[10][0][1]["branches"])
    assert problems[11] == [("card_number", {"number": "7", "name": "Phạm Thị Hoa"})]
    assert problems[12] == [("card_number", {"number": "101", "row": 7})]
    assert by_row[13].status == REJECTED and [f for f, _ in problems[13]] == ["branch"]
    assert by_row[14].status == REJECTED and [f for f, _ in problems[14]] == ["joined"]
    assert plan.counts == {
        "new": 1, "match": 2, "duplicate": 0, "rejected": 5, "ignored": 1, "rows": 8,
    }  # fmt: skip
    # With a default branch and join date, the row without a branch is taken.
    options = ImportOptions(branch_id=west, joined_on=dt.date(2021, 1, 1))
    again = {r.row: r for r in ws.imports.plan(members_list(tmp_path), "members",
                                               options=options).rows}  # fmt: skip
    assert again[13].status == NEW and again[13].branch_id == west
    assert again[13].joined == dt.date(2021, 1, 1) and again[7].joined == dt.date(2019, 9, 1)
    # A branch named but not in the list is refused even with a default.
    assert again[10].status == REJECTED
    with pytest.raises(UserError):
        ws.imports.plan(members_list(tmp_path), "members",
                        options=ImportOptions(branch_id="no-such-branch"))  # fmt: skip
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(UserError):
        ws.imports.plan(members_list(tmp_path), "members",
                        options=ImportOptions(joined_on=tomorrow))  # fmt: skip


def test_apply_makes_members_of_new_and_matched_people_and_books_no_dues(
    ws: Workspace, tmp_path: Path
) -> None:
    held = ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975")).value
    hoa = one_member(ws)
    file = members_list(tmp_path)
    west = branch(ws, "Chi hội Thôn Tây")
    options = ImportOptions(branch_id=west, skip_rejected=True)
    plan = ws.imports.plan(file, "members", options=options)
    with pytest.raises(UserError):
        ws.imports.apply(plan, ImportOptions(branch_id=west))  # rows are rejected
    assert len(ws.members.members()) == 1
    result = ws.imports.apply(plan, options)
    assert result.counts["created"] == 2 and result.counts["members_created"] == 3
    got = {m.full_name: (m.member_number, m.branch_name, m.joined_on)
           for m in ws.members.members()}  # fmt: skip
    assert got == {
        "Trần Thị Bích": ("101", "Chi hội Thôn Đông", dt.date(2019, 9, 1)),
        # No card number: the next numbers after the highest (held or in the file), in the
        # order of the rows.
        "Lê Văn Cường": ("102", "Chi hội Thôn Tây", JOINED),
        "Vũ Minh Đức": ("103", "Chi hội Thôn Tây", dt.date.today()),
        "Phạm Thị Hoa": ("7", "Chi hội Thôn Đông", JOINED),
    }
    assert ws.members.of_person(held) is not None
    hoa_member = ws.members.of_person(hoa)
    assert hoa_member is not None and hoa_member.member_number == "7"
    # The dues column booked nothing: no fund entry, no dues payment.
    assert rows_of(ws.db.path, "SELECT count(*) FROM ledger_entry") == [(0,)]
    assert rows_of(ws.db.path, "SELECT count(*) FROM dues_payment") == [(0,)]
    (batch,) = ws.imports.history()
    assert batch.kind == "members" and batch.counts["members_created"] == 3


def test_undo_removes_the_members_frees_their_numbers_and_the_list_comes_in_again(
    ws: Workspace, tmp_path: Path
) -> None:
    held = ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975")).value
    one_member(ws)
    file = members_list(tmp_path)
    options = ImportOptions(branch_id=branch(ws, "Chi hội Thôn Tây"), skip_rejected=True)
    result = ws.imports.apply(ws.imports.plan(file, "members", options=options), options)
    undone = ws.imports.undo(result.import_id)
    assert (undone.removed, undone.members_removed) == (2, 3)
    # The member who was one before stays; the matched person stays, no longer a member.
    assert [m.member_number for m in ws.members.members()] == ["7"]
    assert ws.members.of_person(held) is None and ws.people.get(held).full_name
    live = rows_of(ws.db.path, "SELECT full_name FROM person WHERE deleted = 0 ORDER BY 1")
    assert live == [("Lê Văn Cường",), ("Phạm Thị Hoa",)]
    # The removed members keep their rows (soft deletion), their numbers given back.
    removed = rows_of(ws.db.path, "SELECT member_number FROM member WHERE deleted = 1")
    assert len(removed) == 3 and all(str(n).startswith("undone ") for (n,) in removed)
    again = ws.imports.apply(ws.imports.plan(file, "members", options=options), options)
    assert again.counts["members_created"] == 3
    assert sorted(m.member_number for m in ws.members.members()) == ["101", "102", "103", "7"]


def test_undo_is_refused_once_dues_were_collected_from_an_imported_member(
    ws: Workspace, tmp_path: Path
) -> None:
    file = write_xlsx(
        tmp_path / "members.xlsx",
        roster(
            [
                (1, "Trần Thị Bích", "12/05/1990", "Nữ", "Thôn Đông", "Thôn Đông", "", 1, ""),
                (2, "Vũ Minh Đức", "2001", "Nam", "Thôn Đông", "Thôn Đông", "", 2, ""),
            ],
            HEADER,
        ),
    )  # fmt: skip
    result = ws.imports.apply(ws.imports.plan(file, "members"))
    east = branch(ws, "Chi hội Thôn Đông")
    members = ws.members.members(MemberFilter(branch_id=east))
    bich = next(m for m in members if m.full_name == "Trần Thị Bích")
    fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 0, dt.date(2020, 1, 1))).value
    ws.members.set_rate(DuesRate(dt.date.today().year, 20_000, 0))
    ws.members.collect(
        DuesBatchInput(east, dt.date.today().year, dt.date.today(), "Lê Văn Ba", 1, 20_000,
                       ((bich.id, 20_000),)),
        fund,
    )  # fmt: skip
    with pytest.raises(UserError) as err:
        ws.imports.undo(result.import_id)
    assert "Trần Thị Bích" in str(err.value.params)
    assert len(ws.members.members()) == 2
    assert ws.imports.get(result.import_id).undone_at is None


def test_a_branch_is_found_by_its_name_as_people_write_it(ws: Workspace) -> None:
    east = branch(ws, "Chi hội Thôn Đông")
    for name in ("Chi hội Thôn Đông", "chi hoi thon dong", "Thôn Đông", "ĐÔNG"):
        assert ws.imports.branch_named(name) == east
    with pytest.raises(UserError) as err:
        ws.imports.branch_named("Xóm Bãi")
    assert "Chi hội Thôn Tây" in str(err.value.params)
