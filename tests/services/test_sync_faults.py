"""Bundles that must be refused or flagged, restored and cloned centres, and an import killed
at random points."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.i18n import tr
from desktop_app.services import backup
from desktop_app.services.sync import REFUSALS
from desktop_app.services.workspace import Workspace
from desktop_app.storage import sync as sync_repo
from desktop_app.sync import bundle as bundles
from tests.services.sync_helpers import (
    Pair,
    add_person,
    enrol,
    make_pair,
    new_fund,
    receipt,
    rows_of,
)

RUNS = int(os.environ.get("TTHTCD_FAULT_RUNS", "6"))


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def _rezip(src: Path, dst: Path, change: Callable[[bytes], bytes]) -> None:
    """The same members, the manifest changed, the old signature kept."""
    with zipfile.ZipFile(src) as zf:
        manifest = zf.read("manifest.json")
        sig = zf.read("manifest.sig")
        payload = dst.with_suffix(".payload")
        payload.write_bytes(zf.read("payload.age"))
    with dst.open("wb") as out:
        bundles._write_zip(out, change(manifest), sig, payload)
    payload.unlink()


def test_a_changed_manifest_is_refused(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    forged = tmp_path / file.name
    _rezip(file, forged, lambda m: m.replace(b'"seq":1', b'"seq":7'))
    (outcome,) = o.sync.import_files([forged])
    assert outcome.status == "refused" and outcome.reason_code == "bad-signature"
    assert SyncInspect.signature(forged) == "invalid"
    assert rows_of(o.path, c.db.site_id)["person"] == set()
    flipped = tmp_path / "flipped.tthbundle"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1
    flipped.write_bytes(bytes(data))
    (outcome,) = o.sync.import_files([flipped])
    assert outcome.status == "refused"
    assert o.sync.import_files([file])[0].status == "applied"


class SyncInspect:
    @staticmethod
    def signature(path: Path) -> str:
        from desktop_app.services.sync import SyncService

        return str(SyncService.inspect(path)["signature"])


def test_a_newer_major_schema_is_refused(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    keys = c.sync._keys()
    fields = c.sync._fields(keys, "data", 1, "", [o.db.site_id])
    fields["schema"] = {"major": 2, "minor": 0}
    office_peer = sync_repo.get_site(c.db, o.db.site_id)
    assert office_peer is not None
    empty = sync_repo.write_empty_payload(pair.back / "p.sqlite3", {"owner_site": c.db.site_id})
    written = bundles.write_bundle(
        pair.stick, fields, empty, recipients=[office_peer.age_recipient, keys.age_recipient],
        signing_private=keys.signing_private,
    )  # fmt: skip
    (outcome,) = o.sync.import_files([written.path])
    assert outcome.status == "refused" and outcome.reason_code == "newer-schema"
    assert outcome.reason == tr(REFUSALS["newer-schema"], name=o.sync.centres()[0].name)


def test_a_cloned_centre_is_refused_then_a_restore_conflicts(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thị Bích")
    o.sync.import_files([c.sync.export(pair.stick).file])
    c.db.checkpoint()
    clone_path = tmp_path / "clone.sqlite3"
    shutil.copyfile(c.path, clone_path)
    clone = Workspace.open(clone_path)
    try:
        from desktop_app.core.people import PersonInput, Sex

        c.people.update(person, PersonInput("Trần Thị Bích Ngọc", Sex.FEMALE, "1980"))
        clone.people.update(person, PersonInput("Trần Thị Bích Hà", Sex.FEMALE, "1980"))
        assert c.people.get(person).version == clone.people.get(person).version
        assert o.sync.import_files([c.sync.export(pair.stick).file])[0].status == "applied"
        other = tmp_path / "clone-stick"
        other.mkdir()
        first = clone.sync.export(other).file
        assert o.sync.import_files([first])[0].status == "stale"
        add_person(clone, "Lê Văn Cường")
        second = clone.sync.export(other).file
        (outcome,) = o.sync.import_files([second])
        assert outcome.status == "refused" and outcome.reason_code == "chain"
        # The clone is made right by a restore of its own backup: a new epoch.
        saved = clone.backup.backup_now(tmp_path / "bk")
        clone.close()
        backup.restore(clone_path, saved)
        clone = Workspace.open(clone_path)
        assert sync_repo.epoch(clone.db) > 0
        fresh = add_person(clone, "Phạm Thị Hoa")
        third = clone.sync.export(other).file
        assert third.name.endswith("_000001.tthbundle")
        (outcome,) = o.sync.import_files([third])
        assert outcome.status == "applied", outcome.reason
        # The edit both made at the same version is kept for review, not applied.
        assert outcome.tables["person"].conflict == 1
        assert any(r[1] == person for r in outcome.rejections)
        assert [x[2] for x in o.sync.conflicts()] == [person]
        held = o.db.conn.execute("SELECT full_name FROM person WHERE id = ?", (person,)).fetchone()[
            0
        ]
        assert held == "Trần Thị Bích Ngọc"
        # Its new edits apply: their versions are above anything the lost copy issued.
        assert o.db.conn.execute("SELECT 1 FROM person WHERE id = ?", (fresh,)).fetchone()
    finally:
        clone.close()


def test_a_rewritten_ledger_is_flagged(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    fund = new_fund(c, 100_000)
    for amount in (10_000, 20_000, 30_000):
        receipt(c, fund, amount)
    o.sync.import_files([c.sync.export(pair.stick).file])
    assert [s.status for s in o.sync.centres()] == ["ok"]
    # Behind the app's back, the last entry is removed and the head set back.
    conn = sqlite3.connect(c.path)
    conn.execute("DROP TRIGGER ledger_no_delete")
    head = conn.execute("SELECT head_seq FROM fund WHERE id = ?", (fund,)).fetchone()[0]
    assert head >= 3
    conn.execute("DELETE FROM ledger_entry WHERE fund_id = ? AND seq = ?", (fund, head))
    prev = conn.execute(
        "SELECT hash FROM ledger_entry WHERE fund_id = ? AND seq = ?", (fund, head - 1)
    ).fetchone()
    conn.execute(
        "UPDATE fund SET head_seq = ?, head_hash = ?, version = version + 1000 WHERE id = ?",
        (head - 1, prev[0], fund),
    )
    conn.commit()
    conn.close()
    (outcome,) = o.sync.import_files([c.sync.export(pair.stick).file])
    assert outcome.reason_code == "ledger-rewritten", outcome
    assert [s.status for s in o.sync.centres()] == ["ledger-rewritten"]


def test_the_office_refuses_rows_it_owns(pair: Pair) -> None:
    """A catalogue goes down; the centre cannot send the office's own rows back up."""
    c, o = pair.centre, pair.office
    down = o.sync.export(pair.back)
    assert down.rows.get("class_type", 0) > 0
    (outcome,) = c.sync.import_files([down.file], ack_to=pair.stick)
    assert outcome.status == "applied" and outcome.tables["class_type"].new > 0
    assert (
        rows_of(c.path, o.db.site_id)["class_type"] == rows_of(o.path, o.db.site_id)["class_type"]
    )
    assert outcome.ack_file is not None
    assert o.sync.import_files([outcome.ack_file])[0].status == "applied"
    assert o.sync.export(pair.back).rows.get("class_type", 0) == 0
    # The centre's export holds only its own rows: the office's catalogue stays home.
    up = c.sync.export(pair.stick)
    (back,) = o.sync.import_files([up.file])
    assert back.status == "applied"
    assert all(t.rejected == 0 for t in back.tables.values())


