"""Derived columns: values a row carries only so lists can sort and search with an index.

They are computed from the row's own columns (and, for a person's `hamlet_key`, from its
hamlet) by the same functions the normal write paths use, so a change of collation can be
applied to every row. Rows imported from a bundle still carry the sender's values: recomputing
them at import would need the import's diff to leave these columns out first (else two
versions of the app would see every such row as a conflict).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop_app.core.collation import roster_sort_key
from desktop_app.core.people import Birth
from desktop_app.core.text import fold
from desktop_app.storage.certificates import certificate_search_text
from desktop_app.storage.db import Database
from desktop_app.storage.people import natural_key, search_text

_CHUNK = 500

Row = tuple[object, ...]


@dataclass(frozen=True)
class _Rule:
    """How one table's derived columns follow from its row.

    `source` lists, after the row's id, the columns the values are computed from (alias `r`
    for the table itself); `joins` may bring in related rows; `compute` maps those source
    values to the values of `columns`, in order.
    """

    columns: tuple[str, ...]
    source: tuple[str, ...]
    compute: Callable[[Row], Row]
    joins: str = ""


def _person(r: Row) -> Row:
    full_name, given, middle, family, cccd, phone, birth, hamlet_key = r
    folded = fold(str(full_name))
    return (
        roster_sort_key(str(given), str(middle), str(family)),
        search_text(folded, _text(cccd), _text(phone)),
        folded,
        Birth.from_iso(str(birth)).year if birth else None,
        str(hamlet_key or ""),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


_RULES: dict[str, _Rule] = {
    "person": _Rule(
        columns=("sort_key", "search_text", "folded_name", "birth_year", "hamlet_key"),
        source=(
            "r.full_name",
            "r.given_name",
            "r.middle_name",
            "r.family_name",
            "r.cccd",
            "r.phone",
            "r.birth",
            "h.sort_key",
        ),
        compute=_person,
        # The hamlet's own key, as the write paths copy it (people.update_hamlet).
        joins="LEFT JOIN hamlet h ON h.id = r.hamlet_id",
    ),
    "hamlet": _Rule(("sort_key",), ("r.name",), lambda r: (natural_key(str(r[0])),)),
    "branch": _Rule(("sort_key",), ("r.name",), lambda r: (natural_key(str(r[0])),)),
    "course": _Rule(("folded_title",), ("r.title",), lambda r: (fold(str(r[0])),)),
    "certificate": _Rule(
        ("search_text",),
        ("r.full_name", "r.course_title", "r.number", "r.year"),
        lambda r: (certificate_search_text(str(r[0]), str(r[1]), int(str(r[2])), int(str(r[3]))),),
    ),
}

DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {t: rule.columns for t, rule in _RULES.items()}


def recompute_derived(db: Database, table: str, ids: Sequence[str]) -> int:
    """Recompute the derived columns of the rows of `table` with these ids, in the caller's
    transaction; return how many rows changed.

    Only derived columns are written: `version` and `updated_at` stay what the row's owner
    gave them. Recomputing hamlets also moves the `hamlet_key` of the people living in them
    (those people are counted too), as renaming a hamlet does. A table without derived
    columns changes nothing.
    """
    rule = _RULES.get(table)
    if rule is None:
        return 0
    unique = list(dict.fromkeys(ids))
    changed = 0
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        changed += _recompute_chunk(db, table, rule, chunk)
        if table == "hamlet":
            changed += _follow_hamlets(db, chunk)
    return changed


def _recompute_chunk(db: Database, table: str, rule: _Rule, ids: Sequence[str]) -> int:
    marks = ", ".join("?" for _ in ids)
    current = ", ".join(f"r.{c}" for c in rule.columns)
    rows = db.conn.execute(
        f"SELECT r.id, {current}, {', '.join(rule.source)} FROM {table} r {rule.joins}"
        f" WHERE r.id IN ({marks})",
        list(ids),
    ).fetchall()
    width = len(rule.columns)
    updates: list[Row] = []
    for r in rows:
        stored = tuple(r[1 : 1 + width])
        wanted = rule.compute(tuple(r[1 + width :]))
        if stored != wanted:
            updates.append((*wanted, r[0]))
    if updates:
        assignments = ", ".join(f"{c} = ?" for c in rule.columns)
        db.conn.executemany(f"UPDATE {table} SET {assignments} WHERE id = ?", updates)
    return len(updates)


def _follow_hamlets(db: Database, hamlet_ids: Sequence[str]) -> int:
    marks = ", ".join("?" for _ in hamlet_ids)
    cur = db.conn.execute(
        "UPDATE person SET hamlet_key = h.sort_key FROM hamlet h"
        f" WHERE h.id = person.hamlet_id AND h.id IN ({marks})"
        " AND person.hamlet_key IS NOT h.sort_key",
        list(hamlet_ids),
    )
    return int(cur.rowcount)
