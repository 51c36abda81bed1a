"""SQL of spreadsheet imports: the import history, what each import did to each row (for its
undo), the column mappings users confirmed, and the registry facts an import matches against."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx

CREATED, UPDATED = "created", "updated"
_CHUNK = 500


@dataclass(frozen=True)
class BatchRow:
    id: str
    kind: str
    file_name: str
    sha256: str
    sheet: str
    header_row: int
    mapping: dict[str, object]
    counts: dict[str, int]
    target_id: str | None
    imported_at: str
    imported_by: str
    undone_at: str | None
    undone_by: str


_BATCH_COLUMNS = (
    "id, kind, file_name, sha256, sheet, header_row, mapping, counts, target_id, imported_at,"
    " imported_by, undone_at, undone_by"
)


def _batch(r: Sequence[object]) -> BatchRow:
    return BatchRow(
        str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), int(str(r[5])),
        json.loads(str(r[6])), json.loads(str(r[7])), None if r[8] is None else str(r[8]),
        str(r[9]), str(r[10]), None if r[11] is None else str(r[11]), str(r[12]),
    )  # fmt: skip


def live_batch_of_file(db: Database, sha256: str, kind: str) -> BatchRow | None:
    """The import of this very file (same SHA-256) as this kind, unless it was undone."""
    r = db.conn.execute(
        f"SELECT {_BATCH_COLUMNS} FROM import_batch"
        " WHERE sha256 = ? AND kind = ? AND undone_at IS NULL ORDER BY imported_at LIMIT 1",
        (sha256, kind),
    ).fetchone()
    return _batch(r) if r else None


def get_batch(db: Database, batch_id: str) -> BatchRow | None:
    r = db.conn.execute(
        f"SELECT {_BATCH_COLUMNS} FROM import_batch WHERE id = ?", (batch_id,)
    ).fetchone()
    return _batch(r) if r else None


def batches(db: Database) -> list[BatchRow]:
    """Every import, newest first."""
    return [
        _batch(r)
        for r in db.conn.execute(
            f"SELECT {_BATCH_COLUMNS} FROM import_batch ORDER BY imported_at DESC, rowid DESC"
        ).fetchall()
    ]


def insert_batch(
    tx: Tx, *, batch_id: str, kind: str, file_name: str, sha256: str, sheet: str,
    header_row: int, mapping: Mapping[str, object], counts: Mapping[str, int],
    target_id: str | None,
) -> None:  # fmt: skip
    tx.conn.execute(
        "INSERT INTO import_batch (id, kind, file_name, sha256, sheet, header_row, mapping,"
        " counts, target_id, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            batch_id, kind, file_name, sha256, sheet, header_row,
            json.dumps(mapping, ensure_ascii=False, sort_keys=True),
            json.dumps(dict(counts), sort_keys=True), target_id, tx.now, tx.actor,
        ),
    )  # fmt: skip
    tx.note("import", batch_id, f"{kind} from {file_name}")


@dataclass(frozen=True)
class Effect:
    table: str
    row_id: str
    action: str  # CREATED | UPDATED
    before: Mapping[str, object] | None = None  # UPDATED: the changed fields as they were


def insert_effects(tx: Tx, batch_id: str, effects: Iterable[Effect]) -> None:
    """Record what the import did, with each row's version as the import left it (the
    operation's own version: every row it wrote carries it)."""
    version = tx.version
    tx.conn.executemany(
        "INSERT INTO import_effect (batch_id, table_name, row_id, action, before, version)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                batch_id, e.table, e.row_id, e.action,
                None if e.before is None else json.dumps(dict(e.before), ensure_ascii=False),
                version,
            )
            for e in effects
        ],
    )  # fmt: skip


@dataclass(frozen=True)
class EffectRow:
    table: str
    row_id: str
    action: str
    before: dict[str, object] | None
    version: int


def effects_of(db: Database, batch_id: str) -> list[EffectRow]:
    return [
        EffectRow(
            str(r[0]),
            str(r[1]),
            str(r[2]),
            None if r[3] is None else json.loads(str(r[3])),
            int(r[4]),
        )
        for r in db.conn.execute(
            "SELECT table_name, row_id, action, before, version FROM import_effect"
            " WHERE batch_id = ? ORDER BY rowid",
            (batch_id,),
        ).fetchall()
    ]


def mark_undone(tx: Tx, batch_id: str) -> None:
    tx.conn.execute(
        "UPDATE import_batch SET undone_at = ?, undone_by = ? WHERE id = ?",
        (tx.now, tx.actor, batch_id),
    )
    tx.note("import", batch_id, "undone")


