"""SQL of bundles: the payload file (a SQLite database of the rows one site sends), the diff
of a payload against the database, and applying it in one transaction.

A payload holds one table per travelling table, with the sender's columns, every row the
sender owns past a version (deleted rows included: they are the tombstones), plus
`_meta(key, value)` and `_ledger_heads(fund_id, seq, hash, balance, signature)`. Everything
moves through `ATTACH` and `INSERT ... SELECT`: no row passes through Python.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.ids import new_id
from desktop_app.storage.db import Database, open_database
from desktop_app.storage.tx import Tx

EPOCH_KEY = "sync.epoch"
SEQ_KEY = "sync.seq"  # the last sequence number this site gave a bundle, in its epoch
PREV_HASH_KEY = "sync.prev_hash"  # the file hash of this site's last bundle written

# Table names of a payload that are not travelling tables.
META_TABLE = "_meta"
HEADS_TABLE = "_ledger_heads"
# In a data bundle an office sends to a higher office: the sites whose rows it relays (their
# public facts) and the ledger heads those sites reported to it, signed by them.
RELAYED_SITES_TABLE = "_relayed_sites"
RELAYED_HEADS_TABLE = "_relayed_heads"

# Per bundle, how many rejected or conflicting rows are named one by one.
NAMED_MAX = 200

# Row classes of a diff.
NEW, UPDATED, UNCHANGED, CONFLICT, REJECTED = "new", "updated", "unchanged", "conflict", "rejected"
CLASSES = (NEW, UPDATED, UNCHANGED, CONFLICT, REJECTED)

# Reasons a row is rejected (stable codes; services translate them).
OLDER = "older"  # older than what is held
OWN_ROW = "own"  # a row of the importing site itself
NOT_SENDERS = "not-senders"  # a row the sender does not own
OTHER_OWNER = "other-owner"  # the id is held as another site's row
LEDGER_CHANGED = "ledger-changed"  # a ledger entry held with another version: entries never change
CLASH = "clash"  # clashes with a row held (a unique number or a missing parent)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns_of(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA {schema}.table_info({_q(table)})").fetchall()]


# The epoch and this site's sequence numbers ------------------------------------------------


def epoch(db: Database) -> int:
    return int(db.get_setting(EPOCH_KEY, "0") or 0)


def _set(tx: Tx, key: str, value: str) -> None:
    tx.conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def start_new_epoch(tx: Tx, now: float | None = None) -> int:
    """A restored (or otherwise rewound) database starts a new epoch: its change counter
    jumps to at least `unix seconds << 20`, so every edit made from now on has a version
    above anything the lost copy issued, and its bundles count their sequence from 1 again
    (the office resets its chain on a newer epoch). Returns the new epoch."""
    seconds = int(time.time() if now is None else now)
    tx.conn.execute(
        "UPDATE change_counter SET value = max(value, ?) WHERE id = 1", (seconds << 20,)
    )
    new = max(epoch(tx.db) + 1, seconds)
    _set(tx, EPOCH_KEY, str(new))
    _set(tx, SEQ_KEY, "0")
    _set(tx, PREV_HASH_KEY, "")
    tx.note("site", tx.site_id, f"new sync epoch {new}")
    return new


def reserve_seq(tx: Tx) -> tuple[int, int, str]:
    """The next sequence number of this site's bundles, taken now (a crash before the file
    is written leaves a gap, which the peer accepts): (epoch, seq, prev_hash)."""
    seq = int(tx.db.get_setting(SEQ_KEY, "0") or 0) + 1
    _set(tx, SEQ_KEY, str(seq))
    return epoch(tx.db), seq, tx.db.get_setting(PREV_HASH_KEY, "")


def written(tx: Tx, file_hash: str) -> None:
    """The bundle just written is the one the next names as its predecessor."""
    _set(tx, PREV_HASH_KEY, file_hash)


def counter_value(db: Database) -> int:
    return int(db.conn.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()[0])


# Building a payload ----------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerHead:
    fund_id: str
    seq: int
    hash: str
    balance: int
    signature: str = ""

    def facts(self, site_id: str) -> dict[str, object]:
        """What the signature covers."""
        return {
            "site": site_id,
            "fund_id": self.fund_id,
            "seq": self.seq,
            "hash": self.hash,
            "balance": self.balance,
        }


@dataclass(frozen=True)
class BuiltPayload:
    path: Path
    rows: dict[str, int]
    version_from: int
    version_to: int
    # Relayed by an office: per relayed site, the highest version of its rows held in the
    # snapshot (what the higher office's acknowledgement then covers).
    owners_to: dict[str, int] = field(default_factory=dict)


def own_ledger_heads(db: Database) -> list[LedgerHead]:
    """The heads of the funds this site owns (deleted ones too), unsigned."""
    return [
        LedgerHead(str(r[0]), int(r[1]), str(r[2]), int(r[3]))
        for r in db.conn.execute(
            "SELECT id, head_seq, head_hash, head_balance FROM fund WHERE owner_site = ?"
            " ORDER BY id",
            (db.site_id,),
        ).fetchall()
    ]


def _new_payload_file(path: Path) -> sqlite3.Connection:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute(
        f"CREATE TABLE {HEADS_TABLE} (fund_id TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
        " hash TEXT NOT NULL, balance INTEGER NOT NULL, signature TEXT NOT NULL)"
    )
    return conn


def build_payload(
    db_path: Path,
    out: Path,
    *,
    owner_site: str,
    above_version: int,
    tables: Sequence[str] | None = None,
    meta: Mapping[str, str] | None = None,
    heads: Sequence[LedgerHead] = (),
    relay: Mapping[str, int] | None = None,
    relay_sites: Sequence[PeerSite] = (),
    relay_heads: Mapping[str, Sequence[LedgerHead]] | None = None,
) -> BuiltPayload:
    """Write to `out` (a new SQLite file) every row of `owner_site` with a version above
    `above_version`, of each travelling table (or of `tables`), read from one snapshot of the
    database at `db_path` on a connection of its own. `meta` goes into `_meta` (with
    "version_to", the change counter in that snapshot), `heads` into `_ledger_heads`.

    An office sending to a higher office also relays, per site of `relay`, that site's rows
    above the version given; `relay_sites` and `relay_heads` (signed by their sites) go into
    `_relayed_sites` and `_relayed_heads`."""
    payload = _new_payload_file(out)
    payload.close()
    source = open_database(db_path, read_only=True)
    conn = source.conn
    try:
        conn.execute("ATTACH DATABASE ? AS payload", (str(out),))
        try:
            conn.execute("BEGIN")
            try:
                version_to = counter_value(source)
                names = list(tables) if tables is not None else travelling_tables_of(conn)
                rows: dict[str, int] = {}
                marks = json.dumps(dict(relay or {}), sort_keys=True)
                owners_to: dict[str, int] = dict.fromkeys(relay or {}, 0)
                for table in names:
                    conn.execute(
                        f"CREATE TABLE payload.{_q(table)} AS SELECT * FROM main.{_q(table)}"
                        " WHERE 0"
                    )
                    cur = conn.execute(
                        f"INSERT INTO payload.{_q(table)} SELECT * FROM main.{_q(table)}"
                        " WHERE owner_site = ? AND version > ? ORDER BY rowid",
                        (owner_site, above_version),
                    )
                    rows[table] = max(cur.rowcount, 0)
                    if not relay:
                        continue
                    cur = conn.execute(
                        f"INSERT INTO payload.{_q(table)} SELECT t.* FROM json_each(?) k"
                        f" JOIN main.{_q(table)} t ON t.owner_site = k.key"
                        " WHERE t.version > k.value ORDER BY t.rowid",
                        (marks,),
                    )
                    rows[table] += max(cur.rowcount, 0)
                    for site, top in conn.execute(
                        f"SELECT owner_site, max(version) FROM main.{_q(table)}"
                        " WHERE owner_site IN (SELECT key FROM json_each(?))"
                        " GROUP BY owner_site",
                        (marks,),
                    ).fetchall():
                        owners_to[str(site)] = max(owners_to[str(site)], int(top))
                facts = dict(meta or {})
                facts["owner_site"] = owner_site
                facts["version_from"] = str(above_version)
                facts["version_to"] = str(version_to)
                conn.executemany(
                    f"INSERT INTO payload.{META_TABLE} (key, value) VALUES (?, ?)",
                    sorted(facts.items()),
                )
                conn.executemany(
                    f"INSERT INTO payload.{HEADS_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [(h.fund_id, h.seq, h.hash, h.balance, h.signature) for h in heads],
                )
                if relay is not None:
                    _write_relay(conn, relay_sites, relay_heads or {})
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error, Exception):
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("DETACH DATABASE payload")
    finally:
        source.close()
    return BuiltPayload(out, rows, above_version, version_to, owners_to if relay else {})


def _write_relay(
    conn: sqlite3.Connection,
    sites: Sequence[PeerSite],
    heads: Mapping[str, Sequence[LedgerHead]],
) -> None:
    conn.execute(
        f"CREATE TABLE payload.{RELAYED_SITES_TABLE} (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " role TEXT NOT NULL, public_key TEXT NOT NULL, commune_code TEXT, commune_name TEXT"
        " NOT NULL, province_code TEXT, province_name TEXT NOT NULL)"
    )
    conn.execute(
        f"CREATE TABLE payload.{RELAYED_HEADS_TABLE} (site TEXT NOT NULL, fund_id TEXT NOT NULL,"
        " seq INTEGER NOT NULL, hash TEXT NOT NULL, balance INTEGER NOT NULL,"
        " signature TEXT NOT NULL, PRIMARY KEY (site, fund_id))"
    )
    conn.executemany(
        f"INSERT INTO payload.{RELAYED_SITES_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.name, s.role, s.public_key, s.commune_code, s.commune_name,
             s.province_code, s.province_name)
            for s in sites
        ],
    )  # fmt: skip
    conn.executemany(
        f"INSERT INTO payload.{RELAYED_HEADS_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
        [
            (site, h.fund_id, h.seq, h.hash, h.balance, h.signature)
            for site, hs in sorted(heads.items())
            for h in hs
        ],
    )


def travelling_tables_of(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    names = [
        str(r[0])
        for r in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        ).fetchall()
    ]
    return [n for n in names if {"owner_site", "version"} <= set(columns_of(conn, schema, n))]


def write_empty_payload(out: Path, meta: Mapping[str, str]) -> Path:
    """A payload with `_meta` only (acknowledgements, correction requests...)."""
    conn = _new_payload_file(out)
    try:
        conn.executemany(
            f"INSERT INTO {META_TABLE} (key, value) VALUES (?, ?)", sorted(meta.items())
        )
    finally:
        conn.close()
    return out


# Reading a payload -----------------------------------------------------------------------


@dataclass(frozen=True)
class PayloadFacts:
    meta: dict[str, str]
    heads: list[LedgerHead]
    tables: dict[str, list[str]]  # table -> its columns, as the sender has them
    rows: dict[str, int]
    # Sent by an office to a higher office: the sites it relays, and their signed heads.
    relayed_sites: list[PeerSite] = field(default_factory=list)
    relayed_heads: dict[str, list[LedgerHead]] = field(default_factory=dict)


def read_payload(path: Path) -> PayloadFacts:
    """The facts of a payload file; ValueError when it is not one."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ValueError(str(exc)) from exc
    try:
        meta = {str(k): str(v) for k, v in conn.execute(f"SELECT key, value FROM {META_TABLE}")}
        heads = [
            LedgerHead(str(r[0]), int(r[1]), str(r[2]), int(r[3]), str(r[4]))
            for r in conn.execute(
                f"SELECT fund_id, seq, hash, balance, signature FROM {HEADS_TABLE} ORDER BY 1"
            )
        ]
        tables = {t: columns_of(conn, "main", t) for t in travelling_tables_of(conn)}
        rows = {t: int(conn.execute(f"SELECT count(*) FROM {_q(t)}").fetchone()[0]) for t in tables}
        sites: list[PeerSite] = []
        relayed: dict[str, list[LedgerHead]] = {}
        if columns_of(conn, "main", RELAYED_SITES_TABLE):
            sites = [
                PeerSite(
                    str(r[0]), str(r[1]), str(r[2]), str(r[3]), "", "", None, None,
                    None if r[4] is None else str(r[4]), str(r[5]),
                    None if r[6] is None else str(r[6]), str(r[7]),
                )
                for r in conn.execute(
                    "SELECT id, name, role, public_key, commune_code, commune_name,"
                    f" province_code, province_name FROM {RELAYED_SITES_TABLE} ORDER BY id"
                )
            ]  # fmt: skip
            for r in conn.execute(
                "SELECT site, fund_id, seq, hash, balance, signature"
                f" FROM {RELAYED_HEADS_TABLE} ORDER BY site, fund_id"
            ):
                relayed.setdefault(str(r[0]), []).append(
                    LedgerHead(str(r[1]), int(r[2]), str(r[3]), int(r[4]), str(r[5]))
                )
    except sqlite3.Error as exc:
        raise ValueError(str(exc)) from exc
    finally:
        conn.close()
    return PayloadFacts(meta, heads, tables, rows, sites, relayed)


