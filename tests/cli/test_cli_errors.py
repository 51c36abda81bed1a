"""A bug in the CLI: one translated line naming the bug log, exit 70, the traceback in the log.

And the bug log itself: where it is, what an entry holds, that it rotates, that it never
raises (a full disk while logging must not hide the bug being logged).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from desktop_app import __version__, buglog, cli
from desktop_app.services.demo import create_demo_database
from desktop_app.services.people import PeopleService


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv(buglog.LOG_DIR_ENV, str(folder))
    return folder


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-errors") / "demo.sqlite3"
    create_demo_database(path, people=50, seed=2)
    return path


def _roster_with_a_bug(self: PeopleService, limit: int = 100, sites: object = None) -> list[object]:
    raise RuntimeError("roster bug for the test")


def test_a_bug_prints_one_line_naming_the_log_and_exits_70(
    demo_db: Path,
    log_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(PeopleService, "roster", _roster_with_a_bug)
    code = cli.main(["--lang", "en", "people", "list", "--db", str(demo_db)])
    assert code == cli.EXIT_INTERNAL == 70
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    log_file = log_dir / "tthtcd.log"
    assert lines[0].startswith("tthtcd: internal error (RuntimeError)")
    assert str(log_file) in lines[0]
    assert "Traceback" not in err

    text = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in text
    assert "RuntimeError: roster bug for the test" in text
    assert "_roster_with_a_bug" in text  # the frame where the bug was raised
    assert f"tthtcd {__version__}" in text
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in text
    assert "people list" in text  # the command that met the bug


def _add_with_a_bug(self: PeopleService, *args: object, **kwargs: object) -> object:
    raise RuntimeError("add bug for the test")


def test_the_bug_log_names_the_command_but_not_the_personal_data_typed(
    demo_db: Path,
    log_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A log file is e-mailed to whoever supports the app: no names or ID numbers in it."""
    monkeypatch.setattr(PeopleService, "add", _add_with_a_bug)
    argv = ["people", "add", "--db", str(demo_db), "--name", "Nguyễn Thị Riêng Tư",
            "--cccd", "001185012345", "--phone", "0912345678"]  # fmt: skip
    assert cli.main(argv) == 70
    capsys.readouterr()
    text = (log_dir / "tthtcd.log").read_text(encoding="utf-8")
    assert "people add --db … --name … --cccd … --phone …" in text
    for secret in ("Riêng Tư", "001185012345", "0912345678"):
        assert secret not in text


def test_a_second_bug_is_appended(
    demo_db: Path,
    log_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(PeopleService, "roster", _roster_with_a_bug)
    for _ in range(2):
        assert cli.main(["--lang", "en", "people", "list", "--db", str(demo_db)]) == 70
    capsys.readouterr()
    text = (log_dir / "tthtcd.log").read_text(encoding="utf-8")
    assert text.count("RuntimeError: roster bug for the test") == 2


def test_a_bug_with_an_unwritable_log_still_prints_one_line(
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(buglog.LOG_DIR_ENV, str(blocker))
    monkeypatch.setattr(PeopleService, "roster", _roster_with_a_bug)
    assert cli.main(["--lang", "en", "people", "list", "--db", str(demo_db)]) == 70
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_store_error_is_not_logged_as_a_bug(
    tmp_path: Path, log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--lang", "en", "people", "list", "--db", str(tmp_path / "none.sqlite3")])
    assert code == cli.EXIT_FAILURE
    assert "There is no database" in capsys.readouterr().err
    assert not (log_dir / "tthtcd.log").exists()


# -- the bug log --------------------------------------------------------------------------


def _raised(message: str) -> BaseException:
    try:
        raise ValueError(message)
    except ValueError as exc:
        return exc


def test_log_path_follows_the_environment(log_dir: Path) -> None:
    assert buglog.log_path() == log_dir / "tthtcd.log"


def test_log_path_defaults_to_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(buglog.LOG_DIR_ENV, raising=False)
    path = buglog.log_path()
    assert path.name == "tthtcd.log"
    assert path.parent.name == "logs"
    assert "tthtcd" in str(path.parent.parent)


def test_an_entry_holds_the_context_and_the_chained_traceback(log_dir: Path) -> None:
    try:
        try:
            raise KeyError("inner")
        except KeyError as inner:
            raise RuntimeError("outer") from inner
    except RuntimeError as exc:
        path = buglog.log_bug(exc, "saving a person")
    assert path == log_dir / "tthtcd.log"
    text = path.read_text(encoding="utf-8")
    assert "context: saving a person" in text
    assert "KeyError: 'inner'" in text
    assert "RuntimeError: outer" in text
    assert text.startswith("===== ")


def test_the_log_rotates_when_it_grows(log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(buglog, "MAX_BYTES", 2_000)
    for i in range(40):
        buglog.log_bug(_raised(f"bug number {i} " + "x" * 200))
    names = sorted(p.name for p in log_dir.iterdir())
    assert names == ["tthtcd.log", "tthtcd.log.1", "tthtcd.log.2", "tthtcd.log.3"]
    assert "bug number 39" in (log_dir / "tthtcd.log").read_text(encoding="utf-8")
    assert all(p.stat().st_size < 2_000 + 4_000 for p in log_dir.iterdir())


def test_logging_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(buglog.LOG_DIR_ENV, str(blocker / "logs"))
    path = buglog.log_bug(_raised("while the disk is unusable"))
    assert path == blocker / "logs" / "tthtcd.log"

    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no str for you")

    monkeypatch.setenv(buglog.LOG_DIR_ENV, str(tmp_path / "ok"))
    path = buglog.log_bug(Unprintable())
    assert "Unprintable" in path.read_text(encoding="utf-8")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_while_logging_does_not_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "tthtcd.log").symlink_to("/dev/full")
    monkeypatch.setenv(buglog.LOG_DIR_ENV, str(folder))
    assert buglog.log_bug(_raised("disk full")) == folder / "tthtcd.log"
