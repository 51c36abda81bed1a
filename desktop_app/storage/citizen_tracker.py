"""SQL of the "Công dân học tập" tracker: one live citizen_status row per person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.citizen_tracker import CitizenRecord, CitizenStatus
from desktop_app.core.learning_subjects import ADULT_AGE
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx

_COLUMNS = (
    "id, person_id, status, account_on, self_assessed_on, achieved_on, notes, source, import_id"
)


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _record(r: Sequence[object]) -> CitizenRecord:
    return CitizenRecord(
        id=str(r[0]),
        person_id=str(r[1]),
        status=CitizenStatus(str(r[2])),
        account_on=_day(r[3]),
        self_assessed_on=_day(r[4]),
        achieved_on=_day(r[5]),
        notes=str(r[6]),
        source=str(r[7]),
        import_id=None if r[8] is None else str(r[8]),
    )


def get_status(db: Database, person_id: str) -> CitizenRecord | None:
    """The person's live row, if any."""
    r = db.conn.execute(
        f"SELECT {_COLUMNS} FROM citizen_status WHERE person_id = ? AND deleted = 0",
        (person_id,),
    ).fetchone()
    return _record(r) if r else None


def statuses_by_person(db: Database) -> dict[str, CitizenRecord]:
    """Every live row, by person id."""
    rows = db.conn.execute(f"SELECT {_COLUMNS} FROM citizen_status WHERE deleted = 0")
    return {str(r[1]): _record(r) for r in rows}


def _values(record: CitizenRecord) -> dict[str, object]:
    return {
        "status": record.status.value,
        "account_on": _iso(record.account_on),
        "self_assessed_on": _iso(record.self_assessed_on),
        "achieved_on": _iso(record.achieved_on),
        "notes": record.notes,
        "source": record.source,
        "import_id": record.import_id,
    }


def insert_status(tx: Tx, record: CitizenRecord) -> str:
    return tx.insert("citizen_status", {"person_id": record.person_id, **_values(record)})


def bulk_insert_statuses(tx: Tx, records: Sequence[CitizenRecord]) -> list[str]:
    """New rows for people who have none (the demo's)."""
    return tx.insert_many(
        "citizen_status", [{"person_id": r.person_id, **_values(r)} for r in records]
    )


def update_status(tx: Tx, record_id: str, record: CitizenRecord) -> bool:
    """Write the row's values (only when one differs); True if it changed."""
    return tx.update_changed("citizen_status", record_id, _values(record))


def set_status_deleted(tx: Tx, record_id: str) -> None:
    tx.update("citizen_status", record_id, {"deleted": 1})


def restore_status(tx: Tx, record_id: str, values: dict[str, object]) -> None:
    """Put back the values a row had before (an import's undo)."""
    tx.update("citizen_status", record_id, values)


def row_values(db: Database, record_id: str) -> dict[str, object]:
    """The row's tracked values as stored (for an import's record of what it changed)."""
    r = db.conn.execute(
        "SELECT status, account_on, self_assessed_on, achieved_on, notes, source, import_id"
        " FROM citizen_status WHERE id = ?",
        (record_id,),
    ).fetchone()
    keys = ("status", "account_on", "self_assessed_on", "achieved_on", "notes", "source",
            "import_id")  # fmt: skip
    return dict(zip(keys, r, strict=True)) if r else {}


@dataclass(frozen=True)
class AdultRow:
    """A live person counted as an adult, with what the tracker and the export need."""

    person_id: str
    full_name: str
    sex: str | None
    birth_year: int
    cccd: str | None
    hamlet_id: str | None
    ethnicity: str
    religion: str


def adults(db: Database, year: int) -> list[AdultRow]:
    """The live people aged ADULT_AGE or more in `year` (by birth year; a person whose birth
    year is unknown is not counted), by hamlet then name in Vietnamese order (given name,
    middle, family, as rosters sort)."""
    rows = db.conn.execute(
        "SELECT id, full_name, sex, birth_year, cccd, hamlet_id, ethnicity, religion"
        " FROM person WHERE deleted = 0 AND birth_year IS NOT NULL AND ? - birth_year >= ?"
        " ORDER BY hamlet_key, sort_key, id",
        (year, ADULT_AGE),
    )
    return [
        AdultRow(str(r[0]), str(r[1]), r[2], int(r[3]), r[4], r[5], str(r[6]), str(r[7]))
        for r in rows
    ]


@dataclass(frozen=True)
class HeldPerson:
    """A live person as an import of status lists matches them."""

    id: str
    full_name: str
    folded_name: str
    birth_year: int | None
    cccd: str | None
    hamlet_id: str | None


def held_people(db: Database) -> list[HeldPerson]:
    rows = db.conn.execute(
        "SELECT id, full_name, folded_name, birth_year, cccd, hamlet_id FROM person"
        " WHERE deleted = 0 ORDER BY rowid"
    )
    return [HeldPerson(str(r[0]), str(r[1]), str(r[2]), r[3], r[4], r[5]) for r in rows]


