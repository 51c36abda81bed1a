"""Classes: catalogue, sessions, fast enrolment, attendance, completion."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.courses import CourseInput, Result
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.courses import CourseFilter, load_class_type_catalogue
from desktop_app.services.workspace import Workspace

D = dt.date(2026, 3, 2)


def person(ws: Workspace, name: str, birth: str = "") -> str:
    return ws.people.add(PersonInput(full_name=name, birth=birth)).value


def course(ws: Workspace, code: str = "ky_nang_so", sessions: int = 5, **kw: object) -> str:
    data = CourseInput(type_code=code, title="Bình dân học vụ số", start=D, **kw)  # type: ignore[arg-type]
    days = [D + dt.timedelta(days=7 * i) for i in range(sessions)]
    return ws.courses.create(data, days).value


def test_catalogue_is_loaded_from_the_data_file(ws: Workspace) -> None:
    shipped = load_class_type_catalogue()
    assert [t.code for t in ws.courses.class_types()] == [t.code for t in shipped]
    assert {"xmc1", "xmc2", "cd_nong_nghiep", "cd_phap_luat", "ky_nang_so"} <= {
        t.code for t in shipped
    }
    assert all(t.group for t in shipped)


def test_a_one_off_topic_session_is_a_course_with_one_session(ws: Workspace) -> None:
    cid = course(ws, "cd_nong_nghiep", sessions=1)
    c = ws.courses.get(cid)
    assert c.sessions == 1
    assert c.rule.min_percent == 80


def test_course_validation_names_the_fields(ws: Workspace) -> None:
    with pytest.raises(UserError) as info:
        ws.courses.create(
            CourseInput(type_code="nope", title=" ", start=D, end=D - dt.timedelta(days=1))
        )
    assert {p.field for p in info.value.problems} == {"type_code", "title", "end"}


def test_enrol_counts_people_and_attendances(ws: Workspace) -> None:
    cid = course(ws)
    a, b = person(ws, "Nguyễn Văn An"), person(ws, "Trần Thị Bích")
    ws.courses.enrol(cid, [a, b, a])
    grid = ws.courses.grid(cid)
    ws.courses.set_attendance(cid, [(grid.enrolments[0].id, s.id) for s in grid.sessions], True)
    ws.courses.mark_session_present(cid, grid.sessions[0].id)
    c = ws.courses.get(cid)
    assert (c.enrolled, c.sessions, c.attendances) == (2, 5, 6)
    again = ws.courses.grid(cid)
    assert again.person_totals() == [5, 1]
    assert again.session_totals() == [2, 1, 1, 1, 1]


def test_untick_and_tick_again(ws: Workspace) -> None:
    cid = course(ws, sessions=2)
    ws.courses.enrol(cid, [person(ws, "Lê Văn Cường")])
    grid = ws.courses.grid(cid)
    pair = (grid.enrolments[0].id, grid.sessions[1].id)
    ws.courses.set_attendance(cid, [pair], True)
    ws.courses.set_attendance(cid, [pair], False)
    assert ws.courses.get(cid).attendances == 0
    ws.courses.set_attendance(cid, [pair], True)
    assert ws.courses.grid(cid).present == (frozenset({1}),)


def test_completion_needs_eighty_percent(ws: Workspace) -> None:
    cid = course(ws, sessions=5)
    ids = [person(ws, n) for n in ("Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường")]
    ws.courses.enrol(cid, ids)
    grid = ws.courses.grid(cid)
    for row, attended in zip(grid.enrolments, (5, 4, 3), strict=True):
        ws.courses.set_attendance(cid, [(row.id, s.id) for s in grid.sessions[:attended]], True)
    names = [e.full_name for e in ws.courses.completers(cid)]
    assert names == ["Nguyễn Văn An", "Trần Thị Bích"]
    assert ws.courses.get(cid).completed == 2
    fail = next(e for e in ws.courses.enrolments(cid) if e.full_name == "Trần Thị Bích")
    ws.courses.set_result(fail.id, Result.FAIL)
    assert ws.courses.get(cid).completed == 1
    assert [e.full_name for e in ws.courses.completers(cid)] == ["Nguyễn Văn An"]


def test_literacy_needs_a_level(ws: Workspace) -> None:
    cid = course(ws, "xmc1", sessions=2, needs_result=True)
    ws.courses.enrol(cid, [person(ws, "Hà Thị Mai")])
    grid = ws.courses.grid(cid)
    ws.courses.set_attendance(cid, [(grid.enrolments[0].id, s.id) for s in grid.sessions], True)
    assert ws.courses.completers(cid) == []
    ws.courses.set_result(grid.enrolments[0].id, Result.PASS, 1)
    assert [e.full_name for e in ws.courses.completers(cid)] == ["Hà Thị Mai"]
    assert ws.courses.get(cid).completed == 1
    with pytest.raises(UserError):
        ws.courses.set_result(grid.enrolments[0].id, Result.PASS, 3)


def test_enrol_a_household(ws: Workspace) -> None:
    head = person(ws, "Nguyễn Văn Hùng")
    wife = person(ws, "Trần Thị Lan")
    hid = ws.households.create(head).value
    ws.households.add_member(hid, wife, "Vợ")
    cid = course(ws)
    ws.courses.enrol_household(cid, wife)
    assert sorted(e.full_name for e in ws.courses.enrolments(cid)) == [
        "Nguyễn Văn Hùng",
        "Trần Thị Lan",
    ]


def test_enrol_a_new_person_inline(ws: Workspace) -> None:
    cid = course(ws)
    ws.courses.enrol_new_person(cid, PersonInput(full_name="Đinh Văn Tới", birth="1960"))
    assert [e.full_name for e in ws.courses.enrolments(cid)] == ["Đinh Văn Tới"]
    with pytest.raises(UserError):
        ws.courses.enrol_new_person(cid, PersonInput(full_name="", birth="1960"))
    assert ws.people.count() == 1


def test_enrol_a_pasted_list(ws: Workspace) -> None:
    person(ws, "Nguyễn Văn An", "1970")
    person(ws, "Nguyễn Văn An", "1985")
    person(ws, "Trần Thị Bích", "1990")
    person(ws, "Lê Văn Cường", "1975")
    cid = course(ws)
    ws.courses.enrol(cid, [ws.people.search("cuong")[0].id])
    text = (
        "1. tran thi bich\nNguyễn Văn An\t1985\tThôn 1\nNguyễn Văn An\nLê Văn Cường\n"
        "Phan Văn Xa\n\n"
    )
    result = ws.courses.enrol_pasted(cid, text).value
    assert result.enrolled == ("Trần Thị Bích", "Nguyễn Văn An")
    assert result.already == ("Lê Văn Cường",)
    assert result.not_found == ("Phan Văn Xa",)
    assert [line for line, _ in result.ambiguous] == ["Nguyễn Văn An"]
    assert len(result.ambiguous[0][1]) == 2


def test_unenrol_and_enrol_again_restores(ws: Workspace) -> None:
    cid = course(ws)
    pid = person(ws, "Nguyễn Văn An")
    ws.courses.enrol(cid, [pid])
    eid = ws.courses.enrolments(cid)[0].id
    ws.courses.unenrol(eid)
    assert ws.courses.get(cid).enrolled == 0
    ws.courses.enrol(cid, [pid])
    assert [e.id for e in ws.courses.enrolments(cid)] == [eid]


def test_filters(ws: Workspace) -> None:
    course(ws, "ky_nang_so")
    course(ws, "cd_phap_luat")
    assert len(ws.courses.find()) == 2
    assert len(ws.courses.find(CourseFilter(type_code="cd_phap_luat"))) == 1
    assert len(ws.courses.find(CourseFilter(year=2026))) == 2
    assert len(ws.courses.find(CourseFilter(year=2025))) == 0
    assert len(ws.courses.find(CourseFilter(text="binh dan"))) == 2
    assert ws.courses.years() == [2026]


def test_sql_completion_count_agrees_with_core(tmp_path: object) -> None:
    """The list's completed figure (SQL) and the completers (core rule) must agree."""
    from pathlib import Path

    from desktop_app.services.demo import create_demo_database

    path = Path(str(tmp_path)) / "d.sqlite3"
    create_demo_database(path, people=1500, courses=25, seed=9)
    with Workspace.open(path) as ws:
        kinds = {t.code for t in ws.courses.class_types()}
        assert {c.type_code for c in ws.courses.find()} == kinds  # the demo has every kind
        for c in ws.courses.find():
            assert c.completed == len(ws.courses.completers(c.id)), c.title
            assert c.enrolled == len(ws.courses.enrolments(c.id))


def test_class_types_can_be_edited_and_replaced_by_the_office(ws: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from desktop_app.core.courses import ClassType

    ws.courses.save_class_type(ClassType("cd_ocop", "Chuyên đề sản phẩm OCOP", "OCOP", "khkt"))
    assert "cd_ocop" in [t.code for t in ws.courses.class_types()]
    sent = tmp_path / "loai_lop.json"
    sent.write_text(
        json.dumps({"types": [{"code": "xmc1", "name": "Xóa mù chữ mức độ 1", "literacy": True}]}),
        encoding="utf-8",
    )
    ws.courses.import_catalogue(str(sent))
    assert [(t.code, t.name) for t in ws.courses.class_types()] == [("xmc1", "Xóa mù chữ mức độ 1")]
    assert len(ws.courses.class_types(include_inactive=True)) > 1  # old kinds kept, hidden
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(UserError):
        ws.courses.import_catalogue(str(bad))
