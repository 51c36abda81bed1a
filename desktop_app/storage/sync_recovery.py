"""SQL of recovery: a centre takes its own rows back from its own bundles or from the
office's copy (services.sync_recovery).

An import at an office never writes rows of the importing site itself (storage.sync); a
recovery writes only those: every row of this site with a version above the one held comes
back as it was (owner, version and updated_at kept), anything held at the same or a newer
version stays. Then the change counter is raised above every version recovered, so the
next edit here has a version the office has never seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from desktop_app.storage import sync as repo
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx

_q = repo._q  # the same quoting as the payload code

# The row classes are storage.sync's (new, updated, unchanged, conflict, rejected); a row held
# at a newer version than the bundle's is "unchanged" here: nothing to recover.
NEW, UPDATED, UNCHANGED, CONFLICT, REJECTED = repo.CLASSES


class NotEmptyError(ValueError):
    """The database holds data (or knows other sites): it cannot take another identity."""


# A new database taking a centre's identity ------------------------------------------------


def identity_blockers(db: Database) -> list[str]:
    """Why this database cannot take another site's identity: the travelling tables that
    hold rows (other than the class types loaded at first start, which nothing uses yet),
    "site" when it knows other sites, "bundle_log" when it sent or read bundles. [] when it
    is empty."""
    conn = db.conn
    out = []
    for table in repo.travelling_tables_of(conn):
        if table == "class_type":
            used = conn.execute(
                "SELECT 1 FROM class_type t WHERE t.owner_site != ? OR EXISTS"
                " (SELECT 1 FROM course c WHERE c.type_id = t.id) LIMIT 1",
                (db.site_id,),
            ).fetchone()
            if used:
                out.append(table)
            continue
        if conn.execute(f"SELECT 1 FROM {_q(table)} LIMIT 1").fetchone():
            out.append(table)
    if conn.execute("SELECT 1 FROM site WHERE is_local = 0 LIMIT 1").fetchone():
        out.append("site")
    if conn.execute("SELECT 1 FROM bundle_log LIMIT 1").fetchone():
        out.append("bundle_log")
    return out


def take_identity(
    tx: Tx, site_id: str, *, name: str, role: str, public_key: str, age_recipient: str
) -> None:
    """Make this EMPTY database the installation of site `site_id` (a centre whose PC died),
    inside the open operation `tx`: the local site row takes the id, name, role and public
    keys; the class types loaded at first start are put aside. Raises NotEmptyError
    (changing nothing) when the database holds data. The caller reopens the database
    afterwards: `Database.site_id` is updated here, services' caches are not."""
    db = tx.db
    blockers = identity_blockers(db)
    if blockers:
        raise NotEmptyError(", ".join(blockers))
    old = db.site_id
    if old == site_id:
        return
    conn = tx.conn
    conn.execute(
        "UPDATE site SET id = ?, name = ?, role = ?, public_key = ?, age_recipient = ?,"
        " funds_seal = '' WHERE is_local = 1",
        (site_id, name, role, public_key or None, age_recipient or None),
    )
    # The shipped class types loaded at first start stay with the discarded id, marked
    # deleted: they never travel (not this site's rows) and the centre's own come back with
    # its records. (The catalogue is not loaded again: the table is not empty.)
    conn.execute("UPDATE class_type SET deleted = 1, active = 0 WHERE owner_site = ?", (old,))
    tx.note("site", site_id, f"database took the identity of site {site_id} (was {old})")
    db.site_id = site_id
    db.site_role = role


# Diff and apply of a site's own rows -------------------------------------------------------


def _classify_sql(table: str, common: Sequence[str], alias: str) -> str:
    differs = " OR ".join(f"m.{_q(c)} IS NOT p.{_q(c)}" for c in common if c != "id") or "0"
    changed = f"'{REJECTED}:{repo.LEDGER_CHANGED}'" if table == "ledger_entry" else f"'{UPDATED}'"
    return f"""
        SELECT p.rowid AS prow, p.id AS id, CASE
            WHEN p.owner_site IS NOT :me THEN '{REJECTED}:{repo.NOT_SENDERS}'
            WHEN m.id IS NULL THEN '{NEW}'
            WHEN m.owner_site != p.owner_site THEN '{REJECTED}:{repo.OTHER_OWNER}'
            WHEN m.version > p.version THEN '{UNCHANGED}'
            WHEN m.version < p.version THEN {changed}
            WHEN {differs} THEN '{CONFLICT}'
            ELSE '{UNCHANGED}' END AS cls
        FROM {alias}.{_q(table)} p LEFT JOIN main.{_q(table)} m ON m.id = p.id
    """


