"""The home dashboard's figures of a year, read in one call on a reader.

    figures = ws.dashboard.figures(2026)

Each figure comes from the query its own page uses wherever one exists: members and their
share from `ws.members.shares`, the fund balance from `ws.fund.balance`, the models through
the queries of `ws.models.status`, the kinds of class from `ws.courses.class_types`; the
classes as the annual report counts them (`storage.annual_report.classes`); learner-attendances
(lượt) from `storage.dashboard`.
The GUI keeps the result for the day and reads it again when an operation touches one of
`DASHBOARD_TABLES`.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from desktop_app.core.dates import check_year
from desktop_app.services.courses import CourseService
from desktop_app.services.fund import FundService
from desktop_app.services.learning_models import LearningModelService
from desktop_app.services.members import MemberService
from desktop_app.storage import annual_report as report_repo
from desktop_app.storage import dashboard as repo
from desktop_app.storage import sync as sync_repo
from desktop_app.storage.db import Database

__all__ = [
    "DASHBOARD_TABLES",
    "DashboardFigures",
    "DashboardService",
    "KindSeries",
    "ModelBar",
    "figures_from_json",
    "figures_to_json",
]

# The tables the figures read: an operation that touches one makes them stale.
DASHBOARD_TABLES = frozenset(
    {
        "course", "session", "enrolment", "attendance", "class_type",
        "member", "person", "hamlet",
        "fund", "ledger_entry", "fund_year_close",
        "model_registration", "model_assessment", "model_decision", "model_recognition",
        "household", "clan", "clan_household", "learning_unit", "unit_member",
    }
)  # fmt: skip


@dataclass(frozen=True)
class KindSeries:
    """The learner-attendances of one kind of class, month by month (January first)."""

    code: str
    name: str
    months: tuple[int, ...]  # 12 values

    @property
    def total(self) -> int:
        return sum(self.months)


@dataclass(frozen=True)
class HamletMembers:
    name: str
    members: int
    population: int | None

    @property
    def share(self) -> float | None:
        return self.members / self.population if self.population else None


@dataclass(frozen=True)
class ModelBar:
    """A model's registered and recognised subjects of those who could, and its target."""

    model: str
    eligible: int
    registered: int
    recognised: int
    target: float

    @property
    def registered_rate(self) -> float | None:
        return self.registered / self.eligible if self.eligible else None

    @property
    def recognised_rate(self) -> float | None:
        return self.recognised / self.eligible if self.eligible else None


@dataclass(frozen=True)
class DashboardFigures:
    year: int
    computed_on: dt.date
    classes: int
    attendances: int  # lượt: present marks at the year's sessions
    learners: int  # distinct people present at least once
    members: int  # active members
    population: int | None  # the hamlets' populations added up (None: none given)
    fund_balance: int  # đồng, every live fund, at the end of the year (or today)
    # Per kind of class, most attended first.
    attendance_by_kind: tuple[KindSeries, ...]
    members_by_hamlet: tuple[HamletMembers, ...]
    # Every fund's balance at each month's end; None for months still to come.
    fund_by_month: tuple[int | None, ...]
    models: tuple[ModelBar, ...]

    @property
    def member_share(self) -> float | None:
        return self.members / self.population if self.population else None

    @property
    def attendance_by_month(self) -> tuple[int, ...]:
        return tuple(sum(k.months[m] for k in self.attendance_by_kind) for m in range(12))

    @property
    def models_registered(self) -> int:
        return sum(m.registered for m in self.models)

    @property
    def models_recognised(self) -> int:
        return sum(m.recognised for m in self.models)

    @property
    def empty(self) -> bool:
        """Nothing recorded for the year: no class, no attendance, no member, no fund."""
        return not (self.classes or self.attendances or self.members or self.fund_balance
                    or self.models_registered)  # fmt: skip


def figures_to_json(f: DashboardFigures) -> dict[str, Any]:
    """The figures as plain JSON, for the GUI to keep until the day ends or the data change."""
    data = dataclasses.asdict(f)
    data["computed_on"] = f.computed_on.isoformat()
    return data