def versions(db: Database, table: str, ids: Sequence[str]) -> dict[str, tuple[int, bool, str]]:
    """Per id: (version, deleted, owner_site) as held now."""
    out: dict[str, tuple[int, bool, str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        for r in db.conn.execute(
            f"SELECT id, version, deleted, owner_site FROM {table} WHERE id IN ({marks})", chunk
        ):
            out[str(r[0])] = (int(r[1]), bool(r[2]), str(r[3]))
    return out


def dependants(
    db: Database, table: str, ids: Sequence[str], ignore: set[tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """Live rows of any table that refer to one of `ids` of `table` by a foreign key, except
    those in `ignore` ((table, id) pairs): (their table, their id, the id referred to)."""
    if not ids:
        return []
    found: list[tuple[str, str, str]] = []
    tables = [
        str(r[0])
        for r in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for other in tables:
        columns = {str(r[1]) for r in db.conn.execute(f"PRAGMA table_info({other})")}
        live = " AND deleted = 0" if "deleted" in columns else ""
        for fk in db.conn.execute(f"PRAGMA foreign_key_list({other})").fetchall():
            if str(fk[2]) != table:
                continue
            column = str(fk[3])
            for start in range(0, len(ids), _CHUNK):
                chunk = list(ids[start : start + _CHUNK])
                marks = ", ".join("?" for _ in chunk)
                key = "id" if "id" in columns else "rowid"
                for r in db.conn.execute(
                    f"SELECT {key}, {column} FROM {other} WHERE {column} IN ({marks}){live}",
                    chunk,
                ):
                    if (other, str(r[0])) not in ignore:
                        found.append((other, str(r[0]), str(r[1])))
    return found


def saved_mapping(db: Database, signature: str, kind: str) -> dict[str, str] | None:
    r = db.conn.execute(
        "SELECT mapping FROM import_mapping WHERE signature = ? AND kind = ?", (signature, kind)
    ).fetchone()
    if r is None:
        return None
    value = json.loads(str(r[0]))
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None


def save_mapping(tx: Tx, signature: str, kind: str, mapping: Mapping[str, str]) -> None:
    tx.conn.execute(
        "INSERT INTO import_mapping (signature, kind, mapping, saved_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (signature, kind) DO UPDATE SET mapping = excluded.mapping,"
        " saved_at = excluded.saved_at",
        (signature, kind, json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True), tx.now),
    )


@dataclass(frozen=True)
class HeldPerson:
    """What an import matches a row against: one person of this site held now."""

    id: str
    full_name: str
    folded_name: str
    birth: str  # 'YYYY-MM-DD', 'YYYY' or ''
    cccd: str | None
    phone: str | None
    sex: str | None
    hamlet_id: str | None
    ethnicity: str
    religion: str
    notes: str
    deleted: bool
    version: int


def held_people(db: Database, site_id: str) -> list[HeldPerson]:
    """Every person of this site, deleted ones too (a CCCD stays theirs)."""
    return [
        HeldPerson(
            str(r[0]), str(r[1]), str(r[2]), str(r[3]), None if r[4] is None else str(r[4]),
            None if r[5] is None else str(r[5]), None if r[6] is None else str(r[6]),
            None if r[7] is None else str(r[7]), str(r[8]), str(r[9]), str(r[10]),
            bool(r[11]), int(r[12]),
        )
        for r in db.conn.execute(
            "SELECT id, full_name, folded_name, birth, cccd, phone, sex, hamlet_id, ethnicity,"
            " religion, notes, deleted, version FROM person WHERE owner_site = ?",
            (site_id,),
        )
    ]  # fmt: skip


def registry_stamp(db: Database) -> tuple[int, ...]:
    """Changes when people, hamlets, members or branches are written: this site's change
    counter, and the count and last row of each (rows that came from elsewhere move no
    counter)."""
    r = db.conn.execute(
        "SELECT (SELECT value FROM change_counter WHERE id = 1),"
        " (SELECT count(*) FROM person), (SELECT coalesce(max(rowid), 0) FROM person),"
        " (SELECT count(*) FROM hamlet), (SELECT coalesce(max(rowid), 0) FROM hamlet),"
        " (SELECT count(*) FROM member), (SELECT coalesce(max(rowid), 0) FROM member),"
        " (SELECT count(*) FROM branch)"
    ).fetchone()
    return tuple(int(v) for v in r)


def person_columns(db: Database, person_id: str, columns: Sequence[str]) -> dict[str, object]:
    r = db.conn.execute(
        f"SELECT {', '.join(columns)} FROM person WHERE id = ?", (person_id,)
    ).fetchone()
    return dict(zip(columns, r, strict=True)) if r else {}


def restore_columns(tx: Tx, table: str, row_id: str, values: Mapping[str, object]) -> None:
    """Put back the values an import changed (the row is stamped as changed by this undo)."""
    if values:
        tx.update(table, row_id, values)
