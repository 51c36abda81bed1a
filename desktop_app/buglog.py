"""The bug log: full tracebacks of unexpected errors, kept where support can find them.

Outside the layers on purpose (cli and ui both write to it); imports only the standard
library, platformdirs and `desktop_app.appinfo`. Nothing here may raise: a full disk while
logging must not hide the bug being logged.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import threading
import traceback
from pathlib import Path

from platformdirs import user_data_dir

from desktop_app.appinfo import APP_AUTHOR, APP_NAME

LOG_DIR_ENV = "TTHTCD_LOG_DIR"
LOG_NAME = "tthtcd.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

_lock = threading.Lock()


def log_path() -> Path:
    """The current log file: `$TTHTCD_LOG_DIR/tthtcd.log`, else `<user data>/logs/tthtcd.log`."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override) / LOG_NAME
    return Path(user_data_dir(APP_NAME, APP_AUTHOR)) / "logs" / LOG_NAME


def log_bug(exc: BaseException, context: str = "") -> Path:
    """Append a timestamped entry with `exc`'s full traceback; return the log file's path.

    Never raises: if the log cannot be written, the path it should be at is still returned.
    """
    try:
        path = log_path()
    except Exception:
        path = Path(LOG_NAME)
    try:
        entry = _entry(exc, context)
        with _lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            _rotate(path)
            with path.open("a", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(entry)
    except Exception:
        pass
    return path


def _entry(exc: BaseException, context: str) -> str:
    when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except Exception:
        details = f"{type(exc).__name__} (its traceback could not be formatted)\n"
    lines = [
        f"===== {when} =====",
        f"{APP_NAME} {_app_version()}, Python {platform.python_version()}, {platform.platform()}",
    ]
    if context:
        lines.append(f"context: {context}")
    return "\n".join(lines) + "\n" + details + "\n"


def _app_version() -> str:
    # The package is always imported before this module; read its version without
    # importing anything from inside the layers.
    return str(getattr(sys.modules.get("desktop_app"), "__version__", "?"))


def _rotate(path: Path) -> None:
    """Keep the log small: past MAX_BYTES, shift tthtcd.log -> .1 -> .2 ... and start over."""
    try:
        if path.stat().st_size < MAX_BYTES:
            return
    except OSError:
        return
    for i in range(BACKUPS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{i}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{i + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))
