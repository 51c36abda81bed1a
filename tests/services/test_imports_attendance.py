"""Importing a class's attendance roster kept in Excel, through ImportService, on real xlsx files
written with openpyxl and a real database: the learners matched or created as in a list of
people, each enrolled in the class, the session columns (dates, "Buổi 1", real date cells) as
the class's sessions (a missing day added within the class's dates), ticks in every style, a bad
tick rejecting its row, the grid adding up with the file, the same file refused, undo exact."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.courses import CourseInput, Result
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services.imports import MATCH, NEW, REJECTED, ImportOptions
from desktop_app.services.workspace import Workspace

MARCH = [dt.date(2026, 3, 5), dt.date(2026, 3, 12)]
HEADER = ("STT", "Họ và tên", "Năm sinh", "05/03", "12/03", "19/03")
ROWS = [
    (1, "Trần Thị Bích", 1990, "x", "X", None),  # new
    (2, "Lê Văn Cường", 1975, 1, "có", "✓"),  # held, enrolled, ticked on 05/03 already
    (3, "Phạm Thị Hoa", 1988, "v", "vắng", 0),  # held, not enrolled, absent each time
    (4, "Nguyễn Văn An", 1960, "x", "??", None),  # a bad tick
    (5, "Đặng Văn Ước", 1999, "", "K", "✔"),  # new, only at the session the import adds
]


def write_roster(
    path: Path, header: Sequence[object] = HEADER, rows: Sequence[Sequence[object]] = ROWS
) -> Path:
    """A class's roster: the commune, a merged title, a blank row, the header on row 4, the
    learners, a blank row and the signature."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Điểm danh"
    sheet.append(["UBND XÃ ĐÔNG HÒA"])
    sheet.append(["DANH SÁCH ĐIỂM DANH LỚP TRỒNG LÚA THÁNG 3/2026"])
    sheet.merge_cells("A2:F2")
    sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append([None, "Người lập biểu"])
    book.save(path)
    return path


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "centre.sqlite3", create=True) as ws:
        ws.centre.add_hamlet("Thôn Đông", HamletKind.THON)
        yield ws


def make_class(
    ws: Workspace, days: Sequence[dt.date] = MARCH, start: dt.date | None = dt.date(2026, 3, 1),
    end: dt.date | None = dt.date(2026, 3, 31),
) -> str:  # fmt: skip
    data = CourseInput("cd_nong_nghiep", "Trồng lúa", start=start, end=end)
    return ws.courses.create(data, list(days)).value


def held_learners(ws: Workspace, course: str) -> tuple[str, str]:
    """Lê Văn Cường, enrolled and present on 05/03; Phạm Thị Hoa, not enrolled."""
    cuong = ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975")).value
    hoa = ws.people.add(PersonInput("Phạm Thị Hoa", Sex.FEMALE, "1988")).value
    (enrolment,) = ws.courses.enrol(course, [cuong]).value
    first = ws.courses.sessions(course)[0].id
    ws.courses.set_attendance(course, [(enrolment, first)], True)
    return cuong, hoa


def grid_of(ws: Workspace, course: str) -> dict[str, set[str]]:
    """Name -> the days (dd/mm) present, of every learner enrolled."""
    grid = ws.courses.grid(course)
    return {
        e.full_name: {f"{grid.sessions[j].day:%d/%m}" for j in grid.present[i]}
        for i, e in enumerate(grid.enrolments)
    }


def table_rows(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("person", "enrolment", "attendance", "session", "import_batch")
        }
    finally:
        conn.close()


