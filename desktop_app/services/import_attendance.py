"""Importing a class's attendance roster: one row per learner (read, matched or created exactly
as a list of people), one column per session, ticked where the learner came.

The session columns are the class's sessions: a column titled with a date ("05/03",
"05/03/2026" or a real date cell; the year taken from the class when the title has none) is the
session on that day, which the import adds when the class has none then (only within the class's
start and end, when it has them); a column titled "Buổi 1", "B2" or a bare number is the class's
n-th session in date order. Every learner of the list is enrolled (the already enrolled stay as
they are) and ticked present where the cell is a tick; ticks already recorded stay, an empty
cell never unticks. Undo takes back the ticks, the enrolments and the sessions the import added.

ImportService (services.imports) calls these functions from its small hooks for the kind
"attendance"; this module knows nothing of it (no import cycle between services).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop_app.core import import_values as values
from desktop_app.core import legacy_text
from desktop_app.core.courses import Course, Session
from desktop_app.core.dates import DateError
from desktop_app.core.legacy_text import Encoding
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.sheet_table import SESSION, Cell, header_text
from desktop_app.core.text import fold
from desktop_app.storage import courses as courses_repo
from desktop_app.storage import imports as repo
from desktop_app.storage import people as people_repo
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx

ATTENDANCE_TABLES = ("attendance", "enrolment", "session")

# In a roster "v" is "vắng" (absent); parse_mark refuses it only because a list of ticks in
# general may use it for a tick.
_ABSENT = frozenset({"v"})
_DAY_TITLE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}|\d{2}))?")
_NUMBER_TITLE = re.compile(r"\d{1,3}")

BAD_TICK = N_(
    "Column {column}: “{value}” is neither a tick (x, 1, có, ✓) nor an absence (empty, v, vắng, 0)."
)


@dataclass(frozen=True)
class PlannedSession:
    """A session column of the roster and the class's session it is: `session_id` None for a
    session the import will add on `day`."""

    letter: str
    header: str
    day: dt.date | None
    session_id: str | None


@dataclass(frozen=True)
class SessionColumn:
    """A column of the sheet mapped to a session."""

    index: int  # 0-based, into the sheet's rows
    letter: str
    header: str  # as the user reads it
    encoding: Encoding


class _Column(Protocol):
    """A column of an import plan (services.imports.ColumnPlan)."""

    @property
    def index(self) -> int: ...
    @property
    def letter(self) -> str: ...
    @property
    def header(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def encoding(self) -> Encoding: ...


def session_columns(columns: Iterable[_Column]) -> list[SessionColumn]:
    """The columns mapped to a session, in the sheet's order."""
    return [
        SessionColumn(c.index, c.letter, c.header, c.encoding) for c in columns
        if c.field == SESSION
    ]  # fmt: skip


def course_of(db: Database, course_id: str | None) -> Course:
    """The class an attendance list is imported into; a UserError when none is chosen or the
    id is no class's."""
    if not course_id:
        raise UserError(N_("Choose the class this attendance list is for."))
    course = courses_repo.get_course(db, course_id)
    if course is None:
        raise UserError(
            N_("No class has the id {id}: choose one of the centre's classes."), {"id": course_id}
        )
    return course


