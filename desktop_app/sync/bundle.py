"""The USB bundle file (DESIGN section 6): a ZIP, stored not deflated, of exactly
`manifest.json` (canonical JSON, public facts only), `manifest.sig` (Ed25519 signature of those
exact bytes) and `payload.age` (the payload encrypted with age to its recipients and the sender).

Only well-kept libraries do the work: zipfile for the container, pyrage (the rage implementation
of age, X25519 recipients) for the encryption, cryptography (through sync.keys) for the
signature. This module only checks that a file is exactly what `write_bundle` writes: one byte
changed anywhere in the ZIP structure makes it refuse the file. Whether the signing key is
trusted is decided by the importer, not here.

Writing is safe against a stick pulled out halfway: the file is written as `<name>.part`,
synced, read back in full and checked, and only then renamed to its final name; on any failure
the `.part` is removed, so a complete-looking file is always a complete file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

import pyrage
from pyrage import x25519

from desktop_app.core.ids import new_id
from desktop_app.core.problems import N_
from desktop_app.core.text import fold
from desktop_app.sync.keys import phone_fingerprint, public_of, sign, verify

__all__ = [
    "BUNDLE_SUFFIX",
    "FORMAT",
    "FORMAT_VERSION",
    "KINDS",
    "MAX_BUNDLE_SIZE",
    "MESSAGES",
    "BundleError",
    "Manifest",
    "OpenedBundle",
    "WrittenBundle",
    "build_manifest",
    "bundle_file_name",
    "canonical_json",
    "decrypt_payload",
    "file_sha256",
    "message",
    "read_bundle",
    "signature_valid",
    "write_bundle",
]

FORMAT = "tthtcd-bundle"
FORMAT_VERSION = 1
BUNDLE_SUFFIX = ".tthbundle"
PART_SUFFIX = ".part"
KINDS = ("data", "ack", "catalogue", "correction", "enrolment")
ROLES = ("centre", "office")
MEMBERS = ("manifest.json", "manifest.sig", "payload.age")
# FAT32, the usual file system of a USB stick, cannot hold a file of 4 GiB or more.
MAX_BUNDLE_SIZE = 4 * 1024**3 - 1
MAX_MANIFEST_SIZE = 1024 * 1024
MAX_SIGNATURE_SIZE = 128
_CHUNK = 1024 * 1024
# Every entry is written with these fixed values, so that none of the ZIP's bytes is free.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_SYSTEM = 3  # "Unix", whatever system wrote the file
_ZIP_ATTR = 0o600 << 16  # rw for the user only (what zipfile gives an entry opened for writing)
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_END_RECORD = struct.Struct("<4s4H2LH")
_DIR_ENTRY = struct.Struct("<4s4B4HL2L5H2L")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_TAIL = 56 + 20  # ZIP64 end record and its locator, written only past 2 GiB
# What zipfile raises on a damaged archive: BadZipFile mostly, but a changed version byte
# gives NotImplementedError, a changed name flag UnicodeDecodeError (a ValueError), and so on.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    struct.error,
    NotImplementedError,
    ValueError,
    OverflowError,
)

# BundleError codes -> the message a user reads (msgids; translated where shown).
MESSAGES: dict[str, str] = {
    "not-a-bundle": N_(
        "This file is not a bundle of this app. Choose a file whose name ends in .tthbundle."
    ),
    "missing": N_(
        "This file is not there (any more): check that the USB stick is plugged in, then "
        "choose the file again."
    ),
    "damaged": N_(
        "This file is damaged or incomplete: ask the sender to export again and bring the new file."
    ),
    "bad-signature": N_(
        "This file's signature does not match its sender: it was changed after it was made "
        "or does not come from the site it names. Do not use it; ask the sender to export again."
    ),
    "manifest": N_(
        "This file's description is not valid: ask the sender to export again with this app."
    ),
    "too-large": N_(
        "This bundle is larger than 4 GiB, more than a USB stick (FAT32) holds in one file. "
        "Import the office's latest acknowledgement first, so that only the changes it has not "
        "received yet are sent."
    ),
    "newer-format": N_(
        "This file was made by a newer version of the app: update the app first, then import "
        "it again."
    ),
}


def message(code: str) -> str:
    """The msgid of the message for a BundleError code."""
    return MESSAGES.get(code, MESSAGES["damaged"])


class BundleError(Exception):
    """A bundle file that cannot be used. `code` is one of MESSAGES' keys; `detail` says
    (in English, for logs and tests) exactly what was wrong."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    @property
    def message(self) -> str:
        """The msgid to translate and show."""
        return message(self.code)


