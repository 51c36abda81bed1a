"""Errors told apart: each kind of StoreError made for real on a real file, and bugs kept bugs.

SQLite says what went wrong by a result code; the user must read what to do about it
(busy, read-only, full, damaged, not a database, a failing disk), while a mistake in our
own SQL must surface as itself and never pass for "the database cannot be opened".
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.core.problems import StoreError
from desktop_app.storage import db as dbmod
from desktop_app.storage.db import Database, open_database, store_error_from


@pytest.fixture
def demo_file(demo_template: Callable[..., Path]) -> Path:
    """Made once per run (tests/conftest.py); never written to."""
    return demo_template(50, 3)


@pytest.fixture
def demo_db(demo_copy: Callable[..., Path]) -> Path:
    """A fresh copy of the demo for each test."""
    return demo_copy(50, 3)


@pytest.fixture
def opened(demo_db: Path) -> Iterator[Database]:
    db = open_database(demo_db)
    yield db
    db.close()


def cause_name(error: BaseException) -> str:
    cause = error.__cause__
    assert isinstance(cause, sqlite3.Error), repr(cause)
    return str(cause.sqlite_errorname)


# -- busy ---------------------------------------------------------------------------------


def test_a_write_while_another_program_holds_the_file_is_locked(
    opened: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 50)
    db = open_database(opened.path)  # opened after the patch: waits only 50 ms
    other = sqlite3.connect(opened.path, isolation_level=None, timeout=0.05)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as info:
            db.set_setting("a", "b")
        assert info.value.kind == StoreError.LOCKED
        assert cause_name(info.value) == "SQLITE_BUSY"
        assert info.value.params == {"path": str(opened.path)}
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert db.get_setting("a") == ""
    db.close()


# -- read-only ----------------------------------------------------------------------------


def test_a_write_on_a_file_opened_read_only_is_read_only(demo_db: Path) -> None:
    db = open_database(demo_db, read_only=True)  # mode=ro: SQLite itself refuses the write
    try:
        with pytest.raises(StoreError) as info:
            db.conn.execute("INSERT INTO setting (key, value) VALUES ('a', 'b')")
        assert info.value.kind == StoreError.READ_ONLY
        assert cause_name(info.value).startswith("SQLITE_READONLY")
    finally:
        db.close()


# -- disk full ----------------------------------------------------------------------------


def test_a_full_disk_is_disk_full_and_saves_nothing(opened: Database) -> None:
    pages = opened.conn.execute("PRAGMA page_count").fetchone()[0]
    opened.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StoreError) as info, opened.transaction() as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('big', ?)", ("x" * 200_000,))
    assert info.value.kind == StoreError.DISK_FULL
    assert cause_name(info.value) == "SQLITE_FULL"
    assert not opened.conn.in_transaction
    assert opened.get_setting("big") == ""


# -- corrupt ------------------------------------------------------------------------------


def _zero_a_late_page_of(path: Path, table: str) -> None:
    """Zero the last leaf page of `table`, in the middle of the file, so a scan of the table
    reads good rows first and meets the damage only while the cursor is being iterated."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    leaves = conn.execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path", (table,)
    ).fetchall()
    conn.close()
    assert len(leaves) >= 3, leaves
    page = leaves[-1][0]
    assert 1 < page < page_count
    with path.open("r+b") as fh:
        fh.seek((page - 1) * page_size)
        fh.write(b"\x00" * page_size)


def test_a_damaged_page_is_corrupt_from_execute(demo_db: Path) -> None:
    _zero_a_late_page_of(demo_db, "person")
    db = open_database(demo_db)
    try:
        with pytest.raises(StoreError) as info:
            db.conn.execute("SELECT count(*), max(length(full_name)) FROM person")
        assert info.value.kind == StoreError.CORRUPT
        assert cause_name(info.value).startswith("SQLITE_CORRUPT")
    finally:
        db.close()


def test_a_damaged_page_met_while_iterating_rows_is_corrupt(demo_db: Path) -> None:
    _zero_a_late_page_of(demo_db, "person")
    db = open_database(demo_db)
    try:
        cursor = db.conn.execute("SELECT * FROM person")  # the first rows read fine
        seen = 0
        with pytest.raises(StoreError) as info:
            for _row in cursor:
                seen += 1
        assert seen > 0  # the damage was met while iterating, not in execute()
        assert info.value.kind == StoreError.CORRUPT
    finally:
        db.close()


