"""The menu bar: File (open another database, backups, restore, quit) and Help (guide, About)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

import desktop_app.i18n as i18n
from desktop_app import __version__
from desktop_app.appinfo import backups_dir
from desktop_app.i18n import _
from desktop_app.services.workspace import Workspace
from desktop_app.ui import app as app_module
from desktop_app.ui.backup_dialog import RestoreDialog
from desktop_app.ui.help import LICENCE, help_page
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_page import SECTION_BACKUPS


def _menus(window: MainWindow) -> dict[str, list[str]]:
    return {
        action.text(): [a.text() for a in action.menu().actions() if not a.isSeparator()]
        for action in window.menuBar().actions()
    }


def _heading(page: str, lang: str) -> str:
    text = help_page(page, lang).read_text(encoding="utf-8")
    return text.split("<h2>", 1)[1].split("</h2>", 1)[0]


def test_menus_and_their_shortcuts(window: MainWindow) -> None:
    menus = _menus(window)
    assert menus == {
        _("File"): [
            _("&Open another database…"),
            _("&Import a list from Excel…"),
            _("Imports from Excel (&history)…"),
            _("Back up &now"),
            _("Back up to a &USB stick or folder…"),
            _("&Restore from a backup…"),
            _("&Quit"),
        ],
        _("Help"): [_("&User guide"), _("&About")],
    }
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.guide_action.shortcut().toString() == "F1"


def test_f1_opens_the_guide_page_of_the_screen_shown(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help_dialog is not None and window.help_dialog.isVisible())
    dialog = window.help_dialog
    assert dialog is not None
    # The window opens on the home page.
    assert dialog.page == "home"
    assert _heading("home", "vi") in dialog.browser.toPlainText()
    for section, page in (
        (1, "people"), (4, "members"), (5, "fund"), (6, "models"),
        (window.settings_index, "settings"),
    ):  # fmt: skip
        window.show_section(section)
        window.show_help()
        assert dialog.page == page, section
    window.settings_page.tabs.setCurrentIndex(SECTION_BACKUPS)
    window.show_help()
    assert dialog.page == "backups"
    # The contents page links to every page; a link opens it inside the guide.
    dialog.show_page("index")
    dialog.browser.setSource(dialog.browser.source().resolved("fund.html"))
    assert dialog.page == "fund"
    dialog.reject()


def test_the_guide_is_in_the_language_of_the_screens(qtbot: QtBot, window: MainWindow) -> None:
    i18n.set_language("en")
    dialog = window.show_help()
    text = dialog.browser.toPlainText()
    # The window opens on the home page, whose guide page opens.
    assert _heading("home", "en") in text and _heading("home", "vi") not in text
    dialog.show_page("index")
    assert "F1" in dialog.browser.toPlainText()
    dialog.reject()


def test_about_says_version_data_folder_database_and_licence(window: MainWindow) -> None:
    dialog = window.show_about()
    text = dialog.text.text()
    assert __version__ in text
    assert str(window.ctx.path) in text
    assert str(backups_dir()) in text
    assert LICENCE in text
    assert _("Data folder: {path}").split("{")[0] in text
    dialog.reject()


def test_back_up_now_and_restore_from_the_menu(qtbot: QtBot, window: MainWindow) -> None:
    before = set(backups_dir().glob("*.sqlite3"))
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: set(backups_dir().glob("*.sqlite3")) - before != set(), timeout=5000)
    window.restore_action.trigger()
    assert isinstance(window.restore_dialog, RestoreDialog)
    qtbot.waitUntil(window.restore_dialog.isVisible)
    window.restore_dialog.reject()


def test_quit_closes_the_window(qtbot: QtBot, window: MainWindow) -> None:
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_open_another_database_reopens_the_window_on_it(
    qtbot: QtBot, people_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other" / "second.sqlite3"
    other.parent.mkdir()
    Workspace.open(other, create=True).close()
    opened = app_module.open_workspace(people_db)
    assert opened is not None
    first = app_module.build_window(*opened)
    first.show()
    qtbot.waitExposed(first)
    monkeypatch.setattr(app_module, "pick_database_file", lambda *_a: other)
    # The empty file's first-run offer is not this test's business.
    monkeypatch.setattr(app_module.DemoOffer, "start", lambda self: False)
    first.open_action.trigger()
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=5000)
    (second,) = [w for w in app_module._windows if w.isVisible()]
    try:
        assert second.ctx.path == other
        assert other.name in second.windowTitle()
        # The first file was closed as on quitting: backed up, every connection closed.
        assert any(backups_dir().glob("*.sqlite3"))
        # The same file again is only a notice.
        assert second.open_database(other) is None
    finally:
        second.close()
        second.shutdown()
        second.deleteLater()


def test_the_same_database_is_not_opened_twice(window: MainWindow) -> None:
    assert window.open_database(window.ctx.path) is None
    assert window.isVisible()
    assert window.notice_label.text() == _("This database is already open.")


def test_opening_fails_the_window_stays(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "not a database.sqlite3"
    bad.write_bytes(b"this is not SQLite" * 100)
    told: list[str] = []

    def give_up(error: object, parent: object = None) -> str:
        told.append(str(error))
        return app_module.QUIT

    monkeypatch.setattr(app_module, "open_failed_choice", give_up)
    assert window.open_database(bad) is None
    assert told, "the reason was shown"
    assert window.isVisible()
