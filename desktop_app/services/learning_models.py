"""Learning models: clans and units as subjects, and the yearly registration of households,
clans, hamlets, units and adults for the five titles; how far each model is from its target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop_app.core.dates import check_year
from desktop_app.core.learning_recognition import TARGET_SOURCES, parse_percent
from desktop_app.core.learning_subjects import (
    MODEL_KEYS,
    MODEL_TITLES,
    SUBJECT_OF_MODEL,
    Clan,
    Count,
    LearningUnit,
    ModelStatus,
    Registration,
    Subject,
    Target,
    UnitKind,
    target_rate,
)
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import nfc
from desktop_app.services.ops import OpResult, Ops
from desktop_app.storage import learning_models as repo
from desktop_app.storage import learning_recognition as recognition_repo
from desktop_app.storage.db import Database

__all__ = [
    "Clan",
    "LearningModelService",
    "LearningUnit",
    "ModelStatus",
    "Registration",
    "Target",
]

# The registration refused because nothing live has the id, per the kind the model needs.
_NO_SUBJECT: dict[str, str] = {
    "household": N_("There is no household with the id {id}; nothing was registered."),
    "clan": N_(
        "There is no clan with the id {id} ('models clans list' shows them); nothing was "
        "registered."
    ),
    "hamlet": N_("There is no hamlet with the id {id}; nothing was registered."),
    "unit": N_(
        "There is no unit with the id {id} ('models units list' shows them); nothing was "
        "registered."
    ),
    "person": N_("There is no person with the id {id}; nothing was registered."),
}
# The id names a subject of another kind than the model's.
_WRONG_KIND: dict[str, str] = {
    "household": N_(
        "{name} is not a household: {title} is registered by a household (give the "
        "household's id). Nothing was registered."
    ),
    "clan": N_("{name} is not a clan: {title} is registered by a clan. Nothing was registered."),
    "hamlet": N_(
        "{name} is not a hamlet: {title} is registered by a hamlet. Nothing was registered."
    ),
    "unit": N_(
        "{name} is not a unit: {title} is registered by an agency, a school or an enterprise "
        "entered as a unit. Nothing was registered."
    ),
    "person": N_(
        "{name} is not a person: {title} is registered by each adult. Nothing was registered."
    ),
}
# A person's id where a household's was wanted, and the other way round: a household is named
# by its head, so the plain message would say a person is "not a person".
_PERSON_NOT_HOUSEHOLD = N_(
    "{name} is a person, not a household: {title} is registered by a household (give the id of "
    "{name}'s household). Nothing was registered."
)
_HOUSEHOLD_NOT_PERSON = N_(
    "This id is the household of {name}, not a person: {title} is registered by each adult "
    "(give the person's id). Nothing was registered."
)


class LearningModelService:
    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops

    # Clans -----------------------------------------------------------------------------

    def clans(self) -> list[Clan]:
        """The live clans with the number of their households."""
        return repo.list_clans(self._db)

    def clan(self, clan_id: str) -> Clan:
        clan = repo.get_clan(self._db, clan_id)
        if clan is None:
            raise UserError(
                N_("There is no clan with the id {id}; 'models clans list' shows them."),
                {"id": clan_id},
            )
        return clan

    def add_clan(
        self,
        name: str,
        head_person_id: str | None = None,
        hamlet_id: str | None = None,
        notes: str = "",
    ) -> OpResult[str]:
        name = self._clan_name(name, None)
        with self._ops.op("clan.add") as op:
            if head_person_id is not None:
                self._live(head_person_id, "person")
            if hamlet_id is not None:
                self._live(hamlet_id, "hamlet")
            clan_id = repo.insert_clan(op.tx, name, head_person_id, hamlet_id, nfc(notes))
        return op.result(clan_id)

    def rename_clan(self, clan_id: str, name: str) -> OpResult[str]:
        with self._ops.op("clan.rename") as op:
            self.clan(clan_id)
            repo.rename_clan(op.tx, clan_id, self._clan_name(name, clan_id))
        return op.result(clan_id)

    def _clan_name(self, name: str, clan_id: str | None) -> str:
        name = nfc(name).strip()
        if not name:
            raise UserError(N_("Type the clan's name, e.g. Dòng họ Nguyễn Văn."))
        if repo.clan_name_taken(self._db, name, clan_id):
            raise UserError(N_("There is already a clan called {name}."), {"name": name})
        return name

    def clan_households(self, clan_id: str) -> list[Subject]:
        return repo.clan_households(self._db, clan_id)

    def add_clan_household(self, clan_id: str, household_id: str) -> OpResult[str]:
        """Put a household in a clan; a household belongs to one clan at a time."""
        with self._ops.op("clan.add_household") as op:
            clan = self.clan(clan_id)
            household = self._live(household_id, "household")
            held = repo.clan_of_household(self._db, household_id)
            if held is not None and held[0] == clan_id:
                raise UserError(
                    N_("The household of {name} is already in {clan}."),
                    {"name": household.name, "clan": clan.name},
                )
            if held is not None:
                raise UserError(
                    N_(
                        "The household of {name} is in {clan}; remove it from there first, so "
                        "that no household is counted in two clans."
                    ),
                    {"name": household.name, "clan": held[1]},
                )
            link = repo.add_clan_household(op.tx, clan_id, household_id)
        return op.result(link)

    def remove_clan_household(self, clan_id: str, household_id: str) -> OpResult[str]:
        with self._ops.op("clan.remove_household") as op:
            clan = self.clan(clan_id)
            link = repo.clan_household_link(self._db, clan_id, household_id)
            if link is None:
                raise UserError(
                    N_("This household is not in {clan}; nothing was changed."),
                    {"clan": clan.name},
                )
            repo.set_link_deleted(op.tx, "clan_household", link)
        return op.result(link)

    # Units -----------------------------------------------------------------------------

    def units(self) -> list[LearningUnit]:
        """The live units with the number of their members."""
        return repo.list_units(self._db)

    def unit(self, unit_id: str) -> LearningUnit:
        unit = repo.get_unit(self._db, unit_id)
        if unit is None:
            raise UserError(
                N_("There is no unit with the id {id}; 'models units list' shows them."),
                {"id": unit_id},
            )
        return unit

    def add_unit(
        self,
        name: str,
        kind: UnitKind = UnitKind.OTHER,
        hamlet_id: str | None = None,
        notes: str = "",
    ) -> OpResult[str]:
        name = nfc(name).strip()
        if not name:
            raise UserError(N_("Type the unit's name, e.g. Trường Tiểu học Phú Mỹ."))
        with self._ops.op("learning_unit.add") as op:
            if repo.unit_name_taken(self._db, name):
                raise UserError(N_("There is already a unit called {name}."), {"name": name})
            if hamlet_id is not None:
                self._live(hamlet_id, "hamlet")
            unit_id = repo.insert_unit(op.tx, name, UnitKind(kind), hamlet_id, nfc(notes))
        return op.result(unit_id)

    def unit_members(self, unit_id: str) -> list[Subject]:
        return repo.unit_members(self._db, unit_id)

    def add_unit_member(self, unit_id: str, person_id: str) -> OpResult[str]:
        with self._ops.op("learning_unit.add_member") as op:
            unit = self.unit(unit_id)
            person = self._live(person_id, "person")
            if repo.unit_member_link(self._db, unit_id, person_id) is not None:
                raise UserError(
                    N_("{name} is already a member of {unit}."),
                    {"name": person.name, "unit": unit.name},
                )
            link = repo.add_unit_member(op.tx, unit_id, person_id)
        return op.result(link)

    def remove_unit_member(self, unit_id: str, person_id: str) -> OpResult[str]:
        with self._ops.op("learning_unit.remove_member") as op:
            unit = self.unit(unit_id)
            link = repo.unit_member_link(self._db, unit_id, person_id)
            if link is None:
                raise UserError(
                    N_("This person is not a member of {unit}; nothing was changed."),
                    {"unit": unit.name},
                )
            repo.set_link_deleted(op.tx, "unit_member", link)
        return op.result(link)

    # Registration ----------------------------------------------------------------------

    def register(
        self,
        model: str,
        year: int,
        subject_id: str,
        on: dt.date | None = None,
        by: str = "",
        notes: str = "",
    ) -> OpResult[str]:
        """Register a subject for a model's title in a year. Refused, with nothing written,
        for an unknown subject, a subject of the wrong kind for the model, or one already
        registered for that model and year."""
        kind = _subject_kind(model)
        check_year(year)
        on = on or dt.date.today()
        if on > dt.date.today():
            raise UserError(
                N_("The registration date {date} is in the future; nothing was registered."),
                {"date": on.strftime("%d/%m/%Y")},
            )
        with self._ops.op("model.register") as op:
            subject = self._subject(model, subject_id)
            held = repo.find_registration(self._db, model, year, kind, subject_id)
            if held is not None:
                when = held.registered_on.strftime("%d/%m/%Y") if held.registered_on else "?"
                raise UserError(
                    N_(
                        "{name} is already registered for {title} {year} (on {date}); "
                        "nothing was registered."
                    ),
                    {"name": subject.name, "title": MODEL_TITLES[model], "year": year,
                     "date": when},
                )  # fmt: skip
            registration_id = repo.insert_registration(
                op.tx, model=model, year=year, subject_kind=kind, subject_id=subject_id,
                registered_on=on, registered_by=nfc(by).strip(), notes=nfc(notes).strip(),
            )  # fmt: skip
        return op.result(registration_id)

    def unregister(self, model: str, year: int, subject_id: str) -> OpResult[str]:
        """Withdraw a registration (kept as a tombstone, so the office learns of it)."""
        kind = _subject_kind(model)
        with self._ops.op("model.unregister") as op:
            held = repo.find_registration(self._db, model, year, kind, subject_id)
            if held is None:
                raise UserError(
                    N_("This subject is not registered for {title} {year}; nothing was changed."),
                    {"title": MODEL_TITLES[model], "year": year},
                )
            repo.set_registration_deleted(op.tx, held.id)
        return op.result(held.id)

    def registrations(self, model: str, year: int, hamlet: str | None = None) -> list[Registration]:
        """The live registrations of a model and year, by hamlet then name; with `hamlet` (a
        hamlet's name as the status names it, '' for the subjects with no hamlet), those of
        that hamlet only."""
        kind = _subject_kind(model)
        if hamlet is None:
            return repo.list_registrations(self._db, model, kind, year)
        if hamlet == "":
            return repo.list_registrations(self._db, model, kind, year, None)
        ids = [i for i, name in repo.hamlet_names(self._db) if name == hamlet]
        return [r for i in ids for r in repo.list_registrations(self._db, model, kind, year, i)]

    def status(
        self,
        year: int,
        models: Sequence[str] | None = None,
        sites: Sequence[str] | None = None,
    ) -> dict[str, ModelStatus]:
        """Per model: registered out of eligible (households, clans, hamlets, units, adults
        aged 15 or more of the registry), assessed and passed (saved assessments), recognised
        (not revoked), for the commune and hamlet by hamlet, with the target rate of that year
        (kept in the settings, else the plan's). Subjects with no hamlet are counted under ''.
        `models`: those only (a page shows one model at a time; all five cost five times as
        much). `sites`: the subjects of these centres only (an office's report)."""
        check_year(year)
        for model in models or ():
            _subject_kind(model)
        names = dict(repo.hamlet_names(self._db))
        targets = self.targets(year)
        out: dict[str, ModelStatus] = {}
        for model in MODEL_KEYS if models is None else [m for m in MODEL_KEYS if m in models]:
            kind = SUBJECT_OF_MODEL[model]
            results = repo.results_by_hamlet(self._db, model, kind, year, sites)
            eligible = repo.eligible_by_hamlet(self._db, kind, year, sites)
            counts: dict[str, list[int]] = {name: [0, 0, 0, 0, 0] for name in names.values()}

            def row(hamlet_id: str | None, counts: dict[str, list[int]] = counts) -> list[int]:
                return counts.setdefault(names.get(hamlet_id or "", ""), [0, 0, 0, 0, 0])

            for hamlet_id, (registered, assessed, passed, recognised) in results.items():
                cells = row(hamlet_id)
                cells[0] += registered
                cells[2] += assessed
                cells[3] += passed
                cells[4] += recognised
            for hamlet_id, n in eligible.items():
                row(hamlet_id)[1] += n
            target = targets[model]
            out[model] = ModelStatus(
                model=model,
                year=year,
                registered=sum(c[0] for c in counts.values()),
                eligible=sum(c[1] for c in counts.values()),
                target_rate=target.rate,
                by_hamlet={name: Count(r, e, a, p, c) for name, (r, e, a, p, c) in counts.items()},
                assessed=sum(c[2] for c in counts.values()),
                passed=sum(c[3] for c in counts.values()),
                recognised=sum(c[4] for c in counts.values()),
                target_source="" if target.custom else target.source,
            )
        return out

    # Targets ---------------------------------------------------------------------------

    def targets(self, year: int) -> dict[str, Target]:
        """Per model, the target share for `year`: the one kept in the settings, else the
        plan's (core.learning_subjects.TARGET_RATES) with its source."""
        check_year(year)
        held = recognition_repo.target_settings(self._db)
        out: dict[str, Target] = {}
        for model in MODEL_KEYS:
            default = target_rate(model, year)
            source = TARGET_SOURCES[model]
            kept = held.get(model)
            if kept is None:
                out[model] = Target(model, default, default, source)
                continue
            set_on = kept.get("set_on")
            out[model] = Target(
                model, float(kept["rate"]), default, source, custom=True,  # type: ignore[arg-type]
                set_on=dt.date.fromisoformat(set_on) if isinstance(set_on, str) else None,
                set_by=str(kept.get("by", "")),
            )  # fmt: skip
        return out

    def set_target(self, model: str, percent: float | str) -> OpResult[float]:
        """Keep a model's target (a percentage from 0 to 100) in the settings, for every
        year; refused, with nothing changed, outside 0-100 %. Returns the share (0.7)."""
        _subject_kind(model)
        rate = parse_percent(percent if isinstance(percent, str) else f"{percent:g}")
        with self._ops.op("model.target") as op:
            recognition_repo.set_target(op.tx, model, rate, dt.date.today(), self._ops.actor)
        return op.result(rate)

    def reset_target(self, model: str) -> OpResult[bool]:
        """Go back to the plan's target for the model (what the settings kept is forgotten);
        the value says whether one was kept."""
        _subject_kind(model)
        with self._ops.op("model.target") as op:
            gone = recognition_repo.clear_target(op.tx, model)
        return op.result(gone)

    # Checks ----------------------------------------------------------------------------

    def subject(self, model: str, subject_id: str) -> Subject:
        """The live subject of the kind `model` is registered by, or a clear refusal."""
        _subject_kind(model)
        return self._subject(model, subject_id)

    def _subject(self, model: str, subject_id: str) -> Subject:
        """The live subject of the kind `model` is registered by, or a clear refusal."""
        kind = SUBJECT_OF_MODEL[model]
        subject = repo.find_subject(self._db, subject_id)
        if subject is None:
            raise UserError(_NO_SUBJECT[kind], {"id": subject_id})
        if subject.kind != kind:
            message = _WRONG_KIND[kind]
            if (subject.kind, kind) == ("person", "household"):
                message = _PERSON_NOT_HOUSEHOLD
            elif (subject.kind, kind) == ("household", "person"):
                message = _HOUSEHOLD_NOT_PERSON
            raise UserError(message, {"name": subject.name, "title": MODEL_TITLES[model]})
        return subject

    def _live(self, subject_id: str, kind: str) -> Subject:
        subject = repo.find_subject(self._db, subject_id)
        if subject is None or subject.kind != kind:
            raise UserError(_NO_SUBJECT_PLAIN[kind], {"id": subject_id})
        return subject


_NO_SUBJECT_PLAIN: dict[str, str] = {
    "household": N_("There is no household with the id {id}; nothing was changed."),
    "hamlet": N_("There is no hamlet with the id {id}; nothing was changed."),
    "person": N_("There is no person with the id {id}; nothing was changed."),
}


def _subject_kind(model: str) -> str:
    kind = SUBJECT_OF_MODEL.get(model)
    if kind is None:
        raise UserError(
            N_("There is no learning model {model}: say family, clan, community, unit or citizen."),
            {"model": model},
        )
    return kind