@pytest.mark.parametrize("fetch", ["fetchone", "fetchmany", "fetchall"])
def test_a_damaged_page_met_while_fetching_is_corrupt(demo_db: Path, fetch: str) -> None:
    _zero_a_late_page_of(demo_db, "person")
    db = open_database(demo_db)
    try:
        cursor = db.conn.execute("SELECT * FROM person")
        with pytest.raises(StoreError) as info:
            if fetch == "fetchone":
                while cursor.fetchone() is not None:
                    pass
            elif fetch == "fetchmany":
                while cursor.fetchmany(7):
                    pass
            else:
                cursor.fetchall()
        assert info.value.kind == StoreError.CORRUPT
    finally:
        db.close()


# -- not a database -----------------------------------------------------------------------


def test_a_file_with_a_sqlite_header_but_a_garbled_rest_is_not_a_database(
    demo_db: Path,
) -> None:
    data = bytearray(demo_db.read_bytes())
    data[16:18] = b"\x00\x03"  # an impossible page size behind a good magic string
    demo_db.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        open_database(demo_db)
    assert info.value.kind == StoreError.NOT_A_DATABASE
    assert cause_name(info.value) == "SQLITE_NOTADB"


# -- cannot open --------------------------------------------------------------------------


def test_a_file_sqlite_cannot_open_is_unreadable(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "x.sqlite3"
    with pytest.raises(sqlite3.OperationalError) as info:
        sqlite3.connect(missing.as_uri() + "?mode=ro", uri=True)
    error = store_error_from(info.value, missing)
    assert error is not None
    assert error.kind == StoreError.UNREADABLE
    assert error.params["path"] == str(missing)


# -- a failing disk -----------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc/self/fd")
def test_a_read_error_from_the_disk_is_io(opened: Database) -> None:
    # Make the disk fail under SQLite: swap the file descriptor it reads through for a
    # write-only one on the same file, so the next read() fails as on a pulled USB stick.
    target = os.path.realpath(opened.path)
    fds = [
        int(fd)
        for fd in os.listdir("/proc/self/fd")
        if os.path.realpath(f"/proc/self/fd/{fd}") == target
    ]
    assert fds
    broken = os.open(opened.path, os.O_WRONLY)
    try:
        for fd in fds:
            os.dup2(broken, fd)
        with pytest.raises(StoreError) as info:
            opened.conn.execute("SELECT count(*), max(length(detail)) FROM audit")
        assert info.value.kind == StoreError.IO
        assert cause_name(info.value).startswith("SQLITE_IOERR")
        assert info.value.params == {"path": str(opened.path)}
    finally:
        os.close(broken)


# -- constraint ---------------------------------------------------------------------------


def test_a_clash_with_saved_data_is_a_conflict(opened: Database) -> None:
    opened.set_setting("k", "v")
    with pytest.raises(StoreError) as info, opened.transaction() as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('k', 'w')")
    assert info.value.kind == StoreError.CONFLICT
    assert "reason" in info.value.params
    assert opened.get_setting("k") == "v"


# -- bugs stay bugs -----------------------------------------------------------------------


def test_a_query_on_a_missing_column_is_a_bug_not_a_store_error(opened: Database) -> None:
    with pytest.raises(sqlite3.OperationalError) as info:
        opened.conn.execute("SELECT no_such_column FROM person")
    assert not isinstance(info.value, StoreError)
    assert "no_such_column" in str(info.value)


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("SELECT * FROM no_such_table", ()),
        ("SELEC 1", ()),
        ("SELECT ?", (1, 2)),  # a bad binding: raised by the sqlite3 module itself
        ("SELECT ?", (object(),)),
    ],
)
def test_other_mistakes_in_our_sql_are_bugs(
    opened: Database, sql: str, params: tuple[object, ...]
) -> None:
    with pytest.raises(sqlite3.Error) as info:
        opened.conn.execute(sql, params)
    assert not isinstance(info.value, StoreError)


def test_a_bug_inside_a_transaction_stays_a_bug_and_rolls_back(opened: Database) -> None:
    with pytest.raises(sqlite3.OperationalError), opened.transaction() as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('a', 'b')")
        conn.execute("UPDATE setting SET no_such_column = 1")
    assert not opened.conn.in_transaction
    assert opened.get_setting("a") == ""


def test_a_misuse_is_a_bug(opened: Database) -> None:
    cursor = opened.conn.execute("SELECT 1")
    opened.close()
    with pytest.raises(sqlite3.ProgrammingError):
        cursor.fetchall()
    with pytest.raises(sqlite3.ProgrammingError):
        opened.conn.execute("SELECT 1")
