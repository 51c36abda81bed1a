"""Backups: automatic ones in the user data folder (rotated), encrypted ones for leaving the
PC, listing them, and restoring one.

A plain backup is a database file of this app, written with SQLite's backup API. An encrypted
backup is an age file (passphrase, scrypt) that decrypts to a ZIP of `manifest.json`, the
database as `tthtcd.sqlite3` and the site's key file when there is one, so a new PC gets the
centre's identity back. A restore checks everything before anything changes and keeps the
replaced database aside as `NAME.before-restore-YYYYMMDD-HHMMSS`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.appinfo import backups_dir
from desktop_app.core.problems import N_, StoreError, UserError
from desktop_app.core.text import fold
from desktop_app.documents.output import write_failed
from desktop_app.storage import backup as store
from desktop_app.storage.backup import DatabaseFacts
from desktop_app.storage.db import Database
from desktop_app.sync import keystore

__all__ = [
    "BackupInfo",
    "BackupService",
    "DatabaseFacts",
    "RestoreResult",
    "backups_dir",
    "inspect",
    "kept_by_rotation",
    "list_backups",
    "restore",
    "rotate",
]

PLAIN_SUFFIX = ".sqlite3"
ENCRYPTED_SUFFIX = ".age"
AGE_HEADER = b"age-encryption.org/v1\n"
ZIP_DATABASE = "tthtcd.sqlite3"
ZIP_MANIFEST = "manifest.json"
MANIFEST_FORMAT = "tthtcd-backup/1"
# How many of the newest days, ISO weeks and months keep their newest automatic backup.
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
# A backup's time, in its name: ...-20260131-235959.sqlite3 (or -2 when two share a second).
_STAMP = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?\.(?:sqlite3|age)$")
_STAMP_FORMAT = "%Y%m%d-%H%M%S"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # local time
    size: int
    encrypted: bool
    facts: DatabaseFacts | None  # None for an encrypted backup not opened with its passphrase


@dataclass(frozen=True, slots=True)
class RestoreResult:
    facts: DatabaseFacts
    aside: Path | None  # the replaced database, kept; None when there was none
    key_restored: bool


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", fold(text).lower())
    return "-".join(words)[:48].strip("-")


def backup_name(facts: DatabaseFacts, when: dt.datetime, suffix: str) -> str:
    """`<centre>-<site>-YYYYMMDD-HHMMSS<suffix>`: the centre's name without marks, the end of
    the site's id (two centres of one name stay apart) and the local time."""
    slug = _slug(facts.centre_name or facts.site_name) or "tthtcd"
    site = re.sub(r"[^0-9a-z]", "", facts.site_id.lower())[-8:]
    return f"{slug}-{site}-{when.strftime(_STAMP_FORMAT)}{suffix}"


def _free_path(folder: Path, name: str) -> Path:
    path = folder / name
    n = 2
    while path.exists():
        stem, suffix = name.rsplit(".", 1)
        path = folder / f"{stem}-{n}.{suffix}"
        n += 1
    return path


def _stamp_of(path: Path) -> dt.datetime:
    match = _STAMP.search(path.name)
    if match:
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(match.group(1), _STAMP_FORMAT)
    return dt.datetime.fromtimestamp(path.stat().st_mtime)


def _ensure_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(
            N_("{path} is a file, not a folder. Choose a folder."), {"path": str(folder)}
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            N_("The folder {path} cannot be created ({reason})."),
            {"path": str(folder), "reason": exc.strerror or str(exc)},
        ) from exc


def _os_error(exc: OSError, path: Path) -> UserError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return write_failed(path, exc)  # the disk-full message of every output
    return UserError(
        N_("{path} could not be written ({reason}); nothing was changed."),
        {"path": str(path), "reason": exc.strerror or str(exc)},
    )