def test_a_roster_is_read_with_its_sessions_and_ticks(ws: Workspace, tmp_path: Path) -> None:
    course = make_class(ws)
    held_learners(ws, course)
    options = ImportOptions(course_id=course)
    before = table_rows(ws.db.path)
    plan = ws.imports.plan(write_roster(tmp_path / "roster.xlsx"), "attendance", options=options)
    assert plan.header_row == 4 and plan.sheet == "Điểm danh"
    held = ws.courses.sessions(course)
    assert [(s.letter, s.header, s.day, s.session_id) for s in plan.sessions] == [
        ("D", "05/03", MARCH[0], held[0].id),
        ("E", "12/03", MARCH[1], held[1].id),
        ("F", "19/03", dt.date(2026, 3, 19), None),  # a session the import adds
    ]
    by_row = {r.row: r for r in plan.rows}
    assert (by_row[5].status, by_row[5].present) == (NEW, (0, 1))
    assert (by_row[6].status, by_row[6].present) == (MATCH, (0, 1, 2))
    assert (by_row[7].status, by_row[7].present) == (MATCH, ())
    assert by_row[9].status == NEW and by_row[9].present == (2,)
    # A cell that is neither a tick nor an absence: the row is rejected, the column named.
    bad = by_row[8]
    assert bad.status == REJECTED and bad.present == () and bad.fields is None
    assert [(p.field, p.params) for p in bad.problems] == [
        ("session", {"column": "12/03", "value": "??"})
    ]
    # The ticks are not a person's field.
    assert "session" not in by_row[5].cells and by_row[5].cells["full_name"] == "Trần Thị Bích"
    assert plan.counts["new"] == 2 and plan.counts["match"] == 2 and plan.counts["rejected"] == 1
    # What it would do: Bích, Hoa and Ước enrolled; 2 + 2 (05/03 is there already) + 1 ticks.
    assert ws.imports.attendance_counts(plan) == {"enrolled": 3, "ticks": 5, "sessions_created": 1}
    assert table_rows(ws.db.path) == before  # checking writes nothing


def test_apply_enrols_ticks_and_the_grid_adds_up_with_the_file(
    ws: Workspace, tmp_path: Path
) -> None:
    course = make_class(ws)
    cuong, hoa = held_learners(ws, course)
    file = write_roster(tmp_path / "roster.xlsx")
    options = ImportOptions(course_id=course)
    plan = ws.imports.plan(file, "attendance", options=options)
    with pytest.raises(UserError):  # a row is rejected
        ws.imports.apply(plan, options)
    options = ImportOptions(course_id=course, skip_rejected=True)
    plan = ws.imports.plan(file, "attendance", options=options)
    result = ws.imports.apply(plan, options)
    counts = result.counts
    assert (counts["created"], counts["enrolled"], counts["ticks"]) == (2, 3, 5)
    assert counts["sessions_created"] == 1
    assert [s.day for s in ws.courses.sessions(course)] == [*MARCH, dt.date(2026, 3, 19)]
    assert grid_of(ws, course) == {
        "Trần Thị Bích": {"05/03", "12/03"},
        "Lê Văn Cường": {"05/03", "12/03", "19/03"},
        "Phạm Thị Hoa": set(),
        "Đặng Văn Ước": {"19/03"},
    }
    # The matched people are the ones held, not copies.
    ids = {e.full_name: e.person_id for e in ws.courses.enrolments(course)}
    assert ids["Lê Văn Cường"] == cuong and ids["Phạm Thị Hoa"] == hoa
    # The grid's totals are the file's ticks (Cường's 05/03 tick was there already).
    assert sum(ws.courses.grid(course).person_totals()) == 6
    (batch,) = ws.imports.history()
    assert batch.kind == "attendance" and batch.target_id == course
    assert batch.counts["enrolled"] == 3 and batch.counts["ticks"] == 5
    # The same file again: refused, whether opened again or applied.
    assert ws.imports.open_file(file, "attendance").already is not None
    with pytest.raises(UserError):
        ws.imports.apply(ws.imports.plan(file, "attendance", options=options), options)
    assert len(ws.imports.history()) == 1


