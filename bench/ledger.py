"""Fund ledger benchmark: one fund with 100,000 entries; prints JSON (issue: fund ledger).

    python bench/ledger.py [--entries 100000]

Measures the balance at a date, the cash book of a year, `ledger verify`, and saving one
entry (each through the same services the GUI and the CLI use).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.core.fund import EntryInput, EntryKind  # noqa: E402
from desktop_app.services.fund import FundInput  # noqa: E402
from desktop_app.services.workspace import Workspace  # noqa: E402

TARGETS = {"balance_at_ms": 20.0, "verify_s": 2.0, "save_entry_ms": 50.0}


def fill(ws: Workspace, fund: str, entries: int, seed: int) -> None:
    rng = random.Random(seed)
    start = dt.date(2016, 1, 1)
    days = 10 * 365
    # One operation per 5,000 entries (each entry a nested one): the GUI's code path, minus
    # the commits.
    done = 0
    while done < entries:
        with ws.ops.op("bench.fill"):
            for _ in range(min(5000, entries - done)):
                day = start + dt.timedelta(days=done * days // entries)
                receipt = rng.random() < 0.7
                ws.fund.record(
                    EntryInput(
                        fund,
                        EntryKind.DONATION_CASH if receipt else EntryKind.EXPENSE,
                        day,
                        rng.randint(1, 50) * 10_000 if receipt else rng.randint(1, 10) * 10_000,
                        party_name="Nhà hảo tâm" if receipt else "Văn phòng phẩm",
                        reason="Ủng hộ quỹ" if receipt else "Mua văn phòng phẩm",
                    ),
                    dt.date(2026, 12, 31),
                )
                done += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--no-pdf", action="store_true", help="skip the cash book PDF")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tthtcd-ledger-"))
    path = folder / "ledger.sqlite3"
    results: dict[str, object] = {"entries": args.entries}
    with Workspace.open(path, create=True) as ws:
        # Filling skips the cover check (allow_negative) only to build the data quickly;
        # the measured saves below run with it on.
        opening = FundInput(
            "Quỹ Khuyến học xã", 50_000_000, dt.date(2016, 1, 1), allow_negative=True
        )
        fund = ws.fund.create(opening).value
        started = time.perf_counter()
        fill(ws, fund, args.entries, seed=7)
        results["fill_s"] = round(time.perf_counter() - started, 2)
        ws.fund.update_details(fund, opening.name, allow_negative=False)

    with Workspace.open(path) as ws:
        rng = random.Random(3)
        timings = []
        for _ in range(200):
            day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            t0 = time.perf_counter()
            ws.fund.balance(fund, day)
            timings.append((time.perf_counter() - t0) * 1000)
        results["balance_at_ms"] = round(sorted(timings)[int(0.95 * len(timings))], 2)
        results["balance_at_p50_ms"] = round(statistics.median(timings), 2)
        results["balance_at_max_ms"] = round(max(timings), 2)

        t0 = time.perf_counter()
        header, opening, lines = ws.fund_documents.cash_book(
            fund, dt.date(2025, 1, 1), dt.date(2025, 12, 31)
        )
        results["cash_book_year_s"] = round(time.perf_counter() - t0, 3)
        results["cash_book_lines"] = len(lines)
        if not args.no_pdf:
            from desktop_app.documents.fund_reports import render_cash_book

            t0 = time.perf_counter()
            pages = render_cash_book(header, opening, lines, folder / "so-quy.pdf")
            results["cash_book_pdf_s"] = round(time.perf_counter() - t0, 3)
            results["cash_book_pages"] = pages

        t0 = time.perf_counter()
        report = ws.fund.verify()
        results["verify_s"] = round(time.perf_counter() - t0, 3)
        results["verify_ok"] = report.ok

        saves = []
        for i in range(30):
            kind = EntryKind.DONATION_CASH if i % 2 else EntryKind.EXPENSE  # payments check cover
            t0 = time.perf_counter()
            ws.fund.record(
                EntryInput(fund, kind, dt.date(2026, 6, 1), 10_000 + i,
                           party_name="Ông Nguyễn Văn An", reason="Ủng hộ quỹ"),
                dt.date(2026, 12, 31),
            )  # fmt: skip
            saves.append((time.perf_counter() - t0) * 1000)
        results["save_entry_ms"] = round(statistics.median(saves), 2)
        results["save_entry_max_ms"] = round(max(saves), 2)

    results["targets"] = TARGETS
    results["met"] = {
        k: float(results[k]) <= v  # type: ignore[arg-type]
        for k, v in TARGETS.items()
    }
    print(json.dumps(results, indent=2))
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
