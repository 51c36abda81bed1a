"""SQL for the learning models' subjects (clans, units) and the yearly registrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop_app.core.learning_subjects import (
    ADULT_AGE,
    Clan,
    LearningUnit,
    Registration,
    Subject,
    UnitKind,
)
from desktop_app.storage.db import Database
from desktop_app.storage.office_views import sites_sql
from desktop_app.storage.people import natural_key
from desktop_app.storage.tx import Tx

# Per subject kind: its table, the SQL of its hamlet and of its name over alias `s`.
_SUBJECTS: dict[str, tuple[str, str, str]] = {
    "household": (
        "household",
        "s.hamlet_id",
        "coalesce((SELECT p.full_name FROM person p WHERE p.id = s.head_id), s.address, '')",
    ),
    "clan": ("clan", "s.hamlet_id", "s.name"),
    "hamlet": ("hamlet", "s.id", "s.name"),
    "unit": ("learning_unit", "s.hamlet_id", "s.name"),
    "person": ("person", "s.hamlet_id", "s.full_name"),
}


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


# Subjects ------------------------------------------------------------------------------


def find_subject(db: Database, subject_id: str) -> Subject | None:
    """The live household, clan, hamlet, unit or person with this id, whichever it is."""
    for kind, (table, hamlet, name) in _SUBJECTS.items():
        r = db.conn.execute(
            f"SELECT {hamlet}, {name} FROM {table} s WHERE s.id = ? AND s.deleted = 0",
            (subject_id,),
        ).fetchone()
        if r is not None:
            return Subject(kind, subject_id, str(r[1] or ""), r[0])
    return None


# Clans ---------------------------------------------------------------------------------

_CLAN_SELECT = (
    "SELECT c.id, c.name, c.head_person_id, coalesce(p.full_name, ''), c.hamlet_id,"
    " coalesce(h.name, ''),"
    " (SELECT count(*) FROM clan_household ch JOIN household hh ON hh.id = ch.household_id"
    "  WHERE ch.clan_id = c.id AND ch.deleted = 0 AND hh.deleted = 0), c.notes"
    " FROM clan c LEFT JOIN person p ON p.id = c.head_person_id"
    " LEFT JOIN hamlet h ON h.id = c.hamlet_id"
)


def _clan(r: Sequence[object]) -> Clan:
    return Clan(
        str(r[0]), str(r[1]), _opt(r[2]), str(r[3]), _opt(r[4]), str(r[5]), int(str(r[6])),
        str(r[7]),
    )  # fmt: skip


def insert_clan(
    tx: Tx, name: str, head_person_id: str | None, hamlet_id: str | None, notes: str
) -> str:
    return tx.insert(
        "clan",
        {"name": name, "sort_key": natural_key(name), "head_person_id": head_person_id,
         "hamlet_id": hamlet_id, "notes": notes},
    )  # fmt: skip


def rename_clan(tx: Tx, clan_id: str, name: str) -> None:
    tx.update("clan", clan_id, {"name": name, "sort_key": natural_key(name)}, ("name",))


def get_clan(db: Database, clan_id: str) -> Clan | None:
    r = db.conn.execute(f"{_CLAN_SELECT} WHERE c.id = ? AND c.deleted = 0", (clan_id,)).fetchone()
    return _clan(r) if r else None


def list_clans(db: Database) -> list[Clan]:
    rows = db.conn.execute(f"{_CLAN_SELECT} WHERE c.deleted = 0 ORDER BY c.sort_key, c.id")
    return [_clan(r) for r in rows]


def clan_name_taken(db: Database, name: str, exclude_id: str | None) -> bool:
    """Whether another live clan of this site has the name, whatever its letter case."""
    wanted = name.casefold()
    rows = db.conn.execute(
        "SELECT id, name FROM clan WHERE deleted = 0 AND owner_site = ?", (db.site_id,)
    )
    return any(str(r[1]).casefold() == wanted and r[0] != exclude_id for r in rows)


def clan_of_household(db: Database, household_id: str) -> tuple[str, str] | None:
    """(clan id, clan name) of the live clan the household belongs to, if any."""
    r = db.conn.execute(
        "SELECT c.id, c.name FROM clan_household ch JOIN clan c ON c.id = ch.clan_id"
        " WHERE ch.household_id = ? AND ch.deleted = 0 AND c.deleted = 0 LIMIT 1",
        (household_id,),
    ).fetchone()
    return (str(r[0]), str(r[1])) if r else None


def add_clan_household(tx: Tx, clan_id: str, household_id: str) -> str:
    """Link the household to the clan; a link removed before is brought back."""
    r = tx.conn.execute(
        "SELECT id FROM clan_household WHERE clan_id = ? AND household_id = ?"
        " AND owner_site = ? ORDER BY deleted LIMIT 1",
        (clan_id, household_id, tx.site_id),
    ).fetchone()
    if r is not None:
        tx.update("clan_household", str(r[0]), {"deleted": 0})
        return str(r[0])
    return tx.insert("clan_household", {"clan_id": clan_id, "household_id": household_id})


def clan_household_link(db: Database, clan_id: str, household_id: str) -> str | None:
    r = db.conn.execute(
        "SELECT id FROM clan_household WHERE clan_id = ? AND household_id = ? AND deleted = 0",
        (clan_id, household_id),
    ).fetchone()
    return str(r[0]) if r else None


def set_link_deleted(tx: Tx, table: str, link_id: str) -> None:
    """Remove a clan_household or unit_member link (a tombstone, as every travelling row)."""
    assert table in ("clan_household", "unit_member")
    tx.update(table, link_id, {"deleted": 1})


def clan_households(db: Database, clan_id: str) -> list[Subject]:
    table, hamlet, name = _SUBJECTS["household"]
    rows = db.conn.execute(
        f"SELECT s.id, {hamlet}, {name} FROM clan_household ch JOIN {table} s"
        " ON s.id = ch.household_id WHERE ch.clan_id = ? AND ch.deleted = 0 AND s.deleted = 0"
        # Vietnamese order of the heads' names (given name first), as every list sorts.
        " ORDER BY (SELECT p.sort_key FROM person p WHERE p.id = s.head_id), 3, 1",
        (clan_id,),
    )
    return [Subject("household", str(r[0]), str(r[2]), r[1]) for r in rows]


# Units ---------------------------------------------------------------------------------

_UNIT_SELECT = (
    "SELECT u.id, u.name, u.kind, u.hamlet_id, coalesce(h.name, ''),"
    " (SELECT count(*) FROM unit_member m JOIN person p ON p.id = m.person_id"
    "  WHERE m.unit_id = u.id AND m.deleted = 0 AND p.deleted = 0), u.notes"
    " FROM learning_unit u LEFT JOIN hamlet h ON h.id = u.hamlet_id"
)


def _unit(r: Sequence[object]) -> LearningUnit:
    return LearningUnit(
        str(r[0]), str(r[1]), UnitKind(str(r[2])), _opt(r[3]), str(r[4]), int(str(r[5])),
        str(r[6]),
    )  # fmt: skip


def insert_unit(tx: Tx, name: str, kind: UnitKind, hamlet_id: str | None, notes: str) -> str:
    return tx.insert(
        "learning_unit",
        {"name": name, "sort_key": natural_key(name), "kind": kind.value,
         "hamlet_id": hamlet_id, "notes": notes},
    )  # fmt: skip


def get_unit(db: Database, unit_id: str) -> LearningUnit | None:
    r = db.conn.execute(f"{_UNIT_SELECT} WHERE u.id = ? AND u.deleted = 0", (unit_id,)).fetchone()
    return _unit(r) if r else None


def list_units(db: Database) -> list[LearningUnit]:
    rows = db.conn.execute(f"{_UNIT_SELECT} WHERE u.deleted = 0 ORDER BY u.sort_key, u.id")
    return [_unit(r) for r in rows]


def unit_name_taken(db: Database, name: str) -> bool:
    """Whether a live unit of this site has the name, whatever its letter case."""
    wanted = name.casefold()
    rows = db.conn.execute(
        "SELECT name FROM learning_unit WHERE deleted = 0 AND owner_site = ?", (db.site_id,)
    )
    return any(str(r[0]).casefold() == wanted for r in rows)


def add_unit_member(tx: Tx, unit_id: str, person_id: str) -> str:
    r = tx.conn.execute(
        "SELECT id FROM unit_member WHERE unit_id = ? AND person_id = ? AND owner_site = ?"
        " ORDER BY deleted LIMIT 1",
        (unit_id, person_id, tx.site_id),
    ).fetchone()
    if r is not None:
        tx.update("unit_member", str(r[0]), {"deleted": 0})
        return str(r[0])
    return tx.insert("unit_member", {"unit_id": unit_id, "person_id": person_id})


def unit_member_link(db: Database, unit_id: str, person_id: str) -> str | None:
    r = db.conn.execute(
        "SELECT id FROM unit_member WHERE unit_id = ? AND person_id = ? AND deleted = 0",
        (unit_id, person_id),
    ).fetchone()
    return str(r[0]) if r else None


def unit_members(db: Database, unit_id: str) -> list[Subject]:
    rows = db.conn.execute(
        "SELECT p.id, p.hamlet_id, p.full_name FROM unit_member m JOIN person p"
        " ON p.id = m.person_id WHERE m.unit_id = ? AND m.deleted = 0 AND p.deleted = 0"
        " ORDER BY p.sort_key, p.id",
        (unit_id,),
    )
    return [Subject("person", str(r[0]), str(r[2]), r[1]) for r in rows]


# Registrations -------------------------------------------------------------------------


# Per kind of subject: its name, and the sort key of its name (Vietnamese order), read through
# joins (a household by its head); `h` is the subject's hamlet. Joins, not a subquery per
# row: 37,000 registered households are read in 160 ms, not 210.
_NAMED: dict[str, tuple[str, str, str]] = {
    "household": (
        " LEFT JOIN person hp ON hp.id = s.head_id", "coalesce(hp.full_name, s.address, '')",
        "hp.sort_key",
    ),
    "clan": ("", "s.name", "s.sort_key"),
    "hamlet": ("", "s.name", "s.sort_key"),
    "unit": ("", "s.name", "s.sort_key"),
    "person": ("", "s.full_name", "s.sort_key"),
}  # fmt: skip


def _registration_select(kind: str, *, from_subjects: bool = False) -> str:
    """The registrations joined to their subject and its hamlet; starting from the subjects
    (a hamlet's, filtered by the caller) rather than from every registration."""
    table, hamlet, _ = _SUBJECTS[kind]
    join, name, _ = _NAMED[kind]
    source = (
        f" FROM {table} s CROSS JOIN model_registration r ON r.subject_id = s.id"
        if from_subjects
        else f" FROM model_registration r LEFT JOIN {table} s ON s.id = r.subject_id"
    )
    return (
        f"SELECT r.id, r.model, r.year, r.subject_kind, r.subject_id, coalesce({name}, ''),"
        " coalesce(h.name, ''), r.registered_on, r.registered_by, r.notes"
        f"{source}{join} LEFT JOIN hamlet h ON h.id = {hamlet}"
    )


def _registration(r: Sequence[object]) -> Registration:
    return Registration(
        id=str(r[0]), model=str(r[1]), year=int(str(r[2])), subject_kind=str(r[3]),
        subject_id=str(r[4]), subject_name=str(r[5]), hamlet_name=str(r[6]),
        registered_on=dt.date.fromisoformat(str(r[7])) if r[7] else None,
        registered_by=str(r[8]), notes=str(r[9]),
    )  # fmt: skip


def find_registration(
    db: Database, model: str, year: int, subject_kind: str, subject_id: str
) -> Registration | None:
    r = db.conn.execute(
        f"{_registration_select(subject_kind)}"
        " WHERE r.model = ? AND r.year = ? AND r.subject_id = ? AND r.deleted = 0",
        (model, year, subject_id),
    ).fetchone()
    return _registration(r) if r else None


ALL_HAMLETS = "*"


def list_registrations(
    db: Database, model: str, subject_kind: str, year: int, hamlet_id: str | None = ALL_HAMLETS
) -> list[Registration]:
    """The live registrations of a model and year, by hamlet then name (Vietnamese order);
    those of one hamlet only when `hamlet_id` is given (None: the subjects with no hamlet).
    One hamlet is read from the hamlet's subjects, not by filtering every registration:
    the page asks for a hamlet at a time and must open fast at 37,000 registered
    households."""
    _, hamlet, _ = _SUBJECTS[subject_kind]
    order = f" ORDER BY h.sort_key, {_NAMED[subject_kind][2]}, r.id"
    if hamlet_id == ALL_HAMLETS:
        rows = db.conn.execute(
            f"{_registration_select(subject_kind)}"
            f" WHERE r.model = ? AND r.year = ? AND r.deleted = 0{order}",
            (model, year),
        )
        return [_registration(r) for r in rows]
    where = f"{hamlet} IS NULL" if hamlet_id is None else f"{hamlet} = ?"
    params: list[object] = [] if hamlet_id is None else [hamlet_id]
    rows = db.conn.execute(
        f"{_registration_select(subject_kind, from_subjects=True)} WHERE {where}"
        f" AND r.model = ? AND r.year = ? AND r.deleted = 0{order}",
        [*params, model, year],
    )
    return [_registration(r) for r in rows]


def insert_registration(
    tx: Tx,
    *,
    model: str,
    year: int,
    subject_kind: str,
    subject_id: str,
    registered_on: dt.date,
    registered_by: str,
    notes: str,
) -> str:
    return tx.insert(
        "model_registration",
        {"model": model, "year": year, "subject_kind": subject_kind, "subject_id": subject_id,
         "registered_on": registered_on.isoformat(), "registered_by": registered_by,
         "notes": notes},
    )  # fmt: skip


def bulk_insert_registrations(
    tx: Tx, rows: Sequence[tuple[str, int, str, str, dt.date, str]]
) -> list[str]:
    """(model, year, subject kind, subject id, registered on, by) rows; returns the ids."""
    return tx.insert_many(
        "model_registration",
        [
            {"model": m, "year": y, "subject_kind": k, "subject_id": s,
             "registered_on": on.isoformat(), "registered_by": by, "notes": ""}
            for m, y, k, s, on, by in rows
        ],
    )  # fmt: skip


def set_registration_deleted(tx: Tx, registration_id: str) -> None:
    tx.update("model_registration", registration_id, {"deleted": 1})


# Status --------------------------------------------------------------------------------


def results_by_hamlet(
    db: Database, model: str, subject_kind: str, year: int, sites: Sequence[str] | None = None
) -> dict[str | None, tuple[int, int, int, int]]:
    """Per the subject's hamlet id (None: no hamlet), of the live registrations of live
    subjects: (registered, assessed, passed, recognised), the saved assessments and the
    recognitions not revoked. One pass over the registrations, each looked up in the indexes
    of 0019 (CROSS JOIN keeps the registrations outermost: the planner, left alone, walked
    every person). `sites`: the subjects these sites own only (an office's choice)."""
    table, hamlet, _ = _SUBJECTS[subject_kind]
    mine, owners = sites_sql(sites, "s.owner_site")
    rows = db.conn.execute(
        f"SELECT {hamlet}, count(*), count(a.registration_id), coalesce(sum(a.passed), 0),"
        " count(m.registration_id)"
        f" FROM model_registration r CROSS JOIN {table} s ON s.id = r.subject_id"
        " LEFT JOIN model_assessment a INDEXED BY model_assessment_result"
        " ON a.registration_id = r.id AND a.deleted = 0"
        " LEFT JOIN model_recognition m INDEXED BY model_recognition_result"
        " ON m.registration_id = r.id AND m.deleted = 0 AND m.revoked_at IS NULL"
        f" WHERE r.model = ? AND r.year = ? AND r.deleted = 0 AND s.deleted = 0{mine} GROUP BY 1",
        (model, year, *owners),
    )
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}


