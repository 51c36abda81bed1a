"""Importing a status list of the "Công dân học tập" platform: who has an account, who has
self-assessed, who achieved the title.

A row names a person by CCCD (or old CMND) number, else by name and birth year (and hamlet,
when several people share them), and says how far they are: in a status column ("Đã tạo tài
khoản", "Đã tự đánh giá", "Đạt", "Hoàn thành") or by the days of the stages (the furthest day
given is the status). Each row is matched to the registry; a row that matches no one, or more
than one person, is not taken, with the reason. A list only moves people forward (someone the
centre holds as achieved stays so) and keeps the days the centre holds. All of it is imported in
one operation, or nothing; undo takes the whole import back (the statuses it created are
removed, those it moved get their values back), refused when one was changed since.

ImportService (services.imports) finds the file, the sheet, the header and the mapping, and
calls this kind for the rest (the KindImport protocol, as the ledger does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from desktop_app.core import import_values as values
from desktop_app.core import legacy_text
from desktop_app.core.citizen_tracker import (
    DATE_FIELDS,
    STAGES,
    STATUS_LABELS,
    STATUS_WORDS,
    CitizenRecord,
    CitizenStatus,
    advance,
    parse_platform_status,
)
from desktop_app.core.ids import new_id
from desktop_app.core.learning_subjects import ADULT_AGE
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.progress import Progress, check
from desktop_app.core.text import fold
from desktop_app.services.imports import (
    DUPLICATE,
    IGNORED,
    MATCH,
    NEW,
    REJECTED,
    Cell,
    ColumnPlan,
    ImportOptions,
    ImportPlan,
    ImportResult,
    PlannedRow,
    UndoResult,
    _day,
    _is_footer,
    _shown,
)
from desktop_app.services.ops import Ops
from desktop_app.storage import citizen_tracker as tracker_repo
from desktop_app.storage import imports as repo
from desktop_app.storage import learning_models as models_repo
from desktop_app.storage.db import Database

__all__ = ["CdhtImport"]

TABLE = "citizen_status"

UNKNOWN_STATUS = N_(
    "“{value}” is not a status of the platform: the app knows {words} (or leave the cell "
    "empty and give the days)."
)
NO_STATUS = N_(
    "The row says neither the status nor the day of a stage: fill in the status column, or "
    "the day the account was created, self-assessed or achieved."
)
NO_ONE = N_(
    "No one in the people list has this row's CCCD number, nor its name and birth year: add "
    "the person to the people list first, or leave the row out."
)
NO_NAME = N_(
    "The row has neither a CCCD number nor a name and birth year: it cannot be matched to anyone."
)
SEVERAL = N_(
    "{count} people of the people list are called {name} and born in {year}: the row cannot "
    "be told apart. Add the CCCD number to the row, or its hamlet."
)
OTHER_CCCD = N_(
    "{name}, born in {year}, has another CCCD number in the people list ({held}): check which "
    "number is right."
)
CHILD = N_("{name} is {age} in {year}: “Công dân học tập” is for adults aged {adult} or more.")
ALREADY = N_("{name} is “{status}” already: nothing to change.")


class CdhtImport:
    """The cdht kind of ImportService: reads, matches, records and undoes platform statuses."""

    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops

    # Reading -----------------------------------------------------------------------------

    def read_rows(
        self, data: Sequence[Sequence[Cell]], data_start: int, columns: Sequence[ColumnPlan]
    ) -> list[PlannedRow]:
        """Each row with its person's keys and how far it says they are, or rejected with
        the reason per column; blank rows are skipped, the signature block is ignored."""
        mapped = [c for c in columns if c.field]
        out: list[PlannedRow] = []
        for offset, raw in enumerate(data):
            row_number = data_start + offset + 1
            cells: dict[str, Cell] = {}
            for c in mapped:
                cell = raw[c.index] if c.index < len(raw) else None
                if isinstance(cell, str):
                    cell = legacy_text.to_unicode(cell, c.encoding).strip() or None
                if cell is not None and c.field is not None:
                    cells[c.field] = cell
            shown = {k: _shown(v) for k, v in cells.items()}
            if not any(shown.values()):
                continue
            if "cccd" not in cells and any(_is_footer(t) for t in shown.values()):
                out.append(PlannedRow(row_number, IGNORED, shown, raw=tuple(raw)))
                continue
            out.append(dataclasses.replace(self._row(row_number, cells, shown), raw=tuple(raw)))
        return out

    @staticmethod
    def _row(row: int, cells: Mapping[str, Cell], shown: dict[str, str]) -> PlannedRow:
        problems: list[Problem] = []
        cccd = ""
        try:
            cccd = values.parse_cccd(cells.get("cccd"))
        except UserError as exc:
            problems.append(Problem("cccd", exc.message, exc.params))
        year: int | None = None
        for key in ("birth", "birth_year"):
            if cells.get(key) is None or year is not None:
                continue
            try:
                birth = values.parse_birth(cells[key])
            except UserError as exc:
                problems.append(Problem(key, exc.message, exc.params))
                continue
            year = birth.year if birth else None
        status: CitizenStatus | None = None
        if cells.get("status") is not None:
            status = parse_platform_status(values.parse_text(cells["status"]))
            if status is None:
                problems.append(
                    Problem(
                        "status", UNKNOWN_STATUS,
                        {"value": shown["status"][:40], "words": STATUS_WORDS},
                    )
                )  # fmt: skip
        days: list[tuple[str, dt.date | None]] = []
        for stage in STAGES:
            key = DATE_FIELDS[stage]
            if cells.get(key) is None:
                continue
            try:
                day = values.parse_day_cell(cells[key])
            except UserError as exc:
                problems.append(Problem(key, exc.message, exc.params))
                continue
            days.append((key, day))
            # The furthest stage with a day is the status (unless the status column holds
            # words that are not a status: that row is refused already).
            later = day is not None and (status is None or stage.rank > status.rank)
            if later and (cells.get("status") is None or status is not None):
                status = stage
        if status is None and not problems:
            problems.append(Problem("status", NO_STATUS))
        named = cells.get("full_name") is not None and year is not None
        if not cccd and not named and not problems:
            problems.append(Problem("full_name", NO_NAME))
        keyed = dict(shown)
        keyed["cccd"] = cccd
        if year is not None:
            keyed["birth_year"] = str(year)
        return PlannedRow(
            row, REJECTED if problems else NEW, keyed, problems=tuple(problems),
            read_problems=tuple(problems), cdht_status=status.value if status else "",
            cdht_days=tuple(days),
        )  # fmt: skip

    # Classifying ---------------------------------------------------------------------------

    def classify(self, plan: ImportPlan, options: ImportOptions) -> ImportPlan:
        """Match every row to the registry (CCCD first, else name and birth year, else with
        the hamlet too), find the people listed twice, and say for each what it changes."""
        today = dt.date.today()
        people = tracker_repo.held_people(self._db)
        by_cccd = {p.cccd: p for p in people if p.cccd}
        by_name: dict[tuple[str, int], list[tracker_repo.HeldPerson]] = {}
        for p in people:
            if p.birth_year is not None:
                by_name.setdefault((p.folded_name, int(p.birth_year)), []).append(p)
        hamlets = {h_id: fold(name) for h_id, name in models_repo.hamlet_names(self._db)}
        held = tracker_repo.statuses_by_person(self._db)
        seen: dict[str, int] = {}
        out: list[PlannedRow] = []
        for r in _unclassified(plan.rows):
            if r.status != NEW:
                out.append(r)
                continue
            person, problem = _match(r, by_cccd, by_name, hamlets)
            if person is None:
                assert problem is not None
                out.append(dataclasses.replace(r, status=REJECTED, problems=(problem,)))
                continue
            shown_year = person.birth_year
            if shown_year is not None and today.year - int(shown_year) < ADULT_AGE:
                child = Problem(
                    "full_name", CHILD,
                    {"name": person.full_name, "age": today.year - int(shown_year),
                     "year": today.year, "adult": ADULT_AGE},
                )  # fmt: skip
                out.append(_refused(r, child, person))
                continue
            if person.id in seen:
                out.append(
                    dataclasses.replace(
                        r, status=DUPLICATE, duplicate_of=seen[person.id], match_id=person.id,
                        match_name=person.full_name,
                    )
                )  # fmt: skip
                continue
            seen[person.id] = r.row
            record = held.get(person.id) or CitizenRecord(person.id)
            try:
                moved = advance(record, CitizenStatus(r.cdht_status), _days(r), today)
            except UserError as exc:
                problem = Problem("status", exc.message, exc.params)
                out.append(_refused(r, problem, person))
                continue
            status = NEW if moved is not None else MATCH
            note = () if moved is not None else (
                Problem("status", ALREADY,
                        {"name": person.full_name,
                         "status": STATUS_LABELS[record.status]}, warning=True),
            )  # fmt: skip
            out.append(
                dataclasses.replace(
                    r, status=status, match_id=person.id, match_name=person.full_name,
                    match_certain=bool(r.cells.get("cccd")) and person.cccd == r.cells["cccd"],
                    problems=note,
                )
            )  # fmt: skip
        return dataclasses.replace(
            plan, rows=tuple(out), stamp=tracker_repo.stamp(self._db), options=options
        )

    # Importing -----------------------------------------------------------------------------

    def apply(self, plan: ImportPlan, options: ImportOptions, progress: Progress) -> ImportResult:
        """Move every matched person forward as the list says, in one operation (all of them
        or none), recorded in the import history for its undo."""
        batch_id = new_id()
        today = dt.date.today()
        with self._ops.op("import.cdht") as op:
            done = repo.live_batch_of_file(self._db, plan.file.sha256, plan.kind)
            if done is not None:
                raise UserError(
                    N_(
                        "This file was imported already, on {date} ({count} statuses): undo "
                        "that import first if it was wrong."
                    ),
                    {"date": _day(done.imported_at), "count": int(done.counts.get("statuses", 0))},
                )
            fresh = plan
            if plan.stamp != tracker_repo.stamp(self._db) or plan.options != options:
                fresh = self.classify(plan, options)
            if fresh.counts != plan.counts and not options.skip_rejected:
                raise UserError(
                    N_(
                        "The people list or their statuses changed since the file was checked: "
                        "check the file again. Nothing was imported."
                    )
                )
            check(progress, 1, 4)
            effects: list[repo.Effect] = []
            by_stage = {s.value: 0 for s in CitizenStatus}
            for r in fresh.rows:
                if r.status != NEW or r.match_id is None:
                    continue
                record = tracker_repo.get_status(self._db, r.match_id)
                held = record or CitizenRecord(r.match_id)
                moved = advance(held, CitizenStatus(r.cdht_status), _days(r), today)
                if moved is None:
                    continue
                moved = dataclasses.replace(moved, source="imported", import_id=batch_id)
                if held.id is None:
                    row_id = tracker_repo.insert_status(op.tx, moved)
                    effects.append(repo.Effect(TABLE, row_id, repo.CREATED))
                else:
                    before = tracker_repo.row_values(self._db, held.id)
                    tracker_repo.update_status(op.tx, held.id, moved)
                    effects.append(repo.Effect(TABLE, held.id, repo.UPDATED, before))
                by_stage[moved.status.value] += 1
            check(progress, 2, 4)
            counts = fresh.counts
            counts.update(statuses=len(effects), **by_stage)
            repo.insert_batch(
                op.tx, batch_id=batch_id, kind=plan.kind, file_name=plan.file.path.name,
                sha256=plan.file.sha256, sheet=plan.sheet, header_row=plan.header_row,
                mapping={"columns": plan.mapping()}, counts=counts, target_id=None,
            )  # fmt: skip
            repo.insert_effects(op.tx, batch_id, effects)
            repo.save_mapping(op.tx, plan.signature, plan.kind, plan.mapping())
            check(progress, 3, 4)
        progress(4, 4)
        return ImportResult(batch_id, counts, op.result(None).changes)

    # Undo ------------------------------------------------------------------------------------

    def undo(self, import_id: str) -> UndoResult:
        """Take the whole import back: the statuses it created are removed, those it moved
        forward get their values back. Refused, changing nothing, when one of them was set
        again since."""
        with self._ops.op("import.undo") as op:
            batch = repo.get_batch(self._db, import_id)
            if batch is None:
                raise UserError(N_("No import has the id {id}."), {"id": import_id})
            if batch.undone_at is not None:
                raise UserError(
                    N_("This import was undone already, on {date}."),
                    {"date": _day(batch.undone_at)},
                )
            effects = [e for e in repo.effects_of(self._db, import_id) if e.table == TABLE]
            held = repo.versions(self._db, TABLE, [e.row_id for e in effects])
            changed = [e.row_id for e in effects if e.row_id in held
                       and held[e.row_id][0] != e.version]  # fmt: skip
            if changed:
                raise UserError(
                    N_(
                        "Statuses this import set were changed since ({names}): undoing it "
                        "would lose those changes. Nothing was undone."
                    ),
                    {"names": self._names(changed)},
                )
            removed = restored = 0
            for e in effects:
                if e.action == repo.CREATED:
                    tracker_repo.set_status_deleted(op.tx, e.row_id)
                    removed += 1
                elif e.before is not None:
                    tracker_repo.restore_status(op.tx, e.row_id, dict(e.before))
                    restored += 1
            repo.mark_undone(op.tx, import_id)
        counts = {"statuses_removed": removed, "statuses_restored": restored}
        return UndoResult(import_id, 0, 0, op.result(None).changes, counts=counts)

    def _names(self, row_ids: Sequence[str]) -> str:
        marks = ", ".join("?" for _ in row_ids[:3])
        rows = self._db.conn.execute(
            f"SELECT p.full_name FROM citizen_status s JOIN person p ON p.id = s.person_id"
            f" WHERE s.id IN ({marks})",
            list(row_ids[:3]),
        ).fetchall()
        return ", ".join(str(r[0]) for r in rows)


def _refused(r: PlannedRow, problem: Problem, person: tracker_repo.HeldPerson) -> PlannedRow:
    return dataclasses.replace(
        r, status=REJECTED, problems=(problem,), match_id=person.id, match_name=person.full_name
    )


def _days(r: PlannedRow) -> dict[CitizenStatus, dt.date | None]:
    stage_of = {field: stage for stage, field in DATE_FIELDS.items()}
    return {stage_of[key]: day for key, day in r.cdht_days}


def _match(
    r: PlannedRow,
    by_cccd: Mapping[str, tracker_repo.HeldPerson],
    by_name: Mapping[tuple[str, int], list[tracker_repo.HeldPerson]],
    hamlets: Mapping[str, str],
) -> tuple[tracker_repo.HeldPerson | None, Problem | None]:
    """The one live person the row names, or the reason it names no one (or several)."""
    cccd = r.cells.get("cccd", "")
    if cccd and cccd in by_cccd:
        return by_cccd[cccd], None
    name = r.cells.get("full_name", "")
    year_text = r.cells.get("birth_year", "")
    if not name or not year_text:
        return None, Problem("cccd" if cccd else "full_name", NO_ONE)
    year = int(year_text)
    found = list(by_name.get((fold(name), year), []))
    if len(found) > 1 and r.cells.get("hamlet"):
        wanted = fold(r.cells["hamlet"])
        narrowed = [p for p in found if hamlets.get(p.hamlet_id or "", "") == wanted]
        found = narrowed or found
    if not found:
        return None, Problem("cccd" if cccd else "full_name", NO_ONE)
    if len(found) > 1:
        return None, Problem(
            "full_name", SEVERAL, {"count": len(found), "name": name, "year": year}
        )
    person = found[0]
    if cccd and person.cccd and person.cccd != cccd:
        return None, Problem(
            "cccd", OTHER_CCCD, {"name": person.full_name, "year": year, "held": person.cccd}
        )
    return person, None


def _unclassified(rows: Sequence[PlannedRow]) -> list[PlannedRow]:
    """The rows as read, before any matching (for classifying again)."""
    out = []
    for r in rows:
        if r.status == IGNORED:
            out.append(r)
            continue
        out.append(
            dataclasses.replace(
                r, status=REJECTED if r.read_problems else NEW, problems=r.read_problems,
                match_id=None, match_name="", match_certain=False, duplicate_of=None,
            )
        )  # fmt: skip
    return out
