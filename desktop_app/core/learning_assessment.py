"""Self-assessment of a learning model's subject: what the records can answer (pure).

For a household, a clan, a hamlet or a unit, the facts of one year (its people with their birth
years, who attended a class, literacy class results, Hội members, the saved assessments of the
households and adults) are turned into the values of the items whose `source` the app can
compute, each with a line saying where it came from. Values typed by hand replace them; a hand
value that replaces a computed one needs a reason. Then the set's scoring gives the sheet.

Every line is a msgid with params (an `Explanation`), translated where it is shown.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from desktop_app.core.learning_models import (
    CHECK,
    PERCENT,
    POINTS,
    Assessment,
    CriteriaSet,
    Explanation,
    Item,
    ItemValue,
    score,
)
from desktop_app.core.learning_subjects import ADULT_AGE
from desktop_app.core.problems import N_, UserError

__all__ = [
    "CHILD_AGES",
    "HAND",
    "NOT_IN_RECORDS_LINE",
    "AssessmentSheet",
    "Facts",
    "Group",
    "Member",
    "SheetBuilder",
    "SheetItem",
    "build_sheet",
    "check_hand_value",
    "computed_values",
    "explain",
    "parse_hand_value",
]

# School-age children for item "children in school": aged 6 to 14 in the year, by birth year
# (primary and lower secondary school, the compulsory years).
CHILD_AGES = (6, 14)
# The `source` of an ItemValue typed by hand.
HAND = "hand"
# Course titles named in a line, at most; the rest is "…".
_TITLES_SHOWN = 3
_NAMES_SHOWN = 5


class Member(NamedTuple):
    """One person of a subject: the household's, the clan's or hamlet's, the unit's."""

    id: str
    name: str
    birth_year: int | None


class Group(NamedTuple):
    """What a subject holds: its households (for clans and hamlets) and its people."""

    kind: str  # household | clan | hamlet | unit | person
    people: tuple[Member, ...] = ()
    households: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    """The records of one year, for every subject at once (read in bulk)."""

    year: int
    attended: Mapping[str, frozenset[str]] = field(default_factory=dict)  # person: titles
    # person: True reached literacy level 1 or 2 in a literacy class, False: enrolled in one
    # without a level (or failed) and never reached one.
    literacy: Mapping[str, bool] = field(default_factory=dict)
    members: Mapping[str, str] = field(default_factory=dict)  # person: member number
    family_passed: Mapping[str, bool] = field(default_factory=dict)  # household: saved result
    citizen_passed: Mapping[str, bool] = field(default_factory=dict)  # person: saved result


@dataclass(frozen=True)
class SheetItem:
    item: Item
    value: ItemValue | None  # what is scored: the hand value, else the computed one
    source: Explanation  # where `value` came from
    points: float
    met: bool
    computed: ItemValue | None = None  # what the records gave, when a hand value replaced it
    computed_source: Explanation | None = None

    @property
    def overridden(self) -> bool:
        return self.computed_source is not None


# Per item code typed by hand: its line, and what the records gave that it replaced (value and
# line), else None twice. Items not typed by hand take their line from `computed`.
Sources = Mapping[str, tuple[Explanation, "ItemValue | None", "Line | None"]]


@dataclass(frozen=True)
class AssessmentSheet:
    model: str
    year: int
    subject_id: str
    subject_name: str
    criteria_set: CriteriaSet
    assessment: Assessment
    computed: Mapping[str, Computed] = field(repr=False, default_factory=dict)
    sources: Sources = field(repr=False, default_factory=dict)

    @functools.cached_property
    def items(self) -> tuple[SheetItem, ...]:
        """Per item: the value scored, its source, points; built when first asked for (a bulk
        assessment of 55,000 households mostly needs only the totals)."""
        out = []
        for s in self.assessment.items:
            code = s.item.code
            typed = self.sources.get(code)
            if typed is not None:
                line, was, was_line = typed
                out.append(
                    SheetItem(s.item, s.value, line, s.points, s.met, was,
                              _explain(was_line) if was_line else None)
                )  # fmt: skip
                continue
            found = self.computed.get(code)
            line = _explain(found[1]) if found is not None else _NOT_IN_RECORDS_LINE
            out.append(SheetItem(s.item, s.value, line, s.points, s.met))
        return tuple(out)

    @property
    def total(self) -> float:
        return self.assessment.total

    @property
    def level(self) -> str:
        return self.assessment.level.name if self.assessment.level else ""

    @property
    def passed(self) -> bool:
        return self.assessment.passed

    @property
    def set_title(self) -> str:
        return self.criteria_set.title


def _adult(p: Member, year: int) -> bool:
    return p.birth_year is not None and year - p.birth_year >= ADULT_AGE


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1)


def _num(x: float) -> int | str:
    return int(x) if x == int(x) else f"{x:g}"


class _Names(tuple[Member, ...]):
    """People named in a line: joined into text only when the line is shown."""

    __slots__ = ()


class _Titles(tuple[str, ...]):
    """Class titles named in a line: joined into text only when the line is shown."""

    __slots__ = ()


def _names(people: Sequence[Member]) -> str:
    shown = ", ".join(p.name for p in people[:_NAMES_SHOWN])
    return shown + (", …" if len(people) > _NAMES_SHOWN else "")


def _titles(titles: Iterable[str]) -> str:
    ordered = sorted(set(titles))
    shown = ", ".join(ordered[:_TITLES_SHOWN])
    return shown + (", …" if len(ordered) > _TITLES_SHOWN else "")


def _explain(line: Line) -> Explanation:
    """The Explanation of a computed line, its named people and classes joined into text."""
    message, params = line
    done: dict[str, str | int] = {}
    for k, v in params.items():
        if isinstance(v, _Names):
            done[k] = _names(v)
        elif isinstance(v, _Titles):
            done[k] = _titles(v)
        else:
            done[k] = v  # type: ignore[assignment]
    return Explanation(message, done)


# An item's computed value and its line (msgid, params), made an Explanation when shown.
Line = tuple[str, Mapping[str, object]]
Computed = tuple[ItemValue, Line]
_VALUES: dict[tuple[object, ...], ItemValue] = {}


def _iv(
    value: float | bool | None = None, not_applicable: bool = False, source: str = ""
) -> ItemValue:
    """The computed ItemValue, one object per distinct value (a bulk assessment makes
    hundreds of thousands, and most are alike)."""
    key = (value, type(value), not_applicable, source)
    found = _VALUES.get(key)
    if found is None:
        if len(_VALUES) > 100_000:
            _VALUES.clear()
        found = _VALUES[key] = ItemValue(value, not_applicable, source)
    return found


def _children_in_school(g: Group, f: Facts) -> Computed:
    low, high = CHILD_AGES
    children = [
        p for p in g.people if p.birth_year is not None and low <= f.year - p.birth_year <= high
    ]
    p: dict[str, object] = {"low": low, "high": high, "year": f.year}
    if not children:
        line = N_(
            "No child aged {low} to {high} in {year} in the household (birth years of the "
            "registry): the item does not apply"
        )
        return _iv(not_applicable=True, source="children_in_school"), (line, p)
    p.update(n=len(children), names=_Names(children))
    line = N_(
        "Children aged {low} to {high} in {year}: {n} ({names}); whether they attend school "
        "is not in the records: tick by hand"
    )
    return _iv(None, source="children_in_school"), (line, p)


def _adults_attended(g: Group, f: Facts, source: str) -> Computed:
    adults = [p for p in g.people if _adult(p, f.year)]
    p: dict[str, object] = {"year": f.year, "age": ADULT_AGE}
    if not adults:
        line = N_("No person aged {age} or more in {year} with a known birth year: answer by hand")
        return _iv(None, source=source), (line, p)
    came = [a for a in adults if f.attended.get(a.id)]
    p.update(n=len(came), total=len(adults))
    if came:
        p["courses"] = _Titles(t for a in came for t in f.attended[a.id])
        line = N_("{n} of {total} adults attended a class in {year} ({courses}) (attendance)")
    else:
        line = N_("No adult attended a class in {year} ({total} aged {age} or more; attendance)")
    return _iv(_pct(len(came), len(adults)), source=source), (line, p)


def _adults_literate(g: Group, f: Facts) -> Computed:
    """The registry marks no one illiterate: the app knows only literacy classes. An adult
    enrolled in one who has not (yet) reached level 1 or 2 counts as not literate; those who
    reached a level, and every other adult, count as literate."""
    adults = [p for p in g.people if _adult(p, f.year)]
    p: dict[str, object] = {"year": f.year, "age": ADULT_AGE}
    if not adults:
        line = N_("No person aged {age} or more in {year} with a known birth year: answer by hand")
        return _iv(None, source="adults_literate"), (line, p)
    passed = [a for a in adults if f.literacy.get(a.id) is True]
    not_yet = [a for a in adults if f.literacy.get(a.id) is False]
    literate = len(adults) - len(not_yet)
    p.update(n=literate, total=len(adults), passed=len(passed), not_yet=len(not_yet))
    if not_yet:
        p["names"] = _Names(not_yet)
        line = N_(
            "{n} of {total} adults counted literate: {not_yet} in a literacy class without "
            "reaching level 1 ({names}); {passed} reached level 1 or 2 in one; the others are "
            "assumed literate, as the records mark no one illiterate"
        )
    else:
        line = N_(
            "{n} of {total} adults counted literate: {passed} reached level 1 or 2 in a literacy "
            "class; the others are assumed literate, as the records mark no one illiterate"
        )
    return _iv(_pct(literate, len(adults)), source="adults_literate"), (line, p)


def _has_member(g: Group, f: Facts) -> Computed:
    found = [p for p in g.people if p.id in f.members]
    if not found:
        line = N_("No one in the household is a member of the Hội Khuyến học in {year} (members)")
        return _iv(False, source="household_has_member"), (line, {"year": f.year})
    numbers = ", ".join(f"{p.name} ({f.members[p.id]})" for p in found[:_NAMES_SHOWN])
    line = N_("Members of the Hội Khuyến học in {year}: {members} (members)")
    return _iv(True, source="household_has_member"), (line, {"year": f.year, "members": numbers})


def _households_family(g: Group, f: Facts, source: str) -> Computed:
    total = len(g.households)
    assessed = [h for h in g.households if h in f.family_passed]
    p: dict[str, object] = {"year": f.year, "total": total}
    if not total or not assessed:
        line = N_(
            "None of its {total} households has a saved Gia đình học tập assessment for {year}: "
            "answer by hand"
        )
        return _iv(None, source=source), (line, p)
    passed = sum(1 for h in assessed if f.family_passed[h])
    p.update(n=passed, assessed=len(assessed))
    line = N_(
        "{n} of {total} households passed their Gia đình học tập assessment for {year} "
        "({assessed} assessed; saved assessments)"
    )
    return _iv(_pct(passed, total), source=source), (line, p)


def _people_citizen(g: Group, f: Facts, source: str, adults_only: bool) -> Computed:
    people = [p for p in g.people if not adults_only or _adult(p, f.year)]
    assessed = [p for p in people if p.id in f.citizen_passed]
    p: dict[str, object] = {"year": f.year, "total": len(people)}
    if not people or not assessed:
        line = N_(
            "None of its {total} people has a saved Công dân học tập assessment for {year}: "
            "answer by hand"
        )
        return _iv(None, source=source), (line, p)
    passed = sum(1 for a in assessed if f.citizen_passed[a.id])
    p.update(n=passed, assessed=len(assessed))
    line = (
        N_(
            "{n} of {total} adults passed their Công dân học tập assessment for {year} "
            "({assessed} assessed; saved assessments)"
        )
        if adults_only
        else N_(
            "{n} of {total} members passed their Công dân học tập assessment for {year} "
            "({assessed} assessed; saved assessments)"
        )
    )
    return _iv(_pct(passed, len(people)), source=source), (line, p)


def computed_values(criteria_set: CriteriaSet, group: Group, facts: Facts) -> dict[str, Computed]:
    """Item code -> (value, where it came from) for the items of the set whose source the
    records answer for this subject. Items answered by hand are absent."""
    return _computed(_sourced(criteria_set), group, facts)


def _sourced(criteria_set: CriteriaSet) -> tuple[tuple[str, str], ...]:
    """(item code, source key) of the items the app may compute."""
    return tuple((i.code, i.source) for i in criteria_set.items if i.source is not None)


def _computed(
    sourced: Sequence[tuple[str, str]], group: Group, facts: Facts
) -> dict[str, Computed]:
    by_source: dict[str, Computed] = {}
    out: dict[str, Computed] = {}
    for code, key in sourced:
        if key not in by_source:
            one = _compute(key, group, facts)
            if one is None:
                continue
            by_source[key] = one
        out[code] = by_source[key]
    return out


def _compute(key: str, g: Group, f: Facts) -> Computed | None:
    if key == "children_in_school":
        return _children_in_school(g, f)
    if key in ("adults_attended_class", "hamlet_adults_attended_percent"):
        return _adults_attended(g, f, key)
    if key == "adults_literate":
        return _adults_literate(g, f)
    if key == "household_has_member":
        return _has_member(g, f)
    if key in ("clan_households_family_percent", "hamlet_households_family_percent"):
        return _households_family(g, f, key)
    if key in ("clan_adults_cdht_percent", "hamlet_adults_cdht_percent"):
        return _people_citizen(g, f, key, adults_only=True)
    if key == "unit_members_cdht_percent":
        return _people_citizen(g, f, key, adults_only=False)
    return None


_NOT_IN_RECORDS = N_("Not in the records: answer by hand")
_NOT_IN_RECORDS_LINE = Explanation(_NOT_IN_RECORDS)
# The line of an item the records do not answer; a computed line made an Explanation.
NOT_IN_RECORDS_LINE = _NOT_IN_RECORDS_LINE
explain = _explain
_HAND = N_("Typed by hand")
_HAND_REASON = N_("Typed by hand: {reason}")


def _has_value(v: ItemValue | None) -> bool:
    return v is not None and (v.value is not None or v.not_applicable)


def check_hand_value(item: Item, v: ItemValue) -> None:
    """A UserError unless `v` fits the item's kind (points within 0..max, a share 0..100,
    yes/no for checks)."""
    if v.not_applicable or v.value is None:
        return
    value = v.value
    params: dict[str, str | int] = {"code": item.code}
    if item.kind == CHECK:
        if not isinstance(value, bool):
            raise UserError(N_("Item {code} is answered yes or no."), params)
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(N_("Item {code} needs a number."), params)
    if item.kind == PERCENT and not 0 <= value <= 100:
        raise UserError(N_("Item {code} is a share from 0 to 100 (%)."), params)
    if item.kind == POINTS and not 0 <= value <= item.max_points:
        params["max"] = _num(item.max_points)
        raise UserError(N_("Item {code} has from 0 to {max} points."), params)


def parse_hand_value(item: Item, text: str, reason: str = "") -> ItemValue:
    """What a user typed for an item: a number, yes/no (có/không) for checks, 'n/a' when the
    item does not apply. A UserError names the item when the text does not fit."""
    raw = text.strip().casefold()
    if raw in ("n/a", "na", "-", "khong ap dung", "không áp dụng"):
        return ItemValue(not_applicable=True, source=HAND, reason=reason)
    if item.kind == CHECK:
        if raw in ("yes", "y", "true", "1", "có", "co", "đạt", "dat", "x"):
            return ItemValue(True, source=HAND, reason=reason)
        if raw in ("no", "n", "false", "0", "không", "khong", "chưa đạt", "chua dat"):
            return ItemValue(False, source=HAND, reason=reason)
        raise UserError(
            N_("Item {code} is answered yes or no (có/không), not {text}."),
            {"code": item.code, "text": text[:40]},
        )
    try:
        number = float(raw.rstrip("%").replace(",", "."))
    except ValueError:
        raise UserError(
            N_("Item {code} needs a number, not {text}."), {"code": item.code, "text": text[:40]}
        ) from None
    v = ItemValue(int(number) if number == int(number) else number, source=HAND, reason=reason)
    check_hand_value(item, v)
    return v


class SheetBuilder:
    """Sheets of many subjects against one set: the set's items are read once, and each
    combination of values is scored once (most households share theirs)."""

    def __init__(self, criteria_set: CriteriaSet) -> None:
        self.criteria_set = criteria_set
        self._items = {i.code: i for i in criteria_set.items}
        self._sourced = _sourced(criteria_set)
        self._scores: dict[tuple[tuple[str, ItemValue], ...], Assessment] = {}

    def computed(self, group: Group, facts: Facts) -> dict[str, Computed]:
        return _computed(self._sourced, group, facts)

    def sheet(
        self,
        *,
        model: str,
        year: int,
        subject_id: str,
        subject_name: str,
        computed: Mapping[str, Computed],
        hand: Mapping[str, ItemValue],
    ) -> AssessmentSheet:
        """Per item the hand value if given, else the computed one, with its source; then the
        scores. A UserError for a hand value of an unknown item, one that does not fit its
        item, or one that replaces a computed value without a reason."""
        items = self._items
        criteria_set = self.criteria_set
        unknown = [code for code in hand if code not in items]
        if unknown:
            raise UserError(
                N_("{set} has no item {codes}; its items are {known}."),
                {"set": criteria_set.title, "codes": ", ".join(unknown),
                 "known": ", ".join(items)},
            )  # fmt: skip
        values: dict[str, ItemValue] = {code: v for code, (v, _) in computed.items()}
        sources: dict[str, tuple[Explanation, ItemValue | None, Line | None]] = {}
        for code, typed in hand.items():
            item = items[code]
            check_hand_value(item, typed)
            reason = typed.reason.strip()
            found = computed.get(code)
            was = found if found is not None and _has_value(found[0]) else None
            if was is not None and not reason:
                raise UserError(
                    N_(
                        "Item {code} was computed from the records; give the reason for "
                        "changing it (--reason)."
                    ),
                    {"code": code},
                )
            line = Explanation(_HAND_REASON, {"reason": reason}) if reason else Explanation(_HAND)
            values[code] = ItemValue(
                typed.value, typed.not_applicable, source=typed.source or HAND, reason=reason
            )
            sources[code] = (line, was[0] if was else None, was[1] if was else None)
        key = tuple(values.items())
        assessment = self._scores.get(key)
        if assessment is None:
            assessment = self._scores[key] = score(criteria_set, values)
        return AssessmentSheet(
            model, year, subject_id, subject_name, criteria_set, assessment, computed, sources
        )


def build_sheet(
    *,
    model: str,
    year: int,
    subject_id: str,
    subject_name: str,
    criteria_set: CriteriaSet,
    computed: Mapping[str, Computed],
    hand: Mapping[str, ItemValue],
) -> AssessmentSheet:
    """One subject's sheet (see SheetBuilder.sheet)."""
    return SheetBuilder(criteria_set).sheet(
        model=model, year=year, subject_id=subject_id, subject_name=subject_name,
        computed=computed, hand=hand,
    )  # fmt: skip
