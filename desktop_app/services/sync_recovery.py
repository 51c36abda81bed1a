"""Recovery: a centre whose PC died gets its records back from its own encrypted copies.

Every data bundle a centre sends is encrypted to the office AND to the centre's own age
key, and signed with the centre's own signing key. On a new PC the secretary either
restores the centre's last encrypted backup (Settings › Backups: the database and the key
file), or starts from an empty database that takes the centre's identity
(`take_identity`, with the key file restored, or at least the age identity that
`tthtcd site key export --age-identity` wrote). Then:

- `recover_from_bundles(files)` reads the data bundles the centre sent (on the stick, or
  the copies it e-mailed): every row of the centre newer than what the database holds comes
  back as it was (owner, version, updated_at kept); older bundles change nothing; the
  change counter ends above every version recovered and a new sync epoch starts, so the
  office accepts the centre's next bundle and its new edits win there.
- With no bundles left, the office writes a recovery bundle (`recovery_bundle`, an office
  method): a "catalogue" bundle flagged `{"recovery": true}` in its manifest's `extra`,
  encrypted to that centre's age key only (and the office's own), holding every row of that
  centre the office has. The centre recovers from it the same way; its ledger (hash chain
  and seals) and its certificates register verify afterwards.

Reached as `Workspace.recovery`; the CLI (`tthtcd bundle recover`, `tthtcd bundle
recovery`) and the GUI use only this.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.fund import seal_funds
from desktop_app.core.ids import new_id
from desktop_app.core.problems import N_, UserError
from desktop_app.core.progress import Progress, check, no_progress
from desktop_app.i18n import tr
from desktop_app.services.ops import Ops
from desktop_app.services.sync import (
    SCHEMA_MAJOR,
    SiteInfo,
    SyncService,
    TableCounts,
    named_rows,
    schema_minor,
    table_counts,
)
from desktop_app.storage import fund as fund_repo
from desktop_app.storage import sync as repo
from desktop_app.storage import sync_recovery as store
from desktop_app.storage.db import Database
from desktop_app.sync import bundle as bundles
from desktop_app.sync import keys as signing
from desktop_app.sync import keystore
from desktop_app.sync.keystore import SiteKeys

__all__ = ["RecoveryOutcome", "RecoveryService", "parse_age_identity", "recover_new_database"]

RECOVERY_FLAG = "recovery"


@dataclass(frozen=True)
class RecoveryOutcome:
    """What became of one file given to `recover_from_bundles`.

    status: "recovered" (rows of this centre came back from it), "already-held" (the
    database holds everything in it, at the same or a newer version: nothing changed),
    "refused" (not this centre's, not readable with its keys, damaged...: `reason` says
    why; nothing written). `reason_code` is a stable word for tests and scripts;
    `warning` (translated, "" if none) says what is still missing after a recovery (the
    key file). Counts per table as in an import: a row held at a newer version counts as
    unchanged."""

    file: Path
    bundle: str
    sender: str
    kind: str  # "data" (the centre's own) | "recovery" (the office's copy)
    status: str
    reason: str
    tables: dict[str, TableCounts]
    reason_code: str = ""
    seq: int = 0
    warning: str = ""
    rejections: tuple[tuple[str, str, str], ...] = ()


REFUSALS: dict[str, str] = {
    "other-site": N_(
        "This file belongs to another centre ({name}), not to this one: nothing was recovered "
        "from it."
    ),
    "not-recoverable": N_(
        "This file is neither a data bundle this centre sent nor a recovery file from its "
        "office: nothing was recovered from it."
    ),
    "wrong-key": N_(
        "This bundle is signed with another key than this centre's: it was not made on this "
        "centre's computer. Nothing was recovered from it."
    ),
    "bad-signature": N_(
        "The signature of this bundle does not match: it was changed after it was made. "
        "Nothing was recovered from it."
    ),
    "damaged": N_(
        "This file is damaged or incomplete: nothing was recovered from it. Try another copy "
        "(the e-mailed one, or ask the office for a recovery file)."
    ),
    "cannot-open": N_(
        "This file cannot be opened with this centre's keys (it was encrypted for another "
        "site, or these keys are not this centre's). Nothing was recovered from it."
    ),
    "newer-schema": N_(
        "This file was made with a newer version of the app. Update the app, then recover "
        "again; nothing was recovered from it."
    ),
    "unknown-office": N_(
        "This recovery file was made by {name}, which this database does not know yet. Call "
        "the office and compare the key fingerprint {fingerprint} with the one it reads to you; "
        "if they are the same, recover again with that fingerprint confirmed. Nothing was "
        "recovered from it."
    ),
    "wrong-office": N_(
        "This recovery file was made by {name}, not by this centre's office (or with another "
        "key than the one it enrolled with). Nothing was recovered from it."
    ),
    "foreign-keys": N_(
        "The records in this file refer to records that are missing (an earlier bundle of this "
        "centre is missing). Recover from the earlier bundles first, or ask the office for a "
        "recovery file; nothing was recovered from it."
    ),
}

NO_KEYS = N_(
    "This computer has neither the key file of centre {site} nor its age identity, so its "
    "bundles cannot be opened. Restore the centre's last encrypted backup (Settings › "
    "Backups), which holds the key file, or give the age identity file that was exported "
    "with `tthtcd site key export --age-identity`."
)
DAMAGED_KEYS = N_(
    "The key file {path} is damaged or belongs to another site; restore it from an encrypted "
    "backup of this centre."
)
BAD_IDENTITY = N_(
    "{path} is not an age identity (a line starting with AGE-SECRET-KEY-1): give the file "
    "that `tthtcd site key export --age-identity` wrote."
)
SIGNING_KEYS_MISSING = N_(
    "The records are back, but this computer has only the age identity of this centre, not "
    "its key file: it cannot send bundles, issue or revoke certificates, or record vouchers, "
    "and the ledger cannot be sealed. Restore the key file from an encrypted backup of this "
    "centre (Settings › Backups). If no backup holds it, the office must revoke this centre "
    "and enrol it again with new keys."
)
NOT_EMPTY = N_(
    "This database already holds data ({what}), so it cannot take the identity of another "
    "centre. Use a new, empty database for the recovery (or restore the centre's backup)."
)
NO_OWN_FILES = N_(
    "None of these files is a data bundle of a centre or a recovery file from an office: "
    "there is nothing to tell which centre to recover."
)
SEVERAL_CENTRES = N_(
    "These files belong to several centres ({names}); recover one centre at a time."
)
KEY_FILE_OTHER = N_(
    "The key file of centre {site} on this computer has another signing key than its "
    "bundles: it is not the key file of the computer that sent them. Restore the right key "
    "file from a backup of this centre."
)
NOTHING_HELD = N_("This office holds no records of {name} yet: there is nothing to recover.")
NOT_ENROLLED = N_("No centre enrolled at this office has the id {id}.")
REVOKED = N_(
    "{name} was revoked here: a recovery file would be encrypted to the keys of the computer "
    "that was revoked. Enrol the centre again (with its new computer's keys) first."
)
EXISTS = N_("{path} exists already; choose another folder or move that file away.")
NOT_FOLDER = N_("{path} is not a folder: choose the folder (the USB stick) to write to.")


def parse_age_identity(text: str, where: str = "") -> str:
    """The "AGE-SECRET-KEY-1..." line of an identity file's text (comments skipped), or a
    UserError."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            if line.startswith("AGE-SECRET-KEY-1") and keystore._valid_age_identity(line):
                return line
            break
    raise UserError(BAD_IDENTITY, {"path": where or "?"})