def payload_rows(path: Path, table: str) -> list[dict[str, object]]:
    """Every row of one table of a payload (small tables: correction requests, tests)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(f"SELECT * FROM {_q(table)}")]
    finally:
        conn.close()


# Diff and apply --------------------------------------------------------------------------


@dataclass
class TableDiff:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    # (row id, reason code) of rejected rows and conflicts, at most NAMED_MAX.
    named: list[tuple[str, str]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


@dataclass
class PayloadDiff:
    tables: dict[str, TableDiff] = field(default_factory=dict)

    def total(self, cls: str) -> int:
        return sum(t.counts[cls] for t in self.tables.values())


@contextlib.contextmanager
def attached(db: Database, path: Path, alias: str = "incoming") -> Iterator[str]:
    """`path` attached to the database's connection as `alias` (read-only), for the block."""
    db.conn.execute(f"ATTACH DATABASE ? AS {alias}", (f"{path.resolve().as_uri()}?mode=ro",))
    try:
        yield alias
    finally:
        db.conn.execute(f"DETACH DATABASE {alias}")


def _classify_sql(table: str, common: Sequence[str], alias: str, relayed: bool = False) -> str:
    """One row per payload row: its id and class (with the reason code when rejected).
    `relayed`: the sender is an office that also relays the rows of the sites listed in the
    JSON array parameter `:relayed`."""
    others = " AND p.owner_site NOT IN (SELECT value FROM json_each(:relayed))" if relayed else ""
    differs = " OR ".join(f"m.{_q(c)} IS NOT p.{_q(c)}" for c in common if c != "id") or "0"
    changed_version = (
        f"'{REJECTED}:{LEDGER_CHANGED}'" if table == "ledger_entry" else f"'{UPDATED}'"
    )
    return f"""
        SELECT p.rowid AS prow, p.id AS id, CASE
            WHEN p.owner_site = :me THEN '{REJECTED}:{OWN_ROW}'
            WHEN p.owner_site != :sender{others} THEN '{REJECTED}:{NOT_SENDERS}'
            WHEN m.id IS NULL THEN '{NEW}'
            WHEN m.owner_site != p.owner_site THEN '{REJECTED}:{OTHER_OWNER}'
            WHEN m.version > p.version THEN '{REJECTED}:{OLDER}'
            WHEN m.version < p.version THEN {changed_version}
            WHEN {differs} THEN '{CONFLICT}'
            ELSE '{UNCHANGED}' END AS cls
        FROM {alias}.{_q(table)} p LEFT JOIN main.{_q(table)} m ON m.id = p.id
    """


