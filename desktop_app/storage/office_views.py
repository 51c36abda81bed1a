"""Reads an office's lists need: whose row is this, and each centre's own profile row."""

from __future__ import annotations

from collections.abc import Sequence

from desktop_app.storage.db import Database
from desktop_app.storage.people import CentreRow

# The travelling tables an office's pages show and may have to refuse to edit.
OWNED_TABLES = frozenset(
    {"person", "household", "course", "certificate", "member", "branch", "fund", "ledger_entry"}
)


def row_owner(db: Database, table: str, row_id: str) -> str | None:
    """The site that owns row `row_id` of `table` (None when the row is not held)."""
    if table not in OWNED_TABLES:
        raise ValueError(table)
    r = db.conn.execute(f"SELECT owner_site FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return str(r[0]) if r else None


def centre_row_of(db: Database, site_id: str) -> CentreRow | None:
    """The centre profile row that `site_id` owns (an enrolled centre's arrives in its
    bundles), or None."""
    r = db.conn.execute(
        "SELECT id, name, province_code, province_name, commune_code, commune_name,"
        " upstream_office, address, phone, director, hoi_parent, hoi_chair, head_of_unit,"
        " accountant, treasurer, voucher_form FROM centre"
        " WHERE owner_site = ? AND deleted = 0 LIMIT 1",
        (site_id,),
    ).fetchone()
    return CentreRow(*r) if r else None


def sites_sql(sites: Sequence[str] | None, column: str) -> tuple[str, list[str]]:
    """` AND column IN (...)` for a choice of sites; nothing for None (every site)."""
    if sites is None:
        return "", []
    return f" AND {column} IN ({', '.join('?' for _ in sites)})", list(sites)
