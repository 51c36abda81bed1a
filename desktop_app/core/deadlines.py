"""Reporting deadlines: the yearly days a centre must send a report or a dossier by.

A deadline is a day and month that comes back every year, the report it needs and where it
comes from. The defaults are those of the plans the project comes from (shared/seeds) and of
the circulars on recognising learning units and communities; a centre may change their days
and add deadlines of its own (kept in the settings: `services.deadlines`).

`upcoming` gives each deadline's next day from a given day: a deadline just passed stays on
the list, as overdue, for `OVERDUE_DAYS` days, then moves to next year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from desktop_app.core.dates import DateError, check_day
from desktop_app.core.problems import N_, UserError

# The reports a deadline can need; the GUI opens the page that makes each.
KHUYEN_HOC_MONTH = "khuyen_hoc_month"
ANNUAL = "annual"
COMMUNE_REPORT = "commune_report"
UNIT_DOSSIER = "unit_dossier"
COMMUNITY_DOSSIER = "community_dossier"
REPORT_KEYS = (KHUYEN_HOC_MONTH, ANNUAL, COMMUNE_REPORT, UNIT_DOSSIER, COMMUNITY_DOSSIER)

# How long a deadline just passed stays on the list, marked overdue.
OVERDUE_DAYS = 7
MAX_TITLE_CHARS = 200
CUSTOM_PREFIX = "custom-"


@dataclass(frozen=True)
class Deadline:
    key: str
    # A msgid for the defaults (translated where shown); the user's own text for a custom one.
    title: str
    day: int
    month: int
    report: str = ""  # one of REPORT_KEYS; "" for a custom deadline
    source: str = ""  # the plan or circular that sets it
    custom: bool = False
    # How the day is written when it is a span ("10-15/12"); "" writes `dd/mm`.
    span: str = ""
    # A default whose day the centre changed.
    changed: bool = False

    @property
    def day_text(self) -> str:
        return self.span or f"{self.day:02d}/{self.month:02d}"


DEFAULT_DEADLINES: tuple[Deadline, ...] = (
    Deadline(
        "khuyen_hoc_month",
        N_("Khuyến học Month report"),
        6,
        10,
        KHUYEN_HOC_MONTH,
        "KH Tháng Khuyến học 2024 (5/9-5/10), huyện Vĩnh Bảo, Hải Phòng: trước 06/10",
    ),
    Deadline(
        "annual_report",
        N_("Yearly report on the learning-society movement"),
        1,
        11,
        ANNUAL,
        "KH 102/KH-UBND ngày 02/04/2024, Quận 11, TP.HCM: trước 01/11 về Phòng GD&ĐT",
    ),
    Deadline(
        "commune_report",
        N_("Commune report on building a learning society"),
        10,
        12,
        COMMUNE_REPORT,
        "KH xây dựng xã hội học tập 2023, huyện Củ Chi: trước 10/12; "
        "Thanh tra tỉnh Đồng Nai 2024: trước 15/12",
        span="10-15/12",
    ),
    Deadline(
        "unit_dossier",
        N_("Learning unit (Đơn vị học tập) dossier"),
        15,
        1,
        UNIT_DOSSIER,
        "TT 24/2023/TT-BGDĐT: hồ sơ đề nghị công nhận trước 15/01",
    ),
    Deadline(
        "community_dossier",
        N_("Learning community (Cộng đồng học tập) dossier"),
        28,
        2,
        COMMUNITY_DOSSIER,
        "TT 25/2023/TT-BGDĐT: hồ sơ cấp xã trước 28/02, công nhận trước 31/3",
    ),
)
DEFAULT_KEYS = frozenset(d.key for d in DEFAULT_DEADLINES)

UNREADABLE_DAY = N_("Type the day as dd/mm, e.g. 06/10.")
NO_29_FEBRUARY = N_(
    "A yearly deadline cannot be on 29 February, which most years do not have: choose 28 "
    "February or 1 March."
)
EMPTY_TITLE = N_("Give the deadline a title, e.g. “Báo cáo sơ kết học kỳ”.")
LONG_TITLE = N_("The title is too long: at most {max} characters.")
NO_SUCH_DEADLINE = N_("There is no deadline with the key {key}; 'deadlines' lists them.")
DEFAULT_NOT_REMOVABLE = N_(
    "{key} is one of the deadlines the plans set and cannot be removed: change its day with "
    "'deadlines set', or put every default back with 'deadlines reset'."
)

_DAY_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*$")


def parse_day_month(text: str) -> tuple[int, int]:
    """'06/10', '6/10', '6-10' or '6.10' as (day, month); a UserError for a day that does
    not exist every year (31/02, 29/02, 13th month) or text that is not a day and month."""
    m = _DAY_MONTH.match(text)
    if m is None:
        raise DateError(UNREADABLE_DAY)
    day, month = int(m.group(1)), int(m.group(2))
    return check_day_month(day, month)


def check_day_month(day: int, month: int) -> tuple[int, int]:
    if month == 2 and day == 29:
        raise DateError(NO_29_FEBRUARY)
    check_day(2001, month, day)  # a common year: what every year has
    return day, month


def check_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise UserError(EMPTY_TITLE)
    if len(text) > MAX_TITLE_CHARS:
        raise UserError(LONG_TITLE, {"max": MAX_TITLE_CHARS})
    return text


# The settings: what the centre changed, as plain data ------------------------------------


@dataclass(frozen=True)
class DeadlineSettings:
    """What the centre changed: new days for defaults, and its own deadlines."""

    days: Mapping[str, tuple[int, int]]  # default key -> (day, month)
    custom: tuple[Deadline, ...] = ()

    @classmethod
    def empty(cls) -> DeadlineSettings:
        return cls({}, ())

    def to_json(self) -> dict[str, object]:
        return {
            "days": {k: [d, m] for k, (d, m) in sorted(self.days.items())},
            "custom": [
                {"key": c.key, "title": c.title, "day": c.day, "month": c.month}
                for c in self.custom
            ],
        }

    @classmethod
    def from_json(cls, data: object) -> DeadlineSettings:
        """What `to_json` wrote; anything unreadable (a hand-edited file) is left out."""
        if not isinstance(data, dict):
            return cls.empty()
        days: dict[str, tuple[int, int]] = {}
        raw_days = data.get("days")
        if isinstance(raw_days, dict):
            for key, value in raw_days.items():
                pair = _pair(value)
                if key in DEFAULT_KEYS and pair is not None:
                    days[str(key)] = pair
        custom: list[Deadline] = []
        raw_custom = data.get("custom")
        if isinstance(raw_custom, list):
            for item in raw_custom:
                if not isinstance(item, dict):
                    continue
                pair = _pair([item.get("day"), item.get("month")])
                key, title = item.get("key"), item.get("title")
                if pair is None or not isinstance(key, str) or not isinstance(title, str):
                    continue
                if not key.startswith(CUSTOM_PREFIX) or not title.strip():
                    continue
                custom.append(Deadline(key, title, pair[0], pair[1], custom=True))
        return cls(days, tuple(custom))


def _pair(value: object) -> tuple[int, int] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    day, month = value
    if not isinstance(day, int) or not isinstance(month, int):
        return None
    try:
        return check_day_month(day, month)
    except UserError:
        return None


def configured(settings: DeadlineSettings) -> list[Deadline]:
    """The defaults (with the days the centre changed) and the centre's own deadlines."""
    out: list[Deadline] = []
    for d in DEFAULT_DEADLINES:
        changed = settings.days.get(d.key)
        if changed is not None and changed != (d.day, d.month):
            d = replace(d, day=changed[0], month=changed[1], span="", changed=True)
        out.append(d)
    out.extend(settings.custom)
    return out


