"""The one way rows are written: a transaction that stamps, records and audits every row.

Every write of every use case runs inside `Writer.write(name)`. It opens one transaction
(a savepoint when another write is already open), takes one version from the site's change
counter (lazily, so an operation that changes nothing burns no number), and hands out a `Tx`.
Rows are only written through the `Tx`: `insert`, `insert_many` and `update` put the version,
`updated_at` and owner on the row themselves; SQL that must stay hand-written (an upsert, an
UPDATE over a WHERE) calls `touch`/`touch_where` afterwards. Whatever was stamped is what the
operation reports as changed and what the audit names, so the three cannot disagree.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from desktop_app.core.ids import new_id
from desktop_app.storage.db import Database, utc_now

# Past this many rows of one table, one operation writes one audit row naming the count and
# the version (which identifies the rows) instead of one row per id: a demo fill or an
# import stamps a million attendance rows.
AUDIT_IDS_MAX = 200

# Past this many rows of one table, an operation stops keeping their ids in memory (a demo
# fill stamps a million attendance rows): it reports the table and the count only.
KEEP_IDS_MAX = 20_000

# SQLite's default limit on host parameters is 32766 since 3.32; stay well below it.
_CHUNK = 900

_SYNC = frozenset({"owner_site", "version", "updated_at"})


@dataclass
class _Stamped:
    ids: dict[str, set[str]] = field(default_factory=dict)
    # Rows stamped per table, counted even where the ids are no longer kept.
    counts: dict[str, int] = field(default_factory=dict)
    fields: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    notes: list[tuple[str, str, str]] = field(default_factory=list)

    def copy(self) -> _Stamped:
        return _Stamped(
            {t: set(i) for t, i in self.ids.items()},
            dict(self.counts),
            {k: set(v) for k, v in self.fields.items()},
            list(self.notes),
        )


class Tx:
    """The open write of one operation. Only `Writer.write` makes one."""

    def __init__(self, db: Database, name: str, actor: str) -> None:
        self.db = db
        self.actor = actor
        self.conn = db.conn
        self.site_id = db.site_id
        self.name = name
        self.now = utc_now()
        self._version: int | None = None
        self._stamped = _Stamped()

    # The stamp -------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """This operation's version; taken from the site's counter on first use."""
        if self._version is None:
            row = self.conn.execute(
                "UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value"
            ).fetchone()
            self._version = int(row[0])
        return self._version

    @property
    def version_taken(self) -> int | None:
        return self._version

    def _record(self, table: str, ids: Iterable[str], fields: Iterable[str] = ()) -> None:
        stamped = self._stamped
        bucket = stamped.ids.setdefault(table, set())
        names = tuple(fields)
        kept = stamped.counts.get(table, 0) <= KEEP_IDS_MAX
        for row_id in ids:
            if kept:
                before = len(bucket)
                bucket.add(row_id)
                stamped.counts[table] = stamped.counts.get(table, 0) + len(bucket) - before
                if names:
                    stamped.fields.setdefault((table, row_id), set()).update(names)
            else:
                stamped.counts[table] += 1  # a bulk load inserts each row once
        if kept and stamped.counts.get(table, 0) > KEEP_IDS_MAX:
            bucket.clear()
            stamped.fields = {k: v for k, v in stamped.fields.items() if k[0] != table}

    # Writing ---------------------------------------------------------------------------

    def insert(self, table: str, values: Mapping[str, object]) -> str:
        """Insert one row of a travelling table; `id` is minted unless given. Returns the id."""
        return self.insert_many(table, [values])[0]

    def insert_many(self, table: str, rows: Sequence[Mapping[str, object]]) -> list[str]:
        """Insert rows that all have the same columns; returns their ids in order."""
        if not rows:
            return []
        columns = [c for c in rows[0] if c not in _SYNC and c != "id"]
        version = self.version
        ids: list[str] = []
        params: list[tuple[object, ...]] = []
        for row in rows:
            row_id = str(row.get("id") or new_id())
            ids.append(row_id)
            params.append((row_id, self.site_id, version, self.now, *(row[c] for c in columns)))
        names = ["id", "owner_site", "version", "updated_at", *columns]
        marks = ", ".join("?" for _ in names)
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", params)
        self._record(table, ids)
        return ids

    def update(
        self,
        table: str,
        row_id: str,
        values: Mapping[str, object],
        fields: Iterable[str] | None = None,
    ) -> None:
        """Set columns of one row and stamp it; `fields` names for the audit what really
        changed (default: every column set)."""
        columns = [c for c in values if c not in _SYNC and c != "id"]
        assignments = ", ".join(f"{c} = ?" for c in columns)
        sep = ", " if columns else ""
        self.conn.execute(
            f"UPDATE {table} SET {assignments}{sep}version = ?, updated_at = ? WHERE id = ?",
            (*(values[c] for c in columns), self.version, self.now, row_id),
        )
        self._record(table, (row_id,), columns if fields is None else fields)

    def update_changed(self, table: str, row_id: str, values: Mapping[str, object]) -> bool:
        """`update` only if some value differs from the stored one; True if it did."""
        columns = [c for c in values if c not in _SYNC and c != "id"]
        current = self.conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (row_id,)
        ).fetchone()
        if current is not None and tuple(current) == tuple(values[c] for c in columns):
            return False
        changed = [c for i, c in enumerate(columns) if current is None or current[i] != values[c]]
        self.update(table, row_id, values, changed)
        return True

    def touch(self, table: str, ids: Iterable[str], fields: Iterable[str] = ()) -> None:
        """Stamp rows that hand-written SQL of this operation changed."""
        id_list = list(dict.fromkeys(ids))
        version = self.version
        for start in range(0, len(id_list), _CHUNK):
            chunk = id_list[start : start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            self.conn.execute(
                f"UPDATE {table} SET version = ?, updated_at = ? WHERE id IN ({marks})",
                (version, self.now, *chunk),
            )
        self._record(table, id_list, fields)

    def update_where(
        self, table: str, values: Mapping[str, object], where: str, params: Sequence[object]
    ) -> list[str]:
        """Set columns on every row matching `where` (only those whose values differ) and
        stamp them; returns their ids."""
        columns = [c for c in values if c not in _SYNC and c != "id"]
        assignments = ", ".join(f"{c} = ?" for c in columns)
        differs = " OR ".join(f"{c} IS NOT ?" for c in columns)
        rows = self.conn.execute(
            f"UPDATE {table} SET {assignments}, version = ?, updated_at = ?"
            f" WHERE ({where}) AND ({differs}) RETURNING id",
            (
                *(values[c] for c in columns),
                self.version,
                self.now,
                *params,
                *(values[c] for c in columns),
            ),
        ).fetchall()
        ids = [str(r[0]) for r in rows]
        self._record(table, ids, columns)
        return ids

    def note(self, entity: str, record_id: str, detail: str = "") -> None:
        """An audit line for an event that changes no row (a print, an export, a view)."""
        self._stamped.notes.append((entity, record_id, detail))

    # What happened ---------------------------------------------------------------------

    def changed(self) -> dict[str, frozenset[str]]:
        """Table -> ids stamped; an empty set where the operation stamped too many rows to
        keep their ids (see `counts`)."""
        return {t: frozenset(self._stamped.ids.get(t, ())) for t in self._stamped.counts}

    def counts(self) -> dict[str, int]:
        return dict(self._stamped.counts)


class Writer:
    """The writes of one connection. Nested `write` calls share the outer operation."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._tx: Tx | None = None
        self._depth = itertools.count(1)

    @property
    def active(self) -> Tx | None:
        return self._tx

    @contextmanager
    def write(self, name: str, actor: str) -> Iterator[Tx]:
        outer = self._tx
        if outer is not None:
            yield from self._nested(outer)
            return
        with self.db.transaction():
            tx = Tx(self.db, name, actor)
            self._tx = tx
            try:
                yield tx
                _write_audit(tx)
            finally:
                self._tx = None

    def _nested(self, tx: Tx) -> Iterator[Tx]:
        savepoint = f"op_{next(self._depth)}"
        before = tx._stamped.copy()
        tx.conn.execute(f"SAVEPOINT {savepoint}")
        try:
            yield tx
        except BaseException:
            if tx.conn.in_transaction:
                tx.conn.execute(f"ROLLBACK TO {savepoint}")
                tx.conn.execute(f"RELEASE {savepoint}")
            tx._stamped = before
            raise
        tx.conn.execute(f"RELEASE {savepoint}")


