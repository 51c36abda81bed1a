"""Demo learning models: clans of the commune's main family names, a few units, and the
registrations of the last two years (about 60% of households, most hamlets, a third of the
adults rising to two fifths)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from desktop_app.core.citizen_tracker import CitizenRecord, CitizenStatus
from desktop_app.core.learning_models import CHECK, MODEL_KEYS, PERCENT, CriteriaSet, ItemValue
from desktop_app.core.learning_subjects import ADULT_AGE, UnitKind
from desktop_app.services.demo_places import DemoPlace
from desktop_app.storage import learning_models as repo
from desktop_app.storage.tx import Tx

if TYPE_CHECKING:
    from desktop_app.services.workspace import Workspace

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
            # The staff of the units register, as their unit's title requires.
            staff = person.person_id in taken
            if year - person.birth_year >= ADULT_AGE and (staff or pick("citizen")):
                rows.append(("citizen", year, "person", person.person_id, day(), person.full_name))
    repo.bulk_insert_registrations(tx, rows)
    return DemoModels(len(clans), len(units), len(rows))


# Results: assessed in late November, recognised by the commune in December ----------------

# The order models are assessed in: a clan's and a hamlet's items read the saved results of
# its families and adults, a unit's those of its members.
ASSESSED_IN_ORDER = ("citizen", "family", "clan", "community", "unit")
# The commune's decisions, one per model and year, numbered as a People's Committee does.
DECISION_NUMBERS = {"family": 112, "clan": 113, "community": 114, "unit": 115, "citizen": 116}
# Of the adults registered for Công dân học tập and not recognised: share with an account on
# the platform (made in January or February), and of those, share who self-assessed; share of
# the adults not registered with an account. Those recognised have all three stages.
PLATFORM_SHARES = (0.8, 0.4, 0.08)


class DemoResults(NamedTuple):
    assessed: int
    recognised: int
    platform: int


def _assessed_on(year: int) -> dt.date:
    return dt.date(year, 11, 25)


def _decided_on(year: int, today: dt.date) -> dt.date:
    """The last year's decisions in mid-December; this year's at the start of December."""
    return dt.date(year, 12, 15) if year < today.year else dt.date(year, 12, 1)


def demo_hand_values(
    criteria_set: CriteriaSet, rng: random.Random, weak_share: float = 0.2
) -> dict[str, ItemValue]:
    """What the commune's assessors type for the items no record answers: most subjects do
    well, `weak_share` of them fall short."""
    weak = rng.random() < weak_share
    out: dict[str, ItemValue] = {}
    for criterion in criteria_set.criteria:
        for item in criterion.items:
            if item.source is not None:
                continue
            if item.kind == CHECK:
                out[item.code] = ItemValue(rng.random() < (0.4 if weak else 0.98))
            elif item.kind == PERCENT:
                share = rng.randint(20 if weak else 85, 100)
                out[item.code] = ItemValue(float(share))
            else:
                top = item.max_points
                points = round(rng.uniform(0 if weak else top * 0.7, top * (0.6 if weak else 1)))
                out[item.code] = ItemValue(float(points))
    return out


def add_demo_results(
    workspace: Workspace, seed: int, today: dt.date, place: DemoPlace, signer: str
) -> DemoResults:
    """Inside the caller's operation: every registration of the last two years assessed
    (the records' items computed, the others typed as an assessor would), the passed ones
    recognised by the commune's decision for each model, and where the registered adults
    stand on the Công dân học tập platform. A year is assessed only once its late November
    has come, and recognised once its decision's day has."""
    assessed = recognised = 0
    staff = {p.id for u in workspace.models.units() for p in workspace.models.unit_members(u.id)}
    for year in (today.year - 1, today.year):
        if _assessed_on(year) > today:
            continue
        for model in ASSESSED_IN_ORDER:
            criteria_set = workspace.assessments.criteria_set(model, year)

            def hand_of(
                subject_id: str,
                model: str = model,
                year: int = year,
                criteria_set: CriteriaSet = criteria_set,
            ) -> dict[str, ItemValue]:
                rng = random.Random(f"assess-{seed}-{model}-{year}-{subject_id}")
                # The staff of the units learn as their unit's title requires.
                weak = 0.02 if subject_id in staff else 0.2
                return demo_hand_values(criteria_set, rng, weak)  # fmt: skip

            assessed += workspace.assessments.save_all(
                model,
                year,
                on=_assessed_on(year),
                by=f"Hội đồng đánh giá {place.unit}",
                hand_of=hand_of,
            ).value
        decided = _decided_on(year, today)
        if decided > today:
            continue
        for model in MODEL_KEYS:
            if not workspace.recognitions.proposals(model, year):
                continue
            result = workspace.recognitions.recognise(
                model, year, f"{DECISION_NUMBERS[model]}/QĐ-UBND", decided,
                issued_by="commune", signer_name=signer,
            ).value  # fmt: skip
            recognised += len(result.ids)
    return DemoResults(assessed, recognised, _add_platform_statuses(workspace, seed, today))


def _add_platform_statuses(workspace: Workspace, seed: int, today: dt.date) -> int:
    """This year's registered adults mostly have an account (made in January or February),
    many self-assessed by November, and those whose assessment passed achieved the title on
    the decision's day; a few adults who did not register have an account too."""
    from desktop_app.storage import citizen_tracker as tracker_repo
    from desktop_app.storage import learning_assessment as assessment_repo

    rng = random.Random(f"platform-{seed}")
    year = today.year
    db = workspace.db
    registered = assessment_repo.registered(db, "citizen", year)
    passed = assessment_repo.saved_results(db, "citizen", year, None)
    decided = _decided_on(year, today)
    account_share, assessed_share, others_share = PLATFORM_SHARES
    records: list[CitizenRecord] = []
    for adult in tracker_repo.adults(db, year):
        person_id = adult.person_id
        mine = person_id in registered
        achieved = bool(passed.get(person_id)) and decided <= today
        if not achieved and rng.random() >= (account_share if mine else others_share):
            continue
        account = min(dt.date(year, rng.randint(1, 2), rng.randint(1, 28)), today)
        record = CitizenRecord(person_id, CitizenStatus.ACCOUNT, account_on=account)
        if achieved or (mine and rng.random() < assessed_share):
            day = max(min(dt.date(year, rng.randint(3, 11), rng.randint(1, 28)), today), account)
            record = replace(record, status=CitizenStatus.SELF_ASSESSED, self_assessed_on=day)
        if achieved:
            # The title is the model's recognition: the decision's day.
            record = replace(record, status=CitizenStatus.ACHIEVED, achieved_on=decided)
        records.append(record)
    with workspace.ops.op("demo.platform") as op:
        tracker_repo.bulk_insert_statuses(op.tx, records)
    return len(records)
