"""The "Công dân học tập" tracker: where each adult stands on the national platform
(congdanhoctap.vn), the commune's and each hamlet's figures against the target, and the list of
the adults still to register, exported in the platform's own fields and order.

Ethnicity and religion are sensitive personal data (Decree 356/2025/NĐ-CP Art. 4): the export
leaves their columns empty unless the user asks for them (the GUI after a confirmation), and
every export is written in the audit with its count and whether they were included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop_app.core.citizen_tracker import (
    PLATFORM_COLUMNS,
    STATUS_LABELS,
    CitizenRecord,
    CitizenStatus,
    HamletCount,
    move,
)
from desktop_app.core.dates import check_year
from desktop_app.core.learning_subjects import ADULT_AGE, target_rate
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import nfc
from desktop_app.services.centre import CentreService
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.storage import citizen_tracker as repo
from desktop_app.storage import learning_models as models_repo
from desktop_app.storage import people as people_repo
from desktop_app.storage.citizen_tracker import AdultRow, TrackedAdult
from desktop_app.storage.db import Database, read_snapshot

__all__ = [
    "PLATFORM_COLUMNS",
    "STATUS_LABELS",
    "AdultRow",
    "CdhtSheet",
    "CitizenRecord",
    "CitizenStatus",
    "CitizenSummary",
    "CitizenTrackerService",
    "TrackedAdult",
]

# The platform's words for the sex field.
_SEX_WORDS = {"M": "Nam", "F": "Nữ"}


@dataclass(frozen=True)
class CitizenSummary:
    """The adults of a year (ADULT_AGE or more that year, by birth year) and how many had an
    account, had self-assessed and had achieved the title by the year's end, for the commune
    and per hamlet name ('' for people with no hamlet)."""

    year: int
    adults: int
    account: int
    self_assessed: int
    achieved: int
    target_rate: float
    by_hamlet: dict[str, HamletCount] = field(default_factory=dict)

    @property
    def achieved_rate(self) -> float | None:
        return self.achieved / self.adults if self.adults else None


@dataclass(frozen=True)
class CdhtSheet:
    """The export as read from the database (plain data: rendered on any thread)."""

    rows: tuple[tuple[str | int | None, ...], ...]
    include_sensitive: bool
    profile_set: bool  # the centre's province and commune are known


class CitizenTrackerService:
    def __init__(self, db: Database, ops: Ops, centre: CentreService) -> None:
        self._db = db
        self._ops = ops
        self._centre = centre

    # Status of one person ----------------------------------------------------------------

    def status_of(self, person_id: str) -> CitizenRecord:
        """The person's status (not registered when nothing is held)."""
        return repo.get_status(self._db, person_id) or CitizenRecord(person_id)

    def set_status(
        self,
        person_id: str,
        status: CitizenStatus | str,
        on: dt.date | None = None,
        *,
        correct: bool = False,
        notes: str | None = None,
    ) -> OpResult[str]:
        """Set where the person stands on the platform, on the day `on` (default today).
        Refused, changing nothing: an unknown person, a child (under ADULT_AGE in the year of
        `on`), a day in the future or before an earlier stage's, a move backward or to the
        status held unless `correct`. The value is the status row's id."""
        wanted = _status(status)
        today = dt.date.today()
        with self._ops.op("cdht.set_status") as op:
            person = people_repo.get_person(self._db, person_id)
            if person is None or person.deleted:
                raise UserError(
                    N_("There is no person with the id {id}; nothing was changed."),
                    {"id": person_id},
                )
            day = on or today
            if person.birth is not None and day.year - person.birth.year < ADULT_AGE:
                raise UserError(
                    N_(
                        "{name} is {age} in {year}: “Công dân học tập” is for adults aged "
                        "{adult} or more. Nothing was changed."
                    ),
                    {"name": person.full_name, "age": day.year - person.birth.year,
                     "year": day.year, "adult": ADULT_AGE},
                )  # fmt: skip
            held = self.status_of(person_id)
            moved = move(held, wanted, on, today, correct=correct)
            moved = replace(
                moved,
                source="typed",
                import_id=None,
                notes=held.notes if notes is None else nfc(notes).strip(),
            )
            if held.id is None:
                record_id = repo.insert_status(op.tx, moved)
            else:
                record_id = held.id
                repo.update_status(op.tx, record_id, moved)
        return op.result(record_id)

    # Figures -------------------------------------------------------------------------------

    def summary(self, year: int, sites: Sequence[str] | None = None) -> CitizenSummary:
        """Adults of `year`, and how many reached each stage by 31/12 of it (a stage whose
        day is not known counts), per hamlet and for the commune, with the year's target.
        `sites`: the people of these centres only (an office's report)."""
        check_year(year)
        names = dict(models_repo.hamlet_names(self._db))
        counts: dict[str, list[int]] = {name: [0, 0, 0, 0] for name in names.values()}
        for hamlet_id, adults in repo.adult_counts(self._db, year, sites).items():
            counts.setdefault(names.get(hamlet_id or "", ""), [0, 0, 0, 0])[0] += adults
        for hamlet_id, stages in repo.stage_counts(self._db, year, sites).items():
            row = counts.setdefault(names.get(hamlet_id or "", ""), [0, 0, 0, 0])
            for i, count in enumerate(stages, start=1):
                row[i] += count
        by_hamlet = {name: HamletCount(*row) for name, row in counts.items()}
        return CitizenSummary(
            year=year,
            adults=sum(c.adults for c in by_hamlet.values()),
            account=sum(c.account for c in by_hamlet.values()),
            self_assessed=sum(c.self_assessed for c in by_hamlet.values()),
            achieved=sum(c.achieved for c in by_hamlet.values()),
            target_rate=target_rate("citizen", year),
            by_hamlet=by_hamlet,
        )

    def adults(self, year: int, hamlet: str) -> list[TrackedAdult]:
        """The adults of `year` of the hamlet named `hamlet` ('' for those of no hamlet, as
        `summary` names them), with where each stands, by name in Vietnamese order: one
        hamlet at a time, so that the tracker's list opens at once in a large commune."""
        check_year(year)
        ids = [i for i, name in models_repo.hamlet_names(self._db) if name == hamlet]
        return repo.hamlet_adults(self._db, year, ids if hamlet else None)

    def unregistered(self, year: int | None = None) -> list[AdultRow]:
        """The adults of `year` (default this year) with no account on the platform, by
        hamlet then name in Vietnamese order."""
        year = year or dt.date.today().year
        held = repo.statuses_by_person(self._db)
        return [
            a
            for a in repo.adults(self._db, year)
            if a.person_id not in held or held[a.person_id].status is CitizenStatus.NOT_REGISTERED
        ]

    # The export ------------------------------------------------------------------------------

    @read_snapshot
    def export_sheet(self, *, include_sensitive: bool = False) -> CdhtSheet:
        """The adults still to register, one row each in the platform's fields: CCCD, Họ tên,
        Giới tính, Năm sinh, Dân tộc, Tôn giáo, Tỉnh/thành, Phường/xã. Dân tộc and Tôn giáo
        are left empty unless `include_sensitive`."""
        profile = self._centre.profile()
        rows = []
        for a in self.unregistered():
            rows.append(
                (
                    a.cccd or None,
                    a.full_name,
                    _SEX_WORDS.get(a.sex or ""),
                    a.birth_year,
                    (a.ethnicity or None) if include_sensitive else None,
                    (a.religion or None) if include_sensitive else None,
                    profile.province_name or None,
                    profile.commune_name or None,
                )
            )
        return CdhtSheet(
            tuple(rows), include_sensitive, bool(profile.province_name and profile.commune_name)
        )

    @staticmethod
    def render(sheet: CdhtSheet, out: Path) -> int:
        """Write the xlsx (no database: any thread); returns the rows written."""
        from desktop_app.documents.cdht_xlsx import write_cdht_xlsx

        write_cdht_xlsx(PLATFORM_COLUMNS, sheet.rows, out)
        return len(sheet.rows)

    def record_export(self, sheet: CdhtSheet, out: Path) -> OpResult[None]:
        """Who exported the list of people (names, CCCD numbers) and whether with their
        ethnicity and religion."""
        sensitive = "yes" if sheet.include_sensitive else "no"
        return self._ops.record_event(
            "cdht.export",
            "person",
            "",
            f"rows={len(sheet.rows)} sensitive={sensitive} file={Path(out).name}",
        )

    def export(self, out: Path, *, include_sensitive: bool = False) -> int:
        """Check `out` (never the database, a folder or a missing folder), write the list
        there and audit it; returns the rows written."""
        out = check_output(Path(out), self._ops.db_path)
        sheet = self.export_sheet(include_sensitive=include_sensitive)
        count = self.render(sheet, out)
        self.record_export(sheet, out)
        return count


def _status(value: CitizenStatus | str) -> CitizenStatus:
    try:
        return CitizenStatus(value)
    except ValueError:
        raise UserError(
            N_(
                "There is no status {status}: say not_registered, account, self_assessed or "
                "achieved."
            ),
            {"status": str(value)},
        ) from None
