"""Sync benchmark (issue 10 part 12); prints JSON.

    python bench/sync.py [--people 200000] [--attendance 1000000] [--centres 100]
                         [--merge-people 1000000] [--skip-merge]

1. A centre with 200,000 people and about 1,000,000 attendance rows exports its first data
   bundle (every row it owns), and an office imports it. Both go through the SyncService the
   GUI and the CLI use. Each is compared with the floor measured in the same run: a copy of
   the same centre database with SQLite's backup API, then compressed with zstd (level 3).
   Target: export and import <= 3 x that floor.
2. An office merges 100 centres' bundles (1,000,000 people in all) in one `import_files`,
   against the floor of a raw `executemany` insert of the same rows (every row of every
   travelling table the centres own) into an empty database of the same schema, in one
   transaction. Target: merge <= 3 x that floor.

zstd: the `zstandard` module when it is installed, else the `zstd` program. It is a bench
dependency only, not the app's. The centres' demo data is made first (not timed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.services.demo import create_demo  # noqa: E402
from desktop_app.services.workspace import Workspace  # noqa: E402
from desktop_app.storage.db import open_database  # noqa: E402

TARGET_RATIO = 3.0
ZSTD_LEVEL = 3
# Attendance rows the demo makes per class at the default mix (measured: 200,000 people and
# 1,724 classes give 881,000): the bench asks for as many classes as the target needs.
ATTENDANCE_PER_COURSE = 510


def _zstd() -> tuple[str, Callable[[Path, Path], None]] | None:
    if importlib.util.find_spec("zstandard") is not None:
        import zstandard

        def with_module(source: Path, target: Path) -> None:
            compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
            with source.open("rb") as src, target.open("wb") as dst:
                compressor.copy_stream(src, dst)
                dst.flush()
                os.fsync(dst.fileno())

        return "zstandard", with_module
    program = shutil.which("zstd")
    if program is None:
        return None

    def with_program(source: Path, target: Path) -> None:
        subprocess.run(
            [program, "-q", "-f", f"-{ZSTD_LEVEL}", str(source), "-o", str(target)], check=True
        )
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    return "zstd program", with_program


def _backup_and_compress(
    source: Path, folder: Path, compress: Callable[[Path, Path], None] | None
) -> tuple[float, int]:
    """Seconds to copy `source` with SQLite's backup API and compress the copy; its size."""
    copy = folder / "floor-copy.sqlite3"
    packed = folder / "floor-copy.sqlite3.zst"
    for leftover in (copy, packed):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    if compress is not None:
        compress(copy, packed)
    seconds = time.perf_counter() - started
    size = (packed if compress is not None else copy).stat().st_size
    copy.unlink()
    packed.unlink(missing_ok=True)
    return seconds, size


def _index_fk_children(path: Path) -> list[str]:
    """Experiment (--fk-child-indexes): index every foreign-key child column that has no
    index of its own, as SQLite advises. Without them, while a transaction with deferred
    foreign keys has a pending violation (a household inserted before its head), every
    person inserted scans the tables that refer to people (household.head_id,
    member.person_id, ledger_entry.person_id): the import grows with the square of the rows.
    Returns the indexes made."""
    conn = sqlite3.connect(path)
    made = []
    try:
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
            )
        ]
        for table in tables:
            leading = set()
            for _seq, name, _unique, _origin, partial in conn.execute(
                f"PRAGMA index_list({table})"
            ):
                first = conn.execute(f"PRAGMA index_info({name})").fetchone()
                if first is not None and not partial:
                    leading.add(str(first[2]))
            for fk in conn.execute(f"PRAGMA foreign_key_list({table})").fetchall():
                column = str(fk[3])
                if column not in leading:
                    name = f"bench_fk_{table}_{column}"
                    conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
                    leading.add(column)
                    made.append(f"{table}.{column}")
        conn.commit()
    finally:
        conn.close()
    return made


def _enrol(office: Workspace, centre: Workspace, folder: Path) -> None:
    """Request, enrol, accept; the files in a new folder (every office reply is its bundle 0)."""
    folder = Path(tempfile.mkdtemp(prefix="enrol-", dir=folder))
    request = centre.sync.enrol_request(folder)
    reply = office.sync.enrol(request, folder)
    centre.sync.enrol_accept(reply)


def _counts(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
    finally:
        conn.close()


def _travelling(conn: sqlite3.Connection) -> list[str]:
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    out = []
    for name in names:
        columns = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({name})")}
        if {"owner_site", "version"} <= columns:
            out.append(name)
    return out


def _raw_insert_floor(centres: list[Path], folder: Path) -> tuple[float, int]:
    """Seconds to insert, with executemany in one transaction, every row the centres own
    (the rows their bundles carry) into an empty database of the app's schema; rows."""
    target = folder / "raw-floor.sqlite3"
    open_database(target, create=True).close()  # the schema, with its indexes and triggers
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    tables = _travelling(conn)
    seconds = 0.0
    rows_in = 0
    conn.execute("BEGIN IMMEDIATE")
    for path in centres:
        source = sqlite3.connect(path)
        site = source.execute("SELECT id FROM site WHERE is_local = 1").fetchone()[0]
        batches = []
        for table in tables:
            columns = [str(r[1]) for r in source.execute(f"PRAGMA table_info({table})")]
            rows = source.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE owner_site = ?", (site,)
            ).fetchall()
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})"
            )
            batches.append((sql, rows))
        source.close()
        started = time.perf_counter()  # only the inserts are timed, not reading the rows
        for sql, rows in batches:
            conn.executemany(sql, rows)
            rows_in += len(rows)
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    conn.execute("COMMIT")
    seconds += time.perf_counter() - started
    conn.close()
    return seconds, rows_in


