"""Use cases of classes: courses, sessions, fast enrolment, attendance and completion."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_app.appinfo import resource_path
from desktop_app.core.courses import (
    AttendanceGrid,
    ClassType,
    Course,
    CourseInput,
    Enrolment,
    Result,
    Session,
    completion,
    validate_course,
)
from desktop_app.core.people import PersonInput, PersonRow
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import nfc
from desktop_app.services.households import HouseholdService
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.people import PeopleService
from desktop_app.storage import courses as repo
from desktop_app.storage import people as people_repo
from desktop_app.storage.courses import CourseFilter
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx

__all__ = ["CourseFilter", "CourseService", "PasteResult", "load_class_type_catalogue"]

MAX_TOPIC = 200


def load_class_type_catalogue(path: str | None = None) -> list[ClassType]:
    """Class types from the shipped data file (or one the upstream office sent)."""
    file = resource_path("class_types.json") if path is None else path
    with open(file, encoding="utf-8") as fh:
        data = json.load(fh)
    return [
        ClassType(
            code=t["code"],
            name=nfc(t["name"]),
            name_en=t.get("name_en", ""),
            group=t.get("group", ""),
            literacy=bool(t.get("literacy", False)),
            default_min_percent=int(t.get("min_percent", 80)),
        )
        for t in data["types"]
    ]


@dataclass(frozen=True)
class PasteResult:
    """What happened to each pasted line of names."""

    enrolled: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
    ambiguous: tuple[tuple[str, tuple[PersonRow, ...]], ...] = field(default=())


_YEAR = re.compile(r"(?<!\d)(18|19|20)\d{2}(?!\d)")


def _parse_pasted_line(line: str) -> tuple[str, int | None]:
    """'Nguyễn Văn An<TAB>1970<TAB>Thôn 2' or 'Nguyễn Văn An 1970' -> (name, 1970)."""
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    if not cells:
        return "", None
    name = cells[0]
    year: int | None = None
    rest = " ".join(cells[1:])
    if m := _YEAR.search(rest):
        year = int(m.group(0))
    elif m := _YEAR.search(name):
        year = int(m.group(0))
        name = (name[: m.start()] + name[m.end() :]).strip(" ,;-")
    name = re.sub(r"^\s*\d+[.)]?\s+", "", name)  # a leading row number "12." or "12)"
    return nfc(name), year


class CourseService:
    def __init__(
        self, db: Database, ops: Ops, people: PeopleService, households: HouseholdService
    ) -> None:
        self._db = db
        self._ops = ops
        self._people = people
        self._households = households

    # Class types -----------------------------------------------------------------------

    def ensure_catalogue(self) -> None:
        """Load the shipped class types into a database that has none."""
        db = self._db
        if db.read_only or repo.count_class_types(db):
            return
        with self._ops.op("class_type.load_catalogue") as op:
            if repo.count_class_types(db):
                return
            for i, t in enumerate(load_class_type_catalogue()):
                repo.upsert_class_type(op.tx, t, i)

    def class_types(self, include_inactive: bool = False) -> list[ClassType]:
        return repo.list_class_types(self._db, include_inactive)

    def save_class_type(self, t: ClassType) -> OpResult[str]:
        name = nfc(t.name)
        if not name or not t.code.strip():
            raise UserError(N_("A kind of class needs a code and a name."))
        if not 0 <= t.default_min_percent <= 100:
            raise UserError(N_("The share of sessions must be between 0 and 100 percent."))
        db = self._db
        with self._ops.op("class_type.save") as op:
            position = len(repo.list_class_types(db, include_inactive=True))
            existing = {c.code for c in repo.list_class_types(db, include_inactive=True)}
            if t.code in existing:
                position = next(
                    i for i, c in enumerate(repo.list_class_types(db, True)) if c.code == t.code
                )
            repo.upsert_class_type(
                op.tx,
                ClassType(t.code.strip(), name, nfc(t.name_en), t.group, t.literacy,
                          t.default_min_percent, t.active),
                position,
            )  # fmt: skip
        return op.result(t.code)

    def save_class_types(self, types: Sequence[ClassType]) -> OpResult[int]:
        """Save several edited kinds at once: all of them, or (if one is refused) none."""
        with self._ops.op("class_type.save_many") as op:
            for t in types:
                self.save_class_type(t)
        return op.result(len(types))

    def import_catalogue(self, path: str) -> OpResult[int]:
        """Replace the kinds of class by a list the upstream office sent (same JSON format as
        resources/class_types.json). Kinds missing from the new list are kept but hidden, so
        old classes keep their kind. The value is the number of kinds in the list."""
        try:
            types = load_class_type_catalogue(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(
                N_("{path} is not a list of kinds of class ({reason}); nothing was changed."),
                {"path": str(path), "reason": str(exc)},
            ) from exc
        if not types:
            raise UserError(N_("The file has no kinds of class; nothing was changed."))
        db = self._db
        with self._ops.op("class_type.import_catalogue") as op:
            new_codes = {t.code for t in types}
            for i, t in enumerate(types):
                repo.upsert_class_type(op.tx, t, i)
            for old in repo.list_class_types(db, include_inactive=True):
                if old.code not in new_codes and old.active:
                    hidden = ClassType(
                        old.code, old.name, old.name_en, old.group, old.literacy,
                        old.default_min_percent, active=False,
                    )  # fmt: skip
                    repo.upsert_class_type(op.tx, hidden, len(types))
        return op.result(len(types))

    # Courses ---------------------------------------------------------------------------

    def find(self, flt: CourseFilter | None = None) -> list[Course]:
        flt = flt or CourseFilter()
        self._people.check_centres(flt.sites)
        return repo.list_courses(self._db, flt)

    def years(self) -> list[int]:
        return repo.course_years(self._db)

    def get(self, course_id: str) -> Course:
        course = repo.get_course(self._db, course_id)
        if course is None:
            raise UserError(N_("This class no longer exists; refresh the list."))
        return course

    def _clean(self, data: CourseInput) -> CourseInput:
        known = frozenset(t.code for t in repo.list_class_types(self._db, True))
        problems = validate_course(data, known)
        if problems:
            raise UserError(
                N_("Some fields need fixing before the class can be saved."),
                problems=tuple(problems),
            )
        return CourseInput(
            type_code=data.type_code,
            title=nfc(data.title),
            start=data.start,
            end=data.end,
            partner=nfc(data.partner),
            presenter=nfc(data.presenter),
            venue=nfc(data.venue),
            funding=nfc(data.funding),
            status=data.status,
            min_percent=data.min_percent,
            needs_result=data.needs_result,
            notes=data.notes.strip(),
        )

    def create(self, data: CourseInput, sessions: Sequence[dt.date] = ()) -> OpResult[str]:
        """A new class; a one-off topic session is a class with one session."""
        clean = self._clean(data)
        with self._ops.op("course.create") as op:
            course_id = repo.insert_course(op.tx, clean)
            for day in sessions:
                repo.insert_session(op.tx, course_id, day, "")
        return op.result(course_id)

    def update(self, course_id: str, data: CourseInput) -> OpResult[str]:
        clean = self._clean(data)
        with self._ops.op("course.update") as op:
            self.get(course_id)
            repo.update_course(op.tx, course_id, clean)
        return op.result(course_id)

    def delete(self, course_id: str) -> OpResult[str]:
        with self._ops.op("course.delete") as op:
            course = self.get(course_id)
            if course.enrolled:
                raise UserError(
                    N_(
                        "{count} people are enrolled in this class. Remove them first, "
                        "or mark the class as cancelled instead."
                    ),
                    {"count": course.enrolled},
                )
            repo.set_course_deleted(op.tx, course_id)
        return op.result(course_id)

    # Sessions --------------------------------------------------------------------------

    def sessions(self, course_id: str) -> list[Session]:
        return repo.list_sessions(self._db, course_id)

    def add_session(self, course_id: str, day: dt.date, topic: str = "") -> OpResult[str]:
        topic = nfc(topic)
        if len(topic) > MAX_TOPIC:
            raise UserError(
                N_("The topic is too long; keep it under {limit} characters."), {"limit": MAX_TOPIC}
            )
        with self._ops.op("session.add") as op:
            self.get(course_id)
            session_id = repo.insert_session(op.tx, course_id, day, topic)
        return op.result(session_id)

    def update_session(self, session_id: str, day: dt.date, topic: str) -> OpResult[str]:
        with self._ops.op("session.update") as op:
            self._session_course(session_id)
            repo.update_session(op.tx, session_id, day, nfc(topic))
        return op.result(session_id)

    def remove_session(self, session_id: str) -> OpResult[str]:
        with self._ops.op("session.remove") as op:
            self._session_course(session_id)
            repo.set_session_deleted(op.tx, session_id)
        return op.result(session_id)

    def _session_course(self, session_id: str) -> str:
        course_id = repo.session_course(self._db, session_id)
        if course_id is None:
            raise UserError(N_("This session no longer exists; refresh the class."))
        return course_id

    # Enrolment -------------------------------------------------------------------------

    def enrolments(self, course_id: str) -> list[Enrolment]:
        """Enrolled people in roster order, with attendance and completion."""
        course = self.get(course_id)
        rows = repo.list_enrolments(self._db, course_id)
        return [
            dataclasses.replace(
                e,
                completion=completion(
                    course.rule, e.attended, course.sessions, e.result, e.literacy_level
                ),
            )
            for e in rows
        ]

    def completers(self, course_id: str) -> list[Enrolment]:
        return [e for e in self.enrolments(course_id) if e.completion and e.completion.completed]

    def _enrol_one(self, tx: Tx, course_id: str, person_id: str) -> str | None:
        """Enrol inside the caller's operation; None if already enrolled."""
        self._people.get_live(person_id)  # refuses a deleted person
        existing = repo.find_enrolment(self._db, course_id, person_id)
        if existing is not None and not existing.deleted:
            return None
        if existing is not None:
            repo.set_enrolment_deleted(tx, existing.id, False)
            return existing.id
        return repo.insert_enrolment(tx, course_id, person_id)

    def enrol(self, course_id: str, person_ids: Sequence[str]) -> OpResult[list[str]]:
        """Enrol people; the value is the new enrolments' ids (the already enrolled are
        skipped)."""
        with self._ops.op("enrolment.add") as op:
            self.get(course_id)
            added = [eid for pid in person_ids if (eid := self._enrol_one(op.tx, course_id, pid))]
        return op.result(added)

    def enrol_household(self, course_id: str, person_id: str) -> OpResult[list[str]]:
        """Enrol a person and everyone in their household."""
        person = self._people.get(person_id)
        if person.household_id is None:
            return self.enrol(course_id, [person_id])
        members = self._households.members(person.household_id)
        return self.enrol(course_id, [m.person_id for m in members])

    def enrol_new_person(
        self, course_id: str, data: PersonInput, *, confirmed_different: bool = False
    ) -> OpResult[str]:
        """Create a person with the minimum fields and enrol them, in one operation; the
        value is the new person's id."""
        with self._ops.op("enrolment.add_new_person") as op:
            self.get(course_id)
            person_id = self._people.add(data, confirmed_different=confirmed_different).value
            self._enrol_one(op.tx, course_id, person_id)
        return op.result(person_id)

    def enrol_pasted(self, course_id: str, text: str) -> OpResult[PasteResult]:
        """Enrol from a pasted list (one person per line, e.g. copied from Excel).

        A line is enrolled when exactly one person has that name (and that birth year, when
        the line has one). Other lines are reported back for the secretary to resolve.
        """
        enrolled: list[str] = []
        already: list[str] = []
        not_found: list[str] = []
        ambiguous: list[tuple[str, tuple[PersonRow, ...]]] = []
        db = self._db
        with self._ops.op("enrolment.paste") as op:
            self.get(course_id)
            for line in text.splitlines():
                name, year = _parse_pasted_line(line)
                if not name:
                    continue
                matches = people_repo.find_by_folded_name(db, name, year)
                if not matches:
                    not_found.append(line.strip())
                elif len(matches) > 1:
                    ambiguous.append((line.strip(), tuple(matches)))
                elif self._enrol_one(op.tx, course_id, matches[0].id):
                    enrolled.append(matches[0].full_name)
                else:
                    already.append(matches[0].full_name)
        return op.result(
            PasteResult(tuple(enrolled), tuple(already), tuple(not_found), tuple(ambiguous))
        )

    def enrol_resolved(
        self, course_id: str, chosen: Sequence[str], new_people: Sequence[PersonInput]
    ) -> OpResult[int]:
        """The secretary's answers to a pasted list: the namesakes she picked, and the names
        that matched no one, added as new people. All of them or none; the value is how many
        were enrolled."""
        with self._ops.op("enrolment.paste_resolve") as op:
            count = len(self.enrol(course_id, chosen).value) if chosen else 0
            for data in new_people:
                # The name matched no one: a namesake warning would only slow her down.
                self.enrol_new_person(course_id, data, confirmed_different=True)
                count += 1
        return op.result(count)

    def unenrol(self, enrolment_id: str) -> OpResult[str]:
        with self._ops.op("enrolment.remove") as op:
            state = repo.get_enrolment(self._db, enrolment_id)
            if state is None or state.deleted:
                raise UserError(N_("This person is no longer enrolled; refresh the class."))
            repo.set_enrolment_deleted(op.tx, enrolment_id, True)
        return op.result(enrolment_id)

    def set_result(
        self, enrolment_id: str, result: Result | None, literacy_level: int | None = None
    ) -> OpResult[str]:
        if literacy_level not in (None, 1, 2):
            raise UserError(N_("The literacy level is 1 or 2."))
        with self._ops.op("enrolment.set_result") as op:
            state = repo.get_enrolment(self._db, enrolment_id)
            if state is None or state.deleted:
                raise UserError(N_("This person is no longer enrolled; refresh the class."))
            repo.set_result(op.tx, enrolment_id, result, literacy_level)
        return op.result(enrolment_id)

    def set_commendation(self, enrolment_id: str, chosen: bool | None) -> OpResult[str]:
        """Give (True) or not (False) this learner a commendation; None: by the result."""
        with self._ops.op("enrolment.set_commendation") as op:
            state = repo.get_enrolment(self._db, enrolment_id)
            if state is None or state.deleted:
                raise UserError(N_("This person is no longer enrolled; refresh the class."))
            repo.set_commendation(op.tx, enrolment_id, chosen)
        return op.result(enrolment_id)

    # Attendance ------------------------------------------------------------------------

    def grid(self, course_id: str) -> AttendanceGrid:
        db = self._db
        sessions = tuple(repo.list_sessions(db, course_id))
        enrolments = tuple(repo.list_enrolments(db, course_id))
        col = {s.id: j for j, s in enumerate(sessions)}
        row = {e.id: i for i, e in enumerate(enrolments)}
        present: list[set[int]] = [set() for _ in enrolments]
        for enrolment_id, session_id in repo.present_pairs(db, course_id):
            if enrolment_id in row and session_id in col:
                present[row[enrolment_id]].add(col[session_id])
        return AttendanceGrid(sessions, enrolments, tuple(frozenset(p) for p in present))

    def set_attendance(
        self, course_id: str, pairs: Sequence[tuple[str, str]], present: bool
    ) -> OpResult[int]:
        """Tick (or untick) (enrolment_id, session_id) pairs of one course; the value is how
        many changed."""
        db = self._db
        with self._ops.op("attendance.set") as op:
            sessions = {s.id for s in repo.list_sessions(db, course_id)}
            enrolled = {e.id for e in repo.list_enrolments(db, course_id)}
            bad = [p for p in pairs if p[0] not in enrolled or p[1] not in sessions]
            if bad:
                raise UserError(N_("The class changed meanwhile; refresh the attendance grid."))
            changed = repo.set_present(op.tx, pairs, present)
        return op.result(changed)

    def mark_session_present(self, course_id: str, session_id: str) -> OpResult[int]:
        """The one key that marks the whole column present."""
        enrolled = [e.id for e in repo.list_enrolments(self._db, course_id)]
        return self.set_attendance(course_id, [(e, session_id) for e in enrolled], True)
