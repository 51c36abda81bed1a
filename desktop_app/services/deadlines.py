"""The reporting deadlines: the plans' defaults, the days the centre changed and its own.

ws.deadlines.upcoming()                 # soonest first, each with its days left
ws.deadlines.add("Báo cáo quý", "30/03")
ws.deadlines.set_day("annual_report", "05/11")
"""

from __future__ import annotations

import datetime as dt

from desktop_app.core import deadlines as core
from desktop_app.core.deadlines import Deadline, Upcoming
from desktop_app.services.ops import OpResult, Ops
from desktop_app.storage import deadlines as repo
from desktop_app.storage.db import Database

__all__ = ["Deadline", "DeadlineService", "Upcoming"]


class DeadlineService:
    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops

    def deadlines(self) -> list[Deadline]:
        """The defaults (with the days changed) then the centre's own, in that order."""
        return core.configured(repo.read_settings(self._db))

    def upcoming(self, today: dt.date | None = None, limit: int | None = None) -> list[Upcoming]:
        """Each deadline's next day from `today` (a deadline passed less than a week ago is
        still there, overdue), soonest first."""
        found = core.upcoming(self.deadlines(), today or dt.date.today())
        return found if limit is None else found[:limit]

    def get(self, key: str) -> Deadline:
        return core.find(self.deadlines(), key)

    def add(self, title: str, day: str) -> OpResult[str]:
        """A deadline of the centre's own every year on `day` ("dd/mm"); returns its key."""
        d, m = core.parse_day_month(day)
        with self._ops.op("deadline.add") as op:
            settings, key = core.with_custom(repo.read_settings(self._db), title, d, m)
            repo.write_settings(op.tx, settings, f"add {key} {d:02d}/{m:02d}")
        return op.result(key)

    def set_day(self, key: str, day: str) -> OpResult[str]:
        """Move a deadline (a default or the centre's own) to `day` ("dd/mm")."""
        d, m = core.parse_day_month(day)
        with self._ops.op("deadline.set") as op:
            settings = core.with_day(repo.read_settings(self._db), key, d, m)
            repo.write_settings(op.tx, settings, f"set {key} {d:02d}/{m:02d}")
        return op.result(key)

    def remove(self, key: str) -> OpResult[str]:
        """Remove one of the centre's own deadlines (the plans' cannot be removed)."""
        with self._ops.op("deadline.remove") as op:
            settings = core.without(repo.read_settings(self._db), key)
            repo.write_settings(op.tx, settings, f"remove {key}")
        return op.result(key)

    def reset(self) -> OpResult[None]:
        """Back to the plans' deadlines only: changed days and the centre's own are dropped."""
        with self._ops.op("deadline.reset") as op:
            repo.clear_settings(op.tx)
        return op.result(None)