def _temp(tables: Mapping[str, Sequence[str]], table: str) -> str:
    return f"_rcls_{sorted(tables).index(table)}"


def unknown_tables(db: Database, tables: Mapping[str, Sequence[str]]) -> list[str]:
    """Tables or columns of the payload this database does not have ("table" or
    "table.column"): a bundle of a newer app, which this one cannot recover in full."""
    known = set(repo.travelling_tables_of(db.conn))
    out = []
    for table, cols in sorted(tables.items()):
        if table not in known:
            out.append(table)
            continue
        mine = set(repo.columns_of(db.conn, "main", table))
        out.extend(f"{table}.{c}" for c in cols if c not in mine)
    return out


def diff_own(
    db: Database, alias: str, tables: Mapping[str, Sequence[str]]
) -> tuple[repo.PayloadDiff, dict[str, list[str]]]:
    """Classify every row of the attached payload against the database, for this site's own
    rows, into temp tables `temp._rcls_<n>` (kept for `apply_own` on the same connection)."""
    known = set(repo.travelling_tables_of(db.conn))
    diff = repo.PayloadDiff()
    common_of: dict[str, list[str]] = {}
    for table, cols in sorted(tables.items()):
        td = repo.TableDiff()
        diff.tables[table] = td
        if table not in known:
            continue
        mine = repo.columns_of(db.conn, "main", table)
        common = [c for c in cols if c in mine]
        common_of[table] = common
        temp = _temp(tables, table)
        db.conn.execute(f"DROP TABLE IF EXISTS temp.{temp}")
        db.conn.execute(
            f"CREATE TEMP TABLE {temp} AS {_classify_sql(table, common, alias)}",
            {"me": db.site_id},
        )
        for cls, count in db.conn.execute(
            f"SELECT cls, count(*) FROM temp.{temp} GROUP BY cls"
        ).fetchall():
            td.counts[str(cls).split(":")[0]] += int(count)
        td.named = [
            (str(r[0]), str(r[1]).split(":", 1)[-1])
            for r in db.conn.execute(
                f"SELECT id, cls FROM temp.{temp} WHERE cls LIKE '{REJECTED}%'"
                f" OR cls = '{CONFLICT}' ORDER BY id LIMIT {repo.NAMED_MAX}"
            ).fetchall()
        ]
    return diff, common_of


def drop_diff(db: Database, tables: Mapping[str, Sequence[str]]) -> None:
    for n in range(len(tables)):
        db.conn.execute(f"DROP TABLE IF EXISTS temp._rcls_{n}")


def _retire_shadowed_class_types(tx: Tx, alias: str, temp: str) -> None:
    """The class types a new database loaded at first start carry the same codes as the
    recovered ones under other ids: each that no class uses steps aside (marked deleted, its
    code suffixed) so the centre's own comes back under its own id."""
    shadowed = [
        str(r[0])
        for r in tx.conn.execute(
            f"SELECT m.id FROM main.class_type m JOIN {alias}.class_type p"
            " ON p.code = m.code AND p.owner_site = m.owner_site AND p.id != m.id"
            f" JOIN temp.{temp} c ON c.prow = p.rowid AND c.cls = '{NEW}'"
            " WHERE m.owner_site = ? AND NOT EXISTS"
            " (SELECT 1 FROM main.course k WHERE k.type_id = m.id)",
            (tx.site_id,),
        ).fetchall()
    ]
    for row_id in shadowed:
        tx.conn.execute(
            "UPDATE class_type SET code = code || '~' || substr(id, 1, 8), deleted = 1,"
            " active = 0 WHERE id = ?",
            (row_id,),
        )
    if shadowed:
        tx.touch("class_type", shadowed, ("code", "deleted", "active"))


