"""Integrity at open: a damaged file is refused before anything is read or written.

Damaged files are made for real from a demo file: a page zeroed, or 64 bytes flipped at
the start of a page (its b-tree header), both in the middle of the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.problems import StoreError
from desktop_app.services.workspace import Workspace
from desktop_app.storage.db import DAMAGED_MESSAGE, open_database

PAGE = 4096


@pytest.fixture
def demo_file(demo_template: Callable[..., Path]) -> Path:
    """Made once per run (tests/conftest.py); never written to."""
    return demo_template(300, 3)


@pytest.fixture
def sound(demo_copy: Callable[..., Path]) -> Path:
    """A fresh copy of the demo for each test."""
    return demo_copy(300, 3)


def zero_middle_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = len(data) // PAGE // 2
    data[page * PAGE : (page + 1) * PAGE] = bytes(PAGE)
    path.write_bytes(bytes(data))


def flip_64_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    start = len(data) // PAGE // 2 * PAGE
    for i in range(start, start + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture(params=["zeroed page", "64 bytes flipped"])
def damaged(request: pytest.FixtureRequest, sound: Path) -> Path:
    (zero_middle_page if request.param == "zeroed page" else flip_64_bytes)(sound)
    return sound


def test_a_sound_file_passes(sound: Path) -> None:
    db = open_database(sound, check=True)
    try:
        assert db.integrity_problems() == []
        db.check_integrity()
    finally:
        db.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_a_damaged_file_is_refused_and_left_unchanged(damaged: Path, read_only: bool) -> None:
    before = damaged.read_bytes()
    with pytest.raises(StoreError) as info:
        open_database(damaged, check=True, read_only=read_only)
    assert info.value.kind == StoreError.CORRUPT
    assert info.value.message == DAMAGED_MESSAGE
    assert info.value.params == {"path": str(damaged)}
    assert damaged.read_bytes() == before


def test_the_check_is_also_there_after_opening(damaged: Path) -> None:
    db = open_database(damaged)  # the GUI opens first and checks on a background reader
    try:
        assert db.integrity_problems()
        with pytest.raises(StoreError) as info:
            db.check_integrity()
        assert info.value.message == DAMAGED_MESSAGE
    finally:
        db.close()


def test_workspace_open_with_check_refuses_before_writing(damaged: Path) -> None:
    before = damaged.read_bytes()
    with pytest.raises(StoreError) as info:
        Workspace.open(damaged, check=True)
    assert info.value.kind == StoreError.CORRUPT
    assert damaged.read_bytes() == before


def test_the_message_names_the_backups(damaged: Path) -> None:
    from desktop_app.i18n import set_language, tr

    set_language("en")
    with pytest.raises(StoreError) as info:
        open_database(damaged, check=True)
    text = tr(info.value.message, **info.value.params)
    assert "damaged" in text
    assert f"tthtcd backup list --db {damaged}" in text
    assert "tthtcd restore" in text


# -- the command line: every command checks first ----------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["people", "search", "An"],
        ["people", "list"],
        ["ledger", "verify"],
        ["fund", "balance"],
        ["fund", "receipt", "--amount", "200.000", "--party", "Bà Lan", "--reason", "Thu"],
        ["people", "add", "--name", "Nguyễn Văn An", "--birth", "1990"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_every_command_says_a_damaged_file_is_damaged(
    damaged: Path,
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from desktop_app import cli

    before = damaged.read_bytes()
    capsys.readouterr()
    code = cli.main([*args[:2], "--db", str(damaged), *args[2:], "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "is damaged" in err and "tthtcd backup list --db" in err
    assert damaged.read_bytes() == before
    # Python prints warnings to stderr when nothing configured logging: the line must stay one.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