def _known_tables(db: Database) -> set[str]:
    return set(travelling_tables_of(db.conn))


def _params(site_id: str, sender: str, relayed: Sequence[str]) -> dict[str, str]:
    params = {"me": site_id, "sender": sender}
    if relayed:
        params["relayed"] = json.dumps(sorted(relayed))
    return params


def diff_payload(
    db: Database, alias: str, tables: Mapping[str, Sequence[str]], *, sender: str,
    relayed: Sequence[str] = (),
) -> tuple[PayloadDiff, dict[str, list[str]]]:  # fmt: skip
    """Classify every row of the attached payload against the database, in temp tables
    `temp._cls_<n>` (kept for `apply_payload` on the same connection). Returns the diff and,
    per known table, the columns both sides have. Rows are the sender's, or (an office
    relaying) of one of the `relayed` sites; any other owner's are rejected."""
    known = _known_tables(db)
    diff = PayloadDiff()
    common_of: dict[str, list[str]] = {}
    for n, (table, cols) in enumerate(sorted(tables.items())):
        td = TableDiff()
        diff.tables[table] = td
        if table not in known:
            # A table of a newer minor schema: its rows are kept aside, all of them "new".
            count = db.conn.execute(f"SELECT count(*) FROM {alias}.{_q(table)}").fetchone()[0]
            td.counts[NEW] = int(count)
            td.unknown_columns = list(cols)
            continue
        mine = columns_of(db.conn, "main", table)
        common = [c for c in cols if c in mine]
        td.unknown_columns = [c for c in cols if c not in mine]
        common_of[table] = common
        temp = f"_cls_{n}"
        db.conn.execute(f"DROP TABLE IF EXISTS temp.{temp}")
        params = _params(db.site_id, sender, relayed)
        classify = _classify_sql(table, common, alias, bool(relayed))
        # Counted first without keeping the classes: when every row is new or newer (a
        # centre's first bundle, most bundles) apply_payload needs no per-row classes.
        for cls, count in db.conn.execute(
            f"SELECT cls, count(*) FROM ({classify}) GROUP BY cls",
            params,
        ).fetchall():
            base = str(cls).split(":")[0]
            td.counts[base] += int(count)
        if td.counts[NEW] + td.counts[UPDATED] == sum(td.counts.values()):
            continue
        db.conn.execute(f"CREATE TEMP TABLE {temp} AS {classify}", params)
        td.named = [
            (str(r[0]), str(r[1]).split(":", 1)[-1])
            for r in db.conn.execute(
                f"SELECT id, cls FROM temp.{temp} WHERE cls LIKE '{REJECTED}%'"
                f" OR cls = '{CONFLICT}' ORDER BY id LIMIT {NAMED_MAX}"
            ).fetchall()
        ]
    return diff, common_of


def _temp_name(tables: Mapping[str, Sequence[str]], table: str) -> str:
    return f"_cls_{sorted(tables).index(table)}"


