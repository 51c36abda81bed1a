"""SQL for the self-assessment of the learning models: the records each computed item reads
(people, attendance, literacy results, Hội members, saved assessments), in bulk for every
subject at once or for a few, and the saved assessments themselves."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.learning_assessment import Group, Member
from desktop_app.storage.db import Database
from desktop_app.storage.learning_models import _SUBJECTS
from desktop_app.storage.tx import Tx

_CHUNK = 900

Row = Sequence[object]


def _rows(
    db: Database, sql: str, column: str, ids: Sequence[str] | None, params: Sequence[object] = ()
) -> Iterator[Row]:
    """Run `sql` (with `{only}` where a filter on `column` goes) for every row, or for the
    rows whose `column` is one of `ids`, in chunks."""
    if ids is None:  # fetchall: one call, not a Python-level step per row
        yield from db.conn.execute(sql.format(only=""), params).fetchall()
        return
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        yield from db.conn.execute(
            sql.format(only=f" AND {column} IN ({marks})"), [*params, *chunk]
        ).fetchall()


def _member(r: Row, at: int = 1) -> Member:
    """A person from (…, id, full name, birth year) columns (TEXT and INTEGER as stored)."""
    return Member(r[at], r[at + 1], r[at + 2])  # type: ignore[arg-type]


# The subjects and their people --------------------------------------------------------


def groups(db: Database, kind: str, ids: Sequence[str] | None = None) -> dict[str, Group]:
    """subject id -> its households and people, for the live subjects of a kind (all of them,
    or those of `ids`). A household's people are those living in it; a clan's, those of its
    households; a hamlet's, the people and households of the hamlet; a unit's, its members;
    a person is their own group."""
    people: dict[str, list[Member]] = defaultdict(list)
    households: dict[str, list[str]] = defaultdict(list)
    if kind == "household":
        subjects = [str(r[0]) for r in _rows(
            db, "SELECT id FROM household WHERE deleted = 0{only}", "id", ids)]  # fmt: skip
        for r in _rows(
            db,
            "SELECT household_id, id, full_name, birth_year FROM person"
            " WHERE deleted = 0 AND household_id IS NOT NULL{only}",
            "household_id",
            ids,
        ):
            people[str(r[0])].append(_member(r))
        return {s: Group(kind, tuple(people[s]), (s,)) for s in subjects}
    if kind == "clan":
        subjects = [str(r[0]) for r in _rows(
            db, "SELECT id FROM clan WHERE deleted = 0{only}", "id", ids)]  # fmt: skip
        clan_of: dict[str, str] = {}
        for r in _rows(
            db,
            "SELECT ch.clan_id, ch.household_id FROM clan_household ch JOIN household h"
            " ON h.id = ch.household_id WHERE ch.deleted = 0 AND h.deleted = 0{only}",
            "ch.clan_id",
            ids,
        ):
            households[str(r[0])].append(str(r[1]))
            clan_of[str(r[1])] = str(r[0])
        for r in _rows(
            db,
            "SELECT household_id, id, full_name, birth_year FROM person"
            " WHERE deleted = 0 AND household_id IS NOT NULL{only}",
            "household_id",
            None if ids is None else list(clan_of),
        ):
            clan = clan_of.get(str(r[0]))
            if clan is not None:
                people[clan].append(_member(r))
        return {s: Group(kind, tuple(people[s]), tuple(households[s])) for s in subjects}
    if kind == "hamlet":
        subjects = [str(r[0]) for r in _rows(
            db, "SELECT id FROM hamlet WHERE deleted = 0{only}", "id", ids)]  # fmt: skip
        for r in _rows(
            db, "SELECT hamlet_id, id FROM household WHERE deleted = 0{only}", "hamlet_id", ids
        ):
            households[str(r[0])].append(str(r[1]))
        for r in _rows(
            db,
            "SELECT hamlet_id, id, full_name, birth_year FROM person WHERE deleted = 0{only}",
            "hamlet_id",
            ids,
        ):
            people[str(r[0])].append(_member(r))
        return {s: Group(kind, tuple(people[s]), tuple(households[s])) for s in subjects}
    if kind == "unit":
        subjects = [str(r[0]) for r in _rows(
            db, "SELECT id FROM learning_unit WHERE deleted = 0{only}", "id", ids)]  # fmt: skip
        for r in _rows(
            db,
            "SELECT m.unit_id, p.id, p.full_name, p.birth_year FROM unit_member m JOIN person p"
            " ON p.id = m.person_id WHERE m.deleted = 0 AND p.deleted = 0{only}",
            "m.unit_id",
            ids,
        ):
            people[str(r[0])].append(_member(r))
        return {s: Group(kind, tuple(people[s])) for s in subjects}
    assert kind == "person", kind
    return {
        str(r[0]): Group(kind, (_member(r, 0),))
        for r in _rows(
            db, "SELECT id, full_name, birth_year FROM person WHERE deleted = 0{only}", "id", ids
        )
    }


def subject_names(db: Database, kind: str) -> dict[str, str]:
    """subject id -> name (a household: its head's), for the live subjects of a kind."""
    table, _, name = _SUBJECTS[kind]
    if kind == "household":
        rows = db.conn.execute(
            "SELECT s.id, coalesce(p.full_name, s.address, '') FROM household s"
            " LEFT JOIN person p ON p.id = s.head_id WHERE s.deleted = 0"
        )
    else:
        rows = db.conn.execute(f"SELECT s.id, {name} FROM {table} s WHERE s.deleted = 0")
    return {str(r[0]): str(r[1] or "") for r in rows}


# The records of a year ----------------------------------------------------------------


def _year_span(year: int) -> tuple[str, str]:
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def attended(db: Database, year: int, people: Sequence[str] | None) -> dict[str, frozenset[str]]:
    """person id -> titles of the classes they were present at, at least once, in `year`."""
    first, last = _year_span(year)
    out: dict[str, set[str]] = defaultdict(set)
    # Everyone: from the year's sessions. A few people: from their enrolments, in that order
    # (CROSS JOIN), or the planner's statistics start from the sessions and read them all (a
    # quarter of a second at 200,000 people for one household's sheet).
    sql = (
        "SELECT DISTINCT e.person_id, c.title FROM session s"
        " JOIN attendance a ON a.session_id = s.id AND a.deleted = 0"
        " JOIN enrolment e ON e.id = a.enrolment_id AND e.deleted = 0"
        " JOIN course c ON c.id = s.course_id AND c.deleted = 0"
        " WHERE s.deleted = 0 AND s.day BETWEEN ? AND ?{only}"
        if people is None
        else "SELECT DISTINCT e.person_id, c.title FROM enrolment e"
        " CROSS JOIN attendance a ON a.enrolment_id = e.id AND a.deleted = 0"
        " CROSS JOIN session s ON s.id = a.session_id AND s.deleted = 0"
        " CROSS JOIN course c ON c.id = s.course_id AND c.deleted = 0"
        " WHERE e.deleted = 0 AND s.day BETWEEN ? AND ?{only}"
    )
    for r in _rows(db, sql, "e.person_id", people, (first, last)):
        out[str(r[0])].add(str(r[1]))
    return {p: frozenset(t) for p, t in out.items()}


def literacy(db: Database, year: int, people: Sequence[str] | None) -> dict[str, bool]:
    """person id -> True when they reached literacy level 1 or 2 (result not Fail) in a
    literacy class started by the end of `year`; False when enrolled in one without that."""
    _, last = _year_span(year)
    out: dict[str, bool] = {}
    for r in _rows(
        db,
        "SELECT e.person_id, max(e.literacy_level IN (1, 2) AND coalesce(e.result, '')"
        " != 'khong_dat') FROM enrolment e JOIN course c ON c.id = e.course_id"
        " JOIN class_type t ON t.id = c.type_id"
        " WHERE e.deleted = 0 AND c.deleted = 0 AND t.literacy = 1 AND c.status != 'cancelled'"
        " AND coalesce(c.start_date, '') <= ?{only} GROUP BY e.person_id",
        "e.person_id",
        people,
        (last,),
    ):
        out[str(r[0])] = bool(r[1])
    return out


def members_in_year(db: Database, year: int, people: Sequence[str] | None) -> dict[str, str]:
    """person id -> member number, of the people who were members of the Hội at some time in
    `year`: joined by its end, and still active, or left (moved, died) during it or later."""
    first, last = _year_span(year)
    return {
        str(r[0]): str(r[1])
        for r in _rows(
            db,
            "SELECT person_id, member_number FROM member WHERE deleted = 0 AND joined_on <= ?"
            " AND (status = 'active' OR coalesce(status_on, '9999') >= ?){only}",
            "person_id",
            people,
            (last, first),
        )
    }


def saved_results(
    db: Database, model: str, year: int, subjects: Sequence[str] | None
) -> dict[str, bool]:
    """subject id -> passed, of the saved assessments of live registrations."""
    return {
        str(r[0]): bool(r[1])
        for r in _rows(
            db,
            "SELECT r.subject_id, a.passed FROM model_assessment a JOIN model_registration r"
            " ON r.id = a.registration_id WHERE a.deleted = 0 AND r.deleted = 0"
            " AND r.model = ? AND r.year = ?{only}",
            "r.subject_id",
            subjects,
            (model, year),
        )
    }


def registered(db: Database, model: str, year: int) -> dict[str, str]:
    """subject id -> registration id, of the live registrations of a model and year."""
    return {
        str(r[0]): str(r[1])
        for r in db.conn.execute(
            "SELECT subject_id, id FROM model_registration WHERE model = ? AND year = ?"
            " AND deleted = 0",
            (model, year),
        )
    }


def registration_of(db: Database, model: str, year: int, subject_id: str) -> str | None:
    """The id of a subject's live registration of a model and year, if any."""
    row = db.conn.execute(
        "SELECT id FROM model_registration WHERE model = ? AND year = ? AND subject_id = ?"
        " AND deleted = 0",
        (model, year, subject_id),
    ).fetchone()
    return str(row[0]) if row is not None else None


# Saved assessments ----------------------------------------------------------------------


@dataclass(frozen=True)
class SavedAssessment:
    id: str
    registration_id: str
    set_model: str
    set_valid_from: int
    items: Mapping[str, object]
    total: float
    level: str
    passed: bool
    assessed_on: dt.date
    assessed_by: str


def find_assessment(db: Database, registration_id: str) -> SavedAssessment | None:
    r = db.conn.execute(
        "SELECT id, registration_id, set_model, set_valid_from, items, total, level, passed,"
        " assessed_on, assessed_by FROM model_assessment WHERE registration_id = ?"
        " AND deleted = 0",
        (registration_id,),
    ).fetchone()
    if r is None:
        return None
    return SavedAssessment(
        str(r[0]), str(r[1]), str(r[2]), int(r[3]), json.loads(str(r[4])), float(r[5]),
        str(r[6]), bool(r[7]), dt.date.fromisoformat(str(r[8])), str(r[9]),
    )  # fmt: skip


def save_assessment(
    tx: Tx,
    *,
    registration_id: str,
    set_model: str,
    set_valid_from: int,
    items: Mapping[str, object],
    total: float,
    level: str,
    passed: bool,
    assessed_on: dt.date,
    assessed_by: str,
) -> str:
    """Insert the registration's assessment, or update its live one; returns the row's id."""
    values = {
        "registration_id": registration_id, "set_model": set_model,
        "set_valid_from": set_valid_from,
        "items": json.dumps(items, ensure_ascii=False, sort_keys=True), "total": total,
        "level": level, "passed": int(passed), "assessed_on": assessed_on.isoformat(),
        "assessed_by": assessed_by,
    }  # fmt: skip
    held = tx.conn.execute(
        "SELECT id FROM model_assessment WHERE registration_id = ? AND deleted = 0",
        (registration_id,),
    ).fetchone()
    if held is not None:
        tx.update_changed("model_assessment", str(held[0]), values)
        return str(held[0])
    return tx.insert("model_assessment", values)


def assessment_ids(db: Database, model: str, year: int) -> dict[str, str]:
    """registration id -> its live assessment's id, of the live registrations of a model and
    year."""
    return {
        str(r[0]): str(r[1])
        for r in db.conn.execute(
            "SELECT r.id, a.id FROM model_assessment a JOIN model_registration r"
            " ON r.id = a.registration_id WHERE a.deleted = 0 AND r.deleted = 0"
            " AND r.model = ? AND r.year = ?",
            (model, year),
        )
    }


@dataclass(frozen=True)
class SavedSummary:
    """A saved assessment as a list shows it."""

    total: float
    level: str
    passed: bool
    assessed_on: dt.date
    hand: int  # items typed by hand


def saved_summaries(
    db: Database, model: str, year: int, subjects: Sequence[str] | None = None
) -> dict[str, SavedSummary]:
    """subject id -> its saved assessment's total, level, result, of the live registrations
    of a model and year (of `subjects` only, when given: counting the hand values reads each
    sheet's items, 3 s for 37,000 households)."""
    rows = _rows(
        db,
        "SELECT r.subject_id, a.total, a.level, a.passed, a.assessed_on,"
        " (SELECT count(*) FROM json_each(a.items) j"
        "  WHERE json_extract(j.value, '$.hand') = 1)"
        " FROM model_registration r CROSS JOIN model_assessment a ON a.registration_id = r.id"
        " WHERE a.deleted = 0 AND r.deleted = 0 AND r.model = ? AND r.year = ?{only}",
        "r.subject_id",
        subjects,
        (model, year),
    )
    return {
        str(r[0]): SavedSummary(
            float(str(r[1])),
            str(r[2]),
            bool(r[3]),
            dt.date.fromisoformat(str(r[4])),
            int(str(r[5])),
        )
        for r in rows
    }


_ASSESSMENT_COLUMNS = (
    "registration_id", "set_model", "set_valid_from", "items", "total", "level", "passed",
    "assessed_on", "assessed_by",
)  # fmt: skip


def _assessment_values(row: Mapping[str, object]) -> dict[str, object]:
    values = {c: row[c] for c in _ASSESSMENT_COLUMNS}
    items = row["items"]
    # The JSON text already made, or a mapping.
    values["items"] = (
        items if isinstance(items, str) else json.dumps(items, ensure_ascii=False, sort_keys=True)
    )
    values["passed"] = int(bool(row["passed"]))
    on = row["assessed_on"]
    values["assessed_on"] = on.isoformat() if isinstance(on, dt.date) else on
    return values


def insert_assessments(tx: Tx, rows: Sequence[Mapping[str, object]]) -> list[str]:
    """Insert many assessments at once (registrations that have none); each row has the
    columns of `save_assessment`'s arguments, `items` as a mapping or its JSON text.
    Returns their ids."""
    return tx.insert_many("model_assessment", [_assessment_values(r) for r in rows])


def replace_assessments(tx: Tx, rows: Sequence[tuple[str, Mapping[str, object]]]) -> None:
    """Overwrite many live assessments at once: (assessment id, row as for
    `insert_assessments`); the rows are stamped."""
    if not rows:
        return
    columns = [c for c in _ASSESSMENT_COLUMNS if c != "registration_id"]
    sets = ", ".join(f"{c} = ?" for c in columns)
    params = []
    for assessment_id, row in rows:
        values = _assessment_values(row)
        params.append((*(values[c] for c in columns), assessment_id, tx.site_id))
    tx.conn.executemany(
        f"UPDATE model_assessment SET {sets} WHERE id = ? AND owner_site = ?", params
    )
    tx.touch("model_assessment", [assessment_id for assessment_id, _ in rows], columns)
