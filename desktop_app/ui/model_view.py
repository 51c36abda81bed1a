"""What every view of the Learning models section shares: it shows one model for the year the
page's switcher says, reads its data only when it is the tab on screen (`show_data`), and is
marked stale when an operation changed what it shows."""

from __future__ import annotations

import re
from typing import Protocol

from PySide6.QtWidgets import QWidget

from desktop_app.core.collation import sort_key
from desktop_app.core.learning_subjects import ModelStatus
from desktop_app.core.problems import N_
from desktop_app.services.workspace import Workspace
from desktop_app.ui.context import AppContext

__all__ = [
    "SUBJECT_HEADERS",
    "WHOLE_LIST_AT_MOST",
    "ModelHost",
    "ModelView",
    "first_hamlet",
    "name_order",
    "status_with",
]

# What the list of registrations names, per kind of subject.
SUBJECT_HEADERS = {
    "household": N_("Household (head)"), "clan": N_("Clan"), "hamlet": N_("Hamlet"),
    "unit": N_("Learning unit"), "person": N_("Full name"),
}  # fmt: skip


def name_order(name: str) -> tuple[tuple[str, int], ...]:
    """Vietnamese order with the numbers in names as numbers: Thôn 2 before Thôn 10."""
    parts = re.split(r"(\d+)", name)
    return tuple(
        (sort_key(parts[i]), int(parts[i + 1]) if i + 1 < len(parts) else -1)
        for i in range(0, len(parts), 2)
    )


# A commune with more registrations than this opens on its first hamlet rather than on the
# whole list: 37,000 registered households take 400 ms to read, a hamlet's 20 ms.
WHOLE_LIST_AT_MOST = 2000


def first_hamlet(status: ModelStatus) -> str | None:
    """The first hamlet, in the table's order, where someone registered (else the first)."""
    names = sorted(status.by_hamlet, key=lambda name: name == "")
    for name in names:
        if status.by_hamlet[name].registered:
            return name
    return names[0] if names else None


def status_with(
    ws: Workspace, known: dict[str, ModelStatus] | None, year: int, model: str
) -> dict[str, ModelStatus]:
    """The year's statuses read so far with the model's, read now if it was not (on a
    reader: one model's status at 200,000 people is a fifth of all five's)."""
    if known is not None and model in known:
        return known
    return {**(known or {}), **ws.models.status(year, (model,))}


class ModelHost(Protocol):
    """The page the views live in: the year shown, and the year's status of every model read
    once and kept until something changes (`ws.models.status` counts all models at once)."""

    ctx: AppContext

    @property
    def year(self) -> int: ...

    def status_of(self, year: int) -> dict[str, ModelStatus] | None: ...

    def keep_status(self, year: int, status: dict[str, ModelStatus]) -> None: ...

    def reload(self) -> None:
        """Forget what was read: a change no operation announces (a target kept in the
        settings)."""
        ...


class ModelView(QWidget):
    def __init__(self, host: ModelHost, model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ctx = host.ctx
        self.model = model
        self.stale = True
        self._asked = 0  # reads asked; an older answer is dropped

    @property
    def year(self) -> int:
        return self.host.year

    def mark_stale(self) -> None:
        self.stale = True

    def show_data(self) -> None:
        """Read what the view shows, if it changed since it was last read."""
        if self.stale:
            self.stale = False
            self.load()

    def load(self) -> None:
        raise NotImplementedError

    def ask(self) -> int:
        """A new read's number; `answered(n)` says whether it is still the latest."""
        self._asked += 1
        return self._asked

    def answered(self, asked: int) -> bool:
        return asked == self._asked
