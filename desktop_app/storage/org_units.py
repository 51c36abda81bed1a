"""The office's administrative units (table org_unit, migration 0010) and the centres' places."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx


@dataclass(frozen=True)
class UnitRow:
    id: str
    code: str
    level: str
    name: str
    parent_code: str
    valid_from: str | None
    valid_to: str | None
    merged_into: tuple[str, ...]
    basis: str = ""
    owner_site: str = ""
    deleted: bool = False


@dataclass(frozen=True)
class CentrePlace:
    """Where one centre says it is (its profile row), and whose database it came from."""

    site_id: str
    site_name: str
    centre_name: str
    province_code: str | None
    province_name: str
    commune_code: str | None
    commune_name: str
    updated_at: str


def stamp(db: Database) -> tuple[int, int]:
    """Changes whenever a row is added, changed or deleted (rows are never removed): for a
    cache of the catalogue built over them."""
    row = db.conn.execute("SELECT count(*), coalesce(max(version), 0) FROM org_unit").fetchone()
    return int(row[0]), int(row[1])


def unit_rows(db: Database) -> list[UnitRow]:
    rows = db.conn.execute(
        "SELECT id, code, level, name, parent_code, valid_from, valid_to, merged_into, basis,"
        " owner_site, deleted FROM org_unit ORDER BY level, code, id"
    ).fetchall()
    return [
        UnitRow(
            id=str(r[0]),
            code=str(r[1]),
            level=str(r[2]),
            name=str(r[3]),
            parent_code=str(r[4]),
            valid_from=r[5],
            valid_to=r[6],
            merged_into=tuple(str(c) for c in json.loads(r[7])),
            basis=str(r[8]),
            owner_site=str(r[9]),
            deleted=bool(r[10]),
        )
        for r in rows
    ]


def _values(row: UnitRow) -> dict[str, object]:
    return {
        "code": row.code,
        "level": row.level,
        "name": row.name,
        "parent_code": row.parent_code,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "merged_into": json.dumps(list(row.merged_into)),
        "basis": row.basis,
        "deleted": 0,
    }


def put_units(tx: Tx, rows: Sequence[UnitRow]) -> tuple[int, int]:
    """Insert the rows this site does not hold, update those that differ (a deleted one comes
    back); returns (added, changed). Only this site's own rows are written."""
    held = {
        str(r[0]): str(r[1])
        for r in tx.conn.execute("SELECT id, owner_site FROM org_unit").fetchall()
    }
    new = [{"id": r.id, **_values(r)} for r in rows if r.id not in held]
    tx.insert_many("org_unit", new)
    changed = 0
    for r in rows:
        if r.id in held and held[r.id] == tx.site_id:
            changed += tx.update_changed("org_unit", r.id, _values(r))
    return len(new), changed


def delete_unit(tx: Tx, unit_id: str) -> bool:
    """Mark this site's row deleted; False if it holds no such live row."""
    row = tx.conn.execute(
        "SELECT 1 FROM org_unit WHERE id = ? AND owner_site = ? AND deleted = 0",
        (unit_id, tx.site_id),
    ).fetchone()
    if row is None:
        return False
    tx.update("org_unit", unit_id, {"deleted": 1})
    return True


def centre_places(db: Database, site_ids: Sequence[str] | None = None) -> list[CentrePlace]:
    """Every centre profile held (this site's and those imported from other sites), or only
    those of `site_ids`; the latest row of each site."""
    where, params = "c.deleted = 0", []
    if site_ids is not None:
        if not site_ids:
            return []
        where += f" AND c.owner_site IN ({', '.join('?' for _ in site_ids)})"
        params = list(site_ids)
    rows = db.conn.execute(
        "SELECT c.owner_site, coalesce(s.name, ''), c.name, c.province_code, c.province_name,"
        " c.commune_code, c.commune_name, c.updated_at"
        " FROM centre c LEFT JOIN site s ON s.id = c.owner_site"
        f" WHERE {where} ORDER BY c.owner_site, c.updated_at DESC, c.id",
        params,
    ).fetchall()
    places: dict[str, CentrePlace] = {}
    for r in rows:
        places.setdefault(
            str(r[0]),
            CentrePlace(
                site_id=str(r[0]),
                site_name=str(r[1]),
                centre_name=str(r[2]),
                province_code=r[3],
                province_name=str(r[4]),
                commune_code=r[5],
                commune_name=str(r[6]),
                updated_at=str(r[7]),
            ),
        )
    return list(places.values())