def apply_payload(
    tx: Tx,
    alias: str,
    tables: Mapping[str, Sequence[str]],
    diff: PayloadDiff,
    common_of: Mapping[str, Sequence[str]],
    *,
    bundle_id: str,
    sender: str,
    relayed: Sequence[str] = (),
) -> PayloadDiff:
    """Write the rows `diff_payload` classed new or updated, inside the open operation `tx`
    (one transaction, foreign keys checked at its COMMIT); conflicts go to `sync_conflict`,
    unknown columns and tables to `sync_extra`. A row that clashes with one held (a unique
    number) is rejected, the rest applied. Returns the diff as applied."""
    conn = tx.conn
    conn.execute("PRAGMA defer_foreign_keys = ON")
    # Parents before children helps nothing with deferred keys, but a stable order keeps
    # the row-by-row fallback deterministic.
    for table in sorted(tables):
        td = diff.tables[table]
        if table not in common_of:
            _keep_unknown_table(tx, alias, table)
            continue
        common = list(common_of[table])
        temp = _temp_name(tables, table)
        cols = ", ".join(_q(c) for c in common)
        wanted = td.counts[NEW] + td.counts[UPDATED]
        if wanted == sum(td.counts.values()):
            select = f"SELECT {cols} FROM {alias}.{_q(table)}"  # every row: no filter
        else:
            select = (
                f"SELECT {', '.join(f'p.{_q(c)}' for c in common)} FROM temp.{temp} c"
                f" JOIN {alias}.{_q(table)} p ON p.rowid = c.prow"
                f" WHERE c.cls IN ('{NEW}', '{UPDATED}')"
            )
        if wanted:
            with _bulk(tx, table, td.counts[NEW]):
                conn.execute(f"SAVEPOINT apply_{table}")
                try:
                    # The diff classed only the sender's rows new or updated (or, relayed,
                    # those of the sites it relays: counted per owner then).
                    tx.put_foreign_select(
                        table, common, select, owners=None if relayed else {sender: wanted}
                    )
                    conn.execute(f"RELEASE apply_{table}")
                except Exception as exc:
                    if not _is_constraint(exc):
                        raise
                    conn.execute(f"ROLLBACK TO apply_{table}")
                    conn.execute(f"RELEASE apply_{table}")
                    _classes(tx, alias, table, common, temp, sender, relayed)
                    apply_row_by_row(tx, alias, table, common, temp, td)
        if td.counts[CONFLICT]:
            conn.execute(
                "INSERT OR IGNORE INTO sync_conflict (id, bundle_id, peer_site, table_name,"
                " row_id, version, incoming, detected_at)"
                f" SELECT :uuid || '-' || p.rowid, :bundle, :sender, :table, p.id, p.version,"
                f" {_json_object(common)}, :now"
                f" FROM {alias}.{_q(table)} p"
                f" WHERE p.id IN (SELECT id FROM temp.{temp} WHERE cls = '{CONFLICT}')",
                {
                    "uuid": new_id(),
                    "bundle": bundle_id,
                    "sender": sender,
                    "table": table,
                    "now": tx.now,
                },
            )
        if td.unknown_columns and wanted:
            # Every row was written (no classes kept), or those the classes say.
            written_rows = (
                "true"
                if td.counts[NEW] + td.counts[UPDATED] == sum(td.counts.values())
                else f"p.id IN (SELECT id FROM temp.{temp} WHERE cls IN ('{NEW}', '{UPDATED}'))"
            )
            conn.execute(
                "INSERT INTO sync_extra (table_name, row_id, data)"
                f" SELECT :table, p.id, {_json_object(td.unknown_columns)}"
                f" FROM {alias}.{_q(table)} p WHERE {written_rows}"
                " ON CONFLICT (table_name, row_id) DO UPDATE SET data = excluded.data",
                {"table": table},
            )
    return diff


# People arriving in bulk (at least this many new, and at least as many as are held: a
# centre's first bundle at its office) have their name-ordered indexes and the search index
# built once after the insert instead of row by row (200,000 people: 8 s -> about 4 s).
# Other tables gain nothing measurable: their rows arrive in the order of their indexes.
BULK_MIN_ROWS = 20_000


@contextlib.contextmanager
def _bulk(tx: Tx, table: str, new_rows: int) -> Iterator[None]:
    """Inside the open write: defer the upkeep of the people's non-unique indexes and search
    index when many new people come (the unique CCCD index stays: it is what refuses a
    clashing row). A rollback of the write restores the indexes with the rest."""
    if table != "person" or new_rows < BULK_MIN_ROWS:
        yield
        return
    held = int(tx.conn.execute("SELECT count(*) FROM main.person").fetchone()[0])
    if new_rows < held:
        yield
        return
    from desktop_app.storage.people import bulk_loading

    with bulk_loading(tx.db):
        yield


def _json_object(cols: Sequence[str], alias: str = "p") -> str:
    """SQL for a JSON object of the row's columns (SQLite allows 127 arguments a function,
    so wide rows are built in parts and patched together)."""
    parts = []
    for start in range(0, len(cols), 60):
        chunk = cols[start : start + 60]
        inner = ", ".join(f"'{c}', {alias}.{_q(c)}" for c in chunk)
        parts.append(f"json_object({inner})")
    if not parts:
        return "json_object()"
    out = parts[0]
    for part in parts[1:]:
        out = f"json_patch({out}, {part})"
    return out


def _keep_unknown_table(tx: Tx, alias: str, table: str) -> None:
    cols = columns_of(tx.conn, alias, table)
    tx.conn.execute(
        "INSERT INTO sync_extra (table_name, row_id, data)"
        f" SELECT :table, p.id, {_json_object(cols)}"
        f" FROM {alias}.{_q(table)} p WHERE true"
        " ON CONFLICT (table_name, row_id) DO UPDATE SET data = excluded.data",
        {"table": table},
    )


def _is_constraint(exc: BaseException) -> bool:
    from desktop_app.core.problems import StoreError

    if isinstance(exc, StoreError):
        return exc.kind == StoreError.CONFLICT
    return isinstance(exc, sqlite3.IntegrityError)


def _classes(
    tx: Tx, alias: str, table: str, common: Sequence[str], temp: str, sender: str,
    relayed: Sequence[str] = (),
) -> None:  # fmt: skip
    """The per-row classes of `table` in `temp` (diff_payload keeps them only when some row
    is not new or newer)."""
    tx.conn.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {temp}"
        f" AS {_classify_sql(table, common, alias, bool(relayed))}",
        _params(tx.site_id, sender, relayed),
    )