def with_day(settings: DeadlineSettings, key: str, day: int, month: int) -> DeadlineSettings:
    if key in DEFAULT_KEYS:
        return DeadlineSettings({**settings.days, key: (day, month)}, settings.custom)
    if not any(c.key == key for c in settings.custom):
        raise UserError(NO_SUCH_DEADLINE, {"key": key[:60]})
    custom = tuple(replace(c, day=day, month=month) if c.key == key else c for c in settings.custom)
    return DeadlineSettings(settings.days, custom)


def with_custom(
    settings: DeadlineSettings, title: str, day: int, month: int
) -> tuple[DeadlineSettings, str]:
    """The settings with one more deadline of the centre's own, and its new key."""
    taken = {c.key for c in settings.custom}
    n = 1
    while f"{CUSTOM_PREFIX}{n}" in taken:
        n += 1
    key = f"{CUSTOM_PREFIX}{n}"
    added = Deadline(key, check_title(title), day, month, custom=True)
    return DeadlineSettings(settings.days, (*settings.custom, added)), key


def without(settings: DeadlineSettings, key: str) -> DeadlineSettings:
    if key in DEFAULT_KEYS:
        raise UserError(DEFAULT_NOT_REMOVABLE, {"key": key})
    if not any(c.key == key for c in settings.custom):
        raise UserError(NO_SUCH_DEADLINE, {"key": key[:60]})
    return DeadlineSettings(settings.days, tuple(c for c in settings.custom if c.key != key))


# When --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upcoming:
    """A deadline's day as seen from `today`: the next one, or the one just passed."""

    deadline: Deadline
    date: dt.date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def occurrence(deadline: Deadline, today: dt.date) -> Upcoming:
    """The deadline's day this year if it is still to come, or passed at most
    `OVERDUE_DAYS` days ago (overdue); else next year's."""
    this_year = dt.date(today.year, deadline.month, deadline.day)
    days = (this_year - today).days
    if days >= -OVERDUE_DAYS:
        return Upcoming(deadline, this_year, days)
    next_year = dt.date(today.year + 1, deadline.month, deadline.day)
    return Upcoming(deadline, next_year, (next_year - today).days)


def upcoming(deadlines: Iterable[Deadline], today: dt.date) -> list[Upcoming]:
    """Every deadline's day from `today`, soonest first (overdue ones first of all)."""
    return sorted((occurrence(d, today) for d in deadlines), key=lambda u: (u.date, u.deadline.key))


def find(deadlines: Sequence[Deadline], key: str) -> Deadline:
    for d in deadlines:
        if d.key == key:
            return d
    raise UserError(NO_SUCH_DEADLINE, {"key": key[:60]})
