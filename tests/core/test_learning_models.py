"""Scoring the learning models against their criteria sets, on hand-made cases."""

from __future__ import annotations

import dataclasses

import pytest

from desktop_app.core.learning_models import (
    MODEL_KEYS,
    MODELS,
    SOURCES,
    CriteriaSet,
    Criterion,
    Item,
    ItemValue,
    Level,
    score,
    set_for,
)
from desktop_app.i18n import set_language, tr
from desktop_app.services.learning_criteria import load_criteria

SETS = load_criteria()


def _set(model: str, year: int = 2026) -> CriteriaSet:
    found = set_for(SETS, model, year)
    assert found is not None, model
    return found


def _v(x: float | bool | None) -> ItemValue:
    return ItemValue(x)


def _full(s: CriteriaSet) -> dict[str, ItemValue]:
    """Every item answered at its best."""
    best: dict[str, ItemValue] = {}
    for item in s.items:
        best[item.code] = _v(
            item.max_points if item.kind == "points" else True if item.kind == "check" else 100
        )
    return best


def _text(a: object) -> list[str]:
    set_language("en")
    return [tr(e.message, **e.params) for e in a.explanation]  # type: ignore[attr-defined]


def test_the_five_models_and_their_documents_titles() -> None:
    assert MODEL_KEYS == ("family", "clan", "community", "unit", "citizen")
    assert MODELS["family"].title == "Gia đình học tập"
    assert MODELS["community"].subject == "hamlet"
    assert {s.model for s in SETS} == set(MODEL_KEYS)
    assert {s.model for s in SOURCES.values()} <= set(MODEL_KEYS)


# Gia đình học tập: 100 points, levels as TT 22/2020 ----------------------------------------


def test_family_set_is_the_100_point_pattern() -> None:
    s = _set("family")
    assert [(c.title, c.max_points) for c in s.criteria] == [
        ("Học tập của trẻ em", 30),
        ("Học tập của người lớn", 30),
        ("Điều kiện học tập của gia đình", 20),
        ("Hiệu quả học tập", 20),
    ]
    assert s.max_points == 100
    assert [lv.name for lv in s.levels] == ["Tốt", "Khá", "Trung bình", "Chưa đạt"]
    sources = {i.code: i.source for i in s.items if i.source}
    assert sources == {
        "1.1": "children_in_school",
        "2.1": "adults_literate",
        "2.2": "adults_attended_class",
        "3.2": "household_has_member",
    }
    assert all(i.note for i in s.items if i.unverified)
    assert "448/QĐ-KHVN" in s.legal_basis


def test_family_full_marks_is_tot() -> None:
    a = score(_set("family"), _full(_set("family")))
    assert a.total == 100
    assert a.level is not None and a.level.name == "Tốt"
    assert a.passed and a.missing == ()


def test_family_a_hand_made_household() -> None:
    """Two of three children in school (67%), every adult literate, one adult of two in a
    class, a member of the Hội Khuyến học, the rest scored by hand."""
    values = {
        "1.1": ItemValue(66.67, source="children_in_school"),
        "1.2": _v(8),
        "1.3": _v(10),
        "2.1": ItemValue(100, source="adults_literate"),
        "2.2": ItemValue(50, source="adults_attended_class"),
        "2.3": _v(7.5),
        "3.1": _v(10),
        "3.2": ItemValue(True, source="household_has_member"),
        "4.1": _v(9),
        "4.2": _v(10),
    }
    a = score(_set("family"), values)
    by_code = {i.item.code: i.points for i in a.items}
    assert by_code["1.1"] == 0 and by_code["2.2"] == 0  # below 100%: no points
    assert by_code["2.1"] == 10 and by_code["3.2"] == 10
    assert [c.points for c in a.criteria] == [18, 17.5, 20, 19]
    assert a.total == 74.5
    assert a.level is not None and a.level.name == "Khá" and a.passed
    lines = _text(a)
    assert any("2.3" in x and "7.5 of 10 points" in x for x in lines)
    assert any("66.67% (at least 100% needed), not met" in x for x in lines)
    assert lines[-1] == "Total 74.5 of 100 points: Khá"


@pytest.mark.parametrize(
    ("total", "level", "passed"),
    [
        (100, "Tốt", True),
        (85, "Tốt", True),
        (84.5, "Khá", True),
        (70, "Khá", True),
        (69.5, "Trung bình", True),
        (50, "Trung bình", True),
        (49.5, "Chưa đạt", False),
        (0, "Chưa đạt", False),
    ],
)
def test_family_levels_at_the_boundaries(total: float, level: str, passed: bool) -> None:
    s = _set("family")
    points_items = [i for i in s.items if i.kind == "points"]
    others = [i for i in s.items if i.kind != "points"]
    values: dict[str, ItemValue] = {}
    left = total
    for item in others:  # 40 points from the computed items, as far as the total allows
        met = left >= item.max_points
        values[item.code] = _v(met if item.kind == "check" else 100 if met else 0)
        left -= item.max_points if met else 0
    for item in points_items:
        take = min(item.max_points, left)
        values[item.code] = _v(take)
        left -= take
    assert left == 0
    a = score(s, values)
    assert a.total == total
    assert a.level is not None and a.level.name == level
    assert a.passed is passed


def test_missing_items_score_zero_and_are_listed() -> None:
    a = score(_set("family"), {"1.2": _v(10), "3.2": _v(True)})
    assert a.total == 20
    assert "1.2" not in a.missing and "3.2" not in a.missing
    assert set(a.missing) == {"1.1", "1.3", "2.1", "2.2", "2.3", "3.1", "4.1", "4.2"}
    assert all(i.points == 0 and not i.met for i in a.items if i.missing)
    lines = _text(a)
    assert lines[-1] == "Not answered yet: 1.1, 1.3, 2.1, 2.2, 2.3, 3.1, 4.1, 4.2"
    assert any("1.1" in x and "not answered, counted as 0" in x for x in lines)


