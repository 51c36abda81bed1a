"""The centre profile with a real commune, and the hamlets of the commune."""

from __future__ import annotations

import dataclasses

import pytest

from desktop_app.core.people import HamletKind, PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.centre import CentreProfile, communes, provinces
from desktop_app.services.workspace import Workspace


def test_there_are_34_provinces_and_3321_communes() -> None:
    assert len(provinces()) == 34
    assert sum(len(communes(p.code)) for p in provinces()) == 3321


def test_provinces_are_in_vietnamese_order_ignoring_the_unit_word() -> None:
    names = [p.name for p in provinces()]
    assert names.index("An Giang") < names.index("Bắc Ninh")
    assert names.index("Thành phố Đà Nẵng") < names.index("Điện Biên")
    assert names.index("Điện Biên") < names.index("Gia Lai")


def test_save_and_read_the_profile(ws: Workspace) -> None:
    province = next(p for p in provinces() if p.name == "Thành phố Hà Nội")
    commune = communes(province.code)[0]
    ws.centre.save_profile(
        CentreProfile(
            name="Trung tâm học tập cộng đồng " + commune.name,
            province_code=province.code,
            commune_code=commune.code,
            upstream_office="Sở Giáo dục và Đào tạo Hà Nội",
        )
    )
    profile = ws.centre.profile()
    assert profile.province_name == "Thành phố Hà Nội"
    assert profile.commune_name == commune.name
    assert profile.is_set


def test_profile_problems_name_each_field(ws: Workspace) -> None:
    with pytest.raises(UserError) as info:
        ws.centre.save_profile(CentreProfile(name=" ", province_code="999"))
    assert {p.field for p in info.value.problems} == {"name", "province_code"}
    province = provinces()[0]
    with pytest.raises(UserError) as info:
        ws.centre.save_profile(
            CentreProfile(name="TTHTCĐ", province_code=province.code, commune_code="1")
        )
    assert {p.field for p in info.value.problems} == {"commune_code"}
    assert not ws.centre.profile().is_set


def test_hamlets_sort_naturally_and_refuse_duplicates(ws: Workspace) -> None:
    assert [h.name for h in ws.centre.hamlets()] == ["Thôn 1", "Thôn 2", "Thôn 10"]
    with pytest.raises(UserError):
        ws.centre.add_hamlet("thôn 2")


def test_a_hamlet_with_people_cannot_be_deleted(ws: Workspace) -> None:
    hamlet = ws.centre.hamlets()[0]
    ws.people.add(PersonInput(full_name="Lê Văn Ba", hamlet_id=hamlet.id))
    with pytest.raises(UserError):
        ws.centre.delete_hamlet(hamlet.id)
    empty = ws.centre.hamlets()[1]
    ws.centre.delete_hamlet(empty.id)
    assert empty.id not in {h.id for h in ws.centre.hamlets()}


def test_renaming_a_hamlet_keeps_the_hamlet_order_of_people(ws: Workspace) -> None:
    first, second, _ = ws.centre.hamlets()
    ws.people.add(PersonInput(full_name="Lê Văn Ba", hamlet_id=first.id))
    ws.people.add(PersonInput(full_name="Lê Văn Bốn", hamlet_id=second.id))
    ws.centre.update_hamlet(first.id, "Thôn Tây", HamletKind.THON, 420)
    from desktop_app.services.people import PeopleOrder

    rows = [k.row.hamlet_name for k in ws.people.page(order=PeopleOrder.HAMLET)]
    assert rows == ["Thôn 2", "Thôn Tây"]


def test_the_fund_signers_and_form_set_are_part_of_the_profile(ws: Workspace) -> None:
    province = next(p for p in provinces() if p.name == "Thành phố Huế")
    commune = next(c for c in communes(province.code) if c.name == "Phường Thủy Xuân")
    base = CentreProfile(
        name="Trung tâm học tập cộng đồng phường Thủy Xuân",
        province_code=province.code,
        commune_code=commune.code,
    )
    ws.centre.save_profile(base)
    signers = ws.centre.fund_signers()
    assert signers.parent == "Hội Khuyến học Thành phố Huế"  # the default upstream Hội
    assert signers.unit == "Hội Khuyến học Phường Thủy Xuân"
    assert signers.form == "tt24_2024"
    ws.centre.save_profile(
        dataclasses.replace(
            base,
            hoi_parent="Hội Khuyến học thành phố Huế",
            hoi_chair="Trần Thị Ánh",
            accountant="Lê Hữu Phước",
            treasurer="Đỗ Thị Ngọc Ẩn",
            voucher_form="internal",
        )
    )
    signers = ws.centre.fund_signers()
    assert (signers.parent, signers.chair, signers.head) == (
        "Hội Khuyến học thành phố Huế", "Trần Thị Ánh", "Trần Thị Ánh",
    )  # fmt: skip
    assert (signers.accountant, signers.treasurer, signers.form) == (
        "Lê Hữu Phước", "Đỗ Thị Ngọc Ẩn", "internal",
    )  # fmt: skip
    with pytest.raises(UserError) as info:
        ws.centre.save_profile(
            dataclasses.replace(base, treasurer="A" * 51, voucher_form="nonsense")
        )
    assert {p.field for p in info.value.problems} == {"treasurer", "voucher_form"}
