"""USB bundles between a centre and its upstream office (DESIGN.md section 6).

The CLI and the GUI use `SyncService` (reached as `Workspace.sync`) and nothing below it.
A centre exports its own rows ("data" bundles, up) and imports the office's catalogue
("catalogue" bundles, down) and acknowledgements ("ack"); an office imports data bundles of
the centres enrolled at it, keeps their rows under their own `owner_site` (it never edits
them) and answers with acknowledgements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.progress import Progress, no_progress
from desktop_app.services.ops import Ops
from desktop_app.storage.db import Database

__all__ = [
    "BundleRecord",
    "CentreStatus",
    "ExportResult",
    "ImportOutcome",
    "SiteInfo",
    "SyncService",
    "TableCounts",
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
    now has another hash, or its reported head went backwards: its books were rewritten).
    """

    id: str
    name: str
    last_seq: int
    last_import: str | None
    status: str
    fingerprint: str = ""
    detail: str = ""


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


class SyncService:
    """Enrolment, export and import of bundles for one open database."""

    OVERDUE_DAYS = 45

    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops

    # This site ----------------------------------------------------------------------

    def site(self) -> SiteInfo:
        """This installation: its id, name, role, fingerprint and upstream office."""
        raise NotImplementedError

    def init_site(self, role: str, name: str) -> SiteInfo:
        """Make this installation a centre or an office named `name`. Only on a new
        database (nothing typed in it yet); UserError otherwise."""
        raise NotImplementedError

    # Enrolment ----------------------------------------------------------------------

    def enrol_request(self, out: Path) -> Path:
        """Centre: write an enrolment request bundle (public facts only) into folder `out`."""
        raise NotImplementedError

    def enrol(self, request: Path, out: Path) -> Path:
        """Office: accept the centre's request file; record it as a downstream site and
        write the signed reply bundle into folder `out`. Returns the reply's path."""
        raise NotImplementedError

    def enrol_accept(self, reply: Path) -> SiteInfo:
        """Centre: take the office's reply; the office becomes this centre's upstream."""
        raise NotImplementedError

    def revoke(self, site_id: str) -> None:
        """Stop trusting a peer: its bundles are refused from now on."""
        raise NotImplementedError

    def export_age_identity(self, out: Path) -> Path:
        """Write this site's age identity (the standard `age -d -i` form) to file `out`."""
        raise NotImplementedError

    # Bundles ------------------------------------------------------------------------

    def export(self, to_dir: Path, progress: Progress = no_progress) -> ExportResult:
        """Centre: every own row the office has not acknowledged, as a data bundle.
        Office: its own catalogue rows (class types ...) as a catalogue bundle to every
        enrolled centre. Written into folder `to_dir`."""
        raise NotImplementedError

    def import_files(
        self,
        files: list[Path],
        *,
        dry_run: bool = False,
        ack_to: Path | None = None,
        progress: Progress = no_progress,
    ) -> list[ImportOutcome]:
        """Verify, check and (unless `dry_run`) apply each bundle, in seq order per sender;
        with `ack_to`, write an acknowledgement bundle there for each data bundle applied
        (or found already imported)."""
        raise NotImplementedError

    def centres(self) -> list[CentreStatus]:
        """Office: the centres enrolled here and how current they are."""
        raise NotImplementedError

    def history(self) -> list[BundleRecord]:
        """Every bundle written or read here, newest first."""
        raise NotImplementedError

    @staticmethod
    def inspect(file: Path) -> dict[str, Any]:
        """The manifest of a bundle file, plus "signature": "valid" | "invalid" (checked with
        the key the manifest names; whether it is trusted is decided at import)."""
        raise NotImplementedError
