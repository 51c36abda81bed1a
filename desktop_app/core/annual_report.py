from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.dates import check_year
from desktop_app.core.problems import N_, UserError


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
    # The centres asked for (None: every row of the file), for the records behind the figures.
    site_filter: tuple[str, ...] | None = None


# The period of a report ----------------------------------------------------------------------
#
# "calendar": 1/1 to 31/12 of the year (the annual report and the models' results are by
# calendar year). "school": the school year that ends in `year`, 1/9 of the year before to 31/5
# of `year` — the end-of-year statistics of TT 24/2018 (continuing education) take their data
# at 31/5, so the school year's report closes there; the start-of-year snapshot at 30/9 is a
# snapshot of the registry, not a period, and is served by a period ending on 30/9.

PERIOD_PRESETS = ("calendar", "school")

AGE_BANDS = ("15-35", "15-60", "60+")


def report_period(
    year: int,
    preset: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    """The first and last day of a report's period: the dates given (either end defaulting to
    the preset's), else the preset's ("calendar" when None). UserError for a year no record
    can have (check_year), a year after next (no record is dated there yet), an unknown
    preset, or a period that ends before it starts."""
    check_year(year)
    next_year = (today or dt.date.today()).year + 1
    if year > next_year:
        raise UserError(
            N_("There are no records for {year} yet: choose a year up to {last}."),
            {"year": year, "last": next_year},
        )
    if preset is None or preset == "calendar":
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif preset == "school":
        start, end = dt.date(year - 1, 9, 1), dt.date(year, 5, 31)
    else:
        raise UserError(
            N_("There is no period {preset}: choose calendar or school."),
            {"preset": str(preset)[:30]},
        )
    start = date_from or start
    end = date_to or end
    for day in (start, end):
        check_year(day.year)
    if end < start:
        raise UserError(
            N_("The period ends on {end} before it starts on {start}: swap the two dates."),
            {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
        )
    return start, end


def age_bands(age: int) -> tuple[str, ...]:
    """The bands of AGE_BANDS an age (in years) falls in: 15-35 lies within 15-60; "60+" is
    over 60. Under 15: none."""
    out = []
    if 15 <= age <= 35:
        out.append("15-35")
    if 15 <= age <= 60:
        out.append("15-60")
    if age > 60:
        out.append("60+")
    return tuple(out)


def is_minority(ethnicity: str) -> bool:
    """An ethnic minority: an ethnicity given and not Kinh."""
    folded = ethnicity.strip().casefold()
    return bool(folded) and folded not in ("kinh", "việt", "viet")


def figures(report: AnnualReport) -> list[Figure]:
    """Every figure of the report, table by table, each key once (the first kept)."""
    seen: dict[str, Figure] = {}
    for table in report.tables:
        for _label, row in table.rows:
            for f in row:
                seen.setdefault(f.key, f)
    return list(seen.values())


def _path(key: str) -> list[str]:
    # Names (hamlets, kinds) may hold dots: only the models' keys go three deep.
    return key.split(".", 2 if key.startswith("models.") else 1)


def report_json(report: AnnualReport) -> dict[str, object]:
    """The figures as nested JSON, each Figure's key its path ("learners_by_sex.F"), with the
    period ({"from", "to"}, ISO), `empty` and the centres covered ("sites"). Money is in đồng;
    a percent figure (0-100) is given as the fraction (0.25); a figure the records cannot
    answer is null."""
    out: dict[str, object] = {
        "period": {"from": report.period_from.isoformat(), "to": report.period_to.isoformat()},
        "empty": report.empty,
        "sites": list(report.sites),
    }
    for f in figures(report):
        node = out
        parts = _path(f.key)
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            value = f.value
            if f.unit == "percent" and value is not None:
                value = value / 100  # shares as fractions in the JSON
            node[parts[-1]] = value
    return out