def test_not_applicable_counts_as_met() -> None:
    """A household without a school-age child gets 1.1's points."""
    a = score(_set("family"), {"1.1": ItemValue(None, not_applicable=True)})
    assert a.items[0].points == 10 and a.items[0].met and "1.1" not in a.missing


def test_hand_points_are_kept_within_the_item() -> None:
    a = score(_set("family"), {"1.2": _v(15), "1.3": _v(-3)})
    assert [i.points for i in a.items[1:3]] == [10, 0]
    lines = _text(a)
    assert any("15 is more than its 10 points; counted as 10" in x for x in lines)


def test_a_value_of_the_wrong_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"1\.1"):
        score(_set("family"), {"1.1": _v(True)})
    with pytest.raises(ValueError, match=r"3\.2"):
        score(_set("family"), {"3.2": _v(1)})


# Dòng họ and Cộng đồng học tập: points sets fed by the families' results --------------------


def test_clan_scored_from_its_families_and_citizens() -> None:
    s = _set("clan")
    values = {
        "1.1": _v(True),
        "1.2": _v(True),
        "1.3": _v(8),
        "2.1": ItemValue(75, source="clan_households_family_percent"),
        "3.1": ItemValue(35, source="clan_adults_cdht_percent"),  # below the 40% asked
        "4.1": _v(10),
        "4.2": _v(10),
    }
    a = score(s, values)
    assert a.total == 10 + 10 + 8 + 30 + 0 + 20
    assert a.level is not None and a.level.name == "Khá"
    assert set_for(SETS, "clan", 2021) is None  # the 2022 clan set does not reach back


def test_community_hamlet() -> None:
    s = _set("community")
    a = score(s, _full(s) | {"2.1": _v(65)})  # below 70% of households: 20 points lost
    assert a.total == 80
    assert a.level is not None and a.level.name == "Khá" and a.passed


# Đơn vị học tập: TT 24/2023's percentages, levels 1 and 2 ------------------------------------


@pytest.mark.parametrize(
    ("cdht", "level", "passed"),
    [(97, "Mức độ 2", True), (95, "Mức độ 2", True), (94.9, "Mức độ 1", True),
     (90, "Mức độ 1", True), (89.9, "Chưa đạt", False)],
)  # fmt: skip
def test_unit_levels_by_the_share_of_cdht_members(cdht: float, level: str, passed: bool) -> None:
    s = _set("unit")
    values = _full(s) | {
        "3.1": ItemValue(cdht, source="unit_members_cdht_percent"),
        "3.2": ItemValue(cdht, source="unit_members_cdht_percent"),
    }
    a = score(s, values)
    assert a.level is not None and a.level.name == level
    assert a.passed is passed
    assert a.total == 0  # a pass/fail set gives no points


def test_unit_fails_on_one_unmet_level_1_indicator_and_says_which() -> None:
    s = _set("unit")
    a = score(s, _full(s) | {"2.2": _v(80), "1.3": ItemValue(None, not_applicable=True)})
    assert not a.passed and a.level is not None and a.level.name == "Chưa đạt"
    assert _text(a)[-1] == "Result: Chưa đạt; not met: 2.2"


# Công dân học tập: three competency groups, pass or fail -----------------------------------


def test_citizen_three_groups() -> None:
    s = _set("citizen")
    assert [c.title for c in s.criteria] == [
        "Năng lực tự học, học suốt đời",
        "Năng lực sử dụng công cụ học tập, làm việc",
        "Năng lực xây dựng và thực hiện các mối quan hệ xã hội",
    ]
    ok = score(s, {"1": _v(True), "2": _v(True), "3": _v(True)})
    assert ok.passed and ok.level is not None and ok.level.name == "Đạt"
    no = score(s, {"1": _v(True), "2": _v(False)})
    assert not no.passed and no.missing == ("3",)
    assert _text(no)[-2:] == ["Result: Chưa đạt; not met: 2, 3", "Not answered yet: 3"]


# Versions: a later set never changes an earlier year -----------------------------------------


def test_a_later_set_does_not_change_an_earlier_year() -> None:
    old = _set("family", 2020)
    stricter = dataclasses.replace(
        old,
        valid_from=2027,
        title="Tiêu chí Gia đình học tập (2027)",
        levels=(Level("Đạt", 95), Level("Chưa đạt", 0, passed=False)),
    )
    sets = [*SETS, stricter]
    values = _full(old) | {"4.2": _v(0)}  # 90 points
    before = {y: score(_set("family", y), values) for y in (2016, 2025, 2026)}
    for year, result in before.items():
        now = set_for(sets, "family", year)
        assert now is old
        assert score(now, values) == result
        assert result.level is not None and result.level.name == "Tốt"
    later = set_for(sets, "family", 2027)
    assert later is stricter
    assert not score(later, values).passed
    assert set_for(sets, "family", 2015) is None


def test_set_for_respects_valid_to() -> None:
    item = Item("1", "x", "check", 10)
    base = CriteriaSet("citizen", 2020, 2022, "A", "b", "points",
                       (Level("Đạt", 10), Level("Chưa đạt", 0, passed=False)),
                       (Criterion("1", "x", 10, (item,)),))  # fmt: skip
    newer = dataclasses.replace(base, valid_from=2023, valid_to=None, title="B")
    assert set_for([base, newer], "citizen", 2022) is base
    assert set_for([base, newer], "citizen", 2023) is newer
    assert set_for([base], "citizen", 2023) is None
    assert set_for([base, newer], "family", 2022) is None
