"""Fixtures for GUI tests: isolated settings, Vietnamese by default, a main window on a temp DB."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

import desktop_app.i18n as i18n
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.app import build_window, install_translator
from desktop_app.ui.context import AppContext
from desktop_app.ui.gc_guard import GuiThreadCollector
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.worker import DbWorker

TypeText = Callable[[QWidget, str], None]


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """QSettings of the tests go to a temp folder, never to the developer's own settings."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


@pytest.fixture(scope="session", autouse=True)
def _gui_thread_gc(qapp: QApplication) -> Iterator[None]:
    """As in the app: the cycle collector runs on the GUI thread only (ui/gc_guard.py)."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_between_tests() -> Iterator[None]:
    """What one test left in cycles is freed here, on the GUI thread, not in the next test."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _vietnamese(qapp: QApplication) -> Iterator[None]:
    install_translator(qapp)
    before = i18n.current_language()
    i18n.set_language("vi")
    QSettings("tthtcd", "tthtcd").clear()
    yield
    i18n.set_language(before)


@pytest.fixture(autouse=True)
def bug_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Unexpected errors are recorded instead of opening a blocking dialog; none may happen."""
    shown: list[str] = []
    monkeypatch.setattr(errors, "show_bug_dialog", shown.append)
    yield shown
    assert not shown, "unexpected error dialog:\n" + "\n".join(shown)


@pytest.fixture
def open_context(qtbot: QtBot) -> Iterator[Callable[..., AppContext]]:
    """An AppContext as `app.build_window` makes it, without a window: the writer thread and
    a query thread with its own read-only connection. Closed at the end of the test; freed
    by the GUI thread's collector (`_collect_between_tests`)."""
    opened: list[AppContext] = []

    def open_(path: Path, *, read_only: bool = False, create: bool = False) -> AppContext:
        writer = Workspace.open(path, read_only=read_only, create=create)
        reader = writer.reader()
        ctx = AppContext(reader, DbWorker(writer), DbWorker(writer.reader()))
        opened.append(ctx)
        return ctx

    yield open_
    for ctx in opened:
        qtbot.waitUntil(lambda c=ctx: c.worker.pending == 0 and c.queries.pending == 0)
        ctx.queries.close()
        ctx.worker.close()
        ctx.reader.close()


def _open(path: Path, read_only: bool = False) -> tuple[Workspace, Workspace]:
    writer = Workspace.open(path, create=not read_only, read_only=read_only)
    return writer, writer.reader()


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(path: Path, *, read_only: bool = False) -> MainWindow:
        window = build_window(*_open(path, read_only))
        # Not qtbot.addWidget: qtbot closes its widgets before fixtures tear down, and a
        # form with typing in it would then ask "close without saving?" and block.
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        # Forget typing left in a form so closing does not ask, then let writes finish.
        page = window.people_page
        if page.form is not None:
            page.form._loaded = page.form.current_input()
            page.form._saving = False
        window.close()
        window.shutdown()
        window.deleteLater()


@pytest.fixture
def window(people_db: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window(people_db)


@pytest.fixture
def type_text() -> TypeText:
    """Type text key by key, Vietnamese included (qtbot.keyClicks aborts on non-ASCII)."""

    def type_(widget: QWidget, text: str) -> None:
        widget.setFocus()
        for ch in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                QApplication.sendEvent(widget, event)

    return type_
