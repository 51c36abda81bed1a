"""kill -9 of `tthtcd backup` and `tthtcd restore` at random points: the database passes
integrity_check, nothing is half-applied (no half-written backup under a backup's name; the
database is the old one or the restored one, never a mix), and the command can be re-run."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.people import PersonInput
from desktop_app.services import backup
from desktop_app.services.workspace import Workspace

ADDED = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long", "Minh", "Nam")
RUNS = int(os.environ.get("TTHTCD_FAULT_RUNS", "10"))

pytestmark = pytest.mark.skipif(os.name == "nt", reason="kill -9 is POSIX")


@pytest.fixture
def demo_file(demo_template: Callable[..., Path]) -> Path:
    """Made once per run (tests/conftest.py); never written to."""
    return demo_template(3000, 8, 5)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app.cli", *args]


def _timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def _kill_at(args: list[str], delay: float) -> int:
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    return process.wait()


def _integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def _people(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM person").fetchone()[0])
    finally:
        conn.close()


def test_killed_backup_leaves_no_half_backup(demo_file: Path, tmp_path: Path) -> None:
    rng = random.Random(91)
    db = tmp_path / "centre.sqlite3"
    shutil.copyfile(demo_file, db)
    folder = tmp_path / "backups"
    full = _timed(_cli("backup", "--db", str(db), "--to", str(folder)))
    for entry in folder.iterdir():
        entry.unlink()
    for run in range(RUNS):
        _kill_at(_cli("backup", "--db", str(db), "--to", str(folder)), rng.uniform(0, full))
        _integrity(db)
        # Whatever carries a backup's name is a whole, checked backup.
        for info in backup.list_backups(folder):
            assert info.facts is not None and info.facts.people == 3000, run
            _integrity(info.path)
        done = subprocess.run(
            _cli("backup", "--db", str(db), "--to", str(folder)), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        _integrity(Path(done.stdout.strip()))


def test_killed_restore_is_old_or_new_never_a_mix(demo_file: Path, tmp_path: Path) -> None:
    rng = random.Random(92)
    db = tmp_path / "centre.sqlite3"
    shutil.copyfile(demo_file, db)
    with Workspace.open(db) as ws:
        saved = ws.backup.backup_now(tmp_path / "usb")
    old_people = _people(saved)
    with Workspace.open(db) as ws:
        for given in ADDED:
            ws.people.add(PersonInput(full_name=f"Lưu Văn {given}"))
    new_db_people = old_people + len(ADDED)
    with Workspace.open(db, read_only=True) as ws:
        ws.backup.backup_now(tmp_path / "start")
    (start,) = (tmp_path / "start").iterdir()
    full = _timed(_cli("restore", "--db", str(db), str(saved)))
    for run in range(RUNS):
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(start, db)
        assert _people(db) == new_db_people
        _kill_at(_cli("restore", "--db", str(db), str(saved)), rng.uniform(0, full))
        _integrity(db)
        assert _people(db) in (new_db_people, old_people), run
        # Re-run: it completes and gives the backup's records.
        done = subprocess.run(
            _cli("restore", "--db", str(db), str(saved)), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        _integrity(db)
        assert _people(db) == old_people
        with Workspace.open(db, check=True) as ws:
            ws.people.add(PersonInput(full_name="Sau Khôi Phục"))
        for aside in db.parent.glob("centre.sqlite3.before-restore-*"):
            _integrity(aside)
