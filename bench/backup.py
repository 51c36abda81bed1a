"""Backup benchmark: a backup of a 200,000-person database against a plain file copy of the
same file, in the same run; prints JSON (issue 8 part 9).

    python bench/backup.py [--people 200000]

The backup goes through the service the GUI and the CLI use (SQLite's backup API, then
`PRAGMA quick_check` of the file written, fsync and rename); the copy is `shutil.copyfile`
plus fsync. Both read a file that was just written, so both come from the page cache; the
best of three runs of each is compared. Target: backup <= 2 x copy. The encrypted export
and a restore are timed too (no target).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.services import backup  # noqa: E402
from desktop_app.services.demo import create_demo_database  # noqa: E402
from desktop_app.services.workspace import Workspace  # noqa: E402

TARGET_RATIO = 2.0


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tthtcd-bench-backup-") as tmp:
        folder = Path(tmp)
        os.environ["TTHTCD_BACKUP_DIR"] = str(folder / "auto")
        os.environ.setdefault("TTHTCD_KEY_DIR", str(folder / "keys"))
        db = folder / "bench.sqlite3"
        started = time.perf_counter()
        create_demo_database(db, people=args.people, courses=0)
        fill_s = time.perf_counter() - started
        size = db.stat().st_size
        copies, backups = [], []
        with Workspace.open(db, read_only=True) as ws:
            # The start's integrity check (the GUI runs it on a reader thread; every writing
            # CLI command runs it first), with the file in the OS cache as after a copy.
            started = time.perf_counter()
            problems = ws.db.integrity_problems()
            quick_check_s = time.perf_counter() - started
            assert problems == [], problems
            for run in range(args.runs):
                target = folder / f"copy-{run}.sqlite3"
                started = time.perf_counter()
                _copy(db, target)
                copies.append(time.perf_counter() - started)
                target.unlink()
                started = time.perf_counter()
                written = ws.backup.backup_now(folder / "plain")
                backups.append(time.perf_counter() - started)
                if run < args.runs - 1:
                    written.unlink()
            started = time.perf_counter()
            encrypted = ws.backup.export_encrypted(folder / "usb", "bench passphrase")
            export_s = time.perf_counter() - started
        restore_target = folder / "restored.sqlite3"
        shutil.copyfile(db, restore_target)
        started = time.perf_counter()
        backup.restore(restore_target, written)
        restore_s = time.perf_counter() - started
        copy_s, backup_s = min(copies), min(backups)
        result = {
            "people": args.people,
            "database_mb": round(size / 1e6, 1),
            "fill_s": round(fill_s, 1),
            "copy_s": round(copy_s, 3),
            "backup_s": round(backup_s, 3),
            "ratio": round(backup_s / copy_s, 2),
            "target_ratio": TARGET_RATIO,
            "ok": backup_s <= TARGET_RATIO * copy_s,
            "encrypted_export_s": round(export_s, 2),
            "encrypted_mb": round(encrypted.stat().st_size / 1e6, 1),
            "restore_s": round(restore_s, 2),
            "quick_check_s": round(quick_check_s, 2),
        }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
