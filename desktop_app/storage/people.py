"""SQL for people, households, hamlets and the centre profile. Returns core dataclasses."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.collation import roster_sort_key, sort_key
from desktop_app.core.people import (
    Birth,
    Hamlet,
    HamletKind,
    Household,
    HouseholdMember,
    Person,
    PersonFields,
    PersonRow,
    Sex,
)
from desktop_app.core.text import fold
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx

# Up to this many matches, sorting them beats walking an order's index and filtering:
# past it, a page is found within a few thousand index steps (measured by bench/people.py).
FEW_MATCHES = 6000


class PeopleOrder(StrEnum):
    NAME = "name"
    BIRTH = "birth"
    HAMLET = "hamlet"


# The columns of each order's index, after `deleted`; the last two are always sort_key, id.
_ORDER_COLUMNS: dict[PeopleOrder, tuple[str, ...]] = {
    PeopleOrder.NAME: ("sort_key", "id"),
    PeopleOrder.BIRTH: ("birth", "sort_key", "id"),
    PeopleOrder.HAMLET: ("hamlet_key", "sort_key", "id"),
}

_ROW_COLUMNS = (
    "p.id, p.full_name, p.sex, p.birth, coalesce(h.name, ''), p.phone, p.household_id,"
    " p.household_relation"
)
_FROM = "person p LEFT JOIN hamlet h ON h.id = p.hamlet_id"

_DIGITS = re.compile(r"\d+")


def natural_key(name: str) -> str:
    """Sort key where 'Thôn 2' comes before 'Thôn 10', as a secretary expects."""
    return sort_key(_DIGITS.sub(lambda m: m.group(0).zfill(6), name))


def search_text(folded_name: str, cccd: str | None, phone: str | None) -> str:
    """What search matches: the folded name, plus the CCCD and phone digits."""
    return " ".join(part for part in (folded_name, cccd or "", phone or "") if part)


def fts_query(text: str) -> str | None:
    """Every folded word as a prefix; all must match. None when there is nothing to search."""
    words = fold(text).split()
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


@dataclass(frozen=True)
class PageKey:
    """The sort values of a row, for the next keyset page."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class KeyedRow:
    row: PersonRow
    key: PageKey


def _row(r: Sequence[object]) -> PersonRow:
    birth = str(r[3])
    return PersonRow(
        id=str(r[0]),
        full_name=str(r[1]),
        sex=Sex(str(r[2])) if r[2] else None,
        birth=Birth.from_iso(birth) if birth else None,
        hamlet_name=str(r[4]),
        phone=str(r[5]) if r[5] else None,
        household_id=str(r[6]) if r[6] else None,
        relation=str(r[7]),
    )


def _fields_params(fields: PersonFields, hamlet_key: str) -> dict[str, object]:
    folded = fold(fields.full_name)
    return {
        "full_name": fields.full_name,
        "family_name": fields.family_name,
        "middle_name": fields.middle_name,
        "given_name": fields.given_name,
        "sort_key": roster_sort_key(fields.given_name, fields.middle_name, fields.family_name),
        "search_text": search_text(folded, fields.cccd, fields.phone),
        "folded_name": folded,
        "sex": fields.sex.value if fields.sex else None,
        "birth": fields.birth.iso() if fields.birth else "",
        "birth_year": fields.birth.year if fields.birth else None,
        "cccd": fields.cccd,
        "phone": fields.phone,
        "hamlet_id": fields.hamlet_id,
        "hamlet_key": hamlet_key,
        "ethnicity": fields.ethnicity,
        "religion": fields.religion,
        "notes": fields.notes,
    }


def _hamlet_key(db: Database, hamlet_id: str | None) -> str:
    if hamlet_id is None:
        return ""
    row = db.conn.execute("SELECT sort_key FROM hamlet WHERE id = ?", (hamlet_id,)).fetchone()
    return str(row[0]) if row else ""


def hamlet_sort_key(db: Database, hamlet_id: str | None) -> str:
    """The hamlet's sort key, as a person row keeps it ('' for no hamlet)."""
    return _hamlet_key(db, hamlet_id)


def insert_person(tx: Tx, fields: PersonFields) -> str:
    return tx.insert("person", _fields_params(fields, _hamlet_key(tx.db, fields.hamlet_id)))


def update_person(tx: Tx, person_id: str, fields: PersonFields, changed: Sequence[str]) -> None:
    values = _fields_params(fields, _hamlet_key(tx.db, fields.hamlet_id))
    tx.update("person", person_id, values, changed)


def set_person_deleted(tx: Tx, person_id: str, deleted: bool) -> None:
    tx.update("person", person_id, {"deleted": int(deleted)})


