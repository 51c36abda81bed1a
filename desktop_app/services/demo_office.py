"""A demo office: an office database and several demo centres enrolled with it, each of
which has sent it one bundle, so the office shows every centre's records. For tests,
benches and first looks at office mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.problems import N_, UserError
from desktop_app.core.progress import Progress, check, no_progress
from desktop_app.services.demo import create_demo

# More would be a typo: an office has dozens of centres, a province a few hundred.
MAX_DEMO_CENTRES = 1000


@dataclass(frozen=True)
class DemoCentre:
    path: Path
    site_id: str
    name: str
    people: int
    bundle: Path


@dataclass(frozen=True)
class OfficeDemoSummary:
    office_path: Path
    office_id: str
    office_name: str
    centres: tuple[DemoCentre, ...]

    @property
    def people(self) -> int:
        return sum(c.people for c in self.centres)


def centre_path(folder: Path, number: int) -> Path:
    """Where the demo puts centre `number` (from 1)."""
    return folder / f"centre-{number}.sqlite3"


def create_office_demo(
    office: Path | str,
    centres_dir: Path | str,
    *,
    centres: int,
    people: int = 300,
    seed: int = 1,
    progress: Progress = no_progress,
) -> OfficeDemoSummary:
    """Make the office database `office` and `centres` centre databases
    `centres_dir/centre-1.sqlite3` ..., each with its own demo data (`people` people each,
    seed `seed + number`), enrolled with the office (request, enrol, accept); each exports a
    data bundle into `centres_dir/bundles`, which the office imports (the enrolment files
    are kept in `centres_dir/enrolment/centre-N`). Refuses existing files.
    Each site's keys go to its own key file, as everywhere (TTHTCD_KEY_DIR or the user's
    config folder)."""
    from desktop_app.services.workspace import Workspace

    office = Path(office)
    folder = Path(centres_dir)
    if not 1 <= centres <= MAX_DEMO_CENTRES:
        raise UserError(
            N_("An office demo has from 1 to {maximum} centres."), {"maximum": MAX_DEMO_CENTRES}
        )
    paths = [centre_path(folder, n) for n in range(1, centres + 1)]
    for path in (office, *paths):
        if path.exists() and path.stat().st_size > 0:
            raise UserError(
                N_("{path} already exists. Give the demo a new file name; nothing was changed."),
                {"path": str(path)},
            )
    folder.mkdir(parents=True, exist_ok=True)
    bundles = folder / "bundles"
    bundles.mkdir(exist_ok=True)
    enrolment = folder / "enrolment"
    steps = centres + 1
    made: list[DemoCentre] = []
    with Workspace.open(office, create=True) as office_ws:
        office_site = office_ws.sync.init_site("office", _office_name(seed))
        for number, path in enumerate(paths, start=1):
            check(progress, number - 1, steps)
            with Workspace.open(path, create=True) as ws:
                summary = create_demo(ws, people=people, seed=seed + number).value
                # Each centre's request and reply in a folder of its own: every reply of
                # the office is its enrolment bundle 0, under the office's name.
                files = enrolment / f"centre-{number}"
                files.mkdir(parents=True, exist_ok=True)
                request = ws.sync.enrol_request(files)
                reply = office_ws.sync.enrol(request, files)
                ws.sync.enrol_accept(reply)
                exported = ws.sync.export(bundles)
                site = ws.sync.site()
                ws.db.checkpoint()
            made.append(DemoCentre(path, site.id, site.name, summary.people, exported.file))
        check(progress, centres, steps)
        outcomes = office_ws.sync.import_files([c.bundle for c in made])
        refused = [o for o in outcomes if o.status != "applied"]
        if refused:  # the demo's own bundles: a bug, not the user's doing
            first = refused[0]
            raise RuntimeError(f"the demo office did not apply {first.file}: {first.reason}")
        office_ws.db.checkpoint()
    check(progress, steps, steps)
    return OfficeDemoSummary(office, office_site.id, office_site.name, tuple(made))


def _office_name(seed: int) -> str:
    return "Sở Giáo dục và Đào tạo (demo)" if seed == 1 else f"Sở Giáo dục và Đào tạo (demo {seed})"
