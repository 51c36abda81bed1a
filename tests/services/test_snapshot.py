"""Consistent reads: a check or a report sees one state of the file (Database.snapshot).

Without it `ledger verify` read a fund's head and its entries in separate statements, and
with another program writing, some runs said an entry "was added outside the app".
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace
from desktop_app.storage.db import Database, open_database

D = dt.date(2026, 3, 2)


def count(db: Database) -> int:
    return int(db.conn.execute("SELECT count(*) FROM setting").fetchone()[0])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "centre.sqlite3"
    open_database(path, create=True).close()
    return path


def test_a_snapshot_does_not_see_what_is_committed_meanwhile(path: Path) -> None:
    writer, reader = open_database(path), open_database(path, read_only=True)
    try:
        before = count(reader)
        with reader.snapshot():
            assert count(reader) == before
            writer.set_setting("a", "1")
            assert count(reader) == before  # still the state of the first read
            with reader.snapshot():  # reentrant: the inner one ends nothing
                assert count(reader) == before
            assert count(reader) == before
        assert count(reader) == before + 1
        assert not reader.conn.in_transaction
    finally:
        writer.close()
        reader.close()


def test_a_snapshot_inside_a_write_is_that_write(path: Path) -> None:
    db = open_database(path)
    try:
        with db.transaction() as conn:
            conn.execute("INSERT INTO setting (key, value) VALUES ('b', '2')")
            with db.snapshot():
                assert db.get_setting("b") == "2"
            assert conn.in_transaction  # the snapshot neither committed nor ended it
        assert db.get_setting("b") == "2"
    finally:
        db.close()


def test_nothing_is_written_inside_a_snapshot(path: Path) -> None:
    db = open_database(path)
    try:
        with pytest.raises(RuntimeError), db.snapshot():
            db.set_setting("c", "3")
        assert not db.conn.in_transaction
        assert db.get_setting("c") == ""
    finally:
        db.close()


def test_an_error_inside_a_snapshot_ends_it(path: Path) -> None:
    db = open_database(path, read_only=True)
    try:
        with pytest.raises(ValueError), db.snapshot():
            count(db)
            raise ValueError("boom")
        assert not db.conn.in_transaction
    finally:
        db.close()


def test_ledger_verify_while_another_connection_writes_never_raises_a_false_alarm(
    tmp_path: Path,
) -> None:
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 0, dt.date(2024, 1, 1))).value
    stop = threading.Event()
    written: list[int] = []
    failed: list[BaseException] = []

    def append() -> None:
        try:
            with Workspace.open(path) as ws:
                while not stop.is_set():
                    entry = EntryInput(
                        fund, EntryKind.DONATION_CASH, D, 10_000, party_name="Bà Lan",
                        reason="Ủng hộ quỹ",
                    )  # fmt: skip
                    ws.fund.record(entry, dt.date(2026, 12, 31))
                    written.append(1)
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=append)
    thread.start()
    problems = []
    try:
        with Workspace.open(path, read_only=True) as ws:
            # 300 checks, and on until the writer (starved of the GIL on a loaded machine)
            # has written some entries in between.
            runs, deadline = 0, time.monotonic() + 120
            while (runs < 300 or len(written) <= 10) and time.monotonic() < deadline:
                report = ws.fund.verify()
                problems += list(report.problems)
                runs += 1
    finally:
        stop.set()
        thread.join()
    assert not failed
    assert len(written) > 10  # the writer really wrote while the checks ran
    assert problems == []
