"""The USB bundle file (issue 10 parts 1-2): written, read back, signed, decrypted, and opened
by the reference `age` tool. Real files in tmp_path, real keys, no mocks."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from desktop_app.sync import bundle as b
from desktop_app.sync.keys import fingerprint, new_key_pair, phone_fingerprint, sign
from desktop_app.sync.keystore import SiteKeys, age_identity_text, new_site_keys

CENTRE = new_site_keys("0190a1b2-c3d4-7000-8000-000000000001")
OFFICE = new_site_keys("0190f0f0-0000-7000-8000-000000000002")


def fields(keys: SiteKeys = CENTRE, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema": {"major": 1, "minor": 9},
        "kind": "data",
        "sender": {
            "site": keys.site_id,
            "name": "Trung tâm HTCĐ xã Đức Phổ",
            "role": "centre",
            "signing_public": keys.signing_public,
            "epoch": 7,
        },
        "seq": 1,
        "recipients": [OFFICE.site_id],
        "rows": {"person": 3, "course": 1},
        "versions": {"from": 0, "to": 42},
    }
    base.update(over)
    return base


def write(folder: Path, payload: Path | bytes, **over: Any) -> b.WrittenBundle:
    return b.write_bundle(
        folder,
        fields(**over),
        payload,
        recipients=[OFFICE.age_recipient, CENTRE.age_recipient],
        signing_private=CENTRE.signing_private,
    )


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    p = tmp_path / "payload.sqlite"
    p.write_bytes(os.urandom(200_000) + b"SQLite format 3\x00" * 1000)
    return p


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    d = tmp_path / "stick"
    d.mkdir()
    return d


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def rezip(src: Path, dst: Path, *, manifest: bytes | None = None, sig: bytes | None = None) -> Path:
    """The bundle with one member replaced, written exactly the way write_bundle writes."""
    m = members(src)
    cipher = dst.with_suffix(".cipher")
    cipher.write_bytes(m["payload.age"])
    with open(dst, "wb") as out:
        b._write_zip(
            out,
            m["manifest.json"] if manifest is None else manifest,
            m["manifest.sig"] if sig is None else sig,
            cipher,
        )
    cipher.unlink()
    return dst


def test_round_trip(payload: Path, out_dir: Path, tmp_path: Path) -> None:
    w = write(out_dir, payload)
    assert w.path.name == "trung-tam-htcd-xa-duc-pho-00000001_data_000001.tthbundle"
    assert sorted(os.listdir(out_dir)) == [w.path.name]  # no .part, no temporary file
    assert w.file_hash == b.file_sha256(w.path)
    assert list(members(w.path)) == ["manifest.json", "manifest.sig", "payload.age"]
    with zipfile.ZipFile(w.path) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}

    opened = b.read_bundle(w.path)
    m = opened.manifest
    assert m.raw == w.manifest.raw == b.canonical_json(m.data)
    assert opened.payload_hash_ok and opened.file_hash == w.file_hash
    assert (m.kind, m.seq, m.epoch, m.sender_role) == ("data", 1, 7, "centre")
    assert m.sender_site == CENTRE.site_id and m.sender_name == "Trung tâm HTCĐ xã Đức Phổ"
    assert m.fingerprint == phone_fingerprint(CENTRE.signing_public)
    assert m.recipients == [OFFICE.site_id] and m.rows == {"person": 3, "course": 1}
    assert m.versions == {"from": 0, "to": 42} and m.prev_hash == "" and m.extra == {}
    assert (m.schema_major, m.schema_minor) == (1, 9)
    assert m.data["format"] == "tthtcd-bundle" and m.data["format_version"] == 1
    assert m.payload_hash == hashlib.sha256(members(w.path)["payload.age"]).hexdigest()
    assert re.fullmatch(r"[0-9a-f-]{36}", m.bundle_id) and m.created_at.startswith("20")
    assert "Trung tâm".encode() in m.raw  # UTF-8, not \u escapes
    assert b.signature_valid(opened, CENTRE.signing_public)
    assert not b.signature_valid(opened, OFFICE.signing_public)

    # Both the office and the sender itself (its recovery key) can open the payload.
    for keys in (OFFICE, CENTRE):
        out = tmp_path / f"out-{keys.site_id}.sqlite"
        b.decrypt_payload(w.path, opened, keys.age_identity, out)
        assert out.read_bytes() == payload.read_bytes()
        if os.name == "posix":
            assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_bytes_payload_and_chain(out_dir: Path, tmp_path: Path) -> None:
    """An enrolment request: an empty payload to the sender only; the next bundle names the
    hash of the previous file."""
    first = b.write_bundle(
        out_dir,
        fields(kind="enrolment", seq=0, extra={"step": "request"}),
        b"",
        recipients=[CENTRE.age_recipient],
        signing_private=CENTRE.signing_private,
    )
    opened = b.read_bundle(first.path)
    assert opened.manifest.extra == {"step": "request"}
    out = tmp_path / "empty"
    b.decrypt_payload(first.path, opened, CENTRE.age_identity, out)
    assert out.read_bytes() == b""
    with pytest.raises(b.BundleError) as exc:  # not encrypted to the office
        b.decrypt_payload(first.path, opened, OFFICE.age_identity, tmp_path / "no")
    assert exc.value.code == "damaged"
    assert not (tmp_path / "no").exists()

    second = write(out_dir, b"x", seq=2, prev_hash=first.file_hash)
    assert b.read_bundle(second.path).manifest.prev_hash == first.file_hash


def test_never_overwrites(payload: Path, out_dir: Path) -> None:
    w = write(out_dir, payload)
    before = w.path.read_bytes()
    with pytest.raises(FileExistsError):
        write(out_dir, payload)
    assert w.path.read_bytes() == before
    assert sorted(os.listdir(out_dir)) == [w.path.name]


def test_leftover_part_is_replaced(payload: Path, out_dir: Path) -> None:
    name = b.bundle_file_name(fields()["sender"]["name"], CENTRE.site_id, "data", 1)
    (out_dir / (name + ".part")).write_bytes(b"half of an earlier try")
    w = write(out_dir, payload)
    assert sorted(os.listdir(out_dir)) == [w.path.name]


def test_signature_of_edited_manifest_or_other_key(payload: Path, out_dir: Path) -> None:
    w = write(out_dir, payload)
    raw = members(w.path)["manifest.json"]
    # One byte of the manifest changed (still canonical JSON): the signature no longer fits.
    edited = raw.replace(b'"seq":1', b'"seq":2')
    assert edited != raw and len(edited) == len(raw)
    opened = b.read_bundle(rezip(w.path, out_dir / "edited.tthbundle", manifest=edited))
    assert opened.manifest.seq == 2
    assert not b.signature_valid(opened, CENTRE.signing_public)

    # Signed by another key than the one the manifest names.
    other = new_key_pair()
    forged = sign(other.private, raw).encode("ascii")
    opened = b.read_bundle(rezip(w.path, out_dir / "forged.tthbundle", sig=forged))
    assert not b.signature_valid(opened, CENTRE.signing_public)
    assert b.signature_valid(opened, other.public)  # valid only for the key nobody trusts

    # One character of the signature changed.
    sig = members(w.path)["manifest.sig"]
    bad_sig = bytes([sig[0] ^ 1]) + sig[1:]
    opened = b.read_bundle(rezip(w.path, out_dir / "badsig.tthbundle", sig=bad_sig))
    assert not b.signature_valid(opened, CENTRE.signing_public)


def test_manifest_rules(payload: Path, out_dir: Path) -> None:
    w = write(out_dir, payload)
    raw = members(w.path)["manifest.json"]

    def code(manifest: bytes) -> str:
        with pytest.raises(b.BundleError) as exc:
            b.read_bundle(rezip(w.path, out_dir / "m.tthbundle", manifest=manifest))
        (out_dir / "m.tthbundle").unlink()
        return exc.value.code

    data = json.loads(raw)
    assert code(json.dumps(data).encode()) == "manifest"  # spaces: not canonical
    assert code(raw[:-1] + b',"seq":1}') == "manifest"  # duplicate key
    assert code(b.canonical_json({**data, "format_version": 2})) == "newer-format"
    assert code(b.canonical_json({**data, "format_version": 0})) == "manifest"
    assert code(b.canonical_json({**data, "format": "other-app"})) == "not-a-bundle"
    assert code(b.canonical_json({**data, "kind": "gossip"})) == "manifest"
    assert code(b.canonical_json({**data, "seq": True})) == "manifest"
    assert code(b.canonical_json({**data, "payload_hash": "00"})) == "manifest"
    no_rows = {k: v for k, v in data.items() if k != "rows"}
    assert code(b.canonical_json(no_rows)) == "manifest"
    assert code(b"\xff\xfe") == "manifest"
    assert code(b"[1,2]") == "manifest"
    # A manifest whose payload hash is not the payload's: read, but flagged.
    other = b.canonical_json({**data, "payload_hash": "0" * 64})
    opened = b.read_bundle(rezip(w.path, out_dir / "h.tthbundle", manifest=other))
    assert not opened.payload_hash_ok
    with pytest.raises(b.BundleError) as exc:
        b.decrypt_payload(out_dir / "h.tthbundle", opened, OFFICE.age_identity, out_dir / "o")
    assert exc.value.code == "damaged" and not (out_dir / "o").exists()


def test_reference_age_cli_decrypts(payload: Path, out_dir: Path, tmp_path: Path) -> None:
    """The payload is standard age: the reference tool opens it with the exported identity."""
    age = shutil.which("age")
    if age is None:
        pytest.skip("the reference `age` tool is not installed (Debian package age)")
    w = write(out_dir, payload)
    cipher = tmp_path / "payload.age"
    cipher.write_bytes(members(w.path)["payload.age"])
    identity = tmp_path / "office.agekey"
    identity.write_text(age_identity_text(OFFICE), encoding="utf-8")
    out = tmp_path / "decrypted.sqlite"
    run = subprocess.run(
        [age, "-d", "-i", str(identity), "-o", str(out), str(cipher)],
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == payload.read_bytes()
    # age-keygen -y reads the identity file and prints the same recipient.
    keygen = shutil.which("age-keygen")
    if keygen:
        y = subprocess.run([keygen, "-y", str(identity)], capture_output=True, check=True)
        assert y.stdout.decode().strip() == OFFICE.age_recipient


def test_file_name() -> None:
    assert (
        b.bundle_file_name("Phòng GD&ĐT huyện Đức Phổ", "abcdef0123456789", "ack", 12)
        == "phong-gd-dt-huyen-duc-pho-23456789_ack_000012.tthbundle"
    )
    assert b.bundle_file_name("???", "x-ABCDEF01", "catalogue", 0) == (
        "site-abcdef01_catalogue_000000.tthbundle"
    )
    # Two centres set up the same minute: their ids differ only at the end.
    assert b.bundle_file_name(
        "Trung tâm học tập cộng đồng phường Thủy Xuân", "01a23308-4bec-7026-9cf5-574382e4752b",
        "data", 1,
    ) == "tthtcd-phuong-thuy-xuan-82e4752b_data_000001.tthbundle"  # fmt: skip
    name = b.bundle_file_name("Tên " * 50, "12345678", "correction", 1)
    assert name.isascii() and len(name) < 80
    with pytest.raises(ValueError):
        b.bundle_file_name("x", "12345678", "gossip", 1)


def test_build_manifest_refuses_bad_fields() -> None:
    m = b.build_manifest(**fields())
    assert m.payload_hash == "" and m.data["bundle_id"]
    with pytest.raises(ValueError):
        b.build_manifest(**{k: v for k, v in fields().items() if k != "sender"})
    with pytest.raises(ValueError):
        b.build_manifest(**fields(seq="1"))
    with pytest.raises(ValueError):  # the private key is not the sender's
        b.write_bundle(
            Path("."),
            fields(),
            b"",
            recipients=[CENTRE.age_recipient],
            signing_private=OFFICE.signing_private,
        )
    with pytest.raises(ValueError):
        b.write_bundle(
            Path("."),
            fields(),
            b"",
            recipients=["age1notarecipient"],
            signing_private=CENTRE.signing_private,
        )


def test_every_code_has_a_message() -> None:
    for code in ("not-a-bundle", "damaged", "bad-signature", "manifest", "too-large"):
        assert b.BundleError(code).message == b.MESSAGES[code]
    assert "update the app" in b.MESSAGES["newer-format"]


def test_phone_fingerprint() -> None:
    fp = phone_fingerprint(CENTRE.signing_public)
    assert re.fullmatch(r"(\d{5} ){7}\d{5}", fp)
    assert fp == phone_fingerprint(CENTRE.signing_public)
    assert fp != phone_fingerprint(OFFICE.signing_public)
    assert fingerprint(CENTRE.signing_public) == " ".join(
        CENTRE.signing_public[i : i + 4] for i in range(0, 16, 4)
    )
