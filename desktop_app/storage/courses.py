"""SQL for class types, courses, sessions, enrolment and attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop_app.core.courses import (
    ClassType,
    CompletionRule,
    Course,
    CourseInput,
    CourseStatus,
    Enrolment,
    Result,
    Session,
)
from desktop_app.core.text import fold
from desktop_app.storage.db import Database
from desktop_app.storage.multisite import class_type_id
from desktop_app.storage.tx import Tx

# Class types ----------------------------------------------------------------------------


def count_class_types(db: Database) -> int:
    return int(db.conn.execute("SELECT count(*) FROM class_type").fetchone()[0])


def upsert_class_type(tx: Tx, t: ClassType, position: int) -> None:
    """This site's kind of class with that code, added or changed (unchanged: not stamped)."""
    values = {
        "code": t.code, "name": t.name, "name_en": t.name_en, "report_group": t.group,
        "literacy": int(t.literacy), "default_min_percent": t.default_min_percent,
        "position": position, "active": int(t.active),
    }  # fmt: skip
    r = tx.conn.execute(
        "SELECT id FROM class_type WHERE owner_site = ? AND code = ?", (tx.site_id, t.code)
    ).fetchone()
    if r is None:
        tx.insert("class_type", values)
    else:
        tx.update_changed("class_type", str(r[0]), values)


def list_class_types(db: Database, include_inactive: bool = False) -> list[ClassType]:
    rows = db.conn.execute(
        "SELECT code, name, name_en, report_group, literacy, default_min_percent, active"
        " FROM class_type WHERE deleted = 0" + ("" if include_inactive else " AND active = 1")
        + " ORDER BY position, code"
    ).fetchall()  # fmt: skip
    return [ClassType(r[0], r[1], r[2], r[3], bool(r[4]), r[5], bool(r[6])) for r in rows]


# Courses --------------------------------------------------------------------------------

_COURSE_COLUMNS = (
    "c.id, c.type_code, coalesce(t.name, c.type_code), c.title, c.start_date, c.end_date,"
    " c.partner, c.presenter, c.venue, c.funding, c.status, c.min_percent, c.needs_result,"
    " c.notes, c.version, coalesce(t.literacy, 0), coalesce(t.name_en, '')"
)

# Per-course figures in one pass: enrolled people, sessions, attendances (lượt), completers.
# The completion test mirrors core.courses.completion(); a test keeps the two in step.
_FIGURES = """
WITH s AS (
    SELECT course_id, count(*) AS n FROM session
    WHERE deleted = 0 AND course_id IN ({ids}) GROUP BY course_id
),
a AS (
    SELECT e.course_id AS course_id, e.result AS result, e.literacy_level AS level,
           (SELECT count(*) FROM attendance att
             WHERE att.enrolment_id = e.id AND att.deleted = 0) AS n
    FROM enrolment e WHERE e.deleted = 0 AND e.course_id IN ({ids})
)
SELECT c.id, count(a.course_id), coalesce(s.n, 0), coalesce(sum(a.n), 0),
       coalesce(sum(
           coalesce(s.n, 0) > 0
           AND a.n * 100 >= c.min_percent * coalesce(s.n, 0)
           AND (a.result IS NULL OR a.result != 'khong_dat')
           AND (c.needs_result = 0 OR a.result IS NOT NULL)
           AND (coalesce(t.literacy, 0) = 0 OR a.level IN (1, 2))
       ), 0)
FROM course c
LEFT JOIN s ON s.course_id = c.id
LEFT JOIN class_type t ON t.id = c.type_id
LEFT JOIN a ON a.course_id = c.id
WHERE c.id IN ({ids})
GROUP BY c.id
"""


def _course(r: Sequence[object], figures: tuple[int, int, int, int] = (0, 0, 0, 0)) -> Course:
    return Course(
        id=str(r[0]),
        type_code=str(r[1]),
        type_name=str(r[2]),
        type_name_en=str(r[16]),
        title=str(r[3]),
        start=dt.date.fromisoformat(str(r[4])) if r[4] else None,
        end=dt.date.fromisoformat(str(r[5])) if r[5] else None,
        partner=str(r[6]),
        presenter=str(r[7]),
        venue=str(r[8]),
        funding=str(r[9]),
        status=CourseStatus(str(r[10])),
        rule=CompletionRule(
            min_percent=int(str(r[11])), needs_result=bool(r[12]), needs_literacy_level=bool(r[15])
        ),
        notes=str(r[13]),
        version=int(str(r[14])),
        enrolled=figures[0],
        sessions=figures[1],
        attendances=figures[2],
        completed=figures[3],
        literacy=bool(r[15]),
    )


