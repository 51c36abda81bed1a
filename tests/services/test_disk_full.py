"""A full disk, for real: a small tmpfs mounted for the test (root only; skipped otherwise).

The database, an output and a backup each meet a disk with no room left: the user gets the
disk-full message, nothing half-written stays behind, and what was saved before is intact.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.problems import StoreError, UserError
from desktop_app.documents.output import DISK_FULL_MESSAGE
from desktop_app.services.fund import FundInput, LedgerFilter
from desktop_app.services.workspace import Workspace

D = dt.date(2026, 3, 2)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB file system of its own."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    point = tmp_path / "small-disk"
    point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Take all the free space of `disk` but `leave` bytes."""
    filler = disk / "filler.bin"
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with open(filler, "ab") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def donation(fund: str, amount: int) -> EntryInput:
    return EntryInput(fund, EntryKind.DONATION_CASH, D, amount, "Nhà hảo tâm", reason="Ủng hộ")


def test_receipts_on_a_full_disk_stop_with_the_message_and_lose_nothing(
    small_disk: Path,
) -> None:
    path = small_disk / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 0, D)).value
        for i in range(20):
            ws.fund.record(donation(fund, 10_000 + i))
    filler = fill(small_disk, 48 * 1024)
    saved = 20
    with Workspace.open(path) as ws, pytest.raises(StoreError) as refused:
        for i in range(100_000):
            ws.fund.record(donation(fund, 20_000 + i))
            saved += 1
    assert refused.value.kind == StoreError.DISK_FULL, refused.value
    assert refused.value.params["path"] == str(path)
    filler.unlink()
    with Workspace.open(path) as ws:
        assert ws.db.integrity_problems() == []
        report = ws.fund.verify()
        assert report.ok, report.problems
        entries = ws.fund.entries(LedgerFilter(fund_id=fund))
        # Every receipt the app said was saved is there, numbered without a gap; the
        # refused one left nothing.
        assert len(entries) == saved
        assert sorted(e.number for e in entries) == list(range(1, saved + 1))
        assert ws.fund.balance(fund) == sum(e.amount for e in entries)
        ws.fund.record(donation(fund, 1))  # room again: the next receipt goes through
        assert len(ws.fund.entries(LedgerFilter(fund_id=fund))) == saved + 1


def test_an_output_or_a_backup_on_a_full_disk_is_refused_and_leaves_nothing(
    small_disk: Path, tmp_path: Path
) -> None:
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 0, D)).value
        entry = ws.fund.record(donation(fund, 500_000)).value
    filler = fill(small_disk, 4 * 1024)
    before = sorted(small_disk.iterdir())
    with Workspace.open(path) as ws:
        with pytest.raises(UserError) as output:
            ws.fund_documents.print_cash_book(
                fund, dt.date(2026, 1, 1), D, small_disk / "so-quy.pdf"
            )
        assert output.value.message == DISK_FULL_MESSAGE
        with pytest.raises(StoreError) as backup:
            ws.backup.backup_now(small_disk)
        assert backup.value.kind == StoreError.DISK_FULL
        assert sorted(small_disk.iterdir()) == before  # no half file, no temporary
        assert ws.fund.entries(LedgerFilter(fund_id=fund))[0].voucher == entry.voucher

    # The CLI says it in one line and exits 1.
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "receipt", "print", "--db", str(path),
         "--entry", entry.voucher, "--out", str(small_disk / "phieu.pdf"), "--lang", "en"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "is full" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted(small_disk.iterdir()) == before
    filler.unlink()
