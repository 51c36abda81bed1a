"""The cycle collector runs on the GUI thread only: a cycle dropped on the writer thread is
freed later by the GUI thread's timer, never in the middle of the writer's work."""

from __future__ import annotations

import gc
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

from pytestqt.qtbot import QtBot

from desktop_app.ui.gc_guard import GuiThreadCollector


class _Node:
    def __init__(self) -> None:
        self.me = self


def test_cycles_are_freed_on_the_gui_thread(qtbot: QtBot) -> None:
    # The session's collector (tests/ui/conftest.py) is the app's; one more is harmless.
    collector = GuiThreadCollector()
    assert not gc.isenabled()
    freed_on: list[str] = []

    def drop_cycles() -> list[list[int]]:
        for _ in range(20):
            node = _Node()
            weakref.finalize(node, lambda: freed_on.append(threading.current_thread().name))
            del node
        # Enough new objects for the automatic collector to have run here, were it on.
        return [[] for _ in range(5 * gc.get_threshold()[0])]

    with ThreadPoolExecutor(max_workers=1) as pool:
        alive = pool.submit(drop_cycles).result()
    assert freed_on == []
    qtbot.waitUntil(lambda: len(freed_on) == 20, timeout=5000)
    assert set(freed_on) == {threading.main_thread().name}
    collector._timer.stop()
    del alive
