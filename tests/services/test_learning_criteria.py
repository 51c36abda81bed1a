"""Criteria files: every shipped set loads and validates; a broken one is refused with the file
and the line of each fault."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.appinfo import resource_path
from desktop_app.core.learning_models import MODEL_KEYS
from desktop_app.i18n import set_language, tr
from desktop_app.services.learning_criteria import (
    CriteriaError,
    check_criteria_file,
    load_criteria,
    parse_criteria,
)

SHIPPED = sorted(resource_path("criteria").glob("*.json"))
FAMILY = resource_path("criteria", "family-2016.json")


def _faults(text: str, name: str = "x.json") -> list[tuple[int, str]]:
    set_language("en")
    with pytest.raises(CriteriaError) as e:
        parse_criteria(text, name)
    assert all(f.file == name for f in e.value.faults)
    return [(f.line, tr(f.message, **f.params)) for f in e.value.faults]


def _line(text: str, needle: str) -> int:
    """The 1-based line of the first line holding `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("file", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_set_validates(file: Path) -> None:
    s = check_criteria_file(file)
    assert s.title and s.legal_basis and s.criteria and s.levels
    assert file.name.startswith(f"{s.model}-{s.valid_from}")
    assert all(i.note for i in s.items if i.unverified)
    json.loads(file.read_text(encoding="utf-8"))  # plain JSON any tool can read


def test_load_criteria_gives_one_set_per_model_in_order() -> None:
    sets = load_criteria()
    assert [s.model for s in sets] == list(MODEL_KEYS)
    unit = sets[MODEL_KEYS.index("unit")]
    thresholds = {i.code: (i.threshold, i.level) for i in unit.items if i.source}
    assert thresholds == {"3.1": (90, 1), "3.2": (95, 2)}
    assert "24/2023" in unit.legal_basis


def test_points_sets_use_tt_22_2020_levels_and_say_so() -> None:
    for s in load_criteria():
        if s.scale == "points":
            assert [(lv.name, lv.min_points) for lv in s.levels] == [
                ("Tốt", 85), ("Khá", 70), ("Trung bình", 50), ("Chưa đạt", 0)
            ]  # fmt: skip
            assert "22/2020" in s.note


def test_a_broken_file_is_refused_with_file_and_line() -> None:
    text = FAMILY.read_text(encoding="utf-8")
    broken = text.replace('"kind": "percent", "max_points": 10, "threshold": 100, "source": '
                          '"adults_literate"', '"kind": "percnt", "max_points": 10, "source": '
                          '"adults_literate"')  # fmt: skip
    assert broken != text
    faults = _faults(broken, "family-bad.json")
    assert faults == [
        (_line(text, '"code": "2"') + 2,  # its "max_points" line
         "criterion 2 has max_points 30 but its items add up to 20"),
        (_line(text, '"adults_literate"'),
         "kind must be one of points, check, percent"),
    ]  # fmt: skip


def test_each_kind_of_fault_names_its_line() -> None:
    text = """{
  "format": 1,
  "model": "famly",
  "valid_from": 2016,
  "valid_to": 2010,
  "title": "",
  "legal_basis": "QĐ",
  "scale": "points",
  "levels": [
    {"name": "Tốt", "min_points": 85},
    {"name": "Chưa đạt", "min_points": 0, "passed": false}
  ],
  "criteria": [
    {"code": "1", "title": "A", "max_points": 30,
     "items": [
       {"code": "1.1", "title": "a", "kind": "percent", "max_points": 10},
       {"code": "1.1", "title": "b", "kind": "check", "max_points": 10, "source": "nope"},
       {"code": "1.3", "title": "c", "kind": "points", "max_points": 10,
        "unverifed": true}
     ]}
  ]
}
"""
    faults = _faults(text)
    lines = {line for line, _ in faults}
    messages = dict(faults)
    assert messages[3].startswith("model must be one of family, clan")
    assert messages[5] == "valid_to (2010) is before valid_from (2016)"
    assert messages[6] == "title must be a text that is not empty"
    assert messages[10] == "level Tốt starts at 85 points, above the 30 the set can give"
    assert messages[16] == "threshold is missing (a number)"
    assert (17, "item code 1.1 is used twice (also on line 16)") in faults
    assert any(line == 17 and m.startswith("source nope is not something") for line, m in faults)
    assert messages[19].startswith("unknown key unverifed")
    assert lines <= {3, 5, 6, 10, 16, 17, 19}


def test_json_syntax_faults_name_the_line() -> None:
    assert _faults('{\n  "a": 1,\n  "b": [1, 2\n}\n') == [
        (4, "not valid JSON: expected ',' or ']' here")
    ]
    assert _faults('{\n  "a": 1,\n}') == [
        (3, 'not valid JSON: expected a key in double quotes, e.g. "title"')
    ]
    assert _faults("") == [(1, "not valid JSON: the file ends too early")]
    assert _faults("[" * 100)[0][1] == "not valid JSON: nested too deeply for a criteria set"
    assert _faults("[]") == [(1, "the file must hold one object { … } (the criteria set)")]
    assert (2, "levels must be a list [ … ] with at least one entry") in _faults('{\n"levels": {}}')


def test_a_key_given_twice_is_a_fault() -> None:
    text = FAMILY.read_text(encoding="utf-8").replace(
        '"valid_to": null,', '"valid_to": null,\n  "valid_to": 2020,'
    )
    assert (6, "the key valid_to is given twice; only one is kept") in _faults(text)


def test_type_and_scale_faults() -> None:
    s = json.loads(FAMILY.read_text(encoding="utf-8"))
    s["levels"][3]["passed"] = "no"
    s["criteria"][0]["items"][0]["threshold"] = 120
    s["criteria"][0]["items"][1]["level"] = 2
    s["criteria"][2]["items"][1]["source"] = "unit_members_cdht_percent"
    text = json.dumps(s, ensure_ascii=False, indent=1)
    messages = [m for _, m in _faults(text)]
    assert "passed must be true or false" in messages
    assert "threshold must be a share from more than 0 up to 100 (percent)" in messages
    assert "level is for pass_fail sets only" in messages
    assert "source unit_members_cdht_percent gives a percent value, but the item is of kind "\
        "check" in messages  # fmt: skip
    assert "source unit_members_cdht_percent is computed for unit, not for family" in messages


def test_a_wrong_scale_is_one_fault_and_the_points_are_still_checked() -> None:
    """A mistyped scale must not make every item look wrong for the other scale, nor hide a
    fault of its own."""
    s = json.loads(FAMILY.read_text(encoding="utf-8"))
    s["scale"] = "diem"
    s["criteria"][0]["items"][0]["max_points"] = "mười"
    text = json.dumps(s, ensure_ascii=False, indent=1)
    faults = _faults(text)
    assert [m for _, m in faults] == [
        "scale must be one of points, pass_fail",
        "max_points must be a number of at least 0",
    ]
    assert faults[0][0] == _line(text, '"scale"') and faults[1][0] == _line(text, "mười")


def test_pass_fail_faults() -> None:
    s = json.loads(resource_path("criteria", "unit-2024.json").read_text(encoding="utf-8"))
    s["levels"][0]["rank"] = 3  # ranks 3 and 1: a gap
    s["criteria"][0]["items"][0]["kind"] = "points"
    s["criteria"][0]["items"][1]["max_points"] = 5
    messages = [m for _, m in _faults(json.dumps(s, ensure_ascii=False, indent=1))]
    assert "the ranks of the passed levels must be 1, 2, … without gaps or repeats" in messages
    assert "a pass_fail set has only check and percent items" in messages
    assert "a pass_fail set gives no points (leave max_points out)" in messages
    assert "level must be the rank of a passed level (1, 3)" in messages


def test_a_folder_with_a_bad_file_names_it_and_two_sets_for_one_year_conflict(
    tmp_path: Path,
) -> None:
    for f in SHIPPED:
        shutil.copy(f, tmp_path / f.name)
    assert len(load_criteria(tmp_path)) == len(SHIPPED)
    (tmp_path / "family-copy.json").write_text(FAMILY.read_text(encoding="utf-8"), "utf-8")
    (tmp_path / "zz-bad.json").write_bytes(b'{\n "format": 1,\n "title": "\xff"\n}')
    set_language("en")
    with pytest.raises(CriteriaError) as e:
        load_criteria(tmp_path)
    got = [(Path(f.file).name, f.line, tr(f.message, **f.params)) for f in e.value.faults]
    assert got == [
        ("family-copy.json", 4, f"{tmp_path / 'family-2016.json'} also holds a family set "
         "valid from 2016; which applies would be unclear"),
        ("zz-bad.json", 3, "the file is not UTF-8 text"),
    ]  # fmt: skip


def test_a_newer_set_in_the_folder_applies_from_its_year_only(tmp_path: Path) -> None:
    from desktop_app.core.learning_models import set_for

    data = json.loads(FAMILY.read_text(encoding="utf-8"))
    data["valid_from"] = 2027
    data["title"] = "Tiêu chí Gia đình học tập 2027"
    shutil.copy(FAMILY, tmp_path / FAMILY.name)
    (tmp_path / "family-2027.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    sets = load_criteria(tmp_path)
    found_2026 = set_for(sets, "family", 2026)
    found_2027 = set_for(sets, "family", 2027)
    assert found_2026 is not None and found_2026.valid_from == 2016
    assert found_2027 is not None and found_2027.title == "Tiêu chí Gia đình học tập 2027"