class BackupService:
    """Backups of the open database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def facts(self) -> DatabaseFacts:
        return store.read_facts(self.db.path, check=False)

    def backup_now(
        self,
        folder: Path | None = None,
        *,
        now: dt.datetime | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """A plain backup into `folder` (default: the automatic backups folder, which is then
        rotated); returns the file written."""
        automatic = folder is None
        folder = backups_dir() if folder is None else folder
        _ensure_folder(folder)
        facts = self.facts()
        when = now or dt.datetime.now()
        target = _free_path(folder, backup_name(facts, when, PLAIN_SUFFIX))
        store.remove_stale_temporaries(folder, target.name.split("-")[0])
        try:
            store.write_backup(self.db.conn, target, progress)
        except OSError as exc:
            raise _os_error(exc, target) from exc
        if automatic or _same_folder(folder, backups_dir()):
            rotate(folder, facts.site_id, today=when)
        return target

    def automatic_due(self, *, now: dt.datetime | None = None, every_hours: int = 24) -> bool:
        """Whether the latest automatic backup of this site is older than `every_hours`."""
        latest = self.latest()
        when = now or dt.datetime.now()
        return latest is None or when - latest.taken_at >= dt.timedelta(hours=every_hours)

    def latest(self) -> BackupInfo | None:
        """The newest automatic backup of this database's site (for "open the latest backup")."""
        found = list_backups(backups_dir(), self.db.site_id)
        return found[0] if found else None

    def list(self, folder: Path | None = None) -> list[BackupInfo]:
        return list_backups(backups_dir() if folder is None else folder, self.db.site_id)

    def export_encrypted(
        self, folder: Path, passphrase: str, *, now: dt.datetime | None = None
    ) -> Path:
        """An age file (passphrase) for a USB stick: a ZIP of the manifest, the database and
        the site's key file. Written under a temporary name and renamed."""
        from desktop_app import __version__

        if not passphrase:
            raise UserError(N_("The passphrase must not be empty."))
        _ensure_folder(folder)
        when = now or dt.datetime.now()
        scratch = folder / f".tthtcd-export-{uuid.uuid4().hex[:12]}.tmp"
        target = Path()
        try:
            store.write_backup(self.db.conn, scratch)
            facts = store.read_facts(scratch, check=False)
            target = _free_path(folder, backup_name(facts, when, ENCRYPTED_SUFFIX))
            manifest = {
                "format": MANIFEST_FORMAT,
                "app_version": __version__,
                "schema": facts.schema,
                "site_id": facts.site_id,
                "site_name": facts.site_name,
                "centre_name": facts.centre_name,
                "date": when.astimezone().isoformat(timespec="seconds"),
                "counts": {
                    "people": facts.people,
                    "classes": facts.classes,
                    "members": facts.members,
                    "ledger_entries": facts.ledger_entries,
                },
            }
            key = keystore.key_file(facts.site_id)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(ZIP_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                archive.write(scratch, ZIP_DATABASE)
                if key.is_file():
                    archive.write(key, key.name)
            encrypted = _encrypt(buffer.getvalue(), passphrase)
            del buffer
            _write_atomic(target, encrypted)
        except OSError as exc:
            raise _os_error(exc, target if target != Path() else folder) from exc
        finally:
            with contextlib.suppress(OSError):
                scratch.unlink()
        return target


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _encrypt(data: bytes, passphrase: str) -> bytes:
    from pyrage import passphrase as age

    return bytes(age.encrypt(data, passphrase))


def _decrypt(data: bytes, passphrase: str, path: Path) -> bytes:
    import pyrage
    from pyrage import passphrase as age

    try:
        return bytes(age.decrypt(data, passphrase))
    except pyrage.DecryptError as exc:
        raise UserError(
            N_("The passphrase is wrong, or the backup {path} is damaged; nothing was changed."),
            {"path": str(path)},
        ) from exc


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


# Listing and rotating -------------------------------------------------------------------


def list_backups(folder: Path, site_id: str | None = None) -> list[BackupInfo]:
    """The plain backups in `folder` (of one site if given), newest first. Files that are not
    backups of this app are left out; nothing is checked page by page (restore does that)."""
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        if store.is_temporary(path) or not path.is_file():
            continue
        if path.suffix != PLAIN_SUFFIX:
            continue
        try:
            facts = store.read_facts(path, check=False)
            size = path.stat().st_size
        except (StoreError, OSError):
            continue
        if site_id is not None and facts.site_id != site_id:
            continue
        found.append(BackupInfo(path, _stamp_of(path), size, False, facts))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def list_for_database(db_path: Path) -> list[BackupInfo]:
    """The automatic backups of the database at `db_path`, newest first: of its site when the
    file can still be read that far, else (a badly damaged file) every backup there is."""
    try:
        site_id: str | None = store.read_facts(db_path, check=False).site_id
    except StoreError:
        site_id = None
    return list_backups(backups_dir(), site_id)


def kept_by_rotation(
    stamps: Iterable[dt.datetime],
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[dt.datetime]:
    """Which backups a rotation keeps: the newest of each of the `daily` newest days, the
    `weekly` newest ISO weeks and the `monthly` newest months that have one."""
    ordered = sorted(set(stamps), reverse=True)
    kept: set[dt.datetime] = set()
    buckets: list[tuple[int, Callable[[dt.datetime], object]]] = [
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ]
    for limit, bucket in buckets:
        seen: set[object] = set()
        for stamp in ordered:
            key = bucket(stamp)
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.add(key)
            kept.add(stamp)
    return kept


def rotate(folder: Path, site_id: str, *, today: dt.datetime | None = None) -> list[Path]:
    """Delete the automatic backups of `site_id` in `folder` that the rotation does not keep;
    return the files deleted. A backup dated in the future is kept."""
    backups = list_backups(folder, site_id)
    keep = kept_by_rotation(b.taken_at for b in backups)
    now = today or dt.datetime.now()
    removed: list[Path] = []
    for b in backups:
        if b.taken_at in keep or b.taken_at > now:
            continue
        with contextlib.suppress(OSError):
            b.path.unlink()
            removed.append(b.path)
    return removed


# Opening and restoring ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Opened:
    database: Path  # a checked database file (a scratch file for an encrypted backup)
    facts: DatabaseFacts
    key: bytes | None
    scratch: Path | None


def _not_ours(path: Path) -> UserError:
    return UserError(
        N_("The file {path} is not a backup of this app; nothing was changed."),
        {"path": str(path)},
    )


def _kind(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(AGE_HEADER))
    except FileNotFoundError as exc:
        raise UserError(N_("There is no file {path}."), {"path": str(path)}) from exc
    except IsADirectoryError as exc:
        raise UserError(
            N_("{path} is a folder, not a backup file. Choose the backup file."),
            {"path": str(path)},
        ) from exc
    except OSError as exc:
        raise UserError(
            N_("The backup {path} cannot be read ({reason})."),
            {"path": str(path), "reason": exc.strerror or str(exc)},
        ) from exc
    if head.startswith(store.SQLITE_HEADER):
        return "plain"
    if head == AGE_HEADER:
        return "age"
    raise _not_ours(path)


def _open_backup(file: Path, passphrase: str | None, scratch_folder: Path) -> _Opened:
    """Check `file` completely: a plain backup is read in place; an encrypted one is decrypted
    into a scratch file in `scratch_folder` (the caller removes it)."""
    if _kind(file) == "plain":
        return _Opened(file, store.read_facts(file), None, None)
    if passphrase is None:
        raise UserError(
            N_("The backup {path} is encrypted: its passphrase is needed."), {"path": str(file)}
        )
    plain = _decrypt(file.read_bytes(), passphrase, file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(plain))
        names = archive.namelist()
        if ZIP_MANIFEST not in names or ZIP_DATABASE not in names:
            raise _not_ours(file)
        manifest = json.loads(archive.read(ZIP_MANIFEST))
        if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
            raise _not_ours(file)
        site_id = str(manifest.get("site_id", ""))
        key_name = keystore.key_file(site_id).name if site_id else ""
        key = archive.read(key_name) if key_name in names else None
        scratch_folder.mkdir(parents=True, exist_ok=True)
        scratch = scratch_folder / f".tthtcd-restore-{uuid.uuid4().hex[:12]}.tmp"
        with archive.open(ZIP_DATABASE) as src, scratch.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, KeyError) as exc:
        raise UserError(
            N_("The backup {path} is damaged; nothing was changed."), {"path": str(file)}
        ) from exc
    try:
        facts = store.read_facts(scratch)
        if facts.site_id != site_id:
            raise UserError(
                N_("The backup {path} is damaged; nothing was changed."), {"path": str(file)}
            )
    except BaseException:
        with contextlib.suppress(OSError):
            scratch.unlink()
        raise
    return _Opened(scratch, facts, key, scratch)


def inspect(file: Path, passphrase: str | None = None) -> BackupInfo:
    """Open and check a backup without changing anything: what the restore wizard shows."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tthtcd-inspect-") as tmp:
        opened = _open_backup(file, passphrase, Path(tmp))
        if opened.scratch is not None:
            opened.scratch.unlink()
    return BackupInfo(
        file, _stamp_of(file), file.stat().st_size, opened.scratch is not None, opened.facts
    )


def is_encrypted(file: Path) -> bool:
    return _kind(file) == "age"


def _check_key(site_id: str, key: bytes | None) -> bool:
    """Whether the backup's key must be written; refuse if a different key is already there."""
    if key is None:
        return False
    path = keystore.key_file(site_id)
    if path.exists():
        if path.read_bytes() == key:
            return False
        raise UserError(
            N_(
                "This computer already holds a different key for the centre in this backup "
                "({path}); it was not replaced and nothing was changed. Move that file away "
                "first if the backup's key is the right one."
            ),
            {"path": str(path)},
        )
    return True


def _write_key(site_id: str, key: bytes) -> None:
    path = keystore.key_file(site_id)
    # Readable only by the user, as the keystore writes it: 0600 in a 0700 folder on POSIX.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def aside_name(db_path: Path, when: dt.datetime) -> Path:
    return db_path.with_name(f"{db_path.name}.before-restore-{when.strftime(_STAMP_FORMAT)}")


def restore(
    db_path: Path,
    file: Path,
    passphrase: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> RestoreResult:
    """Replace the database at `db_path` by the backup `file`, after checking all of it; the
    replaced database is kept aside first. Refusals change nothing."""
    db_path = Path(db_path)
    if db_path.is_dir():
        raise UserError(
            N_("{path} is a folder, not a database file. Choose the database file."),
            {"path": str(db_path)},
        )
    if _same_file(db_path, file):
        raise UserError(
            N_("{path} is the database itself, not a backup of it."), {"path": str(file)}
        )
    folder = db_path.parent
    _ensure_folder(folder)
    store.remove_stale_temporaries(folder, db_path.name)
    store.remove_stale_temporaries(folder, "tthtcd-restore")
    opened = _open_backup(file, passphrase, folder)
    try:
        write_key = _check_key(opened.facts.site_id, opened.key)
        aside: Path | None = None
        try:
            if db_path.exists() and db_path.stat().st_size > 0:
                when = now or dt.datetime.now()
                aside = aside_name(db_path, when)
                n = 2
                while aside.exists():
                    aside = aside.with_name(f"{aside_name(db_path, when).name}-{n}")
                    n += 1
                store.keep_aside(db_path, aside)
            if write_key and opened.key is not None:
                _write_key(opened.facts.site_id, opened.key)
            store.restore_into(opened.database, db_path)
        except OSError as exc:
            raise _os_error(exc, db_path) from exc
        _start_new_epoch(db_path)
    finally:
        if opened.scratch is not None:
            with contextlib.suppress(OSError):
                opened.scratch.unlink()
    return RestoreResult(opened.facts, aside, write_key)


def _start_new_epoch(db_path: Path) -> None:
    """A restored database has gone back in time: the copy it replaced may have issued
    versions and bundles since. A new sync epoch puts its next edits above all of them."""
    from desktop_app.services.ops import Ops
    from desktop_app.storage.db import open_database
    from desktop_app.storage.sync import start_new_epoch

    db = open_database(db_path)
    try:
        with Ops(db).op("sync.new_epoch") as op:
            start_new_epoch(op.tx)
    finally:
        db.close()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False