def _show(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _year_for(course: Course, held: Sequence[Session], day: int, month: int) -> int:
    """The year of a session titled with its day and month only: the year within the class's
    dates (a class over New Year has two), else the year of its sessions, else this year."""
    first = course.start or (held[0].day if held else None)
    last = course.end or (held[-1].day if held else None)
    if first is None and last is None:
        return dt.date.today().year
    low = (first or last or dt.date.today()).year
    high = (last or first or dt.date.today()).year
    for year in range(low, high + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if (first is None or candidate >= first) and (last is None or candidate <= last):
            return year
    return low


def _title(
    column: SessionColumn, cell: Cell, course: Course, held: Sequence[Session]
) -> dt.date | int:
    """The day a session column is titled with, or the session's number (1-based)."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if float(cell).is_integer() and cell >= 1:
            return int(cell)
    else:
        text = column.header or header_text(cell)
        if m := _DAY_TITLE.search(text):
            day, month = int(m.group(1)), int(m.group(2))
            year = m.group(3) or str(_year_for(course, held, day, month))
            try:
                found = values.parse_day_cell(f"{day}/{month}/{year}")
            except DateError:
                found = None
            if found is None:
                raise UserError(
                    N_(
                        "The column {letter} is titled “{header}”, which is not a day of the "
                        "calendar: correct the title (dd/mm or dd/mm/yyyy)."
                    ),
                    {"letter": column.letter, "header": text},
                )
            return found
        numbers = _NUMBER_TITLE.findall(fold(text))
        if len(numbers) == 1 and int(numbers[0]) >= 1:
            return int(numbers[0])
    raise UserError(
        N_(
            "The column {letter} (“{header}”) is not a session: title it with the session's "
            "date (dd/mm or dd/mm/yyyy) or its number (Buổi 1, Buổi 2...), or leave it out of "
            "the mapping."
        ),
        {"letter": column.letter, "header": column.header or header_text(cell)},
    )


def plan_sessions(
    db: Database, course_id: str | None, columns: Sequence[SessionColumn],
    header_cells: Sequence[Cell],
) -> tuple[PlannedSession, ...]:  # fmt: skip
    """Each session column as the class's session it is (or one to add). A UserError, which
    refuses the whole list, for a column that names no session, a day outside the class's dates
    that the class has no session on, or more numbered sessions than the class has."""
    course = course_of(db, course_id)
    held = courses_repo.list_sessions(db, course.id)  # in date order
    by_day: dict[dt.date, Session] = {}
    for s in held:
        by_day.setdefault(s.day, s)
    out: list[PlannedSession] = []
    highest = 0
    for c in columns:
        cell = header_cells[c.index] if c.index < len(header_cells) else None
        if isinstance(cell, str):
            cell = legacy_text.to_unicode(cell, c.encoding)
        title = _title(c, cell, course, held)
        header = c.header or header_text(cell)
        if isinstance(title, int):
            highest = max(highest, title)
            if title <= len(held):
                session = held[title - 1]
                out.append(PlannedSession(c.letter, header, session.day, session.id))
            continue
        found = by_day.get(title)
        if found is None and (
            (course.start is not None and title < course.start)
            or (course.end is not None and title > course.end)
        ):
            raise UserError(
                N_(
                    "The column {letter} (“{header}”) is the session of {day}, outside the "
                    "class's dates ({start} – {end}), and the class has no session that day: "
                    "correct the title or the class's dates, or add that session to the class."
                ),
                {"letter": c.letter, "header": header, "day": _show(title),
                 "start": _show(course.start), "end": _show(course.end)},
            )  # fmt: skip
        out.append(PlannedSession(c.letter, header, title, found.id if found else None))
    if highest > len(held):
        raise UserError(
            N_(
                "The list has a column for session {highest}, but the class has only {count} "
                "sessions: add the class's sessions first, or title the columns with the "
                "sessions' dates (dd/mm)."
            ),
            {"highest": highest, "count": len(held)},
        )
    return tuple(out)


def read_ticks(
    raw: Sequence[Cell], columns: Sequence[SessionColumn]
) -> tuple[tuple[int, ...], tuple[Problem, ...]]:
    """The sessions a row is ticked for (indexes into `columns`, so into the plan's sessions)
    and a problem for each cell that is neither a tick nor an absence."""
    present: list[int] = []
    problems: list[Problem] = []
    for j, c in enumerate(columns):
        cell = raw[c.index] if c.index < len(raw) else None
        if isinstance(cell, str):
            cell = legacy_text.to_unicode(cell, c.encoding).strip() or None
            if cell is not None and fold(cell) in _ABSENT:
                continue
        try:
            ticked = values.parse_mark(cell)
        except UserError:
            problems.append(
                Problem(
                    SESSION, BAD_TICK,
                    {"column": c.header or c.letter, "value": values.parse_text(cell)[:40]},
                )
            )  # fmt: skip
            continue
        if ticked:
            present.append(j)
    return tuple(present), tuple(problems)


def _work(
    db: Database, course_id: str, sessions: Sequence[PlannedSession],
    people: Sequence[tuple[str | None, Sequence[int]]],
) -> tuple[dict[str, int], list[dt.date], dict[str, set[str | dt.date]]]:  # fmt: skip
    """The counts, the days of the sessions to add, and per person the sessions to tick
    (ids, or days of the sessions to add): `people` are (person id, or None for one the import
    creates, with the session indexes ticked)."""
    days = sorted({s.day for s in sessions if s.session_id is None and s.day is not None})
    enrolled = courses_repo.enrolments_by_person(db, course_id)
    marks = courses_repo.attendance_states(db, course_id)
    new_enrolments = 0
    ticks = 0
    wanted: dict[str, set[str | dt.date]] = {}
    for n, (person_id, present) in enumerate(people):
        key = person_id or f"new-{n}"
        if key not in wanted:
            wanted[key] = set()
            state = enrolled.get(person_id) if person_id else None
            if state is None or state.deleted:
                new_enrolments += 1
        for j in present:
            s = sessions[j]
            target = s.session_id or s.day
            if target is not None:
                wanted[key].add(target)
    for key, targets in wanted.items():
        state = enrolled.get(key)
        for target in targets:
            held = marks.get((state.id, target)) if state and isinstance(target, str) else None
            if held is None or held[1]:
                ticks += 1
    counts = {"enrolled": new_enrolments, "ticks": ticks, "sessions_created": len(days)}
    return counts, days, wanted


def forecast(
    db: Database, course_id: str, sessions: Sequence[PlannedSession],
    people: Sequence[tuple[str | None, Sequence[int]]],
) -> dict[str, int]:  # fmt: skip
    """What importing the roster would do: `enrolled`, `ticks`, `sessions_created`."""
    return _work(db, course_id, sessions, people)[0]


def record(
    tx: Tx, db: Database, course_id: str, sessions: Sequence[PlannedSession],
    now: Sequence[PlannedSession], people: Sequence[tuple[str | None, Sequence[int]]],
) -> tuple[list[repo.Effect], dict[str, int]]:  # fmt: skip
    """Add the sessions, enrol the people and tick them present, inside the import's operation;
    `now` is `sessions` as the class's sessions read at this moment (the class changed since the
    file was checked when they differ). The effects to record, and the counts."""
    course_of(db, course_id)
    if any(person_id is None for person_id, _present in people):
        raise ValueError("every learner is created before the roster is recorded")
    if tuple(now) != tuple(sessions):
        raise UserError(
            N_(
                "The class's sessions changed since the file was checked: check the file "
                "again. Nothing was imported."
            )
        )
    counts, days, wanted = _work(db, course_id, sessions, people)
    effects: list[repo.Effect] = []
    made: dict[dt.date, str] = {}
    for day in days:
        made[day] = courses_repo.insert_session(tx, course_id, day, "")
        effects.append(repo.Effect("session", made[day], repo.CREATED))
    enrolled = courses_repo.enrolments_by_person(db, course_id)
    marks = courses_repo.attendance_states(db, course_id)
    for person_id, targets in wanted.items():
        state = enrolled.get(person_id)
        if state is not None and not state.deleted:
            enrolment_id = state.id
        else:
            if state is not None:  # removed from the class once: enrolled again
                enrolment_id = state.id
                courses_repo.set_enrolment_deleted(tx, enrolment_id, False)
            else:
                enrolment_id = courses_repo.insert_enrolment(tx, course_id, person_id)
            # "Created": made live by the import, so that undo removes it again.
            effects.append(repo.Effect("enrolment", enrolment_id, repo.CREATED))
        for target in sorted(made[t] if isinstance(t, dt.date) else t for t in targets):
            held = marks.get((enrolment_id, target))
            if held is None:
                mark_id = courses_repo.insert_attendance(tx, enrolment_id, target)
            elif held[1]:
                mark_id = held[0]
                courses_repo.set_attendance_deleted(tx, mark_id, False)
            else:
                continue  # ticked already: stays as it is
            effects.append(repo.Effect("attendance", mark_id, repo.CREATED))
    return effects, counts


def _changed_since(
    db: Database, effects: Sequence[repo.EffectRow]
) -> dict[str, list[str]]:  # fmt: skip
    """Per table, the rows the import made live that were changed since and are live still."""
    out: dict[str, list[str]] = {}
    for table in ATTENDANCE_TABLES:
        want = {e.row_id: e.version for e in effects if e.table == table}
        held = repo.versions(db, table, list(want))
        out[table] = [
            i for i, v in want.items() if i in held and held[i][0] != v and not held[i][1]
        ]
    return out


def _names(db: Database, enrolment_ids: Iterable[str], extra: Sequence[str] = ()) -> str:
    names: list[str] = []
    for eid in enrolment_ids:
        state = courses_repo.get_enrolment(db, eid)
        person = people_repo.get_person(db, state.person_id) if state else None
        if person is not None and person.full_name not in names:
            names.append(person.full_name)
        if len(names) == 3:
            break
    return ", ".join([*names, *extra][:3])


def _written_after(
    db: Database, rows: Sequence[tuple[str, str, str]], version: int
) -> list[tuple[str, str, str]]:
    """The rows (table, id, id referred to) written after the import: an enrolment taken back
    by it keeps the marks it had before, which undoing it leaves as they were."""
    out = []
    for table in dict.fromkeys(t for t, _i, _r in rows):
        held = repo.versions(db, table, [i for t, i, _r in rows if t == table])
        out += [
            (t, i, r) for t, i, r in rows
            if t == table and (i not in held or held[i][0] > version or held[i][2] != db.site_id)
        ]  # fmt: skip
    return out


def check_undo(db: Database, effects: Sequence[repo.EffectRow], mine: set[tuple[str, str]]) -> None:
    """Refuse (a UserError) to undo an attendance import when what it made in the class was
    changed since (a result set, a session edited, a mark ticked again) or when a record added
    later (a certificate, an attendance mark) uses an enrolment or a session it made."""
    changed = _changed_since(db, effects)
    if any(changed.values()):
        of_marks = courses_repo.enrolments_of_marks(db, changed["attendance"])
        sessions = [_show(s.day) for s in courses_repo.sessions_by_id(db, changed["session"])]
        raise UserError(
            N_(
                "What this import recorded in the class was changed since ({names}: a result, "
                "an attendance mark or a session): undoing it would lose those changes. "
                "Nothing was undone."
            ),
            {"names": _names(db, [*changed["enrolment"], *of_marks], sessions)
             or str(sum(len(v) for v in changed.values()))},
        )  # fmt: skip
    enrolments = [e.row_id for e in effects if e.table == "enrolment"]
    sessions_made = [e.row_id for e in effects if e.table == "session"]
    later = repo.dependants(db, "enrolment", enrolments, mine)
    later += repo.dependants(db, "session", sessions_made, mine)
    later = _written_after(db, later, max((e.version for e in effects), default=0))
    if later:
        of_later = [ref for _t, _i, ref in later if ref in set(enrolments)]
        of_later += courses_repo.enrolments_of_marks(
            db, [i for t, i, _r in later if t == "attendance"]
        )
        raise UserError(
            N_(
                "Records added after the import use the enrolments or the sessions it made "
                "({count} of them, e.g. for {names}: certificates or attendance marks): remove "
                "those first, or keep the import. Nothing was undone."
            ),
            {"count": len(later), "names": _names(db, of_later) or "—"},
        )


def undo(tx: Tx, db: Database, effects: Sequence[repo.EffectRow]) -> dict[str, int]:
    """Take back the marks, the enrolments and the sessions an attendance import made live
    (those removed since stay removed). The counts of what was taken back."""
    tables = {t: [e.row_id for e in effects if e.table == t] for t in ATTENDANCE_TABLES}
    live = {t: repo.versions(db, t, ids) for t, ids in tables.items()}
    counts = {"ticks_removed": 0, "enrolments_removed": 0, "sessions_removed": 0}
    for mark_id in tables["attendance"]:
        if mark_id in live["attendance"] and not live["attendance"][mark_id][1]:
            courses_repo.set_attendance_deleted(tx, mark_id, True)
            counts["ticks_removed"] += 1
    for enrolment_id in tables["enrolment"]:
        if enrolment_id in live["enrolment"] and not live["enrolment"][enrolment_id][1]:
            courses_repo.set_enrolment_deleted(tx, enrolment_id, True)
            counts["enrolments_removed"] += 1
    for session_id in tables["session"]:
        if session_id in live["session"] and not live["session"][session_id][1]:
            courses_repo.set_session_deleted(tx, session_id)
            counts["sessions_removed"] += 1
    return counts


def summary(counts: Mapping[str, int]) -> dict[str, int]:
    """The attendance counts of an import's counts (0 when absent)."""
    return {k: int(counts.get(k, 0)) for k in ("enrolled", "ticks", "sessions_created")}
