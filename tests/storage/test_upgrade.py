"""Databases written by earlier releases upgrade to the newest schema with every row intact.

Each file in tests/storage/data (see its README) is copied, read with plain sqlite3, opened
with the app (which migrates it), and read again. Generic over tables and columns: a later
migration only has to say below what its new columns hold (NEW_COLUMNS), and a later release
adds its own checked-in file, which is picked up by the glob.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.storage.courses import CourseFilter, list_courses
from desktop_app.storage.db import open_database
from desktop_app.storage.schema import MIGRATION_SET, known_migration_names

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("schema-*.sqlite3"))

Key = tuple[object, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: dict[Key, dict[str, object]]


Snapshot = dict[str, Table]

# What a column that the upgrade adds holds, given the snapshot before the upgrade, the
# table's name and the row as it was before (without the new column).
Expect = Callable[[Snapshot, str, dict[str, object]], object]


def _class_type_of(before: Snapshot, _table: str, row: dict[str, object]) -> object:
    """The class type with the course's code, its own site's first."""
    types = before["class_type"].rows.values()
    same = [t for t in types if t["code"] == row["type_code"]]
    own = [t for t in same if t["owner_site"] == row["owner_site"]]
    return (own or same)[0]["id"] if same else None


NEW_COLUMNS: dict[tuple[str, str], Expect] = {
    # 0004_many_sites
    ("course", "type_id"): _class_type_of,
    ("audit", "version"): lambda before, table, row: None,
    # 0005_keys_and_seals: empty until the app first opens the file with its key
    ("site", "funds_seal"): lambda before, table, row: "",
    ("fund", "head_seal"): lambda before, table, row: "",
    ("certificate", "state_sig"): lambda before, table, row: "",
    # 0006_goods_books: every entry before it was cash
    ("ledger_entry", "quantity"): lambda before, table, row: 0,
    ("ledger_entry", "unit"): lambda before, table, row: "",
    ("ledger_entry", "source_id"): lambda before, table, row: None,
    # 0007_commendation_decisions: no choice made, no decision cited
    ("enrolment", "commendation"): lambda before, table, row: None,
    ("certificate", "decision"): lambda before, table, row: "",
    ("certificate", "decision_date"): lambda before, table, row: None,
    # 0008_signers_and_bank: no signer named yet, the form set in force, every entry in cash
    ("centre", "hoi_parent"): lambda before, table, row: "",
    ("centre", "hoi_chair"): lambda before, table, row: "",
    ("centre", "head_of_unit"): lambda before, table, row: "",
    ("centre", "accountant"): lambda before, table, row: "",
    ("centre", "treasurer"): lambda before, table, row: "",
    ("centre", "voucher_form"): lambda before, table, row: "tt24_2024",
    ("ledger_entry", "account"): lambda before, table, row: "cash",
    # 0009_sync: no peer known yet
    ("site", "age_recipient"): lambda before, table, row: None,
    ("site", "relation"): lambda before, table, row: "",
    ("site", "enrolled_at"): lambda before, table, row: None,
    ("site", "revoked_at"): lambda before, table, row: None,
    ("site", "commune_code"): lambda before, table, row: None,
    ("site", "commune_name"): lambda before, table, row: "",
    ("site", "province_code"): lambda before, table, row: None,
    ("site", "province_name"): lambda before, table, row: "",
    ("bundle_log", "file_hash"): lambda before, table, row: "",
    ("bundle_log", "epoch"): lambda before, table, row: 0,
    # 0012_relay: no site is relayed by a lower office yet
    ("site", "via_site"): lambda before, table, row: None,
}

# Tables an upgrade creates, and how many rows each holds right after it.
NEW_TABLES: dict[str, int] = {
    "bundle_log": 0,  # 0004_many_sites
    # 0009_sync
    "peer_state": 0,
    "peer_ledger_head": 0,
    "sync_conflict": 0,
    "sync_extra": 0,
    "sync_correction": 0,
    "org_unit": 0,  # 0010_org_units (filled only when an office copies its province's units)
    "relay_ack": 0,  # 0012_relay
    # 0013_imports
    "import_batch": 0,
    "import_effect": 0,
    "import_mapping": 0,
    # 0014_learning_models
    "clan": 0,
    "clan_household": 0,
    "learning_unit": 0,
    "unit_member": 0,
    "model_registration": 0,
    "model_assessment": 0,  # 0015_model_assessment
    # 0016_model_recognition
    "model_decision": 0,
    "model_recognition": 0,
    "citizen_status": 0,  # 0017_citizen_status
}

# Tables that gain rows in an upgrade (only the record of the migrations applied).
GROWING = frozenset({"_sqlite_migrations"})


def _tables(conn: sqlite3.Connection) -> list[str]:
    """Every table that holds data, except SQLite's statistics and the internals of virtual
    tables (the full-text index is checked with its own integrity check instead)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    virtual = [name for name, sql in rows if str(sql).upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _ in rows
        if name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)
        and (name == "sqlite_sequence" or not name.startswith("sqlite_"))
    ]