# A killed import ---------------------------------------------------------------------

_IMPORT = """
import sys
from pathlib import Path
from desktop_app.services.workspace import Workspace
with Workspace.open(sys.argv[1]) as ws:
    (o,) = ws.sync.import_files([Path(sys.argv[2])])
    assert o.status in ("applied", "already-imported"), o
"""


def _integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def _count(path: Path, owner: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(
            conn.execute(
                "SELECT count(*) FROM attendance WHERE owner_site = ?", (owner,)
            ).fetchone()[0]
        )
    finally:
        conn.close()


@pytest.mark.skipif(os.name == "nt", reason="kill -9 is POSIX")
def test_an_import_killed_anywhere_leaves_the_office_intact(
    demo_template: Callable[..., Path], tmp_path: Path
) -> None:
    rng = random.Random(10)
    centre_path = tmp_path / "centre.sqlite3"
    shutil.copyfile(demo_template(3000, 8, 5), centre_path)
    centre = Workspace.open(centre_path)
    office_path = tmp_path / "office.sqlite3"
    office = Workspace.open(office_path, create=True)
    office.sync.init_site("office", "Phòng huyện")
    with centre.ops.op("test.site") as op:  # a demo centre is set up by hand
        sync_repo.set_local_site(op.tx, "centre", "TTHTCĐ demo")
    enrol(centre, office, tmp_path / "enrol")
    stick = tmp_path / "stick"
    stick.mkdir()
    file = centre.sync.export(stick).file
    site = centre.db.site_id
    want = _count(centre_path, site)
    assert want > 1000
    office.close()
    centre.close()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    args = [sys.executable, "-c", _IMPORT, str(office_path), str(file)]
    started = time.perf_counter()
    backup_office = tmp_path / "office-before.sqlite3"
    shutil.copyfile(office_path, backup_office)
    subprocess.run(args, check=True, env=env, capture_output=True)
    full = time.perf_counter() - started
    for _run in range(RUNS):
        shutil.copyfile(backup_office, office_path)
        for extra in ("-wal", "-shm"):
            Path(f"{office_path}{extra}").unlink(missing_ok=True)
        process = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.05, full))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        _integrity(office_path)
        assert _count(office_path, site) in (0, want)
        leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".tthtcd-sync-")]
        for p in leftovers:  # a killed process cannot clean up; the next run may
            shutil.rmtree(p)
        subprocess.run(args, check=True, env=env, capture_output=True)
        _integrity(office_path)
        assert _count(office_path, site) == want
    with Workspace.open(office_path) as office_ws:
        assert office_ws.fund.verify().ok
    assert rows_of(office_path, site) == rows_of(centre_path, site)
