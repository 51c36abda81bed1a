"""Kill the process in the middle of ledger writes, then reopen: nothing half-written."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from desktop_app.services.fund import FundInput, LedgerFilter
from desktop_app.services.workspace import Workspace

WRITER = """
import datetime as dt, sys
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.services.workspace import Workspace
ws = Workspace.open(sys.argv[1])
fund = sys.argv[2]
print("ready", flush=True)
i = 0
while True:
    i += 1
    ws.fund.record(EntryInput(fund, EntryKind.DONATION_CASH, dt.date(2026, 1, 1), 1000 + i,
                              party_name="Nhà hảo tâm", reason="Ủng hộ"), dt.date(2026, 12, 31))
"""


def test_killing_a_ledger_writer_leaves_an_intact_chain(tmp_path: Path) -> None:
    path = tmp_path / "kill.sqlite3"
    with Workspace.open(path, create=True) as ws:
        fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 0, dt.date(2026, 1, 1))).value
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), fund],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.3 + 0.1 * round_)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Workspace.open(path) as ws:
            assert ws.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            report = ws.fund.verify()
            assert report.ok, report.problems
            assert report.entries > 0
            entries = ws.fund.entries(LedgerFilter(fund_id=fund))
            numbers = [e.number for e in entries]
            assert sorted(numbers) == list(range(1, len(numbers) + 1))
            assert ws.fund.balance(fund) == sum(e.amount for e in entries)
