"""Administrative units over time: today's unit for an old code or name, the office's tree of
province, communes and the centres it holds, and centres grouped under today's units.

The units before and after the reform of 1 July 2025 ship with the app
(resources/org_units/units-2025.json, read the first time a lookup needs them, never at
start-up). The office may copy its province's units into its database (`seed`), correct or
add units (`save_unit`, e.g. a later merger) and they travel down to its centres; a unit
held in the database replaces the shipped one with the same id; deleting it brings the shipped
one back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.appinfo import resource_path
from desktop_app.core.org_units import (
    CODE_WIDTH,
    REFORM_2025,
    Catalogue,
    Level,
    OrgUnit,
    level_of,
    normalise_code,
    parse_resource,
    unit_id,
)
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import nfc
from desktop_app.services.ops import OpResult, Ops
from desktop_app.storage import org_units as repo
from desktop_app.storage.db import Database

__all__ = [
    "CentreNode",
    "CommuneNode",
    "LegacyMatch",
    "Level",
    "OrgUnit",
    "OrgUnitService",
    "ProvinceNode",
    "RollUp",
    "RollUpGroup",
    "shipped_catalogue",
]

RESOURCE = ("org_units", "units-2025.json")

_shipped: Catalogue | None = None
_shipped_lock = threading.Lock()


def shipped_catalogue() -> Catalogue:
    """The units that ship with the app, read once per process (about 50 ms)."""
    global _shipped
    with _shipped_lock:
        if _shipped is None:
            with open(resource_path(*RESOURCE), encoding="utf-8") as fh:
                _shipped = parse_resource(json.load(fh))
        return _shipped


@dataclass(frozen=True)
class CentreNode:
    """A centre held in this database, where its profile says it is and where that is today."""

    site_id: str
    name: str
    commune_code: str | None  # as saved in its profile
    commune_name: str
    commune: OrgUnit | None  # today's commune (None: the profile names none we know)


@dataclass(frozen=True)
class CommuneNode:
    unit: OrgUnit
    centres: tuple[CentreNode, ...]
    # The communes of before 1/7/2025 that became (part of) it, each with its path
    # (province, district, commune): the optional legacy district level.
    formerly: tuple[tuple[OrgUnit, ...], ...]


@dataclass(frozen=True)
class ProvinceNode:
    unit: OrgUnit
    communes: tuple[CommuneNode, ...]
    formerly: tuple[OrgUnit, ...]  # the provinces of before 1/7/2025 that became it


@dataclass(frozen=True)
class RollUpGroup:
    province: OrgUnit
    commune: OrgUnit
    site_ids: tuple[str, ...]


@dataclass(frozen=True)
class RollUp:
    """Centres grouped under today's province and commune, in code order."""

    groups: tuple[RollUpGroup, ...]
    unplaced: tuple[str, ...]  # sites whose profile names no known commune (or none held)

    def by_province(self) -> dict[str, tuple[str, ...]]:
        """Today's province code -> the site ids under it."""
        out: dict[str, list[str]] = {}
        for g in self.groups:
            out.setdefault(g.province.code, []).extend(g.site_ids)
        return {k: tuple(v) for k, v in out.items()}

    def by_commune(self) -> dict[str, tuple[str, ...]]:
        return {g.commune.code: g.site_ids for g in self.groups}


@dataclass(frozen=True)
class LegacyMatch:
    """A unit of before 1/7/2025 and the unit(s) that hold its place today."""

    unit: OrgUnit
    path: tuple[OrgUnit, ...]  # province, district, commune as they were
    today: tuple[OrgUnit, ...]  # the main one first; several when it was split
    today_province: OrgUnit


