"""Validation problems and user errors, translatable without core knowing about gettext."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown (ui, cli)."""
    return message


class Label(str):
    """A parameter of a message that is itself a msgid (a status, a kind: "achieved"), to be
    translated with the message; any other parameter (a name, a number) is shown as given."""

    __slots__ = ()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field, with a message that says how to fix it.

    `message` is an untranslated msgid with `{name}` placeholders filled from `params`
    after translation.
    """

    field: str
    message: str
    params: Mapping[str, str | int] = dataclasses.field(default_factory=dict)
    warning: bool = False


class UserError(Exception):
    """Something the user can fix; nothing was changed. Carries a msgid and its params."""

    def __init__(
        self,
        message: str,
        params: Mapping[str, str | int] | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.params: Mapping[str, str | int] = dict(params or {})
        self.problems = problems


class StoreError(Exception):
    """The database file cannot be used as asked: missing, locked, read-only, corrupt, too new,
    on a failing disk.

    Raised by storage, shown by ui and cli with `message` (a msgid) and `params`; the
    operation changed nothing.
    """

    MISSING = "missing"
    NOT_A_DATABASE = "not_a_database"
    NEWER_SCHEMA = "newer_schema"
    LOCKED = "locked"
    READ_ONLY = "read_only"
    CORRUPT = "corrupt"
    DISK_FULL = "disk_full"
    UNREADABLE = "unreadable"
    CONFLICT = "conflict"
    IO = "io"  # the disk or USB stick failed or went away while reading or writing

    def __init__(self, kind: str, message: str, params: Mapping[str, str | int] | None = None):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.params: Mapping[str, str | int] = dict(params or {})
