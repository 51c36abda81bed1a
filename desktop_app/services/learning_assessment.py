"""Self-assessment of the learning models' subjects against the criteria set of the year.

`assess` scores one subject with every item the records can answer already filled in and its
source shown (nothing is saved); `save_assessment` saves it (one live assessment per
registration); `assess_all` scores every subject of a model in bulk: one query per kind of
record for all subjects, not per subject; `save_all` saves those sheets in one operation.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from contextlib import contextmanager

from desktop_app.core.dates import check_year
from desktop_app.core.learning_assessment import (
    HAND,
    NOT_IN_RECORDS_LINE,
    AssessmentSheet,
    Facts,
    Group,
    SheetBuilder,
    build_sheet,
    computed_values,
    explain,
)
from desktop_app.core.learning_models import CriteriaSet, ItemValue, set_for
from desktop_app.core.learning_subjects import MODEL_TITLES, SUBJECT_OF_MODEL
from desktop_app.core.problems import N_, UserError
from desktop_app.core.progress import Progress, check, no_progress
from desktop_app.core.text import nfc
from desktop_app.services.learning_criteria import load_criteria
from desktop_app.services.learning_models import LearningModelService, _subject_kind
from desktop_app.services.ops import OpResult, Ops
from desktop_app.storage import learning_assessment as repo
from desktop_app.storage.db import Database

__all__ = [
    "AssessmentService", "AssessmentSheet", "SavedAssessment", "SavedSummary", "hand_values",
]  # fmt: skip

SavedAssessment = repo.SavedAssessment
SavedSummary = repo.SavedSummary

# The sources each model's items read, beyond the subjects' people.
_NEEDS: dict[str, frozenset[str]] = {
    "family": frozenset({"attended", "literacy", "members"}),
    "clan": frozenset({"family", "citizen"}),
    "community": frozenset({"attended", "family", "citizen"}),
    "unit": frozenset({"citizen"}),
    "citizen": frozenset(),
}


class AssessmentService:
    def __init__(
        self,
        db: Database,
        ops: Ops,
        models: LearningModelService,
        criteria: Sequence[CriteriaSet] | None = None,
    ) -> None:
        self._db = db
        self._ops = ops
        self._models = models
        self._criteria = list(criteria) if criteria is not None else None

    def criteria_sets(self) -> list[CriteriaSet]:
        if self._criteria is None:
            self._criteria = load_criteria()
        return self._criteria

    def criteria_set(self, model: str, year: int) -> CriteriaSet:
        found = set_for(self.criteria_sets(), model, year)
        if found is None:
            raise UserError(
                N_("No criteria set of {title} is in force in {year}; add one first."),
                {"title": MODEL_TITLES[model], "year": year},
            )
        return found

    # One subject -----------------------------------------------------------------------

    def assess(
        self,
        model: str,
        year: int,
        subject_id: str,
        hand: Mapping[str, ItemValue] | None = None,
        *,
        register: bool = False,
    ) -> AssessmentSheet:
        """The sheet of one subject: the items the records answer computed, with their
        source; `hand` values replace them (with a reason where they replace a computed
        value). Nothing is saved. A subject that did not register for the year is refused,
        unless `register` (scored as if registered)."""
        _subject_kind(model)
        check_year(year)
        subject = self._models.subject(model, subject_id)
        if not register:
            self._registration(model, year, subject_id, subject.name)
        criteria_set = self.criteria_set(model, year)
        kind = SUBJECT_OF_MODEL[model]
        group = repo.groups(self._db, kind, [subject_id]).get(subject_id, Group(kind))
        facts = self._facts(model, year, [group])
        return build_sheet(
            model=model, year=year, subject_id=subject_id, subject_name=subject.name,
            criteria_set=criteria_set, computed=computed_values(criteria_set, group, facts),
            hand=hand or {},
        )  # fmt: skip

    def save_assessment(
        self,
        model: str,
        year: int,
        subject_id: str,
        hand: Mapping[str, ItemValue] | None = None,
        *,
        register: bool = False,
        on: dt.date | None = None,
        by: str = "",
    ) -> OpResult[AssessmentSheet]:
        """Score the subject and save the sheet, replacing its saved one of the year. With
        `register`, a subject not registered yet is registered in the same operation."""
        on = on or dt.date.today()
        with self._ops.op("model.assess") as op:
            subject = self._models.subject(model, subject_id)
            registration_id = repo.registration_of(self._db, model, year, subject_id)
            if registration_id is None:
                if not register:
                    self._registration(model, year, subject_id, subject.name)
                registration_id = self._models.register(model, year, subject_id, on=on).value
            sheet = self.assess(model, year, subject_id, hand)
            repo.save_assessment(
                op.tx, registration_id=registration_id, set_model=sheet.criteria_set.model,
                set_valid_from=sheet.criteria_set.valid_from, items=_items_json(sheet),
                total=sheet.total, level=sheet.level, passed=sheet.passed, assessed_on=on,
                assessed_by=nfc(by).strip() or self._ops.actor,
            )  # fmt: skip
        return op.result(sheet)

    def sheet_as_saved(
        self, model: str, year: int, subject_id: str
    ) -> tuple[AssessmentSheet, repo.SavedAssessment | None]:
        """The sheet of a registered subject computed from today's records with the values
        typed by hand in its saved assessment (if any), and that saved assessment."""
        found = self.saved(model, year, subject_id)
        hand = hand_values(found) if found is not None else {}
        return self.assess(model, year, subject_id, hand), found

    def saved_summaries(
        self, model: str, year: int, subjects: Sequence[str] | None = None
    ) -> dict[str, repo.SavedSummary]:
        """subject id -> total, level, result of its saved assessment, for the model and
        year's registered subjects that have one (of `subjects` only, when given)."""
        _subject_kind(model)
        check_year(year)
        return repo.saved_summaries(self._db, model, year, subjects)

    def saved(self, model: str, year: int, subject_id: str) -> repo.SavedAssessment | None:
        """The saved assessment of a subject's live registration of the year, if any."""
        registration_id = repo.registration_of(self._db, model, year, subject_id)
        return repo.find_assessment(self._db, registration_id) if registration_id else None

    # Every subject ---------------------------------------------------------------------

    def assess_all(
        self, model: str, year: int, *, registered_only: bool = True
    ) -> list[AssessmentSheet]:
        """The sheets of every registered subject of a model and year (or, with
        `registered_only=False`, of every live subject), computed in bulk. Nothing is
        saved."""
        kind = _subject_kind(model)
        check_year(year)
        criteria_set = self.criteria_set(model, year)
        with _no_gc():
            return self._assess_all(model, year, kind, criteria_set, registered_only)

    def _assess_all(
        self,
        model: str,
        year: int,
        kind: str,
        criteria_set: CriteriaSet,
        registered_only: bool,
        subjects: Container[str] | None = None,
        hand_of: Callable[[str], Mapping[str, ItemValue]] | None = None,
    ) -> list[AssessmentSheet]:
        groups = repo.groups(self._db, kind)
        if subjects is None and registered_only:
            subjects = repo.registered(self._db, model, year)
        if subjects is not None:
            groups = {sid: g for sid, g in groups.items() if sid in subjects}
        names = repo.subject_names(self._db, kind)
        facts = self._facts(model, year, list(groups.values()), everyone=True)
        builder = SheetBuilder(criteria_set)
        return [
            builder.sheet(
                model=model,
                year=year,
                subject_id=sid,
                subject_name=names.get(sid, ""),
                computed=builder.computed(g, facts),
                hand=hand_of(sid) if hand_of is not None else {},
            )
            for sid, g in groups.items()
        ]

    def save_all(
        self,
        model: str,
        year: int,
        *,
        replace: bool = False,
        on: dt.date | None = None,
        by: str = "",
        progress: Progress = no_progress,
        hand_of: Callable[[str], Mapping[str, ItemValue]] | None = None,
    ) -> OpResult[int]:
        """Save the sheet computed from the records of every registered subject of a model
        and year that has no saved assessment, in one operation; with `replace`, those
        already saved (which may hold values typed by hand) are overwritten too. Returns how
        many were saved. `hand_of(subject id)` gives values typed by hand (the demo's)."""
        kind = _subject_kind(model)
        check_year(year)
        on = on or dt.date.today()
        criteria_set = self.criteria_set(model, year)
        with self._ops.op("model.assess_all") as op:
            check(progress, 0, 3)
            wanted = repo.registered(self._db, model, year)
            held = repo.assessment_ids(self._db, model, year)
            if not replace:
                wanted = {s: r for s, r in wanted.items() if r not in held}
            with _no_gc():
                sheets = self._assess_all(model, year, kind, criteria_set, True, wanted, hand_of)
                check(progress, 1, 3)
                by = nfc(by).strip() or self._ops.actor
                texts: dict[tuple[object, ...], str] = {}
                fresh: list[dict[str, object]] = []
                again: list[tuple[str, dict[str, object]]] = []
                for sheet in sheets:
                    registration_id = wanted.get(sheet.subject_id)
                    if registration_id is None:
                        continue
                    row: dict[str, object] = {
                        "registration_id": registration_id, "set_model": criteria_set.model,
                        "set_valid_from": criteria_set.valid_from,
                        "items": _items_text(sheet, texts),
                        "total": sheet.total, "level": sheet.level, "passed": sheet.passed,
                        "assessed_on": on, "assessed_by": by,
                    }  # fmt: skip
                    held_id = held.get(registration_id)
                    if held_id is None:
                        fresh.append(row)
                    else:
                        again.append((held_id, row))
                check(progress, 2, 3)
                repo.insert_assessments(op.tx, fresh)
                repo.replace_assessments(op.tx, again)
            check(progress, 3, 3)
        return op.result(len(fresh) + len(again))

    # Helpers ---------------------------------------------------------------------------

    def _registration(self, model: str, year: int, subject_id: str, name: str) -> str:
        registration_id = repo.registration_of(self._db, model, year, subject_id)
        if registration_id is None:
            raise UserError(
                N_(
                    "{name} did not register for {title} {year}: register it first, or let "
                    "the assessment register it (on the command line: --register). Nothing "
                    "was saved."
                ),
                {"name": name, "title": MODEL_TITLES[model], "year": year},
            )
        return registration_id

    def _facts(
        self, model: str, year: int, groups: Sequence[Group], everyone: bool = False
    ) -> Facts:
        """The records of the year the model's items read, for the people and households of
        `groups` (for all, in one query each, when `everyone`)."""
        needs = _NEEDS[model]
        people: list[str] | None = None
        households: list[str] | None = None
        if not everyone:
            people = list(dict.fromkeys(p.id for g in groups for p in g.people))
            households = list(dict.fromkeys(h for g in groups for h in g.households))
        db = self._db
        return Facts(
            year=year,
            attended=repo.attended(db, year, people) if "attended" in needs else {},
            literacy=repo.literacy(db, year, people) if "literacy" in needs else {},
            members=repo.members_in_year(db, year, people) if "members" in needs else {},
            family_passed=(
                repo.saved_results(db, "family", year, households) if "family" in needs else {}
            ),
            citizen_passed=(
                repo.saved_results(db, "citizen", year, people) if "citizen" in needs else {}
            ),
        )


