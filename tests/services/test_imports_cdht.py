"""Importing a status list of the "Công dân học tập" platform through ImportService, on real
xlsx files written with openpyxl and a real database: rows matched by CCCD, else by name and
birth year (and hamlet), the unmatched not taken with their reason, statuses moved forward only,
all or nothing, the same file refused, undo restoring every status as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.core.citizen_tracker import CitizenStatus
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.imports import DUPLICATE, IGNORED, MATCH, NEW, REJECTED, ImportOptions
from desktop_app.services.workspace import Workspace
from tests.services.test_imports import write_xlsx

HEADER = ("STT", "Số CCCD", "Họ và tên", "Năm sinh", "Thôn", "Trạng thái", "Ngày tạo tài khoản")


def person(ws: Workspace, name: str, hamlet_id: str | None, birth: str, cccd: str = "") -> str:
    return ws.people.add(
        PersonInput(full_name=name, birth=birth, hamlet_id=hamlet_id, cccd=cccd),
        confirmed_different=True,
    ).value


@pytest.fixture
def people(ws: Workspace, hamlets: dict[str, str]) -> dict[str, str]:
    one, two = hamlets["Thôn 1"], hamlets["Thôn 2"]
    return {
        "an": person(ws, "Nguyễn Văn An", one, "1980", "001080012345"),
        "binh": person(ws, "Trần Thị Bình", one, "1985"),
        # Two people of the same name and year, in two hamlets.
        "cuong1": person(ws, "Lê Văn Cường", one, "1970"),
        "cuong2": person(ws, "Lê Văn Cường", two, "1970"),
        "dung": person(ws, "Phạm Thị Dung", two, "1990"),
        "hoa": person(ws, "Vũ Thị Hoa", two, "1960"),
        "khoi": person(ws, "Lê Minh Khôi", two, str(dt.date.today().year - 10)),
    }


def status_file(path: Path, rows: list[tuple[object, ...]]) -> Path:
    """A list as the platform's admin page gives it: a title, a blank row, the header, the rows,
    and the signature."""
    return write_xlsx(
        path,
        [
            ["HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA"],
            ["DANH SÁCH CÔNG DÂN HỌC TẬP"],
            [],
            list(HEADER),
            *[list(r) for r in rows],
            [],
            [None, None, "Người lập biểu"],
        ],
    )


ROWS: list[tuple[object, ...]] = [
    # By CCCD, though the name is typed differently.
    (1, "001080012345", "Nguyễn V. An", 1980, "Thôn 1", "Đã tự đánh giá", dt.date(2025, 3, 2)),
    # By name and birth year (no CCCD in the registry or the file).
    (2, None, "TRẦN THỊ BÌNH", 1985, "", "Đạt", None),
    # Two Lê Văn Cường born 1970: the hamlet tells them apart.
    (3, None, "Lê Văn Cường", 1970, "Thôn 2", "Đã tạo tài khoản", "05/04/2025"),
    # No one of that name and year.
    (4, None, "Đỗ Văn Giang", 1955, "Thôn 1", "Đạt", None),
    # Held further already (set below): nothing changes.
    (5, None, "Phạm Thị Dung", 1990, "Thôn 2", "Đã tạo tài khoản", None),
    # Words that are no status.
    (6, None, "Vũ Thị Hoa", 1960, "Thôn 2", "Xuất sắc", None),
    # A child of the registry.
    (7, None, "Lê Minh Khôi", dt.date.today().year - 10, "Thôn 2", "Đạt", None),
    # The same person as row 1.
    (8, "001080012345", "Nguyễn Văn An", 1980, "Thôn 1", "Đạt", None),
]


def test_a_status_list_is_matched_and_each_row_says_why(
    ws: Workspace, people: dict[str, str], tmp_path: Path
) -> None:
    ws.cdht.set_status(people["dung"], "achieved", dt.date(2025, 2, 1))
    file = status_file(tmp_path / "cdht.xlsx", ROWS)
    plan = ws.imports.plan(file, "cdht")
    assert plan.header_row == 4
    assert plan.mapping() == {
        "A": "row_number", "B": "cccd", "C": "full_name", "D": "birth_year", "E": "hamlet",
        "F": "status", "G": "account_on",
    }  # fmt: skip
    by_row = {r.row: r for r in plan.rows}
    assert [by_row[n].status for n in range(5, 13)] == [
        NEW, NEW, NEW, REJECTED, MATCH, REJECTED, REJECTED, DUPLICATE,
    ]  # fmt: skip
    assert by_row[14].status == IGNORED  # the signature
    assert (by_row[5].match_id, by_row[5].cdht_status, by_row[5].match_certain) == (
        people["an"], "self_assessed", True,
    )  # fmt: skip
    assert (by_row[6].match_id, by_row[6].cdht_status) == (people["binh"], "achieved")
    assert (by_row[7].match_id, by_row[7].cdht_status) == (people["cuong2"], "account")
    assert "No one in the people list" in by_row[8].problems[0].message
    assert "already" in by_row[9].problems[0].message and by_row[9].problems[0].warning
    assert "not a status of the platform" in by_row[10].problems[0].message
    assert "for adults aged" in by_row[11].problems[0].message
    assert by_row[12].duplicate_of == 5
    # Without the hamlet, the two Lê Văn Cường cannot be told apart.
    alone = status_file(tmp_path / "alone.xlsx", [(1, None, "Lê Văn Cường", 1970, "", "Đạt", None)])
    (row,) = ws.imports.plan(alone, "cdht").rows[:1]
    assert row.status == REJECTED and row.problems[0].params["count"] == 2
    # Nothing was written by planning.
    assert ws.db.conn.execute("SELECT count(*) FROM citizen_status").fetchone()[0] == 1


def test_the_import_is_all_or_nothing_and_undo_restores_every_status(
    ws: Workspace, people: dict[str, str], tmp_path: Path
) -> None:
    ws.cdht.set_status(people["dung"], "achieved", dt.date(2025, 2, 1))
    ws.cdht.set_status(people["an"], "account", dt.date(2025, 1, 10), notes="ghi chú")
    file = status_file(tmp_path / "cdht.xlsx", ROWS)
    plan = ws.imports.plan(file, "cdht")
    with pytest.raises(UserError, match="cannot be imported as they are"):
        ws.imports.apply(plan)
    assert ws.db.conn.execute("SELECT count(*) FROM citizen_status").fetchone()[0] == 2
    options = ImportOptions(skip_rejected=True)
    result = ws.imports.apply(ws.imports.plan(file, "cdht", options=options), options)
    assert result.counts["statuses"] == 3
    assert (result.counts["account"], result.counts["self_assessed"],
            result.counts["achieved"]) == (1, 1, 1)  # fmt: skip
    assert result.changes.touches("citizen_status")
    an = ws.cdht.status_of(people["an"])
    # Moved forward; the day the centre held is kept, the file's day of the account not taken.
    assert (an.status, an.account_on, an.self_assessed_on) == (
        CitizenStatus.SELF_ASSESSED, dt.date(2025, 1, 10), None,
    )  # fmt: skip
    assert (an.source, an.import_id, an.notes) == ("imported", result.import_id, "ghi chú")
    cuong = ws.cdht.status_of(people["cuong2"])
    assert (cuong.status, cuong.account_on) == (CitizenStatus.ACCOUNT, dt.date(2025, 4, 5))
    assert ws.cdht.status_of(people["binh"]).status is CitizenStatus.ACHIEVED
    assert ws.cdht.status_of(people["cuong1"]).status is CitizenStatus.NOT_REGISTERED
    assert ws.cdht.status_of(people["dung"]).status is CitizenStatus.ACHIEVED
    # The same file again is refused.
    again = ws.imports.open_file(file, "cdht")
    assert again.already is not None and again.already.id == result.import_id
    with pytest.raises(UserError, match="imported already"):
        ws.imports.apply(ws.imports.plan(file, "cdht", options=options), options)
    summary = ws.cdht.summary(2025)
    assert (summary.account, summary.self_assessed, summary.achieved) == (4, 3, 2)
    undone = ws.imports.undo(result.import_id)
    assert undone.counts == {"statuses_removed": 2, "statuses_restored": 1}
    an = ws.cdht.status_of(people["an"])
    assert (an.status, an.account_on, an.source, an.import_id, an.notes) == (
        CitizenStatus.ACCOUNT, dt.date(2025, 1, 10), "typed", None, "ghi chú",
    )  # fmt: skip
    assert ws.cdht.status_of(people["binh"]).status is CitizenStatus.NOT_REGISTERED
    assert ws.cdht.status_of(people["cuong2"]).status is CitizenStatus.NOT_REGISTERED
    live = ws.db.conn.execute("SELECT count(*) FROM citizen_status WHERE deleted = 0").fetchone()
    assert live[0] == 2
    with pytest.raises(UserError, match="undone already"):
        ws.imports.undo(result.import_id)
    # Undone, the file may be imported again.
    redo = ws.imports.apply(ws.imports.plan(file, "cdht", options=options), options)
    assert redo.counts["statuses"] == 3


def test_undo_is_refused_once_a_status_was_set_again(
    ws: Workspace, people: dict[str, str], tmp_path: Path
) -> None:
    file = status_file(tmp_path / "one.xlsx", [(1, None, "Trần Thị Bình", 1985, "", "Đã tạo tài "
                                                "khoản", None)])  # fmt: skip
    result = ws.imports.apply(ws.imports.plan(file, "cdht"))
    ws.cdht.set_status(people["binh"], "achieved")
    with pytest.raises(UserError, match="changed since") as info:
        ws.imports.undo(result.import_id)
    assert info.value.params["names"] == "Trần Thị Bình"
    assert ws.cdht.status_of(people["binh"]).status is CitizenStatus.ACHIEVED


def test_days_alone_tell_the_status_and_the_header_in_english(
    ws: Workspace, people: dict[str, str], tmp_path: Path
) -> None:
    file = write_xlsx(
        tmp_path / "days.xlsx",
        [
            ["Citizen ID", "Full name", "Date of birth", "Account created on", "Self-assessed on",
             "Achieved on"],
            ["001080012345", "Nguyễn Văn An", "1980", "01/02/2025", "03/03/2025", None],
            [None, "Trần Thị Bình", "12/05/1985", "01/02/2025", None, "01/01/2025"],
            [None, "Phạm Thị Dung", "1990", None, None, None],
        ],
        merge_title=False,
    )  # fmt: skip
    plan = ws.imports.plan(file, "cdht")
    assert plan.mapping() == {
        "A": "cccd", "B": "full_name", "C": "birth", "D": "account_on", "E": "self_assessed_on",
        "F": "achieved_on",
    }  # fmt: skip
    an, binh, dung = plan.rows
    assert (an.status, an.cdht_status) == (NEW, "self_assessed")
    assert binh.status == REJECTED and "before the day" in binh.problems[0].message
    assert dung.status == REJECTED and "neither the status nor the day" in dung.problems[0].message
    ws.imports.apply(plan, ImportOptions(skip_rejected=True))
    held = ws.cdht.status_of(people["an"])
    assert (held.account_on, held.self_assessed_on) == (dt.date(2025, 2, 1), dt.date(2025, 3, 3))


def test_a_list_without_a_status_column_is_refused_with_what_to_do(
    ws: Workspace, tmp_path: Path
) -> None:
    file = write_xlsx(tmp_path / "names.xlsx", [["Họ và tên", "Năm sinh"], ["A", 1980]],
                      merge_title=False)  # fmt: skip
    with pytest.raises(UserError, match="Status on the platform"):
        ws.imports.plan(file, "cdht", header_row=1)
