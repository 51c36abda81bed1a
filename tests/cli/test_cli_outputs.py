"""--out never touches the store: the database, its files, the backups folder, folders."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.services.workspace import Workspace


@pytest.fixture
def db(demo_copy: Callable[..., Path]) -> Path:
    """A fresh copy of the demo for each test."""
    return demo_copy(300, 3, name="x.db")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _course_id(db: Path) -> str:
    with Workspace.open(db, read_only=True) as ws:
        return next(c.id for c in ws.courses.find() if ws.courses.completers(c.id))


def _fund_id(db: Path) -> str:
    with Workspace.open(db, read_only=True) as ws:
        return ws.fund.funds()[0].id


def _commands(db: Path, out: Path) -> list[list[str]]:
    year = dt.date.today().year
    course = _course_id(db)
    return [
        ["receipt", "print", "--entry", f"PT-0001/{year - 1}"],
        ["roster", "print", "--course", course],
        ["certificates", "print", "--course", course],
        ["certificates", "print", "--course", course, "--zip"],
        ["certificates", "register", "--year", str(year)],
        ["disclosure", "print", "--fund", _fund_id(db), "--year", str(year - 1)],
    ]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["--lang", "en", *argv])
    _out, err = capsys.readouterr()
    return code, err


def _assert_refused(code: int, err: str, *words: str) -> None:
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tthtcd: ")
    assert "internal error" not in err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_every_print_refuses_the_database_and_leaves_it_unchanged(
    db: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = db.with_name(db.name + suffix)
    for command in _commands(db, target):
        before = _digest(db)
        companion_before = target.read_bytes() if target.exists() else None
        code, err = _run([*command, "--db", str(db), "--out", str(target)], capsys)
        _assert_refused(code, err, "database")
        assert _digest(db) == before, command
        assert (target.read_bytes() if target.exists() else None) == companion_before
    with Workspace.open(db, read_only=True) as ws:
        assert ws.certificates.register() == []  # no number was taken


def test_the_database_through_another_spelling_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.pdf"
    link.symlink_to(db)
    before = _digest(db)
    for target in (tmp_path / "sub" / ".." / db.name, link):
        code, err = _run(
            ["roster", "print", "--course", _course_id(db), "--db", str(db), "--out", str(target)],
            capsys,
        )
        _assert_refused(code, err, "database")
    assert _digest(db) == before


def test_the_backups_folder_is_refused(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    monkeypatch.setenv("TTHTCD_BACKUP_DIR", str(backups))
    for command in _commands(db, backups / "x.pdf"):
        code, err = _run([*command, "--db", str(db), "--out", str(backups / "x.pdf")], capsys)
        _assert_refused(code, err, "backups")
    assert list(backups.iterdir()) == []


def test_a_folder_or_a_missing_folder_as_out_is_a_clear_refusal(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(db)
    for command in _commands(db, tmp_path):
        code, err = _run([*command, "--db", str(db), "--out", str(tmp_path)], capsys)
        _assert_refused(code, err, "is a folder")
        missing = tmp_path / "no such folder" / "x.pdf"
        code, err = _run([*command, "--db", str(db), "--out", str(missing)], capsys)
        _assert_refused(code, err, "does not exist")
    assert _digest(db) == before
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("x.db")] == []


def test_an_ordinary_out_still_works_and_leaves_no_temporary_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i, command in enumerate(_commands(db, tmp_path)):
        out = tmp_path / f"doc{i}.{'zip' if '--zip' in command else 'pdf'}"
        code, err = _run([*command, "--db", str(db), "--out", str(out)], capsys)
        assert code == 0, err
        assert out.stat().st_size > 500
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_in_vietnamese_the_refusal_is_translated(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["roster", "print", "--db", str(db), "--course", _course_id(db),
                     "--out", str(db)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "is the centre's database" not in err
    json.dumps(err)  # one printable line


def test_a_kill_during_certificates_print_leaves_no_number_without_its_file(
    demo_template: Callable[..., Path], tmp_path: Path
) -> None:
    """kill -9 at random moments: the register has the numbers and the complete file exists
    (at --out, or beside it as .part if the kill fell between commit and rename), or it has
    no numbers and there is no file; the next print then issues the same numbers fresh."""
    import os
    import random
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    rng = random.Random(8)
    template = demo_template(300, 3)
    course = _course_id(template)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    outcomes: set[str] = set()
    for i in range(int(os.environ.get("TTHTCD_FAULT_RUNS", "10"))):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        db = folder / "x.db"
        shutil.copyfile(template, db)
        out = folder / "gcn.pdf"
        argv = [sys.executable, "-m", "desktop_app.cli", "--lang", "en", "certificates",
                "print", "--db", str(db), "--course", course, "--out", str(out)]  # fmt: skip
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = conn.execute("SELECT number, print_count FROM certificate ORDER BY number")
            numbers = [(n, c) for n, c in rows]
        parts = [p for p in folder.iterdir() if p.name.endswith(".part")]
        if numbers:
            assert [n for n, _c in numbers] == list(range(1, len(numbers) + 1))  # gap-free
            assert all(c == 1 for _n, c in numbers)
            assert out.exists() or len(parts) == 1
            outcomes.add("registered")
        else:
            assert not out.exists()
            outcomes.add("nothing")
            for part in parts:
                part.unlink()  # a temporary file of a print that never counted
            again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stderr
            assert " new, 0 reprinted" in again.stdout, again.stdout
            with sqlite3.connect(db) as conn:
                counts = [c for (c,) in conn.execute("SELECT print_count FROM certificate")]
            assert counts and all(c == 1 for c in counts)  # fresh, not "Bản in lại"
    print(sorted(outcomes))
