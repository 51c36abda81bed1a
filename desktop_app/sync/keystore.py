"""Where this installation's private keys live: a key file per site in the user's config
folder, outside the database (DESIGN section 5), so a copy of the database can verify but
never issue."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from platformdirs import user_config_dir
from pyrage import x25519

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
    """A site's private keys: the Ed25519 certificate-signing key (with its public half),
    the 32-byte key that seals the ledger (HMAC-SHA256) and the age X25519 identity that
    opens the USB bundles sent to this site ("" in a key file written before bundles)."""

    site_id: str
    signing_private: str  # raw 32 bytes, base64url
    signing_public: str  # raw 32 bytes, base64url
    seal: bytes
    age_identity: str = ""  # "AGE-SECRET-KEY-1..."

    @property
    def age_recipient(self) -> str:
        """The public half of the age identity ("age1..."), "" when there is none yet."""
        if not self.age_identity:
            return ""
        return str(x25519.Identity.from_str(self.age_identity).to_public())

    def to_json(self) -> str:
        data: dict[str, str] = {
            "format": KEY_FORMAT,
            "site_id": self.site_id,
            "signing_private": self.signing_private,
            "signing_public": self.signing_public,
            "seal_key": b64u(self.seal),
        }
        if self.age_identity:
            data["age_identity"] = self.age_identity
        return json.dumps(data, indent=1)


def new_age_identity() -> str:
    """A fresh age X25519 identity, "AGE-SECRET-KEY-1..." (pyrage, i.e. the rage library)."""
    return str(x25519.Identity.generate())


def new_site_keys(site_id: str, signing: KeyPair | None = None) -> SiteKeys:
    """Fresh keys for a site; `signing` keeps a signing key the site already has."""
    pair = signing or new_key_pair()
    return SiteKeys(site_id, pair.private, pair.public, secrets.token_bytes(32), new_age_identity())


def _valid_age_identity(text: str) -> bool:
    try:
        x25519.Identity.from_str(text)
    except Exception:  # pyrage raises its own IdentityError (or ValueError) on a bad key
        return False
    return text.startswith("AGE-SECRET-KEY-1")


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
            str(data.get("age_identity", "")),
        )
        matches = public_of(keys.signing_private) == keys.signing_public
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyFileError(site_id) from exc
    if len(keys.seal) != 32 or not matches:
        raise KeyFileError(site_id)
    if "age_identity" in data and not _valid_age_identity(keys.age_identity):
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
    _atomic_write(folder, target, keys.site_id, keys.to_json().encode("utf-8"))
    return target


def ensure_age_identity(site_id: str) -> SiteKeys:
    """The site's keys with an age identity: a key file written before bundles gets one added,
    once, by an atomic rewrite that keeps every other entry of the file as it was. Raises
    FileNotFoundError when the site has no key file here, KeyFileError when it is damaged."""
    keys = load_keys(site_id)
    if keys is None:
        raise FileNotFoundError(str(key_file(site_id)))
    if keys.age_identity:
        return keys
    target = key_file(site_id)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeyFileError(site_id) from exc
    identity = new_age_identity()
    updated = dict(data)  # keeps every entry and its order; the identity goes last
    updated["age_identity"] = identity
    text = json.dumps(updated, indent=1)
    if {k: v for k, v in json.loads(text).items() if k != "age_identity"} != data:
        raise KeyFileError(site_id)  # pragma: no cover - json round trip is exact
    _atomic_write(target.parent, target, site_id, text.encode("utf-8"))
    result = parse_keys(text, site_id)
    if replace(result, age_identity="") != keys:
        raise KeyFileError(site_id)  # pragma: no cover
    return result


def age_identity_text(keys: SiteKeys) -> str:
    """The identity in the standard age identity-file form that `age -d -i FILE` accepts
    (what `age-keygen` writes), for a recovery copy kept away from this PC."""
    if not keys.age_identity:
        raise ValueError("no age identity")
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return f"# created: {created}\n# public key: {keys.age_recipient}\n{keys.age_identity}\n"


def _atomic_write(folder: Path, target: Path, site_id: str, content: bytes) -> None:
    """Temporary file (0600), fsync, os.replace onto `target`, fsync of the folder."""
    tmp = folder / f".{site_id}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
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
