"""Python's cycle collector, run on the GUI thread only.

A Qt object caught in a reference cycle is freed whenever the collector happens to run, and
the collector runs on whichever thread is allocating at that moment: often the writer or the
query thread, in the middle of an op. Deleting a GUI object from there races with the GUI
thread (a crash inside `QObject::~QObject`, seen in the tests of the Công dân học tập export).
So the automatic collector is switched off and this timer collects on the GUI thread, with
the interpreter's own thresholds (the well-known recipe for PyQt/PySide, also Anki's choice).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector"]

# How often to look at the allocation counts; a look costs microseconds.
INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Disables automatic collection and collects from a timer on the thread that made it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> None:
        # An explicit collection of a generation counts towards the next, as the automatic
        # one does, so the older generations are still collected now and then.
        young, middle, old = gc.get_count()
        if young > self.threshold[0]:
            generation = 0
            if middle > self.threshold[1]:
                generation = 2 if old > self.threshold[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        """Back to automatic collection (tests, and the app's end)."""
        self._timer.stop()
        gc.collect()
        gc.enable()
