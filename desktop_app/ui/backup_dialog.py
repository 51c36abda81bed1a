"""Backups in the GUI: the automatic ones (on close, and once a day while the app is open),
the Settings tab with "Back up to a USB stick or folder…", and the restore wizard.

Every backup and every restore runs on a database thread (`ctx.task`), never on the GUI
thread. After a restore the window closes and the user opens the app again: every page, the
reader connection and the title then come from the restored file, with nothing cached from
the replaced one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.appinfo import documents_folder
from desktop_app.core.progress import Progress
from desktop_app.i18n import _, format_int, tr
from desktop_app.services import backup
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets import confirm

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60 * 60 * 1000  # whether a day has passed since the last automatic backup
MIN_PASSPHRASE = 8


# Automatic backups -------------------------------------------------------------------------


def _automatic(ws: Workspace) -> Path | None:
    """A backup into the automatic folder; a failure is logged, never shown on closing."""
    try:
        return ws.backup.backup_now()
    except Exception:
        log.exception("The automatic backup failed")
        return None


def backup_on_close(ctx: AppContext) -> None:
    """Queue an automatic backup on the writer thread, which finishes it before closing."""
    if not ctx.sound:
        return  # a damaged file is no backup; a restored one is a backup already
    # RuntimeError: the writer is already closed (this window was shut down before).
    with contextlib.suppress(RuntimeError):
        ctx.worker.submit(_automatic)


def _daily(ws: Workspace, _progress: Progress) -> Path | None:
    if not ws.backup.automatic_due():
        return None
    return _automatic(ws)


# The passphrase ----------------------------------------------------------------------------


class PassphraseDialog(QDialog):
    """The passphrase of an encrypted backup, typed twice; it cannot be recovered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Passphrase of the backup"))
        layout = QVBoxLayout(self)
        note = QLabel(
            _(
                "The backup is encrypted with this passphrase, so a lost USB stick shows "
                "nothing. Write it down and keep it safe: without it the backup cannot be "
                "opened, and nobody, not even the app's makers, can recover it."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("&Passphrase:"), self.first)
        form.addRow(_("&Type it again:"), self.second)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def problem(self) -> str:
        if len(self.first.text()) < MIN_PASSPHRASE:
            return tr("At least {n} characters.", n=MIN_PASSPHRASE)
        if self.first.text() != self.second.text():
            return _("The two passphrases differ.")
        return ""

    def _update(self) -> None:
        problem = self.problem()
        self.message.setText(problem)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem)

    def passphrase(self) -> str:
        return self.first.text()