@contextmanager
def _no_gc() -> Iterator[None]:
    """Without the cyclic garbage collector: a bulk assessment makes millions of small objects
    and no cycles, and the collector's passes over them took as long as the work itself."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def hand_values(saved: repo.SavedAssessment) -> dict[str, ItemValue]:
    """The values typed by hand in a saved assessment, as `assess` takes them."""
    out: dict[str, ItemValue] = {}
    for code, raw in saved.items.items():
        if not isinstance(raw, Mapping) or not raw.get("hand"):
            continue
        value = raw.get("value")
        if not isinstance(value, bool | int | float):
            value = None
        out[code] = ItemValue(
            value, bool(raw.get("not_applicable")), source=HAND, reason=str(raw.get("reason", ""))
        )
    return out


def _items_text(sheet: AssessmentSheet, texts: dict[tuple[object, ...], str]) -> str:
    """The items of a sheet computed from the records only, as the JSON text `_items_json`
    gives (keys sorted); each item's text is made once per distinct value and line
    (`texts`), as most households share theirs."""
    if sheet.sources:
        return json.dumps(_items_json(sheet), ensure_ascii=False, sort_keys=True)
    parts: list[tuple[str, str]] = []
    computed = sheet.computed
    for s in sheet.assessment.items:
        code = s.item.code
        found = computed.get(code)
        key: tuple[object, ...] = (
            (code, s.points, s.value)
            if found is None
            else (code, s.points, s.value, found[1][0], tuple(found[1][1].items()))
        )
        text = texts.get(key)
        if text is None:
            line = NOT_IN_RECORDS_LINE if found is None else explain(found[1])
            v = s.value
            entry = {
                "value": None if v is None else v.value,
                "not_applicable": bool(v and v.not_applicable), "hand": False,
                "reason": v.reason if v else "",
                "source": {"message": line.message, "params": dict(line.params)},
                "points": s.points,
            }  # fmt: skip
            text = texts[key] = (
                json.dumps(code, ensure_ascii=False)
                + ": "
                + json.dumps(entry, ensure_ascii=False, sort_keys=True)
            )
        parts.append((code, text))
    parts.sort()
    return "{" + ", ".join(t for _, t in parts) + "}"


def _items_json(sheet: AssessmentSheet) -> dict[str, object]:
    out: dict[str, object] = {}
    for i in sheet.items:
        v = i.value
        out[i.item.code] = {
            "value": None if v is None else v.value,
            "not_applicable": bool(v and v.not_applicable),
            "hand": bool(v and v.source == "hand"),
            "reason": v.reason if v else "",
            "source": {"message": i.source.message, "params": dict(i.source.params)},
            "points": i.points,
        }
    return out
