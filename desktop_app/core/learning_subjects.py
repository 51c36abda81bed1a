"""Who registers for which learning model, and the national targets (pure).

The five models of the learning-society movement and their subjects: a household registers for
Gia đình học tập, a clan (dòng họ) for Dòng họ học tập, a hamlet for Cộng đồng học tập, a unit
(an agency, a school, an enterprise) for Đơn vị học tập, and an adult for Công dân học tập.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from desktop_app.core.learning_models import MODEL_KEYS as _MODEL_KEYS
from desktop_app.core.learning_models import MODELS
from desktop_app.core.problems import N_

# The models, their printed titles and what registers for each: one table, in learning_models.
MODEL_KEYS = _MODEL_KEYS
MODEL_TITLES: dict[str, str] = {key: m.title for key, m in MODELS.items()}
SUBJECT_KINDS = ("household", "clan", "hamlet", "unit", "person")
SUBJECT_OF_MODEL: dict[str, str] = {key: m.subject for key, m in MODELS.items()}

# Age from which a person counts as an adult for Công dân học tập (in the year, by birth year).
ADULT_AGE = 15

# Share of the eligible subjects the plans aim to see recognised, per model: (last year the
# target is for, or None for every later year; rate). Sources:
# - family, clan, community, unit: QĐ 281/QĐ-TTg (20/2/2014), targets for 2020 (70% of
#   families, 50% of clans, 60% of hamlets, 50% of organisations; mountain and remote areas
#   60/40/50), kept until a newer plan's figures are entered.
# - citizen: QĐ 677/QĐ-TTg (3/6/2022): 40% of adults in families and communities by 2025, 70%
#   by 2030.
TARGET_RATES: dict[str, tuple[tuple[int | None, float], ...]] = {
    "family": ((None, 0.70),),
    "clan": ((None, 0.50),),
    "community": ((None, 0.60),),
    "unit": ((None, 0.50),),
    "citizen": ((2025, 0.40), (None, 0.70)),
}


def target_rate(model: str, year: int) -> float:
    """The target share for `model` in `year` (the first period of TARGET_RATES that covers it)."""
    for until, rate in TARGET_RATES[model]:
        if until is None or year <= until:
            return rate
    return TARGET_RATES[model][-1][1]


class UnitKind(StrEnum):
    AGENCY = "agency"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    OTHER = "other"


UNIT_KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.AGENCY: N_("agency or office"),
    UnitKind.SCHOOL: N_("school"),
    UnitKind.ENTERPRISE: N_("enterprise"),
    UnitKind.OTHER: N_("other unit"),
}


@dataclass(frozen=True)
class Clan:
    id: str
    name: str
    head_person_id: str | None
    head_name: str
    hamlet_id: str | None
    hamlet_name: str
    households: int
    notes: str = ""


@dataclass(frozen=True)
class LearningUnit:
    id: str
    name: str
    kind: UnitKind
    hamlet_id: str | None
    hamlet_name: str
    members: int
    notes: str = ""


@dataclass(frozen=True)
class Subject:
    """A household, clan, hamlet, unit or person as a registration names it."""

    kind: str
    id: str
    name: str
    hamlet_id: str | None


@dataclass(frozen=True)
class Registration:
    id: str
    model: str
    year: int
    subject_kind: str
    subject_id: str
    subject_name: str
    hamlet_name: str
    registered_on: dt.date | None
    registered_by: str
    notes: str = ""


@dataclass(frozen=True)
class Count:
    """Registered subjects out of those who could register."""

    registered: int = 0
    eligible: int = 0
    assessed: int = 0  # with a saved assessment of the year
    passed: int = 0  # of those, passed
    recognised: int = 0  # with a recognition (not revoked) of the year

    @property
    def rate(self) -> float | None:
        return self.registered / self.eligible if self.eligible else None


@dataclass(frozen=True)
class ModelStatus:
    model: str
    year: int
    registered: int
    eligible: int
    target_rate: float
    # Hamlet name ('' for subjects with no hamlet) -> counts.
    by_hamlet: dict[str, Count] = field(default_factory=dict)
    assessed: int = 0
    passed: int = 0
    recognised: int = 0
    # Where the target comes from: the plan's citation, or '' when set in the settings.
    target_source: str = ""

    @property
    def rate(self) -> float | None:
        return self.registered / self.eligible if self.eligible else None


@dataclass(frozen=True)
class Target:
    """A model's target share: the plan's default (with its source) or the one kept in the
    settings (with the day it was set)."""

    model: str
    rate: float
    default_rate: float
    source: str  # the default's citation, e.g. "QĐ 677/QĐ-TTg 2022"
    custom: bool = False
    set_on: dt.date | None = None
    set_by: str = ""
