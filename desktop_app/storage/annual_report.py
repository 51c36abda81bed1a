"""The reads of the centre's annual report over a period: classes by kind, the learners
present (one row per person, with their marks), the literacy results, the people of the
registry, the members, dues and fund entries of the period. Each takes `sites` (an office's
choice of centres; None: every row of the file) and filters on the rows' `owner_site`.

Figures kept elsewhere (members' shares, the models' status, the Công dân học tập summary)
are read by the service through their own services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop_app.storage.db import Database
from desktop_app.storage.office_views import sites_sql

Period = tuple[dt.date, dt.date]


def _iso(period: Period) -> list[str]:
    return [period[0].isoformat(), period[1].isoformat()]


# A class belongs to the period when it has a live session in it, or when its dates (start to
# end, or its start alone) meet the period.
_CLASSES = """
SELECT c.id, c.type_code, c.title, c.start_date, c.end_date, c.owner_site
FROM course c
WHERE c.deleted = 0 {sites}
  AND (EXISTS (SELECT 1 FROM session s WHERE s.course_id = c.id AND s.deleted = 0
               AND s.day BETWEEN ? AND ?)
       OR (c.start_date <= ? AND coalesce(c.end_date, c.start_date) >= ?))
ORDER BY c.type_code, c.start_date, c.title, c.id
"""


def classes(
    db: Database, period: Period, sites: Sequence[str] | None
) -> list[tuple[str, str, str, str | None, str | None, str]]:
    """(id, class type code, title, start, end, owner site) of the live classes of the period."""
    where, params = sites_sql(sites, "c.owner_site")
    d0, d1 = _iso(period)
    rows = db.conn.execute(_CLASSES.format(sites=where), [*params, d0, d1, d1, d0]).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), r[3], r[4], str(r[5])) for r in rows]


def class_type_names(db: Database) -> dict[str, str]:
    """Class type code -> name (the live type first when several sites have one)."""
    out: dict[str, str] = {}
    for code, name in db.conn.execute(
        "SELECT code, name FROM class_type ORDER BY deleted DESC, position"
    ).fetchall():
        out[str(code)] = str(name)
    return out


def literacy_codes(db: Database) -> set[str]:
    return {
        str(r[0])
        for r in db.conn.execute("SELECT code FROM class_type WHERE literacy = 1").fetchall()
    }


# The present marks of the period's live sessions, per enrolment first (the tombstoned left
# out), then per person, as storage.dashboard counts them.
_LEARNERS = """
WITH marks AS MATERIALIZED (
    SELECT a.enrolment_id AS enrolment_id, count(*) AS n
    FROM session s
    JOIN course c ON c.id = s.course_id AND c.deleted = 0 {sites}
    JOIN attendance a ON a.session_id = s.id AND a.deleted = 0
    WHERE s.deleted = 0 AND s.day BETWEEN ? AND ?
    GROUP BY 1
),
people AS MATERIALIZED (
    SELECT e.person_id AS person_id, sum(m.n) AS n
    FROM marks m CROSS JOIN enrolment e ON e.id = m.enrolment_id
    WHERE e.deleted = 0
    GROUP BY 1
)
SELECT p.id, p.full_name, p.sex, p.birth_year, coalesce(h.name, ''), p.ethnicity, x.n
FROM people x CROSS JOIN person p ON p.id = x.person_id
LEFT JOIN hamlet h ON h.id = p.hamlet_id
ORDER BY p.sort_key, p.id
"""


def learners(
    db: Database, period: Period, sites: Sequence[str] | None
) -> list[tuple[str, str, str | None, int | None, str, str, int]]:
    """(person id, name, sex, birth year, hamlet name, ethnicity, present marks) of each person
    present at least once at a live session of the period (marks of live enrolments)."""
    where, params = sites_sql(sites, "c.owner_site")
    rows = db.conn.execute(_LEARNERS.format(sites=where), [*params, *_iso(period)]).fetchall()
    return [(str(r[0]), str(r[1]), r[2], r[3], str(r[4]), str(r[5] or ""), int(r[6])) for r in rows]


def literacy_results(
    db: Database, period: Period, sites: Sequence[str] | None, codes: Sequence[str]
) -> list[tuple[int | None, str | None, int]]:
    """(literacy level, result, enrolments) of the live enrolments in the period's literacy
    classes (those of `codes`)."""
    if not codes:
        return []
    where, params = sites_sql(sites, "c.owner_site")
    d0, d1 = _iso(period)
    marks = ", ".join("?" for _ in codes)
    rows = db.conn.execute(
        "SELECT e.literacy_level, e.result, count(*) FROM course c"
        " JOIN enrolment e ON e.course_id = c.id AND e.deleted = 0"
        " JOIN person p ON p.id = e.person_id"
        f" WHERE c.deleted = 0 AND c.type_code IN ({marks}) {where}"
        "  AND (EXISTS (SELECT 1 FROM session s WHERE s.course_id = c.id AND s.deleted = 0"
        "   AND s.day BETWEEN ? AND ?)"
        "   OR (c.start_date <= ? AND coalesce(c.end_date, c.start_date) >= ?))"
        " GROUP BY 1, 2",
        [*codes, *params, d0, d1, d1, d0],
    ).fetchall()
    return [(r[0], r[1], int(r[2])) for r in rows]


def literacy_enrolments(
    db: Database, course_ids: Sequence[str]
) -> list[tuple[str, str, int | None, str | None]]:
    """(name, class title, literacy level, result) of the live enrolments of those classes,
    class by class, by name (as literacy_results counts them)."""
    out: list[tuple[str, str, int | None, str | None]] = []
    for course_id in course_ids:
        out += [
            (str(r[0]), str(r[1]), r[2], r[3])
            for r in db.conn.execute(
                "SELECT p.full_name, c.title, e.literacy_level, e.result FROM enrolment e"
                " JOIN person p ON p.id = e.person_id JOIN course c ON c.id = e.course_id"
                " WHERE e.course_id = ? AND e.deleted = 0 ORDER BY p.sort_key, p.id",
                (course_id,),
            ).fetchall()
        ]
    return out


def population(
    db: Database, sites: Sequence[str] | None
) -> list[tuple[str | None, int | None, int]]:
    """(sex, birth year, people) of the live people of the registry."""
    where, params = sites_sql(sites, "owner_site")
    rows = db.conn.execute(
        f"SELECT sex, birth_year, count(*) FROM person WHERE deleted = 0 {where} GROUP BY 1, 2",
        params,
    ).fetchall()
    return [(r[0], r[1], int(r[2])) for r in rows]


def members_by_hamlet(db: Database, sites: Sequence[str]) -> list[tuple[str, int | None, int]]:
    """(hamlet name, population, active members living there) of those centres' hamlets,
    as storage.members.members_by_hamlet counts them for a whole file."""
    where, params = sites_sql(sites, "m.owner_site")
    counts = dict(
        db.conn.execute(
            "SELECT p.hamlet_id, count(*) FROM member m CROSS JOIN person p ON p.id = m.person_id"
            f" WHERE m.deleted = 0 AND m.status = 'active' AND p.deleted = 0 {where}"
            " GROUP BY p.hamlet_id",
            params,
        ).fetchall()
    )
    hwhere, hparams = sites_sql(sites, "owner_site")
    rows = db.conn.execute(
        f"SELECT id, name, population FROM hamlet WHERE deleted = 0 {hwhere} ORDER BY sort_key",
        hparams,
    ).fetchall()
    return [(str(r[1]), r[2], int(counts.get(r[0], 0))) for r in rows]


def active_members(db: Database, sites: Sequence[str] | None) -> list[tuple[str, str, str, str]]:
    """(member number, name, hamlet name, joined on) of the active members, by number."""
    where, params = sites_sql(sites, "m.owner_site")
    rows = db.conn.execute(
        "SELECT m.member_number, p.full_name, coalesce(h.name, ''), m.joined_on"
        " FROM member m JOIN person p ON p.id = m.person_id"
        " LEFT JOIN hamlet h ON h.id = p.hamlet_id"
        f" WHERE m.deleted = 0 AND m.status = 'active' {where}"
        " ORDER BY m.member_number",
        params,
    ).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def dues(db: Database, period: Period, sites: Sequence[str] | None) -> tuple[int, int]:
    """(payments, đồng) of the live dues payments paid in the period."""
    where, params = sites_sql(sites, "owner_site")
    r = db.conn.execute(
        "SELECT count(*), coalesce(sum(amount), 0) FROM dues_payment"
        f" WHERE deleted = 0 AND paid_on BETWEEN ? AND ? {where}",
        [*_iso(period), *params],
    ).fetchone()
    return int(r[0]), int(r[1])


def ledger_entries(
    db: Database, period: Period, sites: Sequence[str] | None
) -> list[tuple[str, str, str, int, str, str, str, str | None, str | None]]:
    """(entry date, book, voucher number, signed amount, kind, party, reason, person id,
    reverses) of the live funds' entries of the period, in date order. A reversal carries the
    kind of the entry it voids and the opposite amount, so sums by kind net out."""
    where, params = sites_sql(sites, "e.owner_site")
    rows = db.conn.execute(
        "SELECT e.entry_date, e.book, e.number, e.year,"
        " CASE WHEN e.reverses IS NULL THEN e.amount ELSE -e.amount END,"
        " coalesce(o.kind, e.kind), e.party_name, e.reason, coalesce(o.person_id, e.person_id),"
        " e.reverses"
        " FROM ledger_entry e JOIN fund f ON f.id = e.fund_id AND f.deleted = 0"
        " LEFT JOIN ledger_entry o ON o.id = e.reverses"
        f" WHERE e.deleted = 0 AND e.entry_date BETWEEN ? AND ? {where}"
        " ORDER BY e.entry_date, e.seq, e.id",
        [*_iso(period), *params],
    ).fetchall()
    return [
        (str(r[0]), str(r[1]), f"{r[2]}/{r[3]}", int(r[4]), str(r[5]), str(r[6]), str(r[7]),
         r[8], r[9])
        for r in rows
    ]  # fmt: skip


def model_activity(db: Database, period: Period, sites: Sequence[str] | None) -> int:
    """Registrations and recognitions made in the period (for `empty`)."""
    where, params = sites_sql(sites, "owner_site")
    d0, d1 = _iso(period)
    r = db.conn.execute(
        "SELECT (SELECT count(*) FROM model_registration WHERE deleted = 0"
        f"  AND (registered_on BETWEEN ? AND ? OR year BETWEEN ? AND ?) {where})"
        " + (SELECT count(*) FROM citizen_status WHERE deleted = 0"
        f"  AND (account_on BETWEEN ? AND ? OR achieved_on BETWEEN ? AND ?) {where})",
        [d0, d1, period[0].year, period[1].year, *params, d0, d1, d0, d1, *params],
    ).fetchone()
    return int(r[0])


def person_names(db: Database, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Person id -> (name, hamlet name)."""
    out: dict[str, tuple[str, str]] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i : i + 500])
        for pid, name, hamlet in db.conn.execute(
            "SELECT p.id, p.full_name, coalesce(h.name, '') FROM person p"
            " LEFT JOIN hamlet h ON h.id = p.hamlet_id"
            f" WHERE p.id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        ).fetchall():
            out[str(pid)] = (str(name), str(hamlet))
    return out


def site_names(db: Database, sites: Sequence[str] | None) -> list[tuple[str, str]]:
    """(id, name) of the enrolled centres (those of `sites`, or all), by name."""
    where, params = sites_sql(sites, "id")
    rows = db.conn.execute(
        f"SELECT id, name FROM site WHERE is_local = 0 AND role = 'centre' {where}"
        " ORDER BY name, id",
        params,
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def hamlet_names(db: Database, sites: Sequence[str] | None) -> list[str]:
    """The names of the live hamlets in the list's order (their sort keys)."""
    where, params = sites_sql(sites, "owner_site")
    rows = db.conn.execute(
        f"SELECT name FROM hamlet WHERE deleted = 0 {where} ORDER BY sort_key, id", params
    ).fetchall()
    return list(dict.fromkeys(str(r[0]) for r in rows))


def is_office(db: Database) -> bool:
    r = db.conn.execute("SELECT role FROM site WHERE is_local = 1").fetchone()
    return bool(r) and r[0] == "office"
