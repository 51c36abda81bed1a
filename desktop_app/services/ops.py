"""The operation boundary: every use case that writes goes through `Ops.op`.

One transaction, one version, the audit, (later) the permission check, and one typed result:
the value plus what changed, as Anki's `OpChanges`. Views subscribe to the kinds of entity
they show (table names) and refresh from `OpChanges`, so nobody announces a change by hand.

    with self._ops.op("person.add") as op:
        person_id = repo.insert_person(op.tx, fields)
    return op.result(person_id)
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from desktop_app.core.progress import Cancelled, Progress, no_progress
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx, Writer

__all__ = ["Cancelled", "OpChanges", "OpResult", "Ops", "Progress", "no_progress"]

T = TypeVar("T")


@dataclass(frozen=True)
class OpChanges:
    """What one operation changed: the ids of every row it stamped, by table."""

    op: str = ""
    version: int | None = None
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.ids)

    def touches(self, *kinds: str) -> bool:
        return any(k in self.ids for k in kinds)

    def ids_of(self, kind: str) -> frozenset[str]:
        return self.ids.get(kind, frozenset())

    @property
    def empty(self) -> bool:
        return not self.ids


@dataclass(frozen=True)
class OpResult(Generic[T]):
    """The value an operation returns, and what it changed."""

    value: T
    changes: OpChanges


class Ops:
    """The one writer of one open database."""

    def __init__(self, db: Database, actor: str | None = None) -> None:
        self._db = db
        self._writer = Writer(db)
        self.actor = actor or _actor()

    @contextmanager
    def op(self, name: str) -> Iterator[WriteOp]:
        """Run the body as one operation named `name` (e.g. "person.add")."""
        with self._writer.write(name, self.actor) as tx:
            handle = WriteOp(tx, name)
            yield handle
        # A nested operation reports what it stamped itself; the outermost, everything.
        handle.changes = tx.closed

    def record_event(
        self, name: str, entity: str, record_id: str, detail: str = ""
    ) -> OpResult[None]:
        """Audit an event that changes no row (a print, an export) as an operation of its own."""
        with self.op(name) as op:
            op.tx.note(entity, record_id, detail)
        return op.result(None)

    @property
    def db_path(self) -> Path:
        """The open database's file: what no document may be written over."""
        return self._db.path

    @property
    def in_op(self) -> bool:
        return self._writer.active is not None


class WriteOp:
    """An open operation: write through `tx`, then `result(value)` after the block."""

    def __init__(self, tx: Tx, name: str) -> None:
        self.tx = tx
        self.name = name
        self.changes: Mapping[str, frozenset[str]] | None = None

    def result(self, value: T) -> OpResult[T]:
        """The value and what this operation stamped; call it after the `with` block."""
        if self.changes is None:
            raise RuntimeError(f"{self.name}: result() before the operation closed")
        return OpResult(value, OpChanges(self.name, self.tx.version_taken, self.changes))


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "?"
