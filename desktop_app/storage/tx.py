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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from desktop_app.core.ids import new_id
from desktop_app.core.problems import N_, UserError
from desktop_app.storage.db import Database, utc_now

# Every row has one writer, its owner site (DESIGN section 6): an office holds its centres' rows
# but never changes them, whatever path a write takes (the GUI, the command line, a bug).
OTHER_SITES_ROW = N_(
    "This record belongs to {site}: only {site} may change it, so nothing was changed. An "
    "office asks a centre for a change with a correction request (People › Request a "
    "correction…)."
)

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
    """What one operation (or one nested operation, until it is released) stamped."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    # Tables with too many rows stamped to keep their ids: the count of stamps only.
    bulk: dict[str, int] = field(default_factory=dict)
    fields: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    # Rows of other sites written as they came (Tx.put_foreign): table -> site -> count.
    foreign: dict[str, dict[str, int]] = field(default_factory=dict)

    def foreign_bulk_mark(self, table: str) -> None:
        """Too many foreign rows of `table` to keep their ids: reported as a kind only."""
        self.bulk.setdefault(table, 0)

    def absorb(self, inner: _Stamped) -> None:
        """A nested operation was released: what it stamped is the outer one's too."""
        for table, ids in inner.ids.items():
            if table in self.bulk:
                self.bulk[table] += len(ids)
            else:
                self.ids.setdefault(table, set()).update(ids)
        for table, count in inner.bulk.items():
            self.bulk[table] = self.bulk.get(table, 0) + count
            self.ids.pop(table, None)
        for key, names in inner.fields.items():
            if key[0] not in self.bulk:
                self.fields.setdefault(key, set()).update(names)
        self.notes.extend(inner.notes)
        for table, sites in inner.foreign.items():
            mine = self.foreign.setdefault(table, {})
            for site, count in sites.items():
                mine[site] = mine.get(site, 0) + count


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
        # One layer per open (nested) operation; a savepoint rolled back drops its layer, so
        # a nested operation costs what it stamps, not what the outer one stamped before.
        self._layers = [_Stamped()]
        # What the operation (or nested operation) that closed last stamped.
        self.closed: dict[str, frozenset[str]] = {}

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
        layer = self._layers[-1]
        if any(table in stamped.bulk for stamped in self._layers):
            layer.bulk[table] = layer.bulk.get(table, 0) + sum(1 for _ in ids)
            return
        bucket = layer.ids.setdefault(table, set())
        names = tuple(fields)
        for row_id in ids:
            bucket.add(row_id)
            if names:
                layer.fields.setdefault((table, row_id), set()).update(names)
        kept = sum(len(stamped.ids.get(table, ())) for stamped in self._layers)
        if kept > KEEP_IDS_MAX:
            # Marked on the outermost layer too, so a nested rollback cannot lose the mark.
            for stamped in self._layers:
                stamped.ids.pop(table, None)
                stamped.fields = {k: v for k, v in stamped.fields.items() if k[0] != table}
            self._layers[0].bulk[table] = self._layers[0].bulk.get(table, 0) + kept

    def _push(self) -> None:
        self._layers.append(_Stamped())

    def _release(self) -> None:
        inner = self._layers.pop()
        self.closed = _changes_of(inner)
        self._layers[-1].absorb(inner)

    def _discard(self) -> None:
        self._layers.pop()

    @property
    def _stamped(self) -> _Stamped:
        """Everything stamped so far, all layers merged."""
        merged = _Stamped()
        for layer in self._layers:
            merged.absorb(layer)
        return merged

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
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
        if len(params) == 1:
            self.conn.execute(sql, params[0])  # a third quicker than executemany for one row
        else:
            self.conn.executemany(sql, params)
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
        done = self.conn.execute(
            f"UPDATE {table} SET {assignments}{sep}version = ?, updated_at = ?"
            " WHERE id = ? AND owner_site = ?",
            (*(values[c] for c in columns), self.version, self.now, row_id, self.site_id),
        ).rowcount
        if not done:
            self._refuse_others(table, "id = ?", (row_id,))
        self._record(table, (row_id,), columns if fields is None else fields)

    def _refuse_others(self, table: str, where: str, params: Sequence[object]) -> None:
        """A UserError when a row matching `where` belongs to another site."""
        found = self.conn.execute(
            f"SELECT owner_site FROM {table} WHERE ({where}) AND owner_site != ? LIMIT 1",
            (*params, self.site_id),
        ).fetchone()
        if found is None:
            return
        named = self.conn.execute(
            "SELECT coalesce(nullif(name, ''), id) FROM site WHERE id = ?", (found[0],)
        ).fetchone()
        raise UserError(OTHER_SITES_ROW, {"site": str(named[0]) if named else str(found[0])})

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
            done = self.conn.execute(
                f"UPDATE {table} SET version = ?, updated_at = ?"
                f" WHERE id IN ({marks}) AND owner_site = ?",
                (version, self.now, *chunk, self.site_id),
            ).rowcount
            if done < len(chunk):
                # The hand-written SQL before changed another site's row: the whole operation
                # is rolled back by the refusal.
                self._refuse_others(table, f"id IN ({marks})", chunk)
        self._record(table, id_list, fields)

    def mark(self, table: str, ids: Iterable[str]) -> None:
        """Report rows of a table without a stamp (this installation's own bookkeeping, e.g.
        correction requests) as changed by this operation, for the pages that show them."""
        self._record(table, list(dict.fromkeys(ids)))

    def update_where(
        self, table: str, values: Mapping[str, object], where: str, params: Sequence[object]
    ) -> list[str]:
        """Set columns on every row matching `where` (only those whose values differ) and
        stamp them; returns their ids."""
        columns = [c for c in values if c not in _SYNC and c != "id"]
        assignments = ", ".join(f"{c} = ?" for c in columns)
        differs = " OR ".join(f"{c} IS NOT ?" for c in columns)
        self._refuse_others(
            table, f"({where}) AND ({differs})", (*params, *(values[c] for c in columns))
        )
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

    def put_foreign(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        recovered: bool = False,
    ) -> int:
        """Write rows owned by other sites exactly as they came: their owner_site, version
        and updated_at are kept (`columns` must include them and `id`). A row not held is
        inserted, a held one updated in place (never deleted and inserted again, so foreign
        keys and triggers see an update). Rows owned by this site are refused (ValueError):
        only their owner edits them, except with `recovered` (the recovery of this site's own
        rows from its own bundles or the office's copy: services.sync_recovery). Returns the
        number of rows written.

        The rows are recorded as changed (ids while few, a count past KEEP_IDS_MAX), and the
        audit names how many rows of which site the operation wrote."""
        cols = list(columns)
        for needed in ("id", "owner_site", "version", "updated_at"):
            if needed not in cols:
                raise ValueError(f"put_foreign({table}): column {needed} missing")
        at_id = cols.index("id")
        at_owner = cols.index("owner_site")
        others = [c for c in cols if c != "id"]
        sql = (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
            f" ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in others)}"
        )
        ids: list[str] = []
        owners: dict[str, int] = {}

        def checked() -> Iterator[Sequence[object]]:
            for row in rows:
                owner = str(row[at_owner])
                if owner == self.site_id and not recovered:
                    raise ValueError(f"put_foreign({table}): row {row[at_id]} is this site's own")
                owners[owner] = owners.get(owner, 0) + 1
                if len(ids) <= KEEP_IDS_MAX:
                    ids.append(str(row[at_id]))
                yield row

        self.conn.executemany(sql, checked())
        self._record_foreign(table, ids, owners)
        return sum(owners.values())

    def put_foreign_select(
        self,
        table: str,
        columns: Sequence[str],
        select_sql: str,
        params: Sequence[object] = (),
        *,
        owners: Mapping[str, int] | None = None,
        recovered: bool = False,
    ) -> int:
        """`put_foreign` for rows read by SQL (`select_sql` returns columns named `columns`), e.g.
        from an attached payload file: one INSERT ... SELECT, no row passes through Python.
        The SELECT must not return rows owned by this site: checked (ValueError) by counting
        its rows per owner, unless the caller, which already knows, gives `owners` (site ->
        number of rows). `recovered` allows this site's own rows, as for `put_foreign`."""
        cols = list(columns)
        for needed in ("id", "owner_site", "version", "updated_at"):
            if needed not in cols:
                raise ValueError(f"put_foreign_select({table}): column {needed} missing")
        args = tuple(params)
        if owners is None:
            owners = {
                str(site): int(n)
                for site, n in self.conn.execute(
                    f"SELECT owner_site, count(*) FROM ({select_sql}) GROUP BY owner_site", args
                ).fetchall()
            }
        if self.site_id in owners and not recovered:
            raise ValueError(f"put_foreign_select({table}): rows of this site's own")
        others = [c for c in cols if c != "id"]
        self.conn.execute(
            f"INSERT INTO main.{table} ({', '.join(cols)})"
            f" SELECT {', '.join(cols)} FROM ({select_sql}) WHERE true"
            f" ON CONFLICT (id) DO UPDATE SET"
            f" {', '.join(f'{c} = excluded.{c}' for c in others)}",
            args,
        )
        total = sum(owners.values())
        ids: list[str] = []
        if total <= KEEP_IDS_MAX:
            ids = [str(r[0]) for r in self.conn.execute(f"SELECT id FROM ({select_sql})", args)]
        self._record_foreign(table, ids, owners)
        return total

    def _record_foreign(self, table: str, ids: list[str], owners: Mapping[str, int]) -> None:
        total = sum(owners.values())
        if not total:
            return
        layer = self._layers[-1]
        sites = layer.foreign.setdefault(table, {})
        for site, count in owners.items():
            sites[site] = sites.get(site, 0) + count
        if len(ids) == total and not any(table in s.bulk for s in self._layers):
            bucket = layer.ids.setdefault(table, set())
            bucket.update(ids)
            kept = sum(len(stamped.ids.get(table, ())) for stamped in self._layers)
            if kept <= KEEP_IDS_MAX:
                return
            for stamped in self._layers:
                stamped.ids.pop(table, None)
                stamped.fields = {k: v for k, v in stamped.fields.items() if k[0] != table}
            self._layers[0].foreign_bulk_mark(table)
            return
        layer.ids.pop(table, None)
        self._layers[0].foreign_bulk_mark(table)

    def note(self, entity: str, record_id: str, detail: str = "") -> None:
        """An audit line for an event that changes no row (a print, an export, a view)."""
        self._layers[-1].notes.append((entity, record_id, detail))

    # What happened ---------------------------------------------------------------------

    def changed(self) -> dict[str, frozenset[str]]:
        """Table -> ids stamped so far; an empty set where the operation stamped too many
        rows to keep their ids."""
        return _changes_of(self._stamped)


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
                tx.closed = tx.changed()
            finally:
                self._tx = None

    def _nested(self, tx: Tx) -> Iterator[Tx]:
        savepoint = f"op_{next(self._depth)}"
        tx._push()
        tx.conn.execute(f"SAVEPOINT {savepoint}")
        try:
            yield tx
        except BaseException:
            if tx.conn.in_transaction:
                tx.conn.execute(f"ROLLBACK TO {savepoint}")
                tx.conn.execute(f"RELEASE {savepoint}")
            tx._discard()
            raise
        tx.conn.execute(f"RELEASE {savepoint}")
        tx._release()