def get_person(db: Database, person_id: str) -> Person | None:
    r = db.conn.execute(
        "SELECT p.id, p.full_name, p.family_name, p.middle_name, p.given_name, p.sex, p.birth,"
        " p.cccd, p.phone, p.hamlet_id, coalesce(h.name, ''), p.household_id, p.ethnicity,"
        " p.religion, p.notes, p.version, p.deleted"
        f" FROM {_FROM} WHERE p.id = ?",
        (person_id,),
    ).fetchone()
    if r is None:
        return None
    return Person(
        id=r[0],
        full_name=r[1],
        family_name=r[2],
        middle_name=r[3],
        given_name=r[4],
        sex=Sex(r[5]) if r[5] else None,
        birth=Birth.from_iso(r[6]) if r[6] else None,
        cccd=r[7],
        phone=r[8],
        hamlet_id=r[9],
        hamlet_name=r[10],
        household_id=r[11],
        ethnicity=r[12],
        religion=r[13],
        notes=r[14],
        version=r[15],
        deleted=bool(r[16]),
    )


@dataclass(frozen=True)
class CccdHolder:
    id: str
    full_name: str
    deleted: bool


def find_cccd_holder(db: Database, cccd: str, exclude_id: str | None) -> CccdHolder | None:
    """Who holds the number at this site: one number is one person within a centre (the
    same number at two sites is reported by storage.multisite, not refused)."""
    r = db.conn.execute(
        "SELECT id, full_name, deleted FROM person"
        " WHERE cccd = ? AND owner_site = ? AND id IS NOT ?",
        (cccd, db.site_id, exclude_id),
    ).fetchone()
    return CccdHolder(r[0], r[1], bool(r[2])) if r else None


def find_similar(
    db: Database, full_name: str, birth: Birth | None, exclude_id: str | None
) -> list[PersonRow]:
    """People who may be the same person: the same folded name and the same birth, whatever
    their hamlet (a hamlet is often left blank or picked wrong).

    The same birth is the same date when both dates are known, the same year when either
    only has the year, and no birth when none is given.
    """
    if birth is None:
        match, params = "p.birth = ''", []
    elif birth.has_full_date:
        # The year alone is stored as 'YYYY' (four characters), a full date as 'YYYY-MM-DD'.
        match = "p.birth_year = ? AND (p.birth = ? OR length(p.birth) = 4)"
        params = [birth.year, birth.iso()]
    else:
        match, params = "p.birth_year = ?", [birth.year]
    rows = db.conn.execute(
        f"SELECT {_ROW_COLUMNS} FROM {_FROM}"
        f" WHERE p.folded_name = ? AND {match}"
        " AND p.deleted = 0 AND p.id IS NOT ? ORDER BY p.sort_key LIMIT 20",
        (fold(full_name), *params, exclude_id),
    ).fetchall()
    return [_row(r) for r in rows]


def _sites_sql(sites: Sequence[str] | None, column: str = "p.owner_site") -> tuple[str, list[str]]:
    """The condition keeping only the rows these sites own (an office looking at some of its
    centres); None for every site's rows."""
    if sites is None:
        return "", []
    return f"{column} IN ({', '.join('?' for _ in sites)})", list(sites)


def count_people(db: Database, query: str | None = None, sites: Sequence[str] | None = None) -> int:
    match = fts_query(query) if query else None
    if query and match is None:
        return 0
    site_sql, site_params = _sites_sql(sites)
    if match is None:
        where = "p.deleted = 0" + (f" AND {site_sql}" if site_sql else "")
        return int(
            db.conn.execute(f"SELECT count(*) FROM person p WHERE {where}", site_params).fetchone()[
                0
            ]
        )
    if site_sql:
        return int(
            db.conn.execute(
                "SELECT count(*) FROM person_fts f CROSS JOIN person p ON p.rowid = f.rowid"
                f" WHERE f.person_fts MATCH ? AND {site_sql}",
                (match, *site_params),
            ).fetchone()[0]
        )
    return int(
        db.conn.execute(
            "SELECT count(*) FROM person_fts WHERE person_fts MATCH ?", (match,)
        ).fetchone()[0]
    )


def _order_sql(order: PeopleOrder, descending: bool) -> str:
    direction = " DESC" if descending else ""
    return ", ".join(f"p.{c}{direction}" for c in _ORDER_COLUMNS[order])


def _key_of(r: Sequence[object], order: PeopleOrder) -> PageKey:
    # The key columns come last in every page query, after _ROW_COLUMNS.
    width = len(_ORDER_COLUMNS[order])
    return PageKey(tuple(str(v) for v in r[-width:]))


