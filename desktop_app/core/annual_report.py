from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str  # e.g. "learners_by_sex.F"
    label: str  # msgid (translated where shown)
    value: int | float | None  # None: not answerable from the records (to be filled by hand)
    unit: str = ""  # "", "money" (đồng, int), "percent" (0-100 float), "people"
    records: str = ""  # trace key of the records behind it ("" = none)


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str  # msgid
    columns: tuple[str, ...]  # msgids of the value columns
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]  # (row label: msgid or a name, figures)
    total: bool = False  # the last row is the sum of the rows above (xlsx: a formula)


@dataclass(frozen=True)
class AnnualReport:
    kind: str  # "annual" | "khuyen_hoc"
    period_from: dt.date
    period_to: dt.date
    sites: tuple[str, ...]  # centres covered; () = this database's own
    site_dates: tuple[tuple[str, str, dt.date | None], ...]  # (site id, centre name, latest bundle)
    tables: tuple[ReportTable, ...]
    empty: bool  # no data in the period at all
