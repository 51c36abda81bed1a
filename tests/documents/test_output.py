"""The atomic-output helper and the guard that keeps documents away from the database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_app.core.problems import UserError
from desktop_app.documents.output import DISK_FULL_MESSAGE, PendingOutput, atomic_output
from desktop_app.services.outputs import check_output


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_the_file_appears_whole_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    with atomic_output(target) as part:
        assert part.parent == tmp_path and part != target
        part.write_bytes(b"new document")
        assert not target.exists()
    assert target.read_bytes() == b"new document"
    assert _leftovers(tmp_path) == []
    assert os.stat(target).st_mode & 0o777 == 0o644


def test_a_failure_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as part:
        part.write_bytes(b"half")
        raise RuntimeError("render failed")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_an_os_error_while_writing_becomes_a_user_error_naming_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    with pytest.raises(UserError) as caught, atomic_output(target):
        raise OSError(13, "Permission denied")
    assert caught.value.params["path"] == str(target)
    assert "Permission denied" in str(caught.value.params["error"])
    assert _leftovers(tmp_path) == []
    # A full disk has a message of its own (tests/services/test_disk_full.py does it for real).
    with pytest.raises(UserError) as full, atomic_output(target):
        raise OSError(28, "No space left on device")
    assert full.value.message == DISK_FULL_MESSAGE and full.value.params == {"path": str(target)}


def test_two_writers_of_one_target_get_their_own_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    first, second = PendingOutput(target), PendingOutput(target)
    assert first.path != second.path
    first.discard()
    second.discard()
    assert _leftovers(tmp_path) == []


def test_a_pending_output_is_invisible_until_committed(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    pending = PendingOutput(target)
    pending.path.write_bytes(b"zip")
    assert not target.exists()
    assert pending.commit() == target
    pending.discard()  # after commit: nothing to remove, the target stays
    assert target.read_bytes() == b"zip"


def test_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        PendingOutput(tmp_path / "nowhere" / "out.pdf")


# The guard -------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "centre.sqlite3"
    path.write_bytes(b"SQLite format 3\x00")
    return path


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_database_and_its_files_are_refused(db: Path, suffix: str) -> None:
    with pytest.raises(UserError) as caught:
        check_output(db.with_name(db.name + suffix), db)
    assert "database" in caught.value.message


def test_the_database_is_refused_through_dot_dot_and_a_symlink(db: Path, tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    with pytest.raises(UserError):
        check_output(sub / ".." / db.name, db)
    link = tmp_path / "link.pdf"
    link.symlink_to(db)
    with pytest.raises(UserError):
        check_output(link, db)
    folder_link = tmp_path / "same-folder"
    folder_link.symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UserError):
        check_output(folder_link / (db.name + "-wal"), db)


def test_a_hard_link_to_the_database_is_refused(db: Path, tmp_path: Path) -> None:
    hard = tmp_path / "hard.pdf"
    os.link(db, hard)
    with pytest.raises(UserError):
        check_output(hard, db)


def test_the_backups_folder_is_refused(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups = tmp_path / "backups"
    (backups / "daily").mkdir(parents=True)
    monkeypatch.setenv("TTHTCD_BACKUP_DIR", str(backups))
    for path in (backups / "x.pdf", backups / "daily" / "x.pdf"):
        with pytest.raises(UserError) as caught:
            check_output(path, db)
        assert "backups" in caught.value.message
    # A folder whose name only starts like the backups folder is fine.
    (tmp_path / "backups-old").mkdir()
    assert check_output(tmp_path / "backups-old" / "x.pdf", db).name == "x.pdf"


def test_a_folder_and_a_missing_folder_are_refused(db: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        check_output(tmp_path, db)
    assert "folder" in caught.value.message
    with pytest.raises(UserError) as caught:
        check_output(tmp_path / "missing" / "x.pdf", db)
    assert "does not exist" in caught.value.message


def test_an_ordinary_file_is_allowed_and_resolved(db: Path, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert check_output(tmp_path / "sub" / ".." / "x.pdf", db) == (tmp_path / "x.pdf").resolve()
    assert check_output(tmp_path / "x.pdf", None) == (tmp_path / "x.pdf").resolve()
