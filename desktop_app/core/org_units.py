"""Administrative units over time: province, (former) district, commune, with validity dates
and which unit each one became, so that a record made under an old unit rolls up under
today's.

On 1 July 2025 the district tier was abolished, 63 provinces became 34 and 10,035 communes
became 3,321. A unit here is one code of one level over one period: code 00097 names one
ward until 30/06/2025 and another from 01/07/2025, so a code alone does not say which unit
is meant; a code and a date do. A unit that ended names its successors (`merged_into`, the
main one first when it was split), and following them from any unit on any date reaches the
unit that holds its place today.

Pure: the catalogue is built from the shipped data (resources/org_units) plus whatever the
office added or corrected; reading them is the services' and storage's job.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import NamedTuple

from desktop_app.core.problems import N_
from desktop_app.core.text import fold, nfc

# The two-tier local government took office on this day (Nghị quyết 202/2025/QH15 and the
# 34 resolutions on the communes).
REFORM_2025 = dt.date(2025, 7, 1)

RESOURCE_FORMAT = "tthtcd-org-units"
RESOURCE_VERSION = 1


class Level(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


LEVEL_LABELS: dict[Level, str] = {
    Level.PROVINCE: N_("Province"),
    Level.DISTRICT: N_("District (before 1/7/2025)"),
    Level.COMMUNE: N_("Commune"),
}

# GSO codes are zero-padded to a fixed width per level, which also tells the level.
CODE_WIDTH: dict[Level, int] = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
_LEVEL_OF_WIDTH = {w: level for level, w in CODE_WIDTH.items()}

# Words a unit's name starts with, dropped when a name typed by a user is compared.
_TYPE_WORDS = (
    "thanh pho",
    "thi tran",
    "thi xa",
    "dac khu",
    "phuong",
    "huyen",
    "tinh",
    "quan",
    "xa",
)


def normalise_code(code: str | int, level: Level) -> str:
    """The GSO form of a code: "97" or 97 as a commune is "00097". ValueError if not one."""
    text = str(code).strip()
    width = CODE_WIDTH[level]
    if not text.isdigit() or not text.isascii() or len(text.lstrip("0")) > width:
        raise ValueError(f"not a {level} code: {code!r}")
    return text.zfill(width)


def level_of(code: str) -> Level | None:
    """The level a zero-padded code names, from its width; None if it is not one."""
    text = code.strip()
    if not text.isdigit() or not text.isascii():
        return None
    return _LEVEL_OF_WIDTH.get(len(text))


def bare_name(name: str) -> str:
    """Folded name without its type: "Xã Phúc Xá", "phuc xa" and "PHÚC XÁ" all give "phuc xa"."""
    folded = fold(name)
    for word in _TYPE_WORDS:
        if folded.startswith(word + " ") and len(folded) > len(word) + 1:
            return folded[len(word) + 1 :]
    return folded


_ISO_DAYS: dict[dt.date, str] = {}


def unit_id(level: Level, code: str, valid_from: dt.date | None) -> str:
    """The id of one unit: the same on every computer, so the office's copy of a shipped unit
    (a correction it sends down) replaces the shipped one."""
    if valid_from is None:
        return level + ":" + code + ":"
    day = _ISO_DAYS.get(valid_from)
    if day is None:
        day = _ISO_DAYS.setdefault(valid_from, valid_from.isoformat())
    return level + ":" + code + ":" + day


class OrgUnit(NamedTuple):
    """One administrative unit over one period. `valid_to` is the first day it no longer
    exists (None: it still does); `valid_from` None: since before anything recorded here."""

    code: str
    level: Level
    name: str
    parent: str = ""  # the code of the unit above it over the same period; "" for a province
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    merged_into: tuple[str, ...] = ()  # successors' codes, the main one first

    @property
    def id(self) -> str:
        return unit_id(self.level, self.code, self.valid_from)

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    @property
    def last_day(self) -> dt.date | None:
        """The last day it existed (None while it still does)."""
        return None if self.valid_to is None else self.valid_to - dt.timedelta(days=1)

    @property
    def some_day(self) -> dt.date:
        """A day it existed: to look up its parent over the same period."""
        if self.valid_to is not None:
            return self.valid_to - dt.timedelta(days=1)
        return self.valid_from or REFORM_2025


class Catalogue:
    """Every known unit, with lookups by code and date, by name, and through merges."""

    def __init__(self, units: Iterable[OrgUnit], draft_aliases: Mapping[str, str] | None = None):
        self._by_id = {u.id: u for u in units}
        by_code: dict[tuple[Level, str], list[OrgUnit]] = {}
        by_parent: dict[str, list[OrgUnit]] = {}
        predecessors: dict[str, list[OrgUnit]] = {}
        for unit in self._by_id.values():
            by_code.setdefault((unit.level, unit.code), []).append(unit)
            for code in unit.merged_into:
                predecessors.setdefault(code, []).append(unit)
            if unit.parent:
                by_parent.setdefault(unit.parent, []).append(unit)
        self._by_code = by_code
        self._by_parent = by_parent
        self._predecessors = predecessors
        for units_of_code in self._by_code.values():
            units_of_code.sort(key=lambda u: u.valid_from or dt.date.min)
        self._draft = dict(draft_aliases or {})
        self._names: dict[str, list[OrgUnit]] | None = None

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[OrgUnit]:
        return iter(self._by_id.values())

    def by_id(self, unit_id: str) -> OrgUnit | None:
        return self._by_id.get(unit_id)

    @property
    def draft_aliases(self) -> Mapping[str, str]:
        return self._draft

    # By code and date --------------------------------------------------------------------

    def find(self, code: str, on: dt.date, level: Level | None = None) -> OrgUnit | None:
        """The unit this code named on that day."""
        level = level or level_of(code)
        if level is None:
            return None
        try:
            code = normalise_code(code, level)
        except ValueError:
            return None
        for unit in self._by_code.get((level, code), ()):
            if unit.valid_on(on):
                return unit
        return None

    def versions(self, code: str, level: Level | None = None) -> list[OrgUnit]:
        """Every unit that ever had this code, oldest first."""
        level = level or level_of(code)
        if level is None:
            return []
        try:
            return list(self._by_code.get((level, normalise_code(code, level)), ()))
        except ValueError:
            return []

    def _successors(self, unit: OrgUnit) -> list[OrgUnit]:
        assert unit.valid_to is not None
        found = []
        for code in unit.merged_into:
            successor = self.find(code, unit.valid_to)
            if successor is not None:
                found.append(successor)
        return found

    def current(self, unit: OrgUnit, today: dt.date | None = None) -> OrgUnit:
        """The unit that holds `unit`'s place today: itself while it exists, else its main
        successor's, followed through every later merge. A unit that ended with no known
        successor is its own answer."""
        today = today or dt.date.today()
        seen = {unit.id}
        while not unit.valid_on(today) and unit.valid_to is not None and unit.valid_to <= today:
            successors = self._successors(unit)
            if not successors or successors[0].id in seen:
                break
            unit = successors[0]
            seen.add(unit.id)
        return unit

    def current_all(self, unit: OrgUnit, today: dt.date | None = None) -> list[OrgUnit]:
        """Every unit that holds part of `unit`'s place today (several when it was split)."""
        today = today or dt.date.today()
        out: dict[str, OrgUnit] = {}
        todo, seen = [unit], set()
        while todo:
            u = todo.pop(0)
            if u.id in seen:
                continue
            seen.add(u.id)
            successors = (
                self._successors(u) if u.valid_to is not None and u.valid_to <= today else []
            )
            if not successors:
                out.setdefault(u.id, u)
            todo.extend(successors)
        return list(out.values())

    def resolve(
        self, code: str, on: dt.date, level: Level | None = None, today: dt.date | None = None
    ) -> OrgUnit | None:
        """Today's unit for a code as it was meant on `on` (None if it named nothing then)."""
        unit = self.find(code, on, level)
        return None if unit is None else self.current(unit, today)

    # The tree ----------------------------------------------------------------------------

    def parent(self, unit: OrgUnit) -> OrgUnit | None:
        if not unit.parent:
            return None
        return self.find(unit.parent, unit.some_day)

    def path(self, unit: OrgUnit) -> tuple[OrgUnit, ...]:
        """From the province down to the unit: (province, district, commune) before the
        reform, (province, commune) after."""
        chain = [unit]
        while (up := self.parent(chain[-1])) is not None and len(chain) < 4:
            chain.append(up)
        return tuple(reversed(chain))

    def children(self, unit: OrgUnit) -> list[OrgUnit]:
        """The units directly under it over its own period, in code order."""
        day = unit.some_day
        return sorted(
            (
                u
                for u in self._by_parent.get(unit.code, ())
                if CODE_WIDTH[u.level] > CODE_WIDTH[unit.level] and u.valid_on(day)
            ),
            key=lambda u: u.code,
        )

    def units_on(self, level: Level, day: dt.date) -> list[OrgUnit]:
        return sorted(
            (u for u in self._by_id.values() if u.level is level and u.valid_on(day)),
            key=lambda u: u.code,
        )

    def predecessors(self, unit: OrgUnit) -> list[OrgUnit]:
        """The units that became (part of) this one, in code order."""
        return sorted(
            (
                p
                for p in self._predecessors.get(unit.code, ())
                if p.valid_to is not None and unit.valid_on(p.valid_to)
            ),
            key=lambda u: (CODE_WIDTH[u.level], u.code),
        )

    # By name -----------------------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        level: Level | None = None,
        on: dt.date | None = None,
        within: str = "",
    ) -> list[OrgUnit]:
        """Units whose name (without its type word, tones or case) is `text`, or whose code
        it is; `on` keeps those that existed that day, `within` those under that province or
        district code (at any depth)."""
        if self._names is None:
            names: dict[str, list[OrgUnit]] = {}
            for u in self._by_id.values():
                names.setdefault(bare_name(u.name), []).append(u)
            self._names = names
        query = text.strip()
        found: list[OrgUnit] = []
        if query.isdigit():
            levels = [level] if level else list(Level)
            for lv in levels:
                found.extend(self.versions(query, lv) if len(query) <= CODE_WIDTH[lv] else [])
        else:
            found = list(self._names.get(bare_name(query), ()))
            if fold(query) != bare_name(query):
                # Typed with its type ("Quận Ba Đình"): not Phường Ba Đình.
                found = [u for u in found if fold(u.name) == fold(query)]
        if level is not None:
            found = [u for u in found if u.level is level]
        if on is not None:
            found = [u for u in found if u.valid_on(on)]
        if within:
            found = [u for u in found if within in {a.code for a in self.path(u)[:-1]}]
        return sorted(found, key=lambda u: (u.valid_from or dt.date.min, u.code))

    def identify_commune(
        self,
        code: str | None,
        name: str = "",
        province_code: str | None = None,
        on: dt.date | None = None,
    ) -> OrgUnit | None:
        """The commune a saved place means (a centre profile: code, name, province).

        The code is tried as today's official code, as a draft code of June 2025 (what the
        profile picker saved until its list was the official one) and as a code from before
        the reform; when a name is given the one whose name agrees wins, so a code reused
        by another unit since is not mistaken. Without a match by code, the name within the
        province. `on` is the day the place was recorded, if known (default: today)."""
        day = on or dt.date.today()
        want = bare_name(name) if name else ""
        try:
            official = normalise_code(code, Level.COMMUNE) if code else ""
        except ValueError:
            official = ""
        candidates: list[OrgUnit] = []
        if official:
            found = self.find(official, day, Level.COMMUNE)
            if found:
                candidates.append(found)
            alias = self._draft.get(official)
            if alias and (found := self.find(alias, max(day, REFORM_2025), Level.COMMUNE)):
                candidates.append(found)
            candidates.extend(self.versions(official, Level.COMMUNE))
        candidates = list({u.id: u for u in candidates}.values())
        if want:
            named = [u for u in candidates if bare_name(u.name) == want]
            if named:
                return named[0]
        elif candidates:
            return candidates[0]
        if want:
            province = province_code.strip() if province_code else ""
            by_name = self.search(name, level=Level.COMMUNE)
            if province:
                try:
                    pcode = normalise_code(province, Level.PROVINCE)
                except ValueError:
                    pcode = ""
                by_name = [u for u in by_name if self.path(u)[0].code == pcode]
            current = [u for u in by_name if u.valid_on(max(day, REFORM_2025))]
            # "Phường Đông Tiến" and "Xã Đồng Tiến" share a bare name: the full name decides.
            exact = [u for u in current if fold(u.name) == fold(name)]
            for found_units in (current, exact, by_name):
                if len(found_units) == 1:
                    return found_units[0]
        return candidates[0] if candidates else None

    # With what the office added ----------------------------------------------------------

    def with_changes(self, put: Iterable[OrgUnit], removed: Iterable[str] = ()) -> Catalogue:
        """A catalogue where `put` replaces (or adds) units by id and `removed` ids are gone."""
        units = dict(self._by_id)
        for unit_key in removed:
            units.pop(unit_key, None)
        for unit in put:
            units[unit.id] = unit
        return Catalogue(units.values(), self._draft)


