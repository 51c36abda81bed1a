"""Backups with SQLite's online backup API, and restoring one into place.

The backup API copies a consistent snapshot of the database, including what is still in the
`-wal`, while the app keeps running; a copy of the `.db` file alone would miss it. A backup
file is itself a database of this app in rollback-journal mode (one self-contained file),
written under a temporary name, checked with `PRAGMA quick_check`, then renamed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.problems import N_, StoreError
from desktop_app.storage.schema import MIGRATION_SET, known_migration_names

SQLITE_HEADER = b"SQLite format 3\x00"
# Pages copied per step of the backup API; between steps other connections may write, and
# the progress callback may cancel (by raising).
STEP_PAGES = 16384
# How much of a database the backup maps into memory (SQLite caps it at its own limit).
MMAP_BYTES = 1 << 30


@dataclass(frozen=True, slots=True)
class DatabaseFacts:
    """What a backup holds, read from the file itself before anything changes."""

    site_id: str
    site_name: str
    centre_name: str
    schema: str  # the last migration applied, e.g. "0004_bundles"
    people: int
    classes: int
    members: int
    ledger_entries: int


def _tmp_name(target: Path, what: str) -> Path:
    return target.with_name(f".{target.name}.{what}-{uuid.uuid4().hex[:12]}.tmp")


def is_temporary(path: Path) -> bool:
    """A half-written file left by a killed backup or restore (cleaned up by the next one)."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def remove_stale_temporaries(folder: Path, stem: str, older_than_s: float = 3600) -> None:
    """Remove temporaries of `stem` that a killed backup or restore left behind (old enough
    not to be another copy of the app's backup still being written)."""
    import time

    limit = time.time() - older_than_s
    with contextlib.suppress(OSError):
        for path in folder.glob(f".{stem}*.tmp"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; its rename is durable
        return
    with contextlib.suppress(OSError):
        _fsync(folder)


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    from desktop_app.storage.db import store_error_from

    error = store_error_from(exc, path)
    if error is not None:
        return error
    return StoreError(
        StoreError.CORRUPT,
        N_("The backup {path} is damaged or is not a backup of this app; nothing was changed."),
        {"path": str(path)},
    )


def write_backup(
    source: sqlite3.Connection,
    target: Path,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copy the database open on `source` into `target` (a new file): a consistent snapshot,
    complete with what is still in the source's `-wal`. Written under a temporary name in the
    target folder, checked, flushed to disk and renamed, so `target` is never half-written."""
    tmp = _tmp_name(target, "backup")
    # Pages read through a memory map instead of one read() each: about a third faster for
    # the copy and the check (measured by bench/backup.py). The source's own setting comes
    # back after.
    mapped = int(source.execute("PRAGMA mmap_size").fetchone()[0])
    try:
        source.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        dest = sqlite3.connect(tmp, isolation_level=None)
        try:
            # A temporary file, flushed once below before its rename: no syncs and no
            # journal on the way (a failure leaves only the temporary, which is removed).
            dest.execute("PRAGMA synchronous = OFF")
            dest.execute("PRAGMA journal_mode = OFF")
            dest.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            if progress is None:
                source.backup(dest)  # one step: the fastest, no other writer waits for it
            else:

                def step(_status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(total - remaining, total)

                source.backup(dest, pages=STEP_PAGES, progress=step)
            # One self-contained file: no -wal beside a backup on a USB stick.
            dest.execute("PRAGMA journal_mode = DELETE")
            check_integrity(dest, target)
        finally:
            dest.close()
            source.execute(f"PRAGMA mmap_size = {mapped}")
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except sqlite3.Error as exc:
        raise _store_error(exc, target) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if [tuple(r) for r in rows] != [("ok",)]:
        raise StoreError(
            StoreError.CORRUPT,
            N_("The backup {path} is damaged; nothing was changed."),
            {"path": str(path)},
        )


def _not_ours(path: Path) -> StoreError:
    return StoreError(
        StoreError.NOT_A_DATABASE,
        N_("The file {path} is not a backup of this app; nothing was changed."),
        {"path": str(path)},
    )


def read_facts(path: Path, *, check: bool = True) -> DatabaseFacts:
    """The facts of the database file `path`, opened read-only; with `check`, refuse a damaged
    file, one that is not of this app, or one written by a newer version of it."""
    from desktop_app.storage.db import file_header

    header = file_header(path, N_("The backup {path} cannot be read ({reason})."))
    if header != SQLITE_HEADER:
        raise _not_ours(path)
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _store_error(exc, path) from exc
    try:
        if check:
            check_integrity(conn, path)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        needed = {"_sqlite_migrations", "site", "centre", "person", "course", "member"}
        if not needed <= tables:
            raise _not_ours(path)
        applied = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                (MIGRATION_SET,),
            )
        ]
        known = known_migration_names()
        if not applied:
            raise _not_ours(path)
        if any(name not in known for name in applied):
            raise StoreError(
                StoreError.NEWER_SCHEMA,
                N_(
                    "The backup {path} was made by a newer version of this app. Update the "
                    "app to restore it; nothing was changed."
                ),
                {"path": str(path)},
            )
        site = conn.execute("SELECT id, name FROM site WHERE is_local = 1").fetchone()
        if site is None:
            raise _not_ours(path)
        centre = conn.execute(
            "SELECT name FROM centre WHERE deleted = 0 ORDER BY id LIMIT 1"
        ).fetchone()

        def count(table: str, where: str = "WHERE deleted = 0") -> int:
            if table not in tables:
                return 0
            return int(conn.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0])

        return DatabaseFacts(
            site_id=str(site[0]),
            site_name=str(site[1]),
            centre_name=str(centre[0]) if centre else "",
            schema=max(applied, key=known.index),
            people=count("person"),
            classes=count("course"),
            members=count("member"),
            ledger_entries=count("ledger_entry", ""),
        )
    except sqlite3.Error as exc:
        raise _store_error(exc, path) from exc
    finally:
        conn.close()


def backup_file(source: Path, target: Path) -> Path:
    """`write_backup` from a database file that is not open (the CLI, a restore's aside copy)."""
    try:
        conn = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _store_error(exc, source) from exc
    try:
        return write_backup(conn, target)
    finally:
        conn.close()


def keep_aside(db_path: Path, aside: Path) -> Path:
    """Keep the database about to be replaced as `aside`, with its `-wal` folded in: a backup
    copy when it can be read, else (a damaged file) the raw file and its `-wal` side by side."""
    try:
        return backup_file(db_path, aside)
    except StoreError:
        pass
    tmp = _tmp_name(aside, "aside")
    try:
        shutil.copyfile(db_path, tmp)
        _fsync(tmp)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, aside.with_name(aside.name + "-wal"))
        os.replace(tmp, aside)
        _fsync_dir(aside.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return aside


def _usable(db_path: Path) -> bool:
    """Whether the database at `db_path` opens and passes quick_check (so the backup API can
    write into it, inside one transaction, while other connections stay safe)."""
    try:
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=5)
    except sqlite3.Error:
        return False
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        return [tuple(r) for r in rows] == [("ok",)]
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def restore_into(backup: Path, db_path: Path) -> None:
    """Replace the database at `db_path` by the (already checked) backup file `backup`.

    When the current file is sound the backup API writes the backup into it inside one write
    transaction: a kill leaves the old database or the new one, never a mix, and a copy of the
    app still holding it open sees the change instead of writing into a replaced file. A
    missing or damaged file is replaced whole (temporary file, fsync, rename).
    """
    if db_path.exists() and _usable(db_path):
        try:
            src = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                dest = sqlite3.connect(db_path, isolation_level=None, timeout=5)
                try:
                    src.backup(dest)  # all pages in one step: one transaction
                    dest.execute("PRAGMA journal_mode = WAL")
                    dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    check_integrity(dest, db_path)
                finally:
                    dest.close()
            finally:
                src.close()
        except sqlite3.Error as exc:
            raise _store_error(exc, db_path) from exc
        return
    tmp = _tmp_name(db_path, "restore")
    try:
        shutil.copyfile(backup, tmp)
        _fsync(tmp)
        for suffix in ("-wal", "-shm", "-journal"):
            # The damaged file's leftovers would be applied to the restored one.
            with contextlib.suppress(FileNotFoundError):
                db_path.with_name(db_path.name + suffix).unlink()
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