def _day(value: dt.date | None) -> dt.date:
    return value or dt.date.today()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class OrgUnitService:
    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops
        self._cache: tuple[tuple[int, int], Catalogue] | None = None

    # The catalogue ---------------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        """The shipped units with the ones held in this database (the office's) over them."""
        key = repo.stamp(self._db)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        shipped = shipped_catalogue()
        if key[0] == 0:
            catalogue = shipped
        else:
            rows = repo.unit_rows(self._db)
            # A deleted row is a correction withdrawn: the shipped unit stands again.
            catalogue = shipped.with_changes([_unit_of(r) for r in rows if not r.deleted])
        self._cache = (key, catalogue)
        return catalogue

    def current_unit(
        self, code: str, on: dt.date | None = None, level: Level | None = None
    ) -> OrgUnit:
        """Today's unit for a code as it was used on `on` (default today): a commune code of
        2024 gives the commune it was merged into, a district code the province."""
        catalogue = self.catalogue()
        day = _day(on)
        unit = catalogue.find(code, day, level)
        if unit is None:
            if (level or level_of(code)) is None:
                raise UserError(
                    N_("“{code}” is not the code of a province, district or commune."),
                    {"code": code},
                )
            raise UserError(
                N_("No administrative unit had the code {code} on {date}."),
                {"code": code, "date": day.strftime("%d/%m/%Y")},
            )
        return catalogue.current(unit)

    def path(self, unit: OrgUnit) -> tuple[OrgUnit, ...]:
        """Province, (district,) unit."""
        return self.catalogue().path(unit)

    def lookup_legacy(
        self, text: str, *, district: str = "", province: str = ""
    ) -> list[LegacyMatch]:
        """Communes and districts of before 1/7/2025 by name ("Xã Phúc Xá", "phuc xa") or
        code, optionally within an old district or province (name or code), each with the
        unit(s) that hold its place today. Several can match: a name was often used in
        more than one district."""
        query = nfc(text).strip()
        if not query:
            raise UserError(
                N_("Type the name or code of a commune or district from before 1/7/2025.")
            )
        catalogue = self.catalogue()
        before = REFORM_2025 - dt.timedelta(days=1)
        found = [
            u
            for u in catalogue.search(query, on=before)
            if u.level in (Level.COMMUNE, Level.DISTRICT)
        ]
        for scope, level in ((district, Level.DISTRICT), (province, Level.PROVINCE)):
            if scope.strip():
                codes = {u.code for u in catalogue.search(scope, level=level, on=before)}
                found = [u for u in found if codes & {a.code for a in catalogue.path(u)[:-1]}]
        out = []
        for u in found:
            today = catalogue.current_all(u)
            main = catalogue.current(u)
            ordered = [main, *(t for t in today if t.id != main.id)]
            out.append(
                LegacyMatch(
                    unit=u,
                    path=catalogue.path(u),
                    today=tuple(ordered),
                    today_province=catalogue.path(main)[0],
                )
            )
        return out

    # Centres under today's units ------------------------------------------------------

    def _commune_of(self, place: repo.CentrePlace) -> OrgUnit | None:
        catalogue = self.catalogue()
        on = None
        with contextlib.suppress(ValueError):
            on = dt.date.fromisoformat(place.updated_at[:10])
        unit = catalogue.identify_commune(
            place.commune_code, place.commune_name, place.province_code, on
        )
        return None if unit is None else catalogue.current(unit)

    def place_of(self, site_id: str) -> OrgUnit | None:
        """Today's commune of a centre held here (None if its profile names no known one)."""
        places = repo.centre_places(self._db, [site_id])
        return self._commune_of(places[0]) if places else None

    def roll_up(self, site_ids: Sequence[str]) -> RollUp:
        """Group centres under today's province and commune, whatever units their profiles
        were saved with (a commune merged on 1/7/2025, a draft code of June 2025)."""
        wanted = list(dict.fromkeys(site_ids))
        places = {p.site_id: p for p in repo.centre_places(self._db, wanted)}
        catalogue = self.catalogue()
        groups: dict[str, list[str]] = {}
        units: dict[str, OrgUnit] = {}
        unplaced: list[str] = []
        for site in wanted:
            place = places.get(site)
            commune = self._commune_of(place) if place else None
            if commune is None:
                unplaced.append(site)
                continue
            groups.setdefault(commune.id, []).append(site)
            units[commune.id] = commune
        out = []
        for key, sites in groups.items():
            commune = units[key]
            out.append(RollUpGroup(catalogue.path(commune)[0], commune, tuple(sites)))
        out.sort(key=lambda g: (g.province.code, g.commune.code))
        return RollUp(tuple(out), tuple(unplaced))

    def tree(self, province_code: str | None = None) -> list[ProvinceNode]:
        """Today's province (the office's own, or `province_code`) with every commune, the
        centres this database holds in each, and what each was before 1/7/2025. Without a
        province named here or in the office's profile: every province that holds a centre."""
        catalogue = self.catalogue()
        today = dt.date.today()
        centres: dict[str, list[CentreNode]] = {}
        provinces: set[str] = set()
        for place in repo.centre_places(self._db):
            commune = self._commune_of(place)
            node = CentreNode(
                place.site_id, place.centre_name, place.commune_code, place.commune_name, commune
            )
            if commune is not None:
                centres.setdefault(commune.id, []).append(node)
                provinces.add(catalogue.path(commune)[0].code)
        if province_code is not None:
            chosen = [self._today_province(province_code)]
        elif (own := self._own_province()) is not None:
            chosen = [own]
        else:
            chosen = [u for c in sorted(provinces) if (u := catalogue.find(c, today))]
        out = []
        for province in chosen:
            communes = tuple(
                CommuneNode(
                    unit=c,
                    centres=tuple(sorted(centres.get(c.id, ()), key=lambda n: n.name)),
                    formerly=tuple(
                        catalogue.path(p)
                        for p in catalogue.predecessors(c)
                        if p.level is Level.COMMUNE
                    ),
                )
                for c in catalogue.children(province)
            )
            formerly = tuple(
                p for p in catalogue.predecessors(province) if p.level is Level.PROVINCE
            )
            out.append(ProvinceNode(province, communes, formerly))
        return out

    def _own_province(self) -> OrgUnit | None:
        places = repo.centre_places(self._db, [self._db.site_id])
        if not places or not places[0].province_code:
            return None
        try:
            return self._today_province(places[0].province_code)
        except UserError:
            return None

    def _today_province(self, code: str) -> OrgUnit:
        catalogue = self.catalogue()
        try:
            padded = normalise_code(code, Level.PROVINCE)
        except ValueError:
            padded = ""
        unit = catalogue.find(padded, dt.date.today(), Level.PROVINCE) if padded else None
        if unit is None:
            raise UserError(N_("No province has the code {code} today."), {"code": code})
        return unit

    # The office's own copy -------------------------------------------------------------

    def _office_only(self) -> None:
        if self._db.site_role != "office":
            raise UserError(
                N_(
                    "Only an office keeps the list of administrative units:"
                    " a centre receives it from its office."
                )
            )

    def seed(self, province_code: str | None = None) -> OpResult[int]:
        """Copy the shipped units of a province of today (the office's own by default) and
        of everything that became it into this database, so that they travel down to the
        centres and the office can correct them. Idempotent; the value is how many rows were
        added."""
        self._office_only()
        if province_code is None:
            own = self._own_province()
            if own is None:
                raise UserError(N_("Choose the province first: the office's profile names none."))
            province = own
        else:
            province = self._today_province(province_code)
        catalogue = self.catalogue()
        units: dict[str, OrgUnit] = {province.id: province}
        todo = [province]
        while todo:
            u = todo.pop()
            for child in [*catalogue.children(u), *catalogue.predecessors(u)]:
                if child.id not in units:
                    units[child.id] = child
                    todo.append(child)
        rows = [_row_of(u) for u in sorted(units.values(), key=lambda u: u.id)]
        with self._ops.op("org_units.seed") as op:
            added, _changed = repo.put_units(op.tx, rows)
        return op.result(added)

    def save_unit(self, unit: OrgUnit, basis: str = "") -> OpResult[str]:
        """Add or correct one unit (a merger decided later, a name corrected), with the
        decision it rests on; the value is its id."""
        self._office_only()
        self._check_unit(unit)
        with self._ops.op("org_units.save") as op:
            repo.put_units(op.tx, [_row_of(unit, basis)])
        return op.result(unit.id)

    def remove_unit(self, unit_key: str) -> OpResult[bool]:
        """Hide a unit this office added or copied (the shipped one comes back)."""
        self._office_only()
        with self._ops.op("org_units.remove") as op:
            done = repo.delete_unit(op.tx, unit_key)
        return op.result(done)

    def _check_unit(self, unit: OrgUnit) -> None:
        try:
            normalise_code(unit.code, unit.level)
            ok = len(unit.code) == CODE_WIDTH[unit.level]
        except (ValueError, KeyError):
            ok = False
        if not ok:
            raise UserError(
                N_(
                    "“{code}” is not a code of that level: a province has 2 digits,"
                    " a district 3 and a commune 5."
                ),
                {"code": unit.code},
            )
        if not nfc(unit.name).strip():
            raise UserError(N_("Type the unit's name."))
        if unit.valid_from and unit.valid_to and unit.valid_to <= unit.valid_from:
            raise UserError(N_("The day a unit ends must come after the day it starts."))
        if unit.valid_to is None and unit.merged_into:
            raise UserError(N_("A unit that still exists has no successor."))
        catalogue = self.catalogue()
        if unit.level is not Level.PROVINCE and catalogue.find(unit.parent, unit.some_day) is None:
            raise UserError(
                N_("The unit above it ({code}) did not exist over the same period."),
                {"code": unit.parent},
            )
        if unit.valid_to is not None:
            if not unit.merged_into:
                raise UserError(N_("Name the unit(s) it became when it ended."))
            for code in unit.merged_into:
                if catalogue.find(code, unit.valid_to) is None:
                    raise UserError(
                        N_("No unit has the code {code} on {date}."),
                        {"code": code, "date": unit.valid_to.strftime("%d/%m/%Y")},
                    )
        clash = [
            u
            for u in catalogue.versions(unit.code, unit.level)
            if u.id != unit.id
            and (u.valid_to is None or unit.valid_from is None or unit.valid_from < u.valid_to)
            and (unit.valid_to is None or u.valid_from is None or u.valid_from < unit.valid_to)
        ]
        if clash:
            raise UserError(
                N_("Another unit has the code {code} over part of the same period."),
                {"code": unit.code},
            )


def _unit_of(row: repo.UnitRow) -> OrgUnit:
    return OrgUnit(
        code=row.code,
        level=Level(row.level),
        name=row.name,
        parent=row.parent_code,
        valid_from=dt.date.fromisoformat(row.valid_from) if row.valid_from else None,
        valid_to=dt.date.fromisoformat(row.valid_to) if row.valid_to else None,
        merged_into=row.merged_into,
    )


def _row_of(unit: OrgUnit, basis: str = "") -> repo.UnitRow:
    return repo.UnitRow(
        id=unit_id(unit.level, unit.code, unit.valid_from),
        code=unit.code,
        level=unit.level.value,
        name=nfc(unit.name).strip(),
        parent_code=unit.parent,
        valid_from=_iso(unit.valid_from),
        valid_to=_iso(unit.valid_to),
        merged_into=unit.merged_into,
        basis=basis,
    )
