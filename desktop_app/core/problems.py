"""Validation problems and user errors, translatable without core knowing about gettext."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown (ui, cli)."""
    return message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field, with a message that says how to fix it.

    `message` is an untranslated msgid with `{name}` placeholders filled from `params`
    after translation.
    """

    field: str
    message: str
    params: Mapping[str, str | int] = field(default_factory=dict)
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
