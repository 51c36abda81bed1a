"""Where this installation's private keys live: a key file per site in the user's config
folder, outside the database (DESIGN section 5), so a copy of the database can verify but
never issue."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_dir

from desktop_app.appinfo import APP_AUTHOR, APP_NAME
from desktop_app.sync.keys import KeyPair, b64u, new_key_pair, public_of, unb64u


def key_dir() -> Path:
    """The folder of key files; `TTHTCD_KEY_DIR` moves it (tests)."""
    override = os.environ.get("TTHTCD_KEY_DIR")
    if override:
        return Path(override)
    return Path(user_config_dir(APP_NAME, APP_AUTHOR)) / "keys"


def key_file(site_id: str) -> Path:
    """The key file of one site, found by the site's id."""
    return key_dir() / f"{site_id}.key"


KEY_FORMAT = "tthtcd-site-keys/1"


class KeyFileError(ValueError):
    """The key file exists but cannot be read as this site's keys."""


@dataclass(frozen=True)
class SiteKeys:
    """A site's private keys: the Ed25519 certificate-signing key (with its public half) and
    the 32-byte key that seals the ledger (HMAC-SHA256)."""

    site_id: str
    signing_private: str  # raw 32 bytes, base64url
    signing_public: str  # raw 32 bytes, base64url
    seal: bytes

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": KEY_FORMAT,
                "site_id": self.site_id,
                "signing_private": self.signing_private,
                "signing_public": self.signing_public,
                "seal_key": b64u(self.seal),
            },
            indent=1,
        )


def new_site_keys(site_id: str, signing: KeyPair | None = None) -> SiteKeys:
    """Fresh keys for a site; `signing` keeps a signing key the site already has."""
    pair = signing or new_key_pair()
    return SiteKeys(site_id, pair.private, pair.public, secrets.token_bytes(32))


def parse_keys(text: str, site_id: str) -> SiteKeys:
    try:
        data = json.loads(text)
        if data.get("format") != KEY_FORMAT or data.get("site_id") != site_id:
            raise KeyFileError(site_id)
        keys = SiteKeys(
            site_id,
            str(data["signing_private"]),
            str(data["signing_public"]),
            unb64u(str(data["seal_key"])),
        )
        matches = public_of(keys.signing_private) == keys.signing_public
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyFileError(site_id) from exc
    if len(keys.seal) != 32 or not matches:
        raise KeyFileError(site_id)
    return keys


def load_keys(site_id: str) -> SiteKeys | None:
    """The site's keys from its key file; None when there is no key file (a copied database).
    Raises KeyFileError when the file is there but damaged or another site's."""
    try:
        text = key_file(site_id).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(site_id) from exc
    return parse_keys(text, site_id)


def write_keys(keys: SiteKeys) -> Path:
    """Write a new key file atomically (temporary file, fsync, rename), readable only by the
    user: mode 0600 in a 0700 folder on POSIX. On Windows the file lives in the user's profile,
    whose ACL already keeps other users out. Never replaces an existing key file."""
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    target = key_file(keys.site_id)
    if target.exists():
        raise FileExistsError(str(target))
    tmp = folder / f".{keys.site_id}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            os.write(fd, keys.to_json().encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if os.name == "posix":
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target