def apply_row_by_row(
    tx: Tx, alias: str, table: str, common: list[str], temp: str, td: TableDiff, *,
    recovered: bool = False,
) -> None:  # fmt: skip
    """The bulk write of `table` hit a unique constraint: write its rows one at a time,
    twice round (a number handed from one row to another clashes only in one order), and
    reject what still clashes."""
    conn = tx.conn
    cols = ", ".join(_q(c) for c in common)
    pending = [
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            f"SELECT id, cls FROM temp.{temp} WHERE cls IN ('{NEW}', '{UPDATED}') ORDER BY id"
        ).fetchall()
    ]
    for _round in range(2):
        failed: list[tuple[str, str]] = []
        for row_id, cls in pending:
            row = conn.execute(
                f"SELECT {cols} FROM {alias}.{_q(table)} WHERE id = ?", (row_id,)
            ).fetchone()
            conn.execute("SAVEPOINT one_row")
            try:
                tx.put_foreign(table, common, [tuple(row)], recovered=recovered)
                conn.execute("RELEASE one_row")
            except Exception as exc:
                if not _is_constraint(exc):
                    raise
                conn.execute("ROLLBACK TO one_row")
                conn.execute("RELEASE one_row")
                failed.append((row_id, cls))
        pending = failed
        if not pending:
            break
    for row_id, cls in pending:
        td.counts[cls] -= 1
        td.counts[REJECTED] += 1
        if len(td.named) < NAMED_MAX:
            td.named.append((row_id, CLASH))
        conn.execute(
            f"UPDATE temp.{temp} SET cls = ? WHERE id = ?", (f"{REJECTED}:{CLASH}", row_id)
        )


def drop_diff(db: Database, tables: Mapping[str, Sequence[str]]) -> None:
    for n in range(len(tables)):
        db.conn.execute(f"DROP TABLE IF EXISTS temp._cls_{n}")


# Peers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerSite:
    id: str
    name: str
    role: str
    public_key: str
    age_recipient: str
    relation: str
    enrolled_at: str | None
    revoked_at: str | None
    commune_code: str | None
    commune_name: str
    province_code: str | None
    province_name: str
    # A site known only through the office below this one that relays its rows.
    via_site: str | None = None

    def is_relayed_by(self, office: str) -> bool:
        return not self.relation and self.via_site == office


_PEER_COLUMNS = (
    "id, name, role, coalesce(public_key, ''), coalesce(age_recipient, ''), relation,"
    " enrolled_at, revoked_at, commune_code, commune_name, province_code, province_name,"
    " via_site"
)


def _peer(r: Sequence[object]) -> PeerSite:
    return PeerSite(
        str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
        None if r[6] is None else str(r[6]), None if r[7] is None else str(r[7]),
        None if r[8] is None else str(r[8]), str(r[9]),
        None if r[10] is None else str(r[10]), str(r[11]),
        None if r[12] is None else str(r[12]),
    )  # fmt: skip


def get_site(db: Database, site_id: str) -> PeerSite | None:
    r = db.conn.execute(f"SELECT {_PEER_COLUMNS} FROM site WHERE id = ?", (site_id,)).fetchone()
    return _peer(r) if r else None


def peers(db: Database, relation: str) -> list[PeerSite]:
    return [
        _peer(r)
        for r in db.conn.execute(
            f"SELECT {_PEER_COLUMNS} FROM site WHERE is_local = 0 AND relation = ?"
            " ORDER BY name, id",
            (relation,),
        ).fetchall()
    ]


def put_peer(tx: Tx, peer: PeerSite) -> None:
    """Record (or refresh) another site's public facts."""
    tx.conn.execute(
        "INSERT INTO site (id, name, role, created_at, is_local, public_key, age_recipient,"
        " relation, enrolled_at, revoked_at, commune_code, commune_name, province_code,"
        " province_name) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,"
        " public_key = excluded.public_key, age_recipient = excluded.age_recipient,"
        " relation = excluded.relation, enrolled_at = excluded.enrolled_at,"
        " revoked_at = excluded.revoked_at, commune_code = excluded.commune_code,"
        " commune_name = excluded.commune_name, province_code = excluded.province_code,"
        " province_name = excluded.province_name WHERE is_local = 0",
        (
            peer.id, peer.name, peer.role, tx.now, peer.public_key, peer.age_recipient,
            peer.relation, peer.enrolled_at, peer.revoked_at, peer.commune_code,
            peer.commune_name, peer.province_code, peer.province_name,
        ),
    )  # fmt: skip
    tx.note("site", peer.id, f"peer {peer.relation or 'known'}")


def relayed_sites(db: Database) -> list[PeerSite]:
    """The sites whose rows this office sends up to a higher office: the centres (and lower
    offices) enrolled here, revoked ones included (their rows received stay records), and
    the sites those lower offices relay here."""
    return [
        _peer(r)
        for r in db.conn.execute(
            f"SELECT {_PEER_COLUMNS} FROM site WHERE is_local = 0"
            " AND (relation = 'downstream' OR via_site IS NOT NULL) ORDER BY id"
        ).fetchall()
    ]


def relayed_via(db: Database, via: str) -> list[PeerSite]:
    """The sites known here only through the lower office `via`."""
    return [
        _peer(r)
        for r in db.conn.execute(
            f"SELECT {_PEER_COLUMNS} FROM site WHERE is_local = 0 AND via_site = ?"
            " ORDER BY name, id",
            (via,),
        ).fetchall()
    ]


def put_relayed_site(tx: Tx, site: PeerSite, via: str) -> None:
    """Record a site that the lower office `via` relays (its public facts as that office
    sent them). A site known otherwise (enrolled here, or relayed by another office) is left
    as it is: the caller rejects its rows."""
    tx.conn.execute(
        "INSERT INTO site (id, name, role, created_at, is_local, public_key, relation,"
        " commune_code, commune_name, province_code, province_name, via_site)"
        " VALUES (?, ?, ?, ?, 0, ?, '', ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,"
        " public_key = excluded.public_key, commune_code = excluded.commune_code,"
        " commune_name = excluded.commune_name, province_code = excluded.province_code,"
        " province_name = excluded.province_name"
        " WHERE is_local = 0 AND relation = '' AND via_site = excluded.via_site",
        (
            site.id, site.name, site.role, tx.now, site.public_key, site.commune_code,
            site.commune_name, site.province_code, site.province_name, via,
        ),
    )  # fmt: skip
    tx.note("site", site.id, f"relayed by {via}")


def relay_marks(db: Database, peer_site: str) -> dict[str, int]:
    """Per relayed site, the highest version of its rows the higher office `peer_site`
    acknowledged."""
    return {
        str(r[0]): int(r[1])
        for r in db.conn.execute(
            "SELECT owner_site, acked_version FROM relay_ack WHERE peer_site = ?", (peer_site,)
        ).fetchall()
    }


