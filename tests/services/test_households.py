"""Households: a head, members, and nobody counted in two households."""

from __future__ import annotations

import pytest

from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.workspace import Workspace


def add(ws: Workspace, name: str, birth: str = "") -> str:
    return ws.people.add(PersonInput(full_name=name, birth=birth)).value


def test_create_household_with_head_and_members(ws: Workspace) -> None:
    head = add(ws, "Nguyễn Văn Hùng", "1970")
    wife = add(ws, "Trần Thị Lan", "1972")
    child = add(ws, "Nguyễn Văn An", "2000")
    household_id = ws.households.create(head).value
    ws.households.add_member(household_id, wife, "Vợ")
    ws.households.add_member(household_id, child, "Con")
    members = ws.households.members(household_id)
    assert [(m.full_name, m.relation, m.is_head) for m in members] == [
        ("Nguyễn Văn Hùng", "Chủ hộ", True),
        ("Trần Thị Lan", "Vợ", False),
        ("Nguyễn Văn An", "Con", False),
    ]
    assert ws.people.get(child).household_id == household_id


def test_a_person_cannot_be_in_two_households(ws: Workspace) -> None:
    a = add(ws, "Nguyễn Văn Hùng")
    b = add(ws, "Lê Văn Tám")
    c = add(ws, "Lê Thị Tư")
    first = ws.households.create(a).value
    second = ws.households.create(b).value
    ws.households.add_member(first, c)
    with pytest.raises(UserError):
        ws.households.add_member(second, c)
    with pytest.raises(UserError):
        ws.households.create(c)


def test_change_head_and_remove_members(ws: Workspace) -> None:
    head = add(ws, "Nguyễn Văn Hùng")
    wife = add(ws, "Trần Thị Lan")
    household_id = ws.households.create(head).value
    ws.households.add_member(household_id, wife, "Vợ")
    ws.households.set_head(household_id, wife)
    assert ws.households.get(household_id).head_id == wife
    # One "Chủ hộ" only: the old head's relation is left for the secretary to type.
    relations = {m.full_name: m.relation for m in ws.households.members(household_id)}
    assert relations == {"Trần Thị Lan": "Chủ hộ", "Nguyễn Văn Hùng": ""}
    ws.households.remove_member(wife)
    assert ws.households.get(household_id).head_id is None
    assert [m.full_name for m in ws.households.members(household_id)] == ["Nguyễn Văn Hùng"]
    ws.households.remove_member(head)
    with pytest.raises(UserError):
        ws.households.get(household_id)  # the last one out closes the household


def test_set_relation(ws: Workspace) -> None:
    head = add(ws, "Nguyễn Văn Hùng")
    son = add(ws, "Nguyễn Văn Tí")
    household_id = ws.households.create(head).value
    ws.households.add_member(household_id, son)
    ws.households.set_relation(son, "Con")
    assert [m.relation for m in ws.households.members(household_id)] == ["Chủ hộ", "Con"]
