"""The one long-task runner: every query and every op of the GUI runs through `LongTask`.

The work runs on the writer thread (an op) or the query thread (a query), reports
`progress(done, total)` from there, and learns that the user pressed Cancel from the value
that call returns (the services then raise `Cancelled`). A progress dialog with Cancel
appears only when the work takes longer than SHOW_AFTER_MS, so quick work never flashes one.
An op's `OpChanges` are announced before `on_done` gets the value, so every page that shows
what changed has refreshed by then. With `render`, a second step writes the document on the
document pool. Progress crosses threads through a queued signal of the task itself, so two
tasks never move each other's bar.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.core.progress import Cancelled
from desktop_app.i18n import _
from desktop_app.services.ops import OpResult, Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext

log = logging.getLogger(__name__)

# DESIGN: a bar for anything over ~0.5 s.
SHOW_AFTER_MS = 500

_document_pool: ThreadPoolExecutor | None = None


def document_pool() -> ThreadPoolExecutor:
    """Threads for rendering documents, apart from the database threads (DESIGN section 2):
    a long batch of PDFs never holds up a save."""
    global _document_pool
    if _document_pool is None:
        _document_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="documents")
    return _document_pool


class LongTask(QObject):
    """One running piece of work: its dialog, its cancel flag, and its callbacks."""

    progressed = Signal(int, int)
    # The pool's future, delivered on the GUI thread.
    _rendered = Signal(object)

    def __init__(
        self,
        parent: QWidget | None,
        ctx: AppContext,
        title: str,
        fn: Callable[[Workspace, Progress], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        on_cancelled: Callable[[], None] | None = None,
        label: str = "",
        render: Callable[[Any, Progress], Any] | None = None,
        write: bool = True,
    ) -> None:
        # Owned by the widget that asked, so it ends with it; what the work changed is still
        # announced (see `start`).
        super().__init__(parent if parent is not None else ctx)
        self.render = render
        self.parent_widget = parent
        self.ctx = ctx
        self.title = title
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancelled = on_cancelled
        self.write = write
        self.label = label
        self.cancel_requested = threading.Event()
        self.finished = False
        self.cancelled = False
        self.last_progress: tuple[int, int] = (0, 0)
        self.dialog: QProgressDialog | None = None
        # Work started by a page's own refresh shows no dialog; the page shows it is busy.
        self.shows_dialog = bool(title or label)
        self.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._rendered.connect(self._render_finished, Qt.ConnectionType.QueuedConnection)
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
        ctx, task, title = self.ctx, self, self.title

        def db_done(result: Any) -> None:
            if isinstance(result, OpResult):
                # Announced even when the widget that asked was closed meanwhile, or Cancel
                # came too late to stop the work: it is saved, and every page must show it.
                ctx.announce(result.changes)
                result = result.value
            if shiboken6.isValid(task):
                task._db_done(result)

        def db_failed(exc: BaseException) -> None:
            if shiboken6.isValid(task):
                task._failed(exc)
            elif errors.error_text(exc) is None and not isinstance(exc, Cancelled):
                errors.report_error(None, title, exc)  # nobody is left to tell but a bug

        thread = self.ctx.worker if self.write else self.ctx.queries
        thread.submit(lambda ws: fn(ws, report), db_done, db_failed)
        delay = SHOW_AFTER_MS if show_after_ms is None else show_after_ms
        if delay <= 0:
            self._show_dialog()
        else:
            self._show_timer.start(delay)

    # The dialog --------------------------------------------------------------------------

    def _ensure_dialog(self) -> QProgressDialog:
        if self.dialog is None:
            title = self.title or _("Working…")
            dialog = QProgressDialog(self.label or title, _("Cancel"), 0, 0, self.parent_widget)
            dialog.setWindowTitle(title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            # Shown by our own timer, not by QProgressDialog's guess from the first values.
            dialog.setMinimumDuration(2**31 - 1)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self.cancel)
            done, total = self.last_progress
            if total > 0:
                dialog.setMaximum(total)
                dialog.setValue(min(done, total))
            self.dialog = dialog
        return self.dialog

    def _show_dialog(self) -> None:
        if not self.finished and self.shows_dialog:
            self._ensure_dialog().show()

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        self.last_progress = (done, total)
        if self.finished or self.cancel_requested.is_set() or self.dialog is None:
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        if self.finished:
            return
        self.cancel_requested.set()
        if not self.shows_dialog:
            return
        # The dialog stays up until the work has really stopped, so nothing looks done early.
        dialog = self._ensure_dialog()
        dialog.setLabelText(_("Cancelling…"))
        dialog.show()

    def _finish(self) -> None:
        self.finished = True
        self._show_timer.stop()
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
        self.deleteLater()

    # Results -------------------------------------------------------------------------------

    def _db_done(self, result: Any) -> None:
        if self.render is None:
            self._done(result)
        else:
            self._start_render(result)

    def _start_render(self, prepared: Any) -> None:
        """The database part is done: render on the document pool."""
        if self.cancel_requested.is_set():
            self._failed(Cancelled())
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
        if self.on_done is not None:
            self.on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, Cancelled) or self.cancel_requested.is_set():
            self.cancelled = True
            if self.on_cancelled is not None:
                self.on_cancelled()
            else:
                self.ctx.notify(_("Cancelled. Nothing was written."))
            return
        if self.on_error is not None:
            self.on_error(exc)
            return
        errors.report_error(self.parent_widget, self.title or _("Cannot do that"), exc)
