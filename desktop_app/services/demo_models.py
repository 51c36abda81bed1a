"""Demo learning models: clans of the commune's main family names, a few units, and the
registrations of the last two years (about 60% of households, most hamlets, a third of the
adults rising to two fifths)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from desktop_app.core.learning_subjects import ADULT_AGE, UnitKind
from desktop_app.services.demo_places import DemoPlace
from desktop_app.storage import learning_models as repo
from desktop_app.storage.tx import Tx

# Share of the subjects registered, per model, in the year before last and in the last year.
SHARES: dict[str, tuple[float, float]] = {
    "family": (0.55, 0.62),
    "clan": (0.45, 0.55),
    "community": (0.7, 0.85),
    "unit": (0.75, 1.0),
    "citizen": (0.3, 0.4),
}
# Clans per hamlet: the most common family names among its heads of household, from a few
# households up.
CLANS_PER_HAMLET = 3
CLAN_MIN_HOUSEHOLDS = 3
# A clan (one lineage) holds tens of households, not every household of a common name.
CLAN_MAX_HOUSEHOLDS = 80


class DemoPerson(NamedTuple):
    person_id: str
    hamlet_id: str | None
    full_name: str
    birth_year: int


class DemoModels(NamedTuple):
    clans: int
    units: int
    registrations: int


def add_demo_models(
    tx: Tx,
    seed: int,
    people: Sequence[DemoPerson],
    hamlets: Sequence[tuple[str, str]],
    today: dt.date,
    place: DemoPlace,
) -> DemoModels:
    """Inside the caller's operation. `hamlets` are (id, name). Its own random generator, so
    the rest of the demo stays as it was for a given seed."""
    rng = random.Random(f"models-{seed}")
    names = {p.person_id: p.full_name for p in people}
    hamlet_name = dict(hamlets)
    households = repo.households_with_heads(tx.db)

    # Clans: per hamlet, its most common family names among the heads of household.
    by_hamlet_name: dict[tuple[str | None, str], list[tuple[str, str, int | None]]] = defaultdict(
        list
    )
    for household_id, hamlet_id, head_id, family, birth_year in households:
        by_hamlet_name[(hamlet_id, family)].append((household_id, head_id, birth_year))
    clans: list[tuple[str, str, str | None]] = []  # (clan id, head's id, hamlet id)
    links: list[tuple[str, str]] = []
    for hamlet_id, _ in hamlets:
        counts = Counter(
            {f: len(v) for (h, f), v in by_hamlet_name.items() if h == hamlet_id and f}
        )
        for family, n in counts.most_common(CLANS_PER_HAMLET):
            if n < CLAN_MIN_HOUSEHOLDS:
                break
            members = by_hamlet_name[(hamlet_id, family)][:CLAN_MAX_HOUSEHOLDS]
            # The clan's head (trưởng họ): its oldest head of household.
            head = min(members, key=lambda m: m[2] or today.year)[1]
            name = f"Dòng họ {family} ({hamlet_name[hamlet_id]})"
            clan_id = repo.insert_clan(tx, name, head, hamlet_id, "")
            clans.append((clan_id, head, hamlet_id))
            links.extend((clan_id, m[0]) for m in members)
    repo.bulk_insert_clan_households(tx, links)

    # Units: the commune's schools, its People's Committee, health station and a garment firm.
    bare = place.bare
    first = hamlets[0][0] if hamlets else None
    unit_specs = (
        (f"Trường Mầm non {bare}", UnitKind.SCHOOL),
        (f"Trường Tiểu học {bare}", UnitKind.SCHOOL),
        (f"Trường THCS {bare}", UnitKind.SCHOOL),
        (f"Ủy ban nhân dân {place.commune}", UnitKind.AGENCY),
        (f"Trạm Y tế {place.commune}", UnitKind.AGENCY),
        (f"Công ty TNHH May mặc {bare}", UnitKind.ENTERPRISE),
    )
    working = [p for p in people if 22 <= today.year - p.birth_year <= 58]
    units: list[str] = []
    unit_links: list[tuple[str, str]] = []
    taken: set[str] = set()
    for unit_name, kind in unit_specs:
        unit_id = repo.insert_unit(tx, unit_name, kind, first, "")
        units.append(unit_id)
        size = min(len(working) // 10, rng.randint(8, 30))
        for person in rng.sample(working, size) if size > 0 else []:
            if person.person_id not in taken:
                taken.add(person.person_id)
                unit_links.append((unit_id, person.person_id))
    repo.bulk_insert_unit_members(tx, unit_links)

    # Registrations, in January of each of the last two years (never after today).
    rows: list[tuple[str, int, str, str, dt.date, str]] = []
    for step, year in enumerate((today.year - 1, today.year)):

        def day(year: int = year) -> dt.date:
            return min(dt.date(year, 1, rng.randint(3, 25)), today)

        def pick(model: str, step: int = step) -> bool:
            return rng.random() < SHARES[model][step]

        for household_id, _, head_id, _, _ in households:
            if pick("family"):
                rows.append((
                    "family", year, "household", household_id, day(), names.get(head_id, "")
                ))  # fmt: skip
        for clan_id, head_id, _ in clans:
            if pick("clan"):
                rows.append(("clan", year, "clan", clan_id, day(), names.get(head_id, "")))
        for hamlet_id, _ in hamlets:
            if pick("community"):
                rows.append(("community", year, "hamlet", hamlet_id, day(), ""))
        for unit_id in units:
            if pick("unit"):
                rows.append(("unit", year, "unit", unit_id, day(), ""))
        for person in people:
            if year - person.birth_year >= ADULT_AGE and pick("citizen"):
                rows.append(("citizen", year, "person", person.person_id, day(), person.full_name))
    repo.bulk_insert_registrations(tx, rows)
    return DemoModels(len(clans), len(units), len(rows))