def page_people(
    db: Database,
    *,
    order: PeopleOrder = PeopleOrder.NAME,
    descending: bool = False,
    query: str | None = None,
    after: PageKey | None = None,
    offset: int = 0,
    limit: int = 100,
    sites: Sequence[str] | None = None,
) -> list[KeyedRow]:
    """One page of the people list, in the given order, optionally filtered by a search.

    Give `after` (the key of the last row of the previous page) for a keyset page, which
    costs the same anywhere in the list; `offset` is for jumping (a scroll-bar drag).
    `sites`: only the people these sites own (an office's view of some centres); None: all.
    """
    words = fold(query).split() if query else []
    if query and not words:
        return []
    key_columns = _ORDER_COLUMNS[order]
    key_select = ", ".join(f"p.{c}" for c in key_columns)
    where = ["p.deleted = 0"]
    params: list[object] = []
    site_sql, site_params = _sites_sql(sites)
    if site_sql:
        where.append(site_sql)
        params.extend(site_params)
    if after is not None:
        op = "<" if descending else ">"
        where.append(f"({key_select}) {op} ({', '.join('?' for _ in key_columns)})")
        params.extend(after.values)
    order_sql = _order_sql(order, descending)
    match = " ".join(f'"{w}"*' for w in words)
    if words and _few_matches(db, match):
        # Few matches: take them from the full-text index, sort them, then read one page.
        sql = (
            f"WITH hit AS (SELECT p.rowid AS r FROM person_fts f CROSS JOIN person p"
            f" ON p.rowid = f.rowid WHERE f.person_fts MATCH ? AND {' AND '.join(where)}"
            f" ORDER BY {order_sql} LIMIT ? OFFSET ?)"
            f" SELECT {_ROW_COLUMNS}, {key_select} FROM hit CROSS JOIN person p"
            f" ON p.rowid = hit.r LEFT JOIN hamlet h ON h.id = p.hamlet_id ORDER BY {order_sql}"
        )
        params = [match, *params, limit, offset]
    elif words:
        # Many matches: walk the order's index (it carries search_text) and keep rows whose
        # words start with every typed word, until the page is full: a few thousand steps.
        where += ["(' ' || p.search_text) LIKE ?" for _ in words]
        params += [f"% {w}%" for w in words]
        sql = (
            f"SELECT {_ROW_COLUMNS}, {key_select} FROM person p INDEXED BY {_INDEX_OF[order]}"
            f" LEFT JOIN hamlet h ON h.id = p.hamlet_id WHERE {' AND '.join(where)}"
            f" ORDER BY {order_sql} LIMIT ? OFFSET ?"
        )
        params += [limit, offset]
    elif offset and after is None:
        # Jump: skip rows inside the covering index, then fetch only the page's rows.
        sql = (
            f"SELECT {_ROW_COLUMNS}, {key_select} FROM {_FROM} WHERE p.rowid IN ("
            f"SELECT p.rowid FROM person p WHERE {' AND '.join(where)}"
            f" ORDER BY {order_sql} LIMIT ? OFFSET ?) ORDER BY {order_sql}"
        )
        params += [limit, offset]
    else:
        sql = (
            f"SELECT {_ROW_COLUMNS}, {key_select} FROM {_FROM}"
            f" WHERE {' AND '.join(where)} ORDER BY {order_sql} LIMIT ?"
        )
        params.append(limit)
    rows = db.conn.execute(sql, params).fetchall()
    return [KeyedRow(_row(r), _key_of(r, order)) for r in rows]


_INDEX_OF = {
    PeopleOrder.NAME: "person_roster",
    PeopleOrder.BIRTH: "person_birth",
    PeopleOrder.HAMLET: "person_hamlet",
}


def _few_matches(db: Database, match: str) -> bool:
    n = db.conn.execute(
        "SELECT count(*) FROM (SELECT rowid FROM person_fts WHERE person_fts MATCH ? LIMIT ?)",
        (match, FEW_MATCHES + 1),
    ).fetchone()[0]
    return int(n) <= FEW_MATCHES


def search_people(
    db: Database, text: str, limit: int = 50, sites: Sequence[str] | None = None
) -> list[PersonRow]:
    return [k.row for k in page_people(db, query=text, limit=limit, sites=sites)]


# Hamlets ---------------------------------------------------------------------------------


def list_hamlets(db: Database) -> list[Hamlet]:
    rows = db.conn.execute(
        "SELECT id, name, kind, population FROM hamlet WHERE deleted = 0 ORDER BY sort_key"
    ).fetchall()
    return [Hamlet(r[0], r[1], HamletKind(r[2]), r[3]) for r in rows]


