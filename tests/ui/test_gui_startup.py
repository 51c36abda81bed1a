"""Starting up: Qt's own texts in Vietnamese, bad database files, bugs, the first-run offer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
)
from pytestqt.qtbot import QtBot

import desktop_app.i18n as i18n
from desktop_app.core.problems import StoreError
from desktop_app.i18n import _, tr
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import app, errors
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_page import SECTION_PROFILE


def test_qt_standard_buttons_are_in_vietnamese() -> None:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = box.button(QDialogButtonBox.StandardButton.Ok).text().replace("&", "")
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    assert (ok, cancel) == (_("OK"), _("Cancel"))
    assert (ok, cancel) == ("Đồng ý", "Hủy")


def test_qt_message_box_and_context_menu_are_in_vietnamese() -> None:
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {_("Yes"), _("No")}
    assert "Yes" not in texts
    edit = QLineEdit()
    menu = edit.createStandardContextMenu()
    labels = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
    assert _("Copy") in labels and _("Paste") in labels
    assert "Copy" not in labels


def test_qt_buttons_follow_a_switch_to_english() -> None:
    i18n.set_language("en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Cancel"


def test_language_comes_from_argument_then_settings_then_vietnamese() -> None:
    settings = QSettings("tthtcd", "tthtcd")
    assert app.choose_language(None) == "vi"
    settings.setValue("language", "en")
    settings.sync()
    assert app.choose_language(None) == "en"
    assert app.choose_language("vi") == "vi"
    assert i18n.current_language() == "vi"
    assert app.choose_language("fr") == "en"  # unknown: fall back to the saved one


def _garbage(tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"This is a Word document, not a database." * 100)
    return path


def test_a_file_that_is_not_a_database_gets_a_message_not_a_crash(tmp_path: Path) -> None:
    path = _garbage(tmp_path)
    asked: list[StoreError] = []

    def quit_(error: StoreError) -> str:
        asked.append(error)
        return app.QUIT

    assert app.open_workspace(path, ask=quit_) is None
    assert [e.kind for e in asked] == [StoreError.NOT_A_DATABASE]
    text = errors.store_error_text(asked[0])
    assert str(path) in text and "{" not in text
    assert text == tr(asked[0].message, **asked[0].params)
    assert text != asked[0].message.format(**asked[0].params)  # Vietnamese, not English


def test_a_damaged_database_gets_a_message(tmp_path: Path) -> None:
    good = tmp_path / "good.sqlite3"
    Workspace.open(good, create=True).close()
    data = bytearray(good.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # scribble over the schema page
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(bytes(data))
    asked: list[StoreError] = []
    assert app.open_workspace(bad, ask=lambda e: asked.append(e) or app.QUIT) is None
    assert asked and asked[0].kind in (StoreError.CORRUPT, StoreError.NOT_A_DATABASE)
    assert str(bad) in errors.store_error_text(asked[0])


def test_choosing_another_file_after_a_bad_one(tmp_path: Path) -> None:
    bad = _garbage(tmp_path)
    fresh = tmp_path / "fresh.sqlite3"
    opened = app.open_workspace(bad, ask=lambda _e: app.CHOOSE, pick=lambda _start: fresh)
    assert opened is not None
    writer, reader = opened
    try:
        assert writer.path == fresh and reader.read_only
    finally:
        reader.close()
        writer.close()


def test_the_open_failed_box_says_why_and_offers_quit(qtbot: QtBot, tmp_path: Path) -> None:
    path = _garbage(tmp_path)
    error = StoreError(
        StoreError.NOT_A_DATABASE,
        "The file {path} is not a database of this app. Choose the right file.",
        {"path": str(path)},
    )
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        seen.extend(b.text() for b in box.buttons())
        quit_button = next(b for b in box.buttons() if b.text() == _("Quit"))
        quit_button.click()

    QTimer.singleShot(0, answer)
    assert app.open_failed_choice(error) == app.QUIT
    assert seen[0] == errors.store_error_text(error)
    assert _("Choose another file…") in seen


def test_unexpected_errors_are_logged_and_shown_with_copyable_details(
    qtbot: QtBot, bug_dialogs: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        errors.excepthook(type(exc), exc, exc.__traceback__)
    assert len(bug_dialogs) == 1 and "RuntimeError: boom" in bug_dialogs[0]
    assert "RuntimeError: boom" in caplog.text
    dialog = errors.BugDialog(bug_dialogs.pop())
    qtbot.addWidget(dialog)
    assert dialog.copy_button.text() == _("Copy details")
    dialog.copy_button.click()
    assert "RuntimeError: boom" in QGuiApplication.clipboard().text()


def test_an_error_in_an_op_without_handler_reaches_the_excepthook(
    qtbot: QtBot, window: MainWindow, bug_dialogs: list[str]
) -> None:
    def broken(_ws: Workspace) -> OpResult[None]:
        raise ValueError("bad state")

    window.ctx.op(broken)
    qtbot.waitUntil(lambda: bool(bug_dialogs), timeout=5000)
    assert "ValueError: bad state" in bug_dialogs.pop()
    seen: list[BaseException] = []
    window.ctx.op(broken, on_error=seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert isinstance(seen[0], ValueError) and not bug_dialogs
    # A query's bug too.
    window.ctx.query(broken, lambda _v: None)
    qtbot.waitUntil(lambda: bool(bug_dialogs), timeout=5000)
    assert "ValueError: bad state" in bug_dialogs.pop()


def test_worker_runs_writes_off_the_gui_thread(qtbot: QtBot, window: MainWindow) -> None:
    import threading

    gui = threading.get_ident()
    where: list[int] = []
    delivered: list[int] = []
    window.ctx.worker.submit(
        lambda _ws: where.append(threading.get_ident()) or 42,
        lambda result: delivered.append(threading.get_ident()) or None,
    )
    qtbot.waitUntil(lambda: bool(delivered), timeout=5000)
    assert where[0] != gui and delivered[0] == gui


# The first-run offer -------------------------------------------------------------------


@pytest.fixture
def empty_window(tmp_path: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window(tmp_path / "empty.sqlite3")


def _click(qtbot: QtBot, box: QMessageBox | None, text: str) -> None:
    assert box is not None
    button = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_empty_database_offers_demo_and_fills_it(qtbot: QtBot, empty_window: MainWindow) -> None:
    offer = app.DemoOffer(empty_window, people=300)
    assert offer.start()
    _click(qtbot, offer.box, _("Fill with demo data"))
    assert offer.task is not None
    qtbot.waitUntil(lambda: offer.finished, timeout=20_000)
    # Every page refreshed by subscription, without a restart.
    assert empty_window.people_page.model.rowCount() >= 300
    assert empty_window.ctx.reader.centre.profile().is_set
    assert "Trung tâm" in empty_window.windowTitle()
    settings = empty_window.settings_page
    assert settings.name.text() == empty_window.ctx.reader.centre.profile().name
    assert settings.hamlet_list.count() == len(empty_window.ctx.reader.centre.hamlets()) > 0
    # Asked once: the next start does not ask again.
    assert not app.DemoOffer(empty_window).start()


def test_start_empty_opens_the_centre_profile(qtbot: QtBot, empty_window: MainWindow) -> None:
    offer = app.DemoOffer(empty_window)
    assert offer.start()
    _click(qtbot, offer.box, _("Start empty"))
    assert empty_window.stack.currentIndex() == empty_window.settings_index
    assert empty_window.settings_page.tabs.currentIndex() == SECTION_PROFILE
    assert empty_window.people_page.model.rowCount() == 0
    assert not app.DemoOffer(empty_window).start()


def test_cancelling_the_demo_keeps_nothing(qtbot: QtBot, empty_window: MainWindow) -> None:
    offer = app.DemoOffer(empty_window, people=300)
    offer.fill()
    assert offer.task is not None
    offer.task.cancel()  # as if Cancel was pressed before the first batch finished
    qtbot.waitUntil(lambda: offer.finished, timeout=20_000)
    assert offer.task.cancelled
    assert empty_window.people_page.model.rowCount() == 0
    assert empty_window.ctx.reader.people.count() == 0
    assert not empty_window.ctx.reader.centre.profile().is_set
    assert empty_window.notice_label.text() == _("The demo was cancelled; nothing was added.")
    # Nothing was kept, so the offer stands for the next start.
    assert app.DemoOffer(empty_window).should_offer()


def test_a_database_with_people_is_not_offered_a_demo(window: MainWindow) -> None:
    assert not app.DemoOffer(window).start()


def test_a_later_section_slots_in_before_settings(
    people_db: Path, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QLabel

    from desktop_app.ui import main_window

    monkeypatch.setattr(main_window, "EXTRA_SECTIONS", [("Members", lambda _ctx: QLabel("x"))])
    window = make_window(people_db)
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == [_("Home"), _("People"), _("Members"), _("Settings")]
    assert window.settings_index == 3
    window.show_profile()
    assert window.stack.currentWidget() is window.settings_page


# The integrity check of the start --------------------------------------------------------


@pytest.fixture(scope="module")
def damaged_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo file with a page in its middle zeroed: it opens, but fails quick_check."""
    from desktop_app.services.demo import create_demo_database

    path = tmp_path_factory.mktemp("damaged") / "demo.sqlite3"
    create_demo_database(path, people=300, seed=3)
    data = bytearray(path.read_bytes())
    page = len(data) // 4096 // 2
    data[page * 4096 : (page + 1) * 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    return path


def _add_hamlet(name: str) -> Callable[[Workspace], OpResult[str]]:
    return lambda ws: ws.centre.add_hamlet(name)


def _hamlets(ws: Workspace) -> list[str]:
    return [h.name for h in ws.centre.hamlets()]


def test_writes_wait_for_the_start_check_then_run(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_app.ui.context import CHECKED, CHECKING, CHECKING_MESSAGE

    ctx = window.ctx
    ctx.start_integrity_check()
    assert ctx.integrity == CHECKING
    saved: list[str] = []
    ctx.op(_add_hamlet("Thôn Tân Phú Mới"), saved.append)
    assert window.notice_label.text() == _(CHECKING_MESSAGE)
    # Reads go on meanwhile.
    read: list[str] = []
    ctx.query(lambda ws: ws.centre.profile().name, read.append)
    qtbot.waitUntil(lambda: bool(saved) and bool(read), timeout=10_000)
    assert ctx.integrity == CHECKED
    assert "Thôn Tân Phú Mới" in _hamlets(ctx.reader)
    assert window.notice_label.text() == ""


def test_a_damaged_file_is_shown_and_refuses_writes(
    qtbot: QtBot, tmp_path: Path, damaged_demo: Path, make_window: Callable[..., MainWindow]
) -> None:
    import shutil

    from desktop_app.ui.context import DAMAGED

    path = tmp_path / "centre.sqlite3"
    shutil.copyfile(damaged_demo, path)
    window = make_window(path)
    ctx = window.ctx
    ctx.start_integrity_check()
    refused: list[BaseException] = []
    ctx.op(_add_hamlet("Thôn X"), lambda _v: None, refused.append)  # held, then refused
    qtbot.waitUntil(lambda: ctx.integrity == DAMAGED and bool(refused), timeout=10_000)
    assert isinstance(refused[0], StoreError) and refused[0].kind == StoreError.CORRUPT
    text = errors.store_error_text(refused[0])
    assert str(path) in text
    box = window.damaged_box
    assert box is not None and box.isVisible() and box.text() == text
    assert window.banner.isVisible()
    assert _("damaged") in window.windowTitle()
    box.close()
    # A later write is refused at once, and nothing was written.
    again: list[BaseException] = []
    ctx.op(_add_hamlet("Thôn Y"), lambda _v: None, again.append)
    qtbot.waitUntil(lambda: bool(again), timeout=5000)
    assert isinstance(again[0], StoreError) and again[0].kind == StoreError.CORRUPT
    assert not {"Thôn X", "Thôn Y"} & set(_hamlets(ctx.reader))


def test_the_damaged_file_message_restores_the_latest_backup_in_one_click(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.services.demo import create_demo_database
    from desktop_app.ui.context import DAMAGED

    path = tmp_path / "centre.sqlite3"
    create_demo_database(path, people=300, seed=3)
    with Workspace.open(path) as ws:
        people = ws.backup.facts().people
        good = ws.backup.backup_now()
    data = bytearray(path.read_bytes())
    page = len(data) // 4096 // 2
    data[page * 4096 : (page + 1) * 4096] = bytes(4096)
    path.write_bytes(bytes(data))

    window = make_window(path)
    window.ctx.start_integrity_check()
    qtbot.waitUntil(lambda: window.damaged_box is not None, timeout=10_000)
    assert window.ctx.integrity == DAMAGED
    window.damaged_restore_button.click()
    dialog = window.restore_dialog
    assert dialog is not None
    # The newest backup is already picked and checked: its facts are shown.
    qtbot.waitUntil(dialog.restore_button.isEnabled, timeout=10_000)
    assert dialog.chosen is not None and dialog.chosen.path == good
    assert str(people) in dialog.details.text()
    dialog.restore_button.click()
    box = dialog.confirm_box
    assert isinstance(box, QMessageBox)
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    yes.click()
    # The restore is the one write a damaged file allows; the damaged file is kept aside.
    qtbot.waitUntil(lambda: bool(list(tmp_path.glob("centre.sqlite3.before-restore-*"))),
                    timeout=20_000)  # fmt: skip
    # Until the app is opened again, nothing more is saved through the old connections.
    refused: list[BaseException] = []
    window.ctx.op(_add_hamlet("Thôn Z"), lambda _v: None, refused.append)
    qtbot.waitUntil(lambda: bool(refused), timeout=5000)
    assert isinstance(refused[0], StoreError)
    window.close()
    with Workspace.open(path, read_only=True) as ws:
        assert ws.db.integrity_problems() == []
        assert ws.backup.facts().people == people
        assert "Thôn Z" not in _hamlets(ws)


def test_closing_during_the_check_still_saves_what_was_held(
    qtbot: QtBot, people_db: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(people_db)
    ctx = window.ctx
    ctx.start_integrity_check()
    ctx.op(_add_hamlet("Thôn Lưu Khi Đóng"))
    window.close()  # settles the check, starts the held write, waits for it
    with Workspace.open(people_db) as ws:
        assert "Thôn Lưu Khi Đóng" in _hamlets(ws)


def test_a_database_on_read_only_media_opens_read_only_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_window: Callable[..., MainWindow]
) -> None:
    from desktop_app.storage import db as dbmod

    path = tmp_path / "centre.sqlite3"
    Workspace.open(path, create=True).close()
    # A CD or a locked USB stick: the folder cannot be written (forced here; the storage
    # tests do it for real on a read-only bind mount).
    monkeypatch.setattr(dbmod, "folder_writable", lambda _path: False)
    opened = app.open_workspace(path, ask=lambda _e: app.QUIT)
    assert opened is not None
    writer, reader = opened
    reader.close()
    assert writer.read_only
    writer.close()
    window = make_window(path, read_only=True)
    assert _("read-only") in window.windowTitle()
    assert window.banner.isVisible()
