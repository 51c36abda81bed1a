"""Sex as on the CCCD card; apart so that cccd.py and people.py need not import each other."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"