def _course_params(data: CourseInput) -> dict[str, object]:
    return {
        "type_code": data.type_code,
        "title": data.title,
        "folded_title": fold(data.title),
        "start_date": data.start.isoformat() if data.start else None,
        "end_date": data.end.isoformat() if data.end else None,
        "partner": data.partner,
        "presenter": data.presenter,
        "venue": data.venue,
        "funding": data.funding,
        "status": data.status.value,
        "min_percent": data.min_percent,
        "needs_result": int(data.needs_result),
        "notes": data.notes,
    }


def insert_course(tx: Tx, data: CourseInput) -> str:
    params = _course_params(data)
    params["type_id"] = class_type_id(tx.db, data.type_code, tx.site_id)
    return tx.insert("course", params)


def update_course(tx: Tx, course_id: str, data: CourseInput) -> None:
    params = _course_params(data)
    params["type_id"] = class_type_id(tx.db, data.type_code, tx.site_id)
    tx.update_changed("course", course_id, params)


def set_course_deleted(tx: Tx, course_id: str) -> None:
    tx.update("course", course_id, {"deleted": 1})


def course_figures(db: Database, ids: Sequence[str]) -> dict[str, tuple[int, int, int, int]]:
    if not ids:
        return {}
    out: dict[str, tuple[int, int, int, int]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        sql = _FIGURES.format(ids=marks)
        for r in db.conn.execute(sql, [*chunk, *chunk, *chunk]):
            out[r[0]] = (int(r[1]), int(r[2]), int(r[3]), int(r[4]))
    return out


def get_course(db: Database, course_id: str) -> Course | None:
    r = db.conn.execute(
        f"SELECT {_COURSE_COLUMNS} FROM course c LEFT JOIN class_type t ON t.id = c.type_id"
        " WHERE c.id = ? AND c.deleted = 0",
        (course_id,),
    ).fetchone()
    if r is None:
        return None
    return _course(r, course_figures(db, [course_id]).get(course_id, (0, 0, 0, 0)))


@dataclass(frozen=True)
class CourseFilter:
    type_code: str | None = None
    year: int | None = None
    status: CourseStatus | None = None
    text: str = ""
    # Only the classes these sites own (an office's view of some centres); None: all.
    sites: tuple[str, ...] | None = None


def list_courses(db: Database, flt: CourseFilter, with_figures: bool = True) -> list[Course]:
    where = ["c.deleted = 0"]
    params: list[object] = []
    if flt.type_code:
        where.append("c.type_code = ?")
        params.append(flt.type_code)
    if flt.year:
        where.append("(substr(c.start_date, 1, 4) = ? OR substr(c.end_date, 1, 4) = ?)")
        params += [f"{flt.year:04d}", f"{flt.year:04d}"]
    if flt.status:
        where.append("c.status = ?")
        params.append(flt.status.value)
    for word in fold(flt.text).split():
        where.append("(' ' || c.folded_title) LIKE ?")
        params.append(f"% {word}%")
    if flt.sites is not None:
        where.append(f"c.owner_site IN ({', '.join('?' for _ in flt.sites)})")
        params += flt.sites
    rows = db.conn.execute(
        f"SELECT {_COURSE_COLUMNS} FROM course c LEFT JOIN class_type t ON t.id = c.type_id"
        f" WHERE {' AND '.join(where)} ORDER BY c.start_date DESC, c.title",
        params,
    ).fetchall()
    figures = course_figures(db, [r[0] for r in rows]) if with_figures else {}
    return [_course(r, figures.get(r[0], (0, 0, 0, 0))) for r in rows]


def course_years(db: Database) -> list[int]:
    rows = db.conn.execute(
        "SELECT DISTINCT substr(start_date, 1, 4) FROM course"
        " WHERE deleted = 0 AND start_date IS NOT NULL ORDER BY 1 DESC"
    ).fetchall()
    return [int(r[0]) for r in rows if r[0]]


# Sessions -------------------------------------------------------------------------------


def list_sessions(db: Database, course_id: str) -> list[Session]:
    rows = db.conn.execute(
        "SELECT id, course_id, day, topic, position FROM session"
        " WHERE course_id = ? AND deleted = 0 ORDER BY day, position, id",
        (course_id,),
    ).fetchall()
    return [Session(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4]) for r in rows]


