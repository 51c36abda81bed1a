"""The one runner: what happens when the widget that asked goes away, and page refreshes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.people import HamletKind
from desktop_app.ui.context import AppContext


@pytest.fixture
def ctx(people_db: Path, open_context: Callable[[Path], AppContext]) -> AppContext:
    return open_context(people_db)


def test_a_dialog_closed_while_its_op_runs_still_announces_and_raises_no_bug(
    ctx: AppContext, qtbot: QtBot
) -> None:
    dialog = QWidget()
    called: list[object] = []
    with qtbot.waitSignal(ctx.changed, timeout=5000) as announced:
        task = ctx.op(
            lambda ws: ws.centre.add_hamlet("Thôn Mới", HamletKind.THON),
            called.append,
            parent=dialog,
            title="Hamlet",
        )
        shiboken6.delete(dialog)  # closed by the user before the write came back
        assert not shiboken6.isValid(task)  # the task ended with the dialog
    assert announced.args[0].touches("hamlet")  # the pages still hear of it
    assert called == []  # the closed dialog's callback is not run
    # The bug_dialogs fixture fails the test if anything reached the bug dialog.


def test_a_page_refresh_never_opens_a_progress_dialog(ctx: AppContext, qtbot: QtBot) -> None:
    results: list[int] = []
    task = ctx.query(lambda ws: ws.people.count(), results.append)
    task._show_dialog()  # as if the half-second had passed
    assert task.dialog is None
    qtbot.waitUntil(lambda: results == [5], timeout=5000)


def test_titled_work_shows_progress_with_cancel(ctx: AppContext, qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    done: list[object] = []
    task = ctx.task(
        window, "Đếm", lambda ws, progress: ws.people.count(), done.append, show_after_ms=0
    )
    assert task.dialog is not None and task.dialog.isVisible()
    qtbot.waitUntil(lambda: done == [5], timeout=5000)
    assert task.finished
