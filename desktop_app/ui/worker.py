"""A database thread: the writer (every write runs there, never on the GUI thread) or the
query thread (reads on its own read-only connection).

Pages never submit here themselves: they call `ctx.op` / `ctx.query`, and the one long-task
runner (long_task.LongTask) submits. `DbWorker.submit` runs a function over the thread's
Workspace on a single-thread executor that owns the connection; the result or the exception
comes back on the GUI thread through a queued signal. Callbacks therefore may touch widgets;
the submitted function must not.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class _Job:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    future: Future[Any]


class DbWorker(QObject):
    """Owns the writer Workspace and the thread that may use it."""

    # Emitted on the worker thread, delivered on the GUI thread (queued connection).
    _finished = Signal(int)
    busy_changed = Signal(bool)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def workspace_read_only(self) -> bool:
        return self._ws.read_only

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._jobs)

    def submit(
        self,
        fn: Callable[[Workspace], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        """Run `fn(writer_workspace)` on the worker thread; call back on the GUI thread."""
        if self._closed:
            raise RuntimeError("the database worker is closed")
        job_id = next(self._ids)
        future: Future[T] = self._executor.submit(fn, self._ws)
        with self._lock:
            was_idle = not self._jobs
            self._jobs[job_id] = _Job(on_done, on_error, future)
        if was_idle:
            self.busy_changed.emit(True)
        future.add_done_callback(lambda _f: self._finished.emit(job_id))
        return future

    @Slot(int)
    def _deliver(self, job_id: int) -> None:
        with self._lock:
            job = self._jobs.pop(job_id, None)
            now_idle = not self._jobs
        if now_idle:
            self.busy_changed.emit(False)
        if job is None:
            return
        exc = job.future.exception()
        try:
            if exc is None:
                if job.on_done is not None:
                    job.on_done(job.future.result())
            elif job.on_error is not None:
                job.on_error(exc)
            else:
                # Nobody asked to hear about it, so it is a bug: log it and show it.
                errors.excepthook(type(exc), exc, exc.__traceback__)
        except Exception as callback_exc:
            errors.excepthook(type(callback_exc), callback_exc, callback_exc.__traceback__)

    def close(self) -> None:
        """Finish the writes already queued (so no typing is lost), then close the writer."""
        if self._closed:
            return
        self._closed = True
        self._executor.shutdown(wait=True)
        try:
            self._ws.close()
        except Exception:
            log.exception("Closing the writer database failed")
