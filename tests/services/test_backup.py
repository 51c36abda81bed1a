"""Backups: a consistent copy with what is in the -wal, rotation, encrypted export, restore."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest

from desktop_app.appinfo import backups_dir
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import StoreError, UserError
from desktop_app.services import backup
from desktop_app.services.centre import CentreProfile, communes, provinces
from desktop_app.services.workspace import Workspace
from desktop_app.sync import keystore


def _names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT full_name FROM person ORDER BY full_name")]
    finally:
        conn.close()


def test_backup_holds_what_is_still_in_the_wal(people_db: Path) -> None:
    with Workspace.open(people_db) as ws:
        ws.people.add(PersonInput(full_name="Đỗ Thị Mới"))
        wal = people_db.with_name(people_db.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # not yet folded into the file
        path = ws.backup.backup_now()
    assert path.parent == backups_dir()
    assert "Đỗ Thị Mới" in _names(path)
    assert not Path(str(path) + "-wal").exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    listed = backup.list_backups(backups_dir())
    assert [b.path for b in listed] == [path]
    assert listed[0].facts is not None and listed[0].facts.people == 6


def test_backup_name_has_the_centre_and_the_time(people_db: Path, tmp_path: Path) -> None:
    when = dt.datetime(2026, 3, 4, 5, 6, 7)
    with Workspace.open(people_db) as ws:
        province = provinces()[0]
        commune = communes(province.code)[0]
        ws.centre.save_profile(
            CentreProfile("Trung tâm Tân Phú", province.code, commune_code=commune.code)
        )
        first = ws.backup.backup_now(tmp_path, now=when)
        second = ws.backup.backup_now(tmp_path, now=when)
    assert first.name.startswith("trung-tam-tan-phu-")
    assert first.name.endswith("-20260304-050607.sqlite3")
    assert second.name.endswith("-20260304-050607-2.sqlite3")


def test_rotation_keeps_7_daily_4_weekly_12_monthly() -> None:
    start = dt.datetime(2025, 1, 1, 18, 0)
    stamps = [start + dt.timedelta(days=d, hours=h) for d in range(400) for h in (0, 2)]
    kept = backup.kept_by_rotation(stamps)
    newest = max(stamps)
    days = {t.date() for t in kept if newest - t < dt.timedelta(days=7)}
    assert len(days) == 7
    assert newest in kept
    weeks = {t.isocalendar()[:2] for t in kept}
    months = {(t.year, t.month) for t in kept}
    assert len(months) == 12
    assert len(weeks) >= 4
    assert len(kept) <= 7 + 4 + 12
    # Each kept one is the newest of its day.
    for t in kept:
        assert t == max(s for s in stamps if s.date() == t.date())


def test_rotate_deletes_old_automatic_backups(people_db: Path) -> None:
    with Workspace.open(people_db) as ws:
        for d in range(30):
            ws.backup.backup_now(now=dt.datetime(2026, 1, 1, 12) + dt.timedelta(days=d))
        left = ws.backup.list()
    # 24-30 January, and the newest of ISO weeks 3 and 2 (weeks 5 and 4 are among the days;
    # January's newest too).
    days = [b.taken_at.day for b in left]
    assert days == [30, 29, 28, 27, 26, 25, 24, 18, 11]


def test_restore_plain_backup_keeps_the_replaced_database(people_db: Path) -> None:
    with Workspace.open(people_db) as ws:
        saved = ws.backup.backup_now()
        ws.people.add(PersonInput(full_name="Sau Sao Lưu"))
    when = dt.datetime(2026, 5, 6, 7, 8, 9)
    result = backup.restore(people_db, saved, now=when)
    assert result.aside == people_db.with_name(people_db.name + ".before-restore-20260506-070809")
    assert "Sau Sao Lưu" not in _names(people_db)
    assert "Sau Sao Lưu" in _names(result.aside)  # the -wal was folded into the aside copy
    assert result.facts.people == 5
    with Workspace.open(people_db) as ws:
        assert len(ws.people.roster()) == 5
        ws.people.add(PersonInput(full_name="Vẫn Ghi Được"))


def test_restore_onto_a_new_pc_without_a_database(people_db: Path, tmp_path: Path) -> None:
    with Workspace.open(people_db) as ws:
        saved = ws.backup.backup_now(tmp_path / "usb")
    target = tmp_path / "new-pc" / "tthtcd.sqlite3"
    result = backup.restore(target, saved)
    assert result.aside is None
    with Workspace.open(target) as ws:
        assert len(ws.people.roster()) == 5


def test_restore_refuses_what_is_not_a_backup(people_db: Path, tmp_path: Path) -> None:
    before = people_db.read_bytes()
    text = tmp_path / "notes.sqlite3"
    text.write_text("hello")
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    for wrong in (text, other):
        with pytest.raises((UserError, StoreError)) as caught:
            backup.restore(people_db, wrong)
        assert "not a backup" in str(caught.value.message)
    with pytest.raises(UserError):
        backup.restore(people_db, tmp_path / "missing.sqlite3")
    with pytest.raises(UserError):
        backup.restore(people_db, people_db)
    assert people_db.read_bytes() == before
    assert not list(people_db.parent.glob("*.before-restore-*"))


def test_restore_refuses_a_damaged_backup(people_db: Path, tmp_path: Path) -> None:
    with Workspace.open(people_db) as ws:
        saved = ws.backup.backup_now(tmp_path)
    data = bytearray(saved.read_bytes())
    for i in range(4096 * 3, 4096 * 3 + 200):
        data[i] ^= 0xFF
    saved.write_bytes(bytes(data))
    before = people_db.read_bytes()
    with pytest.raises(StoreError) as caught:
        backup.restore(people_db, saved)
    assert caught.value.kind == StoreError.CORRUPT
    assert people_db.read_bytes() == before
    assert not list(people_db.parent.glob("*.before-restore-*"))


def _key(site_id: str, data: bytes = b"secret key bytes") -> Path:
    path = keystore.key_file(site_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_encrypted_backup_is_a_zip_with_manifest_database_and_key(
    people_db: Path, tmp_path: Path
) -> None:
    from pyrage import passphrase

    with Workspace.open(people_db) as ws:
        site_id = ws.db.site_id
        key = _key(site_id)
        path = ws.backup.export_encrypted(tmp_path / "usb", "mật khẩu dài")
    assert path.suffix == ".age"
    data = passphrase.decrypt(path.read_bytes(), "mật khẩu dài")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert set(archive.namelist()) == {"manifest.json", "tthtcd.sqlite3", key.name}
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["site_id"] == site_id
    assert manifest["counts"] == {"people": 5, "classes": 0, "members": 0, "ledger_entries": 0}
    assert {"app_version", "schema", "site_name", "date"} <= set(manifest)
    assert archive.read(key.name) == b"secret key bytes"


def test_encrypted_restore_puts_the_key_back(people_db: Path, tmp_path: Path) -> None:
    with Workspace.open(people_db) as ws:
        site_id = ws.db.site_id
        key = _key(site_id)
        path = ws.backup.export_encrypted(tmp_path / "usb", "pw-123")
    key.unlink()
    target = tmp_path / "new-pc" / "tthtcd.sqlite3"
    with pytest.raises(UserError) as caught:
        backup.restore(target, path)
    assert "passphrase" in caught.value.message
    with pytest.raises(UserError) as caught:
        backup.restore(target, path, "wrong")
    assert "passphrase is wrong" in caught.value.message
    assert not target.exists() and not key.exists()
    info = backup.inspect(path, "pw-123")
    assert info.encrypted and info.facts is not None and info.facts.people == 5
    result = backup.restore(target, path, "pw-123")
    assert result.key_restored
    assert key.read_bytes() == b"secret key bytes"
    if os.name != "nt":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert len(_names(target)) == 5
    # The same key already there is fine; a different one is refused, nothing changed.
    backup.restore(target, path, "pw-123")
    key.write_bytes(b"another key")
    before = target.read_bytes()
    with pytest.raises(UserError) as caught:
        backup.restore(target, path, "pw-123")
    assert "different key" in caught.value.message
    assert key.read_bytes() == b"another key"
    assert target.read_bytes() == before


def test_damaged_encrypted_backup_is_refused(people_db: Path, tmp_path: Path) -> None:
    with Workspace.open(people_db) as ws:
        path = ws.backup.export_encrypted(tmp_path, "pw")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    before = people_db.read_bytes()
    with pytest.raises(UserError):
        backup.restore(people_db, path, "pw")
    assert people_db.read_bytes() == before


def test_restore_replaces_a_damaged_database(people_db: Path, tmp_path: Path) -> None:
    with Workspace.open(people_db) as ws:
        saved = ws.backup.backup_now(tmp_path)
        ws.db.checkpoint()
    data = bytearray(people_db.read_bytes())
    for i in range(4096 * 2, 4096 * 5):
        data[i] = 0
    people_db.write_bytes(bytes(data))
    result = backup.restore(people_db, saved)
    assert result.aside is not None and result.aside.exists()
    with Workspace.open(people_db) as ws:
        assert len(ws.people.roster()) == 5


def test_automatic_due(people_db: Path) -> None:
    with Workspace.open(people_db) as ws:
        assert ws.backup.automatic_due()
        ws.backup.backup_now(now=dt.datetime(2026, 1, 1, 8))
        assert not ws.backup.automatic_due(now=dt.datetime(2026, 1, 1, 20))
        assert ws.backup.automatic_due(now=dt.datetime(2026, 1, 2, 8))
        assert ws.backup.latest() is not None
