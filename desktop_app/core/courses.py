"""Classes and topic sessions: types, courses, attendance and who completed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from desktop_app.core.problems import N_, Problem
from desktop_app.core.text import nfc


class CourseStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


COURSE_STATUS_LABELS: dict[CourseStatus, str] = {
    CourseStatus.PLANNED: N_("Planned"),
    CourseStatus.RUNNING: N_("Running"),
    CourseStatus.FINISHED: N_("Finished"),
    CourseStatus.CANCELLED: N_("Cancelled"),
}


class Result(StrEnum):
    """The result written on a roster and a certificate (xếp loại)."""

    EXCELLENT = "xuat_sac"
    VERY_GOOD = "gioi"
    GOOD = "kha"
    PASS = "dat"
    FAIL = "khong_dat"


# Vietnamese words are printed on Vietnamese documents whatever the UI language.
RESULT_VI: dict[Result, str] = {
    Result.EXCELLENT: "Xuất sắc",
    Result.VERY_GOOD: "Giỏi",
    Result.GOOD: "Khá",
    Result.PASS: "Đạt",
    Result.FAIL: "Không đạt",
}
RESULT_LABELS: dict[Result, str] = {
    Result.EXCELLENT: N_("Excellent"),
    Result.VERY_GOOD: N_("Very good"),
    Result.GOOD: N_("Good"),
    Result.PASS: N_("Pass"),
    Result.FAIL: N_("Fail"),
}


@dataclass(frozen=True)
class ClassType:
    """A kind of class, from the catalogue shipped in resources/ (the office may replace it)."""

    code: str
    name: str  # Vietnamese, as printed
    name_en: str
    group: str  # the reporting group it is counted under
    literacy: bool = False
    default_min_percent: int = 80
    active: bool = True


@dataclass(frozen=True)
class CompletionRule:
    """Who completed: a minimum share of sessions attended and, if asked, a passing result.

    Literacy classes also need a literacy level (mức độ 1 or 2) to be recognised.
    """

    min_percent: int = 80
    needs_result: bool = False
    needs_literacy_level: bool = False


@dataclass(frozen=True)
class Completion:
    completed: bool
    attended: int
    sessions: int
    reason: str = ""  # a msgid when not completed

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.sessions) if self.sessions else 0


def completion(
    rule: CompletionRule,
    attended: int,
    sessions: int,
    result: Result | None = None,
    literacy_level: int | None = None,
) -> Completion:
    """Decide completion. Integer arithmetic, so 4 of 5 sessions is exactly 80 percent."""
    if sessions == 0:
        return Completion(False, attended, sessions, N_("The class has no sessions yet."))
    if attended * 100 < rule.min_percent * sessions:
        return Completion(
            False, attended, sessions, N_("Attended fewer sessions than the class requires.")
        )
    if result is Result.FAIL:
        return Completion(False, attended, sessions, N_("The result is Fail."))
    if rule.needs_result and result is None:
        return Completion(False, attended, sessions, N_("No result has been entered yet."))
    if rule.needs_literacy_level and literacy_level not in (1, 2):
        return Completion(
            False, attended, sessions, N_("No literacy level (1 or 2) has been entered yet.")
        )
    return Completion(True, attended, sessions)


@dataclass(frozen=True)
class CourseInput:
    type_code: str
    title: str
    start: dt.date | None = None
    end: dt.date | None = None
    partner: str = ""
    presenter: str = ""
    venue: str = ""
    funding: str = ""
    status: CourseStatus = CourseStatus.PLANNED
    min_percent: int = 80
    needs_result: bool = False
    notes: str = ""


@dataclass(frozen=True)
class Course:
    id: str
    type_code: str
    type_name: str
    title: str
    start: dt.date | None
    end: dt.date | None
    partner: str
    presenter: str
    venue: str
    funding: str
    status: CourseStatus
    rule: CompletionRule
    notes: str
    version: int
    enrolled: int = 0
    sessions: int = 0
    attendances: int = 0
    completed: int = 0
    literacy: bool = False
    type_name_en: str = ""  # for screens in English; documents print type_name


@dataclass(frozen=True)
class Session:
    id: str
    course_id: str
    day: dt.date
    topic: str
    position: int


@dataclass(frozen=True)
class Enrolment:
    id: str
    person_id: str
    full_name: str
    sex: str | None
    birth: str
    hamlet_name: str
    result: Result | None
    literacy_level: int | None
    attended: int = 0
    completion: Completion | None = None
    sort_key: str = ""
    hamlet_kind: str = ""  # core.people.HamletKind value; '' without a hamlet
    # The secretary's choice for a commendation; None: the result decides (core.certificates).
    commendation: bool | None = None


@dataclass(frozen=True)
class AttendanceGrid:
    """People × sessions: `present[i]` is the set of session indexes person i attended."""

    sessions: tuple[Session, ...]
    enrolments: tuple[Enrolment, ...]
    present: tuple[frozenset[int], ...] = field(default=())

    def session_totals(self) -> list[int]:
        totals = [0] * len(self.sessions)
        for row in self.present:
            for j in row:
                totals[j] += 1
        return totals

    def person_totals(self) -> list[int]:
        return [len(row) for row in self.present]


MAX_TITLE = 200


def validate_course(data: CourseInput, known_types: frozenset[str]) -> list[Problem]:
    problems: list[Problem] = []
    if data.type_code not in known_types:
        problems.append(Problem("type_code", N_("Pick the kind of class from the list.")))
    title = nfc(data.title)
    if not title:
        problems.append(
            Problem("title", N_("Type the class title, e.g. Kỹ thuật trồng lúa vụ Đông Xuân."))
        )
    elif len(title) > MAX_TITLE:
        problems.append(
            Problem("title", N_("The title is too long; keep it under {limit} characters."),
                    {"limit": MAX_TITLE})
        )  # fmt: skip
    if data.start and data.end and data.end < data.start:
        problems.append(Problem("end", N_("The end date is before the start date.")))
    if not 0 <= data.min_percent <= 100:
        problems.append(
            Problem("min_percent", N_("The share of sessions must be between 0 and 100 percent."))
        )
    return problems


def certificate_serial(number: int, year: int) -> str:
    """'12/2026': the number in the year's register, as written on the certificate."""
    return f"{number}/{year}"
