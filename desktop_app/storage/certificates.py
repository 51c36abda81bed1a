"""SQL for the certificate register and the site's signing keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.certificates import CertificateKind
from desktop_app.core.courses import Result
from desktop_app.core.ids import new_id
from desktop_app.core.text import fold
from desktop_app.storage.db import Database, utc_now


def site_keys(db: Database) -> tuple[str | None, str | None]:
    r = db.conn.execute(
        "SELECT public_key, private_key FROM site WHERE id = ?", (db.site_id,)
    ).fetchone()
    return (r[0], r[1]) if r else (None, None)


def set_site_keys(db: Database, public: str, private: str) -> None:
    db.conn.execute(
        "UPDATE site SET public_key = ?, private_key = ? WHERE id = ? AND private_key IS NULL",
        (public, private, db.site_id),
    )


def public_key_of(db: Database, site_id: str) -> str | None:
    r = db.conn.execute("SELECT public_key FROM site WHERE id = ?", (site_id,)).fetchone()
    return str(r[0]) if r and r[0] else None


@dataclass(frozen=True)
class CertificateRow:
    id: str
    owner_site: str
    year: int
    number: int
    kind: CertificateKind
    person_id: str
    course_id: str | None
    enrolment_id: str | None
    issued_on: dt.date
    full_name: str
    birth: str
    course_title: str
    result: Result | None
    payload: str
    print_count: int
    revoked_at: str | None
    revoke_reason: str
    reissue_of: str | None

    @property
    def serial(self) -> str:
        return f"{self.number}/{self.year}"


_COLUMNS = (
    "id, owner_site, year, number, kind, person_id, course_id, enrolment_id, issued_on,"
    " full_name, birth, course_title, result, payload, print_count, revoked_at, revoke_reason,"
    " reissue_of"
)


def _row(r: Sequence[object]) -> CertificateRow:
    return CertificateRow(
        id=str(r[0]),
        owner_site=str(r[1]),
        year=int(str(r[2])),
        number=int(str(r[3])),
        kind=CertificateKind(str(r[4])),
        person_id=str(r[5]),
        course_id=str(r[6]) if r[6] else None,
        enrolment_id=str(r[7]) if r[7] else None,
        issued_on=dt.date.fromisoformat(str(r[8])),
        full_name=str(r[9]),
        birth=str(r[10]),
        course_title=str(r[11]),
        result=Result(str(r[12])) if r[12] else None,
        payload=str(r[13]),
        print_count=int(str(r[14])),
        revoked_at=str(r[15]) if r[15] else None,
        revoke_reason=str(r[16]),
        reissue_of=str(r[17]) if r[17] else None,
    )


def next_number(db: Database, year: int) -> int:
    """The next number of this site's register for the year. Call inside BEGIN IMMEDIATE,
    which serialises writers, so two printings can never take the same number or skip one."""
    r = db.conn.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM certificate WHERE owner_site = ? AND year = ?",
        (db.site_id, year),
    ).fetchone()
    return int(r[0])


@dataclass(frozen=True)
class NewCertificate:
    year: int
    number: int
    kind: CertificateKind
    person_id: str
    course_id: str | None
    enrolment_id: str | None
    issued_on: dt.date
    full_name: str
    birth: str
    course_title: str
    result: Result | None
    payload: str
    reissue_of: str | None = None


def insert_certificate(db: Database, c: NewCertificate, version: int) -> str:
    cert_id = new_id()
    now = utc_now()
    db.conn.execute(
        "INSERT INTO certificate (id, owner_site, version, updated_at, year, number, kind,"
        " person_id, course_id, enrolment_id, issued_on, full_name, birth, course_title, result,"
        " payload, print_count, last_printed_at, reissue_of, search_text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
        (
            cert_id, db.site_id, version, now, c.year, c.number, c.kind.value, c.person_id,
            c.course_id, c.enrolment_id, c.issued_on.isoformat(), c.full_name, c.birth,
            c.course_title, c.result.value if c.result else None, c.payload, now, c.reissue_of,
            fold(f"{c.full_name} {c.course_title} {c.number}/{c.year}"),
        ),
    )  # fmt: skip
    return cert_id


def set_payload(db: Database, cert_id: str, payload: str) -> None:
    db.conn.execute("UPDATE certificate SET payload = ? WHERE id = ?", (payload, cert_id))


def mark_printed(db: Database, cert_id: str, version: int) -> None:
    db.conn.execute(
        "UPDATE certificate SET print_count = print_count + 1, last_printed_at = ?,"
        " version = ?, updated_at = ? WHERE id = ?",
        (utc_now(), version, utc_now(), cert_id),
    )


def revoke(db: Database, cert_id: str, reason: str, version: int) -> None:
    db.conn.execute(
        "UPDATE certificate SET revoked_at = ?, revoke_reason = ?, version = ?, updated_at = ?"
        " WHERE id = ?",
        (utc_now(), reason, version, utc_now(), cert_id),
    )


def get_certificate(db: Database, cert_id: str) -> CertificateRow | None:
    r = db.conn.execute(f"SELECT {_COLUMNS} FROM certificate WHERE id = ?", (cert_id,)).fetchone()
    return _row(r) if r else None


def find_by_serial(db: Database, site_id: str, year: int, number: int) -> CertificateRow | None:
    r = db.conn.execute(
        f"SELECT {_COLUMNS} FROM certificate WHERE owner_site = ? AND year = ? AND number = ?"
        " AND deleted = 0",
        (site_id, year, number),
    ).fetchone()
    return _row(r) if r else None


def valid_for_enrolment(
    db: Database, enrolment_id: str, kind: CertificateKind
) -> CertificateRow | None:
    r = db.conn.execute(
        f"SELECT {_COLUMNS} FROM certificate WHERE enrolment_id = ? AND kind = ?"
        " AND revoked_at IS NULL AND deleted = 0 ORDER BY year DESC, number DESC LIMIT 1",
        (enrolment_id, kind.value),
    ).fetchone()
    return _row(r) if r else None


def search_register(
    db: Database, text: str = "", year: int | None = None, limit: int = 500
) -> list[CertificateRow]:
    where = ["deleted = 0"]
    params: list[object] = []
    if year:
        where.append("year = ?")
        params.append(year)
    for word in fold(text).split():
        where.append("(' ' || search_text) LIKE ?")
        params.append(f"% {word}%")
    rows = db.conn.execute(
        f"SELECT {_COLUMNS} FROM certificate WHERE {' AND '.join(where)}"
        " ORDER BY year DESC, number DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [_row(r) for r in rows]


def register_years(db: Database) -> list[int]:
    return [
        int(r[0])
        for r in db.conn.execute(
            "SELECT DISTINCT year FROM certificate WHERE deleted = 0 ORDER BY year DESC"
        )
    ]