def record_relay_acked(tx: Tx, peer_site: str, marks: Mapping[str, int]) -> None:
    tx.conn.executemany(
        "INSERT INTO relay_ack (peer_site, owner_site, acked_version) VALUES (?, ?, ?)"
        " ON CONFLICT (peer_site, owner_site) DO UPDATE SET"
        " acked_version = max(acked_version, excluded.acked_version)",
        [(peer_site, site, int(v)) for site, v in sorted(marks.items())],
    )


def set_revoked(tx: Tx, site_id: str) -> None:
    tx.conn.execute(
        "UPDATE site SET revoked_at = ? WHERE id = ? AND is_local = 0", (tx.now, site_id)
    )
    tx.note("site", site_id, "revoked")


def set_local_site(tx: Tx, role: str, name: str) -> None:
    tx.conn.execute("UPDATE site SET role = ?, name = ? WHERE is_local = 1", (role, name))
    tx.note("site", tx.site_id, f"site set up as {role}")


def local_facts(db: Database) -> dict[str, str | None]:
    r = db.conn.execute(
        "SELECT name, role, coalesce(public_key, ''), commune_code, commune_name,"
        " province_code, province_name FROM site WHERE is_local = 1"
    ).fetchone()
    return {
        "name": r[0], "role": r[1], "signing_public": r[2], "commune_code": r[3],
        "commune_name": r[4], "province_code": r[5], "province_name": r[6],
    }  # fmt: skip


def set_local_age_recipient(tx: Tx, recipient: str) -> None:
    tx.conn.execute(
        "UPDATE site SET age_recipient = ? WHERE is_local = 1 AND age_recipient IS NOT ?",
        (recipient, recipient),
    )


# Travelling tables that are catalogues (kept by an office too), not a centre's records.
CATALOGUE_TABLES = frozenset({"class_type", "org_unit"})


def own_record_counts(db: Database) -> dict[str, int]:
    """Rows this site owns, per travelling table that holds a centre's records (not the
    catalogues), deleted ones included; tables without any are left out."""
    out: dict[str, int] = {}
    for table in travelling_tables_of(db.conn):
        if table in CATALOGUE_TABLES:
            continue
        n = int(
            db.conn.execute(
                f"SELECT count(*) FROM {_q(table)} WHERE owner_site = ?", (db.site_id,)
            ).fetchone()[0]
        )
        if n:
            out[table] = n
    return out


def local_centre_name(db: Database) -> str:
    """The name in this site's own centre profile, '' without one."""
    r = db.conn.execute(
        "SELECT name FROM centre WHERE owner_site = ? AND deleted = 0 ORDER BY rowid LIMIT 1",
        (db.site_id,),
    ).fetchone()
    return "" if r is None else str(r[0] or "")


def has_user_data(db: Database) -> bool:
    """Whether anything was typed into this database (rows beyond what opening makes: the
    site's own catalogue of class types)."""
    for table in travelling_tables_of(db.conn):
        if table == "class_type":
            continue
        if db.conn.execute(f"SELECT 1 FROM {_q(table)} LIMIT 1").fetchone():
            return True
    return False


@dataclass(frozen=True)
class PeerState:
    peer_site: str
    acked_version: int
    acked_at: str | None
    last_seq: int
    last_epoch: int
    last_file_hash: str
    last_import_at: str | None
    last_bundle_id: str
    ledger_alert: str


def peer_state(db: Database, site_id: str) -> PeerState:
    r = db.conn.execute(
        "SELECT peer_site, acked_version, acked_at, last_seq, last_epoch, last_file_hash,"
        " last_import_at, last_bundle_id, ledger_alert FROM peer_state WHERE peer_site = ?",
        (site_id,),
    ).fetchone()
    if r is None:
        return PeerState(site_id, 0, None, 0, 0, "", None, "", "")
    return PeerState(
        str(r[0]), int(r[1]), r[2], int(r[3]), int(r[4]), str(r[5]), r[6], str(r[7]), str(r[8])
    )


def _ensure_peer_state(tx: Tx, site_id: str) -> None:
    tx.conn.execute("INSERT OR IGNORE INTO peer_state (peer_site) VALUES (?)", (site_id,))


def record_received(
    tx: Tx, site_id: str, *, epoch_: int, seq: int, file_hash: str, bundle_id: str
) -> None:
    _ensure_peer_state(tx, site_id)
    tx.conn.execute(
        "UPDATE peer_state SET last_seq = ?, last_epoch = ?, last_file_hash = ?,"
        " last_import_at = ?, last_bundle_id = ? WHERE peer_site = ?",
        (seq, epoch_, file_hash, tx.now, bundle_id, site_id),
    )


def record_acked(tx: Tx, site_id: str, version: int) -> bool:
    """The peer acknowledged this site's rows up to `version`; True if that is news."""
    _ensure_peer_state(tx, site_id)
    cur = tx.conn.execute(
        "UPDATE peer_state SET acked_version = ?, acked_at = ?"
        " WHERE peer_site = ? AND acked_version < ?",
        (version, tx.now, site_id, version),
    )
    return cur.rowcount > 0


def set_ledger_alert(tx: Tx, site_id: str, alert: Mapping[str, object]) -> None:
    _ensure_peer_state(tx, site_id)
    tx.conn.execute(
        "UPDATE peer_state SET ledger_alert = ? WHERE peer_site = ?",
        (json.dumps(alert, sort_keys=True, ensure_ascii=False), site_id),
    )


def reported_heads(db: Database, site_id: str) -> dict[str, LedgerHead]:
    return {
        str(r[0]): LedgerHead(str(r[0]), int(r[1]), str(r[2]), int(r[3]), str(r[4]))
        for r in db.conn.execute(
            "SELECT fund_id, seq, hash, balance, signature FROM peer_ledger_head"
            " WHERE peer_site = ?",
            (site_id,),
        ).fetchall()
    }


def put_reported_heads(tx: Tx, site_id: str, heads: Sequence[LedgerHead]) -> None:
    tx.conn.executemany(
        "INSERT INTO peer_ledger_head (fund_id, peer_site, seq, hash, balance, signature,"
        " reported_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fund_id) DO UPDATE SET"
        " seq = excluded.seq, hash = excluded.hash, balance = excluded.balance,"
        " signature = excluded.signature, reported_at = excluded.reported_at",
        [(h.fund_id, site_id, h.seq, h.hash, h.balance, h.signature, tx.now) for h in heads],
    )


