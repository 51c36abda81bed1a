"""Where a document may be written: never over the database, its journals or the backups.

Every service method that writes a file, the CLI's `--out` and the GUI's Save dialogs call
`check_output` first; the file itself is then written by desktop_app.documents.output, which
replaces the target only once the new file is complete.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop_app.appinfo import backups_dir
from desktop_app.core.problems import N_, UserError

__all__ = ["check_output"]

_DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _key(path: Path) -> str:
    """A resolved path compared as the file system does: case-insensitive on Windows."""
    text = str(path.resolve(strict=False))
    return os.path.normcase(text)


def _inside(path: Path, folder: Path) -> bool:
    key, root = _key(path), _key(folder)
    return key == root or key.startswith(root.rstrip(os.sep) + os.sep)


def check_output(path: Path, db_path: Path | None) -> Path:
    """Return the resolved `path` if a document may be written there; else raise UserError.

    Refused: the open database and its `-wal`, `-shm` and `-journal` files, anything in the
    backups folder, an existing folder, and a path whose folder does not exist.
    """
    path = Path(path).expanduser()
    target = path.resolve(strict=False)
    shown = {"path": str(path)}
    if db_path is not None:
        db = Path(db_path).resolve(strict=False)
        for suffix in _DATABASE_COMPANIONS:
            companion = db.with_name(db.name + suffix)
            same = _key(target) == _key(companion)
            if not same and target.exists() and companion.exists():
                try:
                    same = os.path.samefile(target, companion)
                except OSError:
                    same = False
            if same:
                raise UserError(
                    N_(
                        "{path} is the centre's database (or one of its files): writing a "
                        "document there would destroy it. Choose another file name."
                    ),
                    shown,
                )
    if _inside(target, backups_dir()):
        raise UserError(
            N_(
                "{path} is inside the backups folder, which holds only backups. Save the "
                "document in another folder."
            ),
            shown,
        )
    if target.is_dir():
        raise UserError(
            N_("{path} is a folder. Give a file name inside it, for example {example}."),
            {**shown, "example": str(path / "document.pdf")},
        )
    if not target.parent.is_dir():
        raise UserError(
            N_("The folder {folder} does not exist. Create it first or choose another folder."),
            {**shown, "folder": str(path.parent)},
        )
    return target
