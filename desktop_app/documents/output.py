"""Write a document so that it appears whole or not at all.

Every PDF, ZIP and xlsx goes through `atomic_output` (or `PendingOutput` when something must
happen between the complete file and its final name, as for certificates): the writer fills a
temporary file with a unique name in the target's own folder, which is flushed to the disk and
then renamed onto the target. A failure, a Cancel or a kill before the rename leaves the
target as it was. Which targets are allowed at all (never the database) is decided by
desktop_app.services.outputs.check_output before anything is written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from desktop_app.core.problems import N_, UserError

# mkstemp makes a private file (0600); a document is an ordinary file the user opens and shares.
_DOCUMENT_MODE = 0o644


DISK_FULL_MESSAGE = N_(
    "The disk holding {path} is full, so the file was not written. Free some space there or "
    "choose another disk, then try again; nothing else was changed."
)


def write_failed(out: Path, exc: OSError) -> UserError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return UserError(DISK_FULL_MESSAGE, {"path": str(out)})
    return UserError(
        N_(
            "The file {path} could not be written: {error}. Choose another folder, or check "
            "that the disk is not full and the file is not open in another program."
        ),
        {"path": str(out), "error": exc.strerror or str(exc)},
    )


class PendingOutput:
    """A temporary file next to `target`; `commit()` renames it onto the target.

    `path` is where the writer writes. Until `commit()` nothing is visible at `target`;
    `discard()` removes the temporary file (safe to call after commit, or twice).
    """

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        folder = self.target.parent
        try:
            fd, name = tempfile.mkstemp(dir=folder, prefix=f".{self.target.name}.", suffix=".part")
        except OSError as exc:
            raise write_failed(self.target, exc) from exc
        os.close(fd)
        self.path = Path(name)
        self.committed = False
        with contextlib.suppress(OSError):
            os.chmod(self.path, _DOCUMENT_MODE)

    def commit(self, *, keep_on_failure: bool = False) -> Path:
        """Flush the finished file to the disk and give it its final name. If that fails the
        file is removed, or kept with `keep_on_failure` (what it holds is already registered,
        so it is the only copy)."""
        try:
            with open(self.path, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(self.path, self.target)
        except OSError as exc:
            if not keep_on_failure:
                self.discard()
            raise write_failed(self.target, exc) from exc
        self.committed = True
        _sync_folder(self.target.parent)
        return self.target

    def discard(self) -> None:
        if not self.committed:
            self.path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    # The rename itself is durable only once the folder is flushed (POSIX; Windows has no
    # folder handles to flush, and NTFS journals the rename).
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes `target`, on any error it goes.

    An OSError while writing becomes a UserError that names the file.
    """
    pending = PendingOutput(target)
    try:
        yield pending.path
    except OSError as exc:
        pending.discard()
        raise write_failed(pending.target, exc) from exc
    except BaseException:
        pending.discard()
        raise
    pending.commit()
