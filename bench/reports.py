"""Annual report benchmark at 200,000 people and 2,000 classes; prints JSON (issue 13).

    python bench/reports.py [--people 200000] [--db PATH] [--keep] [--repeat 3] [--year Y]

Builds a demo database as `tthtcd demo --people N` does (timed), or works on a copy of the
one given with --db (the copy is upgraded and read; the file given is never changed), then
measures `ws.reports.annual` for the year (every table of the report: the classes, the
learners present by sex, age band and hamlet, the literacy results, the members' shares, the
fund, the models' status, Công dân học tập, the registry), the school year's report, the
JSON of the figures and the list of learners behind them. Each figure is the best of
`--repeat` runs; the first (cold) run is reported too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.services.demo import create_demo_database  # noqa: E402
from desktop_app.services.workspace import Workspace  # noqa: E402

TARGETS = {"annual_s": 3.0}


def _timed(fn: object, repeat: int) -> tuple[float, float, object]:
    """(first run s, best run s, the last result)."""
    times = []
    result: object = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return times[0], min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--db", type=Path, help="a demo database to copy (never changed)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=dt.date.today().year)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="tthtcd-bench-reports-"))
    db = folder / "bench.sqlite3"
    results: dict[str, object] = {"people": args.people, "year": args.year}
    try:
        if args.db:
            shutil.copyfile(args.db, db)
            results["generate_s"] = None
        else:
            started = time.perf_counter()
            create_demo_database(db, people=args.people, seed=2026)
            results["generate_s"] = round(time.perf_counter() - started, 2)
        Workspace.open(db).close()  # the upgrade, if the copy is older, is not timed
        with Workspace.open(db, read_only=True) as ws:
            results["people"] = int(ws.db.conn.execute("SELECT count(*) FROM person").fetchone()[0])
            results["classes"] = int(
                ws.db.conn.execute("SELECT count(*) FROM course").fetchone()[0]
            )
            first, best, report = _timed(lambda: ws.reports.annual(args.year), args.repeat)
            results["annual_first_s"] = round(first, 3)
            results["annual_s"] = round(best, 3)
            start, end = ws.reports.period(args.year, "school")
            _, best, _ = _timed(
                lambda: ws.reports.annual(args.year, date_from=start, date_to=end), args.repeat
            )
            results["school_year_s"] = round(best, 3)
            _, best, figures = _timed(lambda: ws.reports.figures_json(report), args.repeat)  # type: ignore[arg-type]
            results["json_ms"] = round(1000 * best, 1)
            _, best, rows = _timed(lambda: ws.reports.records("learners", report), args.repeat)  # type: ignore[arg-type]
            results["learners_list_s"] = round(best, 3)
            assert isinstance(figures, dict) and isinstance(rows, list)
            results["figures"] = {
                k: figures[k]
                for k in ("classes", "attendances", "learners", "members", "population")
            }
            results["learners_listed"] = len(rows) - 1
        results["targets"] = TARGETS
        results["met"] = {"annual_s": float(results["annual_s"]) <= TARGETS["annual_s"]}  # type: ignore[arg-type]
    finally:
        if args.keep:
            results["db"] = str(db)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
