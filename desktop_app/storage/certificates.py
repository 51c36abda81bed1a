"""SQL for the certificate register and the site's signing keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.certificates import CertificateKind
from desktop_app.core.courses import Result
from desktop_app.core.text import fold
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx


def site_public_key(db: Database) -> str | None:
    """This site's public signing key (the private one lives in the key file)."""
    r = db.conn.execute("SELECT public_key FROM site WHERE id = ?", (db.site_id,)).fetchone()
    return str(r[0]) if r and r[0] else None


def legacy_private_key(db: Database) -> str | None:
    """The private key a database older than migration 0005 still holds, until it moves out."""
    r = db.conn.execute("SELECT private_key FROM site WHERE id = ?", (db.site_id,)).fetchone()
    return str(r[0]) if r and r[0] else None


def set_public_key(tx: Tx, public: str) -> None:
    # The site row is this installation's identity, not data that travels: no stamp.
    tx.conn.execute(
        "UPDATE site SET public_key = ? WHERE id = ? AND public_key IS NULL",
        (public, tx.site_id),
    )
    tx.note("site", tx.site_id, "signing key")


def clear_private_key(tx: Tx) -> None:
    """Forget the private key once it is in the key file (the audit names no key material)."""
    # secure_delete: SQLite overwrites the old cell instead of leaving it in the page.
    previous = tx.conn.execute("PRAGMA secure_delete").fetchone()[0]
    tx.conn.execute("PRAGMA secure_delete = ON")
    tx.conn.execute("UPDATE site SET private_key = NULL WHERE id = ?", (tx.site_id,))
    tx.conn.execute(f"PRAGMA secure_delete = {int(previous)}")
    tx.note("site", tx.site_id, "private key moved out of the database into the key file")


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
    state_sig: str = ""
    decision: str = ""
    decision_date: dt.date | None = None

    @property
    def serial(self) -> str:
        return f"{self.number}/{self.year}"


_COLUMNS = (
    "id, owner_site, year, number, kind, person_id, course_id, enrolment_id, issued_on,"
    " full_name, birth, course_title, result, payload, print_count, revoked_at, revoke_reason,"
    " reissue_of, state_sig, decision, decision_date"
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
        state_sig=str(r[18] or ""),
        decision=str(r[19] or ""),
        decision_date=dt.date.fromisoformat(str(r[20])) if r[20] else None,
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
    state_sig: str = ""
    decision: str = ""
    decision_date: dt.date | None = None


def certificate_search_text(full_name: str, course_title: str, number: int, year: int) -> str:
    """What the register's search matches: name, class and serial, folded."""
    return fold(f"{full_name} {course_title} {number}/{year}")


def insert_certificate(tx: Tx, c: NewCertificate) -> str:
    return tx.insert(
        "certificate",
        {
            "year": c.year, "number": c.number, "kind": c.kind.value, "person_id": c.person_id,
            "course_id": c.course_id, "enrolment_id": c.enrolment_id,
            "issued_on": c.issued_on.isoformat(), "full_name": c.full_name, "birth": c.birth,
            "course_title": c.course_title, "result": c.result.value if c.result else None,
            "payload": c.payload, "print_count": 1, "last_printed_at": tx.now,
            "reissue_of": c.reissue_of, "state_sig": c.state_sig, "decision": c.decision,
            "decision_date": c.decision_date.isoformat() if c.decision_date else None,
            "search_text": certificate_search_text(c.full_name, c.course_title, c.number, c.year),
        },
    )  # fmt: skip


def mark_printed(tx: Tx, cert_id: str) -> None:
    tx.conn.execute(
        "UPDATE certificate SET print_count = print_count + 1, last_printed_at = ? WHERE id = ?",
        (tx.now, cert_id),
    )
    tx.touch("certificate", [cert_id], ["print_count"])


def revoke(tx: Tx, cert_id: str, reason: str, state_sig: str) -> None:
    """Revoke at `tx.now`; `state_sig` signs the revoked state (core.certificates)."""
    tx.update(
        "certificate",
        cert_id,
        {"revoked_at": tx.now, "revoke_reason": reason, "state_sig": state_sig},
    )


def set_state_sig(tx: Tx, cert_id: str, state_sig: str) -> None:
    """Sign the state of a certificate registered before states were signed (once)."""
    tx.update("certificate", cert_id, {"state_sig": state_sig})


def own_unsigned(db: Database) -> list[CertificateRow]:
    """This site's certificates whose state nobody signed yet (registered before 0005)."""
    rows = db.conn.execute(
        f"SELECT {_COLUMNS} FROM certificate WHERE owner_site = ? AND state_sig = ''",
        (db.site_id,),
    ).fetchall()
    return [_row(r) for r in rows]


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


def _sites_where(sites: Sequence[str] | None) -> tuple[list[str], list[object]]:
    if sites is None:
        return [], []
    return [f"owner_site IN ({', '.join('?' for _ in sites)})"], list(sites)


def search_register(
    db: Database,
    text: str = "",
    year: int | None = None,
    limit: int = 500,
    sites: Sequence[str] | None = None,
) -> list[CertificateRow]:
    """`sites`: only the certificates these sites issued (an office's view); None: all."""
    scoped, params = _sites_where(sites)
    where = ["deleted = 0", *scoped]
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


def register_of_year(db: Database, year: int, site: str | None = None) -> list[CertificateRow]:
    """This site's (or centre `site`'s, at an office) certificates of the year in number
    order, as its register book lists them."""
    rows = db.conn.execute(
        f"SELECT {_COLUMNS} FROM certificate WHERE deleted = 0 AND owner_site = ? AND year = ?"
        " ORDER BY number",
        (site or db.site_id, year),
    ).fetchall()
    return [_row(r) for r in rows]


def reissued_as(db: Database, cert_ids: Sequence[str]) -> dict[str, str]:
    """For each of these certificates that was reissued: the id of the one replacing it."""
    out: dict[str, str] = {}
    for start in range(0, len(cert_ids), 500):
        chunk = list(cert_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for old, new in db.conn.execute(
            f"SELECT reissue_of, id FROM certificate WHERE deleted = 0 AND reissue_of IN ({marks})",
            chunk,
        ):
            out[str(old)] = str(new)
    return out


def register_years(db: Database, sites: Sequence[str] | None = None) -> list[int]:
    scoped, params = _sites_where(sites)
    where = " AND ".join(["deleted = 0", *scoped])
    return [
        int(r[0])
        for r in db.conn.execute(
            f"SELECT DISTINCT year FROM certificate WHERE {where} ORDER BY year DESC", params
        )
    ]
