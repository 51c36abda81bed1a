"""`tthtcd backup`, `backup list` and `restore`, in-process through `cli.main`."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.appinfo import backups_dir
from desktop_app.core.people import PersonInput
from desktop_app.services.workspace import Workspace


@pytest.fixture
def demo_file(demo_template: Callable[..., Path]) -> Path:
    """Made once per run (tests/conftest.py); never written to."""
    return demo_template(120, 5)


@pytest.fixture
def db(demo_copy: Callable[..., Path]) -> Path:
    """A fresh copy of the demo for each test."""
    return demo_copy(120, 5)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_prints_the_file_and_list_shows_it(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "backup", "--db", str(db), "--to", str(backups_dir()))
    assert (code, err) == (0, "")
    written = Path(out.strip())
    assert written.parent == backups_dir() and written.exists()
    code, out, _err = _run(capsys, "backup", "list", "--db", str(db), "--json")
    assert code == 0
    listed = json.loads(out)
    assert [b["path"] for b in listed] == [str(written)]
    assert listed[0]["people"] == 120
    assert {"date", "centre", "classes", "members", "ledger_entries", "size"} <= set(listed[0])
    code, out, _err = _run(capsys, "--lang", "en", "backup", "list", "--db", str(db))
    assert code == 0 and str(written) in out and "120 people" in out


def test_backup_usage_errors(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "backup", "--db", str(db))
    assert code == 2 and err.count("\n") == 1
    code, _out, err = _run(capsys, "backup", "list", "--db", str(db), "--to", "x")
    assert code == 2 and err.count("\n") == 1
    code, _out, err = _run(capsys, "restore", "--db", str(db))
    assert code == 2 and err.count("\n") == 1


def test_plain_restore_keeps_the_old_database_aside(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _run(capsys, "backup", "--db", str(db), "--to", str(tmp_path / "usb"))
    saved = Path(out.strip())
    with Workspace.open(db) as ws:
        ws.people.add(PersonInput(full_name="Người Mới Thêm"))
    code, out, err = _run(capsys, "--lang", "en", "restore", "--db", str(db), str(saved))
    assert (code, err) == (0, "")
    assert "before-restore-" in out
    asides = list(db.parent.glob("centre.sqlite3.before-restore-*"))
    assert len(asides) == 1
    with Workspace.open(db) as ws:
        assert not ws.people.search("Người Mới Thêm")
    with Workspace.open(asides[0], read_only=True) as ws:
        assert ws.people.search("Người Mới Thêm")


def test_restore_refusals_change_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("đúng rồi\n", encoding="utf-8")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("sai\n")
    code, out, _err = _run(
        capsys, "backup", "--db", str(db), "--to", str(tmp_path), "--passphrase-file",
        str(passphrase),
    )  # fmt: skip
    assert code == 0
    encrypted = Path(out.strip())
    assert encrypted.suffix == ".age"
    damaged = tmp_path / "damaged.sqlite3"
    _run(capsys, "backup", "--db", str(db), "--to", str(tmp_path / "d"))
    (plain,) = (tmp_path / "d").iterdir()
    data = bytearray(plain.read_bytes())
    data[8192:8692] = bytes(500)
    damaged.write_bytes(bytes(data))
    not_ours = tmp_path / "notes.txt"
    not_ours.write_text("hello")
    before = _digest(db)
    cases = [
        (str(not_ours),),
        (str(damaged),),
        (str(encrypted),),
        (str(encrypted), "--passphrase-file", str(wrong)),
        (str(tmp_path / "missing.age"),),
    ]
    for case in cases:
        code, out, err = _run(capsys, "restore", "--db", str(db), *case)
        assert code == 1, case
        assert err.startswith("tthtcd: ") and err.count("\n") == 1, (case, err)
        assert out == ""
    assert _digest(db) == before
    assert not list(db.parent.glob("*.before-restore-*"))
    # The right passphrase restores it.
    code, _out, err = _run(
        capsys, "restore", "--db", str(db), str(encrypted), "--passphrase-file", str(passphrase)
    )
    assert (code, err) == (0, "")


def test_reference_age_tool_decrypts_the_backup(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    age = shutil.which("age")
    if age is None:
        pytest.skip("the reference age tool is not installed")
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("mật khẩu\n", encoding="utf-8")
    code, out, _err = _run(
        capsys, "backup", "--db", str(db), "--to", str(tmp_path), "--passphrase-file",
        str(passphrase),
    )  # fmt: skip
    assert code == 0
    out_zip = tmp_path / "plain.zip"
    # age reads a passphrase only from a terminal.
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execv(age, [age, "-d", "-o", str(out_zip), out.strip()])
    seen = b""
    while b"passphrase" not in seen.lower():
        seen += os.read(fd, 1024)
    os.write(fd, "mật khẩu\n".encode())
    try:
        while os.read(fd, 1024):
            pass
    except OSError:
        pass
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    import zipfile

    with zipfile.ZipFile(out_zip) as archive:
        assert {"manifest.json", "tthtcd.sqlite3"} <= set(archive.namelist())
        assert json.loads(archive.read("manifest.json"))["counts"]["people"] == 120
