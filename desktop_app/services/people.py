"""Use cases of the people registry: add, edit, find, delete and undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop_app.core.cccd import mask_cccd
from desktop_app.core.people import Person, PersonFields, PersonInput, PersonRow, validate_person
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.services.ops import OpResult, Ops
from desktop_app.storage import multisite
from desktop_app.storage import people as repo
from desktop_app.storage.db import Database
from desktop_app.storage.multisite import SharedCccd
from desktop_app.storage.people import KeyedRow, PageKey, PeopleOrder

__all__ = [
    "DuplicateWarning", "KeyedRow", "PageKey", "PeopleOrder", "PeopleService", "SharedCccd",
]  # fmt: skip


# No name, phone or CCCD needs more; a pasted page of text would only make the search slow.
MAX_SEARCH_CHARS = 200


# What a duplicate warning says, by what is known of the person already in the list: a birth
# date, only a year, or nothing; a hamlet or none. An unknown is left out of the sentence.
_DUPLICATE_MESSAGES: dict[tuple[str, bool], str] = {
    ("date", True): N_(
        "{name}, born on {birth}, of {hamlet}, is already in the list. "
        "Open that person instead, or confirm this is a different person."
    ),
    ("date", False): N_(
        "{name}, born on {birth}, is already in the list. "
        "Open that person instead, or confirm this is a different person."
    ),
    ("year", True): N_(
        "{name}, born in {birth}, of {hamlet}, is already in the list. "
        "Open that person instead, or confirm this is a different person."
    ),
    ("year", False): N_(
        "{name}, born in {birth}, is already in the list. "
        "Open that person instead, or confirm this is a different person."
    ),
    ("none", True): N_(
        "{name} of {hamlet} is already in the list. "
        "Open that person instead, or confirm this is a different person."
    ),
    ("none", False): N_(
        "{name} is already in the list. "
        "Open that person instead, or confirm this is a different person."
    ),
}
_SEVERAL_DUPLICATES = N_(
    "{count} people named {name} with the same birth are already in the list. "
    "Open one of them instead, or confirm this is a different person."
)


class DuplicateWarning(UserError):
    """Someone with the same folded name and birth (date, or year) exists, in whatever
    hamlet. Save again with `confirmed_different=True` if this is a different person."""

    def __init__(self, candidates: list[PersonRow]) -> None:
        first = candidates[0]
        params: dict[str, str | int] = {"name": first.full_name}
        if len(candidates) > 1:
            message = _SEVERAL_DUPLICATES
            params["count"] = len(candidates)
        else:
            birth = first.birth
            kind = "none" if birth is None else "date" if birth.has_full_date else "year"
            message = _DUPLICATE_MESSAGES[kind, bool(first.hamlet_name)]
            if birth is not None:
                params["birth"] = birth.display()
            if first.hamlet_name:
                params["hamlet"] = first.hamlet_name
        super().__init__(message, params)
        self.candidates = candidates


class PeopleService:
    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops

    # Reading ---------------------------------------------------------------------------

    def get(self, person_id: str) -> Person:
        person = repo.get_person(self._db, person_id)
        if person is None:
            raise UserError(N_("This person is no longer in the database; refresh the list."))
        return person

    def get_live(self, person_id: str) -> Person:
        """The person, refusing one who was deleted (they must be restored before use)."""
        person = self.get(person_id)
        if person.deleted:
            raise UserError(
                N_("{name} was deleted; restore them first."), {"name": person.full_name}
            )
        return person

    def check_centres(self, sites: Sequence[str] | None) -> None:
        """Refuse a site id that is not a centre whose rows this office holds (`sites` is an
        office's choice of centres, for the lists and reports; None means every site)."""
        if sites is None:
            return
        unknown = multisite.unknown_centres(self._db, sites)
        if unknown:
            raise UserError(
                N_(
                    "There is no centre with the id {id} at this office; see 'tthtcd centres list'."
                ),
                {"id": unknown[0]},
            )

    def count(self, query: str | None = None, sites: Sequence[str] | None = None) -> int:
        self.check_centres(sites)
        return repo.count_people(self._db, query, sites)

    def page(
        self,
        *,
        order: PeopleOrder = PeopleOrder.NAME,
        descending: bool = False,
        query: str | None = None,
        after: PageKey | None = None,
        offset: int = 0,
        limit: int = 100,
        sites: Sequence[str] | None = None,
    ) -> list[KeyedRow]:
        """`sites`: only the people these centres own (at an office); None: everyone."""
        self.check_centres(sites)
        return repo.page_people(
            self._db,
            order=order,
            descending=descending,
            query=query,
            after=after,
            offset=offset,
            limit=limit,
            sites=sites,
        )

    def search(
        self, text: str, limit: int = 50, sites: Sequence[str] | None = None
    ) -> list[PersonRow]:
        """People matching `text`; a text longer than MAX_SEARCH_CHARS is cut there.
        `sites`: only the people these centres own (at an office); None: everyone."""
        self.check_centres(sites)
        return repo.search_people(self._db, text[:MAX_SEARCH_CHARS], limit, sites)

    def roster(self, limit: int = 100, sites: Sequence[str] | None = None) -> list[PersonRow]:
        """The first people in roster order (of these centres only, when `sites` is given)."""
        self.check_centres(sites)
        return [k.row for k in repo.page_people(self._db, limit=limit, sites=sites)]

    def cccd_shared_across_sites(self) -> list[SharedCccd]:
        """CCCD numbers held by people of more than one site (an office's file, or rows that
        came from elsewhere): reported for review, never refused. Mask before showing."""
        return multisite.cccd_shared_across_sites(self._db)

    # Checking --------------------------------------------------------------------------

    def check(
        self, data: PersonInput, person_id: str | None = None, today: dt.date | None = None
    ) -> tuple[PersonFields | None, list[Problem]]:
        """Validate like a save would, without saving: for inline messages while typing."""
        fields, problems = validate_person(
            data, today or dt.date.today(), repo.hamlet_ids(self._db)
        )
        if fields is not None and fields.cccd:
            holder = repo.find_cccd_holder(self._db, fields.cccd, person_id)
            if holder is not None:
                message = (
                    N_(
                        "CCCD {cccd} already belongs to {name}, who was deleted. "
                        "Restore that person instead of adding a new one."
                    )
                    if holder.deleted
                    else N_(
                        "CCCD {cccd} already belongs to {name}. One number is one person: "
                        "check the number or open that person."
                    )
                )
                problems.append(
                    Problem(
                        "cccd", message, {"cccd": mask_cccd(fields.cccd), "name": holder.full_name}
                    )
                )
                fields = None
        return fields, problems

    def similar(self, fields: PersonFields, person_id: str | None = None) -> list[PersonRow]:
        return repo.find_similar(self._db, fields.full_name, fields.birth, person_id)

    # Writing ---------------------------------------------------------------------------

    def validated(
        self, data: PersonInput, person_id: str | None, confirmed_different: bool
    ) -> PersonFields:
        """Check like a save does; raise UserError or DuplicateWarning. Call in a transaction."""
        fields, problems = self.check(data, person_id)
        if fields is None:
            raise UserError(
                N_("Some fields need fixing before the person can be saved."),
                problems=tuple(problems),
            )
        if not confirmed_different:
            candidates = self.similar(fields, person_id)
            if candidates:
                raise DuplicateWarning(candidates)
        return fields

    def add(self, data: PersonInput, *, confirmed_different: bool = False) -> OpResult[str]:
        """Add a person; the value is the new id."""
        with self._ops.op("person.add") as op:
            fields = self.validated(data, None, confirmed_different)
            person_id = repo.insert_person(op.tx, fields)
        return op.result(person_id)

    def update(
        self,
        person_id: str,
        data: PersonInput,
        *,
        expected_version: int | None = None,
        confirmed_different: bool = False,
    ) -> OpResult[str]:
        with self._ops.op("person.update") as op:
            current = self.get(person_id)
            if expected_version is not None and current.version != expected_version:
                raise UserError(
                    N_(
                        "Someone else changed this person while you were editing. "
                        "Copy what you typed, reopen the person and apply your change again."
                    )
                )
            fields = self.validated(data, person_id, confirmed_different)
            changed = _changed_fields(current, fields)
            if changed:
                repo.update_person(op.tx, person_id, fields, changed)
        return op.result(person_id)

    def delete(self, person_id: str) -> OpResult[str]:
        """Soft delete: the row stays as a tombstone and `restore` undoes it."""
        with self._ops.op("person.delete") as op:
            person = self.get(person_id)
            if person.deleted:
                raise UserError(N_("{name} was already deleted."), {"name": person.full_name})
            repo.set_person_deleted(op.tx, person_id, True)
        return op.result(person_id)

    def restore(self, person_id: str) -> OpResult[str]:
        with self._ops.op("person.restore") as op:
            person = self.get(person_id)
            if not person.deleted:
                raise UserError(N_("{name} is not deleted."), {"name": person.full_name})
            repo.set_person_deleted(op.tx, person_id, False)
        return op.result(person_id)


def _changed_fields(before: Person, after: PersonFields) -> list[str]:
    names = [
        "full_name", "sex", "birth", "cccd", "phone", "hamlet_id", "ethnicity", "religion", "notes",
    ]  # fmt: skip
    return [n for n in names if getattr(before, n) != getattr(after, n)]
