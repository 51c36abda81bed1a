"""What every page needs: the two calls that run work, and news of what changed.

The GUI has two calls only (DESIGN section 2, modelled on Anki's CollectionOp/QueryOp):
`query` reads on the query thread's own read-only connection, `op` writes on the one writer
thread; both go through the one long-task runner (`long_task.LongTask`), which shows a
progress dialog with Cancel once work takes longer than about half a second. Every op
returns an `OpResult`; its `OpChanges` are announced on `changed`, and pages that called
`subscribe` for the kinds of entity they show refresh themselves. Nobody announces a change
by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop_app.core.problems import N_, StoreError
from desktop_app.services.ops import OpChanges, OpResult, Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui.worker import DbWorker

if TYPE_CHECKING:
    from desktop_app.ui.long_task import LongTask

T = TypeVar("T")
R = TypeVar("R")

READ_ONLY_MESSAGE = N_(
    "This database is read-only: you can look, but nothing can be saved. "
    "Copy the file to a folder you can write to and open the copy."
)


class _Subscription(QObject):
    """Lives as a child of the subscribing widget, so it ends with it."""

    def __init__(
        self, owner: QObject, kinds: frozenset[str], callback: Callable[[OpChanges], None]
    ) -> None:
        super().__init__(owner)
        self.kinds = kinds
        self.callback = callback

    @Slot(object)
    def deliver(self, changes: OpChanges) -> None:
        if changes.kinds & self.kinds:
            self.callback(changes)


class AppContext(QObject):
    """Shared by the pages of one main window.

    `reader` is a read-only Workspace for the GUI thread's small indexed reads (a page of
    the people list, a combo box's items); anything heavier goes through `query`.
    """

    # An op finished: its OpChanges.
    changed = Signal(object)
    # A message for the status bar, with an optional action button: (text, action text, action).
    notice = Signal(str, str, object)

    def __init__(
        self,
        reader: Workspace,
        worker: DbWorker,
        queries: DbWorker | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.worker = worker
        # The query thread has its own connection; without one (some tests) the writer
        # thread answers queries too, still off the GUI thread.
        self.queries = queries or worker
        self.window: QWidget | None = None

    @property
    def read_only(self) -> bool:
        # The reader is always read-only; the writer's mode is the database's.
        return self.worker.workspace_read_only

    @property
    def path(self) -> Path:
        return self.reader.path

    def read_only_error(self) -> StoreError:
        return StoreError(StoreError.READ_ONLY, READ_ONLY_MESSAGE)

    # The two calls -----------------------------------------------------------------------

    def op(
        self,
        fn: Callable[[Workspace], OpResult[T]],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        parent: QWidget | None = None,
        title: str = "",
    ) -> LongTask:
        """Write on the writer thread; announce what changed, then call back with the value.

        A failure goes to `on_error`, or else to `errors.report_error`.
        """
        return self.task(parent, title, lambda ws, _progress: fn(ws), on_done, on_error, write=True)

    def query(
        self,
        fn: Callable[[Workspace], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        parent: QWidget | None = None,
        title: str = "",
    ) -> LongTask:
        """Read on the query thread (never the GUI thread); call back with the result."""
        return self.task(
            parent, title, lambda ws, _progress: fn(ws), on_done, on_error, write=False
        )

    def task(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[[Workspace, Progress], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = True,
        render: Callable[[Any, Progress], Any] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        label: str = "",
        show_after_ms: int | None = None,
    ) -> LongTask:
        """Long work with progress: `fn(ws, progress)` on the writer (`write`) or the query
        thread; `progress(done, total)` returns False once the user pressed Cancel, and the
        work then raises `Cancelled`. With `render`, `render(value, progress)` runs next on
        the document pool (PDFs never hold up the database) and its result goes to
        `on_done`."""
        from desktop_app.ui.long_task import LongTask

        task = LongTask(
            parent or self.window,
            self,
            title,
            fn,
            on_done,
            on_error,
            on_cancelled=on_cancelled,
            label=label,
            render=render,
            write=write,
        )
        task.start(show_after_ms)
        return task

    # Change news ---------------------------------------------------------------------------

    def subscribe(
        self, owner: QObject, kinds: Iterable[str], callback: Callable[[OpChanges], None]
    ) -> None:
        """Call `callback(changes)` after every op that changed one of `kinds` (table names),
        for as long as `owner` lives."""
        subscription = _Subscription(owner, frozenset(kinds), callback)
        self.changed.connect(subscription.deliver)

    def announce(self, changes: OpChanges) -> None:
        """Only the runner calls this, when an op has finished."""
        if not changes.empty:
            self.changed.emit(changes)

    def notify(
        self, text: str, action_text: str = "", action: Callable[[], None] | None = None
    ) -> None:
        self.notice.emit(text, action_text, action)
