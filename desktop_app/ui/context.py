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

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop_app.core.problems import N_, StoreError
from desktop_app.i18n import _
from desktop_app.services.ops import OpChanges, OpResult, Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui.worker import DbWorker

if TYPE_CHECKING:
    from desktop_app.ui.long_task import LongTask

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

READ_ONLY_MESSAGE = N_(
    "This database is read-only: you can look, but nothing can be saved. "
    "Copy the file to a folder you can write to and open the copy."
)
DAMAGED_MESSAGE = N_(
    "The database {path} is damaged: you can still look at it, but nothing can be saved "
    "to it, and what it shows may be wrong. Restore your latest good backup, or ask for help "
    "to repair it."
)
CHECKING_MESSAGE = N_("Checking the database… what you save is kept until the check is done.")
REPLACED_MESSAGE = N_(
    "The database was replaced by a backup, so nothing more can be saved in this window. "
    "Close the app and open it again."
)

# The integrity check of the start (`start_integrity_check`).
UNCHECKED, CHECKING, CHECKED, DAMAGED = "unchecked", "checking", "checked", "damaged"


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
    # The start's integrity check ended: CHECKED or DAMAGED.
    integrity_changed = Signal(str)

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
        # Writes asked for while the start's integrity check runs wait here (in order).
        self.integrity = UNCHECKED
        self._held: list[tuple[LongTask, int | None, bool]] = []
        self._checker: DbWorker | None = None
        self._check: Future[list[str]] | None = None
        self.shutting_down = False
        # A restore replaced the file under this window's connections (`store_replaced`).
        self.replaced = False

    @property
    def read_only(self) -> bool:
        # The reader is always read-only; the writer's mode is the database's.
        return self.worker.workspace_read_only

    @property
    def path(self) -> Path:
        return self.reader.path

    def read_only_error(self) -> StoreError:
        return StoreError(StoreError.READ_ONLY, READ_ONLY_MESSAGE)

    def damaged_error(self) -> StoreError:
        return StoreError(StoreError.CORRUPT, DAMAGED_MESSAGE, {"path": str(self.path)})

    # The integrity check of the start ------------------------------------------------------

    def start_integrity_check(self) -> None:
        """Run `PRAGMA quick_check` on a reader of its own thread (the window is usable at
        once, reads go on); writes asked for meanwhile are held, then run once the file
        passed, or refused if it is damaged (`integrity_changed` tells the window)."""
        if self.integrity != UNCHECKED:
            return
        self.integrity = CHECKING
        self._checker = DbWorker(self.reader.reader(), self)
        self._check = self._checker.submit(
            lambda ws: ws.db.integrity_problems(), self._checked, self._check_failed
        )

    def settle_integrity_check(self) -> None:
        """At shutdown: wait for a running check, so held writes are saved (or refused).
        From now on, what writes change is no longer announced: the pages are closing."""
        self.shutting_down = True
        if self.integrity != CHECKING or self._check is None:
            return
        try:
            problems = self._check.result()
        except BaseException as exc:
            self._check_failed(exc)
        else:
            self._checked(problems)

    def _checked(self, problems: list[str]) -> None:
        if self.integrity != CHECKING:
            return
        if problems:
            log.warning("%s failed its integrity check: %s", self.path, "; ".join(problems))
        self._end_check(DAMAGED if problems else CHECKED)

    def _check_failed(self, exc: BaseException) -> None:
        if self.integrity != CHECKING:
            return
        if isinstance(exc, StoreError):
            # The check could not read the file: as good as damaged for saving.
            log.warning("The integrity check of %s failed: %s", self.path, exc)
            self._end_check(DAMAGED)
            return
        # A bug in the check must not lock the user out of their own data.
        log.error("The integrity check of %s raised", self.path, exc_info=exc)
        self._end_check(CHECKED)

    def _end_check(self, state: str) -> None:
        self.integrity = state
        if self._checker is not None:
            self._checker.close()
            self._checker = None
        held, self._held = self._held, []
        for task, show_after_ms, replaces_store in held:
            if not shiboken6.isValid(task):
                continue  # its window was closed meanwhile
            if state == DAMAGED and not replaces_store:
                task.fn = self._refuse_damaged
            task.start(show_after_ms)
        self.integrity_changed.emit(state)

    def _refuse_damaged(self, _ws: Workspace, _progress: Progress) -> Any:
        raise self.damaged_error()

    def store_replaced(self) -> None:
        """A restore put a backup in place of the file: this window's connections still see
        the file that was set aside, so from now on nothing is written or backed up."""
        self.replaced = True

    def _refuse_replaced(self, _ws: Workspace, _progress: Progress) -> Any:
        raise StoreError(StoreError.READ_ONLY, REPLACED_MESSAGE)

    @property
    def sound(self) -> bool:
        """Whether the open file may be backed up: not found damaged, not replaced."""
        return self.integrity != DAMAGED and not self.replaced

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
        replaces_store: bool = False,
    ) -> LongTask:
        """Long work with progress: `fn(ws, progress)` on the writer (`write`) or the query
        thread; `progress(done, total)` returns False once the user pressed Cancel, and the
        work then raises `Cancelled`. With `render`, `render(value, progress)` runs next on
        the document pool (PDFs never hold up the database) and its result goes to
        `on_done`. `replaces_store` marks the one write a damaged file still allows: a
        restore, which replaces the whole file by a sound backup."""
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
        if write and self.replaced:
            task.fn = self._refuse_replaced
        elif write and self.integrity == DAMAGED and not replaces_store:
            task.fn = self._refuse_damaged
        elif write and self.integrity == CHECKING:
            self._held.append((task, show_after_ms, replaces_store))
            self.notify(_(CHECKING_MESSAGE))
            return task
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
        if not changes.empty and not self.shutting_down:
            self.changed.emit(changes)

    def notify(
        self, text: str, action_text: str = "", action: Callable[[], None] | None = None
    ) -> None:
        self.notice.emit(text, action_text, action)
