"""The site's age identity in its key file (issue 10 part 2): new key files have one, an older
key file gets one added once without touching its other keys, and the exported identity file
is the standard one the reference `age` tool reads."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from pyrage import x25519

from desktop_app.sync.keystore import (
    KeyFileError,
    SiteKeys,
    age_identity_text,
    ensure_age_identity,
    key_file,
    load_keys,
    new_site_keys,
    parse_keys,
    write_keys,
)


@pytest.fixture
def keys_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "keys"
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(folder))
    return folder


def _older(site_id: str) -> SiteKeys:
    """Keys as a key file written before bundles holds them (no age identity)."""
    fresh = new_site_keys(site_id)
    return SiteKeys(fresh.site_id, fresh.signing_private, fresh.signing_public, fresh.seal)


def test_new_keys_have_an_age_identity(keys_here: Path) -> None:
    keys = new_site_keys("site-new")
    assert keys.age_identity.startswith("AGE-SECRET-KEY-1")
    assert keys.age_recipient.startswith("age1")
    assert str(x25519.Identity.from_str(keys.age_identity).to_public()) == keys.age_recipient
    write_keys(keys)
    assert load_keys("site-new") == keys
    assert ensure_age_identity("site-new") == keys  # nothing to add


def test_older_key_file_gets_one_once(keys_here: Path) -> None:
    old = _older("site-old")
    assert old.age_identity == "" and old.age_recipient == ""
    path = write_keys(old)
    before = json.loads(path.read_text(encoding="utf-8"))
    assert "age_identity" not in before
    assert load_keys("site-old") == old  # an older file still reads

    keys = ensure_age_identity("site-old")
    assert keys.age_identity.startswith("AGE-SECRET-KEY-1")
    after_text = path.read_text(encoding="utf-8")
    after = json.loads(after_text)
    # Every other entry kept exactly, in the same order; the identity added last.
    assert list(after)[:-1] == list(before) and list(after)[-1] == "age_identity"
    assert {k: v for k, v in after.items() if k != "age_identity"} == before
    assert (keys.signing_private, keys.signing_public, keys.seal) == (
        old.signing_private,
        old.signing_public,
        old.seal,
    )
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in keys_here.iterdir()] == [path.name]  # no temporary file left

    # Idempotent: a second call changes nothing, not even a byte of the file.
    again = ensure_age_identity("site-old")
    assert again == keys and path.read_text(encoding="utf-8") == after_text
    assert load_keys("site-old") == keys


def test_identity_errors(keys_here: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ensure_age_identity("site-nowhere")
    keys = new_site_keys("site-bad")
    text = keys.to_json().replace(keys.age_identity, "AGE-SECRET-KEY-1NOTAKEY")
    with pytest.raises(KeyFileError):
        parse_keys(text, "site-bad")
    with pytest.raises(ValueError):
        age_identity_text(_older("site-none"))


def test_identity_file_text(keys_here: Path, tmp_path: Path) -> None:
    keys = new_site_keys("site-export")
    text = age_identity_text(keys)
    lines = text.split("\n")
    assert lines[0].startswith("# created: ")
    assert lines[1] == f"# public key: {keys.age_recipient}"
    assert lines[2] == keys.age_identity and lines[3] == "" and len(lines) == 4
    age, keygen = shutil.which("age"), shutil.which("age-keygen")
    if age is None or keygen is None:
        pytest.skip("the reference `age` tools are not installed (Debian package age)")
    identity = tmp_path / "site.agekey"
    identity.write_text(text, encoding="utf-8")
    y = subprocess.run([keygen, "-y", str(identity)], capture_output=True, check=True)
    assert y.stdout.decode().strip() == keys.age_recipient
    # Round trip through the reference tool alone: encrypt to the recipient, decrypt with it.
    plain = tmp_path / "plain"
    plain.write_bytes(b"hello centre")
    enc = tmp_path / "plain.age"
    subprocess.run([age, "-r", keys.age_recipient, "-o", str(enc), str(plain)], check=True)
    dec = subprocess.run(
        [age, "-d", "-i", str(identity), str(enc)], capture_output=True, check=True
    )
    assert dec.stdout == b"hello centre"


def test_key_file_path_unchanged(keys_here: Path) -> None:
    assert key_file("abc") == keys_here / "abc.key"