def test_undo_takes_back_exactly_what_the_import_added(ws: Workspace, tmp_path: Path) -> None:
    course = make_class(ws)
    held_learners(ws, course)
    before_grid = grid_of(ws, course)
    before_sessions = ws.courses.sessions(course)
    options = ImportOptions(course_id=course, skip_rejected=True)
    plan = ws.imports.plan(write_roster(tmp_path / "roster.xlsx"), "attendance", options=options)
    result = ws.imports.apply(plan, options)
    undone = ws.imports.undo(result.import_id)
    assert undone.removed == 2
    assert undone.counts == {"ticks_removed": 5, "enrolments_removed": 3, "sessions_removed": 1}
    assert grid_of(ws, course) == before_grid == {"Lê Văn Cường": {"05/03"}}
    assert ws.courses.sessions(course) == before_sessions
    assert sorted(p.full_name for p in ws.people.roster()) == ["Lê Văn Cường", "Phạm Thị Hoa"]
    # Undone: the same file may be imported again, and gives the same class.
    plan = ws.imports.plan(write_roster(tmp_path / "roster.xlsx"), "attendance", options=options)
    ws.imports.apply(plan, options)
    assert grid_of(ws, course)["Đặng Văn Ước"] == {"19/03"}


def test_an_enrolment_removed_once_is_taken_back_and_removed_again_by_undo(
    ws: Workspace, tmp_path: Path
) -> None:
    course = make_class(ws)
    cuong, _hoa = held_learners(ws, course)
    (enrolment,) = [e.id for e in ws.courses.enrolments(course)]
    ws.courses.unenrol(enrolment)
    rows = [(1, "Lê Văn Cường", 1975, "x", "x", None)]
    options = ImportOptions(course_id=course)
    plan = ws.imports.plan(write_roster(tmp_path / "r.xlsx", rows=rows), "attendance",
                           options=options)  # fmt: skip
    result = ws.imports.apply(plan, options)
    # Enrolled again; his 05/03 mark, which removing him from the class kept, counts again.
    assert (result.counts["enrolled"], result.counts["ticks"]) == (1, 1)
    assert [e.id for e in ws.courses.enrolments(course)] == [enrolment]
    assert grid_of(ws, course) == {"Lê Văn Cường": {"05/03", "12/03"}}
    ws.imports.undo(result.import_id)
    assert ws.courses.enrolments(course) == []
    assert ws.people.get(cuong).full_name == "Lê Văn Cường"


def test_undo_is_refused_when_the_class_recorded_more_since(ws: Workspace, tmp_path: Path) -> None:
    course = make_class(ws)
    options = ImportOptions(course_id=course, skip_rejected=True)
    plan = ws.imports.plan(write_roster(tmp_path / "roster.xlsx"), "attendance", options=options)
    result = ws.imports.apply(plan, options)
    enrolments = {e.full_name: e.id for e in ws.courses.enrolments(course)}
    # A result set since on an enrolment the import made.
    ws.courses.set_result(enrolments["Trần Thị Bích"], Result.PASS)
    with pytest.raises(UserError) as err:
        ws.imports.undo(result.import_id)
    assert "Trần Thị Bích" in str(err.value.params)
    ws.courses.set_result(enrolments["Trần Thị Bích"], None)
    with pytest.raises(UserError):  # still changed since (its version moved on)
        ws.imports.undo(result.import_id)
    assert len(ws.courses.enrolments(course)) == 4


def test_undo_is_refused_when_a_later_mark_uses_a_session_it_added(
    ws: Workspace, tmp_path: Path
) -> None:
    course = make_class(ws)
    held_learners(ws, course)
    options = ImportOptions(course_id=course, skip_rejected=True)
    plan = ws.imports.plan(write_roster(tmp_path / "roster.xlsx"), "attendance", options=options)
    result = ws.imports.apply(plan, options)
    grid = ws.courses.grid(course)
    added = grid.sessions[2]
    hoa = next(e.id for e in grid.enrolments if e.full_name == "Phạm Thị Hoa")
    ws.courses.set_attendance(course, [(hoa, added.id)], True)
    with pytest.raises(UserError) as err:
        ws.imports.undo(result.import_id)
    assert "Phạm Thị Hoa" in str(err.value.params)
    assert len(ws.courses.sessions(course)) == 3
    # Once that mark is taken off, the import can be undone.
    ws.courses.set_attendance(course, [(hoa, added.id)], False)
    ws.imports.undo(result.import_id)
    assert len(ws.courses.sessions(course)) == 2


