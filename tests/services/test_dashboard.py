"""The home dashboard's figures on a small hand-made centre: each equals what the services'
own queries say (the classes of the year, the classes' lượt, the members' shares, the fund's
balance, the models' status), and the deadlines kept in the settings through operations."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.courses import CourseInput
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.members import BranchKind, MemberStatus
from desktop_app.core.people import HamletKind, PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.courses import CourseFilter
from desktop_app.services.fund import FundInput
from desktop_app.services.members import MemberInput
from desktop_app.services.workspace import Workspace

YEAR = 2026
TODAY = dt.date(2026, 6, 15)


def _person(ws: Workspace, name: str, hamlet: str, birth: str = "1980") -> str:
    return ws.people.add(PersonInput(full_name=name, birth=birth, hamlet_id=hamlet)).value


def _class(ws: Workspace, code: str, title: str, days: list[dt.date], people: list[str]) -> str:
    cid = ws.courses.create(CourseInput(type_code=code, title=title, start=days[0]), days).value
    ws.courses.enrol(cid, people)
    return cid


def _tick(ws: Workspace, cid: str, marks: list[tuple[str, int]], present: bool = True) -> None:
    """marks: (person id, session number)."""
    grid = ws.courses.grid(cid)
    of = {e.person_id: e.id for e in grid.enrolments}
    pairs = [(of[p], grid.sessions[i].id) for p, i in marks]
    ws.courses.set_attendance(cid, pairs, present)


@pytest.fixture
def centre(ws: Workspace, hamlets: dict[str, str]) -> dict[str, str]:
    t1, t2 = hamlets["Thôn 1"], hamlets["Thôn 2"]
    ws.centre.update_hamlet(t1, "Thôn 1", HamletKind.THON, 100)
    ws.centre.update_hamlet(t2, "Thôn 2", HamletKind.THON, 50)
    p = {
        "an": _person(ws, "Nguyễn Văn An", t1),
        "binh": _person(ws, "Trần Thị Bình", t1),
        "cuong": _person(ws, "Lê Văn Cường", t2),
        "dung": _person(ws, "Phạm Thị Dung", t2),
        "em": _person(ws, "Hoàng Văn Em", t2),
    }
    # A literacy class: An twice, Bình once (then she leaves the class: not counted).
    a = _class(ws, "xmc1", "Lớp xóa mù chữ", [dt.date(2026, 2, 10), dt.date(2026, 3, 5)],
               [p["an"], p["binh"]])  # fmt: skip
    _tick(ws, a, [(p["an"], 0), (p["binh"], 0), (p["an"], 1)])
    binh = next(e.id for e in ws.courses.enrolments(a) if e.person_id == p["binh"])
    ws.courses.unenrol(binh)
    # A law topic: Cường and Dung ticked, Cường unticked again (a tombstone).
    b = _class(ws, "cd_phap_luat", "Chuyên đề pháp luật", [dt.date(2026, 3, 20)],
               [p["cuong"], p["dung"]])  # fmt: skip
    _tick(ws, b, [(p["cuong"], 0), (p["dung"], 0)])
    _tick(ws, b, [(p["cuong"], 0)], present=False)
    # Last year's class: none of its lượt are this year's.
    c = _class(ws, "ky_nang_song", "Kỹ năng sống 2025", [dt.date(2025, 12, 1)], [p["em"]])
    _tick(ws, c, [(p["em"], 0)])
    # Members: An and Cường active, Em left.
    branch = ws.members.save_branch("Chi hội Thôn 1", BranchKind.HAMLET, t1).value
    for key in ("an", "cuong"):
        ws.members.add(MemberInput(p[key], branch, dt.date(2025, 1, 1)))
    em = ws.members.add(MemberInput(p["em"], branch, dt.date(2025, 1, 1))).value
    ws.members.update(
        em, MemberInput(p["em"], branch, dt.date(2025, 1, 1), status=MemberStatus.LEFT,
                        status_on=dt.date(2025, 6, 1))
    )  # fmt: skip
    # The fund: 1.000.000 đ at the start of the year, a gift in March, a scholarship in May.
    fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 1_000_000, dt.date(2026, 1, 1))).value
    ws.fund.record(
        EntryInput(fund, EntryKind.DONATION_CASH, dt.date(2026, 3, 10), 500_000,
                   party_name="Công ty Bình Minh", reason="Ủng hộ quỹ"), TODAY,
    )  # fmt: skip
    pupil = _person(ws, "Lê Thị Học", t1, "2012")
    ws.fund.record(
        EntryInput(fund, EntryKind.SCHOLARSHIP, dt.date(2026, 5, 5), 200_000,
                   party_name="Lê Văn Cha", reason="Học bổng", person_id=pupil,
                   school="Trường THCS", grade="8A"), TODAY,
    )  # fmt: skip
    # A family registered for Gia đình học tập; An for Công dân học tập.
    household = ws.households.create(p["an"]).value
    ws.models.register("family", YEAR, household, on=dt.date(2026, 1, 10))
    ws.models.register("citizen", YEAR, p["an"], on=dt.date(2026, 1, 10))
    return {**p, "fund": fund, "a": a, "b": b, "c": c}


def test_figures_equal_the_services_own(ws: Workspace, centre: dict[str, str]) -> None:
    f = ws.dashboard.figures(YEAR, TODAY)
    # Classes of the year as the Classes page lists them.
    assert f.classes == len(ws.courses.find(CourseFilter(year=YEAR))) == 2
    # lượt: An 2 (Feb, Mar), Dung 1 (Mar); Bình left the class, Cường was unticked.
    assert f.attendances == 3
    assert f.attendances == sum(c.attendances for c in ws.courses.find(CourseFilter(year=YEAR)))
    assert f.learners == 2
    by_kind = {k.code: k.months for k in f.attendance_by_kind}
    assert by_kind == {
        "xmc1": (0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        "cd_phap_luat": (0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    }
    assert f.attendance_by_month == (0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert f.attendance_by_kind[0].name == "Xóa mù chữ giai đoạn 1"
    # Members and their share, as ws.members.shares says.
    hamlets, commune = ws.members.shares()
    assert (f.members, f.population) == (commune.members, commune.population) == (2, 150)
    assert f.member_share == pytest.approx(2 / 150)
    assert [(h.name, h.members, h.population) for h in f.members_by_hamlet] == [
        (h.name, h.members, h.population) for h in hamlets
    ]
    assert {h.name: h.members for h in f.members_by_hamlet}["Thôn 2"] == 1
    # The fund: every month's end up to June, nothing for the months to come.
    assert f.fund_balance == ws.fund.balance(centre["fund"], TODAY) == 1_300_000
    assert f.fund_by_month == (
        1_000_000, 1_000_000, 1_500_000, 1_500_000, 1_300_000, 1_300_000,
        None, None, None, None, None, None,
    )  # fmt: skip
    # The models, as ws.models.status says.
    status = ws.models.status(YEAR)
    for bar in f.models:
        s = status[bar.model]
        assert (bar.eligible, bar.registered, bar.recognised, bar.target) == (
            s.eligible, s.registered, s.recognised, s.target_rate,
        )  # fmt: skip
    assert f.models_registered == 2
    assert f.models_recognised == 0
    assert not f.empty


def test_a_past_year_and_an_empty_one(ws: Workspace, centre: dict[str, str]) -> None:
    past = ws.dashboard.figures(2025, TODAY)
    assert (past.classes, past.attendances, past.learners) == (1, 1, 1)
    assert past.fund_by_month == (0,) * 12  # the fund opened in 2026
    empty = ws.dashboard.figures(2010, TODAY)
    assert (empty.classes, empty.attendances, empty.fund_balance) == (0, 0, 0)
    assert empty.models_registered == 0
    # Members are counted as they are now, whatever the year.
    assert empty.members == 2
    with pytest.raises(UserError):
        ws.dashboard.figures(99999)


def test_deadlines_kept_in_the_settings_through_operations(ws: Workspace) -> None:
    key = ws.deadlines.add("Báo cáo sơ kết học kỳ I", "20/01").value
    moved = ws.deadlines.set_day("annual_report", "05/11")
    assert moved.value == "annual_report"
    found = {u.deadline.key: u for u in ws.deadlines.upcoming(dt.date(2026, 11, 1))}
    assert found[key].date == dt.date(2027, 1, 20)
    assert found[key].deadline.title == "Báo cáo sơ kết học kỳ I"
    assert (found["annual_report"].date, found["annual_report"].days_left) == (
        dt.date(2026, 11, 5), 4,
    )  # fmt: skip
    audit = ws.db.conn.execute(
        "SELECT action, detail FROM audit WHERE entity = 'setting' AND record_id = 'deadlines'"
        " ORDER BY seq"
    ).fetchall()
    assert [a[0] for a in audit] == ["deadline.add", "deadline.set"]
    # A refusal changes nothing.
    before = ws.deadlines.deadlines()
    for bad in (lambda: ws.deadlines.add("Báo cáo", "31/02"),
                lambda: ws.deadlines.remove("annual_report"),
                lambda: ws.deadlines.set_day("custom-7", "01/01")):  # fmt: skip
        with pytest.raises(UserError):
            bad()
    assert ws.deadlines.deadlines() == before
    ws.deadlines.remove(key)
    assert key not in {d.key for d in ws.deadlines.deadlines()}
    ws.deadlines.add("Khác", "02/02")
    ws.deadlines.reset()
    assert [(d.key, d.day, d.month) for d in ws.deadlines.deadlines()] == [
        ("khuyen_hoc_month", 6, 10), ("annual_report", 1, 11), ("commune_report", 10, 12),
        ("unit_dossier", 15, 1), ("community_dossier", 28, 2),
    ]  # fmt: skip
    assert len(ws.deadlines.upcoming(limit=3)) == 3


def test_the_figures_kept_as_json_come_back_the_same(ws: Workspace, centre: dict[str, str]) -> None:
    import json

    from desktop_app.services.dashboard import figures_from_json, figures_to_json

    figures = ws.dashboard.figures(YEAR, TODAY)
    assert figures.attendance_by_kind and figures.members_by_hamlet and figures.models
    kept = json.loads(json.dumps(figures_to_json(figures)))
    assert figures_from_json(kept) == figures
    before = ws.dashboard.version()
    ws.people.add(PersonInput(full_name="Người Mới"))
    assert ws.dashboard.version() > before
    with pytest.raises(KeyError):
        figures_from_json({"year": YEAR})