def _snapshot(conn: sqlite3.Connection) -> Snapshot:
    out: Snapshot = {}
    for table in _tables(conn):
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        columns = tuple(str(r[1]) for r in info)
        pk = [str(r[1]) for r in sorted(info, key=lambda r: r[5]) if r[5]]
        key_sql = ", ".join(pk) if pk else "rowid"
        width = len(pk) if pk else 1
        rows: dict[Key, dict[str, object]] = {}
        for r in conn.execute(f"SELECT {key_sql}, {', '.join(columns)} FROM {table}"):
            rows[tuple(r[:width])] = dict(zip(columns, r[width:], strict=True))
        out[table] = Table(columns, rows)
    return out


def _read(path: Path) -> Snapshot:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _snapshot(conn)
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection) -> set[tuple[str, str, str, str]]:
    return {
        (str(t), str(n), str(tbl), " ".join(str(sql).split()))
        for t, n, tbl, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        )
    }


@pytest.fixture(params=FILES, ids=[f.name for f in FILES])
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Snapshot, Path]:
    """(snapshot before, path of the upgraded copy)."""
    source: Path = request.param
    path = tmp_path / source.name
    shutil.copyfile(source, path)
    before = _read(path)
    open_database(path).close()
    return before, path


def test_there_is_a_file_to_upgrade_and_the_readme_lists_each() -> None:
    assert FILES, "no checked-in database in tests/storage/data"
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for f in FILES:
        assert f"`{f.name}`" in readme, f"{f.name} is not described in {DATA / 'README.md'}"


def test_the_upgrade_applies_every_migration(upgraded: tuple[Snapshot, Path]) -> None:
    before, path = upgraded
    conn = sqlite3.connect(path)
    applied = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
            (MIGRATION_SET,),
        )
    ]
    conn.close()
    had = [str(r["name"]) for r in before["_sqlite_migrations"].rows.values()]
    assert applied[: len(had)] == had
    assert applied == known_migration_names()


def test_every_row_arrives_intact(upgraded: tuple[Snapshot, Path]) -> None:
    before, path = upgraded
    after = _read(path)
    assert set(before) <= set(after), f"tables lost: {set(before) - set(after)}"
    for table, new_table in after.items():
        if table not in before:
            assert table in NEW_TABLES, f"new table {table}: add it to NEW_TABLES"
            assert len(new_table.rows) == NEW_TABLES[table], table
    for table, old in before.items():
        new = after[table]
        lost = [c for c in old.columns if c not in new.columns]
        assert not lost, f"{table} lost columns {lost}"
        added = [c for c in new.columns if c not in old.columns]
        unknown = [c for c in added if (table, c) not in NEW_COLUMNS]
        assert not unknown, f"{table}.{unknown}: say in NEW_COLUMNS what the upgrade fills in"
        if table in GROWING:
            assert set(old.rows) <= set(new.rows), table
        else:
            assert set(new.rows) == set(old.rows), f"{table}: rows added or lost"
        for key, row in old.rows.items():
            got = new.rows[key]
            for column in old.columns:
                assert got[column] == row[column], (table, key, column)
            for column in added:
                want = NEW_COLUMNS[(table, column)](before, table, row)
                assert got[column] == want, (table, key, column)


def test_the_upgraded_file_is_sound(upgraded: tuple[Snapshot, Path]) -> None:
    _, path = upgraded
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Every full-text index still matches the rows it indexes.
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
        ).fetchall():
            conn.execute(f"INSERT INTO {name} ({name}) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_the_upgraded_schema_is_the_schema_of_a_new_file(
    upgraded: tuple[Snapshot, Path], tmp_path: Path
) -> None:
    _, path = upgraded
    fresh = tmp_path / "fresh.sqlite3"
    open_database(fresh, create=True).close()
    a, b = sqlite3.connect(path), sqlite3.connect(fresh)
    try:
        old, new = _schema(a), _schema(b)
    finally:
        a.close()
        b.close()
    assert old - new == set()
    assert new - old == set()


def test_reopening_an_upgraded_file_changes_nothing(upgraded: tuple[Snapshot, Path]) -> None:
    _, path = upgraded
    once = _read(path)
    open_database(path).close()
    assert _read(path) == once


def test_the_app_reads_the_upgraded_classes(upgraded: tuple[Snapshot, Path]) -> None:
    before, path = upgraded
    db = open_database(path, read_only=True)
    try:
        courses = list_courses(db, CourseFilter(), with_figures=False)
    finally:
        db.close()
    names = {t["code"]: t["name"] for t in before["class_type"].rows.values()}
    live = [c for c in before["course"].rows.values() if not c["deleted"]]
    assert len(courses) == len(live)
    for course in courses:
        assert course.type_name == names[course.type_code]
