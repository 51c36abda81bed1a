"""The five learning models, their criteria sets as versioned data, and the scoring engine.

Pure: the sets are read from JSON by services.learning_criteria; this module only holds them,
picks the set in force for a year and scores a subject against one. Criteria text (titles,
level names) is Vietnamese data, not translated; the explanation lines are msgids with params,
translated where they are shown (`tr(line.message, **line.params)`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.core.problems import N_

__all__ = [
    "CHECK",
    "ITEM_KINDS",
    "MODELS",
    "MODEL_KEYS",
    "PASS_FAIL",
    "PERCENT",
    "POINTS",
    "SCALES",
    "SOURCES",
    "Assessment",
    "CriteriaSet",
    "Criterion",
    "CriterionScore",
    "Explanation",
    "Item",
    "ItemScore",
    "ItemValue",
    "Level",
    "ModelInfo",
    "Source",
    "score",
    "set_for",
]


@dataclass(frozen=True)
class ModelInfo:
    key: str
    label: str  # msgid, for screens
    title: str  # Vietnamese, for documents ("Gia đình học tập")
    subject: str  # what registers: household, clan, hamlet, unit, person


MODELS: dict[str, ModelInfo] = {
    m.key: m
    for m in (
        ModelInfo("family", N_("Learning family"), "Gia đình học tập", "household"),
        ModelInfo("clan", N_("Learning clan"), "Dòng họ học tập", "clan"),
        ModelInfo("community", N_("Learning community (hamlet)"), "Cộng đồng học tập", "hamlet"),
        ModelInfo("unit", N_("Learning unit"), "Đơn vị học tập", "unit"),
        ModelInfo("citizen", N_("Learning citizen"), "Công dân học tập", "person"),
    )
}
MODEL_KEYS: tuple[str, ...] = tuple(MODELS)

POINTS = "points"
PASS_FAIL = "pass_fail"
SCALES = (POINTS, PASS_FAIL)

CHECK = "check"
PERCENT = "percent"
ITEM_KINDS = (POINTS, CHECK, PERCENT)


@dataclass(frozen=True)
class Source:
    """Something the app can compute from its own records for an item."""

    key: str
    label: str  # msgid
    kind: str  # the item kind it answers: "percent" (0-100) or "check" (yes/no)
    model: str  # the model whose subjects it is computed for


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("children_in_school", N_("school-age children attending school (birth dates, "
               "registry)"), PERCENT, "family"),
        Source("adults_attended_class", N_("adults who attended at least one class this year "
               "(attendance)"), PERCENT, "family"),
        Source("adults_literate", N_("adults who are literate (class results)"), PERCENT,
               "family"),
        Source("household_has_member", N_("the household has a member of the Hội Khuyến học "
               "(members)"), CHECK, "family"),
        Source("clan_households_family_percent", N_("the clan's households recognised as "
               "Gia đình học tập"), PERCENT, "clan"),
        Source("clan_adults_cdht_percent", N_("the clan's adults holding Công dân học tập"),
               PERCENT, "clan"),
        Source("hamlet_households_family_percent", N_("the hamlet's households recognised as "
               "Gia đình học tập"), PERCENT, "community"),
        Source("hamlet_adults_cdht_percent", N_("the hamlet's adults holding Công dân học tập"),
               PERCENT, "community"),
        Source("hamlet_adults_attended_percent", N_("the hamlet's adults who attended at least "
               "one class this year (attendance)"), PERCENT, "community"),
        Source("unit_members_cdht_percent", N_("the unit's members holding Công dân học tập"),
               PERCENT, "unit"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Level:
    """A result level. Points sets: reached from `min_points` up. Pass/fail sets: `rank` 1, 2, …
    is reached when every item required up to that rank is met; the level with `passed` false
    (rank 0) names the failure ("Chưa đạt")."""

    name: str
    min_points: float | None = None
    rank: int = 0
    passed: bool = True
    note: str = ""


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    kind: str  # points | check | percent
    max_points: float = 0  # 0 in pass/fail sets
    threshold: float | None = None  # percent items: met from this share (e.g. 90) up
    source: str | None = None  # a key of SOURCES, or None: answered by hand
    unverified: bool = False  # BRIEF marks the detail as not verified; the value is editable
    note: str = ""
    level: int = 1  # pass/fail sets: the first level rank that requires this item


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    max_points: float
    items: tuple[Item, ...]
    note: str = ""


@dataclass(frozen=True)
class CriteriaSet:
    model: str
    valid_from: int
    valid_to: int | None
    title: str
    legal_basis: str
    scale: str
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    note: str = ""

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for c in self.criteria for i in c.items)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.criteria)

    def in_force(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True)
class ItemValue:
    """One item's answer: points (points items), True/False (check), a share 0-100 (percent).

    `not_applicable` (e.g. a household with no school-age child) counts the item as met.
    `source` says where the value came from (a SOURCES key, or "" when typed by hand);
    `reason` why a computed value was overridden."""

    value: float | bool | None = None
    not_applicable: bool = False
    source: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Explanation:
    message: str  # msgid
    params: Mapping[str, str | int] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class ItemScore:
    item: Item
    value: ItemValue | None
    points: float
    met: bool  # check/percent met, points above 0; missing items are not met
    missing: bool


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    points: float
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class Assessment:
    criteria_set: CriteriaSet
    criteria: tuple[CriterionScore, ...]
    total: float
    level: Level | None
    passed: bool
    missing: tuple[str, ...]  # codes of the items without a value (scored 0, not met)
    explanation: tuple[Explanation, ...]

    @property
    def items(self) -> tuple[ItemScore, ...]:
        return tuple(i for c in self.criteria for i in c.items)


def set_for(sets: Iterable[CriteriaSet], model: str, year: int) -> CriteriaSet | None:
    """The set of `model` in force in `year`: of those whose years include it, the one valid
    from the latest year. A set valid from a later year never changes an earlier year."""
    in_force = [s for s in sets if s.model == model and s.in_force(year)]
    return max(in_force, key=lambda s: s.valid_from, default=None)


def _num(x: float) -> int | str:
    """A number for a message: 10, or 7.5 (rounded to 2 places)."""
    r = round(float(x), 2)
    return int(r) if r == int(r) else f"{r:g}"


def _score_item(item: Item, v: ItemValue | None, scale: str) -> tuple[ItemScore, Explanation]:
    p: dict[str, str | int] = {"code": item.code, "title": item.title}
    if item.max_points:
        p["max"] = _num(item.max_points)
    if v is None or (v.value is None and not v.not_applicable):
        line = N_("{code} {title}: not answered, counted as 0 and not met")
        return ItemScore(item, v, 0, met=False, missing=True), Explanation(line, p)
    if v.not_applicable:
        line = (
            N_("{code} {title}: does not apply, counted as met: {max} points")
            if scale == POINTS
            else N_("{code} {title}: does not apply, counted as met")
        )
        return ItemScore(item, v, item.max_points, met=True, missing=False), Explanation(line, p)
    value = v.value
    if item.kind == POINTS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{item.code}: points item needs a number, not {value!r}")
        points = min(max(float(value), 0.0), item.max_points)
        p["points"] = _num(points)
        if value > item.max_points:
            p["value"] = _num(value)
            line = N_("{code} {title}: {value} is more than its {max} points; counted as {max}")
        elif value < 0:
            line = N_("{code} {title}: a negative value counts as 0 of {max} points")
        else:
            line = N_("{code} {title}: {points} of {max} points")
        return ItemScore(item, v, points, met=points > 0, missing=False), Explanation(line, p)
    if item.kind == CHECK:
        if not isinstance(value, bool):
            raise ValueError(f"{item.code}: check item needs True or False, not {value!r}")
        met = value
    else:  # PERCENT
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{item.code}: percent item needs a number, not {value!r}")
        threshold = item.threshold if item.threshold is not None else 100
        met = float(value) >= threshold
        p["value"] = _num(value)
        p["threshold"] = _num(threshold)
    points = item.max_points if met else 0.0
    p["points"] = _num(points)
    if item.kind == CHECK:
        if scale == POINTS:
            line = (
                N_("{code} {title}: met, {points} of {max} points")
                if met
                else N_("{code} {title}: not met, 0 of {max} points")
            )
        else:
            line = N_("{code} {title}: met") if met else N_("{code} {title}: not met")
    elif scale == POINTS:
        line = (
            N_(
                "{code} {title}: {value}% (at least {threshold}% needed), met: {points} of {max} "
                "points"
            )
            if met
            else N_(
                "{code} {title}: {value}% (at least {threshold}% needed), not met: 0 of "
                "{max} points"
            )
        )
    else:
        line = (
            N_("{code} {title}: {value}% (at least {threshold}% needed), met")
            if met
            else N_("{code} {title}: {value}% (at least {threshold}% needed), not met")
        )
    return ItemScore(item, v, points, met=met, missing=False), Explanation(line, p)


def score(criteria_set: CriteriaSet, values: Mapping[str, ItemValue]) -> Assessment:
    """Score a subject: per item points, per criterion and total, the level reached (points
    sets: by total; pass/fail sets: the highest rank whose required items are all met), and the
    explanation line by line. Items without a value score 0, are not met and are listed."""
    s = criteria_set
    lines: list[Explanation] = []
    scored: list[CriterionScore] = []
    for c in s.criteria:
        item_scores: list[ItemScore] = []
        for item in c.items:
            one, line = _score_item(item, values.get(item.code), s.scale)
            item_scores.append(one)
            lines.append(line)
        points = round(sum(i.points for i in item_scores), 2)
        scored.append(CriterionScore(c, points, tuple(item_scores)))
        if s.scale == POINTS:
            lines.append(
                Explanation(
                    N_("{code} {title}: {points} of {max} points"),
                    {
                        "code": c.code,
                        "title": c.title,
                        "points": _num(points),
                        "max": _num(c.max_points),
                    },
                )
            )
    every = [i for c in scored for i in c.items]
    missing = tuple(i.item.code for i in every if i.missing)
    total = round(sum(c.points for c in scored), 2)
    failing = next((lv for lv in s.levels if not lv.passed), None)
    level: Level | None
    if s.scale == POINTS:
        reached = [lv for lv in s.levels if lv.min_points is not None and total >= lv.min_points]
        level = max(reached, key=lambda lv: lv.min_points or 0, default=failing)
        lines.append(
            Explanation(
                N_("Total {total} of {max} points: {level}"),
                {
                    "total": _num(total),
                    "max": _num(s.max_points),
                    "level": level.name if level else "-",
                },
            )
        )
    else:
        level = failing
        for lv in sorted((lv for lv in s.levels if lv.passed), key=lambda lv: lv.rank):
            if all(i.met for i in every if i.item.level <= lv.rank):
                level = lv
            else:
                break
        lowest = min((lv.rank for lv in s.levels if lv.passed), default=1)
        unmet = [i.item.code for i in every if not i.met and i.item.level <= lowest]
        if level is not None and level.passed:
            lines.append(Explanation(N_("Result: {level}"), {"level": level.name}))
        else:
            lines.append(
                Explanation(
                    N_("Result: {level}; not met: {items}"),
                    {"level": level.name if level else "-", "items": ", ".join(unmet)},
                )
            )
    if missing:
        lines.append(Explanation(N_("Not answered yet: {items}"), {"items": ", ".join(missing)}))
    passed = bool(level is not None and level.passed)
    return Assessment(s, tuple(scored), total, level, passed, missing, tuple(lines))
