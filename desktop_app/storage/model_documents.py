"""SQL for the learning models' paper: the households (and clans) a registration form is
printed for, with what the form says of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.storage.db import Database


@dataclass(frozen=True)
class FormHousehold:
    id: str
    head_name: str  # '' when the household has no live head
    address: str
    hamlet_id: str | None
    hamlet_name: str
    hamlet_kind: str


_HOUSEHOLD_SELECT = (
    "SELECT h.id, coalesce(p.full_name, ''), h.address, h.hamlet_id, coalesce(t.name, ''),"
    " coalesce(t.kind, 'thon') FROM household h"
    " LEFT JOIN person p ON p.id = h.head_id AND p.deleted = 0"
    " LEFT JOIN hamlet t ON t.id = h.hamlet_id AND t.deleted = 0"
)


def _household(r: Sequence[object]) -> FormHousehold:
    return FormHousehold(
        str(r[0]), str(r[1]), str(r[2]), None if r[3] is None else str(r[3]), str(r[4]),
        str(r[5]),
    )  # fmt: skip


def form_household(db: Database, household_id: str) -> FormHousehold | None:
    """The live household with this id, or None."""
    r = db.conn.execute(
        f"{_HOUSEHOLD_SELECT} WHERE h.id = ? AND h.deleted = 0", (household_id,)
    ).fetchone()
    return _household(r) if r else None


def hamlet_form_households(
    db: Database, hamlet_id: str, registered_for: tuple[str, int] | None
) -> list[FormHousehold]:
    """The live households of a hamlet, by the head's name; with `registered_for` (model,
    year) only those with a live registration for it."""
    where = "h.hamlet_id = ? AND h.deleted = 0"
    params_: list[object] = [hamlet_id]
    if registered_for is not None:
        where += (
            " AND EXISTS (SELECT 1 FROM model_registration r WHERE r.subject_id = h.id"
            " AND r.model = ? AND r.year = ? AND r.deleted = 0)"
        )
        params_ += [registered_for[0], registered_for[1]]
    rows = db.conn.execute(
        f"{_HOUSEHOLD_SELECT} WHERE {where} ORDER BY coalesce(p.sort_key, ''), h.id", params_
    )
    return [_household(r) for r in rows]
