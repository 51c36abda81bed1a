"""Where each adult stands on the national "Công dân học tập" platform (congdanhoctap.vn), and
the rules of moving them along (pure).

An adult creates an account on the platform, self-assesses the three competency groups, and is
recognised ("đạt"). The centre keeps, per person, the furthest stage reached and the day of
each stage when it is known, to see hamlet by hamlet how far the commune is from the target
(QĐ 677/QĐ-TTg: 40% of adults by 2025, 70% by 2030) and to list who still has to register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from desktop_app.core.problems import N_, Label, UserError
from desktop_app.core.text import fold

__all__ = [
    "DATE_FIELDS",
    "PLATFORM_COLUMNS",
    "STATUS_LABELS",
    "CitizenRecord",
    "CitizenStatus",
    "HamletCount",
    "advance",
    "move",
    "parse_platform_status",
    "reached_by",
]


class CitizenStatus(StrEnum):
    NOT_REGISTERED = "not_registered"
    ACCOUNT = "account"
    SELF_ASSESSED = "self_assessed"
    ACHIEVED = "achieved"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER = (
    CitizenStatus.NOT_REGISTERED,
    CitizenStatus.ACCOUNT,
    CitizenStatus.SELF_ASSESSED,
    CitizenStatus.ACHIEVED,
)
# The stages that have a day, in order.
STAGES = _ORDER[1:]

# Labels, so that a message naming a status shows it translated.
STATUS_LABELS: dict[CitizenStatus, str] = {
    CitizenStatus.NOT_REGISTERED: Label(N_("not registered")),
    CitizenStatus.ACCOUNT: Label(N_("account created")),
    CitizenStatus.SELF_ASSESSED: Label(N_("self-assessed")),
    CitizenStatus.ACHIEVED: Label(N_("achieved")),
}

# The column of citizen_status holding each stage's day.
DATE_FIELDS: dict[CitizenStatus, str] = {
    CitizenStatus.ACCOUNT: "account_on",
    CitizenStatus.SELF_ASSESSED: "self_assessed_on",
    CitizenStatus.ACHIEVED: "achieved_on",
}


@dataclass(frozen=True)
class CitizenRecord:
    """A person's status on the platform: the furthest stage and the day of each stage."""

    person_id: str
    status: CitizenStatus = CitizenStatus.NOT_REGISTERED
    account_on: dt.date | None = None
    self_assessed_on: dt.date | None = None
    achieved_on: dt.date | None = None
    notes: str = ""
    source: str = "typed"  # typed | imported
    import_id: str | None = None
    id: str | None = None  # None: nothing is held for the person yet

    def day_of(self, stage: CitizenStatus) -> dt.date | None:
        return {
            CitizenStatus.ACCOUNT: self.account_on,
            CitizenStatus.SELF_ASSESSED: self.self_assessed_on,
            CitizenStatus.ACHIEVED: self.achieved_on,
        }.get(stage)

    def dates(self) -> dict[str, dt.date | None]:
        return {field: self.day_of(stage) for stage, field in DATE_FIELDS.items()}


@dataclass(frozen=True)
class HamletCount:
    """Adults of a hamlet (or of the commune) and how many reached each stage."""

    adults: int = 0
    account: int = 0
    self_assessed: int = 0
    achieved: int = 0


