"""Opening the database file: migrations, refusals, and clear errors for bad files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop_app.core.problems import StoreError
from desktop_app.storage import db as dbmod
from desktop_app.storage.db import open_database
from desktop_app.storage.schema import MIGRATION_SET, known_migration_names
from desktop_app.storage.tx import Writer


def test_new_database_is_migrated_with_wal_foreign_keys_and_a_site(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite3", create=True)
    try:
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        # FULL (2): a committed receipt or certificate number survives a power cut.
        assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        applied = [r[0] for r in db.conn.execute("SELECT name FROM _sqlite_migrations")]
        assert applied == known_migration_names()
        assert db.site_role == "centre"
        assert len(db.site_id) == 36
    finally:
        db.close()


def test_reopening_keeps_the_same_site_identity(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    first = open_database(path, create=True)
    site = first.site_id
    first.close()
    again = open_database(path)
    assert again.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert again.site_id == site
    assert again.conn.execute("SELECT count(*) FROM site").fetchone()[0] == 1
    again.close()


def test_every_travelling_table_has_the_sync_columns(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.sqlite3", create=True)
    for table in ("centre", "hamlet", "person", "household"):
        columns = {r[1] for r in db.conn.execute(f"PRAGMA table_info({table})")}
        assert {"id", "owner_site", "version", "updated_at", "deleted"} <= columns, table
    db.close()


def test_missing_file_is_refused_without_creating_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.sqlite3"
    with pytest.raises(StoreError) as info:
        open_database(path)
    assert info.value.kind == StoreError.MISSING
    assert not path.exists()


def test_a_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("danh sách học viên\n", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        open_database(path)
    assert info.value.kind == StoreError.NOT_A_DATABASE
    assert path.read_text(encoding="utf-8") == "danh sách học viên\n"


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as info:
        open_database(path)
    assert info.value.kind == StoreError.NOT_A_DATABASE


def test_a_database_from_a_newer_app_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    open_database(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        (MIGRATION_SET, "9999_from_the_future", "2030-01-01"),
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        open_database(path)
    assert info.value.kind == StoreError.NEWER_SCHEMA
    assert path.read_bytes() == before


def test_a_corrupt_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    open_database(path, create=True).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        open_database(path)
    assert info.value.kind in (StoreError.CORRUPT, StoreError.NOT_A_DATABASE)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file_opens_for_reading_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    open_database(path, create=True).close()
    path.chmod(stat.S_IRUSR)
    db = open_database(path)
    assert db.read_only
    with pytest.raises(StoreError) as info, db.transaction():
        pass
    assert info.value.kind == StoreError.READ_ONLY
    db.close()


def test_read_only_mode_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    open_database(path, create=True).close()
    db = open_database(path, read_only=True)
    with pytest.raises(StoreError) as info, db.transaction():
        pass
    assert info.value.kind == StoreError.READ_ONLY
    db.close()


def test_a_locked_database_says_so_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "locked.sqlite3"
    db = open_database(path, create=True)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as info, db.transaction() as conn:
            conn.execute("INSERT INTO setting (key, value) VALUES ('a', 'b')")
        assert info.value.kind == StoreError.LOCKED
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert db.conn.execute("SELECT count(*) FROM setting").fetchone()[0] == 0
    db.close()


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.sqlite3", create=True)
    with pytest.raises(RuntimeError), db.transaction() as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('a', 'b')")
        raise RuntimeError("boom")
    assert db.conn.execute("SELECT count(*) FROM setting").fetchone()[0] == 0
    db.close()


def test_versions_come_from_one_monotonic_counter(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.sqlite3", create=True)
    writer = Writer(db)
    versions = []
    for _ in range(2):
        with writer.write("test.op", "tester") as tx:
            versions.append(tx.version)
            assert tx.version == versions[-1]  # one version per operation
    assert versions[1] == versions[0] + 1
    db.close()


def test_a_read_on_a_locked_database_gives_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.sqlite3"
    open_database(path, create=True).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode = DELETE")  # an exclusive lock then blocks readers too
    db = open_database(path)
    db.conn.execute("PRAGMA journal_mode = DELETE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as info:
            db.conn.execute("SELECT count(*) FROM person").fetchone()
        assert info.value.kind == StoreError.LOCKED
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.close()
