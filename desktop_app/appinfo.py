"""Where the app's own files are (installed, editable or frozen) and the default database location.

The app's data files are package data inside `desktop_app/`: `resources/` (class types, fonts,
certificate templates) and the compiled catalogs in `i18n/locale/`. They are found through
`importlib.resources`, so a wheel installed into any environment finds them; a PyInstaller
bundle keeps the same tree under `sys._MEIPASS/desktop_app/`.
"""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_dir, user_documents_dir

APP_NAME = "tthtcd"
APP_AUTHOR = "tthtcd"
PACKAGE = "desktop_app"


def package_dir() -> Path:
    """The `desktop_app` package folder, with its package data next to the modules."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / PACKAGE
    folder = files(PACKAGE)
    # reportlab opens fonts by file name, so the package must be plain files on disk (every
    # pip install, editable or not, and the frozen bundle); a zipped package is not supported.
    if not isinstance(folder, Path):
        raise RuntimeError(f"{PACKAGE} must be installed as plain files, not from {folder!r}")
    return folder


def project_root() -> Path:
    """The folder holding the package: the source checkout (with `i18n/*.po`) when run from
    the repository or an editable install, site-packages when installed, the bundle when frozen.
    """
    return package_dir().parent


def resource_path(*parts: str) -> Path:
    """A file or folder of the shipped data, e.g. `resource_path("fonts", "x.ttf")`."""
    return package_dir().joinpath("resources", *parts)


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, APP_AUTHOR)) / "tthtcd.sqlite3"


def backups_dir() -> Path:
    """Where automatic backups go: the user data folder, never beside a copied database.
    `TTHTCD_BACKUP_DIR` moves it (tests)."""
    override = os.environ.get("TTHTCD_BACKUP_DIR")
    if override:
        return Path(override)
    return Path(user_data_dir(APP_NAME, APP_AUTHOR)) / "backups"


def documents_folder() -> Path:
    """Where Save and Open dialogs start: the user's Documents folder (home when it has none),
    never the program's folder, which the working directory of a shortcut often is."""
    folder = Path(user_documents_dir())
    return folder if folder.is_dir() else Path.home()
