"""Long work on the database worker with a progress dialog and a Cancel button.

Generalises the first-run demo filling in app.py: the function runs on the worker, reports
`progress(done, total)` from there, and learns that the user pressed Cancel from the value
that call returns. Progress crosses threads through a queued signal of the task itself, so
two tasks never move each other's bar.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.i18n import _
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets import show_message

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[int, int], bool]

# Work that ends sooner never flashes a dialog (DESIGN: a bar for anything over ~0.5 s).
SHOW_AFTER_MS = 400

_document_pool: ThreadPoolExecutor | None = None


def document_pool() -> ThreadPoolExecutor:
    """Threads for rendering documents, apart from the database worker (DESIGN section 2):
    a long batch of PDFs never holds up a save."""
    global _document_pool
    if _document_pool is None:
        _document_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="documents")
    return _document_pool


class LongTask(QObject):
    """One running task: its dialog, its cancel flag, and its callbacks."""

    progressed = Signal(int, int)
    # The pool's future, delivered on the GUI thread.
    _rendered = Signal(object)

    def __init__(
        self,
        parent: QWidget,
        ctx: AppContext,
        title: str,
        fn: Callable[[Workspace, Progress], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        label: str = "",
        render: Callable[[Any, Progress], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.render = render
        self.parent_widget = parent
        self.ctx = ctx
        self.title = title
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancelled = on_cancelled
        self.cancel_requested = threading.Event()
        self.finished = False
        self.cancelled = False
        self.last_progress: tuple[int, int] = (0, 0)
        self.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._rendered.connect(self._render_finished, Qt.ConnectionType.QueuedConnection)

        self.dialog = QProgressDialog(label or title, _("Cancel"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        # Shown by our own timer, not by QProgressDialog's guess from the first values.
        self.dialog.setMinimumDuration(2**31 - 1)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.hide()
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_dialog)

    def start(self, show_after_ms: int | None = None) -> None:
        cancel = self.cancel_requested
        emit = self.progressed.emit

        def report(done: int, total: int) -> bool:
            emit(done, total)
            return not cancel.is_set()

        self._report = report
        fn = self.fn
        after_db = self._done if self.render is None else self._start_render
        self.ctx.run(lambda ws: fn(ws, report), after_db, self._failed)
        delay = SHOW_AFTER_MS if show_after_ms is None else show_after_ms
        if delay <= 0:
            self._show_dialog()
        else:
            self._show_timer.start(delay)

    def _show_dialog(self) -> None:
        if not self.finished:
            self.dialog.show()

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        self.last_progress = (done, total)
        if self.finished or self.cancel_requested.is_set():
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        if self.finished:
            return
        self.cancel_requested.set()
        # The dialog stays up until the worker has really stopped, so nothing looks done early.
        self.dialog.setLabelText(_("Cancelling…"))
        self.dialog.show()

    def _finish(self) -> None:
        self.finished = True
        self._show_timer.stop()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        self.deleteLater()

    def _start_render(self, prepared: Any) -> None:
        """The database part is done: render on the document pool."""
        if self.cancel_requested.is_set():
            self._failed(RuntimeError("cancelled before rendering"))
            return
        assert self.render is not None
        future = document_pool().submit(self.render, prepared, self._report)
        emit = self._rendered.emit

        def deliver(f: Future[Any]) -> None:
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                emit(f)

        future.add_done_callback(deliver)

    @Slot(object)
    def _render_finished(self, future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None:
            self._failed(exc)
        else:
            self._done(future.result())

    def _done(self, result: Any) -> None:
        self._finish()
        if self.cancel_requested.is_set():
            # Finished before it saw the Cancel: the work is done, so keep it.
            log.info("%s finished although Cancel was pressed", self.title)
        self.on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if self.cancel_requested.is_set():
            self.cancelled = True
            if self.on_cancelled is not None:
                self.on_cancelled()
            else:
                self.ctx.notify(_("Cancelled. Nothing was written."))
            return
        if self.on_error is not None:
            self.on_error(exc)
            return
        show_error(self.parent_widget, self.title, exc)


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """A UserError or StoreError as a message; anything else is a bug."""
    text = errors.error_text(exc)
    if text is None:
        errors.excepthook(type(exc), exc, exc.__traceback__)
        return
    show_message(parent, title, text)


def run_with_progress(
    parent: QWidget,
    ctx: AppContext,
    title: str,
    fn: Callable[[Workspace, Progress], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    on_cancelled: Callable[[], None] | None = None,
    label: str = "",
    show_after_ms: int | None = None,
) -> LongTask:
    """Run `fn(ws, progress)` on the worker with a progress dialog and a Cancel button.

    `progress(done, total)` returns False once the user pressed Cancel; `fn` should then stop
    by raising (the documents raise RenderCancelled, services a UserError). A failure after
    Cancel counts as cancelled; others go to `on_error` or to a message box.
    """
    task = LongTask(parent, ctx, title, fn, on_done, on_error, on_cancelled, label)
    task.start(show_after_ms)
    return task


R = TypeVar("R")


def run_with_render(
    parent: QWidget,
    ctx: AppContext,
    title: str,
    prepare: Callable[[Workspace, Progress], T],
    render: Callable[[T, Progress], R],
    on_done: Callable[[R], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    on_cancelled: Callable[[], None] | None = None,
    label: str = "",
    show_after_ms: int | None = None,
) -> LongTask:
    """Like run_with_progress, in two steps under one dialog: `prepare` does the database
    part on the worker, then `render(prepared, progress)` writes the document on the
    document pool, and its result goes to `on_done`."""
    task = LongTask(
        parent, ctx, title, prepare, on_done, on_error, on_cancelled, label, render
    )  # fmt: skip
    task.start(show_after_ms)
    return task