def insert_hamlet(tx: Tx, name: str, kind: HamletKind) -> str:
    return tx.insert("hamlet", {"name": name, "kind": kind.value, "sort_key": natural_key(name)})


def update_hamlet(
    tx: Tx, hamlet_id: str, name: str, kind: HamletKind, population: int | None
) -> None:
    key = natural_key(name)
    tx.update(
        "hamlet", hamlet_id, {"name": name, "kind": kind.value, "population": population,
                              "sort_key": key},
    )  # fmt: skip
    # People carry the hamlet's key for the list's hamlet order: a rename moves them too.
    tx.update_where("person", {"hamlet_key": key}, "hamlet_id = ?", (hamlet_id,))


def hamlet_ids(db: Database) -> frozenset[str]:
    return frozenset(r[0] for r in db.conn.execute("SELECT id FROM hamlet WHERE deleted = 0"))


def hamlet_name_taken(db: Database, name: str, exclude_id: str | None) -> bool:
    folded = fold(name)
    for hid, hname in db.conn.execute("SELECT id, name FROM hamlet WHERE deleted = 0"):
        if hid != exclude_id and fold(hname) == folded:
            return True
    return False


def count_people_in_hamlet(db: Database, hamlet_id: str) -> int:
    return int(
        db.conn.execute(
            "SELECT count(*) FROM person WHERE hamlet_id = ? AND deleted = 0", (hamlet_id,)
        ).fetchone()[0]
    )


def set_hamlet_deleted(tx: Tx, hamlet_id: str) -> None:
    tx.update("hamlet", hamlet_id, {"deleted": 1})


# Households ------------------------------------------------------------------------------


def insert_household(tx: Tx, hamlet_id: str | None, head_id: str | None, address: str) -> str:
    return tx.insert("household", {"hamlet_id": hamlet_id, "head_id": head_id, "address": address})


def get_household(db: Database, household_id: str) -> Household | None:
    r = db.conn.execute(
        "SELECT id, hamlet_id, head_id, address, notes, version FROM household"
        " WHERE id = ? AND deleted = 0",
        (household_id,),
    ).fetchone()
    return Household(*r) if r else None


def update_household(
    tx: Tx,
    household_id: str,
    *,
    head_id: str | None,
    hamlet_id: str | None,
    address: str,
    notes: str,
) -> None:
    tx.update(
        "household",
        household_id,
        {"head_id": head_id, "hamlet_id": hamlet_id, "address": address, "notes": notes},
    )


def set_household_deleted(tx: Tx, household_id: str) -> None:
    tx.update("household", household_id, {"deleted": 1, "head_id": None})


def set_person_household(tx: Tx, person_id: str, household_id: str | None, relation: str) -> None:
    tx.update("person", person_id, {"household_id": household_id, "household_relation": relation})


def household_members(db: Database, household_id: str) -> list[HouseholdMember]:
    rows = db.conn.execute(
        "SELECT p.id, p.full_name, p.birth, p.household_relation, p.id = h.head_id"
        " FROM person p JOIN household h ON h.id = p.household_id"
        " WHERE p.household_id = ? AND p.deleted = 0"
        " ORDER BY p.id = h.head_id DESC, p.birth, p.sort_key",
        (household_id,),
    ).fetchall()
    return [
        HouseholdMember(
            person_id=r[0],
            full_name=r[1],
            birth=Birth.from_iso(r[2]) if r[2] else None,
            relation=r[3],
            is_head=bool(r[4]),
        )
        for r in rows
    ]


# Centre profile --------------------------------------------------------------------------


@dataclass(frozen=True)
class CentreRow:
    id: str
    name: str
    province_code: str | None
    province_name: str
    commune_code: str | None
    commune_name: str
    upstream_office: str
    address: str
    phone: str
    director: str = ""
    hoi_parent: str = ""
    hoi_chair: str = ""
    head_of_unit: str = ""
    accountant: str = ""
    treasurer: str = ""
    voucher_form: str = "tt24_2024"


def get_centre(db: Database) -> CentreRow | None:
    r = db.conn.execute(
        "SELECT id, name, province_code, province_name, commune_code, commune_name,"
        " upstream_office, address, phone, director, hoi_parent, hoi_chair, head_of_unit,"
        " accountant, treasurer, voucher_form FROM centre"
        " WHERE owner_site = ? AND deleted = 0 LIMIT 1",
        (db.site_id,),
    ).fetchone()
    return CentreRow(*r) if r else None