def canonical_json(obj: object) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8 (not escaped)."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# --- the manifest ------------------------------------------------------------------------


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_hash(v: object, *, empty: bool = False) -> bool:
    if not isinstance(v, str):
        return False
    if empty and v == "":
        return True
    return len(v) == 64 and all(c in "0123456789abcdef" for c in v)


def _check_manifest(data: object, *, need_payload_hash: bool = True) -> dict[str, Any]:
    """The manifest's fields with their types, or BundleError("manifest"/"newer-format")."""

    def bad(what: str) -> BundleError:
        return BundleError("manifest", what)

    if not isinstance(data, dict):
        raise bad("not an object")
    if data.get("format") != FORMAT:
        raise BundleError("not-a-bundle", "format is not " + FORMAT)
    version = data.get("format_version")
    if not _is_int(version):
        raise bad("format_version")
    assert isinstance(version, int)
    if version > FORMAT_VERSION:
        raise BundleError("newer-format", f"format_version {version}")
    if version != FORMAT_VERSION:
        raise bad("format_version")
    schema = data.get("schema")
    if not (
        isinstance(schema, dict) and _is_int(schema.get("major")) and _is_int(schema.get("minor"))
    ):
        raise bad("schema")
    if data.get("kind") not in KINDS:
        raise bad("kind")
    for key in ("bundle_id", "created_at"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise bad(key)
    sender = data.get("sender")
    if not isinstance(sender, dict):
        raise bad("sender")
    for key in ("site", "name", "signing_public", "fingerprint"):
        if not isinstance(sender.get(key), str) or not sender[key]:
            raise bad("sender." + key)
    if sender.get("role") not in ROLES:
        raise bad("sender.role")
    if not _is_int(sender.get("epoch")):
        raise bad("sender.epoch")
    if not _is_int(data.get("seq")) or data["seq"] < 0:
        raise bad("seq")
    if not _is_hash(data.get("prev_hash"), empty=True):
        raise bad("prev_hash")
    recipients = data.get("recipients")
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise bad("recipients")
    rows = data.get("rows")
    if not isinstance(rows, dict) or not all(_is_int(n) for n in rows.values()):
        raise bad("rows")
    versions = data.get("versions")
    if not isinstance(versions, dict) or not all(_is_int(n) for n in versions.values()):
        raise bad("versions")
    if not isinstance(data.get("extra"), dict):
        raise bad("extra")
    if (need_payload_hash or "payload_hash" in data) and not _is_hash(data.get("payload_hash")):
        raise bad("payload_hash")
    return data


@dataclass(frozen=True)
class Manifest:
    """The manifest's exact bytes (what the signature covers) and their parsed value."""

    raw: bytes
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def bundle_id(self) -> str:
        return str(self.data["bundle_id"])

    @property
    def created_at(self) -> str:
        return str(self.data["created_at"])

    @property
    def sender_site(self) -> str:
        return str(self.data["sender"]["site"])

    @property
    def sender_name(self) -> str:
        return str(self.data["sender"]["name"])

    @property
    def sender_role(self) -> str:
        return str(self.data["sender"]["role"])

    @property
    def signing_public(self) -> str:
        return str(self.data["sender"]["signing_public"])

    @property
    def fingerprint(self) -> str:
        return str(self.data["sender"]["fingerprint"])

    @property
    def epoch(self) -> int:
        return int(self.data["sender"]["epoch"])

    @property
    def seq(self) -> int:
        return int(self.data["seq"])

    @property
    def prev_hash(self) -> str:
        return str(self.data["prev_hash"])

    @property
    def recipients(self) -> list[str]:
        return [str(r) for r in self.data["recipients"]]

    @property
    def rows(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.data["rows"].items()}

    @property
    def versions(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.data["versions"].items()}

    @property
    def payload_hash(self) -> str:
        return str(self.data.get("payload_hash", ""))

    @property
    def schema_major(self) -> int:
        return int(self.data["schema"]["major"])

    @property
    def schema_minor(self) -> int:
        return int(self.data["schema"]["minor"])

    @property
    def extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = self.data["extra"]
        return extra


def build_manifest(**fields: Any) -> Manifest:
    """A manifest from its fields (see the spec). Fills format, format_version, bundle_id and
    created_at, and the defaults prev_hash "", recipients [], rows {}, versions {}, extra {},
    sender.fingerprint (phone form of sender.signing_public). Raises ValueError when a field
    is missing or of the wrong type (a programming error, not the user's)."""
    data: dict[str, Any] = {
        "prev_hash": "",
        "recipients": [],
        "rows": {},
        "versions": {},
        "extra": {},
        **fields,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
    }
    data.setdefault("bundle_id", new_id())
    data.setdefault("created_at", _utc_now())
    sender = data.get("sender")
    if isinstance(sender, dict) and "fingerprint" not in sender and "signing_public" in sender:
        data["sender"] = {**sender, "fingerprint": phone_fingerprint(str(sender["signing_public"]))}
    try:
        raw = canonical_json(data)
        checked = _check_manifest(json.loads(raw), need_payload_hash=False)
    except BundleError as exc:
        raise ValueError(f"bad manifest field: {exc.detail}") from exc
    except (TypeError, ValueError) as exc:
        raise ValueError(f"manifest is not JSON: {exc}") from exc
    return Manifest(raw, checked)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise BundleError("manifest", f"duplicate key {k!r}")
        out[k] = v
    return out


def _reject_constant(name: str) -> None:
    raise BundleError("manifest", f"non-JSON number {name}")


def _parse_manifest(raw: bytes) -> Manifest:
    try:
        data = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_reject_duplicates,
            parse_constant=_reject_constant,
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError("manifest", f"not JSON: {exc}") from exc
    checked = _check_manifest(data)
    if canonical_json(checked) != raw:
        raise BundleError("manifest", "not in canonical form")
    return Manifest(raw, checked)


# --- file names -----------------------------------------------------------------------------


def bundle_file_name(sender_name: str, sender_site: str, kind: str, seq: int) -> str:
    """`<centre>_<kind>_<seq>.tthbundle`: the sender's name folded to ASCII words joined by
    "-" (at most 40 characters; "Trung tâm học tập cộng đồng" shortened to "tthtcd", as
    secretaries write it, so the commune's name fits) and the last 8 letters and digits of its
    site id, so that two sites of the same name still differ (a site id starts with the time it
    was made: two sites set up the same minute share their first characters, not their last);
    then the kind and the sequence number on 6 digits."""
    if kind not in KINDS:
        raise ValueError(f"unknown bundle kind {kind!r}")
    if seq < 0:
        raise ValueError("negative seq")
    words = fold(sender_name).split()
    if words[:6] == ["trung", "tam", "hoc", "tap", "cong", "dong"]:
        words = ["tthtcd", *words[6:]]
    slug = "-".join(words)[:40].strip("-") or "site"
    tail = [c for c in sender_site.lower() if c.isascii() and c.isalnum()][-8:]
    site = "".join(tail) or "0"
    return f"{slug}-{site}_{kind}_{seq:06d}{BUNDLE_SUFFIX}"


# --- hashing --------------------------------------------------------------------------------


def _hash_stream(stream: IO[bytes], limit: int | None = None) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    while chunk := stream.read(_CHUNK):
        n += len(chunk)
        if limit is not None and n > limit:
            raise BundleError("damaged", "member longer than its directory entry")
        h.update(chunk)
    return h.hexdigest(), n


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a whole file, read in chunks."""
    with open(path, "rb") as f:
        return _hash_stream(f)[0]


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedBundle:
    """What `read_bundle` found: the manifest, the signature text (not yet checked: see
    `signature_valid`), whether payload.age matches the manifest's payload_hash, and the hash
    of the whole file (the next bundle of the sender names it as prev_hash)."""

    manifest: Manifest
    signature: str
    payload_hash_ok: bool
    file_hash: str


def _zip64_local_extra(info: zipfile.ZipInfo) -> bytes:
    """The ZIP64 field zipfile puts in the local header of a member past 2 GiB."""
    return struct.pack("<HHQQ", 1, 16, info.file_size, info.compress_size)


def _check_layout(f: BinaryIO, zf: zipfile.ZipFile, size: int) -> list[zipfile.ZipInfo]:
    """Every byte of the ZIP structure is what write_bundle writes: the three members in
    order, stored, back to back from offset 0, fixed dates and attributes, local headers that
    agree with the directory, and a plain end record at the very end of the file."""
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if "manifest.json" not in names:
        raise BundleError("not-a-bundle", f"members {names}")
    if tuple(names) != MEMBERS:
        raise BundleError("damaged", f"members {names}")
    if zf.comment:
        raise BundleError("damaged", "archive comment")
    pos = 0
    for info in infos:
        # Past 2 GiB zipfile writes ZIP64 fields (version 45); below, plain ones (version 20).
        zip64 = info.extract_version == 45
        expected_version = 45 if zip64 else 20
        if (
            info.compress_type != zipfile.ZIP_STORED
            or info.flag_bits != 0
            or info.date_time != _ZIP_DATE
            or info.create_system != _ZIP_SYSTEM
            or info.create_version != expected_version
            or info.extract_version != expected_version
            or info.reserved != 0
            or info.volume != 0
            or info.internal_attr != 0
            or info.external_attr != _ZIP_ATTR
            or info.comment
            or info.compress_size != info.file_size
            or info.header_offset != pos
        ):
            raise BundleError("damaged", f"directory entry of {info.filename}")
        if info.extra and not (zip64 and info.extra[:2] == b"\x01\x00"):
            raise BundleError("damaged", f"extra field of {info.filename}")
        f.seek(pos)
        header = f.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            raise BundleError("damaged", "truncated local header")
        (sig, ext_v, ext_s, flags, method, t, d, crc, csize, fsize, n, m) = _LOCAL_HEADER.unpack(
            header
        )
        name = f.read(n)
        local_extra = f.read(m)
        dos_t = (_ZIP_DATE[3] << 11) | (_ZIP_DATE[4] << 5) | (_ZIP_DATE[5] // 2)
        dos_d = ((_ZIP_DATE[0] - 1980) << 9) | (_ZIP_DATE[1] << 5) | _ZIP_DATE[2]
        sizes_ok = (csize, fsize) == (info.compress_size, info.file_size) or (
            zip64 and (csize, fsize) == (0xFFFFFFFF, 0xFFFFFFFF)
        )
        if (
            sig != b"PK\x03\x04"
            or (ext_v, ext_s) != (expected_version, 0)
            or flags != 0
            or method != zipfile.ZIP_STORED
            or (t, d) != (dos_t, dos_d)
            or crc != info.CRC
            or not sizes_ok
            or name != info.filename.encode("ascii")
            or local_extra != (_zip64_local_extra(info) if zip64 else b"")
        ):
            raise BundleError("damaged", f"local header of {info.filename}")
        pos += _LOCAL_HEADER.size + n + m + info.compress_size
    if zf.start_dir != pos:
        raise BundleError("damaged", "gap before the directory")
    f.seek(size - _END_RECORD.size)
    end = _END_RECORD.unpack(f.read(_END_RECORD.size))
    cd_size = end[5]
    # zipfile adds the ZIP64 end record and locator when the directory starts past 2 GiB.
    zip64_tail = pos > zipfile.ZIP64_LIMIT
    cd_end = size - _END_RECORD.size - (_ZIP64_TAIL if zip64_tail else 0)
    if (
        end[0] != b"PK\x05\x06"
        or end[1:5] != (0, 0, len(MEMBERS), len(MEMBERS))
        or end[6] != min(pos, 0xFFFFFFFF)
        or end[7] != 0
        or pos + cd_size != cd_end
    ):
        raise BundleError("damaged", "end record")
    if zip64_tail:
        f.seek(cd_end)
        tail = f.read(_ZIP64_TAIL)
        expected_tail = _ZIP64_END.pack(
            b"PK\x06\x06", 44, 45, 45, 0, 0, len(MEMBERS), len(MEMBERS), cd_size, pos
        ) + _ZIP64_LOCATOR.pack(b"PK\x06\x07", 0, cd_end, 1)
        if tail != expected_tail:
            raise BundleError("damaged", "ZIP64 end record")
    # zipfile reads a name, extra field or comment past the directory's end without a word:
    # walk the directory's own lengths, which must tile it exactly.
    f.seek(pos)
    directory = f.read(cd_size)
    at = 0
    for info in infos:
        entry = directory[at : at + _DIR_ENTRY.size]
        if len(entry) != _DIR_ENTRY.size:
            raise BundleError("damaged", "truncated directory")
        fields = _DIR_ENTRY.unpack(entry)
        lengths = (len(info.filename), len(info.extra), len(info.comment))
        if fields[0] != b"PK\x01\x02" or fields[12:15] != lengths:
            raise BundleError("damaged", f"directory lengths of {info.filename}")
        at += _DIR_ENTRY.size + sum(lengths)
    if at != cd_size:
        raise BundleError("damaged", "directory size")
    return infos


def read_bundle(path: Path) -> OpenedBundle:
    """Open and check a bundle file: its ZIP structure, its members, and its manifest's JSON
    and fields. Reads the whole file once for the payload hash and once for the file hash.
    Raises BundleError; does NOT decide whether the sender is trusted."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            if f.read(4) != b"PK\x03\x04":
                raise BundleError("not-a-bundle", "not a ZIP file")
            if size > MAX_BUNDLE_SIZE:
                raise BundleError("too-large", f"{size} bytes")
            f.seek(0)
            try:
                with zipfile.ZipFile(f) as zf:
                    infos = _check_layout(f, zf, size)
                    sizes = dict(zip(MEMBERS, (i.file_size for i in infos), strict=True))
                    if sizes["manifest.json"] > MAX_MANIFEST_SIZE:
                        raise BundleError("damaged", "manifest too large")
                    if sizes["manifest.sig"] > MAX_SIGNATURE_SIZE:
                        raise BundleError("damaged", "signature too large")
                    raw = zf.read("manifest.json")
                    sig_raw = zf.read("manifest.sig")
                    with zf.open("payload.age") as p:
                        payload_hash, n = _hash_stream(p, sizes["payload.age"])
                    if n != sizes["payload.age"]:
                        raise BundleError("damaged", "payload shorter than its entry")
            except _ZIP_ERRORS as exc:
                raise BundleError("damaged", f"ZIP: {type(exc).__name__}: {exc}") from exc
            f.seek(0)
            file_hash = _hash_stream(f)[0]
    except FileNotFoundError as exc:
        raise BundleError("missing", f"cannot read: {exc}") from exc
    except IsADirectoryError as exc:
        raise BundleError("not-a-bundle", f"a folder: {exc}") from exc
    except OSError as exc:
        raise BundleError("damaged", f"cannot read: {exc}") from exc
    try:
        signature = sig_raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise BundleError("damaged", "signature is not text") from exc
    manifest = _parse_manifest(raw)
    return OpenedBundle(manifest, signature, payload_hash == manifest.payload_hash, file_hash)


def signature_valid(opened: OpenedBundle, signing_public: str) -> bool:
    """Whether manifest.sig is the signature of manifest.json's exact bytes by this key."""
    return verify(signing_public, opened.manifest.raw, opened.signature)


class _HashingReader:
    """A read-only stream that hashes what passes through it (for pyrage.decrypt_io)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.hash = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self.hash.update(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True


def _create_private(path: Path) -> BinaryIO:
    """`path` opened for writing, truncated, readable only by the user (0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    if os.name == "posix":
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def decrypt_payload(path: Path, opened: OpenedBundle, age_identity: str, out: Path) -> None:
    """Decrypt payload.age of the bundle at `path` to `out` (created 0600), re-checking on the
    way that its bytes still hash to the manifest's payload_hash. Raises BundleError("damaged")
    on any failure (also when the payload is not encrypted to this identity) and then leaves
    no `out` behind."""
    try:
        identity = x25519.Identity.from_str(age_identity)
    except Exception as exc:  # pyrage.IdentityError
        raise ValueError("not an age identity") from exc
    if not opened.payload_hash_ok:
        raise BundleError("damaged", "payload hash does not match the manifest")
    try:
        with open(path, "rb") as f, zipfile.ZipFile(f) as zf:
            _check_layout(f, zf, os.fstat(f.fileno()).st_size)
            with zf.open("payload.age") as p, _create_private(out) as w:
                reader = _HashingReader(p)
                pyrage.decrypt_io(reader, w, [identity])
                reader.read()  # whatever pyrage left unread still counts for the hash
                w.flush()
                os.fsync(w.fileno())
            if reader.hash.hexdigest() != opened.manifest.payload_hash:
                raise BundleError("damaged", "payload changed since it was checked")
    except BundleError:
        out.unlink(missing_ok=True)
        raise
    except Exception as exc:  # OSError, BadZipFile, pyrage.DecryptError, ...
        out.unlink(missing_ok=True)
        raise BundleError("damaged", f"cannot decrypt: {type(exc).__name__}: {exc}") from exc


# --- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    manifest: Manifest
    file_hash: str


def _parse_recipients(recipients: list[str]) -> list[Any]:
    out: list[Any] = []
    seen: set[str] = set()
    for text in recipients:
        if text in seen:
            continue
        seen.add(text)
        try:
            out.append(x25519.Recipient.from_str(text))
        except Exception as exc:  # pyrage.RecipientError
            raise ValueError(f"not an age X25519 recipient: {text!r}") from exc
    if not out:
        raise ValueError("no recipients")
    return out


@contextmanager
def _encrypted(payload: Path | bytes, recipients: list[Any]) -> Iterator[Path]:
    """The payload encrypted to the recipients, in a temporary file on this PC (the stick is
    written once, by the ZIP). Streams: a payload of hundreds of MB is never held in memory."""
    fd, name = tempfile.mkstemp(prefix="tthtcd-", suffix=".age")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as w:
            if isinstance(payload, bytes):
                w.write(pyrage.encrypt(payload, recipients))
            else:
                with open(payload, "rb") as r:
                    pyrage.encrypt_io(r, w, recipients)
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _copy(src: IO[bytes], dst: IO[bytes]) -> None:
    shutil.copyfileobj(src, dst, _CHUNK)


def _entry(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = _ZIP_SYSTEM
    info.external_attr = _ZIP_ATTR
    info.file_size = size
    return info


def _write_zip(out: BinaryIO, manifest_raw: bytes, signature: bytes, payload: Path) -> None:
    """The three members, stored, with fixed dates and attributes (see _check_layout)."""
    size = payload.stat().st_size
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in (("manifest.json", manifest_raw), ("manifest.sig", signature)):
            with zf.open(_entry(name, len(data)), "w") as m:
                m.write(data)
        with open(payload, "rb") as src, zf.open(_entry("payload.age", size), "w") as dst:
            _copy(src, dst)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder; NTFS/FAT metadata goes with the file's flush
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _drop_cache(fd: int) -> None:
    """Ask the OS to forget the file's cached pages, so the read-back reads the stick."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with suppress(OSError):
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def write_bundle(
    folder: Path,
    manifest_fields: Mapping[str, Any],
    payload: Path | bytes,
    *,
    recipients: list[str],
    signing_private: str,
    unique: bool = False,
) -> WrittenBundle:
    """Encrypt `payload` (a file, or bytes for a small one) to `recipients` (age recipients
    "age1...": the receiving sites' AND the sender's own, which the caller includes), build and
    sign the manifest (`manifest_fields` as for build_manifest, without payload_hash), and
    write the bundle into `folder` under bundle_file_name(...).

    Written as `<name>.part`, fsynced, read back in full and checked (manifest, signature,
    payload hash), renamed to the final name, folder fsynced. On any failure nothing with the
    final name and no `.part` stay behind. Raises FileExistsError when a file of the final name
    exists (with `unique`, the name takes the first free "-2", "-3"… before the suffix instead:
    after a restore the numbers start again and the old bundles may still be on the stick),
    BundleError("too-large") past MAX_BUNDLE_SIZE, OSError when the stick fails."""
    age_recipients = _parse_recipients(recipients)
    sender = manifest_fields.get("sender")
    if not isinstance(sender, Mapping):
        raise ValueError("manifest_fields needs sender")
    if public_of(signing_private) != sender.get("signing_public"):
        raise ValueError("signing_private is not the key of sender.signing_public")
    name = bundle_file_name(
        str(sender.get("name", "")),
        str(sender.get("site", "")),
        str(manifest_fields.get("kind", "")),
        int(manifest_fields.get("seq", -1)),
    )
    if unique:
        stem = name.removesuffix(BUNDLE_SUFFIX)
        n = 2
        while (folder / name).exists():
            name = f"{stem}-{n}{BUNDLE_SUFFIX}"
            n += 1
    target = folder / name
    part = folder / (name + PART_SUFFIX)
    if target.exists():
        raise FileExistsError(str(target))
    if isinstance(payload, Path) and payload.stat().st_size > MAX_BUNDLE_SIZE:
        raise BundleError("too-large", "payload")
    with _encrypted(payload, age_recipients) as cipher:
        payload_hash = file_sha256(cipher)
        manifest = build_manifest(**{**manifest_fields, "payload_hash": payload_hash})
        signature = sign(signing_private, manifest.raw).encode("ascii")
        overhead = 3 * (_LOCAL_HEADER.size + 46 + 13 + 40) + _END_RECORD.size + _ZIP64_TAIL
        expected = cipher.stat().st_size + len(manifest.raw) + len(signature) + overhead
        if expected > MAX_BUNDLE_SIZE:
            raise BundleError("too-large", f"about {expected} bytes")
        part.unlink(missing_ok=True)  # a leftover of an earlier, interrupted write
        try:
            fd = os.open(part, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0))
            with os.fdopen(fd, "wb") as out:
                _write_zip(out, manifest.raw, signature, cipher)
                out.flush()
                os.fsync(out.fileno())
                _drop_cache(out.fileno())
            if part.stat().st_size > MAX_BUNDLE_SIZE:
                raise BundleError("too-large", "written file")
            opened = read_bundle(part)
            if (
                opened.manifest.raw != manifest.raw
                or opened.signature.encode("ascii") != signature
                or not opened.payload_hash_ok
            ):
                raise BundleError("damaged", "read-back differs from what was written")
            if target.exists():
                raise FileExistsError(str(target))
            os.rename(part, target)
        except BaseException:
            with suppress(OSError):  # the stick may be gone: the first error is the one to tell
                part.unlink(missing_ok=True)
            raise
    try:
        _fsync_folder(folder)
    except BaseException:
        with suppress(OSError):  # failed: leave nothing the user could take as done
            target.unlink(missing_ok=True)
        raise
    return WrittenBundle(target, manifest, opened.file_hash)
