"""The home dashboard's count that no other query answers: the learner-attendances (lượt) of
a year's sessions by month and kind of class, with the distinct learners. The other figures
(classes, members, the fund, the models) come from the queries their own pages use."""

from __future__ import annotations

from desktop_app.storage.db import Database

# One pass over the year's present marks for both figures: the marks counted per
# enrolment, month and kind of class first (the tombstoned left out), then the enrolments
# still live looked up once each, for the lượt by month and kind and the distinct learners.
_ATTENDANCES = """
WITH marks AS MATERIALIZED (
    SELECT a.enrolment_id AS enrolment_id, CAST(substr(s.day, 6, 2) AS INTEGER) AS month,
           c.type_code AS code, count(*) AS n
    FROM session s
    JOIN course c ON c.id = s.course_id AND c.deleted = 0
    JOIN attendance a ON a.session_id = s.id AND a.deleted = 0
    WHERE s.deleted = 0 AND s.day >= ? AND s.day < ?
    GROUP BY 1, 2, 3
),
live AS MATERIALIZED (
    SELECT m.month, m.code, m.n, e.person_id
    FROM marks m CROSS JOIN enrolment e ON e.id = m.enrolment_id
    WHERE e.deleted = 0
)
SELECT month, code, sum(n) FROM live GROUP BY 1, 2
UNION ALL
SELECT 0, '', count(DISTINCT person_id) FROM live
"""


def attendances(db: Database, year: int) -> tuple[list[tuple[int, str, int]], int]:
    """The learner-attendances (lượt) of `year`'s live sessions as (month 1-12, class type
    code, count), one per present mark of a live enrolment in a live class; and how many
    people were present at least once."""
    rows = db.conn.execute(_ATTENDANCES, (f"{year:04d}-01-01", f"{year + 1:04d}-01-01")).fetchall()
    counts = [(int(r[0]), str(r[1]), int(r[2])) for r in rows if r[0]]
    learners = next((int(r[2]) for r in rows if not r[0]), 0)
    return counts, learners