def figures_from_json(data: dict[str, Any]) -> DashboardFigures:
    """What `figures_to_json` wrote (KeyError, TypeError or ValueError if it is not that)."""
    return DashboardFigures(
        year=int(data["year"]),
        computed_on=dt.date.fromisoformat(data["computed_on"]),
        classes=int(data["classes"]),
        attendances=int(data["attendances"]),
        learners=int(data["learners"]),
        members=int(data["members"]),
        population=None if data["population"] is None else int(data["population"]),
        fund_balance=int(data["fund_balance"]),
        attendance_by_kind=tuple(
            KindSeries(str(k["code"]), str(k["name"]), tuple(int(n) for n in k["months"]))
            for k in data["attendance_by_kind"]
        ),
        members_by_hamlet=tuple(
            HamletMembers(
                str(h["name"]),
                int(h["members"]),
                None if h["population"] is None else int(h["population"]),
            )
            for h in data["members_by_hamlet"]
        ),
        fund_by_month=tuple(None if v is None else int(v) for v in data["fund_by_month"]),
        models=tuple(
            ModelBar(
                str(m["model"]),
                int(m["eligible"]),
                int(m["registered"]),
                int(m["recognised"]),
                float(m["target"]),
            )
            for m in data["models"]
        ),
    )


class DashboardService:
    def __init__(
        self,
        db: Database,
        courses: CourseService,
        fund: FundService,
        members: MemberService,
        models: LearningModelService,
    ) -> None:
        self._db = db
        self._courses = courses
        self._fund = fund
        self._members = members
        self._models = models

    def version(self) -> int:
        """The database's change counter: figures kept with an older one are stale."""
        return sync_repo.counter_value(self._db)

    def figures(self, year: int, today: dt.date | None = None) -> DashboardFigures:
        check_year(year)
        today = today or dt.date.today()
        counts, learners = repo.attendances(self._db, year)
        names = {t.code: t.name for t in self._courses.class_types(include_inactive=True)}
        kinds: dict[str, tuple[str, list[int]]] = {}
        for month, code, n in counts:
            kinds.setdefault(code, (names.get(code, code), [0] * 12))[1][month - 1] += n
        by_kind = sorted(
            (KindSeries(code, name, tuple(months)) for code, (name, months) in kinds.items()),
            key=lambda k: (-k.total, k.name),
        )
        hamlets, commune = self._members.shares()
        month_ends = [dt.date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]
        funds = self._fund.funds()
        by_month: list[int | None] = []
        for end in month_ends:
            if end > today and dt.date(year, end.month, 1) > today:
                by_month.append(None)  # a month still to come
                continue
            at = min(end, today)
            by_month.append(
                sum(self._fund.balance(f.id, at) for f in funds if f.opening_date <= at)
            )
        year_end = min(month_ends[-1], today)
        balance = sum(
            self._fund.balance(f.id, year_end) for f in funds if f.opening_date <= year_end
        )
        models = self._model_bars(year)
        return DashboardFigures(
            year=year,
            computed_on=today,
            # The annual report's classes of the calendar year: one definition for both.
            classes=len(report_repo.classes(self._db, (dt.date(year, 1, 1), month_ends[-1]), None)),
            attendances=sum(k.total for k in by_kind),
            learners=learners,
            members=commune.members,
            population=commune.population,
            fund_balance=balance,
            attendance_by_kind=tuple(by_kind),
            members_by_hamlet=tuple(
                HamletMembers(h.name, h.members, h.population) for h in hamlets
            ),
            fund_by_month=tuple(by_month),
            models=models,
        )

    def _model_bars(self, year: int) -> tuple[ModelBar, ...]:
        """What `ws.models.status` says of each model for the commune."""
        return tuple(
            ModelBar(m, s.eligible, s.registered, s.recognised, s.target_rate)
            for m, s in self._models.status(year).items()
        )
