"""SQL for a file that holds several sites' rows (an office database, or a centre that has
received rows from elsewhere): what is unique only within a site, and how rows of one site
find the rows they refer to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.storage.db import Database


@dataclass(frozen=True)
class CccdHolderAtSite:
    person_id: str
    owner_site: str
    deleted: bool


@dataclass(frozen=True)
class SharedCccd:
    """One CCCD number held by people of more than one site. The number is as stored:
    callers mask it before showing it."""

    cccd: str
    holders: tuple[CccdHolderAtSite, ...]

    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(sorted({h.owner_site for h in self.holders}))


def cccd_shared_across_sites(db: Database) -> list[SharedCccd]:
    """CCCD numbers that people of two or more sites hold (deleted people included: a number
    belongs to its person, deleted or not), ordered by number; holders by site, then id.

    Within a site a number is unique (the `person_cccd` index refuses a second holder);
    across sites it is reported for review, never refused: a person may have moved, or a
    number was mistyped at one centre.
    """
    rows = db.conn.execute(
        "SELECT p.cccd, p.id, p.owner_site, p.deleted FROM person p"
        " WHERE p.cccd IN (SELECT cccd FROM person WHERE cccd IS NOT NULL"
        "  GROUP BY cccd HAVING count(DISTINCT owner_site) > 1)"
        " ORDER BY p.cccd, p.owner_site, p.id"
    ).fetchall()
    out: list[SharedCccd] = []
    holders: list[CccdHolderAtSite] = []
    current: str | None = None
    for cccd, person_id, site, deleted in rows:
        if cccd != current:
            if current is not None:
                out.append(SharedCccd(current, tuple(holders)))
            current, holders = str(cccd), []
        holders.append(CccdHolderAtSite(str(person_id), str(site), bool(deleted)))
    if current is not None:
        out.append(SharedCccd(current, tuple(holders)))
    return out


def class_type_id(db: Database, code: str, owner_site: str) -> str | None:
    """The id of the class type with this code that a course of `owner_site` refers to: the
    site's own, else any with that code (a catalogue type sent down by the office); a live
    one before a deleted one. None when no class type has the code."""
    r = db.conn.execute(
        "SELECT id FROM class_type WHERE code = ?"
        " ORDER BY owner_site = ? DESC, deleted, id LIMIT 1",
        (code, owner_site),
    ).fetchone()
    return str(r[0]) if r else None


def unknown_centres(db: Database, sites: Sequence[str]) -> list[str]:
    """Those of `sites` that are not a centre whose rows this file holds as received (a
    foreign site row, `is_local = 0`, of role centre), in the order given."""
    known = {
        str(r[0])
        for r in db.conn.execute(
            "SELECT id FROM site WHERE is_local = 0 AND role = 'centre'"
            f" AND id IN ({', '.join('?' for _ in sites)})",
            list(sites),
        )
    }
    return [s for s in sites if s not in known]
