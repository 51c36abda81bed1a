"""Recovery: a centre whose PC died gets its records back from its own encrypted copies (its
data bundles, or the office's recovery file), on real SQLite files and real keys."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.courses import CourseInput
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services import backup
from desktop_app.services.sync_recovery import RecoveryService, recover_new_database
from desktop_app.services.workspace import Workspace
from desktop_app.storage import sync as sync_repo
from desktop_app.sync import bundle as bundles
from desktop_app.sync import keystore
from tests.services.sync_helpers import (
    Pair,
    add_person,
    enrol,
    make_centre,
    make_pair,
    new_fund,
    receipt,
    rows_of,
)

D = dt.date(2026, 3, 2)


def recovery(ws: Workspace) -> RecoveryService:
    return RecoveryService(ws.db, ws.ops, ws.sync)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def fill(ws: Workspace) -> None:
    """People, a household-free course with a certificate, a fund with receipts, deletes."""
    gone = add_person(ws, "Trần Thị Bích")
    add_person(ws, "Lê Văn Cường", "1975")
    cid = ws.courses.create(CourseInput("cd_nong_nghiep", "Trồng lúa", start=D), [D]).value
    learner = ws.people.add(PersonInput(full_name="Nguyễn Văn An", birth="1980")).value
    ws.courses.enrol(cid, [learner])
    grid = ws.courses.grid(cid)
    ws.courses.mark_session_present(cid, grid.sessions[0].id)
    ws.certificates.issue_for_course(cid, issued_on=D)
    fund = new_fund(ws, 500_000)
    receipt(ws, fund, 200_000)
    receipt(ws, fund, 50_000)
    ws.people.delete(gone)


def own_rows(path: Path, site: str) -> dict[str, set[tuple[object, ...]]]:
    return {t: rows for t, rows in rows_of(path, site).items()}


def new_pc(tmp_path: Path, name: str = "new-pc.sqlite3") -> Workspace:
    return Workspace.open(tmp_path / name, create=True)


def fresh_folder(tmp_path: Path) -> Path:
    n = 1
    while (tmp_path / f"stick-{n}").exists():
        n += 1
    folder = tmp_path / f"stick-{n}"
    folder.mkdir()
    return folder


def reopen(ws: Workspace) -> Workspace:
    path = ws.path
    ws.close()
    return Workspace.open(path)


def test_pc_dies_own_bundles_bring_every_row_back(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    site = c.db.site_id
    fill(c)
    first = c.sync.export(pair.stick).file
    o.sync.import_files([first], ack_to=pair.back)
    c.sync.import_files(list(pair.back.glob("*.tthbundle")))  # the ack: next bundle is a delta
    add_person(c, "Phạm Thị Hoa")
    receipt(c, new_fund(c, 0), 10_000)
    second = c.sync.export(pair.stick).file
    o.sync.import_files([second])
    c.db.checkpoint()
    lost = own_rows(c.path, site)
    lost_counter = sync_repo.counter_value(c.db)
    c.close()  # the PC dies; its key file was restored from a backup (here: still in place)

    ws = new_pc(tmp_path)
    info = recovery(ws).take_identity([first, second])
    assert info.id == site and info.role == "centre"
    ws = reopen(ws)
    try:
        out = recovery(ws).recover_from_bundles([second, first])
        assert [x.status for x in out] == ["recovered", "recovered"], [x.reason for x in out]
        assert out[0].file == first  # taken in the order they were made
        assert out[0].tables["person"].new == 3 and not out[0].warning
        ws.db.checkpoint()
        assert own_rows(ws.path, site) == lost
        assert ws.fund.verify().ok, ws.fund.verify().problems
        assert len(ws.certificates.register()) == 1
        assert sync_repo.counter_value(ws.db) > lost_counter
        # Importing twice changes nothing.
        again = recovery(ws).recover_from_bundles([first, second])
        assert [x.status for x in again] == ["already-held", "already-held"]
        assert own_rows(ws.path, site) == lost
        # The office takes the centre back (re-enrolled with the same keys) and its new edits.
        enrol(ws, o, tmp_path / "enrol2")
        fresh = add_person(ws, "Đỗ Thị Ngọc Ẩn")
        ws.people.update(fresh, PersonInput("Đỗ Thị Ngọc Ánh", birth="1990"))
        # (A new epoch counts its bundles from 1 again: a fresh folder, not the old stick.)
        result = ws.sync.export(fresh_folder(tmp_path))
        (applied,) = o.sync.import_files([result.file])
        assert applied.status == "applied", applied.reason
        assert applied.tables["person"].new == 1
        assert applied.tables["person"].rejected == 0
        ws.db.checkpoint()
        assert rows_of(o.path, site) == rows_of(ws.path, site)
    finally:
        ws.close()


def test_older_bundles_after_newer_change_nothing(pair: Pair, tmp_path: Path) -> None:
    c = pair.centre
    site = c.db.site_id
    p = add_person(c, "Trần Thị Bích")
    first = c.sync.export(pair.stick).file
    c.people.update(p, PersonInput("Trần Thị Bích Ngọc", birth="1980"))
    second = c.sync.export(pair.stick).file  # not acknowledged: holds the person again
    c.db.checkpoint()
    lost = own_rows(c.path, site)
    c.close()
    ws = new_pc(tmp_path)
    recovery(ws).take_identity([second])
    ws = reopen(ws)
    try:
        assert recovery(ws).recover_from_bundles([second])[0].status == "recovered"
        (late,) = recovery(ws).recover_from_bundles([first])
        assert late.status == "already-held" and late.tables["person"].unchanged == 1
        ws.db.checkpoint()
        assert own_rows(ws.path, site) == lost
        assert ws.people.get(p).full_name == "Trần Thị Bích Ngọc"
    finally:
        ws.close()


def test_restored_backup_plus_later_bundles(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    site = c.db.site_id
    add_person(c, "Trần Thị Bích")
    saved = c.backup.export_encrypted(tmp_path / "bk", "mật khẩu dài")
    fund = new_fund(c, 100_000)
    receipt(c, fund, 20_000)
    later = c.sync.export(pair.stick).file
    assert o.sync.import_files([later])[0].status == "applied"
    c.db.checkpoint()
    lost = own_rows(c.path, site)
    key = keystore.key_file(site)
    c.close()
    # A new PC: no database, no key file; the encrypted backup brings both.
    key.unlink()
    target = tmp_path / "restored.sqlite3"
    result = backup.restore(target, saved, "mật khẩu dài")
    assert result.key_restored and key.exists()
    ws = Workspace.open(target)
    try:
        (out,) = recovery(ws).recover_from_bundles([later])
        assert out.status == "recovered", out.reason
        assert out.tables["ledger_entry"].new == 1 and out.tables["person"].unchanged == 1
        ws.db.checkpoint()
        assert own_rows(ws.path, site) == lost
        assert ws.fund.verify().ok, ws.fund.verify().problems
        # The restored database knows its office: the next bundle is accepted.
        add_person(ws, "Lê Văn Cường")
        (applied,) = o.sync.import_files([ws.sync.export(fresh_folder(tmp_path)).file])
        assert applied.status == "applied", applied.reason
        ws.db.checkpoint()
        assert rows_of(o.path, site) == rows_of(ws.path, site)
    finally:
        ws.close()


def test_the_office_recovery_file_alone_brings_everything_back(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    site = c.db.site_id
    fill(c)
    for _ in range(2):
        o.sync.import_files([c.sync.export(pair.stick).file])
        add_person(c, "Hoàng Văn Em")
    o.sync.import_files([c.sync.export(pair.stick).file])
    c.db.checkpoint()
    lost = own_rows(c.path, site)
    c.close()
    for f in pair.stick.glob("*"):
        f.unlink()  # the stick is lost too
    folder = tmp_path / "to-centre"
    folder.mkdir()
    file = recovery(o).recovery_bundle(site, folder)
    assert "_recovery_" in file.name and file.parent == folder
    manifest = bundles.read_bundle(file).manifest
    assert manifest.kind == "catalogue" and manifest.extra["recovery"] is True
    assert manifest.recipients == [site]

    ws = new_pc(tmp_path)
    assert recovery(ws).take_identity([file]).id == site
    ws = reopen(ws)
    try:
        # An office this new database does not know: only with its fingerprint confirmed.
        (refused,) = recovery(ws).recover_from_bundles([file])
        assert refused.status == "refused" and refused.reason_code == "unknown-office"
        fingerprint = o.sync.site().fingerprint
        assert fingerprint in refused.reason
        assert own_rows(ws.path, site)["person"] == set()
        (out,) = recovery(ws).recover_from_bundles([file], office_fingerprint=fingerprint)
        assert out.status == "recovered", out.reason
        ws.db.checkpoint()
        assert own_rows(ws.path, site) == lost
        report = ws.fund.verify()
        assert report.ok and report.seal_checked, report.problems
        assert len(ws.certificates.register()) == 1
        # The office is this centre's upstream again; it acknowledged everything it held.
        assert ws.sync.site().upstream == o.db.site_id
        (again,) = recovery(ws).recover_from_bundles([file])
        assert again.status == "already-held"
        # New edits go up and are applied (a new epoch: not stale, no chain refusal).
        add_person(ws, "Đỗ Thị Ngọc Ẩn")
        result = ws.sync.export(fresh_folder(tmp_path))
        assert result.rows == {"person": 1}
        (applied,) = o.sync.import_files([result.file])
        assert applied.status == "applied", applied.reason
        ws.db.checkpoint()
        assert rows_of(o.path, site) == rows_of(ws.path, site)
    finally:
        ws.close()


def test_a_bundle_of_another_centre_is_refused(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    mine = c.sync.export(pair.stick).file
    other = make_centre(tmp_path, "TTHTCĐ xã Tây Lương")
    try:
        enrol(other, o, tmp_path / "enrol-b")
        add_person(other, "Lê Văn Cường")
        theirs = other.sync.export(pair.stick).file
        assert o.sync.import_files([theirs])[0].status == "applied"
        before = own_rows(c.path, c.db.site_id)
        out = recovery(c).recover_from_bundles([theirs, mine])
        by_file = {x.file: x for x in out}
        assert by_file[theirs].status == "refused"
        assert by_file[theirs].reason_code == "other-site"
        assert by_file[mine].status == "already-held"
        assert own_rows(c.path, c.db.site_id) == before
        # The office's recovery file of the other centre is refused too.
        folder = tmp_path / "r"
        folder.mkdir()
        (refused,) = recovery(c).recover_from_bundles([recovery(o).recovery_bundle(
            other.db.site_id, folder)])  # fmt: skip
        assert refused.reason_code == "other-site"
        # An acknowledgement or a catalogue is not a copy of the centre's records.
        o.sync.import_files([mine], ack_to=pair.back)
        (ack,) = recovery(c).recover_from_bundles(list(pair.back.glob("*.tthbundle")))
        assert ack.status == "refused" and ack.reason_code == "not-recoverable"
        # Files of two centres cannot name one identity.
        with pytest.raises(UserError):
            RecoveryService.centre_of([mine, theirs])
    finally:
        other.close()


def test_wrong_key_is_refused(pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = pair.centre
    site = c.db.site_id
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    c.close()
    # A new PC whose key folder holds another key file for this centre's id.
    folder = tmp_path / "other-keys"
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(folder))
    keystore.write_keys(keystore.new_site_keys(site))
    ws = new_pc(tmp_path)
    try:
        with pytest.raises(UserError) as info:
            recovery(ws).take_identity([file])
        assert "another signing key" in info.value.message
    finally:
        ws.close()
    # Forced into the identity anyway (public key of the key file), the bundle is refused.
    ws = new_pc(tmp_path, "second.sqlite3")
    try:
        with ws.ops.op("test.identity") as op:
            from desktop_app.storage import sync_recovery as store

            keys = keystore.load_keys(site)
            assert keys is not None
            store.take_identity(
                op.tx, site, name="x", role="centre", public_key=keys.signing_public,
                age_recipient=keys.age_recipient,
            )  # fmt: skip
        ws = reopen(ws)
        (out,) = recovery(ws).recover_from_bundles([file])
        assert out.status == "refused" and out.reason_code == "wrong-key"
        # And an age identity that is not the centre's cannot open it.
        alien = keystore.new_age_identity()
        (out,) = recovery(ws).recover_from_bundles([file], age_identity=alien)
        assert out.status == "refused"
        assert own_rows(ws.path, site)["person"] == set()
    finally:
        ws.close()


def test_age_identity_alone_recovers_data_and_says_keys_are_missing(
    pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = pair.centre
    site = c.db.site_id
    fill(c)
    identity_file = c.sync.export_age_identity(tmp_path / "centre.agekey")
    file = c.sync.export(pair.stick).file
    c.db.checkpoint()
    lost = own_rows(c.path, site)
    c.close()
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(tmp_path / "empty-keys"))
    ws = new_pc(tmp_path)
    try:
        with pytest.raises(UserError) as info:
            recovery(ws).take_identity([file])
        assert "age identity" in info.value.message
        recovery(ws).take_identity([file], age_identity=identity_file)
        ws = reopen(ws)
        assert not keystore.key_file(site).exists()  # no key minted for the centre
        with pytest.raises(UserError):
            recovery(ws).recover_from_bundles([file])
        (out,) = recovery(ws).recover_from_bundles([file], age_identity=identity_file)
        assert out.status == "recovered", out.reason
        assert "key file" in out.warning
        ws.db.checkpoint()
        assert own_rows(ws.path, site) == lost
        with pytest.raises(UserError):
            ws.sync.export(pair.stick)  # cannot sign: the key file is missing
    finally:
        ws.close()


def test_take_identity_refuses_a_database_with_data(pair: Pair, tmp_path: Path) -> None:
    c = pair.centre
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    ws = new_pc(tmp_path)
    try:
        add_person(ws, "Lê Văn Cường")
        before = ws.db.site_id
        with pytest.raises(UserError) as info:
            recovery(ws).take_identity([file])
        assert "person" in str(info.value.params)
        assert ws.db.site_id == before
    finally:
        ws.close()


def test_recovery_file_needs_an_enrolled_centre(pair: Pair, tmp_path: Path) -> None:
    o = pair.office
    with pytest.raises(UserError):
        recovery(o).recovery_bundle("no-such-centre", tmp_path)
    with pytest.raises(UserError):
        recovery(pair.centre).recovery_bundle(o.db.site_id, tmp_path)


def test_a_copied_recovery_file_changed_in_transit_is_refused(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    site = c.db.site_id
    add_person(c, "Trần Thị Bích")
    o.sync.import_files([c.sync.export(pair.stick).file])
    folder = tmp_path / "r"
    folder.mkdir()
    file = recovery(o).recovery_bundle(site, folder)
    damaged = tmp_path / "damaged.tthbundle"
    data = bytearray(file.read_bytes())
    data[-40] ^= 0x01
    damaged.write_bytes(bytes(data))
    shutil.copyfile(file, tmp_path / "copy.tthbundle")
    (out,) = recovery(c).recover_from_bundles([damaged])
    assert out.status == "refused"
    # The centre's own database knows its office: the good copy changes nothing here.
    (out,) = recovery(c).recover_from_bundles([tmp_path / "copy.tthbundle"])
    assert out.status == "already-held", out.reason


def test_recover_into_a_new_file_before_the_app_opens_it(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    site = c.db.site_id
    fill(c)
    first = c.sync.export(pair.stick).file
    add_person(c, "Phạm Thị Hoa")
    second = c.sync.export(pair.stick).file
    o.sync.import_files([first, second])
    c.db.checkpoint()
    lost = own_rows(c.path, site)
    c.close()
    keys_before = sorted(p.name for p in keystore.key_dir().iterdir())
    target = tmp_path / "recovered.sqlite3"
    info, out = recover_new_database(target, [first, second])
    assert info.id == site and [x.status for x in out] == ["recovered", "recovered"]
    assert sorted(p.name for p in keystore.key_dir().iterdir()) == keys_before
    with Workspace.open(target) as ws:
        assert own_rows(ws.path, site) == lost  # no catalogue loaded over the centre's own
        assert ws.fund.verify().ok
        enrol(ws, o, tmp_path / "enrol3")
        add_person(ws, "Đỗ Thị Ngọc Ẩn")
        (applied,) = o.sync.import_files([ws.sync.export(fresh_folder(tmp_path)).file])
        assert applied.status == "applied", applied.reason
    # Files of nobody: nothing is left behind.
    with pytest.raises(UserError):
        recover_new_database(tmp_path / "none.sqlite3", [tmp_path / "missing.tthbundle"])
    assert not (tmp_path / "none.sqlite3").exists()
    with pytest.raises(UserError):
        recover_new_database(target, [first])