def entry_hash_at(db: Database, alias: str | None, fund_id: str, seq: int) -> str | None:
    """The hash of a fund's entry at `seq`: the attached payload's if it has one, else the
    one held."""
    if alias is not None:
        r = db.conn.execute(
            f"SELECT hash FROM {alias}.ledger_entry WHERE fund_id = ? AND seq = ?",
            (fund_id, seq),
        ).fetchone()
        if r is not None:
            return str(r[0])
    r = db.conn.execute(
        "SELECT hash FROM main.ledger_entry WHERE fund_id = ? AND seq = ?", (fund_id, seq)
    ).fetchone()
    return None if r is None else str(r[0])


def table_exists(db: Database, alias: str, table: str) -> bool:
    return (
        db.conn.execute(
            f"SELECT 1 FROM {alias}.sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        is not None
    )


# The bundle log --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogRow:
    direction: str
    kind: str
    bundle_id: str
    peer_site: str
    sender_seq: int
    payload_hash: str
    file_name: str
    created_at: str
    applied_at: str | None
    summary: str
    status: str
    file_hash: str
    epoch: int


def log_bundle(
    tx: Tx,
    *,
    direction: str,
    kind: str,
    bundle_id: str,
    peer_site: str,
    seq: int,
    payload_hash: str,
    file_name: str,
    summary: Mapping[str, object],
    status: str,
    file_hash: str,
    epoch_: int,
    applied: bool = False,
) -> None:
    tx.conn.execute(
        "INSERT INTO bundle_log (id, direction, kind, bundle_id, peer_site, sender_seq,"
        " payload_hash, file_name, created_at, applied_at, summary, status, file_hash, epoch)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_id(), direction, kind, bundle_id, peer_site, seq, payload_hash, file_name,
            tx.now, tx.now if applied else None,
            json.dumps(summary, sort_keys=True, ensure_ascii=False), status, file_hash, epoch_,
        ),
    )  # fmt: skip
    tx.note("bundle_log", bundle_id, f"{direction} {kind} {status}")


def applied_bundle(db: Database, bundle_id: str) -> LogRow | None:
    r = db.conn.execute(
        f"SELECT {_LOG_COLUMNS} FROM bundle_log WHERE bundle_id = ? AND direction = 'import'"
        " AND status = 'applied' LIMIT 1",
        (bundle_id,),
    ).fetchone()
    return _log(r) if r else None


_LOG_COLUMNS = (
    "direction, kind, bundle_id, peer_site, sender_seq, payload_hash, file_name, created_at,"
    " applied_at, summary, status, file_hash, epoch"
)


def _log(r: Sequence[object]) -> LogRow:
    return LogRow(
        str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]),  # type: ignore[call-overload]
        str(r[5]), str(r[6]), str(r[7]), None if r[8] is None else str(r[8]), str(r[9]),
        str(r[10]), str(r[11]), int(r[12]),  # type: ignore[call-overload]
    )  # fmt: skip


def bundle_log(db: Database) -> list[LogRow]:
    return [
        _log(r)
        for r in db.conn.execute(
            f"SELECT {_LOG_COLUMNS} FROM bundle_log ORDER BY created_at DESC, rowid DESC"
        ).fetchall()
    ]


def put_correction(
    tx: Tx, *, bundle_id: str, from_site: str, table: str, row_id: str, request: str,
    correction_id: str | None = None, to_site: str | None = None, status: str = "open",
) -> str:  # fmt: skip
    """A correction request received (status 'open') or, at the office, sent ('sent', with
    `to_site`). A request received again under its id is left as it is."""
    correction_id = correction_id or new_id()
    tx.conn.execute(
        "INSERT INTO sync_correction (id, bundle_id, from_site, table_name, row_id, request,"
        " received_at, to_site, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING",
        (correction_id, bundle_id, from_site, table, row_id, request, tx.now, to_site, status),
    )
    tx.note("sync_correction", correction_id, status)
    tx.mark("sync_correction", [correction_id])
    return correction_id


@dataclass(frozen=True)
class CorrectionRow:
    id: str
    bundle_id: str
    from_site: str
    to_site: str | None
    table: str
    row_id: str
    request: str  # JSON
    received_at: str
    status: str  # open | accepted | rejected (a centre's); sent | accepted | rejected (office)
    answer_reason: str
    answered_at: str | None
    answered_by: str


_CORRECTION_COLUMNS = (
    "id, bundle_id, from_site, to_site, table_name, row_id, request, received_at, status,"
    " answer_reason, answered_at, answered_by"
)


def _correction(r: Sequence[object]) -> CorrectionRow:
    return CorrectionRow(
        str(r[0]), str(r[1]), str(r[2]), None if r[3] is None else str(r[3]), str(r[4]),
        str(r[5]), str(r[6]), str(r[7]), str(r[8]), str(r[9]),
        None if r[10] is None else str(r[10]), str(r[11]),
    )  # fmt: skip


def correction(db: Database, correction_id: str) -> CorrectionRow | None:
    r = db.conn.execute(
        f"SELECT {_CORRECTION_COLUMNS} FROM sync_correction WHERE id = ?", (correction_id,)
    ).fetchone()
    return None if r is None else _correction(r)


def correction_rows(db: Database) -> list[CorrectionRow]:
    return [
        _correction(r)
        for r in db.conn.execute(
            f"SELECT {_CORRECTION_COLUMNS} FROM sync_correction ORDER BY received_at, id"
        ).fetchall()
    ]


def answer_correction(tx: Tx, correction_id: str, status: str, reason: str) -> None:
    """The centre's answer; it travels up in the next data bundle (answer_version is this
    operation's version, above what the office acknowledged)."""
    tx.conn.execute(
        "UPDATE sync_correction SET status = ?, answer_reason = ?, answered_at = ?,"
        " answered_by = ?, answer_version = ? WHERE id = ?",
        (status, reason, tx.now, tx.actor, tx.version, correction_id),
    )
    tx.note("sync_correction", correction_id, f"{status} {reason}".strip())
    tx.mark("sync_correction", [correction_id])


ANSWERS_TABLE = "_correction_answer"