def _ask_passphrase(parent: QWidget, path: Path, on_given: Callable[[str], None]) -> QDialog:
    """One passphrase, to open an encrypted backup."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("Encrypted backup"))
    layout = QVBoxLayout(dialog)
    label = QLabel(tr("Type the passphrase of {name}:", name=path.name))
    label.setWordWrap(True)
    layout.addWidget(label)
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    layout.addWidget(field)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.setProperty("field", field)
    dialog.accepted.connect(lambda: on_given(field.text()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def facts_text(info: backup.BackupInfo) -> str:
    facts = info.facts
    if facts is None:
        return tr("{date}: encrypted", date=f"{info.taken_at:%d/%m/%Y %H:%M}")
    return tr(
        "{date}: {centre}, {people} people, {classes} classes, {members} members, "
        "{entries} ledger entries",
        date=f"{info.taken_at:%d/%m/%Y %H:%M}",
        centre=facts.centre_name or facts.site_name or _("(no name)"),
        people=format_int(facts.people),
        classes=format_int(facts.classes),
        members=format_int(facts.members),
        entries=format_int(facts.ledger_entries),
    )


# The restore wizard ------------------------------------------------------------------------


class RestoreDialog(QDialog):
    """Pick a backup, see what it holds before anything changes, confirm, restore."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        on_restored: Callable[[backup.RestoreResult], None] | None = None,
        *,
        pick_latest: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_restored = on_restored
        # Opened from the damaged-file message: the newest backup is checked and shown at once.
        self.pick_latest = pick_latest
        self.setWindowTitle(_("Restore from a backup"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Pick a backup. What it holds is shown before anything changes; the current "
                "database is kept aside, next to it, in case you need it again."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.other = QPushButton(_("Choose another &file…"))
        self.other.clicked.connect(self.choose_file)
        row.addWidget(self.other)
        row.addStretch(1)
        layout.addLayout(row)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.details)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            _("&Restore…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.ask_confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.chosen: backup.BackupInfo | None = None
        self.passphrase: str | None = None
        self.confirm_box: QMessageBox | None = None
        self.list.currentItemChanged.connect(self._picked)
        self.load()

    def load(self) -> None:
        def fill(found: list[backup.BackupInfo]) -> None:
            self.list.clear()
            for info in found:
                item = QListWidgetItem(facts_text(info))
                item.setData(Qt.ItemDataRole.UserRole, info)
                item.setToolTip(str(info.path))
                self.list.addItem(item)
            if not found:
                self.details.setText(
                    _("There is no automatic backup yet; choose a backup file instead.")
                )
            elif self.pick_latest:
                self.list.setCurrentRow(0)  # newest first

        self.ctx.query(lambda ws: ws.backup.list(), fill, parent=self)

    def _picked(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        info = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(info, backup.BackupInfo):
            self.inspect(info.path, None)

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the backup file"),
            str(documents_folder()),
            _("Backups (*.sqlite3 *.age);;All files (*)"),
        )
        if name:
            self.open_file(Path(name))

    def open_file(self, path: Path) -> None:
        """A backup picked from a USB stick or folder: asks its passphrase if encrypted."""
        try:
            encrypted = backup.is_encrypted(path)
        except Exception as exc:
            errors.report_error(self, _("Restore from a backup"), exc)
            return
        if encrypted:
            self.passphrase_dialog = _ask_passphrase(
                self, path, lambda text: self.inspect(path, text)
            )
        else:
            self.inspect(path, None)

    def inspect(self, path: Path, passphrase: str | None) -> None:
        """Check the backup completely on the query thread and show what it holds."""
        self.chosen = None
        self.restore_button.setEnabled(False)
        self.details.setText(_("Checking the backup…"))

        def shown(info: backup.BackupInfo) -> None:
            self.chosen = info
            self.passphrase = passphrase
            self.details.setText(tr("{file}\n{facts}", file=str(info.path), facts=facts_text(info)))
            self.restore_button.setEnabled(not self.ctx.read_only)

        def failed(exc: BaseException) -> None:
            self.details.setText("")
            errors.report_error(self, _("Restore from a backup"), exc)

        self.ctx.task(
            self,
            "",
            lambda _ws, _progress: backup.inspect(path, passphrase),
            shown,
            failed,
            write=False,
        )

    def ask_confirm(self) -> None:
        info = self.chosen
        if info is None:
            return
        self.confirm_box = confirm(
            self,
            _("Restore from a backup"),
            tr(
                "Replace the database {path} by this backup?\n{facts}\nThe current database "
                "is kept aside next to it. The app then closes; open it again.",
                path=str(self.ctx.path),
                facts=facts_text(info),
            ),
            _("Restore"),
            self.restore,
        )

    def restore(self) -> None:
        info = self.chosen
        if info is None:
            return
        path, file, passphrase = self.ctx.path, info.path, self.passphrase

        def done(result: backup.RestoreResult) -> None:
            self.ctx.store_replaced()
            self.accept()
            if self.on_restored is not None:
                self.on_restored(result)

        # On the writer thread: no write of this window can slip in between.
        self.ctx.task(
            self,
            _("Restoring the backup…"),
            lambda _ws, _progress: backup.restore(path, file, passphrase),
            done,
            lambda exc: errors.report_error(self, _("Restore from a backup"), exc),
            write=True,
            replaces_store=True,
        )


# The Settings tab --------------------------------------------------------------------------


class BackupTab(QWidget):
    """Settings › Backups: where the automatic backups are, a backup for leaving the PC, and
    restoring one. Also checks every hour whether a day has passed since the last automatic
    backup and, if so, makes one on the query thread."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.now_button = QPushButton(_("Back up &now"))
        self.now_button.clicked.connect(self.backup_now)
        self.export_button = QPushButton(_("Back up to a &USB stick or folder…"))
        self.export_button.clicked.connect(self.choose_export_folder)
        self.restore_button = QPushButton(_("&Restore from a backup…"))
        self.restore_button.clicked.connect(self.open_restore)
        for button in (self.now_button, self.export_button, self.restore_button):
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        note = QLabel(
            _(
                "The app backs up by itself when it closes and once a day while it is open, "
                "keeping the last 7 days, 4 weeks and 12 months. Those backups stay on this "
                "computer: take an encrypted one to a USB stick regularly, so a broken disk "
                "loses nothing."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)
        self.passphrase_dialog: PassphraseDialog | None = None
        self.restore_dialog: RestoreDialog | None = None
        self.last_written: Path | None = None
        self.message_box: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.daily_check)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        def show(latest: backup.BackupInfo | None) -> None:
            where = str(backup.backups_dir())
            if latest is None:
                self.status.setText(
                    tr("No automatic backup yet. They go to {folder}.", folder=where)
                )
            else:
                self.status.setText(
                    tr("Latest automatic backup: {facts}.\nFolder: {folder}",
                       facts=facts_text(latest), folder=where)
                )  # fmt: skip

        self.ctx.query(lambda ws: ws.backup.latest(), show, lambda _exc: None, parent=self)

    def daily_check(self) -> None:
        if not self.ctx.sound:
            return
        self.ctx.task(self, "", _daily, lambda _path: self.refresh(), write=False)

    def backup_now(self) -> None:
        def done(path: Path) -> None:
            self.last_written = path
            self.ctx.notify(tr("Backed up to {path}.", path=str(path)))
            self.refresh()

        self.ctx.task(
            self,
            _("Backing up…"),
            lambda ws, _progress: ws.backup.backup_now(),
            done,
            write=False,
        )

    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose the USB stick or folder"), str(documents_folder())
        )
        if folder:
            self.ask_passphrase(Path(folder))

    def ask_passphrase(self, folder: Path) -> PassphraseDialog:
        dialog = PassphraseDialog(self)
        dialog.accepted.connect(lambda: self.export(folder, dialog.passphrase()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.passphrase_dialog = dialog
        dialog.open()
        return dialog

    def export(self, folder: Path, passphrase: str) -> None:
        def done(path: Path) -> None:
            self.last_written = path
            text = tr(
                "Backed up to {path}. Keep the passphrase apart from the USB stick.",
                path=str(path),
            )
            self.message_box = _inform(self, _("Back up to a USB stick or folder"), text)

        self.ctx.task(
            self,
            _("Backing up…"),
            lambda ws, _progress: ws.backup.export_encrypted(folder, passphrase),
            done,
            write=False,
        )

    def open_restore(self) -> RestoreDialog:
        self.restore_dialog = open_restore(self.ctx, self)
        return self.restore_dialog


def open_restore(ctx: AppContext, parent: QWidget, *, pick_latest: bool = False) -> RestoreDialog:
    """The restore wizard, from Settings › Backups or from the damaged-file message. Once a
    backup is restored the user is told what came back, then the window closes."""
    window = parent.window()

    def restored(result: backup.RestoreResult) -> None:
        text = tr(
            "The backup was restored: {centre}, {people} people. The app closes now; "
            "open it again to work on the restored records.",
            centre=result.facts.centre_name or result.facts.site_name,
            people=format_int(result.facts.people),
        )
        if result.aside is not None:
            text += "\n" + tr("The replaced database is kept as {path}.", path=str(result.aside))
        # Closed once the user has read it; the window it belongs to closes with it.
        box = _inform(window, _("Restore from a backup"), text)
        box.finished.connect(lambda _result: window.close())

    dialog = RestoreDialog(ctx, parent, restored, pick_latest=pick_latest)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _inform(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A message that does not block (`open`, not `exec`)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