def _write_audit(tx: Tx) -> None:
    rows: list[tuple[object, ...]] = []
    version = tx.version_taken
    for table, count in sorted(tx._stamped.counts.items()):
        ids = tx._stamped.ids.get(table, set())
        if len(ids) < count:
            # Too many to keep: the version names them, and the index on (owner_site,
            # version) counts them exactly.
            exact = tx.conn.execute(
                f"SELECT count(*) FROM {table} WHERE owner_site = ? AND version = ?",
                (tx.site_id, version),
            ).fetchone()[0]
            rows.append((table, "", f"{exact} rows", version))
            continue
        if count > AUDIT_IDS_MAX:
            rows.append((table, "", f"{count} rows", version))
            continue
        for row_id in sorted(ids):
            fields = tx._stamped.fields.get((table, row_id), set())
            rows.append((table, row_id, ",".join(sorted(fields)), version))
    rows.extend(
        (entity, record_id, detail, version) for entity, record_id, detail in tx._stamped.notes
    )
    if rows:
        tx.conn.executemany(
            "INSERT INTO audit (at, actor, site_id, action, entity, record_id, detail, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(tx.now, tx.actor, tx.site_id, tx.name, *r) for r in rows],
        )


def is_travelling(conn: sqlite3.Connection, table: str) -> bool:
    columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    return {"owner_site", "version"} <= columns
