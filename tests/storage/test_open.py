"""Opening the database file: migrations, refusals, and clear errors for bad files."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
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


# -- files that are not database files: each its own message, nothing made beside them -----


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


@pytest.mark.parametrize("create", [False, True])
def test_a_pipe_is_refused_without_waiting_on_it(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "centre.sqlite3"
    os.mkfifo(path)
    with pytest.raises(StoreError) as info:
        open_database(path, create=create)  # opening a FIFO would block for ever
    assert info.value.kind == StoreError.NOT_A_DATABASE
    assert "pipe" in info.value.message
    assert _beside(path) == []


@pytest.mark.parametrize("read_only", [False, True])
def test_a_device_is_refused_and_nothing_is_made_beside_it(read_only: bool) -> None:
    before = sorted(p.name for p in Path("/dev").iterdir() if p.name.startswith("null"))
    with pytest.raises(StoreError) as info:
        open_database("/dev/null", create=True, read_only=read_only)
    assert info.value.kind == StoreError.NOT_A_DATABASE
    assert "device" in info.value.message
    assert sorted(p.name for p in Path("/dev").iterdir() if p.name.startswith("null")) == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        open_database(tmp_path, create=True)
    assert "folder" in info.value.message
    assert info.value.params == {"path": str(tmp_path)}


def test_an_empty_file_is_not_a_database_when_opened_to_read(tmp_path: Path) -> None:
    path = tmp_path / "centre.sqlite3"
    path.touch()
    for read_only in (False, True):
        with pytest.raises(StoreError) as info:
            open_database(path, read_only=read_only)
        assert info.value.kind == StoreError.NOT_A_DATABASE
        assert "empty" in info.value.message and "read-only" not in info.value.message
    assert path.stat().st_size == 0
    assert _beside(path) == []


def test_an_empty_file_made_by_a_file_manager_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "centre.sqlite3"
    path.touch()
    db = open_database(path, create=True)  # the GUI opens with create
    try:
        assert not db.read_only
        assert len(db.site_id) == 36
    finally:
        db.close()
    open_database(path).close()  # and it is a database from now on


# -- read-only media: opened read-only (immutable), never refused ----------------------------


def _demo_copy(tmp_path: Path) -> Path:
    path = tmp_path / "media" / "centre.sqlite3"
    path.parent.mkdir()
    db = open_database(path, create=True)
    db.set_setting("probe", "on the stick")
    db.checkpoint()
    db.close()
    assert _beside(path) == []  # closed: one self-contained file, as copied to a stick
    return path


def test_a_file_in_a_folder_we_cannot_write_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root a chmod does not stop writes, so the folder's verdict is forced here; the bind
    # mount test below does it for real.
    path = _demo_copy(tmp_path)
    monkeypatch.setattr(dbmod, "folder_writable", lambda _path: False)
    db = open_database(path)
    try:
        assert db.read_only
        assert db.get_setting("probe") == "on the stick"
        reader = db.reader()
        assert reader.get_setting("probe") == "on the stick"
        reader.close()
        with pytest.raises(StoreError) as info, db.transaction():
            pass
        assert info.value.kind == StoreError.READ_ONLY
    finally:
        db.close()
    assert _beside(path) == []  # immutable: no -shm, no -wal made


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """`tmp_path/media` bind-mounted read-only at `tmp_path/stick` (root only)."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    source = _demo_copy(tmp_path).parent
    target = tmp_path / "stick"
    target.mkdir()
    if subprocess.run(["mount", "--bind", str(source), str(target)], check=False).returncode:
        pytest.skip("mount --bind is not allowed here")
    try:
        remount = ["mount", "-o", "remount,ro,bind", str(target)]
        if subprocess.run(remount, check=False).returncode:
            pytest.skip("a read-only remount is not allowed here")
        yield target / "centre.sqlite3"
    finally:
        subprocess.run(["umount", str(target)], check=False)


def test_a_database_on_a_read_only_mount_opens_read_only(read_only_mount: Path) -> None:
    from desktop_app.services.workspace import Workspace

    with Workspace.open(read_only_mount, create=True, check=True) as ws:
        assert ws.read_only
        assert ws.db.get_setting("probe") == "on the stick"
        reader = ws.reader()
        assert reader.db.get_setting("probe") == "on the stick"
        reader.close()
    assert _beside(read_only_mount) == []


def test_reading_an_older_writable_file_brings_it_up_to_date_first(tmp_path: Path) -> None:
    # After the app is updated, the first command run is often a list: it must not say the
    # file is read-only when it is not.
    import shutil

    from desktop_app.storage.schema import known_migration_names

    path = tmp_path / "older.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "schema-0005-keys-and-seals.sqlite3", path)
    db = open_database(path, read_only=True, check=True)
    try:
        assert db.read_only
        applied = {r[0] for r in db.conn.execute("SELECT name FROM _sqlite_migrations").fetchall()}
        assert set(known_migration_names()) <= applied
    finally:
        db.close()
