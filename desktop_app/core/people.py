"""People of the centre's commune: the registry's entities and their rules."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Birth:
    """A birth date, or a birth year alone (many older villagers only know the year)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def has_full_date(self) -> bool:
        return self.month is not None and self.day is not None

    def iso(self) -> str:
        """Storage form: 'YYYY-MM-DD' or 'YYYY'; sorts correctly as text."""
        if self.month is None or self.day is None:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        """Screen form: 'dd/mm/yyyy' or 'yyyy'."""
        if self.month is None or self.day is None:
            return f"{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"

    @classmethod
    def from_iso(cls, text: str) -> Birth:
        if len(text) == 4:
            return cls(int(text))
        year, month, day = text.split("-")
        return cls(int(year), int(month), int(day))

    @classmethod
    def parse(cls, text: str) -> Birth:
        """Parse what a secretary types: '07/03/1985', '7-3-1985', '1985-03-07' or '1985'.

        Raises ValueError when the text is not a real date.
        """
        if m := _YEAR.match(text):
            return cls(int(m.group(1)))
        if m := _DMY.match(text):
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m := _ISO.match(text):
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            raise ValueError(text)
        dt.date(year, month, day)  # raises ValueError on 31/02 and the like
        return cls(year, month, day)