def bench_centre(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    compress = _zstd()
    centre_path = folder / "centre.sqlite3"
    office_path = folder / "office.sqlite3"
    out = folder / "stick"
    out.mkdir()
    courses = max(1, args.attendance // ATTENDANCE_PER_COURSE)
    started = time.perf_counter()
    with (
        Workspace.open(office_path, create=True) as office,
        Workspace.open(centre_path, create=True) as centre,
    ):
        office.sync.init_site("office", "Sở Giáo dục và Đào tạo (bench)")
        create_demo(centre, people=args.people, seed=1, courses=courses)
        centre.db.checkpoint()
        _enrol(office, centre, folder)
    fill_s = time.perf_counter() - started
    counts = _counts(centre_path, ("person", "attendance", "enrolment", "ledger_entry"))
    indexed = _index_fk_children(office_path) if args.fk_child_indexes else []
    floors = []
    for _ in range(args.runs):
        seconds, packed_size = _backup_and_compress(
            centre_path, folder, compress[1] if compress else None
        )
        floors.append(seconds)
    floor_s = min(floors)
    with Workspace.open(centre_path) as centre:
        started = time.perf_counter()
        exported = centre.sync.export(out)
        export_s = time.perf_counter() - started
    with Workspace.open(office_path) as office:
        started = time.perf_counter()
        outcomes = office.sync.import_files([exported.file])
        import_s = time.perf_counter() - started
    assert [o.status for o in outcomes] == ["applied"], outcomes
    return {
        "people": counts["person"],
        "attendance": counts["attendance"],
        "enrolments": counts["enrolment"],
        "ledger_entries": counts["ledger_entry"],
        "database_mb": round(centre_path.stat().st_size / 1e6, 1),
        "fill_s": round(fill_s, 1),
        "zstd": compress[0] if compress else None,
        "floor_backup_zstd_s": round(floor_s, 2),
        "floor_zstd_mb": round(packed_size / 1e6, 1),
        "bundle_mb": round(exported.file.stat().st_size / 1e6, 1),
        "bundle_rows": sum(exported.rows.values()),
        "export_s": round(export_s, 2),
        "export_ratio": round(export_s / floor_s, 2),
        "import_s": round(import_s, 2),
        "import_ratio": round(import_s / floor_s, 2),
        "target_ratio": TARGET_RATIO,
        "ok": export_s <= TARGET_RATIO * floor_s and import_s <= TARGET_RATIO * floor_s,
        "experiment_fk_child_indexes": indexed,
    }


def bench_merge(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    office_path = folder / "merge-office.sqlite3"
    stick = folder / "merge-stick"
    stick.mkdir()
    per_centre = args.merge_people // args.centres
    centres: list[Path] = []
    files: list[Path] = []
    started = time.perf_counter()
    with Workspace.open(office_path, create=True) as office:
        office.sync.init_site("office", "Sở Giáo dục và Đào tạo (bench)")
        for number in range(1, args.centres + 1):
            path = folder / f"merge-centre-{number}.sqlite3"
            with Workspace.open(path, create=True) as centre:
                create_demo(centre, people=per_centre, seed=number)
                _enrol(office, centre, folder)
                files.append(centre.sync.export(stick).file)
                centre.db.checkpoint()
            centres.append(path)
    fill_s = time.perf_counter() - started
    indexed = _index_fk_children(office_path) if args.fk_child_indexes else []
    floor_s, rows = _raw_insert_floor(centres, folder)
    with Workspace.open(office_path) as office:
        started = time.perf_counter()
        outcomes = office.sync.import_files(files)
        merge_s = time.perf_counter() - started
    statuses = sorted({o.status for o in outcomes})
    assert statuses == ["applied"], [(o.file, o.status, o.reason) for o in outcomes]
    people = _counts(office_path, ("person",))["person"]
    return {
        "centres": args.centres,
        "people": people,
        "rows": rows,
        "bundles_mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
        "office_mb": round(office_path.stat().st_size / 1e6, 1),
        "fill_s": round(fill_s, 1),
        "floor_executemany_s": round(floor_s, 2),
        "merge_s": round(merge_s, 2),
        "merge_ratio": round(merge_s / floor_s, 2),
        "target_ratio": TARGET_RATIO,
        "ok": merge_s <= TARGET_RATIO * floor_s,
        "experiment_fk_child_indexes": indexed,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--attendance", type=int, default=1_000_000)
    parser.add_argument("--centres", type=int, default=100)
    parser.add_argument("--merge-people", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of the floor (best is kept)")
    parser.add_argument("--skip-centre", action="store_true")
    parser.add_argument("--skip-merge", action="store_true")
    parser.add_argument(
        "--fk-child-indexes",
        action="store_true",
        help="experiment: index the foreign-key child columns of the offices first",
    )
    args = parser.parse_args()
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="tthtcd-bench-sync-") as tmp:
        folder = Path(tmp)
        os.environ["TTHTCD_BACKUP_DIR"] = str(folder / "auto")
        os.environ["TTHTCD_KEY_DIR"] = str(folder / "keys")
        if not args.skip_centre:
            result["centre"] = bench_centre(args, folder)
        if not args.skip_merge:
            result["merge"] = bench_merge(args, folder)
    result["ok"] = all(bool(part["ok"]) for part in result.values() if isinstance(part, dict))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