def insert_session(tx: Tx, course_id: str, day: dt.date, topic: str) -> str:
    position = tx.conn.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM session WHERE course_id = ?", (course_id,)
    ).fetchone()[0]
    return tx.insert(
        "session",
        {"course_id": course_id, "day": day.isoformat(), "topic": topic, "position": position},
    )


def update_session(tx: Tx, session_id: str, day: dt.date, topic: str) -> None:
    tx.update_changed("session", session_id, {"day": day.isoformat(), "topic": topic})


def set_session_deleted(tx: Tx, session_id: str) -> None:
    tx.update("session", session_id, {"deleted": 1})
    tx.update_where("attendance", {"deleted": 1}, "session_id = ?", (session_id,))


def session_course(db: Database, session_id: str) -> str | None:
    r = db.conn.execute(
        "SELECT course_id FROM session WHERE id = ? AND deleted = 0", (session_id,)
    ).fetchone()
    return str(r[0]) if r else None


# Enrolment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentState:
    id: str
    course_id: str
    person_id: str
    deleted: bool


def find_enrolment(db: Database, course_id: str, person_id: str) -> EnrolmentState | None:
    r = db.conn.execute(
        "SELECT id, course_id, person_id, deleted FROM enrolment"
        " WHERE course_id = ? AND person_id = ?",
        (course_id, person_id),
    ).fetchone()
    return EnrolmentState(r[0], r[1], r[2], bool(r[3])) if r else None


def get_enrolment(db: Database, enrolment_id: str) -> EnrolmentState | None:
    r = db.conn.execute(
        "SELECT id, course_id, person_id, deleted FROM enrolment WHERE id = ?", (enrolment_id,)
    ).fetchone()
    return EnrolmentState(r[0], r[1], r[2], bool(r[3])) if r else None


def insert_enrolment(tx: Tx, course_id: str, person_id: str) -> str:
    return tx.insert("enrolment", {"course_id": course_id, "person_id": person_id})


def set_enrolment_deleted(tx: Tx, enrolment_id: str, deleted: bool) -> None:
    tx.update("enrolment", enrolment_id, {"deleted": int(deleted)})


def set_result(tx: Tx, enrolment_id: str, result: Result | None, level: int | None) -> None:
    tx.update_changed(
        "enrolment",
        enrolment_id,
        {"result": result.value if result else None, "literacy_level": level},
    )


def set_commendation(tx: Tx, enrolment_id: str, chosen: bool | None) -> None:
    """Choose (True), leave out (False) or let the result decide (None) a commendation."""
    tx.update_changed(
        "enrolment", enrolment_id, {"commendation": None if chosen is None else int(chosen)}
    )


def list_enrolments(db: Database, course_id: str) -> list[Enrolment]:
    """Enrolled people in roster order, with how many sessions each attended."""
    rows = db.conn.execute(
        "SELECT e.id, e.person_id, p.full_name, p.sex, p.birth, coalesce(h.name, ''),"
        " e.result, e.literacy_level,"
        " (SELECT count(*) FROM attendance a WHERE a.enrolment_id = e.id AND a.deleted = 0),"
        " p.sort_key, coalesce(h.kind, ''), e.commendation"
        " FROM enrolment e JOIN person p ON p.id = e.person_id"
        " LEFT JOIN hamlet h ON h.id = p.hamlet_id"
        " WHERE e.course_id = ? AND e.deleted = 0 ORDER BY p.sort_key, p.id",
        (course_id,),
    ).fetchall()
    return [
        Enrolment(
            id=r[0],
            person_id=r[1],
            full_name=r[2],
            sex=r[3],
            birth=r[4],
            hamlet_name=r[5],
            result=Result(r[6]) if r[6] else None,
            literacy_level=r[7],
            attended=int(r[8]),
            sort_key=r[9],
            hamlet_kind=r[10],
            commendation=None if r[11] is None else bool(r[11]),
        )
        for r in rows
    ]


# Attendance -----------------------------------------------------------------------------