def eligible_by_hamlet(
    db: Database, subject_kind: str, year: int, sites: Sequence[str] | None = None
) -> dict[str | None, int]:
    """The live subjects of a kind that could register in `year`, per hamlet id: every
    household, clan, hamlet and unit; the people aged ADULT_AGE or more that year (by birth
    year; a person whose birth year is unknown is not counted)."""
    table, hamlet, _ = _SUBJECTS[subject_kind]
    where, params = "s.deleted = 0", list[object]()
    if subject_kind == "person":
        # Written as a bound on the birth year, so that the index person_adults answers it.
        where += " AND s.birth_year <= ?"
        params = [year - ADULT_AGE]
    mine, owners = sites_sql(sites, "s.owner_site")
    where += mine
    params += owners
    rows = db.conn.execute(
        f"SELECT {hamlet}, count(*) FROM {table} s WHERE {where} GROUP BY 1", params
    )
    return {r[0]: int(r[1]) for r in rows}


def hamlet_names(db: Database) -> list[tuple[str, str]]:
    """(id, name) of the live hamlets, in their order."""
    rows = db.conn.execute("SELECT id, name FROM hamlet WHERE deleted = 0 ORDER BY sort_key, id")
    return [(str(r[0]), str(r[1])) for r in rows]


def households_with_heads(db: Database) -> list[tuple[str, str | None, str, str, int | None]]:
    """(household id, hamlet id, head's id, head's family name, head's birth year) of the live
    households that have a live head, in a stable order (for the demo's clans)."""
    rows = db.conn.execute(
        "SELECT h.id, h.hamlet_id, p.id, p.family_name, p.birth_year FROM household h"
        " JOIN person p ON p.id = h.head_id WHERE h.deleted = 0 AND p.deleted = 0"
        " ORDER BY h.rowid"
    )
    return [(str(r[0]), r[1], str(r[2]), str(r[3]), r[4]) for r in rows]


def bulk_insert_clan_households(tx: Tx, links: Sequence[tuple[str, str]]) -> list[str]:
    return tx.insert_many("clan_household", [{"clan_id": c, "household_id": h} for c, h in links])


def bulk_insert_unit_members(tx: Tx, links: Sequence[tuple[str, str]]) -> list[str]:
    return tx.insert_many("unit_member", [{"unit_id": u, "person_id": p} for u, p in links])
