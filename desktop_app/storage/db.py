"""Opening the one SQLite file: checks, pragmas, migrations, site identity, error mapping."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, NoReturn, ParamSpec, Self, TypeVar

from sqlite_utils import Database as UtilsDatabase

from desktop_app.core.ids import new_id
from desktop_app.core.problems import N_, StoreError
from desktop_app.storage.schema import MIGRATION_SET, apply_migrations, known_migration_names

log = logging.getLogger(__name__)

S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# SQLite's primary result codes (`code & 0xFF`) for a file the user can do something about.
# Every other code (no such table or column, a syntax error, a misuse, a bad binding) is a
# bug in our SQL and surfaces as the sqlite3 exception itself, never as a StoreError.
_KINDS: dict[int, str] = {
    sqlite3.SQLITE_BUSY: StoreError.LOCKED,
    sqlite3.SQLITE_LOCKED: StoreError.LOCKED,
    sqlite3.SQLITE_PROTOCOL: StoreError.LOCKED,  # WAL lock contention, e.g. on a network share
    sqlite3.SQLITE_READONLY: StoreError.READ_ONLY,
    sqlite3.SQLITE_FULL: StoreError.DISK_FULL,
    sqlite3.SQLITE_CORRUPT: StoreError.CORRUPT,
    sqlite3.SQLITE_NOTADB: StoreError.NOT_A_DATABASE,
    sqlite3.SQLITE_IOERR: StoreError.IO,
    sqlite3.SQLITE_CANTOPEN: StoreError.UNREADABLE,
    sqlite3.SQLITE_PERM: StoreError.UNREADABLE,
    sqlite3.SQLITE_CONSTRAINT: StoreError.CONFLICT,
}


def store_error_from(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """The error the user can act on for SQLite's `exc`, chosen by its result code, not its
    English text; None when `exc` is a bug in our code (it must then propagate unchanged)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None  # raised by the sqlite3 module itself: a misuse, e.g. a bad binding
    kind = _KINDS.get(code & 0xFF)
    where = {"path": str(path)}
    if kind == StoreError.CONFLICT:
        return StoreError(
            kind,
            N_("The change clashes with data already saved ({reason}); nothing was changed."),
            {"reason": str(exc)},
        )
    if kind == StoreError.LOCKED:
        return StoreError(
            kind,
            N_(
                "The database {path} is busy in another program or window. "
                "Close the other copy of the app and try again; nothing was changed."
            ),
            where,
        )
    if kind == StoreError.READ_ONLY:
        return StoreError(
            kind,
            N_(
                "The database {path} is read-only, so nothing can be saved. "
                "Copy it to a folder you can write to (not a CD or a locked USB stick) "
                "and open the copy."
            ),
            where,
        )
    if kind == StoreError.CORRUPT:
        return StoreError(
            kind,
            N_(
                "The database {path} is damaged. Do not type more into it: open your latest "
                "backup, or ask for help to repair it."
            ),
            where,
        )
    if kind == StoreError.NOT_A_DATABASE:
        return StoreError(
            kind,
            N_("The file {path} is not a database of this app. Choose the right file."),
            where,
        )
    if kind == StoreError.DISK_FULL:
        return StoreError(
            kind,
            N_("The disk holding {path} is full. Free some space, then save again."),
            where,
        )
    if kind == StoreError.IO:
        return StoreError(
            kind,
            N_(
                "The database {path} could not be read or written: the disk or USB stick "
                "holding it was removed or is failing. Plug it back in and open the file "
                "again; if this happens again, copy the file to this computer's own disk "
                "and open the copy."
            ),
            where,
        )
    if kind == StoreError.UNREADABLE:
        return StoreError(
            kind,
            N_("The database {path} cannot be opened ({reason}). Check the file and the folder."),
            {"path": str(path), "reason": str(exc)},
        )
    return None


DAMAGED_MESSAGE = N_(
    "The database {path} is damaged, so it was not used and nothing was changed. "
    "List your backups with 'tthtcd backup list --db {path}' and bring back the latest good "
    "one with 'tthtcd restore --db {path} FILE', or ask for help to repair it."
)