def _show(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def move(
    held: CitizenRecord,
    status: CitizenStatus,
    on: dt.date | None,
    today: dt.date,
    *,
    correct: bool = False,
) -> CitizenRecord:
    """`held` moved to `status` on `on` (today when None; the day of the stage, not kept for
    "not registered"). A status only moves forward (an account, then the self-assessment,
    then the title) unless `correct`, which may also set a status back (the days of the
    stages above it are cleared) or change the day of the status held. A UserError, changing
    nothing, for a day in the future, a day before the day of an earlier stage, or a move
    backward or to the same status without `correct`."""
    day = on or today
    if day > today:
        raise UserError(
            N_("The day {date} is in the future; nothing was changed."), {"date": _show(day)}
        )
    label = STATUS_LABELS[status]
    if not correct:
        if status.rank < held.status.rank:
            raise UserError(
                N_(
                    "This person is “{held}” already, further than “{status}”: a status only "
                    "moves forward. To set it back (a mistake), correct it. Nothing was changed."
                ),
                {"held": STATUS_LABELS[held.status], "status": label},
            )
        if status is held.status:
            raise UserError(
                N_(
                    "This person is “{status}” already. To change the day, correct it. Nothing "
                    "was changed."
                ),
                {"status": label},
            )
    dates = held.dates()
    for stage in STAGES:
        if stage.rank > status.rank:
            dates[DATE_FIELDS[stage]] = None
    if status is not CitizenStatus.NOT_REGISTERED:
        dates[DATE_FIELDS[status]] = day
        for stage in STAGES:
            earlier = dates[DATE_FIELDS[stage]]
            if stage.rank < status.rank and earlier is not None and earlier > day:
                raise UserError(
                    N_(
                        "The day {date} is before the day this person was “{stage}” ({earlier}): "
                        "give a later day, or correct that one first. Nothing was changed."
                    ),
                    {"date": _show(day), "stage": STATUS_LABELS[stage], "earlier": _show(earlier)},
                )
    return replace(
        held,
        status=status,
        account_on=dates["account_on"],
        self_assessed_on=dates["self_assessed_on"],
        achieved_on=dates["achieved_on"],
    )


def reached_by(record: CitizenRecord, stage: CitizenStatus, last_day: dt.date) -> bool:
    """Whether the person had reached `stage` by `last_day`: the status is that far, and the
    day of the stage (or, when it is not known, of the first later stage whose day is) is not
    after `last_day`; with no day known at all, the stage counts."""
    if record.status.rank < stage.rank:
        return False
    for later in STAGES:
        if later.rank >= stage.rank and later.rank <= record.status.rank:
            day = record.day_of(later)
            if day is not None:
                return day <= last_day
    return True


# Status words of the platform's lists (matched folded: no marks, no case). "Chưa đạt" is a
# citizen who self-assessed without reaching the title.
_WORDS: Mapping[str, CitizenStatus] = {
    "chua dang ky": CitizenStatus.NOT_REGISTERED,
    "chua co tai khoan": CitizenStatus.NOT_REGISTERED,
    "chua tao tai khoan": CitizenStatus.NOT_REGISTERED,
    "not registered": CitizenStatus.NOT_REGISTERED,
    "da tao tai khoan": CitizenStatus.ACCOUNT,
    "tao tai khoan": CitizenStatus.ACCOUNT,
    "da co tai khoan": CitizenStatus.ACCOUNT,
    "co tai khoan": CitizenStatus.ACCOUNT,
    "da dang ky": CitizenStatus.ACCOUNT,
    "tai khoan": CitizenStatus.ACCOUNT,
    "chua tu danh gia": CitizenStatus.ACCOUNT,
    "account": CitizenStatus.ACCOUNT,
    "account created": CitizenStatus.ACCOUNT,
    "registered": CitizenStatus.ACCOUNT,
    "da tu danh gia": CitizenStatus.SELF_ASSESSED,
    "tu danh gia": CitizenStatus.SELF_ASSESSED,
    "da danh gia": CitizenStatus.SELF_ASSESSED,
    "cho duyet": CitizenStatus.SELF_ASSESSED,
    "cho cong nhan": CitizenStatus.SELF_ASSESSED,
    "chua dat": CitizenStatus.SELF_ASSESSED,
    "self assessed": CitizenStatus.SELF_ASSESSED,
    "self assessment": CitizenStatus.SELF_ASSESSED,
    "assessed": CitizenStatus.SELF_ASSESSED,
    "dat": CitizenStatus.ACHIEVED,
    "da dat": CitizenStatus.ACHIEVED,
    "hoan thanh": CitizenStatus.ACHIEVED,
    "da hoan thanh": CitizenStatus.ACHIEVED,
    "da cong nhan": CitizenStatus.ACHIEVED,
    "duoc cong nhan": CitizenStatus.ACHIEVED,
    "cong nhan": CitizenStatus.ACHIEVED,
    "achieved": CitizenStatus.ACHIEVED,
    "passed": CitizenStatus.ACHIEVED,
    "completed": CitizenStatus.ACHIEVED,
    "recognised": CitizenStatus.ACHIEVED,
    "recognized": CitizenStatus.ACHIEVED,
}
STATUS_WORDS = "Đã tạo tài khoản, Đã tự đánh giá, Đạt (Hoàn thành), Chưa đăng ký"


def parse_platform_status(text: str) -> CitizenStatus | None:
    """The status a platform list's cell says ("Đã tạo tài khoản", "Đã tự đánh giá",
    "Đạt", "Hoàn thành"...), None when the words are not known; also the app's own keys."""
    folded = " ".join(fold(text).replace("_", " ").split())
    if not folded:
        return None
    for status in CitizenStatus:
        if folded == status.value.replace("_", " "):
            return status
    return _WORDS.get(folded)


def advance(
    held: CitizenRecord,
    status: CitizenStatus,
    days: Mapping[CitizenStatus, dt.date | None],
    today: dt.date,
) -> CitizenRecord | None:
    """`held` moved forward to `status` as a platform's list says, with the days the list
    gives per stage (None, or absent: not known); None when the person is that far already
    (a list never moves anyone back). A day the centre holds is kept. A UserError for a day in
    the future or days out of order (an account created after the self-assessment)."""
    if status.rank <= held.status.rank:
        return None
    dates = held.dates()
    for stage in STAGES:
        if stage.rank <= status.rank and dates[DATE_FIELDS[stage]] is None:
            dates[DATE_FIELDS[stage]] = days.get(stage)
    known = [(stage, dates[DATE_FIELDS[stage]]) for stage in STAGES if stage.rank <= status.rank]
    last: tuple[CitizenStatus, dt.date] | None = None
    for stage, day in known:
        if day is None:
            continue
        if day > today:
            raise UserError(
                N_("The day {date} is in the future; nothing was changed."), {"date": _show(day)}
            )
        if last is not None and day < last[1]:
            raise UserError(
                N_(
                    "The day of “{stage}” ({date}) is before the day of “{earlier_stage}” "
                    "({earlier}): correct the days in the file."
                ),
                {"stage": STATUS_LABELS[stage], "date": _show(day),
                 "earlier_stage": STATUS_LABELS[last[0]], "earlier": _show(last[1])},
            )  # fmt: skip
        last = (stage, day)
    return replace(
        held,
        status=status,
        account_on=dates["account_on"],
        self_assessed_on=dates["self_assessed_on"],
        achieved_on=dates["achieved_on"],
    )


# The platform's registration fields, in its order: the export's header, verbatim in every
# language of the app (they are the platform's own field names).
PLATFORM_COLUMNS = (
    "CCCD",
    "Họ tên",
    "Giới tính",
    "Năm sinh",
    "Dân tộc",
    "Tôn giáo",
    "Tỉnh/thành",
    "Phường/xã",
)