def present_pairs(db: Database, course_id: str) -> list[tuple[str, str]]:
    """(enrolment_id, session_id) of every tick in the course."""
    rows = db.conn.execute(
        "SELECT a.enrolment_id, a.session_id FROM attendance a"
        " JOIN session s ON s.id = a.session_id"
        " WHERE s.course_id = ? AND s.deleted = 0 AND a.deleted = 0",
        (course_id,),
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def set_present(tx: Tx, pairs: Iterable[tuple[str, str]], present: bool) -> int:
    """Tick or untick (enrolment, session) pairs; returns how many changed."""
    changed = 0
    for enrolment_id, session_id in pairs:
        r = tx.conn.execute(
            "SELECT id, deleted FROM attendance WHERE enrolment_id = ? AND session_id = ?",
            (enrolment_id, session_id),
        ).fetchone()
        if present and r is None:
            tx.insert("attendance", {"session_id": session_id, "enrolment_id": enrolment_id})
        elif r is not None and bool(r[1]) == present:
            # Unticking leaves a tombstone, so the change travels like any other.
            tx.update("attendance", str(r[0]), {"deleted": int(not present)})
        else:
            continue
        changed += 1
    return changed


def enrolments_by_person(db: Database, course_id: str) -> dict[str, EnrolmentState]:
    """Person id -> their enrolment in the course, removed ones too (an import revives those)."""
    rows = db.conn.execute(
        "SELECT id, course_id, person_id, deleted FROM enrolment WHERE course_id = ?",
        (course_id,),
    ).fetchall()
    return {str(r[2]): EnrolmentState(r[0], r[1], r[2], bool(r[3])) for r in rows}


def attendance_states(db: Database, course_id: str) -> dict[tuple[str, str], tuple[str, bool]]:
    """(enrolment_id, session_id) -> (attendance id, deleted) of every mark of the course,
    tombstones too."""
    rows = db.conn.execute(
        "SELECT a.enrolment_id, a.session_id, a.id, a.deleted FROM attendance a"
        " JOIN enrolment e ON e.id = a.enrolment_id WHERE e.course_id = ?",
        (course_id,),
    ).fetchall()
    return {(str(r[0]), str(r[1])): (str(r[2]), bool(r[3])) for r in rows}


def enrolments_of_marks(db: Database, mark_ids: Sequence[str]) -> list[str]:
    """The enrolments the attendance marks are of."""
    out: list[str] = []
    for start in range(0, len(mark_ids), 500):
        chunk = list(mark_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        out += [
            str(r[0])
            for r in db.conn.execute(
                f"SELECT enrolment_id FROM attendance WHERE id IN ({marks})", chunk
            )
        ]
    return out


def sessions_by_id(db: Database, session_ids: Sequence[str]) -> list[Session]:
    """The sessions with these ids, removed ones too, in date order."""
    out: list[Session] = []
    for start in range(0, len(session_ids), 500):
        chunk = list(session_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        rows = db.conn.execute(
            f"SELECT id, course_id, day, topic, position FROM session WHERE id IN ({marks})",
            chunk,
        ).fetchall()
        out += [Session(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4]) for r in rows]
    return sorted(out, key=lambda s: (s.day, s.position, s.id))


def insert_attendance(tx: Tx, enrolment_id: str, session_id: str) -> str:
    return tx.insert("attendance", {"session_id": session_id, "enrolment_id": enrolment_id})


def set_attendance_deleted(tx: Tx, attendance_id: str, deleted: bool) -> None:
    """Untick (a tombstone, as set_present) or tick again one attendance mark."""
    tx.update("attendance", attendance_id, {"deleted": int(deleted)})


def bulk_insert_course_rows(
    tx: Tx,
    courses: Sequence[tuple[str, CourseInput]],
    sessions: Sequence[tuple[str, str, dt.date, str, int]],
    enrolments: Sequence[tuple[str, str, str, Result | None, int | None]],
    attendance: Sequence[tuple[str, str]],
) -> None:
    """Demo and import loading: rows with ids already minted by the caller."""
    type_ids = {c.type_code: class_type_id(tx.db, c.type_code, tx.site_id) for _, c in courses}
    tx.insert_many(
        "course",
        [{"id": cid, **_course_params(c), "type_id": type_ids[c.type_code]} for cid, c in courses],
    )
    tx.insert_many(
        "session",
        [
            {"id": sid, "course_id": cid, "day": d.isoformat(), "topic": t, "position": pos}
            for sid, cid, d, t, pos in sessions
        ],
    )
    tx.insert_many(
        "enrolment",
        [
            {"id": eid, "course_id": cid, "person_id": pid,
             "result": r.value if r else None, "literacy_level": lvl}
            for eid, cid, pid, r, lvl in enrolments
        ],
    )  # fmt: skip
    tx.insert_many(
        "attendance", [{"session_id": sid, "enrolment_id": eid} for eid, sid in attendance]
    )