def answers_between(
    db: Database, office: str, above: int, upto: int
) -> list[tuple[str, str, str, str, str]]:
    """Answers to the requests of `office` given in versions (above, upto]: (id, status,
    reason, answered_at, answered_by)."""
    return [
        (str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]))
        for r in db.conn.execute(
            "SELECT id, status, answer_reason, answered_at, answered_by FROM sync_correction"
            " WHERE from_site = ? AND answer_version > ? AND answer_version <= ?"
            " AND status IN ('accepted', 'rejected') ORDER BY id",
            (office, above, upto),
        ).fetchall()
    ]


def add_answer_rows(path: Path, rows: Sequence[tuple[str, str, str, str, str]]) -> None:
    """The answers to correction requests into a data payload."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {ANSWERS_TABLE} (id TEXT PRIMARY KEY,"
            " status TEXT NOT NULL, reason TEXT NOT NULL, answered_at TEXT NOT NULL,"
            " answered_by TEXT NOT NULL)"
        )
        conn.executemany(f"INSERT INTO {ANSWERS_TABLE} VALUES (?, ?, ?, ?, ?)", rows)
    finally:
        conn.close()


def apply_answers(tx: Tx, alias: str, sender: str) -> int:
    """The answers an attached data payload carries, onto the requests this office sent the
    sender (answers to other sites' requests are ignored; an answer already held changes
    nothing). Returns how many requests got an answer."""
    if not table_exists(tx.db, alias, ANSWERS_TABLE):
        return 0
    rows = tx.conn.execute(
        "UPDATE sync_correction SET status = a.status, answer_reason = a.reason,"
        " answered_at = a.answered_at, answered_by = a.answered_by"
        f" FROM {alias}.{ANSWERS_TABLE} AS a WHERE sync_correction.id = a.id"
        " AND sync_correction.to_site = ? AND sync_correction.from_site = ?"
        " AND a.status IN ('accepted', 'rejected')"
        " AND (sync_correction.status IS NOT a.status"
        " OR sync_correction.answer_reason IS NOT a.reason)"
        " RETURNING sync_correction.id",
        (sender, tx.site_id),
    ).fetchall()
    for (correction_id,) in rows:
        tx.note("sync_correction", str(correction_id), "answered")
    tx.mark("sync_correction", [str(r[0]) for r in rows])
    return len(rows)


def count_answers(db: Database, alias: str) -> int:
    if not table_exists(db, alias, ANSWERS_TABLE):
        return 0
    return int(db.conn.execute(f"SELECT count(*) FROM {alias}.{ANSWERS_TABLE}").fetchone()[0])


def corrections(db: Database) -> list[tuple[str, str, str, str, str, str]]:
    return [
        (str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]))
        for r in db.conn.execute(
            "SELECT id, from_site, table_name, row_id, request, status FROM sync_correction"
            " ORDER BY received_at, id"
        ).fetchall()
    ]


def conflicts(db: Database) -> list[tuple[str, str, str, int]]:
    return [
        (str(r[0]), str(r[1]), str(r[2]), int(r[3]))
        for r in db.conn.execute(
            "SELECT peer_site, table_name, row_id, version FROM sync_conflict"
            " WHERE resolved_at IS NULL ORDER BY detected_at, table_name, row_id"
        ).fetchall()
    ]


@dataclass(frozen=True)
class ConflictRow:
    id: str
    bundle_id: str
    peer_site: str
    table: str
    row_id: str
    version: int
    incoming: str  # JSON of the row as the peer sent it
    detected_at: str
    resolved_at: str | None
    resolution: str | None
    resolved_by: str


_CONFLICT_COLUMNS = (
    "id, bundle_id, peer_site, table_name, row_id, version, incoming, detected_at,"
    " resolved_at, resolution, resolved_by"
)


def _conflict(r: Sequence[object]) -> ConflictRow:
    return ConflictRow(
        str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5]),  # type: ignore[call-overload]
        str(r[6]), str(r[7]), None if r[8] is None else str(r[8]),
        None if r[9] is None else str(r[9]), str(r[10]),
    )  # fmt: skip


def conflict(db: Database, conflict_id: str) -> ConflictRow | None:
    r = db.conn.execute(
        f"SELECT {_CONFLICT_COLUMNS} FROM sync_conflict WHERE id = ?", (conflict_id,)
    ).fetchone()
    return None if r is None else _conflict(r)


def conflict_rows(db: Database, *, resolved: bool = False) -> list[ConflictRow]:
    where = "" if resolved else " WHERE resolved_at IS NULL"
    return [
        _conflict(r)
        for r in db.conn.execute(
            f"SELECT {_CONFLICT_COLUMNS} FROM sync_conflict{where}"
            " ORDER BY detected_at, table_name, row_id, id"
        ).fetchall()
    ]


def held_row(db: Database, table: str, row_id: str) -> dict[str, object] | None:
    cols = columns_of(db.conn, "main", table)
    r = db.conn.execute(
        f"SELECT {', '.join(_q(c) for c in cols)} FROM main.{_q(table)} WHERE id = ?", (row_id,)
    ).fetchone()
    return None if r is None else dict(zip(cols, r, strict=True))


def resolve_conflict(tx: Tx, conflict_id: str, keep: str) -> None:
    tx.conn.execute(
        "UPDATE sync_conflict SET resolved_at = ?, resolution = ?, resolved_by = ? WHERE id = ?",
        (tx.now, keep, tx.actor, conflict_id),
    )
    tx.note("sync_conflict", conflict_id, f"kept {keep}")
    tx.mark("sync_conflict", [conflict_id])


def last_import_of(db: Database, site_id: str) -> LogRow | None:
    r = db.conn.execute(
        f"SELECT {_LOG_COLUMNS} FROM bundle_log WHERE peer_site = ? AND direction = 'import'"
        " AND status = 'applied' ORDER BY applied_at DESC, rowid DESC LIMIT 1",
        (site_id,),
    ).fetchone()
    return _log(r) if r else None


def has_payload_table(path: Path, table: str) -> bool:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return (
            conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            is not None
        )
    finally:
        conn.close()


def add_correction_rows(path: Path, table: str, rows: Sequence[tuple[str, str, str]]) -> None:
    """Correction requests (table, row id, request JSON) into a payload file."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {_q(table)} (table_name TEXT NOT NULL,"
            " row_id TEXT NOT NULL, request TEXT NOT NULL)"
        )
        conn.executemany(f"INSERT INTO {_q(table)} VALUES (?, ?, ?)", rows)
    finally:
        conn.close()
