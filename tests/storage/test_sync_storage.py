"""Tx.put_foreign, the epoch, and the rule that travelling rows are never hard-deleted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.problems import StoreError
from desktop_app.services.workspace import Workspace
from desktop_app.storage import sync as sync_repo

COLS = ("id", "owner_site", "version", "updated_at", "name", "kind", "sort_key")


def test_put_foreign_keeps_owner_and_version_and_is_audited(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "o.sqlite3", create=True) as ws:
        rows = [("h1", "other", 7, "2020-01-01T00:00:00+00:00", "Thôn 1", "thon", "thon 1")]
        with ws.ops.op("test.put") as op:
            assert op.tx.put_foreign("hamlet", COLS, rows) == 1
        assert op.result(None).changes.ids_of("hamlet") == {"h1"}
        got = ws.db.conn.execute("SELECT owner_site, version, name FROM hamlet").fetchone()
        assert tuple(got) == ("other", 7, "Thôn 1")
        with ws.ops.op("test.put") as op:
            op.tx.put_foreign(
                "hamlet", COLS, [("h1", "other", 8, "2020-01-02T00:00:00+00:00", "Thôn Một",
                                  "thon", "thon mot")]
            )  # fmt: skip
        assert ws.db.conn.execute("SELECT count(*), max(version) FROM hamlet").fetchone() == (
            1,
            8,
        )
        audit = ws.db.conn.execute(
            "SELECT detail FROM audit WHERE action = 'test.put' AND record_id = ''"
        ).fetchall()
        assert ("1 rows of site other",) in [tuple(a) for a in audit]


def test_put_foreign_refuses_this_sites_own_rows(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "o.sqlite3", create=True) as ws:
        mine = ws.db.site_id
        with pytest.raises(ValueError), ws.ops.op("test.put") as op:
            op.tx.put_foreign("hamlet", COLS, [("h1", mine, 1, "x", "Thôn", "thon", "thon")])
        assert ws.db.conn.execute("SELECT count(*) FROM hamlet").fetchone()[0] == 0


def test_put_foreign_select_many_rows_counts_only(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "o.sqlite3", create=True) as ws:
        with ws.ops.op("test.bulk") as op:
            n = op.tx.put_foreign_select(
                "hamlet",
                COLS,
                "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 25000)"
                " SELECT 'h' || i AS id, 'other' AS owner_site, i AS version, 'x' AS updated_at,"
                " 'Thôn ' || i AS name, 'thon' AS kind, 'thon' AS sort_key FROM k",
            )
        assert n == 25000
        assert op.result(None).changes.touches("hamlet")
        assert op.result(None).changes.ids_of("hamlet") == frozenset()


def test_a_new_epoch_puts_versions_above_the_clock(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "c.sqlite3", create=True) as ws:
        with ws.ops.op("test.epoch") as op:
            epoch = sync_repo.start_new_epoch(op.tx, now=1_800_000_000)
        assert epoch == 1_800_000_000 == sync_repo.epoch(ws.db)
        assert sync_repo.counter_value(ws.db) >= 1_800_000_000 << 20


def test_travelling_rows_are_never_hard_deleted(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "c.sqlite3", create=True) as ws:
        ws.centre.add_hamlet("Thôn 1")
        with pytest.raises(StoreError):
            ws.db.conn.execute("DELETE FROM hamlet")
    conn = sqlite3.connect(tmp_path / "c.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM hamlet")
    conn.close()


def test_every_foreign_key_column_has_an_index_of_its_own(tmp_path: Path) -> None:
    Workspace.open(tmp_path / "fk.sqlite3", create=True).close()
    conn = sqlite3.connect(tmp_path / "fk.sqlite3")
    missing = []
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        firsts = set()
        for index in conn.execute(f"PRAGMA index_list('{table}')").fetchall():
            if index[4]:  # a partial index does not serve the foreign-key check
                continue
            cols = [r[2] for r in conn.execute(f"PRAGMA index_info('{index[1]}')")]
            firsts.add(cols[0])
        pk = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')") if r[5] == 1]
        for fk in conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall():
            if fk[3] not in firsts and [fk[3]] != pk:
                missing.append(f"{table}.{fk[3]}")
    conn.close()
    assert missing == []


def test_travelling_rows_of_every_table_are_never_hard_deleted(tmp_path: Path) -> None:
    Workspace.open(tmp_path / "t.sqlite3", create=True).close()
    conn = sqlite3.connect(tmp_path / "t.sqlite3")
    names = sync_repo.travelling_tables_of(conn)
    guarded = {
        str(r[0])
        for r in conn.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND"
            " (name LIKE '%no_hard_delete' OR name = 'ledger_no_delete')"
        )
    }
    conn.close()
    assert set(names) - guarded == set()