def stamp(db: Database) -> tuple[int, ...]:
    """Changes when anything is written at this site (its change counter) or rows of people
    or statuses come from elsewhere: an import checks its rows again then."""
    r = db.conn.execute(
        "SELECT (SELECT value FROM change_counter WHERE id = 1),"
        " (SELECT count(*) FROM person), (SELECT coalesce(max(rowid), 0) FROM person),"
        " (SELECT count(*) FROM citizen_status)"
    ).fetchone()
    return tuple(int(v) for v in r)


# Figures, counted in SQL (a commune of 200,000 people: tens of milliseconds, not seconds) ---

_ADULT = "p.deleted = 0 AND p.birth_year IS NOT NULL AND p.birth_year <= :born"

# Whether a status row had reached each stage by :last, as core.citizen_tracker.reached_by
# says: the status is that far, and the day of the stage (or, when it is not known, of the
# first later stage held whose day is) is not after :last; with no day known, it counts.
_REACHED = (
    "s.status IN ('account', 'self_assessed', 'achieved') AND coalesce(s.account_on,"
    " CASE WHEN s.status IN ('self_assessed', 'achieved') THEN s.self_assessed_on END,"
    " CASE WHEN s.status = 'achieved' THEN s.achieved_on END, '') <= :last",
    "s.status IN ('self_assessed', 'achieved') AND coalesce(s.self_assessed_on,"
    " CASE WHEN s.status = 'achieved' THEN s.achieved_on END, '') <= :last",
    "s.status = 'achieved' AND coalesce(s.achieved_on, '') <= :last",
)


def _owned(sites: Sequence[str] | None) -> tuple[str, dict[str, str]]:
    """` AND p.owner_site IN (...)` with named parameters, for a choice of sites."""
    if sites is None:
        return "", {}
    names = {f"site{i}": site for i, site in enumerate(sites)}
    return f" AND p.owner_site IN ({', '.join(':' + n for n in names)})", names


def adult_counts(
    db: Database, year: int, sites: Sequence[str] | None = None
) -> dict[str | None, int]:
    """The adults of `year` (as `adults` counts them) per hamlet id (None: no hamlet); of
    the people these sites own only, when `sites` is given."""
    mine, owners = _owned(sites)
    rows = db.conn.execute(
        f"SELECT p.hamlet_id, count(*) FROM person p WHERE {_ADULT}{mine} GROUP BY p.hamlet_id",
        {"born": year - ADULT_AGE, **owners},
    )
    return {r[0]: int(r[1]) for r in rows}


def stage_counts(
    db: Database, year: int, sites: Sequence[str] | None = None
) -> dict[str | None, tuple[int, int, int]]:
    """Per hamlet id, how many adults of `year` had an account, had self-assessed and had
    achieved the title by 31/12 of it. The statuses are read in the order of their person
    ids, so the people's index is walked forward, not at random."""
    sums = ", ".join(f"sum({reached})" for reached in _REACHED)
    mine, owners = _owned(sites)
    rows = db.conn.execute(
        f"SELECT p.hamlet_id, {sums} FROM citizen_status s CROSS JOIN person p"
        f" ON p.id = s.person_id WHERE s.deleted = 0 AND s.status != 'not_registered'"
        f" AND {_ADULT}{mine} GROUP BY p.hamlet_id",
        {"born": year - ADULT_AGE, "last": dt.date(year, 12, 31).isoformat(), **owners},
    )
    return {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows}


@dataclass(frozen=True)
class TrackedAdult:
    """An adult of a hamlet's list in the tracker, with their status row (or none held)."""

    person_id: str
    full_name: str
    birth_year: int
    record: CitizenRecord


def hamlet_adults(db: Database, year: int, hamlet_ids: Sequence[str] | None) -> list[TrackedAdult]:
    """The adults of `year` of the hamlets `hamlet_ids` (None: those of no live hamlet), with
    their statuses, by name in Vietnamese order."""
    if hamlet_ids is None:
        where = (
            "(p.hamlet_id IS NULL OR p.hamlet_id NOT IN (SELECT id FROM hamlet WHERE deleted = 0))"
        )
        params: dict[str, object] = {}
    else:
        marks = ", ".join(f":h{i}" for i in range(len(hamlet_ids)))
        where = f"p.hamlet_id IN ({marks or 'NULL'})"
        params = {f"h{i}": h for i, h in enumerate(hamlet_ids)}
    cols = ", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))
    rows = db.conn.execute(
        f"SELECT p.id, p.full_name, p.birth_year, {cols} FROM person p"
        f" LEFT JOIN citizen_status s ON s.person_id = p.id AND s.deleted = 0"
        f" WHERE {_ADULT} AND {where} ORDER BY p.sort_key, p.id",
        {"born": year - ADULT_AGE, **params},
    )
    return [
        TrackedAdult(
            str(r[0]),
            str(r[1]),
            int(r[2]),
            _record(r[3:]) if r[3] is not None else CitizenRecord(str(r[0])),
        )
        for r in rows
    ]
