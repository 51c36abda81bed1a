"""Self-assessment: hand-made households whose attendance, literacy results and membership drive
the computed items (and their source lines), overrides with reasons, the refusal of a subject
that did not register, saving, the status counts, clans/hamlets/units from saved assessments,
and the bulk assessment agreeing with the one-by-one."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.courses import CourseInput
from desktop_app.core.learning_models import ItemValue
from desktop_app.core.members import BranchKind
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.i18n import tr, user_error_text
from desktop_app.services.members import MemberInput
from desktop_app.services.workspace import Workspace

# The source lines and refusals are read in English.
pytestmark = pytest.mark.usefixtures("english")

YEAR = 2026
ON = dt.date(2026, 1, 10)


def person(ws: Workspace, name: str, hamlet_id: str, birth: str) -> str:
    return ws.people.add(PersonInput(full_name=name, birth=birth, hamlet_id=hamlet_id)).value


def family(ws: Workspace, hamlet_id: str, people: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """A household: the first person is its head."""
    ids = [person(ws, name, hamlet_id, birth) for name, birth in people]
    household = ws.households.create(ids[0]).value
    for pid in ids[1:]:
        ws.households.add_member(household, pid)
    return household, ids


def course(ws: Workspace, title: str, code: str, day: dt.date, people: list[str]) -> str:
    cid = ws.courses.create(CourseInput(type_code=code, title=title, start=day), [day]).value
    ws.courses.enrol(cid, people)
    grid = ws.courses.grid(cid)
    ws.courses.set_attendance(cid, [(e.id, grid.sessions[0].id) for e in grid.enrolments], True)
    return cid


def text(line: object) -> str:
    return tr(line.message, **line.params)  # type: ignore[attr-defined]


@pytest.fixture
def home(ws: Workspace, hamlets: dict[str, str]) -> dict[str, object]:
    """Four adults (one aged 76 in a literacy class without a level), a child of 11; the head
    is a member of the Hội; three adults attended a class in 2026."""
    hid, (head, wife, son, _child, grandma) = family(
        ws, hamlets["Thôn 1"],
        [("Nguyễn Văn An", "1980"), ("Trần Thị Bích", "1982"), ("Nguyễn Văn Cường", "2005"),
         ("Nguyễn Thị Diệu", "2015"), ("Lê Thị Em", "1950")],
    )  # fmt: skip
    course(ws, "Lớp tin học", "ky_nang_so", dt.date(2026, 3, 2), [head, wife])
    course(ws, "Trồng lúa", "cd_nong_nghiep", dt.date(2026, 5, 4), [son])
    course(ws, "Trồng lúa 2025", "cd_nong_nghiep", dt.date(2025, 5, 4), [grandma])
    literacy = ws.courses.create(
        CourseInput(type_code="xmc1", title="Xóa mù chữ", start=dt.date(2026, 2, 1))
    ).value
    ws.courses.enrol(literacy, [grandma])
    branch = ws.members.save_branch("Chi hội Thôn 1", BranchKind.HAMLET, hamlets["Thôn 1"]).value
    ws.members.add(MemberInput(head, branch, dt.date(2020, 1, 1)))
    ws.models.register("family", YEAR, hid, on=ON)
    return {"id": hid, "grandma": grandma, "literacy": literacy, "branch": branch}


def items(sheet: object) -> dict[str, object]:
    return {i.item.code: i for i in sheet.items}  # type: ignore[attr-defined]


def test_family_items_are_computed_from_the_records(ws: Workspace, home: dict) -> None:
    sheet = ws.assessments.assess("family", YEAR, home["id"])
    by = items(sheet)
    assert sheet.subject_name == "Nguyễn Văn An"
    assert sheet.set_title == "Tiêu chí Gia đình học tập"
    # 2.2: three of the four adults came to a class in 2026 (grandma's was in 2025).
    assert by["2.2"].value.value == 75.0
    assert by["2.2"].points == 0  # 100% needed
    assert text(by["2.2"].source) == (
        "3 of 4 adults attended a class in 2026 (Lớp tin học, Trồng lúa) (attendance)"
    )
    # 2.1: grandma is in a literacy class without a level; the others are assumed literate.
    assert by["2.1"].value.value == 75.0
    assert "1 in a literacy class without reaching level 1 (Lê Thị Em)" in text(by["2.1"].source)
    assert "assumed literate" in text(by["2.1"].source)
    # 3.2: the head is a member.
    assert by["3.2"].value.value is True and by["3.2"].points == 10
    assert text(by["3.2"].source) == (
        "Members of the Hội Khuyến học in 2026: Nguyễn Văn An (1) (members)"
    )
    # 1.1: a child of 11, but school attendance is not in the records.
    assert by["1.1"].value.value is None and by["1.1"].points == 0
    assert "Children aged 6 to 14 in 2026: 1 (Nguyễn Thị Diệu);" in text(by["1.1"].source)
    assert "tick by hand" in text(by["1.1"].source)
    # Items answered only by hand say so.
    assert text(by["1.2"].source) == "Not in the records: answer by hand"
    assert sheet.total == 10 and sheet.level == "Chưa đạt" and not sheet.passed
    assert ws.db.conn.execute("SELECT count(*) FROM model_assessment").fetchone()[0] == 0


def test_literacy_level_and_no_child(ws: Workspace, home: dict, hamlets: dict) -> None:
    grid = ws.courses.grid(home["literacy"])
    ws.courses.set_result(grid.enrolments[0].id, None, 1)
    sheet = ws.assessments.assess("family", YEAR, home["id"])
    assert items(sheet)["2.1"].value.value == 100.0
    assert items(sheet)["2.1"].points == 10
    lone, _ = family(ws, hamlets["Thôn 2"], [("Phạm Văn Giàu", "1960")])
    ws.models.register("family", YEAR, lone, on=ON)
    by = items(ws.assessments.assess("family", YEAR, lone))
    assert by["1.1"].value.not_applicable and by["1.1"].points == 10
    assert "does not apply" in text(by["1.1"].source)
    assert by["3.2"].value.value is False
    assert text(by["2.2"].source) == (
        "No adult attended a class in 2026 (1 aged 15 or more; attendance)"
    )


def test_hand_values_override_with_a_reason(ws: Workspace, home: dict) -> None:
    hand = {"1.1": ItemValue(100), "1.2": ItemValue(8), "2.2": ItemValue(100, reason="học ở xã")}
    sheet = ws.assessments.assess("family", YEAR, home["id"], hand)
    by = items(sheet)
    assert by["1.1"].points == 10 and not by["1.1"].overridden  # nothing computed to replace
    assert by["1.2"].points == 8 and text(by["1.2"].source) == "Typed by hand"
    assert by["2.2"].points == 10 and by["2.2"].overridden
    assert text(by["2.2"].source) == "Typed by hand: học ở xã"
    assert by["2.2"].computed.value == 75.0
    assert "3 of 4 adults" in text(by["2.2"].computed_source)
    assert sheet.total == 38
    with pytest.raises(UserError, match="give the reason"):
        ws.assessments.assess("family", YEAR, home["id"], {"3.2": ItemValue(False)})
    with pytest.raises(UserError) as info:
        ws.assessments.assess("family", YEAR, home["id"], {"1.2": ItemValue(12)})
    assert user_error_text(info.value) == "Item 1.2 has from 0 to 10 points."
    with pytest.raises(UserError) as info:
        ws.assessments.assess("family", YEAR, home["id"], {"9.9": ItemValue(1)})
    assert user_error_text(info.value).startswith("Tiêu chí Gia đình học tập has no item 9.9;")


def test_unregistered_subject_is_refused_unless_registering(ws: Workspace, hamlets: dict) -> None:
    hid, _ = family(ws, hamlets["Thôn 1"], [("Võ Văn Hùng", "1975")])
    with pytest.raises(UserError) as info:
        ws.assessments.assess("family", YEAR, hid)
    assert user_error_text(info.value).startswith(
        "Võ Văn Hùng did not register for Gia đình học tập 2026: register it first"
    )
    with pytest.raises(UserError, match="did not register"):
        ws.assessments.save_assessment("family", YEAR, hid)
    assert ws.db.conn.execute("SELECT count(*) FROM model_registration").fetchone()[0] == 0
    assert ws.assessments.assess("family", YEAR, hid, register=True).total >= 0
    result = ws.assessments.save_assessment("family", YEAR, hid, register=True, on=ON)
    assert result.changes.touches("model_registration", "model_assessment")
    assert [r.subject_id for r in ws.models.registrations("family", YEAR)] == [hid]
    with pytest.raises(UserError, match="is not a household"):
        ws.assessments.assess("family", YEAR, hamlets["Thôn 1"])


def test_save_and_status_counts(ws: Workspace, home: dict, hamlets: dict) -> None:
    hand = {code: ItemValue(10) for code in ("1.2", "1.3", "2.3", "3.1", "4.1", "4.2")}
    hand["1.1"] = ItemValue(100)
    hand["2.2"] = ItemValue(100, reason="đã học ở huyện")
    saved = ws.assessments.save_assessment("family", YEAR, home["id"], hand, on=ON).value
    assert saved.passed and saved.total == 90 and saved.level == "Tốt"
    other, _ = family(ws, hamlets["Thôn 2"], [("Đỗ Văn Khoa", "1970")])
    ws.assessments.save_assessment("family", YEAR, other, register=True, on=ON)
    # Saving again replaces the live one.
    ws.assessments.save_assessment("family", YEAR, home["id"], hand, on=ON)
    assert ws.db.conn.execute("SELECT count(*) FROM model_assessment").fetchone()[0] == 2
    row = ws.assessments.saved("family", YEAR, home["id"])
    assert row is not None and row.passed and row.level == "Tốt" and row.set_valid_from == 2016
    assert row.items["2.2"]["reason"] == "đã học ở huyện"  # type: ignore[index]
    status = ws.models.status(YEAR)["family"]
    assert (status.registered, status.assessed, status.passed) == (2, 2, 1)
    t1 = status.by_hamlet["Thôn 1"]
    assert (t1.registered, t1.assessed, t1.passed) == (1, 1, 1)
    assert status.by_hamlet["Thôn 2"].passed == 0
    assert ws.models.status(2025)["family"].assessed == 0


def test_clan_hamlet_and_unit_from_saved_assessments(
    ws: Workspace, home: dict, hamlets: dict
) -> None:
    other, (head,) = family(ws, hamlets["Thôn 1"], [("Nguyễn Văn Lộc", "1970")])
    clan = ws.models.add_clan("Dòng họ Nguyễn", hamlet_id=hamlets["Thôn 1"]).value
    ws.models.add_clan_household(clan, home["id"])
    ws.models.add_clan_household(clan, other)
    ws.models.register("clan", YEAR, clan, on=ON)
    by = items(ws.assessments.assess("clan", YEAR, clan))
    assert by["2.1"].value.value is None
    assert "has a saved Gia đình học tập assessment" in text(by["2.1"].source)
    passing = {code: ItemValue(10) for code in ("1.2", "1.3", "2.3", "3.1", "4.1", "4.2")}
    passing["1.1"] = ItemValue(100)
    passing["2.2"] = ItemValue(100, reason="x")
    ws.assessments.save_assessment("family", YEAR, home["id"], passing, on=ON)
    ws.assessments.save_assessment("citizen", YEAR, head, {c: ItemValue(True) for c in "123"},
                                   register=True, on=ON)  # fmt: skip
    by = items(ws.assessments.assess("clan", YEAR, clan))
    assert by["2.1"].value.value == 50.0
    assert text(by["2.1"].source) == (
        "1 of 2 households passed their Gia đình học tập assessment for 2026 (1 assessed; "
        "saved assessments)"
    )
    # Adults of the clan: the four of the first household and Lộc; Lộc passed.
    assert by["3.1"].value.value == 20.0
    hamlet = hamlets["Thôn 1"]
    ws.models.register("community", YEAR, hamlet, on=ON)
    by = items(ws.assessments.assess("community", YEAR, hamlet))
    assert by["2.1"].value.value == 50.0
    assert by["2.3"].value.value == 60.0  # 3 of the hamlet's 5 adults attended in 2026
    unit = ws.models.add_unit("Trường Tiểu học").value
    ws.models.add_unit_member(unit, head)
    ws.models.register("unit", YEAR, unit, on=ON)
    by = items(ws.assessments.assess("unit", YEAR, unit))
    assert by["3.1"].value.value == 100.0 and by["3.1"].met and by["3.2"].met


def test_bulk_assessment_matches_one_by_one(ws: Workspace, home: dict, hamlets: dict) -> None:
    other, _ = family(ws, hamlets["Thôn 2"], [("Đỗ Văn Khoa", "1970"), ("Đỗ Thị Lan", "2016")])
    ws.models.register("family", YEAR, other, on=ON)
    family(ws, hamlets["Thôn 2"], [("Hồ Văn Minh", "1990")])  # not registered
    bulk = {s.subject_id: s for s in ws.assessments.assess_all("family", YEAR)}
    assert set(bulk) == {home["id"], other}
    for sid, sheet in bulk.items():
        one = ws.assessments.assess("family", YEAR, sid)
        assert [(i.item.code, i.value, i.points, i.source) for i in sheet.items] == [
            (i.item.code, i.value, i.points, i.source) for i in one.items
        ]
        assert sheet.subject_name == one.subject_name
    assert len(ws.assessments.assess_all("family", YEAR, registered_only=False)) == 3
