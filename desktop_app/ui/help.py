"""The user guide inside the app (one HTML page per screen, in the UI language) and About."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.appinfo import APP_AUTHOR, APP_NAME, backups_dir, resource_path
from desktop_app.i18n import _, current_language, tr
from desktop_app.ui.fit import resize_within_screen

# The guide's pages, one per screen; "index" is the contents.
HELP_PAGES = (
    "index",
    "home",
    "people",
    "import",
    "classes",
    "certificates",
    "members",
    "fund",
    "models",
    "reports",
    "sync",
    "settings",
    "backups",
)
LICENCE = "GPL-3.0-or-later"


def help_page(page: str, lang: str | None = None) -> Path:
    """The page in the language asked (the UI's by default), else in Vietnamese."""
    lang = lang or current_language()
    name = page if page in HELP_PAGES else "index"
    path = resource_path("help", lang, f"{name}.html")
    return path if path.is_file() else resource_path("help", "vi", f"{name}.html")


class HelpDialog(QDialog):
    """The guide in a browser of its own: links between pages work, nothing goes online."""

    def __init__(self, page: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("User guide"))
        resize_within_screen(self, 640, 560)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_page(page)

    def show_page(self, page: str) -> None:
        self.browser.setSource(QUrl.fromLocalFile(str(help_page(page))))

    @property
    def page(self) -> str:
        return Path(self.browser.source().toLocalFile()).stem


def about_text(db_path: Path) -> str:
    lines = [
        tr("Version {version}", version=__version__),
        tr("Database: {path}", path=str(db_path)),
        tr("Data folder: {path}", path=user_data_dir(APP_NAME, APP_AUTHOR)),
        tr("Backups: {path}", path=str(backups_dir())),
        tr("Licence: {licence}", licence=LICENCE),
    ]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About"))
        layout = QVBoxLayout(self)
        title = QLabel(_("Community Learning Centre and Hội Khuyến học records"))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.text = QLabel(about_text(db_path))
        self.text.setWordWrap(True)
        # Paths are there to be copied into an e-mail to whoever helps with the computer.
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