# The shipped data ------------------------------------------------------------------------


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


_LEVEL_KEYS = (
    ("provinces", Level.PROVINCE),
    ("districts", Level.DISTRICT),
    ("communes", Level.COMMUNE),
)


def parse_resource(data: Mapping[str, object]) -> Catalogue:
    """The catalogue from the parsed `resources/org_units/units-2025.json`. ValueError if it
    is not that format."""
    if data.get("format") != RESOURCE_FORMAT or data.get("format_version") != RESOURCE_VERSION:
        raise ValueError("not an org-units resource of a known version")
    units: list[OrgUnit] = []
    eras = data.get("eras")
    if not isinstance(eras, list):
        raise ValueError("org-units resource without eras")
    for era in eras:
        valid_from, valid_to = _day(era["valid_from"]), _day(era["valid_to"])
        for key, level in _LEVEL_KEYS:
            # Positional and unchecked here (14,000 units); `validate` checks what was read.
            units.extend(
                OrgUnit(code, level, name, parent, valid_from, valid_to, tuple(merged))
                for code, name, parent, merged in era[key]
            )
    aliases_block = data.get("draft_aliases") or {}
    assert isinstance(aliases_block, Mapping)
    aliases = {str(a): str(b) for a, b in aliases_block.get("codes", [])}
    return Catalogue(units, aliases)


