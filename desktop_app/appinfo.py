"""Where the app's own files are, frozen or not, and the default database location."""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "tthtcd"
APP_AUTHOR = "tthtcd"


def project_root() -> Path:
    """The folder with resources/ and i18n/: the PyInstaller bundle when frozen, else the repo."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return project_root().joinpath("resources", *parts)


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, APP_AUTHOR)) / "tthtcd.sqlite3"