def _changes_of(stamped: _Stamped) -> dict[str, frozenset[str]]:
    out = {t: frozenset(ids) for t, ids in stamped.ids.items() if ids}
    out.update({t: frozenset() for t in stamped.bulk})
    return out


def _write_audit(tx: Tx) -> None:
    rows: list[tuple[object, ...]] = []
    version = tx.version_taken
    stamped = tx._stamped
    for table in sorted(stamped.bulk):
        # Too many to keep: the version names them, and the index on (owner_site, version)
        # counts them exactly.
        exact = 0
        if version is not None:
            exact = tx.conn.execute(
                f"SELECT count(*) FROM {table} WHERE owner_site = ? AND version = ?",
                (tx.site_id, version),
            ).fetchone()[0]
        if exact or table not in stamped.foreign:
            rows.append((table, "", f"{exact} rows", version))
    for table, sites in sorted(stamped.foreign.items()):
        # Rows of other sites keep their own versions: the audit names the site and count.
        for site, count in sorted(sites.items()):
            rows.append((table, "", f"{count} rows of site {site}", version))
    for table, ids in sorted(stamped.ids.items()):
        if len(ids) > AUDIT_IDS_MAX:
            rows.append((table, "", f"{len(ids)} rows", version))
            continue
        for row_id in sorted(ids):
            fields = stamped.fields.get((table, row_id), set())
            rows.append((table, row_id, ",".join(sorted(fields)), version))
    rows.extend((entity, record_id, detail, version) for entity, record_id, detail in stamped.notes)
    if rows:
        tx.conn.executemany(
            "INSERT INTO audit (at, actor, site_id, action, entity, record_id, detail, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(tx.now, tx.actor, tx.site_id, tx.name, *r) for r in rows],
        )