def _identity_from(value: str | Path | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Path):
        try:
            text = value.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise UserError(BAD_IDENTITY, {"path": str(value)}) from None
        return parse_age_identity(text, str(value))
    return parse_age_identity(value, "")


def _is_recovery(m: bundles.Manifest) -> bool:
    return m.kind == "catalogue" and m.extra.get(RECOVERY_FLAG) is True


def _norm_fingerprint(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@dataclass(frozen=True)
class _Claimed:
    """Which centre a file says it holds the rows of, and with which signing key."""

    site: str
    name: str
    signing_public: str


def _claimed(opened: bundles.OpenedBundle) -> _Claimed | None:
    m = opened.manifest
    if m.kind == "data" and m.sender_role == "centre":
        return _Claimed(m.sender_site, m.sender_name, m.signing_public)
    if _is_recovery(m):
        centre = m.extra.get("centre")
        if isinstance(centre, dict) and centre.get("id"):
            return _Claimed(
                str(centre["id"]), str(centre.get("name", "")),
                str(centre.get("signing_public", "")),
            )  # fmt: skip
    return None


class RecoveryService:
    """Recovery of a centre's records on a new PC, and the office's recovery bundle."""

    def __init__(self, db: Database, ops: Ops, sync: SyncService | None = None) -> None:
        self._db = db
        self._ops = ops
        self._sync = sync or SyncService(db, ops)

    # Keys -------------------------------------------------------------------------------

    def _key_file(self) -> SiteKeys | None:
        try:
            return keystore.load_keys(self._db.site_id)
        except keystore.KeyFileError:
            raise UserError(
                DAMAGED_KEYS, {"path": str(keystore.key_file(self._db.site_id))}
            ) from None

    def _opening_keys(self, age_identity: str | Path | None) -> tuple[SiteKeys | None, str]:
        """(the key file's keys or None, the age identity that opens this site's bundles)."""
        keys = self._key_file()
        given = _identity_from(age_identity)
        if keys is not None and keys.age_identity:
            return keys, keys.age_identity
        if given:
            return keys, given
        raise UserError(NO_KEYS, {"site": self._db.site_id})

    def _own_public(self, keys: SiteKeys | None) -> str:
        if keys is not None:
            return keys.signing_public
        return repo.local_facts(self._db)["signing_public"] or ""

    # A new database taking the centre's identity -----------------------------------------

    @staticmethod
    def centre_of(files: Sequence[Path]) -> tuple[str, str, str]:
        """(site id, name, signing public key) of the centre the bundles hold the rows of;
        UserError when none says, or they name several centres. Reads manifests only."""
        found: dict[str, _Claimed] = {}
        for path in files:
            try:
                opened = bundles.read_bundle(Path(path))
            except bundles.BundleError:
                continue
            claimed = _claimed(opened)
            if claimed is None:
                continue
            if opened.manifest.kind == "data" and not bundles.signature_valid(
                opened, claimed.signing_public
            ):
                continue
            held = found.get(claimed.site)
            if held is None or (not held.signing_public and claimed.signing_public):
                found[claimed.site] = claimed
        if not found:
            raise UserError(NO_OWN_FILES)
        if len(found) > 1:
            names = ", ".join(sorted(c.name or c.site for c in found.values()))
            raise UserError(SEVERAL_CENTRES, {"names": names})
        c = next(iter(found.values()))
        return c.site, c.name, c.signing_public

    def take_identity(
        self, files: Sequence[Path], *, age_identity: str | Path | None = None
    ) -> SiteInfo:
        """Make this new, EMPTY database the centre whose bundles `files` are (its own data
        bundles or the office's recovery file): the local site takes the centre's id, name
        and keys. The centre's key file must be on this computer (restored from a backup),
        or its age identity given. Then recover with `recover_from_bundles`; a GUI reopens
        the workspace first (this changes the site id under the services)."""
        db = self._db
        site, name, public = self.centre_of(files)
        try:
            keys = keystore.load_keys(site)
        except keystore.KeyFileError:
            raise UserError(DAMAGED_KEYS, {"path": str(keystore.key_file(site))}) from None
        given = _identity_from(age_identity)
        if keys is None and not given:
            raise UserError(NO_KEYS, {"site": site})
        if keys is not None and public and keys.signing_public != public:
            raise UserError(KEY_FILE_OTHER, {"site": site})
        identity = keys.age_identity if keys is not None and keys.age_identity else given
        recipient = SiteKeys(site, "", "", b"", identity).age_recipient
        if db.site_id == site:
            return self._sync.site()
        try:
            with self._ops.op("site.take_identity") as op:
                store.take_identity(
                    op.tx, site, name=" ".join(name.split()), role="centre",
                    public_key=keys.signing_public if keys is not None else public,
                    age_recipient=recipient,
                )  # fmt: skip
        except store.NotEmptyError as exc:
            raise UserError(NOT_EMPTY, {"what": str(exc)}) from None
        return self._sync.site()

    # Recovery ---------------------------------------------------------------------------

    def recover_from_bundles(
        self,
        files: Sequence[Path],
        progress: Progress = no_progress,
        *,
        age_identity: str | Path | None = None,
        office_fingerprint: str | None = None,
    ) -> list[RecoveryOutcome]:
        """Put back every row of this centre that `files` (its own data bundles, or the
        office's recovery file) hold at a newer version than the database. Opened with the
        key file's age identity, or `age_identity` (an identity file's path or text) when
        this computer has no key file. A recovery file of an office this database does not
        know is taken only with `office_fingerprint` equal to the office's key fingerprint
        (read over the phone); that office then becomes this centre's upstream again.

        Files are taken in the order they were made. Afterwards the change counter is above
        every version recovered, a new sync epoch starts and the ledger's list of funds is
        sealed again with the key file's seal key (without a key file, each outcome's
        `warning` says what is missing)."""
        db = self._db
        keys, identity = self._opening_keys(age_identity)
        public = self._own_public(keys)
        opened: list[tuple[Path, bundles.OpenedBundle | None, str]] = []
        for path in files:
            try:
                opened.append((Path(path), bundles.read_bundle(Path(path)), ""))
            except bundles.BundleError as exc:
                opened.append((Path(path), None, tr(exc.message)))

        def order(item: tuple[Path, bundles.OpenedBundle | None, str]) -> tuple[Any, ...]:
            b = item[1]
            if b is None:
                return (0, 0, 0, "", str(item[0]))
            m = b.manifest
            # The office's copy first (it is the whole), then the own bundles as made.
            return (1, 0 if _is_recovery(m) else 1, m.epoch, m.seq, m.created_at, str(item[0]))

        outcomes: list[RecoveryOutcome] = []
        top_epoch = 0
        ordered = sorted(opened, key=order)
        for i, (path, bundle, error) in enumerate(ordered):
            check(progress, i, len(ordered) + 1)
            if bundle is None:
                outcomes.append(
                    RecoveryOutcome(path, "", "", "", "refused", error, {}, "unreadable")
                )
                continue
            if bundle.manifest.kind == "data" and bundle.manifest.sender_site == db.site_id:
                top_epoch = max(top_epoch, bundle.manifest.epoch)
            outcomes.append(self._recover_one(path, bundle, identity, public, office_fingerprint))
        recovered = any(o.status == "recovered" for o in outcomes)
        if recovered or (top_epoch and repo.epoch(db) <= top_epoch):
            self._after(keys)
        check(progress, len(ordered) + 1, len(ordered) + 1)
        if keys is None and recovered:
            warning = tr(SIGNING_KEYS_MISSING)
            outcomes = [
                o if o.status != "recovered" else _with_warning(o, warning) for o in outcomes
            ]
        return outcomes

    def _after(self, keys: SiteKeys | None) -> None:
        """A new epoch (the office resets this centre's chain; new edits are above every
        version the lost PC issued) and the list of own funds sealed again."""
        with self._ops.op("sync.recovery.epoch") as op:
            repo.start_new_epoch(op.tx)
            ids = store.own_fund_ids(self._db)
            if keys is not None and ids:
                fund_repo.set_funds_seal(op.tx, seal_funds(keys.seal, self._db.site_id, ids))
                op.tx.note(
                    "fund", self._db.site_id, f"funds sealed again after recovery ({len(ids)})"
                )

    def _recover_one(
        self, path: Path, opened: bundles.OpenedBundle, identity: str, public: str,
        office_fingerprint: str | None,
    ) -> RecoveryOutcome:  # fmt: skip
        db = self._db
        m = opened.manifest
        kind = "recovery" if _is_recovery(m) else m.kind

        def outcome(
            status: str, code: str = "", reason: str = "",
            tables: dict[str, TableCounts] | None = None,
            rejections: tuple[tuple[str, str, str], ...] = (),
        ) -> RecoveryOutcome:  # fmt: skip
            return RecoveryOutcome(
                path, m.bundle_id, m.sender_site, kind, status, reason, tables or {}, code,
                m.seq, "", rejections,
            )  # fmt: skip

        def refuse(code: str, **params: object) -> RecoveryOutcome:
            return outcome("refused", code, tr(REFUSALS[code], **params))

        claimed = _claimed(opened)
        if claimed is None:
            return refuse("not-recoverable")
        if claimed.site != db.site_id or (_is_recovery(m) and db.site_id not in m.recipients):
            return refuse("other-site", name=claimed.name or claimed.site)
        office: repo.PeerSite | None = None
        if _is_recovery(m):
            if claimed.signing_public and public and claimed.signing_public != public:
                return refuse("wrong-key")
            upstream = [p for p in repo.peers(db, "upstream") if p.revoked_at is None]
            fingerprint = signing.phone_fingerprint(m.signing_public)
            if upstream:
                if upstream[0].id != m.sender_site or upstream[0].public_key != m.signing_public:
                    return refuse("wrong-office", name=m.sender_name)
            elif office_fingerprint is None or _norm_fingerprint(
                office_fingerprint
            ) != _norm_fingerprint(fingerprint):
                return refuse("unknown-office", name=m.sender_name, fingerprint=fingerprint)
            else:
                office = _office_peer(m)
                if office is None:
                    return refuse("damaged")
        elif not public or m.signing_public != public:
            return refuse("wrong-key")
        if not bundles.signature_valid(opened, m.signing_public):
            return refuse("bad-signature")
        if not opened.payload_hash_ok:
            return refuse("damaged")
        if m.schema_major > SCHEMA_MAJOR or m.schema_minor > schema_minor():
            return refuse("newer-schema")
        with self._sync._scratch() as folder:
            plain = folder / "payload.sqlite3"
            try:
                bundles.decrypt_payload(path, opened, identity, plain)
            except bundles.BundleError:
                return refuse("cannot-open")
            try:
                facts = repo.read_payload(plain)
            except ValueError:
                return refuse("damaged")
            if (
                facts.meta.get("bundle_id") != m.bundle_id
                or facts.meta.get("owner_site") != db.site_id
            ):
                return refuse("damaged")
            if m.kind == "data":
                for head in facts.heads:
                    message = bundles.canonical_json(head.facts(db.site_id))
                    if not signing.verify(public, message, head.signature):
                        return refuse("damaged")
            if store.unknown_tables(db, facts.tables):
                return refuse("newer-schema")
            return self._apply(plain, facts, opened, kind, office, outcome, refuse)

    def _apply(
        self, plain: Path, facts: repo.PayloadFacts, opened: bundles.OpenedBundle, kind: str,
        office: repo.PeerSite | None, outcome: Any, refuse: Any,
    ) -> RecoveryOutcome:  # fmt: skip
        db = self._db
        m = opened.manifest
        with repo.attached(db, plain, "recovered") as alias:
            try:
                try:
                    with self._ops.op("sync.recovery") as op:
                        diff, common = store.diff_own(db, alias, facts.tables)
                        store.apply_own(
                            op.tx, alias, facts.tables, diff, common, bundle_id=m.bundle_id
                        )
                        store.raise_counter(op.tx, store.max_version(db, alias, facts.tables))
                        changed = diff.total(repo.NEW) + diff.total(repo.UPDATED)
                        status = "recovered" if changed else "already-held"
                        if office is not None:
                            repo.put_peer(op.tx, office)
                        if kind == "recovery" and (office is not None or status == "recovered"):
                            upstream = office or next(
                                (p for p in repo.peers(db, "upstream") if p.revoked_at is None),
                                None,
                            )
                            if upstream is not None:
                                # The office holds every row of this centre up to here.
                                repo.record_acked(op.tx, upstream.id, int(m.versions.get("to", 0)))
                        repo.log_bundle(
                            op.tx, direction="import", kind=m.kind, bundle_id=m.bundle_id,
                            peer_site=m.sender_site, seq=m.seq, payload_hash=m.payload_hash,
                            file_name=opened_name(opened), status=status,
                            summary={"recovery": True, "tables": _summary(diff)},
                            file_hash=opened.file_hash, epoch_=m.epoch, applied=True,
                        )  # fmt: skip
                except Exception as exc:
                    if _foreign_key_failure(exc):
                        return refuse("foreign-keys")  # type: ignore[no-any-return]
                    raise
            finally:
                store.drop_diff(db, facts.tables)
        return outcome(status, "", "", table_counts(diff), named_rows(diff))  # type: ignore[no-any-return]

    # The office's copy ------------------------------------------------------------------

    def recovery_bundle(self, centre_id: str, out_dir: Path) -> Path:
        """Office: write into folder `out_dir` a recovery bundle for one enrolled centre:
        every row of that centre this office holds, encrypted to the centre's age key (and
        the office's own), signed by the office. Its manifest is a "catalogue" bundle's
        with `extra` = {"recovery": true, "centre": {...}, "office": {...}} and seq 0 (it
        takes no place in the office's sequence of bundles). The file is named
        `<centre>_recovery_<date>.tthbundle`. Returns its path."""
        db = self._db
        sync = self._sync
        sync._require_role("office")
        peer = repo.get_site(db, centre_id)
        if peer is None or peer.relation != "downstream":
            raise UserError(NOT_ENROLLED, {"id": centre_id})
        if peer.revoked_at is not None or not peer.age_recipient:
            raise UserError(REVOKED, {"name": peer.name})
        out_dir = Path(out_dir)
        if not out_dir.is_dir():
            raise UserError(NOT_FOLDER, {"path": str(out_dir)})
        keys = sync._keys()
        sync._ensure_local_recipient(keys)
        bundle_id = new_id()
        with sync._scratch() as folder:
            built = repo.build_payload(
                db.path, folder / "payload.sqlite3", owner_site=centre_id, above_version=0,
                meta={"kind": "catalogue", "bundle_id": bundle_id, "sender": db.site_id,
                      RECOVERY_FLAG: "1"},
            )  # fmt: skip
            rows = {t: n for t, n in built.rows.items() if n}
            if not rows:
                raise UserError(NOTHING_HELD, {"name": peer.name})
            top = store.max_own_version(db.path, centre_id)
            fields = sync._fields(
                keys, "catalogue", 0, "", [centre_id], rows=rows,
                versions={"from": 0, "to": top},
                extra={
                    RECOVERY_FLAG: True,
                    "centre": {
                        "id": peer.id, "name": peer.name, "signing_public": peer.public_key,
                        "age_recipient": peer.age_recipient,
                    },
                    "office": sync._public_facts(keys),
                },
            )  # fmt: skip
            fields["bundle_id"] = bundle_id
            staging = Path(tempfile.mkdtemp(prefix=".tthtcd-recovery-", dir=out_dir))
            try:
                written = sync._write(staging, fields, built.path, [peer.age_recipient], keys)
                name = bundles.bundle_file_name(peer.name, peer.id, "catalogue", 0).replace(
                    "_catalogue_000000", f"_recovery_{written.manifest.created_at[:10]}"
                )
                target = out_dir / name
                n = 2
                while target.exists():
                    target = out_dir / name.replace(".tthbundle", f"-{n}.tthbundle")
                    n += 1
                os.replace(written.path, target)
                _fsync_folder(out_dir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        with self._ops.op("sync.recovery_bundle") as op:
            repo.log_bundle(
                op.tx, direction="export", kind="catalogue", bundle_id=bundle_id,
                peer_site=centre_id, seq=0, payload_hash=written.manifest.payload_hash,
                file_name=target.name, summary={"recovery": True, "rows": rows,
                                                "versions_to": top},
                status="written", file_hash=written.file_hash, epoch_=repo.epoch(db),
            )  # fmt: skip
        return target


def recover_new_database(
    path: Path,
    files: Sequence[Path],
    progress: Progress = no_progress,
    *,
    age_identity: str | Path | None = None,
    office_fingerprint: str | None = None,
) -> tuple[SiteInfo, list[RecoveryOutcome]]:
    """No backup at all: make a NEW database file at `path` (it must not exist) as the
    centre whose bundles `files` are, and recover its rows from them, before the app opens
    it (so no shipped catalogue or new key is made for it first). A refusal of identity, or
    of every file, removes the new file again. Returns the site and one outcome per file."""
    from desktop_app.storage.db import open_database

    path = Path(path)
    if path.exists():
        raise UserError(
            N_("{path} exists already: recover into a new database file."), {"path": str(path)}
        )
    db = open_database(path, create=True)
    done = False
    try:
        ops = Ops(db)
        service = RecoveryService(db, ops)
        service.take_identity(files, age_identity=age_identity)
        outcomes = service.recover_from_bundles(
            files, progress, age_identity=age_identity, office_fingerprint=office_fingerprint
        )
        site = service._sync.site()
        # Nothing recovered (every file refused): no half-made database is left behind, so
        # the same command can be run again (with the office's fingerprint, say).
        done = any(o.status != "refused" for o in outcomes)
    finally:
        db.close()
        if not done:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
    return site, outcomes


def _office_peer(m: bundles.Manifest) -> repo.PeerSite | None:
    """The office that signed a recovery file, from the public facts it carries."""
    office = m.extra.get("office")
    if (
        not isinstance(office, dict)
        or office.get("id") != m.sender_site
        or office.get("signing_public") != m.signing_public
        or office.get("role") != "office"
        or not str(office.get("age_recipient", "")).startswith("age1")
    ):
        return None
    return repo.PeerSite(
        id=m.sender_site, name=str(office.get("name") or m.sender_name), role="office",
        public_key=m.signing_public, age_recipient=str(office["age_recipient"]),
        relation="upstream", enrolled_at=m.created_at, revoked_at=None,
        commune_code=str(office.get("commune_code") or "") or None,
        commune_name=str(office.get("commune_name") or ""),
        province_code=str(office.get("province_code") or "") or None,
        province_name=str(office.get("province_name") or ""),
    )  # fmt: skip


def opened_name(opened: bundles.OpenedBundle) -> str:
    m = opened.manifest
    return bundles.bundle_file_name(m.sender_name, m.sender_site, m.kind, m.seq)


def _with_warning(o: RecoveryOutcome, warning: str) -> RecoveryOutcome:
    from dataclasses import replace

    return replace(o, warning=warning)


def _summary(diff: repo.PayloadDiff) -> dict[str, dict[str, int]]:
    return {t: {c: d.counts[c] for c in repo.CLASSES} for t, d in diff.tables.items()}


def _foreign_key_failure(exc: BaseException) -> bool:
    text = f"{exc} {getattr(exc, 'params', '')} {exc.__cause__ or ''}"
    return "FOREIGN KEY" in text.upper()


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
