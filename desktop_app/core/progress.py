"""Progress reports and the one way long work learns that the user pressed Cancel."""

from __future__ import annotations

from collections.abc import Callable

# `progress(done, total)` returns False once the user asked to stop.
Progress = Callable[[int, int], bool]


class Cancelled(Exception):
    """The user pressed Cancel: the work stopped and nothing of it was kept."""


def no_progress(done: int, total: int) -> bool:
    return True


def check(progress: Progress, done: int, total: int) -> None:
    """Report progress; raise Cancelled if the user asked to stop."""
    if not progress(done, total):
        raise Cancelled()
