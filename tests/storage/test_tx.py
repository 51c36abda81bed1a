"""The Tx: what a nested operation stamps is kept only if it is released; bulk loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.storage.db import Database, open_database
from desktop_app.storage.tx import KEEP_IDS_MAX, Writer


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "tx.sqlite3", create=True)


def hamlet(name: str) -> dict[str, object]:
    return {"name": name, "kind": "thon", "sort_key": name}


def test_a_rolled_back_nested_operation_leaves_no_stamp_and_no_row(db: Database) -> None:
    writer = Writer(db)
    with writer.write("outer", "tester") as tx:
        kept = tx.insert("hamlet", hamlet("Thôn 1"))
        with pytest.raises(RuntimeError), writer.write("inner", "tester"):
            tx.insert("hamlet", hamlet("Thôn 2"))
            raise RuntimeError("refused")
        with writer.write("inner", "tester"):
            released = tx.insert("hamlet", hamlet("Thôn 3"))
        assert tx.changed() == {"hamlet": frozenset({kept, released})}
    names = [r[0] for r in db.conn.execute("SELECT name FROM hamlet ORDER BY name")]
    assert names == ["Thôn 1", "Thôn 3"]
    audited = {r[0] for r in db.conn.execute("SELECT record_id FROM audit")}
    assert audited == {kept, released}


def test_a_bulk_load_reports_the_table_and_audits_the_exact_count(db: Database) -> None:
    writer = Writer(db)
    rows = [hamlet(f"Thôn {i}") for i in range(KEEP_IDS_MAX + 5)]
    with writer.write("bulk", "tester") as tx:
        tx.insert_many("hamlet", rows)
        with writer.write("inner", "tester"):
            tx.insert("hamlet", hamlet("Thôn thêm"))
        assert tx.changed() == {"hamlet": frozenset()}  # too many ids to keep: the kind only
    audit = db.conn.execute("SELECT entity, record_id, detail FROM audit").fetchall()
    assert [tuple(r) for r in audit] == [("hamlet", "", f"{KEEP_IDS_MAX + 6} rows")]
