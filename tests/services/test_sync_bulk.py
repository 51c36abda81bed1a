"""A centre's first bundle at its office takes the bulk path for people (indexes and search
built once after the insert): the result is the same as row by row."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.storage import sync as sync_repo
from tests.services.sync_helpers import Pair, add_person, make_pair, rows_of


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def _indexes(path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return {
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'person' AND sql NOT NULL"
            )
        }
    finally:
        conn.close()


def test_the_bulk_path_gives_the_same_people_and_search(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    c, o = pair.centre, pair.office
    monkeypatch.setattr(sync_repo, "BULK_MIN_ROWS", 2)
    before = _indexes(o.path)
    ids = [add_person(c, name) for name in ("Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Hoa")]
    c.people.delete(ids[2])
    (outcome,) = o.sync.import_files([c.sync.export(pair.stick).file])
    assert outcome.status == "applied", outcome.reason
    assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)
    assert _indexes(o.path) == before  # every index is back, as it was
    # The search index holds the new live people, not the deleted one.
    assert [r.id for r in o.people.search("Cường")] == [ids[1]]
    assert o.people.search("Hoa") == []
    assert o.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # A later bundle with fewer new people than are held goes row by row, as ever.
    add_person(c, "Ngô Văn Dũng")
    (outcome,) = o.sync.import_files([c.sync.export(pair.stick).file])
    assert outcome.status == "applied"
    assert len(o.people.search("Dũng")) == 1