def apply_own(
    tx: Tx,
    alias: str,
    tables: Mapping[str, Sequence[str]],
    diff: repo.PayloadDiff,
    common_of: Mapping[str, Sequence[str]],
    *,
    bundle_id: str,
) -> repo.PayloadDiff:
    """Write the rows `diff_own` classed new or updated, inside the open operation `tx` (one
    transaction, foreign keys checked at its COMMIT); conflicts (same version, other
    content) go to `sync_conflict` for review. A row that clashes with one held (a unique
    number) is rejected, the rest written."""
    conn = tx.conn
    me = tx.site_id
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for table in sorted(common_of):
        td = diff.tables[table]
        common = list(common_of[table])
        temp = _temp(tables, table)
        wanted = td.counts[NEW] + td.counts[UPDATED]
        if table == "class_type" and td.counts[NEW]:
            _retire_shadowed_class_types(tx, alias, temp)
        select = (
            f"SELECT {', '.join(f'p.{_q(c)}' for c in common)} FROM temp.{temp} c"
            f" JOIN {alias}.{_q(table)} p ON p.rowid = c.prow"
            f" WHERE c.cls IN ('{NEW}', '{UPDATED}')"
        )
        if wanted:
            conn.execute(f"SAVEPOINT recover_{table}")
            try:
                tx.put_foreign_select(table, common, select, owners={me: wanted}, recovered=True)
                conn.execute(f"RELEASE recover_{table}")
            except Exception as exc:
                if not repo._is_constraint(exc):
                    raise
                conn.execute(f"ROLLBACK TO recover_{table}")
                conn.execute(f"RELEASE recover_{table}")
                repo.apply_row_by_row(tx, alias, table, common, temp, td, recovered=True)
        if td.counts[CONFLICT]:
            conn.execute(
                "INSERT OR IGNORE INTO sync_conflict (id, bundle_id, peer_site, table_name,"
                " row_id, version, incoming, detected_at)"
                f" SELECT :uuid || '-' || p.rowid, :bundle, :me, :table, p.id, p.version,"
                f" {repo._json_object(common)}, :now"
                f" FROM {alias}.{_q(table)} p"
                f" WHERE p.id IN (SELECT id FROM temp.{temp} WHERE cls = '{CONFLICT}')",
                {"uuid": bundle_id, "bundle": bundle_id, "me": me, "table": table, "now": tx.now},
            )
    return diff


def max_version(db: Database, alias: str, tables: Mapping[str, Sequence[str]]) -> int:
    """The highest version of the payload's rows of this site."""
    top = 0
    for table in tables:
        r = db.conn.execute(
            f"SELECT max(version) FROM {alias}.{_q(table)} WHERE owner_site = ?", (db.site_id,)
        ).fetchone()
        if r and r[0] is not None:
            top = max(top, int(r[0]))
    return top


def raise_counter(tx: Tx, version: int) -> None:
    """The change counter goes to at least `version`: the next edit here is above it."""
    tx.conn.execute("UPDATE change_counter SET value = max(value, ?) WHERE id = 1", (int(version),))


def own_fund_ids(db: Database) -> list[str]:
    """This site's funds, deleted ones too (what `site.funds_seal` covers)."""
    return [
        str(r[0])
        for r in db.conn.execute(
            "SELECT id FROM fund WHERE owner_site = ? ORDER BY id", (db.site_id,)
        ).fetchall()
    ]


def max_own_version(db_path: Path, owner_site: str) -> int:
    """The highest version of `owner_site`'s rows in the database file (the office's copy
    of a centre), read on a connection of its own."""
    from desktop_app.storage.db import open_database

    source = open_database(db_path, read_only=True)
    try:
        top = 0
        for table in repo.travelling_tables_of(source.conn):
            r = source.conn.execute(
                f"SELECT max(version) FROM {_q(table)} WHERE owner_site = ?", (owner_site,)
            ).fetchone()
            if r and r[0] is not None:
                top = max(top, int(r[0]))
        return top
    finally:
        source.close()
