"""Backups in the GUI: on close, daily, the Settings tab and the restore wizard (offscreen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from pyrage import passphrase as age
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.appinfo import backups_dir
from desktop_app.core.people import PersonInput
from desktop_app.services import backup
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.backup_dialog import BackupTab, PassphraseDialog, RestoreDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_page import SECTION_BACKUPS


def _tab(window: MainWindow) -> BackupTab:
    tab = window.settings_page.tabs.widget(SECTION_BACKUPS)
    assert isinstance(tab, BackupTab)
    return tab


def _backups() -> list[Path]:
    return sorted(backups_dir().glob("*.sqlite3"))


def test_closing_the_window_makes_a_backup(
    people_db: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(people_db)
    assert _backups() == []
    assert window.settings_page.tabs.widget(SECTION_BACKUPS).__class__ is BackupTab
    window.close()
    (made,) = _backups()
    info = backup.inspect(made)
    assert info.facts is not None and info.facts.people == 5


def test_daily_check_backs_up_once_a_day(window: MainWindow, qtbot: QtBot) -> None:
    ctx = window.ctx
    tab = _tab(window)
    tab.daily_check()
    qtbot.waitUntil(lambda: len(_backups()) == 1)
    qtbot.waitUntil(lambda: "Latest" in tab.status.text() or "gần nhất" in tab.status.text())
    tab.daily_check()  # a backup of less than a day ago: nothing new
    done: list[object] = []
    ctx.query(lambda ws: ws.backup.automatic_due(), done.append)
    qtbot.waitUntil(lambda: bool(done))
    assert done == [False]
    assert len(_backups()) == 1


def test_passphrase_is_typed_twice(window: MainWindow) -> None:
    dialog = PassphraseDialog(window)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.first.setText("dài đủ tám ký tự")
    assert not ok.isEnabled() and dialog.message.text()
    dialog.second.setText("dài đủ tám ký tự")
    assert ok.isEnabled() and dialog.message.text() == ""
    dialog.first.setText("ngắn")
    dialog.second.setText("ngắn")
    assert not ok.isEnabled()


def test_export_to_a_folder_is_encrypted(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    tab = _tab(window)
    dialog = tab.ask_passphrase(tmp_path / "usb")
    dialog.first.setText("mật khẩu của giám đốc")
    dialog.second.setText("mật khẩu của giám đốc")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: tab.last_written is not None, timeout=60_000)  # scrypt: slow
    written = tab.last_written
    assert written is not None and written.suffix == ".age"
    assert age.decrypt(written.read_bytes(), "mật khẩu của giám đốc")[:2] == b"PK"
    assert tab.message_box is not None
    tab.message_box.close()


def test_restore_wizard_shows_the_backup_then_restores(
    people_db: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    with Workspace.open(people_db) as ws:
        ws.backup.backup_now(now=dt.datetime(2026, 2, 3, 4, 5))
        ws.people.add(PersonInput(full_name="Thêm Sau Cùng"))
    window = make_window(people_db)
    restored: list[backup.RestoreResult] = []
    dialog = RestoreDialog(window.ctx, window, on_restored=restored.append)
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    assert "03/02/2026" in dialog.list.item(0).text()
    dialog.list.setCurrentRow(0)
    qtbot.waitUntil(dialog.restore_button.isEnabled)
    assert "5" in dialog.details.text() and "03/02/2026" in dialog.details.text()
    # Nothing has changed yet.
    with Workspace.open(people_db, read_only=True) as ws:
        assert ws.people.search("Thêm Sau Cùng")
    dialog.restore_button.click()
    box = dialog.confirm_box
    assert isinstance(box, QMessageBox)
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    yes.click()
    qtbot.waitUntil(lambda: bool(restored))
    assert restored[0].aside is not None and restored[0].aside.exists()
    with Workspace.open(people_db, read_only=True) as ws:
        assert not ws.people.search("Thêm Sau Cùng")
        assert len(ws.people.roster()) == 5


def test_restore_wizard_refuses_a_wrong_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(errors, "show_message", lambda _parent, _title, text: shown.append(text))
    dialog = RestoreDialog(window.ctx, window)
    not_ours = tmp_path / "notes.sqlite3"
    not_ours.write_text("hello")
    dialog.open_file(not_ours)
    qtbot.waitUntil(lambda: bool(shown))
    assert not dialog.restore_button.isEnabled()
