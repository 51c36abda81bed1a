"""Two centres' rows in one file (an office database): what is unique only within a site."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.ids import new_id
from desktop_app.core.problems import StoreError
from desktop_app.storage.courses import CourseFilter, list_courses
from desktop_app.storage.db import Database, open_database
from desktop_app.storage.multisite import (
    CccdHolderAtSite,
    SharedCccd,
    cccd_shared_across_sites,
    class_type_id,
)

OTHER = "01900000-0000-7000-8000-000000000002"
THIRD = "01900000-0000-7000-8000-000000000003"

# A clash surfaces as a StoreError (the connection maps SQLite's errors) or, depending on
# the connection's mapping, as SQLite's own IntegrityError.
Refused = (StoreError, sqlite3.IntegrityError)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "office.sqlite3", create=True)
    try:
        yield database
    finally:
        database.close()


def _insert(db: Database, table: str, site: str, **values: object) -> str:
    row_id = new_id()
    row = {"id": row_id, "owner_site": site, "version": 1, "updated_at": "2025-01-01", **values}
    db.conn.execute(
        f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        tuple(row.values()),
    )
    return row_id


def _person(db: Database, site: str, name: str, cccd: str | None, deleted: int = 0) -> str:
    return _insert(
        db, "person", site, full_name=name, sort_key=name, search_text=name, folded_name=name,
        cccd=cccd, deleted=deleted,
    )  # fmt: skip


def test_the_same_dues_year_at_two_sites_is_accepted_but_not_twice_at_one(db: Database) -> None:
    _insert(db, "dues_rate", db.site_id, year=2025, amount=20000)
    _insert(db, "dues_rate", OTHER, year=2025, amount=30000)
    with pytest.raises(Refused):
        _insert(db, "dues_rate", OTHER, year=2025, amount=40000)
    rows = db.conn.execute("SELECT owner_site, amount FROM dues_rate ORDER BY amount").fetchall()
    assert rows == [(db.site_id, 20000), (OTHER, 30000)]


def test_the_same_class_type_code_at_two_sites_is_accepted_but_not_twice_at_one(
    db: Database,
) -> None:
    mine = _insert(db, "class_type", db.site_id, code="xmc1", name="Xóa mù chữ 1")
    theirs = _insert(db, "class_type", OTHER, code="xmc1", name="Xoá mù chữ (huyện)")
    with pytest.raises(Refused):
        _insert(db, "class_type", OTHER, code="xmc1", name="again")
    assert class_type_id(db, "xmc1", db.site_id) == mine
    assert class_type_id(db, "xmc1", OTHER) == theirs
    # A site without its own type of that code refers to any (the office's catalogue).
    assert class_type_id(db, "xmc1", THIRD) in (mine, theirs)
    assert class_type_id(db, "nope", db.site_id) is None


def test_courses_refer_to_their_own_sites_class_type(db: Database) -> None:
    mine = _insert(db, "class_type", db.site_id, code="xmc1", name="Mine")
    theirs = _insert(db, "class_type", OTHER, code="xmc1", name="Theirs")
    _insert(db, "course", db.site_id, type_id=mine, type_code="xmc1", title="A")
    _insert(db, "course", OTHER, type_id=theirs, type_code="xmc1", title="B")
    assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # One row per course, each with its own site's type: no join on the shared code.
    courses = sorted(list_courses(db, CourseFilter(), with_figures=False), key=lambda c: c.title)
    assert [(c.title, c.type_name) for c in courses] == [("A", "Mine"), ("B", "Theirs")]
    assert [c.title for c in list_courses(db, CourseFilter(type_code="xmc1"))] == ["A", "B"]


def test_a_course_must_refer_to_an_existing_class_type(db: Database) -> None:
    with pytest.raises(Refused):
        _insert(db, "course", db.site_id, type_id=new_id(), type_code="xmc1", title="A")


def test_the_same_cccd_at_two_sites_is_accepted_and_reported(db: Database) -> None:
    here = _person(db, db.site_id, "Nguyễn Văn An", "001090001234")
    there = _person(db, OTHER, "Nguyen Van An", "001090001234")
    gone = _person(db, THIRD, "An", "001090001234", deleted=1)
    _person(db, db.site_id, "Lê Thị Bình", "001090005678")  # one site only: not reported
    _person(db, db.site_id, "Trần Văn Cường", None)
    _person(db, OTHER, "Phạm Văn Dũng", None)

    shared = cccd_shared_across_sites(db)

    holders = sorted(
        [
            CccdHolderAtSite(here, db.site_id, False),
            CccdHolderAtSite(there, OTHER, False),
            CccdHolderAtSite(gone, THIRD, True),
        ],
        key=lambda h: (h.owner_site, h.person_id),
    )
    assert shared == [SharedCccd("001090001234", tuple(holders))]
    assert shared[0].sites == tuple(sorted((db.site_id, OTHER, THIRD)))


def test_no_shared_cccd_reports_nothing(db: Database) -> None:
    _person(db, db.site_id, "A", "001090001234")
    _person(db, OTHER, "B", "001090009999")
    assert cccd_shared_across_sites(db) == []


def test_the_same_cccd_twice_at_one_site_is_refused_even_when_deleted(db: Database) -> None:
    _person(db, OTHER, "A", "001090001234", deleted=1)
    with pytest.raises(Refused):
        _person(db, OTHER, "B", "001090001234")
    with pytest.raises(Refused):
        _person(db, OTHER, "C", "001090001234", deleted=1)


def _travelling_tables(conn: sqlite3.Connection) -> list[str]:
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
        )
    ]
    return [
        t
        for t in tables
        if {"owner_site", "version"} <= {str(r[1]) for r in conn.execute(f"PRAGMA table_info({t})")}
    ]


def test_every_travelling_table_has_an_owner_site_version_index(db: Database) -> None:
    tables = _travelling_tables(db.conn)
    assert {"person", "course", "ledger_entry", "class_type", "dues_rate"} <= set(tables)
    missing = []
    for table in tables:
        leading = set()
        for index in db.conn.execute(f"PRAGMA index_list({table})").fetchall():
            columns = [r[2] for r in db.conn.execute(f"PRAGMA index_info({index[1]})")]
            leading.add(tuple(columns[:2]))
        if ("owner_site", "version") not in leading:
            missing.append(table)
    assert missing == []


def test_an_export_of_one_sites_changes_walks_the_index(db: Database) -> None:
    plan = db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM person WHERE owner_site = ? AND version > ?",
        (db.site_id, 10),
    ).fetchall()
    assert any("person_owner_version" in str(r[-1]) for r in plan), plan


def test_the_bundle_log_does_not_travel_and_applies_a_bundle_once(db: Database) -> None:
    assert "bundle_log" not in _travelling_tables(db.conn)

    def log(direction: str, status: str) -> None:
        db.conn.execute(
            "INSERT INTO bundle_log (id, direction, kind, bundle_id, peer_site, sender_seq,"
            " payload_hash, file_name, created_at, applied_at, summary, status)"
            " VALUES (?, ?, 'data', 'b-1', ?, 7, 'abc', 'x_data_7.tthbundle', '2025-01-01',"
            ' NULL, \'{"person": {"new": 3}}\', ?)',
            (new_id(), direction, OTHER, status),
        )

    log("import", "rejected")
    log("import", "applied")
    with pytest.raises(Refused):
        log("import", "applied")
    with pytest.raises(Refused):
        log("sideways", "applied")
    with pytest.raises(Refused):
        db.conn.execute(
            "INSERT INTO bundle_log (id, direction, kind, bundle_id, peer_site, sender_seq,"
            " payload_hash, created_at, summary, status)"
            " VALUES ('x', 'export', 'data', 'b-2', 'o', 1, 'h', 'now', 'not json', 'written')"
        )


def test_audit_rows_carry_the_version_they_stamped(db: Database) -> None:
    columns = {str(r[1]): str(r[2]) for r in db.conn.execute("PRAGMA table_info(audit)")}
    assert columns.get("version") == "INTEGER"