def save_centre(tx: Tx, centre: CentreRow) -> None:
    values = {
        "name": centre.name,
        "province_code": centre.province_code,
        "province_name": centre.province_name,
        "commune_code": centre.commune_code,
        "commune_name": centre.commune_name,
        "upstream_office": centre.upstream_office,
        "address": centre.address,
        "phone": centre.phone,
        "director": centre.director,
        "hoi_parent": centre.hoi_parent,
        "hoi_chair": centre.hoi_chair,
        "head_of_unit": centre.head_of_unit,
        "accountant": centre.accountant,
        "treasurer": centre.treasurer,
        "voucher_form": centre.voucher_form,
    }
    exists = tx.conn.execute("SELECT 1 FROM centre WHERE id = ?", (centre.id,)).fetchone()
    if exists:
        tx.update("centre", centre.id, values)
    else:
        tx.insert("centre", {"id": centre.id, **values})


def set_site_name(tx: Tx, name: str) -> None:
    # The site row is this installation's identity, not data that travels: no stamp.
    tx.conn.execute("UPDATE site SET name = ? WHERE id = ?", (name, tx.site_id))


# Bulk loading (demo data, later imports) ----------------------------------------------

# Maintaining these row by row costs four times the insert itself; rebuilt once at the end.
_BULK_DEFERRED = (
    "person_fts_insert",
    "person_roster",
    "person_birth",
    "person_hamlet",
    "person_hamlet_id",
    "person_household",
    "person_duplicate",
    "person_owner_version",
)
_BULK_CACHE_KIB = 131072


@contextmanager
def bulk_loading(db: Database) -> Iterator[None]:
    """Inside the caller's transaction: defer index and search upkeep to the end.

    If the body fails, the caller's rollback restores the dropped index definitions too.
    """
    conn = db.conn
    marks = ", ".join("?" for _ in _BULK_DEFERRED)
    saved = conn.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE name IN ({marks})", _BULK_DEFERRED
    ).fetchall()
    last_rowid = conn.execute("SELECT coalesce(max(rowid), 0) FROM person").fetchone()[0]
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    try:
        for kind, name, _ in saved:
            conn.execute(f"DROP {kind.upper()} {name}")
        yield
        conn.execute(
            "INSERT INTO person_fts (rowid, search_text)"
            " SELECT rowid, search_text FROM person WHERE rowid > ? AND deleted = 0",
            (last_rowid,),
        )
        for _, _, sql in saved:
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(old_cache)}")


@dataclass(frozen=True)
class BulkPerson:
    fields: PersonFields
    household_id: str | None
    relation: str


def bulk_insert_households(tx: Tx, households: Sequence[tuple[str | None, str]]) -> list[str]:
    """Insert households (hamlet_id, address) without heads; returns their ids in order."""
    return tx.insert_many(
        "household", [{"hamlet_id": h, "address": address} for h, address in households]
    )


def bulk_set_heads(tx: Tx, heads: Sequence[tuple[str, str]]) -> None:
    """Set (household_id, head person id) pairs."""
    tx.conn.executemany("UPDATE household SET head_id = ? WHERE id = ?", [(p, h) for h, p in heads])
    tx.touch("household", [h for h, _ in heads])


def bulk_insert_people(tx: Tx, people: Sequence[BulkPerson]) -> list[str]:
    """Insert many people in the caller's operation; returns their ids in order."""
    hamlet_keys = {h.id: natural_key(h.name) for h in list_hamlets(tx.db)}
    rows = []
    for item in people:
        row = _fields_params(item.fields, hamlet_keys.get(item.fields.hamlet_id or "", ""))
        row["household_id"] = item.household_id
        row["household_relation"] = item.relation
        rows.append(row)
    return tx.insert_many("person", rows)


def is_empty(db: Database) -> bool:
    """No people and no centre profile yet: a new database."""
    has_person = db.conn.execute("SELECT 1 FROM person LIMIT 1").fetchone()
    has_centre = db.conn.execute("SELECT 1 FROM centre LIMIT 1").fetchone()
    return not has_person and not has_centre


def find_by_folded_name(db: Database, name: str, birth_year: int | None) -> list[PersonRow]:
    """People whose whole name folds to the same text (and birth year, when given)."""
    sql = f"SELECT {_ROW_COLUMNS} FROM {_FROM} WHERE p.folded_name = ? AND p.deleted = 0"
    params: list[object] = [fold(name)]
    if birth_year is not None:
        sql += " AND p.birth_year = ?"
        params.append(birth_year)
    rows = db.conn.execute(sql + " ORDER BY p.sort_key LIMIT 20", params).fetchall()
    return [_row(r) for r in rows]
