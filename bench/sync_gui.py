"""Does the GUI stay responsive while a bundle is exported and imported? Prints JSON
(issue 10: no GUI-thread stall over 100 ms).

    QT_QPA_PLATFORM=offscreen python bench/sync_gui.py [--people 20000]

A demo centre is enrolled with an office; the centre's export and then the office's import run
as the Sync page runs them (`AppContext.task`, on the writer thread) while a 10 ms timer on
the GUI thread records the longest gap between two of its ticks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"stall_ms": 100.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tthtcd-sync-gui-"))
    os.environ.setdefault("TTHTCD_KEY_DIR", str(tmp / "keys"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop_app.services.demo import create_demo_database
    from desktop_app.services.workspace import Workspace
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.worker import DbWorker

    _app = QApplication.instance() or QApplication([])  # kept alive for the whole run
    centre_path, office_path = tmp / "centre.sqlite3", tmp / "office.sqlite3"
    create_demo_database(centre_path, people=args.people, seed=3)
    with Workspace.open(office_path, create=True) as office:
        office.sync.init_site("office", "Sở GD&ĐT (bench)")
    stick = tmp / "stick"
    stick.mkdir()
    with Workspace.open(centre_path) as centre, Workspace.open(office_path) as office:
        reply = office.sync.enrol(centre.sync.enrol_request(stick), stick)
        centre.sync.enrol_accept(reply)
        reply.unlink()
    for leftover in stick.iterdir():
        leftover.unlink()

    kept: list[Any] = []

    def run(path: Path, fn: Callable[[Workspace, Any], Any]) -> dict[str, float]:
        writer = Workspace.open(path)
        reader = writer.reader()
        worker, queries = DbWorker(writer), DbWorker(writer.reader())
        ctx = AppContext(reader, worker, queries)
        window = QWidget()
        ctx.window = window
        kept.append((window, ctx, worker, queries, reader))
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]
        worst = [0]

        def tick() -> None:
            now = clock.elapsed()
            worst[0] = max(worst[0], now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        loop = QEventLoop()
        result: list[object] = []
        started = time.perf_counter()
        timer.start()
        ctx.task(
            None, "bench", fn,
            on_done=lambda value: (result.append(value), loop.quit()),
            on_error=lambda exc: (result.append(exc), loop.quit()),
            show_after_ms=0,
        )  # fmt: skip
        loop.exec()
        timer.stop()
        seconds = time.perf_counter() - started
        if isinstance(result[0], BaseException):
            raise result[0]
        return {"seconds": round(seconds, 2), "worst_gap_ms": float(worst[0])}

    export = run(centre_path, lambda ws, progress: ws.sync.export(stick, progress))
    (bundle,) = list(stick.glob("*.tthbundle"))
    imported = run(
        office_path, lambda ws, progress: ws.sync.import_files([bundle], progress=progress)
    )
    report = {
        "people": args.people,
        "export": export,
        "import": imported,
        "targets": TARGETS,
        "ok": max(export["worst_gap_ms"], imported["worst_gap_ms"]) <= TARGETS["stall_ms"],
    }
    print(json.dumps(report, indent=1), flush=True)
    for _window, _ctx, worker, queries, reader in kept:
        queries.close()
        worker.close()
        reader.close()


if __name__ == "__main__":
    main()