def test_numbered_sessions_are_the_class_s_sessions_in_date_order(
    ws: Workspace, tmp_path: Path
) -> None:
    # Added out of order: "Buổi 1" is still the earliest.
    days = [dt.date(2026, 3, 19), dt.date(2026, 3, 5), dt.date(2026, 3, 12)]
    course = make_class(ws, days)
    header = ("STT", "Họ và tên", "Năm sinh", "Buổi 1", "Buổi 2", "Buổi 3")
    file = write_roster(tmp_path / "buoi.xlsx", header)
    options = ImportOptions(course_id=course, skip_rejected=True)
    plan = ws.imports.plan(file, "attendance", options=options)
    assert [(s.header, s.day) for s in plan.sessions] == [
        ("Buổi 1", dt.date(2026, 3, 5)), ("Buổi 2", dt.date(2026, 3, 12)),
        ("Buổi 3", dt.date(2026, 3, 19)),
    ]  # fmt: skip
    assert all(s.session_id for s in plan.sessions)
    result = ws.imports.apply(plan, options)
    assert result.counts["sessions_created"] == 0 and result.counts["ticks"] == 6
    assert grid_of(ws, course)["Lê Văn Cường"] == {"05/03", "12/03", "19/03"}
    # More numbered columns than the class has sessions: refused, saying how many it has.
    short = make_class(ws, MARCH)
    with pytest.raises(UserError) as err:
        ws.imports.plan(file, "attendance", options=ImportOptions(course_id=short))
    assert err.value.params == {"highest": 3, "count": 2}


def test_bare_numbers_and_real_date_cells_title_sessions(ws: Workspace, tmp_path: Path) -> None:
    course = make_class(ws, MARCH)
    rows = [(1, "Trần Thị Bích", 1990, "x", "x")]
    numbers = write_roster(tmp_path / "n.xlsx", ("STT", "Họ và tên", "Năm sinh", 1, 2), rows)
    plan = ws.imports.plan(numbers, "attendance", options=ImportOptions(course_id=course))
    assert [s.day for s in plan.sessions] == MARCH and all(s.session_id for s in plan.sessions)
    dates = ("STT", "Họ và tên", "Năm sinh", dt.datetime(2026, 3, 12), dt.datetime(2026, 3, 26))
    plan = ws.imports.plan(write_roster(tmp_path / "d.xlsx", dates, rows), "attendance",
                           options=ImportOptions(course_id=course))  # fmt: skip
    assert [(s.day, s.session_id is None) for s in plan.sessions] == [
        (dt.date(2026, 3, 12), False), (dt.date(2026, 3, 26), True),
    ]  # fmt: skip


def test_a_day_without_its_year_takes_the_class_s_year(ws: Workspace, tmp_path: Path) -> None:
    # A class over New Year: 05/01 is in 2027, 20/12 in 2026.
    course = make_class(ws, [], dt.date(2026, 12, 1), dt.date(2027, 2, 28))
    header = ("STT", "Họ và tên", "Năm sinh", "Ngày 20/12", "05/01")
    rows = [(1, "Trần Thị Bích", 1990, "x", "x")]
    plan = ws.imports.plan(write_roster(tmp_path / "ny.xlsx", header, rows), "attendance",
                           options=ImportOptions(course_id=course))  # fmt: skip
    assert [s.day for s in plan.sessions] == [dt.date(2026, 12, 20), dt.date(2027, 1, 5)]


