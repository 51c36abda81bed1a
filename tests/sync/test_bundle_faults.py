"""Damaged, cut, padded and tampered bundle files, and a stick pulled out while writing
(issue 10 part 11, container level): every one is refused with a BundleError code, never an
unhandled exception, and a failed write leaves nothing that looks complete."""

from __future__ import annotations

import errno
import os
import tempfile
import zipfile
from pathlib import Path
from typing import IO

import pytest

from desktop_app.sync import bundle as b
from tests.sync.test_bundle import CENTRE, OFFICE, fields, members, write

CODES = set(b.MESSAGES)


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    d = tmp_path / "stick"
    d.mkdir()
    return d


@pytest.fixture
def bundle(stick: Path) -> Path:
    return write(stick, os.urandom(3000)).path


def refused(path: Path) -> str:
    with pytest.raises(b.BundleError) as exc:
        b.read_bundle(path)
    assert exc.value.code in CODES
    return exc.value.code


def test_truncated_at_every_tenth(bundle: Path, tmp_path: Path) -> None:
    data = bundle.read_bytes()
    cut = tmp_path / "cut.tthbundle"
    for tenth in range(10):
        cut.write_bytes(data[: len(data) * tenth // 10])
        code = refused(cut)
        assert code == ("not-a-bundle" if tenth == 0 else "damaged"), tenth
    for n in (1, 21, 22, 23, len(data) - 1):  # around the end record too
        cut.write_bytes(data[:n])
        refused(cut)


def test_every_single_byte_flipped_is_refused(bundle: Path, tmp_path: Path) -> None:
    """Each member's bytes (CRC), each local header, the ZIP directory and its end record:
    there is no byte of the file a change to goes unnoticed."""
    data = bytearray(bundle.read_bytes())
    bad = tmp_path / "flipped.tthbundle"
    for mask in (0x01, 0xFF):
        for i in range(len(data)):
            data[i] ^= mask
            bad.write_bytes(data)
            data[i] ^= mask
            refused(bad)


def test_flip_in_each_member_and_in_the_directory(bundle: Path, tmp_path: Path) -> None:
    data = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as zf:
        infos = zf.infolist()
        start_dir = zf.start_dir
    bad = tmp_path / "flipped.tthbundle"
    for info in infos:
        at = info.header_offset + 30 + len(info.filename) + info.file_size // 2
        bad.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
        assert refused(bad) == "damaged", info.filename
    for at in (start_dir, start_dir + 10, len(data) - 12, len(data) - 1):
        bad.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
        assert refused(bad) == "damaged", at


def _zip(path: Path, entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def test_wrong_members(bundle: Path, tmp_path: Path) -> None:
    m = members(bundle)
    man, sig, pay = (
        ("manifest.json", m["manifest.json"]),
        ("manifest.sig", m["manifest.sig"]),
        ("payload.age", m["payload.age"]),
    )
    cases = {
        "extra": [man, sig, pay, ("readme.txt", b"hi")],
        "missing": [man, sig],
        "order": [sig, man, pay],
        "duplicate": [man, sig, pay, pay],
    }
    for label, entries in cases.items():
        with pytest.warns(UserWarning) if label == "duplicate" else _nothing():
            path = _zip(tmp_path / f"{label}.tthbundle", entries)
        assert refused(path) == "damaged", label
    # Even the right members, but zipped by another tool (other dates, attributes).
    assert refused(_zip(tmp_path / "other.tthbundle", [man, sig, pay])) == "damaged"
    # Not a bundle at all: another ZIP (an office document), a text file, an empty file.
    assert refused(_zip(tmp_path / "doc.docx", [("word/document.xml", b"<w/>")])) == "not-a-bundle"
    (tmp_path / "notes.txt").write_text("not a zip")
    assert refused(tmp_path / "notes.txt") == "not-a-bundle"
    (tmp_path / "empty").write_bytes(b"")
    assert refused(tmp_path / "empty") == "not-a-bundle"
    with pytest.raises(b.BundleError) as exc:
        b.read_bundle(tmp_path / "no such file")
    assert exc.value.code == "missing"  # its own message: plug the stick in


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def test_deflate_bomb_and_absurd_sizes(bundle: Path, tmp_path: Path) -> None:
    m = members(bundle)
    # A member that inflates a thousandfold: refused without being inflated (only stored
    # members are accepted).
    bomb = [
        ("manifest.json", m["manifest.json"]),
        ("manifest.sig", m["manifest.sig"]),
        ("payload.age", b"\0" * 50_000_000),
    ]
    path = _zip(tmp_path / "bomb.tthbundle", bomb, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 200_000
    assert refused(path) == "damaged"
    # A manifest member far larger than any real one.
    huge = tmp_path / "huge.tthbundle"
    cipher = tmp_path / "c"
    cipher.write_bytes(m["payload.age"])
    with open(huge, "wb") as out:
        b._write_zip(out, b" " * (2 * 1024 * 1024), m["manifest.sig"], cipher)
    assert refused(huge) == "damaged"


def test_bytes_before_or_after(bundle: Path, tmp_path: Path) -> None:
    data = bundle.read_bytes()
    for label, content in {"before": b"PK\x03\x04" + data, "after": data + b"\0" * 10}.items():
        path = tmp_path / f"{label}.tthbundle"
        path.write_bytes(content)
        assert refused(path) == "damaged", label


def test_too_large(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(b, "MAX_BUNDLE_SIZE", 2000)
    with pytest.raises(b.BundleError) as exc:
        write(stick, os.urandom(5000))
    assert exc.value.code == "too-large"
    assert os.listdir(stick) == []


def _temp_leftovers() -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("tthtcd-")}


def _nothing_left(stick: Path, before: set[str]) -> None:
    assert os.listdir(stick) == []  # no final name, no .part
    assert _temp_leftovers() <= before  # the encrypted temporary file is gone too


def test_stick_pulled_while_copying(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The write fails halfway through the payload: the .part is removed."""

    def half_then_fail(src: IO[bytes], dst: IO[bytes]) -> None:
        data = src.read()
        dst.write(data[: len(data) // 2])
        raise OSError(errno.EIO, "Input/output error")

    before = _temp_leftovers()
    monkeypatch.setattr(b, "_copy", half_then_fail)
    with pytest.raises(OSError):
        write(stick, os.urandom(100_000))
    _nothing_left(stick, before)


def test_fsync_fails(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    before = _temp_leftovers()
    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        write(stick, os.urandom(10_000))
    _nothing_left(stick, before)


def test_stick_returns_other_bytes(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-back finds a byte the stick did not keep: refused before the rename."""

    def corrupt(fd: int) -> None:
        at = os.fstat(fd).st_size // 2
        os.pwrite(fd, bytes([os.pread(fd, 1, at)[0] ^ 0xFF]), at)

    before = _temp_leftovers()
    monkeypatch.setattr(b, "_drop_cache", corrupt)
    with pytest.raises(b.BundleError) as exc:
        write(stick, os.urandom(10_000))
    assert exc.value.code == "damaged"
    _nothing_left(stick, before)


def test_rename_or_folder_sync_fails(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    before = _temp_leftovers()
    with monkeypatch.context() as mp:
        mp.setattr(os, "rename", fail)
        with pytest.raises(OSError):
            write(stick, b"payload")
    _nothing_left(stick, before)
    with monkeypatch.context() as mp:
        mp.setattr(b, "_fsync_folder", fail)
        with pytest.raises(OSError):
            write(stick, b"payload")
    _nothing_left(stick, before)
    # And once the stick works again, the same bundle is written.
    w = write(stick, b"payload")
    assert b.read_bundle(w.path).payload_hash_ok


def test_decrypt_failures_leave_no_output(bundle: Path, tmp_path: Path) -> None:
    opened = b.read_bundle(bundle)
    out = tmp_path / "out.sqlite"
    with pytest.raises(b.BundleError):
        b.decrypt_payload(bundle, opened, new_identity(), out)
    assert not out.exists()
    # The file changed between read_bundle and decrypt_payload.
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 1
    bundle.write_bytes(data)
    with pytest.raises(b.BundleError) as exc:
        b.decrypt_payload(bundle, opened, OFFICE.age_identity, out)
    assert exc.value.code == "damaged" and not out.exists()


def new_identity() -> str:
    from desktop_app.sync.keystore import new_age_identity

    return new_age_identity()


def test_fields_helper_is_the_centre() -> None:
    assert fields()["sender"]["signing_public"] == CENTRE.signing_public