def _integrity_problems(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """What `PRAGMA quick_check` finds wrong; [] when the file is sound. A page too damaged
    for the check itself to read counts as one problem. About 0.3 s for 200,000 people
    once the file is in the OS cache, 4 s from a cold disk."""
    try:
        rows = conn.execute(f"PRAGMA quick_check({int(limit)})").fetchall()
    except StoreError as exc:
        if exc.kind not in (StoreError.CORRUPT, StoreError.NOT_A_DATABASE):
            raise
        return [str(exc.__cause__ or exc)]
    lines = [str(row[0]) for row in rows]
    return [] if lines == ["ok"] else lines


def damaged_error(path: Path, problems: list[str] | None = None) -> StoreError:
    """The refusal for a file that fails its integrity check; `problems` go to the log only,
    the user reads what to do."""
    if problems:
        log.info("%s failed its integrity check: %s", path, "; ".join(problems))
    return StoreError(StoreError.CORRUPT, DAMAGED_MESSAGE, {"path": str(path)})


def _raise_mapped(exc: sqlite3.Error, path: Path) -> NoReturn:
    """Raise the StoreError for `exc`, or `exc` itself if it is a bug; call in `except`."""
    error = store_error_from(exc, path)
    if error is None:
        raise exc
    raise error from exc


_cursor_next = sqlite3.Cursor.__next__


class _Cursor(sqlite3.Cursor):
    """A cursor whose every step, executing or fetching rows, fails with a StoreError the
    user can act on: a damaged page or a vanished USB stick may only show while reading."""

    def _path(self) -> Path:
        return getattr(self.connection, "store_path", Path())

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            _raise_mapped(exc, self._path())

    def executemany(self, sql: str, parameters: Any, /) -> Self:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as exc:
            _raise_mapped(exc, self._path())

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(sql_script)
        except sqlite3.Error as exc:
            _raise_mapped(exc, self._path())

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            _raise_mapped(exc, self._path())

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.Error as exc:
            _raise_mapped(exc, self._path())

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            _raise_mapped(exc, self._path())

    def __next__(self) -> Any:
        try:
            return _cursor_next(self)  # not super(): this runs once per row
        except sqlite3.Error as exc:
            _raise_mapped(exc, self._path())


class _Connection(sqlite3.Connection):
    """A connection whose statements and cursors fail with a StoreError the user can act on.

    Reads happen outside `Database.transaction`, so without this a file that became locked
    or damaged after opening would surface as a raw sqlite3 error (a "bug" to the GUI).
    Errors that are bugs in our SQL stay raw sqlite3 errors.
    """

    store_path: Path = Path()

    def cursor(self, factory: Any = _Cursor) -> Any:
        try:
            return super().cursor(factory)
        except sqlite3.Error as exc:
            _raise_mapped(exc, self.store_path)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = self.cursor()
        return cursor.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = self.cursor()
        return cursor.executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = self.cursor()
        return cursor.executescript(sql_script)


class Database:
    """One open database file. Not thread-safe: give each thread its own (see `reader`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool) -> None:
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self._snapshot = False
        row = conn.execute("SELECT id, role FROM site WHERE is_local = 1").fetchone()
        self.site_id: str = row[0]
        self.site_role: str = row[1]

    def close(self) -> None:
        self.conn.close()

    def reader(self) -> Database:
        """Another connection to the same file, for reads on another thread."""
        return open_database(self.path, read_only=True)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction (BEGIN DEFERRED ... COMMIT): every statement inside sees the
        file as it was at the first read, whatever other connections commit meanwhile, so a
        check or a report never mixes two states. Reentrant, and a no-op inside an open
        write transaction (which already is one state). Nothing may be written inside."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN DEFERRED")
        self._snapshot = True
        try:
            yield
        finally:
            self._snapshot = False
            self._rollback()  # a read transaction: ending it is all there is to do

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error, so nothing is half-written."""
        if self._snapshot:
            raise RuntimeError("a write inside a read snapshot (Database.snapshot)")
        if self.read_only:
            raise StoreError(
                StoreError.READ_ONLY,
                N_(
                    "The database {path} is open read-only, so nothing can be saved. "
                    "Copy it to a folder you can write to and open the copy."
                ),
                {"path": str(self.path)},
            )
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self._rollback()
            _raise_mapped(exc, self.path)
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Undo the open transaction after an error, never hiding that error."""
        # A failed COMMIT or a disk error may already have ended the transaction, and on a
        # vanished disk ROLLBACK itself fails: SQLite then rolls back from the journal when
        # the file is next opened.
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except (StoreError, sqlite3.Error):
            pass

    def integrity_problems(self, limit: int = 20) -> list[str]:
        """What `PRAGMA quick_check` finds wrong (at most `limit` lines); [] when sound."""
        return _integrity_problems(self.conn, limit)

    def check_integrity(self) -> None:
        """Raise the damaged-file StoreError (which names the backups) unless quick_check
        passes: run before anything is written, and before anything is read for the user."""
        problems = self.integrity_problems()
        if problems:
            raise damaged_error(self.path, problems)

    def checkpoint(self) -> None:
        """Fold the write-ahead log back into the file, e.g. after a large load, so the next
        opening does not have to read through it and a copied file is complete."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def get_setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def file_header(path: Path, unreadable: str) -> bytes:
    """The first 16 bytes of a file (b"SQLite format 3\\0" for a database; fewer, or none,
    for something else); `unreadable` (a msgid with {path} and {reason}) if it cannot be read."""
    try:
        with path.open("rb") as fh:
            return fh.read(16)
    except OSError as exc:
        raise StoreError(
            StoreError.UNREADABLE,
            unreadable,
            {"path": str(path), "reason": exc.strerror or str(exc)},
        ) from exc


def _check_file(path: Path, create: bool) -> bool:
    """Return True if the file must be created. Raise StoreError for anything unusable."""
    if not path.exists():
        if not create:
            raise StoreError(
                StoreError.MISSING,
                N_(
                    "There is no database at {path}. "
                    "Check the path, or create one with 'tthtcd demo'."
                ),
                {"path": str(path)},
            )
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        return True
    if path.is_dir():
        raise StoreError(
            StoreError.UNREADABLE,
            N_("{path} is a folder, not a database file. Choose the database file."),
            {"path": str(path)},
        )
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise StoreError(
            StoreError.UNREADABLE,
            N_("The database {path} cannot be read ({reason}). Check the file's permissions."),
            {"path": str(path), "reason": exc.strerror or str(exc)},
        ) from exc
    # Never opened, so nothing waits on a pipe and nothing (a -journal) is created beside it.
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise StoreError(
            StoreError.NOT_A_DATABASE,
            N_("{path} is a pipe, not a database file. Choose the database file."),
            {"path": str(path)},
        )
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise StoreError(
            StoreError.NOT_A_DATABASE,
            N_("{path} is a device, not a database file. Choose the database file."),
            {"path": str(path)},
        )
    if not stat.S_ISREG(mode):
        raise StoreError(
            StoreError.NOT_A_DATABASE,
            N_("{path} is not a file. Choose the database file."),
            {"path": str(path)},
        )
    header = file_header(
        path, N_("The database {path} cannot be read ({reason}). Check the file's permissions.")
    )
    if not header:
        # An empty file just made by a file manager ("New document") becomes a new database
        # where one is created (the GUI); elsewhere it is not a database yet.
        if create:
            return True
        raise StoreError(
            StoreError.NOT_A_DATABASE,
            N_(
                "The file {path} is empty: it is not a database of this app. Choose the right "
                "file, or open it in the app to start a new database in it."
            ),
            {"path": str(path)},
        )
    if header != SQLITE_HEADER:
        raise StoreError(
            StoreError.NOT_A_DATABASE,
            N_("The file {path} is not a database of this app. Choose the right file."),
            {"path": str(path)},
        )
    return False


def read_snapshot(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run a service method inside one `Database.snapshot` of the service's database: its own
    `_db`, or else that of the first service it holds (a documents service holds others)."""

    @functools.wraps(method)
    def in_snapshot(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with _database_of(self).snapshot():
            return method(self, *args, **kwargs)

    return in_snapshot


def _database_of(service: object) -> Database:
    own = getattr(service, "_db", None)
    if isinstance(own, Database):
        return own
    for held in vars(service).values():
        db = getattr(held, "_db", None)
        if isinstance(db, Database):
            return db
    raise TypeError(f"{type(service).__name__} holds no Database")


def folder_writable(path: Path) -> bool:
    """Whether files can be made beside `path`: WAL needs its -shm there even to read. False
    on a CD, a write-protected USB stick, a read-only share or mount."""
    return os.access(path.resolve().parent, os.W_OK)


def _read_only_media(path: Path) -> bool:
    """A file in a folder we cannot write to, whose -wal holds nothing to read: it is opened
    `immutable` (no -shm, no locks). A non-empty -wal must be read through its -shm, so that
    case opens as usual (and says why if it cannot)."""
    if folder_writable(path):
        return False
    try:
        return os.path.getsize(f"{path}-wal") == 0
    except OSError:
        return True  # no -wal at all


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro"
        if _read_only_media(path):
            uri += "&immutable=1"
        conn = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=False, factory=_Connection,
        )  # fmt: skip
    else:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False,
            factory=_Connection,
        )  # fmt: skip
    assert isinstance(conn, _Connection)
    conn.store_path = path
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # 32 MiB of page cache keeps a 200,000-person search index warm (default is 2 MiB).
    conn.execute("PRAGMA cache_size = -32768")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _check_schema(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Refuse a database written by a newer app; return the migrations still to apply."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    applied: list[str] = []
    if has_table:
        applied = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
            )
        ]
    else:
        other = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if other:
            raise StoreError(
                StoreError.NOT_A_DATABASE,
                N_("The file {path} is a database of another program. Choose the right file."),
                {"path": str(path)},
            )
    known = known_migration_names()
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(
            StoreError.NEWER_SCHEMA,
            N_(
                "The database {path} was saved by a newer version of this app. "
                "Update the app to open it; it was not changed."
            ),
            {"path": str(path)},
        )
    return [name for name in known if name not in applied]


class _NeedsMigration(StoreError):
    """A file opened for reading needs the migrations of this version first."""


def open_database(
    path: Path | str, *, create: bool = False, read_only: bool = False, check: bool = False
) -> Database:
    """Open (and if asked, create) the database, migrating it to this app's schema.

    With `check`, an existing file must pass `PRAGMA quick_check` first (before any
    migration writes to it). Raises StoreError with a message for the user when the file
    cannot be used; a damaged file always gives `damaged_error`.
    """
    path = Path(path)
    try:
        try:
            return _open(path, create=create, read_only=read_only, check=check)
        except _NeedsMigration:
            if not (os.access(path, os.W_OK) and folder_writable(path)):
                raise
            # Only reading was asked for (a list, a report), but this version of the app must
            # first bring the file up to date: the file can be written, so it is, once, and
            # then opened for reading as asked.
            _open(path, create=False, read_only=False, check=check).close()
            return _open(path, create=False, read_only=True, check=False)
    except StoreError as exc:
        if exc.kind == StoreError.CORRUPT and exc.message != DAMAGED_MESSAGE:
            raise damaged_error(path, [str(exc.__cause__ or exc)]) from exc
        raise


def _open(path: Path, *, create: bool, read_only: bool, check: bool) -> Database:
    must_create = _check_file(path, create and not read_only)
    if (
        not read_only
        and not must_create
        and not (os.access(path, os.W_OK) and folder_writable(path))
    ):
        # A read-only file, or one on read-only media, still opens, to look at; saving says
        # why it can't.
        read_only = True
    try:
        conn = _connect(path, read_only)
        try:
            if check and not must_create:
                problems = _integrity_problems(conn)
                if problems:
                    raise damaged_error(path, problems)
            pending = _check_schema(conn, path)
            if pending:
                if read_only:
                    raise _NeedsMigration(
                        StoreError.READ_ONLY,
                        N_(
                            "The database {path} needs updating to this version of the app, "
                            "but it is read-only. Copy it to a folder you can write to first."
                        ),
                        {"path": str(path)},
                    )
                _writer_pragmas(conn)
                apply_migrations(UtilsDatabase(conn))
                _ensure_site(conn)
            elif not read_only:
                _writer_pragmas(conn)
            return Database(path, conn, read_only)
        except BaseException:
            conn.close()
            raise
    except sqlite3.Error as exc:
        _raise_mapped(exc, path)


def _writer_pragmas(conn: sqlite3.Connection) -> None:
    """WAL, and FULL synchronous: every COMMIT is on the disk before it returns, so a receipt,
    payment or certificate number already handed out on paper survives a power cut (with
    NORMAL the last commits can roll back and their numbers be handed out again)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")


def _ensure_site(conn: sqlite3.Connection) -> None:
    """Mint this installation's identity once, on first start."""
    if conn.execute("SELECT 1 FROM site WHERE is_local = 1").fetchone():
        return
    conn.execute(
        "INSERT INTO site (id, name, role, created_at, is_local) VALUES (?, '', 'centre', ?, 1)",
        (new_id(), utc_now()),
    )
