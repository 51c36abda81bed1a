"""Bundles between a centre and its office, through SyncService, on real files and keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.problems import UserError
from tests.services.sync_helpers import (
    Pair,
    add_person,
    bundles_in,
    make_pair,
    new_fund,
    receipt,
    rows_of,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def test_round_trip_gives_the_office_the_centres_rows(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    a = add_person(c, "Trần Thị Bích")
    add_person(c, "Lê Văn Cường", "1975")
    fund = new_fund(c, 500_000)
    receipt(c, fund, 200_000)
    c.people.delete(a)
    result = c.sync.export(pair.stick)
    assert result.seq == 1 and result.rows["person"] == 2
    (outcome,) = o.sync.import_files([result.file], ack_to=pair.back)
    assert outcome.status == "applied", outcome.reason
    assert outcome.tables["person"].new == 2
    assert outcome.ack_file is not None
    assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)
    # The office's own checks still pass with a centre's ledger in it.
    assert o.fund.verify().ok
    assert c.fund.verify().ok


def test_dry_run_changes_nothing(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    (outcome,) = o.sync.import_files([file], dry_run=True)
    assert outcome.status == "dry-run" and outcome.tables["person"].new == 1
    assert rows_of(o.path, c.db.site_id)["person"] == set()
    (outcome,) = o.sync.import_files([file])
    assert outcome.status == "applied"


def test_import_twice_is_already_imported(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    o.sync.import_files([file])
    before = rows_of(o.path, c.db.site_id)
    (again,) = o.sync.import_files([file])
    assert again.status == "already-imported" and again.reason
    assert rows_of(o.path, c.db.site_id) == before


def test_older_bundle_after_a_newer_is_stale(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    p = add_person(c, "Trần Thị Bích")
    first = c.sync.export(pair.stick).file
    c.people.delete(p)
    second = c.sync.export(pair.stick).file
    assert o.sync.import_files([second])[0].status == "applied"
    before = rows_of(o.path, c.db.site_id)
    (late,) = o.sync.import_files([first])
    assert late.status == "stale"
    assert rows_of(o.path, c.db.site_id) == before


def test_files_given_together_are_applied_in_order(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    p = add_person(c, "Trần Thị Bích")
    first = c.sync.export(pair.stick).file
    c.people.delete(p)
    second = c.sync.export(pair.stick).file
    outcomes = o.sync.import_files([second, first])
    assert [x.status for x in outcomes] == ["applied", "applied"]
    assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)


def test_an_acknowledgement_stops_resending(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    first = c.sync.export(pair.stick)
    assert first.rows["person"] == 1
    # Not acknowledged yet: the next export sends it again (a lost stick needs nothing).
    assert c.sync.export(pair.stick).rows.get("person") == 1
    (applied,) = o.sync.import_files([first.file], ack_to=pair.back)
    assert applied.ack_file is not None
    (ack,) = c.sync.import_files([applied.ack_file])
    assert ack.status == "applied", ack.reason
    add_person(c, "Lê Văn Cường")
    third = c.sync.export(pair.stick)
    assert third.rows.get("person") == 1  # only the new one
    outcomes = o.sync.import_files(bundles_in(pair.stick))
    assert {x.status for x in outcomes} <= {"applied", "already-imported", "stale"}
    assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)


def test_unknown_and_revoked_senders_are_refused(pair: Pair, tmp_path: Path) -> None:
    from tests.services.sync_helpers import make_centre

    c, o = pair.centre, pair.office
    stranger = make_centre(tmp_path, "TTHTCĐ xã Lạ")
    try:
        with pytest.raises(UserError):
            stranger.sync.export(pair.stick)  # not enrolled: nowhere to send
    finally:
        stranger.close()
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    o.sync.revoke(c.db.site_id)
    (outcome,) = o.sync.import_files([file])
    assert outcome.status == "refused" and outcome.reason_code == "revoked"
    assert rows_of(o.path, c.db.site_id)["person"] == set()
    assert [s.status for s in o.sync.centres()] == ["revoked"]


def test_a_stranger_is_refused(tmp_path: Path) -> None:
    from desktop_app.services.workspace import Workspace

    p = make_pair(tmp_path)
    other = Workspace.open(tmp_path / "office2.sqlite3", create=True)
    other.sync.init_site("office", "Phòng khác")
    try:
        add_person(p.centre, "Trần Thị Bích")
        file = p.centre.sync.export(p.stick).file
        (outcome,) = other.sync.import_files([file])
        assert outcome.status == "refused" and outcome.reason_code == "unknown-sender"
    finally:
        other.close()
        p.close()


def test_init_site_only_on_a_new_database(pair: Pair) -> None:
    with pytest.raises(UserError):
        pair.centre.sync.init_site("office", "Khác")
    assert pair.centre.sync.site().role == "centre"
    assert pair.centre.sync.site().upstream == pair.office.db.site_id
    assert len(pair.office.sync.site().fingerprint.split()) == 8


def test_centres_status(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    (st,) = o.sync.centres()
    assert st.status == "never"
    o.sync.import_files([c.sync.export(pair.stick).file])
    (st,) = o.sync.centres()
    assert st.status == "ok" and st.last_seq == 1
    assert [h.direction for h in o.sync.history()] == ["import"]


def test_unknown_columns_and_tables_of_a_newer_minor_are_kept(pair: Pair) -> None:
    import json
    import sqlite3

    c, o = pair.centre, pair.office
    c.close()
    conn = sqlite3.connect(pair.centre.path)
    conn.execute("ALTER TABLE person ADD COLUMN nickname TEXT")
    conn.execute(
        "CREATE TABLE gadget (id TEXT PRIMARY KEY, owner_site TEXT NOT NULL, version INTEGER"
        " NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, what TEXT)"
    )
    conn.commit()
    conn.close()
    from desktop_app.services.workspace import Workspace

    c = pair.centre = Workspace.open(pair.centre.path)
    person = add_person(c, "Trần Thị Bích")
    c.db.conn.execute("UPDATE person SET nickname = 'Bé' WHERE id = ?", (person,))
    c.db.conn.execute(
        "INSERT INTO gadget VALUES ('g1', ?, 1, '2026-01-01', 0, 'máy chiếu')", (c.db.site_id,)
    )
    (outcome,) = o.sync.import_files([c.sync.export(pair.stick).file])
    assert outcome.status == "applied", outcome.reason
    kept = {
        (t, r): json.loads(d)
        for t, r, d in o.db.conn.execute("SELECT table_name, row_id, data FROM sync_extra")
    }
    assert kept[("person", person)] == {"nickname": "Bé"}
    assert kept[("gadget", "g1")]["what"] == "máy chiếu"
