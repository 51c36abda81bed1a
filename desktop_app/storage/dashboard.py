"""The home dashboard's counts that no other query answers: classes of a year, and the
learner-attendances (lượt) of its sessions, by month and kind of class, with the distinct
learners. Figures kept elsewhere (members, the fund, the models) come from their own
services."""

from __future__ import annotations

from desktop_app.storage.db import Database


def count_classes(db: Database, year: int) -> int:
    """Live classes and topic sessions that start or end in `year` (as the Classes page's
    year filter, `storage.courses.list_courses`, lists them)."""
    y = f"{year:04d}"
    return int(
        db.conn.execute(
            "SELECT count(*) FROM course WHERE deleted = 0"
            " AND (substr(start_date, 1, 4) = ? OR substr(end_date, 1, 4) = ?)",
            (y, y),
        ).fetchone()[0]
    )


def attendances_by_month(db: Database, year: int) -> list[tuple[int, str, str, int]]:
    """(month 1-12, class type code, its name, learner-attendances) for the live sessions of
    `year`: one row per present mark of a live enrolment in a live class."""
    rows = db.conn.execute(
        "SELECT CAST(substr(s.day, 6, 2) AS INTEGER), c.type_code,"
        " coalesce(max(t.name), c.type_code), count(*)"
        " FROM session s"
        " JOIN course c ON c.id = s.course_id AND c.deleted = 0"
        " JOIN attendance a ON a.session_id = s.id AND a.deleted = 0"
        " JOIN enrolment e ON e.id = a.enrolment_id AND e.deleted = 0"
        " LEFT JOIN class_type t ON t.id = c.type_id"
        " WHERE s.deleted = 0 AND s.day >= ? AND s.day < ?"
        " GROUP BY 1, 2",
        (f"{year:04d}-01-01", f"{year + 1:04d}-01-01"),
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


def distinct_learners(db: Database, year: int) -> int:
    """People present at least once at a live session of `year`."""
    return int(
        db.conn.execute(
            "SELECT count(DISTINCT e.person_id)"
            " FROM session s"
            " JOIN course c ON c.id = s.course_id AND c.deleted = 0"
            " JOIN attendance a ON a.session_id = s.id AND a.deleted = 0"
            " JOIN enrolment e ON e.id = a.enrolment_id AND e.deleted = 0"
            " WHERE s.deleted = 0 AND s.day >= ? AND s.day < ?",
            (f"{year:04d}-01-01", f"{year + 1:04d}-01-01"),
        ).fetchone()[0]
    )
