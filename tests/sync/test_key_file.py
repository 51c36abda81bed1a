"""Keys outside the database (issue 8 part 7): the key file, moving an older database's key
out of it, and a database copied to a PC without its key."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop_app.core.courses import CourseInput
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace
from desktop_app.sync.keystore import (
    KeyFileError,
    key_dir,
    key_file,
    load_keys,
    new_site_keys,
    write_keys,
)

DATA = Path(__file__).parent.parent / "storage" / "data"
D = dt.date(2026, 3, 2)


def _site_id(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT id FROM site WHERE is_local = 1").fetchone()[0])
    finally:
        conn.close()


def _column_key(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        r = conn.execute("SELECT private_key FROM site WHERE is_local = 1").fetchone()
        return None if r[0] is None else str(r[0])
    finally:
        conn.close()


def _raw_bytes(path: Path) -> bytes:
    """The database file and whatever sits beside it (-wal, -journal)."""
    data = b""
    for p in path.parent.glob(path.name + "*"):
        data += p.read_bytes()
    return data


def _completed_course(ws: Workspace, names: list[str]) -> str:
    cid = ws.courses.create(CourseInput("cd_nong_nghiep", "Trồng lúa", start=D), [D]).value
    ids = [ws.people.add(PersonInput(full_name=n, birth="1980")).value for n in names]
    ws.courses.enrol(cid, ids)
    ws.courses.mark_session_present(cid, ws.courses.grid(cid).sessions[0].id)
    return cid


def test_a_new_database_gets_a_key_file_only_its_user_can_read(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Workspace.open(path, create=True).close()
    site = _site_id(path)
    keys = load_keys(site)
    assert keys is not None and len(keys.seal) == 32
    if os.name == "posix":
        assert stat.S_IMODE(key_file(site).stat().st_mode) == 0o600
        assert stat.S_IMODE(key_dir().stat().st_mode) == 0o700
    assert _column_key(path) is None
    raw = _raw_bytes(path)
    assert keys.signing_private.encode() not in raw
    assert keys.signing_public.encode() in raw  # the public key stays in the database
    assert not list(key_dir().glob("*.tmp"))


def test_a_key_file_is_never_overwritten_and_a_damaged_one_is_named(tmp_path: Path) -> None:
    keys = new_site_keys("site-x")
    write_keys(keys)
    with pytest.raises(FileExistsError):
        write_keys(new_site_keys("site-x"))
    assert load_keys("site-x") == keys
    key_file("site-x").write_text("{ not json", encoding="utf-8")
    with pytest.raises(KeyFileError):
        load_keys("site-x")
    assert load_keys("site-never-seen") is None


@pytest.fixture
def own_key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key folder of the test's own: the checked-in files' site ids are the same in every
    test, so their key files must not meet another test's."""
    folder = tmp_path / "keys"
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(folder))
    return folder


@pytest.mark.usefixtures("own_key_dir")
def test_an_older_database_moves_its_key_out_at_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "schema-0003-khuyen-hoc.sqlite3", path)
    old_key = _column_key(path)
    assert old_key is not None and old_key.encode() in path.read_bytes()
    site = _site_id(path)
    assert load_keys(site) is None
    with Workspace.open(path) as ws:
        keys = load_keys(site)
        assert keys is not None and keys.signing_private == old_key
        # The old certificates still verify: the key is the one they were signed with.
        for cert in ws.certificates.register():
            check = ws.certificates.verify(cert.payload)
            assert check.ok or cert.revoked_at, check.reason
        assert ws.fund.verify().ok
    conn = sqlite3.connect(path)
    notes = [
        str(r[0])
        for r in conn.execute("SELECT detail FROM audit WHERE action = 'site.key_move_out'")
    ]
    conn.close()
    assert any("moved out" in n for n in notes)
    assert any("verified intact" in n for n in notes)
    assert not any(old_key in n for n in notes)
    assert _column_key(path) is None
    assert old_key.encode() not in _raw_bytes(path)
    # Opening again changes nothing: the key file stays as it is.
    before = key_file(site).read_bytes()
    Workspace.open(path).close()
    assert key_file(site).read_bytes() == before


@pytest.mark.usefixtures("own_key_dir")
def test_an_older_database_keeps_a_key_file_that_exists(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "schema-0004-many-sites.sqlite3", path)
    site = _site_id(path)
    old_key = _column_key(path)
    assert old_key is not None
    from desktop_app.sync.keys import KeyPair, public_of

    existing = new_site_keys(site, KeyPair(public_of(old_key), old_key))
    write_keys(existing)
    Workspace.open(path).close()
    assert load_keys(site) == existing
    assert _column_key(path) is None


def test_a_copy_without_its_key_reads_verifies_and_reprints_but_never_issues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.sqlite3"
    with Workspace.open(path, create=True) as ws:
        cid = _completed_course(ws, ["Nguyễn Văn An", "Trần Thị Bích"])
        issued = ws.certificates.issue_for_course(cid, issued_on=D).value
        fund = ws.fund.create(FundInput("Quỹ xã", 1_000_000, D)).value
        ws.fund.record(EntryInput(fund, EntryKind.DUES, D, 50_000, "An", reason="Hội phí"))
        later = ws.people.add(PersonInput(full_name="Lê Văn Cường", birth="1975")).value
        ws.courses.enrol(cid, [later])
    payload = issued[0].certificate.payload
    copy_dir = tmp_path / "other-pc"
    copy_dir.mkdir()
    copy = copy_dir / "c.sqlite3"
    shutil.copyfile(path, copy)
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(tmp_path / "other-pc-keys"))
    with Workspace.open(copy) as ws:
        assert ws.certificates.verify(payload).ok
        report = ws.fund.verify()
        assert report.ok and not report.seal_checked
        assert ws.fund.balance(fund) == 1_050_000
        # A reprint takes no new number, so it needs no key.
        again = ws.certificates.issue_for_course(cid, issued_on=D).value
        assert all(i.reprint for i in again)
        grid = ws.courses.grid(cid)
        ws.courses.mark_session_present(cid, grid.sessions[0].id)
        refusals = [
            lambda: ws.certificates.issue_for_course(cid, issued_on=D),
            lambda: ws.certificates.revoke(issued[0].certificate.id, "Sai tên"),
            lambda: ws.fund.record(
                EntryInput(fund, EntryKind.DUES, D, 50_000, "Bích", reason="Hội phí")
            ),
            lambda: ws.fund.create(FundInput("Quỹ khác", 0, D)),
        ]
        for refused in refusals:
            with pytest.raises(UserError) as info:
                refused()
            assert "Restore the key file from a backup" in info.value.message
        assert len(ws.certificates.register()) == 2
    assert not (tmp_path / "other-pc-keys").exists() or not list(
        (tmp_path / "other-pc-keys").iterdir()
    )


@pytest.mark.usefixtures("own_key_dir")
def test_an_older_database_keeps_its_key_when_the_key_file_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "schema-0003-khuyen-hoc.sqlite3", path)
    site = _site_id(path)
    old_key = _column_key(path)
    key_dir().mkdir(parents=True, exist_ok=True)
    key_file(site).write_text("damaged", encoding="utf-8")
    with Workspace.open(path) as ws, pytest.raises(UserError) as info:
        fund = ws.fund.funds()[0].id
        ws.fund.record(EntryInput(fund, EntryKind.DUES, D, 10_000, "An", reason="Hội phí"))
    assert "is damaged" in info.value.message
    assert _column_key(path) == old_key  # the only good copy of the key is not thrown away
