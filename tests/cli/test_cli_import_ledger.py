"""`tthtcd import --kind ledger` as outside tools call it: the issue's JSON keys and exit codes,
--fund when the centre has several funds, the balance after the import and after its undo."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace
from tests.cli.test_cli import assert_one_line_error, tthtcd
from tests.cli.test_cli_import import KEYS, run
from tests.services.test_imports_ledger import OPENING, kind_column_rows, ledger_file


def balance(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return OPENING + int(conn.execute("SELECT sum(head_balance) FROM fund").fetchone()[0])
    finally:
        conn.close()


def test_a_ledger_dry_run_apply_list_and_undo(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite3"
    with Workspace.open(db, create=True) as ws:
        ws.fund.create(FundInput("Quỹ Khuyến học xã", OPENING, dt.date(2025, 1, 1)))
    # Rows 1-2 and 8 of the shared file (a donation, dues as "1.250.000", interest), one row
    # without an amount and an in-kind gift.
    rows = [kind_column_rows()[i] for i in (0, 1, 7, 8, 4)]
    file = ledger_file(tmp_path / "so-quy.xlsx", rows)
    base = ("import", "--db", str(db), "--kind", "ledger", str(file))
    code, dry = run(*base, "--dry-run")
    assert code == 1 and set(dry) == KEYS and dry["status"] == "dry-run"
    assert dry["header_row"] == 4
    assert dry["columns"]["Số tiền"] == {"field": "amount", "encoding": "unicode"}
    assert (dry["rows"], dry["new"], dry["matched"], dry["duplicates"]) == (5, 3, 0, 0)
    assert sorted((r["row"], r["field"]) for r in dry["rejected"]) == [(8, "amount"), (9, "kind")]
    assert balance(db) == OPENING
    text = tthtcd(*base, "--dry-run")
    assert "Entries to record: 3" in text.stdout and "Row 9, Loại:" in text.stdout
    refused = tthtcd(*base)
    assert refused.returncode == 1 and balance(db) == OPENING
    code, done = run(*base, "--skip-rejected")
    assert code == 0 and done["status"] == "applied" and done["import_id"]
    assert balance(db) == OPENING + 2_000_000 + 1_250_000 + 12_500
    code, again = run(*base, "--skip-rejected")
    assert again["status"] == "already-imported" and balance(db) == OPENING + 3_262_500
    listed = json.loads(tthtcd("import", "list", "--db", str(db), "--json").stdout)
    assert listed[0]["kind"] == "ledger" and listed[0]["counts"]["entries"] == 3
    assert listed[0]["counts"]["receipts_total"] == 3_262_500
    assert "3 fund entries recorded" in tthtcd("import", "list", "--db", str(db)).stdout
    undo = tthtcd("import", "undo", "--db", str(db), done["import_id"])
    assert undo.returncode == 0, undo.stderr
    assert "3 fund entries it recorded were voided" in undo.stdout
    assert balance(db) == OPENING
    verify = tthtcd("ledger", "verify", "--db", str(db))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_several_funds_need_fund_and_no_fund_is_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite3"
    with Workspace.open(db, create=True):
        pass
    file = ledger_file(tmp_path / "so-quy.xlsx", kind_column_rows()[:1])
    base = ("import", "--db", str(db), "--kind", "ledger", str(file))
    none = tthtcd(*base, "--dry-run")
    assert none.returncode == 1 and "no fund yet" in assert_one_line_error(none)
    with Workspace.open(db) as ws:
        ws.fund.create(FundInput("Quỹ Khuyến học xã", OPENING, dt.date(2025, 1, 1)))
        second = ws.fund.create(FundInput("Quỹ học bổng", OPENING, dt.date(2025, 1, 1))).value
    several = tthtcd(*base, "--dry-run")
    assert several.returncode == 1 and "Quỹ học bổng" in assert_one_line_error(several)
    unknown = tthtcd(*base, "--fund", "nope", "--dry-run")
    assert unknown.returncode == 1 and "nope" in assert_one_line_error(unknown)
    code, done = run(*base, "--fund", second)
    assert code == 0 and done["status"] == "applied"
    assert balance(db) == OPENING + 2_000_000  # into the second fund only
    # --fund is for ledgers.
    people = tthtcd("import", "--db", str(db), "--kind", "people", str(file), "--fund", second)
    assert people.returncode == 2