def validate(catalogue: Catalogue) -> list[str]:
    """What is wrong with a catalogue (empty when nothing): codes of the wrong width, periods
    that end before they start or overlap for one code, parents that did not exist over the
    unit's period, successors that did not exist the day the unit ended, and units that ended
    without reaching any unit that exists today."""
    problems: list[str] = []
    by_code: dict[tuple[Level, str], list[OrgUnit]] = {}
    for u in catalogue:
        texts = (u.code, u.name, u.parent, *u.merged_into)
        if not all(isinstance(t, str) for t in texts):
            problems.append(f"{u.id}: a code or name that is not text")
            continue
        if not u.name.strip() or nfc(u.name) != u.name:
            problems.append(f"{u.id}: name empty or not in NFC")
        by_code.setdefault((u.level, u.code), []).append(u)
        if len(u.code) != CODE_WIDTH[u.level] or not u.code.isdigit():
            problems.append(f"{u.id}: code of the wrong form")
        if u.valid_from and u.valid_to and u.valid_to <= u.valid_from:
            problems.append(f"{u.id}: ends before it starts")
        if u.level is Level.PROVINCE and u.parent:
            problems.append(f"{u.id}: a province has no parent")
        if u.level is not Level.PROVINCE:
            up = catalogue.parent(u)
            if up is None or CODE_WIDTH[up.level] >= CODE_WIDTH[u.level]:
                problems.append(f"{u.id}: parent {u.parent!r} did not exist then")
        if u.valid_to is None and u.merged_into:
            problems.append(f"{u.id}: still exists but names successors")
        if u.valid_to is not None:
            found = [catalogue.find(c, u.valid_to) for c in u.merged_into]
            if not u.merged_into or None in found:
                problems.append(f"{u.id}: successors {list(u.merged_into)} not found")
    for (_level, code), units in by_code.items():
        units.sort(key=lambda x: x.valid_from or dt.date.min)
        for a, b in itertools.pairwise(units):
            if a.valid_to is None or (b.valid_from or dt.date.min) < a.valid_to:
                problems.append(f"{code}: {a.id} and {b.id} overlap")
    return problems
