"""Turning exceptions into what the user reads, and the last-resort dialog for bugs."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.buglog import log_bug
from desktop_app.core.problems import StoreError, UserError
from desktop_app.i18n import _, tr, user_error_text
from desktop_app.ui.widgets import show_message

log = logging.getLogger(__name__)


def store_error_text(e: StoreError) -> str:
    return tr(e.message, **e.params)


def error_text(exc: BaseException) -> str | None:
    """The message for an error the user can act on, or None for a bug."""
    if isinstance(exc, StoreError):
        return store_error_text(exc)
    if isinstance(exc, UserError):
        return user_error_text(exc)
    return None


def details_of(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb))


class BugDialog(QDialog):
    """Something went wrong in the app itself; the user's data and typing stay as they were."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Something went wrong"))
        self.details = details
        layout = QVBoxLayout(self)
        message = QLabel(
            _(
                "The app met an error it did not expect. What you typed is still there; "
                "save it, then restart the app if it misbehaves. Please send the details "
                "below to whoever supports the app."
            )
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


# Tests replace this to see the dialog without blocking on exec().
show_bug_dialog: Callable[[str], None]


def _show_bug_dialog(details: str) -> None:
    parent = QApplication.activeWindow()
    dialog = BugDialog(details, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.exec()


show_bug_dialog = _show_bug_dialog
_showing = False


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log every unexpected error with its traceback to the bug log and show it, with the
    log's path, never crash the window."""
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = details_of(exc_type, exc, tb)
    log.error("Unexpected error:\n%s", details)
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    where = log_bug(exc, "GUI")
    details = tr("These details are also saved in {path}.", path=str(where)) + "\n\n" + details
    if QApplication.instance() is None or _showing:
        sys.__excepthook__(exc_type, exc, tb)
        return
    _showing = True  # an error inside the dialog must not open dialogs forever
    try:
        show_bug_dialog(details)
    finally:
        _showing = False


def install_excepthook() -> None:
    sys.excepthook = excepthook


def report_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """The one way the GUI tells the user that something failed.

    A UserError or StoreError becomes a message that says what to do (nothing was changed);
    anything else is a bug: logged with its traceback and shown in the bug dialog. Cancelled
    work is not a failure: the long-task runner says so in the status bar instead.
    """
    text = error_text(exc)
    if text is None:
        excepthook(type(exc), exc, exc.__traceback__)
        return
    show_message(parent, title, text)
