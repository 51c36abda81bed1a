"""Administrative units over time: the shipped data and the catalogue's lookups."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from desktop_app.core.org_units import (
    REFORM_2025,
    Catalogue,
    Level,
    OrgUnit,
    bare_name,
    level_of,
    normalise_code,
    parse_resource,
    unit_id,
    validate,
)
from desktop_app.core.text import fold

RESOURCE = Path(__file__).parents[2] / "desktop_app/resources/org_units/units-2025.json"
BEFORE = dt.date(2024, 5, 1)
AFTER = dt.date(2025, 8, 1)
LATER = dt.date(2030, 1, 1)


@pytest.fixture(scope="module")
def data() -> dict[str, object]:
    return json.loads(RESOURCE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def cat(data: dict[str, object]) -> Catalogue:
    return parse_resource(data)


# The shipped data ------------------------------------------------------------------------


def test_the_resource_validates(cat: Catalogue) -> None:
    assert validate(cat) == []


def test_the_resource_has_every_unit_before_and_after_the_reform(cat: Catalogue) -> None:
    counts = Counter((u.level, u.valid_to is None) for u in cat)
    assert counts[(Level.PROVINCE, False)] == 63
    assert counts[(Level.DISTRICT, False)] == 696
    assert counts[(Level.COMMUNE, False)] == 10_035
    assert counts[(Level.PROVINCE, True)] == 34
    assert counts[(Level.COMMUNE, True)] == 3_321
    assert counts[(Level.DISTRICT, True)] == 0  # the district tier is gone
    # 2,621 xã + 687 phường + 13 đặc khu (BRIEF §5).
    kinds = Counter(u.name.split()[0] for u in cat.units_on(Level.COMMUNE, AFTER))
    assert (kinds["Xã"], kinds["Phường"], kinds["Đặc"]) == (2_621, 687, 13)


def test_every_old_unit_reaches_a_unit_of_today_in_its_provinces_successor(
    cat: Catalogue,
) -> None:
    for unit in cat:
        if unit.valid_to is None:
            continue
        assert unit.valid_to == REFORM_2025
        today = cat.current(unit, LATER)
        assert today.valid_to is None, unit
        old_province = cat.path(unit)[0]
        new_province = cat.current(old_province, LATER)
        for successor in cat.current_all(unit, LATER):
            assert cat.path(successor)[0] == new_province or successor.level is Level.PROVINCE


def test_todays_units_are_those_the_profile_picker_offers(cat: Catalogue) -> None:
    """Every commune of vietnam-provinces (the centre profile's list) is a commune of today
    here, by province and name; where its (draft) code differs, an alias leads to it."""
    from vietnam_provinces import Province, Ward

    provinces = {u.code: fold(u.name) for u in cat.units_on(Level.PROVINCE, AFTER)}
    assert provinces == {f"{int(p.code):02d}": fold(p.name) for p in Province.iter_all()}
    # With the type word: "Phường Đông Tiến" and "Xã Đồng Tiến" are both in Thanh Hóa.
    by_name = {(cat.path(u)[0].code, fold(u.name)): u for u in cat.units_on(Level.COMMUNE, AFTER)}
    for ward in Ward.iter_all():
        mine = by_name[(f"{int(ward.province_code):02d}", fold(ward.name))]
        draft = f"{int(ward.code):05d}"
        assert cat.draft_aliases.get(draft, draft) == mine.code


def test_the_resource_names_its_source_and_licence(data: dict[str, object]) -> None:
    source = data["source"]
    assert isinstance(source, dict)
    assert source["name"] == "vietnamadminunits" and "MIT" in source["licence"]
    notice = (RESOURCE.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "MIT License" in notice and "Tran Ngoc Minh Hieu" in notice


def test_an_unknown_format_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="org-units"):
        parse_resource({**data, "format_version": 99})


# Codes and dates -------------------------------------------------------------------------


def test_a_commune_code_of_before_july_2025_resolves_to_todays_commune(cat: Catalogue) -> None:
    # Phường Phúc Xá (Quận Ba Đình) became part of Phường Hồng Hà.
    today = cat.resolve("00001", BEFORE)
    assert today is not None
    assert (today.code, today.name, today.valid_to) == ("00097", "Phường Hồng Hà", None)
    assert [u.name for u in cat.path(today)] == ["Thành phố Hà Nội", "Phường Hồng Hà"]
    old = cat.find("00001", BEFORE)
    assert old is not None
    assert [u.name for u in cat.path(old)] == [
        "Thành phố Hà Nội",
        "Quận Ba Đình",
        "Phường Phúc Xá",
    ]


def test_the_validity_dates_decide_which_unit_a_code_names(cat: Catalogue) -> None:
    # 00097 was Phường Tứ Liên (Quận Tây Hồ) until 30/06/2025 and is Phường Hồng Hà since.
    old = cat.find("00097", REFORM_2025 - dt.timedelta(days=1))
    new = cat.find("00097", REFORM_2025)
    assert old is not None and new is not None
    assert (old.name, old.last_day) == ("Phường Tứ Liên", dt.date(2025, 6, 30))
    assert (new.name, new.valid_from) == ("Phường Hồng Hà", REFORM_2025)
    assert len(cat.versions("00097")) == 2
    # A code that ended with the reform names nothing after it.
    assert cat.find("00001", AFTER) is None and cat.resolve("00001", AFTER) is None
    # A code of today named nothing before if no old unit had it.
    assert cat.find("00001", dt.date(1990, 1, 1)) is not None  # open start: "since ever"


def test_a_district_resolves_to_its_province_and_an_island_district_to_its_special_zone(
    cat: Catalogue,
) -> None:
    ha_giang = cat.find("02", BEFORE)
    assert ha_giang is not None and cat.current(ha_giang).name == "Tuyên Quang"
    district = cat.find("001", BEFORE)
    assert district is not None and cat.current(district).name == "Thành phố Hà Nội"
    bach_long_vi = cat.find("318", BEFORE)
    assert bach_long_vi is not None
    assert cat.current(bach_long_vi).name == "Đặc khu Bạch Long Vĩ"
    tuyen_quang = cat.find("08", AFTER)
    assert tuyen_quang is not None
    assert {p.name for p in cat.predecessors(tuyen_quang) if p.level is Level.PROVINCE} == {
        "Hà Giang",
        "Tuyên Quang",
    }


def test_a_split_commune_has_a_main_successor_and_every_part(cat: Catalogue) -> None:
    split = [u for u in cat if len(u.merged_into) > 1]
    assert len(split) > 100
    for unit in split[:50]:
        parts = cat.current_all(unit)
        assert cat.current(unit) == parts[0]
        assert {p.code for p in parts} == set(unit.merged_into)


def test_a_later_merger_is_followed(cat: Catalogue) -> None:
    hong_ha = cat.find("00097", AFTER)
    ba_dinh = cat.find("00004", AFTER)
    assert hong_ha is not None and ba_dinh is not None
    merged = hong_ha._replace(valid_to=dt.date(2027, 1, 1), merged_into=("00004",))
    later = cat.with_changes([merged])
    assert later.current(merged, dt.date(2026, 12, 31)) == merged
    assert later.current(merged, LATER) == ba_dinh
    # Two hops: Phúc Xá (2024) -> Hồng Hà (2025) -> Ba Đình (2027).
    assert later.resolve("00001", BEFORE, today=LATER) == ba_dinh
    assert later.resolve("00001", BEFORE, today=dt.date(2026, 1, 1)) == merged
    assert cat.resolve("00001", BEFORE, today=LATER) == hong_ha  # the original is unchanged


def test_removing_a_unit_hides_it(cat: Catalogue) -> None:
    unit = cat.find("00097", AFTER)
    assert unit is not None
    assert cat.with_changes([], [unit.id]).find("00097", AFTER) is None


def test_codes_are_normalised_and_tell_their_level() -> None:
    assert normalise_code("97", Level.COMMUNE) == "00097"
    assert normalise_code(1, Level.PROVINCE) == "01"
    assert level_of("01") is Level.PROVINCE
    assert level_of("001") is Level.DISTRICT
    assert level_of("00001") is Level.COMMUNE
    assert level_of("1234") is None and level_of("x1") is None
    for bad in ("", "abc", "123456", "٣"):
        with pytest.raises(ValueError):
            normalise_code(bad, Level.COMMUNE)
    assert unit_id(Level.COMMUNE, "00097", REFORM_2025) == "commune:00097:2025-07-01"
    assert unit_id(Level.COMMUNE, "00001", None) == "commune:00001:"


# Names -----------------------------------------------------------------------------------


def test_a_name_is_found_without_its_type_tones_or_case(cat: Catalogue) -> None:
    assert bare_name("Xã Phúc Xá") == bare_name("phuc xa") == bare_name("PHÚC XÁ") == "phuc xa"
    assert bare_name("Thị trấn Tam Sơn") == "tam son"
    found = cat.search("phuc xa", level=Level.COMMUNE, on=BEFORE)
    assert [u.code for u in found] == ["00001"]
    assert cat.search("00001", on=BEFORE) == found
    many = cat.search("Hòa Bình", level=Level.COMMUNE, on=BEFORE)
    assert len(many) > 5
    hoa_binh = cat.search("Hòa Bình", level=Level.PROVINCE, on=BEFORE)[0]
    within = cat.search("Hòa Bình", level=Level.COMMUNE, on=BEFORE, within=hoa_binh.code)
    assert 0 < len(within) < len(many)


def test_a_saved_place_is_identified_by_code_and_name(cat: Catalogue) -> None:
    # Today's official code.
    unit = cat.identify_commune("82", "Phường Cửa Nam", "1")
    assert unit is not None and (unit.code, unit.valid_to) == ("00082", None)
    # The draft code the profile picker saved (00073) leads to the same commune...
    assert cat.identify_commune("73", "Phường Cửa Nam", "1") == unit
    # ...but 00073 with the old name, recorded before the reform, is the old ward.
    old = cat.identify_commune("73", "Phường Cửa Nam", "1", on=BEFORE)
    assert old is not None and old.valid_to == REFORM_2025 and old.parent == "002"
    # A code reused by another unit since: the name tells them apart.
    tu_lien = cat.identify_commune("97", "Phường Tứ Liên", "1", on=AFTER)
    assert tu_lien is not None and tu_lien.valid_to == REFORM_2025
    # No code, or a wrong one: the name within the province.
    by_name = cat.identify_commune(None, "Phường Hồng Hà", "01")
    assert by_name is not None and by_name.code == "00097"
    assert cat.identify_commune("99999", "Phường Hồng Hà", "1") == by_name
    assert cat.identify_commune(None, "Nowhere", "1") is None


# Validation ------------------------------------------------------------------------------


def test_validation_names_what_is_wrong() -> None:
    province = OrgUnit("01", Level.PROVINCE, "P")
    units = [
        province,
        OrgUnit("00001", Level.COMMUNE, "A", "01", None, REFORM_2025, ("00002",)),  # no such
        OrgUnit("00003", Level.COMMUNE, "B", "09"),  # no parent
        OrgUnit("0004", Level.COMMUNE, "C", "01"),  # wrong width
        OrgUnit("00005", Level.COMMUNE, "D", "01", REFORM_2025, REFORM_2025),  # empty period
        OrgUnit("00006", Level.COMMUNE, "E", "01", None, None, ("00001",)),  # alive, successor
        OrgUnit("00007", Level.COMMUNE, "F", "01", None, LATER, ()),
        OrgUnit("00007", Level.COMMUNE, "F", "01", REFORM_2025, None, ()),  # overlap
    ]
    problems = "\n".join(validate(Catalogue(units)))
    for expected in (
        "commune:00001:: successors ['00002'] not found",
        "commune:00003:: parent '09' did not exist then",
        "commune:0004:: code of the wrong form",
        "ends before it starts",
        "still exists but names successors",
        "00007: commune:00007: and commune:00007:2025-07-01 overlap",
    ):
        assert expected in problems


def test_two_names_alike_but_for_type_and_tones_are_told_apart(cat: Catalogue) -> None:
    xa = cat.identify_commune(None, "Xã Đồng Tiến", "38")
    phuong = cat.identify_commune(None, "Phường Đông Tiến", "38")
    assert xa is not None and phuong is not None
    assert (xa.code, phuong.code) == ("15724", "15853")
