"""What every page needs: the GUI thread's reader, the writer worker, and change news."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from desktop_app.core.problems import N_, StoreError
from desktop_app.services.workspace import Change, Workspace
from desktop_app.ui.worker import DbWorker

T = TypeVar("T")

READ_ONLY_MESSAGE = N_(
    "This database is read-only: you can look, but nothing can be saved. "
    "Copy the file to a folder you can write to and open the copy."
)


class AppContext(QObject):
    """Shared by the pages of one main window.

    `reader` is a read-only Workspace used only on the GUI thread for fast indexed reads;
    every write goes through `run`, which executes on the worker thread.
    """

    # A write finished: views refresh what the Change touched.
    changed = Signal(object)
    # A message for the status bar, with an optional action button: (text, action text, action).
    notice = Signal(str, str, object)

    def __init__(self, reader: Workspace, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.worker = worker

    @property
    def read_only(self) -> bool:
        # The reader is always read-only; the writer's mode is the database's.
        return self.worker.workspace_read_only

    @property
    def path(self) -> Path:
        return self.reader.path

    def read_only_error(self) -> StoreError:
        return StoreError(StoreError.READ_ONLY, READ_ONLY_MESSAGE)

    def run(
        self,
        fn: Callable[[Workspace], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run a write on the worker; announce a returned Change before calling back."""

        def done(result: T) -> None:
            if isinstance(result, Change):
                self.changed.emit(result)
            if on_done is not None:
                on_done(result)

        self.worker.submit(fn, done, on_error)

    def notify(
        self, text: str, action_text: str = "", action: Callable[[], None] | None = None
    ) -> None:
        self.notice.emit(text, action_text, action)
