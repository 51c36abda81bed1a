"""Recomputing derived columns restores exactly what the app's own write paths stored.

The rows come from the checked-in databases (tests/storage/data), written by the app's
normal insert paths; their derived columns are scrambled with raw SQL, then recomputed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.people import PersonInput, Sex
from desktop_app.services.workspace import Workspace
from desktop_app.storage.db import Database, open_database
from desktop_app.storage.derived import DERIVED_COLUMNS, recompute_derived
from desktop_app.storage.people import natural_key, page_people

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("schema-*.sqlite3"))


@pytest.fixture(params=FILES, ids=[f.name for f in FILES])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "centre.sqlite3"
    shutil.copyfile(request.param, path)
    database = open_database(path)
    try:
        yield database
    finally:
        database.close()


def _rows(db: Database, table: str) -> dict[str, tuple[object, ...]]:
    """Every column of every row, by id."""
    return {str(r[0]): tuple(r) for r in db.conn.execute(f"SELECT * FROM {table} ORDER BY id")}


def _scramble(db: Database, table: str, ids: list[str]) -> None:
    marks = ", ".join("?" for _ in ids)
    for column in DERIVED_COLUMNS[table]:
        junk = "NULL" if column == "birth_year" else "'zz scrambled'"
        db.conn.execute(f"UPDATE {table} SET {column} = {junk} WHERE id IN ({marks})", ids)
    if table == "person":
        db.conn.execute(
            f"UPDATE person SET birth_year = 1 WHERE id IN ({marks}) AND birth = ''", ids
        )


def test_every_table_with_derived_columns_has_rows_to_check(db: Database) -> None:
    for table in DERIVED_COLUMNS:
        n = db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert n > 0, f"the checked-in file has no {table} rows"


@pytest.mark.parametrize("table", sorted(DERIVED_COLUMNS))
def test_recompute_restores_what_the_insert_path_wrote(db: Database, table: str) -> None:
    written = _rows(db, table)
    counter = db.conn.execute("SELECT value FROM change_counter").fetchone()[0]
    # Every other row, so the untouched ones show that nothing else moves.
    ids = sorted(written)[::2]
    with db.transaction():
        _scramble(db, table, ids)
    assert _rows(db, table) != written

    with db.transaction():
        changed = recompute_derived(db, table, [*ids, *ids[:3]])  # repeats are harmless

    assert changed == len(ids)
    assert _rows(db, table) == written  # version and updated_at included
    assert db.conn.execute("SELECT value FROM change_counter").fetchone()[0] == counter


def test_recomputing_correct_rows_changes_nothing(db: Database) -> None:
    for table in DERIVED_COLUMNS:
        ids = [str(r[0]) for r in db.conn.execute(f"SELECT id FROM {table}")]
        with db.transaction():
            assert recompute_derived(db, table, ids) == 0, table


def test_a_table_without_derived_columns_and_unknown_ids_change_nothing(db: Database) -> None:
    with db.transaction():
        assert recompute_derived(db, "enrolment", ["x"]) == 0
        assert recompute_derived(db, "person", ["no-such-id"]) == 0
        assert recompute_derived(db, "person", []) == 0


def test_people_are_found_again_after_their_search_text_is_recomputed(db: Database) -> None:
    person_id, full_name = db.conn.execute(
        "SELECT id, full_name FROM person WHERE deleted = 0 ORDER BY id LIMIT 1"
    ).fetchone()
    with db.transaction():
        _scramble(db, "person", [person_id])
    assert person_id not in {k.row.id for k in page_people(db, query=full_name)}
    with db.transaction():
        recompute_derived(db, "person", [person_id])
    assert person_id in {k.row.id for k in page_people(db, query=full_name)}
    db.conn.execute("INSERT INTO person_fts (person_fts) VALUES ('integrity-check')")


def test_a_renamed_hamlet_moves_its_people_without_new_versions(db: Database) -> None:
    hamlet_id = db.conn.execute(
        "SELECT hamlet_id FROM person WHERE hamlet_id IS NOT NULL GROUP BY hamlet_id"
        " ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    people = _rows(db, "person")
    living = [p for p, r in people.items() if r[_column(db, "person", "hamlet_id")] == hamlet_id]
    with db.transaction():
        # As a bundle import would write it: the owner's new name, our stale derived key.
        db.conn.execute("UPDATE hamlet SET name = 'Thôn 99 mới' WHERE id = ?", (hamlet_id,))
        changed = recompute_derived(db, "hamlet", [hamlet_id])
    assert changed == 1 + len(living)
    key = natural_key("Thôn 99 mới")
    assert db.conn.execute("SELECT sort_key FROM hamlet WHERE id = ?", (hamlet_id,)).fetchone() == (
        key,
    )
    after = _rows(db, "person")
    hamlet_key = _column(db, "person", "hamlet_key")
    for person_id, row in after.items():
        if person_id in living:
            assert row[hamlet_key] == key
            # Only the derived key moved.
            assert row[:hamlet_key] + row[hamlet_key + 1 :] == (
                people[person_id][:hamlet_key] + people[person_id][hamlet_key + 1 :]
            )
        else:
            assert row == people[person_id]


def _column(db: Database, table: str, name: str) -> int:
    names = [str(r[1]) for r in db.conn.execute(f"PRAGMA table_info({table})")]
    return names.index(name)


def test_people_added_through_the_service_get_back_their_derived_columns(
    people_db: Path,
) -> None:
    """Fresh rows from today's write path, including a person with no birth and no hamlet."""
    with Workspace.open(people_db) as ws:
        ws.people.add(PersonInput("Đặng Thị Tư", Sex.FEMALE, ""))
    db = open_database(people_db)
    try:
        written = _rows(db, "person")
        assert any(r[_column(db, "person", "birth")] == "" for r in written.values())
        with db.transaction():
            _scramble(db, "person", list(written))
            assert recompute_derived(db, "person", list(written)) == len(written)
        assert _rows(db, "person") == written
    finally:
        db.close()
