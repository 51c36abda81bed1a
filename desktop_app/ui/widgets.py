"""Small widgets the pages share: inline field messages, banners, confirmation boxes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.fit import fit_dialog_height

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"
_BOX = "padding: 6px; border-radius: 3px;"
BANNER_STYLE = f"background: #fff4ce; color: #3d2e00; border: 1px solid #e0c36c; {_BOX}"
ERROR_BANNER_STYLE = f"background: #fde7e9; color: #5c0010; border: 1px solid #e8a3ab; {_BOX}"


class FieldMessage(QLabel):
    """The message under a field: what is wrong and how to fix it. Hidden when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_messages(self, errors: list[str], warnings: list[str] | None = None) -> None:
        warnings = warnings or []
        if errors:
            self.setStyleSheet(ERROR_STYLE)
            self._show_text("\n".join(errors + warnings))
        elif warnings:
            self.setStyleSheet(WARNING_STYLE)
            self._show_text("\n".join(warnings))
        else:
            self.clear_message()

    def _show_text(self, text: str) -> None:
        def show() -> None:
            self.setText(text)
            self.show()

        if text != self.text() or self.isHidden():  # wrapped whole: the dialog grows to hold it
            fit_dialog_height(self, show)

    def clear_message(self) -> None:
        def hide() -> None:
            self.setText("")
            self.hide()

        if self.isHidden():
            hide()
        else:  # and gives the room back, leaving no gap
            fit_dialog_height(self, hide)


class Banner(QLabel):
    """A strip across the top of a window or dialog for a state or an error."""

    def __init__(self, text: str = "", *, error: bool = False, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(ERROR_BANNER_STYLE if error else BANNER_STYLE)
        self.setVisible(bool(text))

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def message_box(
    parent: QWidget | None,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    """Window-modal and non-blocking, so callers (and tests) carry on; returns the box."""
    box = message_box(parent, title, text, icon)
    box.open()
    return box


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    yes_text: str,
    on_yes: Callable[[], None],
) -> QMessageBox:
    """Ask before something that needs a second thought; `on_yes` runs only on the yes button.

    Non-blocking (`open`, not `exec`), so the GUI keeps painting and tests can click it.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    box.setTextFormat(Qt.TextFormat.PlainText)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # Enter must not delete by accident
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished() -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(finished)
    box.open()
    return box


def ok_cancel(
    dialog: QDialog, layout: QBoxLayout, ok_text: str, on_ok: Callable[[], None]
) -> tuple[QLabel, QPushButton]:
    """The foot of a small dialog: a line for its refusals (red, plain text, wrapped), then
    OK (named `ok_text`, running `on_ok`, which closes the dialog itself when it succeeds)
    and Cancel. Returns the message line and the OK button."""
    message = QLabel()
    message.setWordWrap(True)
    message.setTextFormat(Qt.TextFormat.PlainText)
    message.setStyleSheet(ERROR_STYLE)
    layout.addWidget(message)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return message, ok


def add_field_row(
    form: QFormLayout, label: str, widget: QWidget, focus: QWidget | None = None
) -> FieldMessage:
    """A form row with its message underneath; returns the message to show problems in."""
    box = QWidget()
    box_layout = QVBoxLayout(box)
    box_layout.setContentsMargins(0, 0, 0, 0)
    box_layout.setSpacing(2)
    box_layout.addWidget(widget)
    message = FieldMessage()
    box_layout.addWidget(message)
    title = QLabel(label)
    title.setBuddy(focus or widget)
    form.addRow(title, box)
    return message
