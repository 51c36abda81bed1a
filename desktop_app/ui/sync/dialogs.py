"""Small dialogs of the Sync section: why a correction is rejected, the office's fingerprint
read over the phone before a recovery. Each is opened with `open()` (never `exec`), so the
window keeps painting and tests can fill it in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.i18n import _, tr


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class _TextDialog(QDialog):
    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.addWidget(self.intro)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)


class RejectDialog(_TextDialog):
    """Why the centre rejects a correction request: the office reads it."""

    def __init__(self, record: str, parent: QWidget | None = None) -> None:
        super().__init__(
            _("Reject the correction request"),
            tr(
                "Say why the request about {record} is rejected. The office reads it when the "
                "next bundle sent upstream arrives.",
                record=record,
            ),
            _("Reject"),
            parent,
        )
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(_("Why the request is rejected"))
        self.text.setPlaceholderText(_("e.g. The birth year on the CCCD is 1975."))
        self.text.textChanged.connect(lambda: self.ok.setEnabled(bool(self.reason())))
        self.layout_.addWidget(self.text, 1)
        self.layout_.addWidget(self.buttons)
        self.resize(460, 240)

    def reason(self) -> str:
        return " ".join(self.text.toPlainText().split())


class FingerprintDialog(_TextDialog):
    """The office's key fingerprint, typed as the clerk reads it over the phone; OK only
    once every digit was typed. The comparison is the caller's."""

    def __init__(self, office: str, parent: QWidget | None = None) -> None:
        super().__init__(
            _("The office's fingerprint"),
            tr(
                "The recovery file was made by {office}, which this computer does not know "
                "yet. Call the office: the clerk reads the key fingerprint on the Sync "
                "screen (40 digits). Type it here; the records come back only if it is the "
                "same as the one in the file.",
                office=office,
            ),
            _("Compare and recover"),
            parent,
        )
        self.edit = QLineEdit()
        self.edit.setAccessibleName(_("The office's key fingerprint"))
        self.edit.setPlaceholderText("12345 67890 12345 67890 12345 67890 12345 67890")
        self.edit.textChanged.connect(lambda: self.ok.setEnabled(len(self.digits()) == 40))
        self.layout_.addWidget(self.edit)
        self.layout_.addWidget(self.buttons)
        self.resize(520, 200)

    def digits(self) -> str:
        return _digits(self.edit.text())

    def fingerprint(self) -> str:
        d = self.digits()
        return " ".join(d[i : i + 5] for i in range(0, len(d), 5))
