"""USB bundles between a centre and its upstream office (DESIGN.md section 6).

The CLI and the GUI use `SyncService` (reached as `Workspace.sync`) and nothing below it.
A centre exports its own rows ("data" bundles, up) and imports the office's catalogue
("catalogue" bundles, down) and acknowledgements ("ack"); an office imports data bundles of
the centres enrolled at it, keeps their rows under their own `owner_site` (it never edits
them) and answers with acknowledgements.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.ids import new_id
from desktop_app.core.problems import N_, UserError
from desktop_app.core.progress import Cancelled, Progress, check, no_progress
from desktop_app.i18n import format_int, tr
from desktop_app.services.ops import OpChanges, OpResult, Ops
from desktop_app.storage import sync as repo
from desktop_app.storage.db import Database
from desktop_app.storage.schema import known_migration_names
from desktop_app.sync import bundle as bundles
from desktop_app.sync import keys as signing
from desktop_app.sync import keystore
from desktop_app.sync.keystore import SiteKeys

__all__ = [
    "CORRECTION_FIELDS",
    "BundleRecord",
    "CentreStatus",
    "Conflict",
    "CorrectionRequest",
    "ExportResult",
    "ImportOutcome",
    "SiteInfo",
    "SyncService",
    "TableCounts",
    "import_changes",
]


@dataclass(frozen=True)
class SiteInfo:
    """An installation: this one, or a peer it knows."""

    id: str
    name: str
    role: str  # "centre" | "office"
    fingerprint: str  # keys.phone_fingerprint of its signing key: "12345 67890 ..."; "" if none
    upstream: str | None  # a centre's office (its site id) once enrolled; None otherwise
    upstream_name: str = ""


@dataclass(frozen=True)
class TableCounts:
    """What one table of a bundle does to the database (dry run) or did (applied)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflict: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + self.conflict + self.rejected


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one bundle file given to `import_files`.

    status: "applied" (its rows are in), "dry-run" (checked, nothing written),
    "already-imported" (this very bundle was applied before; `reason` says when),
    "stale" (an older bundle of the sender than one already applied: changes nothing),
    "refused" (not trusted or not readable: `reason` says why; nothing written).
    `reason` is translated text; `reason_code` a stable machine word for tests and scripts
    (e.g. "unknown-sender", "revoked", "bad-signature", "chain", "newer-schema").
    """

    file: Path
    bundle: str  # bundle id ("" when the file could not be read)
    sender: str  # sender site id
    sender_name: str
    kind: str  # data | ack | catalogue | correction | enrolment
    status: str
    reason: str
    tables: dict[str, TableCounts]
    ack_file: Path | None
    reason_code: str = ""
    seq: int = 0
    # Rejected rows and conflicts, at most a few hundred: (table, row id, reason text).
    rejections: tuple[tuple[str, str, str], ...] = ()
    # What applying it changed, by kind of row (ids while few; an empty set stands for
    # "many rows of this kind"), for the pages to refresh; None when nothing was written.
    changes: OpChanges | None = None


@dataclass(frozen=True)
class ExportResult:
    file: Path
    seq: int
    rows: dict[str, int]


@dataclass(frozen=True)
class CentreStatus:
    """One centre enrolled at this office.

    status: "ok" (a bundle in the last 45 days), "overdue" (none for 45 days), "never" (no
    bundle yet), "revoked", "ledger-rewritten" (a fund's entry at a head it reported earlier
    now has another hash, or its reported head went backwards: its books were rewritten),
    "relayed" (a centre of a lower office enrolled here, whose records that office sends:
    `via` names it; `last_import` is that office's last bundle).
    """

    id: str
    name: str
    last_seq: int
    last_import: str | None
    status: str
    fingerprint: str = ""
    detail: str = ""
    role: str = "centre"
    via: str = ""  # the lower office that relays this centre's records, by name


@dataclass(frozen=True)
class CorrectionRequest:
    """A correction request: at a centre one received, at an office one sent."""

    id: str
    from_site: str
    to_site: str | None  # the centre, at the office; None at the centre
    table: str
    row_id: str
    message: str
    fields: dict[str, str]  # proposed values (CORRECTION_FIELDS), empty for a free text
    status: str  # open | sent | accepted | rejected
    reason: str  # why it was rejected
    received_at: str
    answered_at: str | None
    answered_by: str


@dataclass(frozen=True)
class Conflict:
    """A row that came with the version of one held but other content: kept for review."""

    id: str
    peer_site: str
    peer_name: str
    table: str
    row_id: str
    version: int
    detected_at: str
    incoming: dict[str, Any]  # the row as the peer sent it
    held: dict[str, Any] | None  # the row as held here
    resolved_at: str | None = None
    resolution: str | None = None  # "held" | "incoming" once reviewed
    resolved_by: str = ""


@dataclass(frozen=True)
class BundleRecord:
    """One line of the bundle log: a bundle written or read here."""

    direction: str  # "export" | "import"
    kind: str
    bundle_id: str
    peer_site: str
    peer_name: str
    seq: int
    file_name: str
    created_at: str
    applied_at: str | None
    status: str
    summary: dict[str, Any] = field(default_factory=dict)


SCHEMA_MAJOR = 1

# Why a bundle is refused (reason_code -> msgid). {name} is the sender's name.
REFUSALS: dict[str, str] = {
    "enrolment": N_(
        "This is an enrolment file, not data: use Enrol (office) or Accept the office's reply "
        "(centre) with it."
    ),
    "unknown-sender": N_(
        "This bundle comes from {name}, which is not enrolled here. Enrol it first; "
        "nothing was imported."
    ),
    "revoked": N_(
        "{name} was revoked here on {when}: its bundles are no longer accepted. "
        "Nothing was imported."
    ),
    "wrong-key": N_(
        "This bundle is signed with another key than the one {name} enrolled with: it may come "
        "from another computer. Nothing was imported; call {name} to check."
    ),
    "bad-signature": N_(
        "The signature of this bundle does not match {name}'s key: it was changed after it "
        "was made. Do not use it; ask {name} to export again."
    ),
    "damaged": N_(
        "This bundle is damaged or incomplete: ask {name} to export again and bring the new file."
    ),
    "not-for-us": N_("This bundle is not addressed to this site; nothing was imported."),
    "recovery-file": N_(
        "This is a recovery file of a centre's records, made by {name}: recover with it "
        "(Sync › Recover records, or 'tthtcd bundle recover'), do not import it. Nothing was "
        "imported."
    ),
    "wrong-role": N_(
        "This kind of bundle is not imported here (an office imports the centres' data, a "
        "centre the office's catalogue and acknowledgements); nothing was imported."
    ),
    "newer-schema": N_(
        "{name} made this bundle with a newer version of the app. Update the app, then "
        "import it again; nothing was imported."
    ),
    "chain": N_(
        "This bundle does not follow the last one imported from {name} (bundle {seq}): two "
        "computers may be working as {name}. Nothing was imported; call {name} to find out "
        "which computer is the right one."
    ),
    "foreign-keys": N_(
        "This bundle refers to records this site does not have (an earlier bundle of {name} "
        "is missing). Import the earlier bundles first; nothing was imported."
    ),
}
NOT_IMPORTED = N_(
    "Not imported: the import was stopped before this file. Import it again to bring it in."
)
ALREADY = N_("This bundle was already imported on {when}; nothing changed.")
STALE = N_(
    "This bundle ({seq}) is older than bundle {last} of {name} imported already: it changes "
    "nothing (newer bundles carry everything it had)."
)
LEDGER_REWRITTEN = N_(
    "{name}'s ledger of fund {fund} does not extend what it reported before: entries were "
    "rewritten or removed after they were reported."
)
ROW_REASONS: dict[str, str] = {
    repo.OLDER: N_("older than what is held"),
    repo.OWN_ROW: N_("a record of this site itself: only this site edits it"),
    repo.NOT_SENDERS: N_("a record the sender does not own"),
    repo.OTHER_OWNER: N_("the id belongs to a record of another site"),
    repo.LEDGER_CHANGED: N_("ledger entries never change once written"),
    repo.CLASH: N_("clashes with a record held (the same number or a missing record)"),
    "conflict": N_(
        "same version as the record held, other content (a restored or copied computer): "
        "kept for review, not applied"
    ),
}


def schema_minor() -> int:
    return len(known_migration_names())


def _today() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SyncService:
    """Enrolment, export and import of bundles for one open database."""

    OVERDUE_DAYS = 45

    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops

    # Keys -------------------------------------------------------------------------------

    def _keys(self) -> SiteKeys:
        """This site's keys with an age identity (added once to an older key file)."""
        try:
            return keystore.ensure_age_identity(self._db.site_id)
        except FileNotFoundError:
            raise UserError(
                N_(
                    "This computer does not have the key file of this site ({path}), so "
                    "bundles cannot be made or read here. Restore the key file from a "
                    "backup of this site."
                ),
                {"path": str(keystore.key_file(self._db.site_id))},
            ) from None
        except keystore.KeyFileError:
            raise UserError(
                N_(
                    "The key file {path} is damaged or belongs to another site; restore it "
                    "from a backup of this site."
                ),
                {"path": str(keystore.key_file(self._db.site_id))},
            ) from None

    def _ensure_local_recipient(self, keys: SiteKeys) -> None:
        facts = repo.get_site(self._db, self._db.site_id)
        if facts is not None and facts.age_recipient != keys.age_recipient:
            with self._ops.op("site.age_recipient") as op:
                repo.set_local_age_recipient(op.tx, keys.age_recipient)

    # This site ----------------------------------------------------------------------

    def site(self) -> SiteInfo:
        """This installation: its id, name, role, fingerprint and upstream office."""
        db = self._db
        me = repo.get_site(db, db.site_id)
        assert me is not None
        upstream = self._upstream()
        return SiteInfo(
            id=me.id,
            name=me.name or self._name(),
            role=me.role,
            fingerprint=signing.phone_fingerprint(me.public_key) if me.public_key else "",
            upstream=upstream.id if upstream else None,
            upstream_name=upstream.name if upstream else "",
        )

    def _upstream(self) -> repo.PeerSite | None:
        found = [p for p in repo.peers(self._db, "upstream") if p.revoked_at is None]
        return found[0] if found else None

    def init_site(self, role: str, name: str) -> SiteInfo:
        """Make this installation a centre or an office named `name`.

        Every database is a centre until it is set up otherwise, so a centre in use needs no
        set-up at all (its name is its centre profile's). `init_site("centre", name)` names
        (or renames) a centre that is not enrolled at an office yet, whatever it holds.
        `init_site("office", name)` only on a database that holds no records of its own
        (people, classes, funds...): an office keeps the records its centres send, not its
        own. UserError otherwise, saying why."""
        db = self._db
        name = " ".join(name.split())
        if role not in ("centre", "office"):
            raise UserError(N_("A site is a centre or an office, not {role}."), {"role": role})
        if not name:
            raise UserError(N_("Give the site a name."))
        me = repo.get_site(db, db.site_id)
        assert me is not None
        upstream = self._upstream()
        downstream = repo.peers(db, "downstream")
        if me.role == "office" and me.name and role == "office":
            raise UserError(
                N_(
                    "This database is already set up as the office {name}; a site is set up "
                    "once. Start a new database for another site."
                ),
                {"name": me.name},
            )
        if role == "centre":
            if me.role == "office" and (me.name or downstream):
                raise UserError(
                    N_(
                        "This database is the office {name}, with the records of its centres: "
                        "it cannot become a centre. Set a centre up in its own database."
                    ),
                    {"name": me.name or self._name()},
                )
            if upstream is not None:
                if name == self._name():
                    return self.site()
                raise UserError(
                    N_(
                        "This centre is enrolled at {office} as {name}, and the office knows "
                        "it by that name: it cannot be renamed here now."
                    ),
                    {"office": upstream.name, "name": self._name()},
                )
        else:
            if upstream is not None:
                raise UserError(
                    N_(
                        "This centre is enrolled at {office}: it cannot become an office. "
                        "Set the office up in a new, empty database."
                    ),
                    {"office": upstream.name},
                )
            own = repo.own_record_counts(db)
            own.pop("centre", None)  # a profile alone is no centre's records
            if own:
                people = own.pop("person", 0)
                classes = own.pop("course", 0)
                funds = own.pop("fund", 0)
                raise UserError(
                    N_(
                        "This database holds a centre's own records ({people} people, "
                        "{classes} classes, {funds} funds and {other} other records), so it "
                        "cannot become an office: an office keeps only the records its "
                        "centres send. Keep this database as the centre (it needs no set-up) "
                        "and set the office up in a new, empty database."
                    ),
                    {
                        "people": format_int(people), "classes": format_int(classes),
                        "funds": format_int(funds), "other": format_int(sum(own.values())),
                    },
                )  # fmt: skip
        keys = self._keys()
        with self._ops.op("site.init") as op:
            repo.set_local_site(op.tx, role, name)
            repo.set_local_age_recipient(op.tx, keys.age_recipient)
        db.site_role = role
        return self.site()

    def _name(self) -> str:
        """This site's name: the one it was set up with, else (a centre) its profile's."""
        facts = repo.local_facts(self._db)
        name = facts["name"] or ""
        if not name and self._db.site_role == "centre":
            name = repo.local_centre_name(self._db)
        return name

    # Enrolment ----------------------------------------------------------------------

    def _public_facts(self, keys: SiteKeys) -> dict[str, Any]:
        db = self._db
        facts = repo.local_facts(db)
        centre = db.conn.execute(
            "SELECT commune_code, commune_name, province_code, province_name FROM centre"
            " WHERE owner_site = ? AND deleted = 0 LIMIT 1",
            (db.site_id,),
        ).fetchone()
        commune_code, commune_name, province_code, province_name = (
            centre
            if centre is not None
            else (
                facts["commune_code"],
                facts["commune_name"],
                facts["province_code"],
                facts["province_name"],
            )
        )
        return {
            "id": db.site_id,
            "name": self._name(),
            "role": facts["role"],
            "signing_public": keys.signing_public,
            "age_recipient": keys.age_recipient,
            "commune_code": commune_code or "",
            "commune_name": commune_name or "",
            "province_code": province_code or "",
            "province_name": province_name or "",
        }

    def _sender(self, keys: SiteKeys) -> dict[str, Any]:
        me = repo.local_facts(self._db)
        return {
            "site": self._db.site_id,
            "name": self._name() or self._db.site_id[:8],
            "role": me["role"],
            "signing_public": keys.signing_public,
            "fingerprint": signing.phone_fingerprint(keys.signing_public),
            "epoch": repo.epoch(self._db),
        }

    def _require_named(self) -> None:
        if self._name():
            return
        if self._db.site_role == "centre":
            raise UserError(
                N_(
                    "This centre has no name yet: fill in the centre's profile (its name and "
                    "commune), or set the site up with a name, then try again."
                )
            )
        raise UserError(N_("Set this site up first (its role and name), then try again."))

    def _require_role(self, role: str) -> None:
        self._require_named()
        if self._db.site_role != role:
            raise UserError(
                N_("Only an office can do this; this site is a centre.")
                if role == "office"
                else N_("Only a centre can do this; this site is an office.")
            )

    def _write(
        self, folder: Path, fields: dict[str, Any], payload: Path | bytes, recipients: list[str],
        keys: SiteKeys,
    ) -> bundles.WrittenBundle:  # fmt: skip
        folder = Path(folder)
        if not folder.is_dir():
            raise UserError(
                N_("{path} is not a folder: choose the folder (the USB stick) to write to."),
                {"path": str(folder)},
            )
        try:
            return bundles.write_bundle(
                folder,
                fields,
                payload,
                recipients=[*recipients, keys.age_recipient],
                signing_private=keys.signing_private,
                unique=True,
            )
        except FileExistsError as exc:
            raise UserError(
                N_("{path} exists already; choose another folder or move that file away."),
                {"path": str(exc)},
            ) from None
        except bundles.BundleError as exc:
            raise UserError(exc.message) from None
        except OSError as exc:
            raise UserError(
                N_("The bundle could not be written to {path} ({reason}). Check the USB stick."),
                {"path": str(folder), "reason": exc.strerror or str(exc)},
            ) from None

    def _fields(
        self, keys: SiteKeys, kind: str, seq: int, prev_hash: str, recipients: list[str],
        **more: Any,
    ) -> dict[str, Any]:  # fmt: skip
        return {
            "schema": {"major": SCHEMA_MAJOR, "minor": schema_minor()},
            "kind": kind,
            "sender": self._sender(keys),
            "seq": seq,
            "prev_hash": prev_hash,
            "recipients": recipients,
            **more,
        }

    def enrol_request(self, out: Path) -> Path:
        """Centre, or an office joining a higher office: write an enrolment request bundle
        (public facts only) into folder `out`."""
        self._require_named()
        keys = self._keys()
        self._ensure_local_recipient(keys)
        fields = self._fields(
            keys,
            "enrolment",
            0,
            "",
            [],
            extra={"step": "request", "site": self._public_facts(keys)},
        )
        written = self._write(Path(out), fields, b"", [], keys)
        self._ops.record_event("sync.enrol_request", "site", self._db.site_id, written.path.name)
        return written.path

    def _read_enrolment(self, path: Path, step: str) -> bundles.OpenedBundle:
        try:
            opened = bundles.read_bundle(Path(path))
        except bundles.BundleError as exc:
            raise UserError(exc.message) from None
        m = opened.manifest
        extra = m.extra
        if m.kind != "enrolment" or extra.get("step") != step:
            raise UserError(
                N_("{path} is not a valid enrolment request.")
                if step == "request"
                else N_("{path} is not a valid enrolment reply."),
                {"path": str(path)},
            )
        if not bundles.signature_valid(opened, m.signing_public):
            raise UserError(bundles.message("bad-signature"))
        return opened

    def enrol(self, request: Path, out: Path) -> Path:
        """Office: accept the request file of a centre (or of a lower office, whose centres'
        records it then relays here); record it as a downstream site and write the signed
        reply bundle into folder `out`. Returns the reply's path."""
        self._require_role("office")
        keys = self._keys()
        self._ensure_local_recipient(keys)
        opened = self._read_enrolment(request, "request")
        m = opened.manifest
        site = m.extra.get("site")
        if (
            not isinstance(site, dict)
            or site.get("id") != m.sender_site
            or site.get("signing_public") != m.signing_public
            or site.get("role") not in ("centre", "office")
            or not str(site.get("age_recipient", "")).startswith("age1")
        ):
            raise UserError(N_("{path} is not a valid enrolment request."), {"path": str(request)})
        if m.sender_site == self._db.site_id:
            raise UserError(N_("A site cannot enrol itself."))
        held = repo.get_site(self._db, m.sender_site)
        if held is not None and held.relation == "upstream":
            raise UserError(
                N_("{name} is the office this office reports to: it cannot also report here."),
                {"name": held.name},
            )
        if held is not None and held.via_site and held.revoked_at is None:
            via = repo.get_site(self._db, held.via_site)
            raise UserError(
                N_(
                    "{name} reports to {office}, which sends its records here. To enrol it "
                    "here directly, {office} revokes it first; then enrol it again."
                ),
                {"name": held.name, "office": via.name if via else held.via_site},
            )
        if (
            held is not None
            and held.revoked_at is None
            and held.public_key not in ("", m.signing_public)
        ):
            raise UserError(
                N_(
                    "{name} is enrolled already with another key. If it moved to a new "
                    "computer, revoke it first, then enrol it again."
                ),
                {"name": held.name},
            )
        peer = repo.PeerSite(
            id=m.sender_site, name=str(site.get("name") or m.sender_name),
            role=str(site["role"]),
            public_key=m.signing_public, age_recipient=str(site["age_recipient"]),
            relation="downstream", enrolled_at=None, revoked_at=None,
            commune_code=str(site.get("commune_code") or "") or None,
            commune_name=str(site.get("commune_name") or ""),
            province_code=str(site.get("province_code") or "") or None,
            province_name=str(site.get("province_name") or ""),
        )  # fmt: skip
        fields = self._fields(
            keys, "enrolment", 0, "", [m.sender_site],
            extra={
                "step": "reply", "office": self._public_facts(keys), "accepted": m.sender_site,
                "centre_fingerprint": signing.phone_fingerprint(m.signing_public),
            },
        )  # fmt: skip
        reply = self._write_reply(Path(out), fields, keys, peer)
        with self._ops.op("sync.enrol") as op:
            repo.put_peer(op.tx, _enrolled(peer, op.tx.now))
        return reply

    def _write_reply(
        self, out: Path, fields: dict[str, Any], keys: SiteKeys, centre: repo.PeerSite
    ) -> Path:
        """The enrolment reply, named after the centre it answers (its request is number
        0, the reply number 1), so the replies of many centres sit side by side on one
        stick. Written in a private folder on the same stick, then moved into `out`."""
        if not out.is_dir():
            raise UserError(
                N_("{path} is not a folder: choose the folder (the USB stick) to write to."),
                {"path": str(out)},
            )
        target = out / bundles.bundle_file_name(centre.name, centre.id, "enrolment", 1)
        if target.exists():
            raise UserError(
                N_("{path} exists already; choose another folder or move that file away."),
                {"path": str(target)},
            )
        try:
            scratch = Path(tempfile.mkdtemp(prefix=".tthtcd-reply-", dir=out))
        except OSError as exc:
            raise UserError(
                N_("The bundle could not be written to {path} ({reason}). Check the USB stick."),
                {"path": str(out), "reason": exc.strerror or str(exc)},
            ) from None
        try:
            written = self._write(scratch, fields, b"", [], keys)
            if target.exists():
                raise UserError(
                    N_("{path} exists already; choose another folder or move that file away."),
                    {"path": str(target)},
                )
            try:
                os.rename(written.path, target)
                _fsync_folder(out)
            except OSError as exc:
                raise UserError(
                    N_(
                        "The bundle could not be written to {path} ({reason}). Check the USB stick."
                    ),
                    {"path": str(out), "reason": exc.strerror or str(exc)},
                ) from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return target

    def enrol_accept(self, reply: Path) -> SiteInfo:
        """Centre (or lower office): take the office's reply; that office becomes this
        site's upstream."""
        self._require_named()
        keys = self._keys()
        opened = self._read_enrolment(reply, "reply")
        m = opened.manifest
        office = m.extra.get("office")
        if (
            not isinstance(office, dict)
            or office.get("id") != m.sender_site
            or office.get("signing_public") != m.signing_public
            or office.get("role") != "office"
            or not str(office.get("age_recipient", "")).startswith("age1")
        ):
            raise UserError(N_("{path} is not a valid enrolment reply."), {"path": str(reply)})
        if m.extra.get("accepted") != self._db.site_id or m.extra.get(
            "centre_fingerprint"
        ) != signing.phone_fingerprint(keys.signing_public):
            raise UserError(N_("This reply accepts another centre (or another key), not this one."))
        below = repo.get_site(self._db, m.sender_site)
        if below is not None and (below.relation == "downstream" or below.via_site):
            raise UserError(
                N_("{name} reports to this office: this office cannot report to it in turn."),
                {"name": below.name},
            )
        current = self._upstream()
        if current is not None and current.id != m.sender_site:
            raise UserError(
                N_(
                    "This centre reports to {name} already. Revoke that office first to "
                    "report to another."
                ),
                {"name": current.name},
            )
        peer = repo.PeerSite(
            id=m.sender_site, name=str(office.get("name") or m.sender_name), role="office",
            public_key=m.signing_public, age_recipient=str(office["age_recipient"]),
            relation="upstream", enrolled_at=None, revoked_at=None,
            commune_code=str(office.get("commune_code") or "") or None,
            commune_name=str(office.get("commune_name") or ""),
            province_code=str(office.get("province_code") or "") or None,
            province_name=str(office.get("province_name") or ""),
        )  # fmt: skip
        with self._ops.op("sync.enrol_accept") as op:
            repo.put_peer(op.tx, _enrolled(peer, op.tx.now))
        return SiteInfo(
            peer.id, peer.name, "office", signing.phone_fingerprint(peer.public_key), None
        )

    def revoke(self, site_id: str) -> None:
        """Stop trusting a peer: its bundles are refused from now on."""
        peer = repo.get_site(self._db, site_id)
        if peer is None or site_id == self._db.site_id or not peer.relation:
            raise UserError(N_("No enrolled site has the id {id}."), {"id": site_id})
        if peer.revoked_at is not None:
            return
        with self._ops.op("sync.revoke") as op:
            repo.set_revoked(op.tx, site_id)

    def export_age_identity(self, out: Path) -> Path:
        """Write this site's age identity (the standard `age -d -i` form) to file `out`."""
        keys = self._keys()
        out = Path(out)
        if out.exists():
            raise UserError(
                N_("{path} exists already; choose another file name."), {"path": str(out)}
            )
        data = keystore.age_identity_text(keys).encode("ascii")
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self._ops.record_event("sync.export_age_identity", "site", self._db.site_id, out.name)
        return out

    # Export -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _scratch(self) -> Iterator[Path]:
        """A private folder (0700) for plaintext payloads, beside the database when it can
        be, removed afterwards with everything in it."""
        try:
            folder = Path(tempfile.mkdtemp(prefix=".tthtcd-sync-", dir=self._db.path.parent))
        except OSError:
            folder = Path(tempfile.mkdtemp(prefix="tthtcd-sync-"))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _signed_heads(self, keys: SiteKeys) -> list[repo.LedgerHead]:
        out = []
        for head in repo.own_ledger_heads(self._db):
            message = bundles.canonical_json(head.facts(self._db.site_id))
            out.append(
                repo.LedgerHead(
                    head.fund_id, head.seq, head.hash, head.balance,
                    signing.sign(keys.signing_private, message),
                )
            )  # fmt: skip
        return out

    def export(
        self, to_dir: Path, progress: Progress = no_progress, *, up: bool = False
    ) -> ExportResult:
        """Centre: every own row the office has not acknowledged, as a data bundle.
        Office: its own catalogue rows (class types ...) as a catalogue bundle to every
        enrolled centre; with `up`, to the higher office it reports to, a data bundle of
        every row of its centres (and its own) that office has not acknowledged. Written
        into folder `to_dir`."""
        db = self._db
        self._require_named()
        keys = self._keys()
        self._ensure_local_recipient(keys)
        relay: dict[str, int] | None = None
        relay_sites: list[repo.PeerSite] = []
        if db.site_role == "centre" or up:
            office = self._upstream()
            if office is None:
                raise UserError(
                    N_(
                        "This centre is not enrolled at an office yet: send an enrolment "
                        "request and accept the office's reply first."
                    )
                    if db.site_role == "centre"
                    else N_(
                        "This office does not report to a higher office yet: send an "
                        "enrolment request and accept the higher office's reply first."
                    )
                )
            peers_to = [office]
            kind = "data"
            if db.site_role == "office":
                marks = repo.relay_marks(db, office.id)
                relay_sites = [s for s in repo.relayed_sites(db) if s.id != office.id]
                relay = {s.id: marks.get(s.id, 0) for s in relay_sites}
        else:
            peers_to = [p for p in repo.peers(db, "downstream") if p.revoked_at is None]
            if not peers_to:
                raise UserError(N_("No centre is enrolled at this office yet."))
            kind = "catalogue"
        if not Path(to_dir).is_dir():
            raise UserError(
                N_("{path} is not a folder: choose the folder (the USB stick) to write to."),
                {"path": str(to_dir)},
            )
        above = min(repo.peer_state(db, p.id).acked_version for p in peers_to)
        check(progress, 0, 4)
        with self._ops.op("sync.export.seq") as op:
            epoch, seq, prev_hash = repo.reserve_seq(op.tx)
        bundle_id = new_id()
        with self._scratch() as folder:
            check(progress, 0, 4)
            heads = self._signed_heads(keys) if kind == "data" else []
            built = repo.build_payload(
                db.path, folder / "payload.sqlite3", owner_site=db.site_id, above_version=above,
                meta={
                    "kind": kind, "bundle_id": bundle_id, "sender": db.site_id,
                    "seq": str(seq), "epoch": str(epoch),
                },
                heads=heads, relay=relay, relay_sites=relay_sites,
                relay_heads={
                    s.id: list(repo.reported_heads(db, s.id).values()) for s in relay_sites
                },
            )  # fmt: skip
            answers = (
                repo.answers_between(db, peers_to[0].id, above, built.version_to)
                if kind == "data" and db.site_role == "centre" else []
            )  # fmt: skip
            if answers:
                repo.add_answer_rows(built.path, answers)
            check(progress, 1, 4)
            rows = {t: n for t, n in built.rows.items() if n}
            fields = self._fields(
                keys, kind, seq, prev_hash, [p.id for p in peers_to], rows=rows,
                versions={"from": built.version_from, "to": built.version_to},
                extra={"ledger_heads": len(heads), "answers": len(answers)},
            )  # fmt: skip
            # The payload names the bundle too: it cannot be re-wrapped in another manifest.
            fields["bundle_id"] = bundle_id
            check(progress, 2, 4)  # the last moment Cancel leaves nothing on the stick
            written = self._write(
                Path(to_dir), fields, built.path, [p.age_recipient for p in peers_to], keys
            )
        # The file is on the stick, complete and checked: from here on Cancel is too late,
        # the export finishes (recording it) and reports success.
        progress(3, 4)
        m = written.manifest
        with self._ops.op("sync.export") as op:
            repo.written(op.tx, written.file_hash)
            for peer in peers_to:
                repo.log_bundle(
                    op.tx, direction="export", kind=kind, bundle_id=m.bundle_id,
                    peer_site=peer.id, seq=seq, payload_hash=m.payload_hash,
                    file_name=written.path.name,
                    summary={
                        "rows": rows, "versions_to": built.version_to,
                        **({"owners_to": built.owners_to} if built.owners_to else {}),
                    },
                    status="written", file_hash=written.file_hash, epoch_=epoch,
                )  # fmt: skip
        progress(4, 4)
        return ExportResult(written.path, seq, rows)

    # Import -------------------------------------------------------------------------

    def import_files(
        self,
        files: list[Path],
        *,
        dry_run: bool = False,
        ack_to: Path | None = None,
        progress: Progress = no_progress,
    ) -> list[ImportOutcome]:
        """Verify, check and (unless `dry_run`) apply each bundle, in seq order per sender;
        with `ack_to`, write an acknowledgement bundle there for each data or catalogue
        bundle applied (or found already imported)."""
        self._require_named()
        keys = self._keys()
        opened: list[tuple[Path, bundles.OpenedBundle | None, str]] = []
        for path in files:
            try:
                opened.append((Path(path), bundles.read_bundle(Path(path)), ""))
            except bundles.BundleError as exc:
                opened.append((Path(path), None, tr(exc.message)))

        def order(item: tuple[Path, bundles.OpenedBundle | None, str]) -> tuple[Any, ...]:
            b = item[1]
            if b is None:
                return (0, "", 0, 0, str(item[0]))
            m = b.manifest
            return (1, m.sender_site, m.epoch, m.seq, str(item[0]))

        outcomes: list[ImportOutcome] = []
        ordered = sorted(opened, key=order)
        total = len(ordered)
        for i, (path, bundle, error) in enumerate(ordered):
            wrote = any(o.status == "applied" or o.ack_file is not None for o in outcomes)
            if not progress(i, total):
                if dry_run or not wrote:
                    raise Cancelled()
                # Files imported already stay imported (each is one transaction): the
                # import stops here and says so for the files it did not touch.
                outcomes.extend(_not_imported(p, b) for p, b, _e in ordered[i:])
                return outcomes
            if bundle is None:
                outcomes.append(
                    ImportOutcome(path, "", "", "", "", "refused", error, {}, None, "unreadable")
                )
                continue

            def before_commit(done: int = i, wrote: bool = wrote) -> None:
                # The last moment Cancel stops this file: it is applied whole or not at all.
                if not progress(done, total) and (dry_run or not wrote):
                    raise Cancelled()

            outcomes.append(self._import_one(path, bundle, keys, dry_run, ack_to, before_commit))
        progress(total, total)  # everything is done: Cancel comes too late to stop anything
        return outcomes

    def _import_one(
        self, path: Path, opened: bundles.OpenedBundle, keys: SiteKeys, dry_run: bool,
        ack_to: Path | None, before_commit: Callable[[], None] = lambda: None,
    ) -> ImportOutcome:  # fmt: skip
        db = self._db
        m = opened.manifest
        name = m.sender_name

        def outcome(
            status: str, code: str = "", reason: str = "", tables: dict[str, TableCounts] | None
            = None, ack: Path | None = None, rejections: tuple[tuple[str, str, str], ...] = (),
            changes: OpChanges | None = None,
        ) -> ImportOutcome:  # fmt: skip
            return ImportOutcome(
                path, m.bundle_id, m.sender_site, name, m.kind, status, reason, tables or {},
                ack, code, m.seq, rejections, changes,
            )  # fmt: skip

        def refuse(code: str, **params: object) -> ImportOutcome:
            return outcome("refused", code, tr(REFUSALS[code], name=name, **params))

        if m.kind == "enrolment":
            return refuse("enrolment")
        if m.kind == "catalogue" and m.extra.get("recovery") is True:
            return refuse("recovery-file")
        peer = repo.get_site(db, m.sender_site)
        # What each kind of peer sends: a centre gets its office's catalogue, corrections
        # and acknowledgements; an office its centres' data (a lower office's relaying its
        # centres' too) and, when it reports to a higher office, that office's catalogue.
        allowed_kinds = {
            ("office", "downstream"): ("data", "ack"),
            ("office", "upstream"): ("catalogue", "ack"),
            ("centre", "upstream"): ("catalogue", "ack", "correction"),
        }
        if (
            peer is None
            or (db.site_role, peer.relation) not in allowed_kinds
            or m.sender_site == db.site_id
        ):
            return refuse("unknown-sender")
        name = peer.name or name
        if peer.revoked_at is not None:
            return refuse("revoked", when=_day(peer.revoked_at))
        if peer.public_key != m.signing_public:
            return refuse("wrong-key")
        if not bundles.signature_valid(opened, peer.public_key):
            return refuse("bad-signature")
        if not opened.payload_hash_ok:
            return refuse("damaged")
        if db.site_id not in m.recipients:
            return refuse("not-for-us")
        if m.kind not in allowed_kinds[(db.site_role, peer.relation)]:
            return refuse("wrong-role")
        if m.schema_major > SCHEMA_MAJOR:
            return refuse("newer-schema")
        done = repo.applied_bundle(db, m.bundle_id)
        if done is not None:
            ack = None
            if ack_to is not None and not dry_run and m.kind in ("data", "catalogue"):
                ack = self._write_ack(ack_to, keys, peer, opened, json.loads(done.summary))
            return outcome(
                "already-imported", "already",
                tr(ALREADY, when=_day(done.applied_at or done.created_at)), ack=ack,
            )  # fmt: skip
        state = repo.peer_state(db, peer.id)
        if m.epoch < state.last_epoch or (
            m.epoch == state.last_epoch and state.last_seq and m.seq <= state.last_seq
        ):
            return outcome("stale", "stale", tr(STALE, seq=m.seq, last=state.last_seq, name=name))
        if (
            m.epoch == state.last_epoch
            and state.last_seq
            and m.seq == state.last_seq + 1
            and m.prev_hash != state.last_file_hash
        ):
            return refuse("chain", seq=state.last_seq)
        with self._scratch() as folder:
            plain = folder / "payload.sqlite3"
            try:
                bundles.decrypt_payload(path, opened, keys.age_identity, plain)
                facts = repo.read_payload(plain)
            except (bundles.BundleError, ValueError):
                return refuse("damaged")
            if (
                facts.meta.get("bundle_id") != m.bundle_id
                or facts.meta.get("owner_site", m.sender_site) != m.sender_site
            ):
                return refuse("damaged")
            if m.kind == "ack":
                return self._import_ack(path, opened, peer, dry_run, outcome)
            if m.kind == "correction":
                return self._import_correction(plain, opened, peer, dry_run, outcome)
            return self._import_rows(
                plain, facts, opened, peer, keys, dry_run, ack_to, outcome, before_commit
            )

    def _import_rows(
        self, plain: Path, facts: repo.PayloadFacts, opened: bundles.OpenedBundle,
        peer: repo.PeerSite, keys: SiteKeys, dry_run: bool, ack_to: Path | None,
        outcome: Any, before_commit: Callable[[], None] = lambda: None,
    ) -> ImportOutcome:  # fmt: skip
        db = self._db
        m = opened.manifest
        relayed = self._relayable(peer, facts) if peer.role == "office" else []
        relayed_ids = [s.id for s in relayed]
        signed = [(peer, facts.heads)] + [(s, facts.relayed_heads.get(s.id, [])) for s in relayed]
        for site, heads in signed:
            for head in heads:
                message = bundles.canonical_json(head.facts(site.id))
                if not signing.verify(site.public_key, message, head.signature):
                    return outcome(  # type: ignore[no-any-return]
                        "refused", "damaged", tr(REFUSALS["damaged"], name=peer.name)
                    )
        with repo.attached(db, plain) as alias:
            try:
                if dry_run:
                    diff, _common = repo.diff_payload(
                        db, alias, facts.tables, sender=peer.id, relayed=relayed_ids
                    )
                    return outcome(  # type: ignore[no-any-return]
                        "dry-run", "", "", table_counts(diff), None, named_rows(diff)
                    )
                try:
                    # The diff is made again inside the write: what is applied is what the
                    # database held at that moment.
                    with self._ops.op(f"sync.import.{m.kind}") as op:
                        diff, common = repo.diff_payload(
                            db, alias, facts.tables, sender=peer.id, relayed=relayed_ids
                        )
                        for site in relayed:
                            repo.put_relayed_site(op.tx, site, peer.id)
                        repo.apply_payload(
                            op.tx, alias, facts.tables, diff, common, bundle_id=m.bundle_id,
                            sender=peer.id, relayed=relayed_ids,
                        )  # fmt: skip
                        alerted: list[tuple[repo.PeerSite, dict[str, dict[str, object]]]] = []
                        for site, heads in signed:
                            site_alerts = self._ledger_alerts(alias, site, heads)
                            if site_alerts:
                                alerted.append((site, site_alerts))
                                repo.set_ledger_alert(op.tx, site.id, site_alerts)
                                for fund_id in site_alerts:
                                    op.tx.note("fund", fund_id, "ledger rewritten at its owner")
                            else:
                                repo.put_reported_heads(op.tx, site.id, heads)
                        repo.apply_answers(op.tx, alias, peer.id)
                        self._received(op.tx, opened, peer, diff)
                        before_commit()
                except Exception as exc:
                    if _foreign_key_failure(exc):
                        return outcome(  # type: ignore[no-any-return]
                            "refused", "foreign-keys",
                            tr(REFUSALS["foreign-keys"], name=peer.name),
                        )  # fmt: skip
                    raise
            finally:
                repo.drop_diff(db, facts.tables)
        reason = ""
        if alerted:
            site, alerts = alerted[0]
            fund = next(iter(alerts))
            reason = tr(LEDGER_REWRITTEN, name=site.name, fund=str(alerts[fund].get("name", fund)))
        ack = None
        if ack_to is not None:
            ack = self._write_ack(ack_to, keys, peer, opened, _summary(diff, m))
        return outcome(  # type: ignore[no-any-return]
            "applied", "ledger-rewritten" if alerted else "", reason, table_counts(diff), ack,
            named_rows(diff), op.result(None).changes,
        )  # fmt: skip

    def _relayable(self, office: repo.PeerSite, facts: repo.PayloadFacts) -> list[repo.PeerSite]:
        """The sites a lower office relays whose rows are taken from it: each is unknown
        here or known as relayed by that same office. Rows of any other site (this one, a
        centre enrolled here, one another office relays) are rejected as not the sender's."""
        db = self._db
        out = []
        for site in facts.relayed_sites:
            if site.id in (db.site_id, office.id) or not site.public_key:
                continue
            held = repo.get_site(db, site.id)
            if held is None or (held.is_relayed_by(office.id)):
                out.append(site)
        return out

    def _received(
        self, tx: Any, opened: bundles.OpenedBundle, peer: repo.PeerSite,
        diff: repo.PayloadDiff | None,
    ) -> None:  # fmt: skip
        m = opened.manifest
        repo.record_received(
            tx, peer.id, epoch_=m.epoch, seq=m.seq, file_hash=opened.file_hash,
            bundle_id=m.bundle_id,
        )  # fmt: skip
        summary = _summary(diff, m) if diff is not None else {}
        repo.log_bundle(
            tx, direction="import", kind=m.kind, bundle_id=m.bundle_id, peer_site=peer.id,
            seq=m.seq, payload_hash=m.payload_hash, file_name=opened_name(opened, m),
            summary=summary, status="applied", file_hash=opened.file_hash, epoch_=m.epoch,
            applied=True,
        )  # fmt: skip

    def _ledger_alerts(
        self, alias: str, peer: repo.PeerSite, heads: list[repo.LedgerHead]
    ) -> dict[str, dict[str, object]]:
        """Funds whose reported head does not extend the one reported before."""
        db = self._db
        before = repo.reported_heads(db, peer.id)
        alerts: dict[str, dict[str, object]] = {}
        for head in heads:
            old = before.get(head.fund_id)
            fund = (
                db.conn.execute(
                    f"SELECT name FROM {alias}.fund WHERE id = ?", (head.fund_id,)
                ).fetchone()
                if repo.table_exists(db, alias, "fund")
                else None
            )
            if fund is None:
                fund = db.conn.execute(
                    "SELECT name FROM main.fund WHERE id = ?", (head.fund_id,)
                ).fetchone()
            name = str(fund[0]) if fund else head.fund_id
            if old is not None:
                if head.seq < old.seq:
                    alerts[head.fund_id] = {
                        "name": name,
                        "what": "went back",
                        "was": old.seq,
                        "now": head.seq,
                    }
                    continue
                at_old = repo.entry_hash_at(db, alias, head.fund_id, old.seq)
                if old.seq > 0 and at_old != old.hash:
                    alerts[head.fund_id] = {"name": name, "what": "entry changed", "seq": old.seq}
                    continue
            if head.seq > 0:
                here = repo.entry_hash_at(db, alias, head.fund_id, head.seq)
                if here is not None and here != head.hash:
                    alerts[head.fund_id] = {"name": name, "what": "head differs", "seq": head.seq}
        return alerts

    def _import_ack(
        self, path: Path, opened: bundles.OpenedBundle, peer: repo.PeerSite, dry_run: bool,
        outcome: Any,
    ) -> ImportOutcome:  # fmt: skip
        db = self._db
        acks = opened.manifest.extra.get("acks", [])
        if not isinstance(acks, list):
            acks = []
        version = 0
        owners: dict[str, int] = {}  # relayed sites: what the higher office now holds
        for ack in acks:
            if not isinstance(ack, dict):
                continue
            mine = db.conn.execute(
                "SELECT summary FROM bundle_log WHERE direction = 'export' AND bundle_id = ?"
                " AND peer_site = ? AND file_hash = ? LIMIT 1",
                (str(ack.get("bundle_id", "")), peer.id, str(ack.get("file_hash", ""))),
            ).fetchone()
            if mine is None:
                continue
            summary = json.loads(mine[0])
            version = max(version, int(summary.get("versions_to", 0)))
            for site, top in dict(summary.get("owners_to") or {}).items():
                owners[str(site)] = max(owners.get(str(site), 0), int(top))
        if dry_run:
            return outcome("dry-run")  # type: ignore[no-any-return]
        with self._ops.op("sync.import.ack") as op:
            if version:
                repo.record_acked(op.tx, peer.id, version)
            if owners:
                repo.record_relay_acked(op.tx, peer.id, owners)
            self._received(op.tx, opened, peer, None)
        return outcome("applied", changes=op.result(None).changes)  # type: ignore[no-any-return]

    def _import_correction(
        self, plain: Path, opened: bundles.OpenedBundle, peer: repo.PeerSite, dry_run: bool,
        outcome: Any,
    ) -> ImportOutcome:  # fmt: skip
        requests = repo.payload_rows(plain, CORRECTION_TABLE) if _has_table(plain) else []
        if dry_run:
            return outcome(  # type: ignore[no-any-return]
                "dry-run", tables={CORRECTION_TABLE: TableCounts(new=len(requests))}
            )
        with self._ops.op("sync.import.correction") as op:
            for r in requests:
                request = str(r.get("request", "{}"))
                try:
                    given = json.loads(request).get("id")
                except (ValueError, AttributeError):
                    given = None
                repo.put_correction(
                    op.tx, bundle_id=opened.manifest.bundle_id, from_site=peer.id,
                    table=str(r.get("table_name", "")), row_id=str(r.get("row_id", "")),
                    request=request, correction_id=str(given) if given else None,
                )  # fmt: skip
            self._received(op.tx, opened, peer, None)
        return outcome(  # type: ignore[no-any-return]
            "applied", tables={CORRECTION_TABLE: TableCounts(new=len(requests))},
            changes=op.result(None).changes,
        )  # fmt: skip

    def _write_ack(
        self, folder: Path, keys: SiteKeys, peer: repo.PeerSite, opened: bundles.OpenedBundle,
        summary: dict[str, Any],
    ) -> Path:  # fmt: skip
        m = opened.manifest
        with self._ops.op("sync.ack.seq") as op:
            epoch, seq, prev_hash = repo.reserve_seq(op.tx)
        bundle_id = new_id()
        ack = {
            "bundle_id": m.bundle_id, "file_hash": opened.file_hash, "seq": m.seq,
            "versions_to": int(m.versions.get("to", 0)), "summary": summary.get("tables", {}),
        }  # fmt: skip
        with self._scratch() as folder_tmp:
            payload = repo.write_empty_payload(
                folder_tmp / "payload.sqlite3",
                {"kind": "ack", "bundle_id": bundle_id, "owner_site": self._db.site_id},
            )
            fields = self._fields(
                keys, "ack", seq, prev_hash, [peer.id], extra={"acks": [ack]},
                versions={"from": 0, "to": 0},
            )  # fmt: skip
            fields["bundle_id"] = bundle_id
            written = self._write(Path(folder), fields, payload, [peer.age_recipient], keys)
        with self._ops.op("sync.ack") as op:
            repo.written(op.tx, written.file_hash)
            repo.log_bundle(
                op.tx, direction="export", kind="ack", bundle_id=bundle_id, peer_site=peer.id,
                seq=seq, payload_hash=written.manifest.payload_hash,
                file_name=written.path.name, summary={"acks": m.bundle_id}, status="written",
                file_hash=written.file_hash, epoch_=epoch,
            )  # fmt: skip
        return written.path

    def request_correction(
        self, centre_id: str, table: str, row_id: str, message: str, out: Path,
        fields: dict[str, str] | None = None,
    ) -> Path:  # fmt: skip
        """Office: ask a centre to correct one of its records (the office never edits a
        centre's record). `fields` may propose new values for a person (keys of
        CORRECTION_FIELDS: full_name, birth, sex, phone, hamlet_id, cccd, as typed in the
        person form); the centre accepts (its app makes the edit) or rejects them. Writes a
        correction bundle into folder `out`; the request is kept here with status "sent"
        until the centre's answer comes up in its next data bundle."""
        self._require_role("office")
        keys = self._keys()
        peer = repo.get_site(self._db, centre_id)
        if peer is None or peer.relation != "downstream" or peer.revoked_at is not None:
            raise UserError(N_("No enrolled site has the id {id}."), {"id": centre_id})
        proposed = {str(k): str(v) for k, v in (fields or {}).items()}
        unknown = sorted(set(proposed) - set(CORRECTION_FIELDS))
        if unknown or (proposed and table != "person"):
            raise UserError(
                N_(
                    "A correction can propose new values only for a person's full name, "
                    "birth, sex, phone, hamlet and CCCD, not {fields}."
                ),
                {"fields": ", ".join(unknown) or table},
            )
        message = message.strip()
        if not message and not proposed:
            raise UserError(N_("Say what should be corrected."))
        correction_id = new_id()
        request = json.dumps(
            {"id": correction_id, "message": message, "fields": proposed}, ensure_ascii=False,
            sort_keys=True,
        )  # fmt: skip
        with self._ops.op("sync.correction.seq") as op:
            _epoch, seq, prev_hash = repo.reserve_seq(op.tx)
        bundle_id = new_id()
        with self._scratch() as tmp:
            payload = repo.write_empty_payload(
                tmp / "payload.sqlite3",
                {"kind": "correction", "bundle_id": bundle_id, "owner_site": self._db.site_id},
            )
            repo.add_correction_rows(payload, CORRECTION_TABLE, [(table, row_id, request)])
            fields_ = self._fields(keys, "correction", seq, prev_hash, [peer.id])
            fields_["bundle_id"] = bundle_id
            written = self._write(Path(out), fields_, payload, [peer.age_recipient], keys)
        with self._ops.op("sync.correction") as op:
            repo.written(op.tx, written.file_hash)
            repo.log_bundle(
                op.tx, direction="export", kind="correction", bundle_id=bundle_id,
                peer_site=peer.id, seq=seq, payload_hash=written.manifest.payload_hash,
                file_name=written.path.name, summary={}, status="written",
                file_hash=written.file_hash, epoch_=repo.epoch(self._db),
            )  # fmt: skip
            repo.put_correction(
                op.tx, bundle_id=bundle_id, from_site=self._db.site_id, table=table,
                row_id=row_id, request=request, correction_id=correction_id, to_site=peer.id,
                status="sent",
            )  # fmt: skip
        return written.path

    def corrections(self) -> list[tuple[str, str, str, str, str, str]]:
        """Correction requests: at a centre those received, at an office those sent: (id,
        from site, table, row id, request JSON, status). A centre's status is "open",
        "accepted" or "rejected"; an office's "sent" until the centre's answer arrives."""
        return repo.corrections(self._db)

    def correction_requests(self) -> list[CorrectionRequest]:
        """`corrections()` with everything known of each: the proposed values, the answer,
        its reason, when and by whom."""
        return [_request(r) for r in repo.correction_rows(self._db)]

    def _open_correction(self, correction_id: str) -> repo.CorrectionRow:
        self._require_role("centre")
        row = repo.correction(self._db, correction_id)
        if row is None or row.to_site is not None:
            raise UserError(N_("There is no correction request {id}."), {"id": correction_id})
        if row.status != "open":
            raise UserError(
                N_("This correction request was accepted already.")
                if row.status == "accepted"
                else N_("This correction request was rejected already.")
            )
        return row

    def accept_correction(self, correction_id: str) -> OpResult[str]:
        """Centre: accept a correction request. Its proposed values (if any) are applied
        with the usual edit of the person (checks, derived columns, audit); the edit and the
        answer go up in the next data bundle. UserError when the values do not pass the
        checks (nothing changes; reject the request or correct the person by hand)."""
        with self._ops.op("sync.correction.accept") as op:
            row = self._open_correction(correction_id)
            proposed = _proposed(row)
            if proposed:
                self._apply_person_correction(row, proposed)
            repo.answer_correction(op.tx, row.id, "accepted", "")
        return op.result(row.id)

    def reject_correction(self, correction_id: str, reason: str) -> OpResult[str]:
        """Centre: reject a correction request, saying why; the answer goes up in the next
        data bundle."""
        reason = " ".join(reason.split())
        if not reason:
            raise UserError(N_("Say why the correction is rejected: the office reads it."))
        with self._ops.op("sync.correction.reject") as op:
            row = self._open_correction(correction_id)
            repo.answer_correction(op.tx, row.id, "rejected", reason)
        return op.result(row.id)

    def _apply_person_correction(self, row: repo.CorrectionRow, proposed: dict[str, str]) -> None:
        from desktop_app.core.people import Sex
        from desktop_app.services.people import PeopleService

        if row.table != "person":
            raise UserError(
                N_("This correction request proposes values for a record that is not a person.")
            )
        people = PeopleService(self._db, self._ops)
        person = people.get_live(row.row_id)
        owner = self._db.conn.execute(
            "SELECT owner_site FROM person WHERE id = ?", (row.row_id,)
        ).fetchone()
        if owner is None or str(owner[0]) != self._db.site_id:
            raise UserError(N_("This person is not one of this centre's records."))
        data = person.to_input()
        changes: dict[str, Any] = {}
        for key, value in proposed.items():
            if key == "sex":
                try:
                    changes["sex"] = Sex(value) if value else None
                except ValueError:
                    raise UserError(
                        N_("The proposed sex {value} is not one the app knows."),
                        {"value": value},
                    ) from None
            elif key == "hamlet_id":
                changes["hamlet_id"] = value or None
            else:
                changes[key] = value
        people.update(row.row_id, dataclasses.replace(data, **changes), confirmed_different=True)

    def conflicts(self) -> list[tuple[str, str, str, int]]:
        """Rows kept for review: (peer site, table, row id, version)."""
        return repo.conflicts(self._db)

    def conflict_list(self, *, resolved: bool = False) -> list[Conflict]:
        """Rows kept for review (with `resolved`, those reviewed too), with their id for
        `resolve_conflict`, the row as held and as it came."""
        names = {p.id: p.name for p in repo.peers(self._db, "downstream")}
        names.update({p.id: p.name for p in repo.peers(self._db, "upstream")})
        known = set(repo.travelling_tables_of(self._db.conn))
        out = []
        for r in repo.conflict_rows(self._db, resolved=resolved):
            out.append(
                Conflict(
                    r.id, r.peer_site, names.get(r.peer_site, ""), r.table, r.row_id,
                    r.version, r.detected_at, json.loads(r.incoming),
                    repo.held_row(self._db, r.table, r.row_id) if r.table in known else None,
                    r.resolved_at, r.resolution, r.resolved_by,
                )
            )  # fmt: skip
        return out

    def resolve_conflict(self, conflict_id: str, keep: str) -> OpResult[str]:
        """Review a conflict: keep the row held ("held") or replace it with the row as the
        peer sent it ("incoming"). Either way the conflict is marked reviewed, with who and
        when, in the audit."""
        if keep not in ("held", "incoming"):
            raise UserError(
                N_("A conflict is resolved by keeping the held or the incoming record.")
            )
        db = self._db
        with self._ops.op("sync.conflict.resolve") as op:
            found = repo.conflict(db, conflict_id)
            if found is None:
                raise UserError(N_("There is no conflict {id}."), {"id": conflict_id})
            if found.resolved_at is not None:
                raise UserError(
                    N_("This conflict was reviewed already, on {when}."),
                    {"when": _day(found.resolved_at)},
                )
            if keep == "incoming":
                self._take_incoming(op.tx, found)
            repo.resolve_conflict(op.tx, found.id, keep)
        return op.result(found.id)

    def _take_incoming(self, tx: Any, found: repo.ConflictRow) -> None:
        db = self._db
        if found.table == "ledger_entry":
            raise UserError(
                N_(
                    "A fund entry never changes once written: keep the held one, and ask the "
                    "centre to record a correcting entry."
                )
            )
        if found.table not in repo.travelling_tables_of(db.conn):
            raise UserError(N_("This kind of record is not known to this version of the app."))
        incoming = json.loads(found.incoming)
        held = repo.held_row(db, found.table, found.row_id)
        if (
            str(incoming.get("owner_site")) != found.peer_site
            or (held is not None and held.get("owner_site") != found.peer_site)
            or found.peer_site == db.site_id
        ):
            raise UserError(
                N_("This record is not the sending centre's own: only its owner edits it.")
            )
        cols = [c for c in repo.columns_of(db.conn, "main", found.table) if c in incoming]
        tx.conn.execute("PRAGMA defer_foreign_keys = ON")
        tx.put_foreign(found.table, cols, [tuple(incoming[c] for c in cols)])

    # Status -------------------------------------------------------------------------

    def centres(self) -> list[CentreStatus]:
        """Office: the centres enrolled here and how current they are."""
        db = self._db
        out = []
        now = _today()
        for peer in repo.peers(db, "downstream"):
            state = repo.peer_state(db, peer.id)
            last = repo.last_import_of(db, peer.id)
            when = (last.applied_at or last.created_at) if last else None
            detail = ""
            if peer.revoked_at is not None:
                status = "revoked"
            elif state.ledger_alert:
                status = "ledger-rewritten"
                detail = state.ledger_alert
            elif when is None:
                status = "never"
            elif now - _parse(when) > dt.timedelta(days=self.OVERDUE_DAYS):
                status = "overdue"
            else:
                status = "ok"
            out.append(
                CentreStatus(
                    peer.id, peer.name, state.last_seq, when, status,
                    signing.phone_fingerprint(peer.public_key) if peer.public_key else "",
                    detail, peer.role,
                )
            )  # fmt: skip
            if peer.role == "office":
                out.extend(self._relayed_status(peer, when))
        return out

    def _relayed_status(self, office: repo.PeerSite, when: str | None) -> list[CentreStatus]:
        """The sites a lower office relays here (and those its own lower offices relay)."""
        out = []
        for site in repo.relayed_via(self._db, office.id):
            state = repo.peer_state(self._db, site.id)
            out.append(
                CentreStatus(
                    site.id, site.name, 0, when,
                    "ledger-rewritten" if state.ledger_alert else "relayed",
                    signing.phone_fingerprint(site.public_key) if site.public_key else "",
                    state.ledger_alert, site.role, office.name,
                )
            )  # fmt: skip
            if site.role == "office":
                out.extend(self._relayed_status(site, when))
        return out

    def history(self) -> list[BundleRecord]:
        """Every bundle written or read here, newest first."""
        db = self._db
        names = {
            str(r[0]): str(r[1]) for r in db.conn.execute("SELECT id, name FROM site").fetchall()
        }
        return [
            BundleRecord(
                r.direction, r.kind, r.bundle_id, r.peer_site, names.get(r.peer_site, ""),
                r.sender_seq, r.file_name, r.created_at, r.applied_at, r.status,
                json.loads(r.summary or "{}"),
            )
            for r in repo.bundle_log(db)
        ]  # fmt: skip

    @staticmethod
    def inspect(file: Path) -> dict[str, Any]:
        """The manifest of a bundle file, plus "signature": "valid" | "invalid" (checked with
        the key the manifest names; whether it is trusted is decided at import)."""
        try:
            opened = bundles.read_bundle(Path(file))
        except bundles.BundleError as exc:
            raise UserError(exc.message) from None
        data = dict(opened.manifest.data)
        valid = bundles.signature_valid(opened, opened.manifest.signing_public)
        data["signature"] = "valid" if valid and opened.payload_hash_ok else "invalid"
        data["file_hash"] = opened.file_hash
        return data


CORRECTION_TABLE = "_correction"
# What a correction request may propose for a person: PersonInput's fields the person form
# edits (birth as typed: a year or a day; sex "M" or "F"; hamlet_id one of the centre's).
CORRECTION_FIELDS = ("full_name", "birth", "sex", "phone", "hamlet_id", "cccd")


def _proposed(row: repo.CorrectionRow) -> dict[str, str]:
    try:
        request = json.loads(row.request)
    except ValueError:
        return {}
    fields = request.get("fields") if isinstance(request, dict) else None
    if not isinstance(fields, dict):
        return {}
    return {str(k): str(v) for k, v in fields.items() if k in CORRECTION_FIELDS}


def _request(r: repo.CorrectionRow) -> CorrectionRequest:
    try:
        request = json.loads(r.request)
    except ValueError:
        request = {}
    message = str(request.get("message", "")) if isinstance(request, dict) else ""
    return CorrectionRequest(
        r.id, r.from_site, r.to_site, r.table, r.row_id, message, _proposed(r), r.status,
        r.answer_reason, r.received_at, r.answered_at, r.answered_by,
    )  # fmt: skip


def import_changes(outcomes: list[ImportOutcome]) -> OpChanges:
    """What the imports of `outcomes` changed together, by kind of row: the union of their
    `changes` (a kind with an empty set, "many rows", stays so)."""
    merged: dict[str, frozenset[str]] = {}
    for outcome in outcomes:
        if outcome.changes is None:
            continue
        for kind, ids in outcome.changes.ids.items():
            if kind in merged and (not merged[kind] or not ids):
                merged[kind] = frozenset()
            else:
                merged[kind] = merged.get(kind, frozenset()) | ids
    return OpChanges("sync.import", None, merged)


def _not_imported(path: Path, opened: bundles.OpenedBundle | None) -> ImportOutcome:
    m = opened.manifest if opened is not None else None
    return ImportOutcome(
        path, m.bundle_id if m else "", m.sender_site if m else "", m.sender_name if m else "",
        m.kind if m else "", "refused", tr(NOT_IMPORTED), {}, None, "cancelled",
        m.seq if m else 0,
    )  # fmt: skip


def _has_table(plain: Path) -> bool:
    return repo.has_payload_table(plain, CORRECTION_TABLE)


def _enrolled(peer: repo.PeerSite, now: str) -> repo.PeerSite:
    return dataclasses.replace(peer, enrolled_at=now)


def opened_name(opened: bundles.OpenedBundle, m: bundles.Manifest) -> str:
    return bundles.bundle_file_name(m.sender_name, m.sender_site, m.kind, m.seq)


def table_counts(diff: repo.PayloadDiff) -> dict[str, TableCounts]:
    return {
        t: TableCounts(**{c: d.counts[c] for c in repo.CLASSES})
        for t, d in diff.tables.items()
        if sum(d.counts.values())
    }


def named_rows(diff: repo.PayloadDiff) -> tuple[tuple[str, str, str], ...]:
    out = []
    for table, d in sorted(diff.tables.items()):
        for row_id, code in d.named:
            out.append((table, row_id, tr(ROW_REASONS.get(code, ROW_REASONS[repo.CLASH]))))
    return tuple(out)


def _summary(diff: repo.PayloadDiff | None, m: bundles.Manifest) -> dict[str, Any]:
    tables = {} if diff is None else {
        t: {c: d.counts[c] for c in repo.CLASSES} for t, d in diff.tables.items()
    }  # fmt: skip
    return {"tables": tables, "versions_to": int(m.versions.get("to", 0))}


def _foreign_key_failure(exc: BaseException) -> bool:
    text = f"{exc} {getattr(exc, 'params', '')} {exc.__cause__ or ''}"
    return "FOREIGN KEY" in text.upper()


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _parse(iso: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(iso)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _day(iso: str) -> str:
    try:
        return _parse(iso).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return iso