def test_a_day_outside_the_class_s_dates_is_refused(ws: Workspace, tmp_path: Path) -> None:
    course = make_class(ws)
    header = ("STT", "Họ và tên", "Năm sinh", "05/03", "02/04/2026")
    rows = [(1, "Trần Thị Bích", 1990, "x", "x")]
    file = write_roster(tmp_path / "late.xlsx", header, rows)
    with pytest.raises(UserError) as err:
        ws.imports.plan(file, "attendance", options=ImportOptions(course_id=course))
    assert err.value.params["day"] == "02/04/2026" and err.value.params["letter"] == "E"
    # A class without dates takes any day.
    open_class = make_class(ws, MARCH, None, None)
    plan = ws.imports.plan(file, "attendance", options=ImportOptions(course_id=open_class))
    assert plan.sessions[1].session_id is None
    bad = write_roster(tmp_path / "bad.xlsx", ("STT", "Họ và tên", "Năm sinh", "31/02"), rows)
    with pytest.raises(UserError) as err:
        ws.imports.plan(bad, "attendance", options=ImportOptions(course_id=course))
    assert err.value.params == {"letter": "D", "header": "31/02"}


def test_a_class_must_be_chosen_and_exist(ws: Workspace, tmp_path: Path) -> None:
    file = write_roster(tmp_path / "roster.xlsx")
    with pytest.raises(UserError):
        ws.imports.plan(file, "attendance")
    with pytest.raises(UserError) as err:
        ws.imports.plan(file, "attendance", options=ImportOptions(course_id="no-such-class"))
    assert err.value.params == {"id": "no-such-class"}


def test_a_session_added_meanwhile_refuses_the_import(ws: Workspace, tmp_path: Path) -> None:
    course = make_class(ws)
    options = ImportOptions(course_id=course, skip_rejected=True)
    plan = ws.imports.plan(write_roster(tmp_path / "roster.xlsx"), "attendance", options=options)
    ws.courses.add_session(course, dt.date(2026, 3, 19))
    before = table_rows(ws.db.path)
    with pytest.raises(UserError):
        ws.imports.apply(plan, options)
    assert table_rows(ws.db.path) == before


def test_undo_is_refused_once_a_certificate_is_issued_for_an_imported_enrolment(
    ws: Workspace, tmp_path: Path
) -> None:
    course = make_class(ws)
    _cuong, hoa = held_learners(ws, course)
    rows = [(1, "Phạm Thị Hoa", 1988, "x", "✓")]
    options = ImportOptions(course_id=course)
    file = write_roster(tmp_path / "r.xlsx", ("STT", "Họ và tên", "Năm sinh", "05/03", "12/03"),
                        rows)  # fmt: skip
    result = ws.imports.apply(ws.imports.plan(file, "attendance", options=options), options)
    assert result.counts["enrolled"] == 1 and result.counts["created"] == 0
    enrolment = next(e.id for e in ws.courses.enrolments(course) if e.person_id == hoa)
    ws.certificates.issue_for_course(course, enrolment_ids={enrolment})
    with pytest.raises(UserError) as err:
        ws.imports.undo(result.import_id)
    assert "Phạm Thị Hoa" in str(err.value.params)
    assert grid_of(ws, course)["Phạm Thị Hoa"] == {"05/03", "12/03"}


def test_matched_learners_get_their_empty_fields_filled_and_undo_restores_them(
    ws: Workspace, tmp_path: Path
) -> None:
    course = make_class(ws)
    cuong, _hoa = held_learners(ws, course)
    header = ("STT", "Họ và tên", "Năm sinh", "Số điện thoại", "05/03")
    rows = [(1, "Lê Văn Cường", 1975, "0912345678", "x")]
    options = ImportOptions(course_id=course, on_match="fill")
    file = write_roster(tmp_path / "r.xlsx", header, rows)
    result = ws.imports.apply(ws.imports.plan(file, "attendance", options=options), options)
    assert (result.counts["updated"], result.counts["enrolled"], result.counts["ticks"]) == (
        1, 0, 0,
    )  # fmt: skip
    assert ws.people.get(cuong).phone == "0912345678"
    undone = ws.imports.undo(result.import_id)
    assert undone.restored == 1 and ws.people.get(cuong).phone is None
    assert grid_of(ws, course) == {"Lê Văn Cường": {"05/03"}}
