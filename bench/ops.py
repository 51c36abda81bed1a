"""What the operation boundary costs a single write; prints JSON (issue 7: under 2 ms).

    python bench/ops.py [--writes 300]

Times the same one-row change two ways on the same file: by hand (BEGIN IMMEDIATE, the
UPDATE with a version from the counter, an audit row, COMMIT: what the services did before
the boundary), and through `Ops.op` (which also records what it stamped and builds the
typed result). Also times a whole `people.update` as the GUI runs it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.core.people import PersonInput  # noqa: E402
from desktop_app.services.demo import create_demo  # noqa: E402
from desktop_app.services.workspace import Workspace  # noqa: E402

TARGETS = {"overhead_ms": 2.0}


def by_hand(ws: Workspace, person_id: str, phone: str) -> None:
    db = ws.db
    now = "2026-12-01T00:00:00+00:00"
    with db.transaction() as conn:
        version = conn.execute(
            "UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value"
        ).fetchone()[0]
        conn.execute(
            "UPDATE person SET phone = ?, version = ?, updated_at = ? WHERE id = ?",
            (phone, version, now, person_id),
        )
        conn.execute(
            "INSERT INTO audit (at, actor, site_id, action, entity, record_id, detail, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now, "bench", db.site_id, "update", "person", person_id, "phone", version),
        )


def through_ops(ws: Workspace, person_id: str, phone: str) -> None:
    with ws.ops.op("bench.update") as op:
        op.tx.update("person", person_id, {"phone": phone})
    op.result(person_id)


def median_ms(fn: object, ws: Workspace, ids: list[str], writes: int) -> float:
    times = []
    for i in range(writes):
        t0 = time.perf_counter()
        fn(ws, ids[i % len(ids)], f"09{i:08d}")  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ops.sqlite3"
        with Workspace.open(path, create=True) as ws:
            create_demo(ws, people=2000, seed=1, courses=0)
            ids = [r.id for r in ws.people.roster(200)]
            # Warm up both paths, then alternate rounds so drift hits both alike.
            median_ms(by_hand, ws, ids, 20)
            median_ms(through_ops, ws, ids, 20)
            hand, ops = [], []
            for _ in range(3):
                hand.append(median_ms(by_hand, ws, ids, args.writes))
                ops.append(median_ms(through_ops, ws, ids, args.writes))
            person = ws.people.get(ids[0])
            saves = []
            for i in range(args.writes // 3):
                data = PersonInput(person.full_name, person.sex, phone=f"091{i:07d}")
                t0 = time.perf_counter()
                ws.people.update(person.id, data, confirmed_different=True)
                saves.append((time.perf_counter() - t0) * 1000)
    results: dict[str, object] = {
        "by_hand_ms": round(min(hand), 3),
        "through_ops_ms": round(min(ops), 3),
        "overhead_ms": round(min(ops) - min(hand), 3),
        "people_update_ms": round(statistics.median(saves), 3),
        "targets": TARGETS,
    }
    results["met"] = {"overhead_ms": float(results["overhead_ms"]) <= TARGETS["overhead_ms"]}  # type: ignore[arg-type]
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
