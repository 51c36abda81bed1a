"""Households: a head and members, so a whole family can be found and enrolled together."""

from __future__ import annotations

from desktop_app.core.people import Household, HouseholdMember
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import nfc
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.people import PeopleService
from desktop_app.storage import people as repo
from desktop_app.storage.db import Database

HEAD_RELATION = "Chủ hộ"
# Relations a secretary picks from; free text is accepted too.
RELATIONS = ("Chủ hộ", "Vợ", "Chồng", "Con", "Cha", "Mẹ", "Ông", "Bà", "Cháu", "Anh", "Chị", "Em")
# The stored value stays the Vietnamese word of the household register; screens show it in the
# UI language through these msgids (relation_label).
RELATION_LABELS: dict[str, str] = {
    "Chủ hộ": N_("Head of household"),
    "Vợ": N_("Wife"),
    "Chồng": N_("Husband"),
    "Con": N_("Child"),
    "Cha": N_("Father"),
    "Mẹ": N_("Mother"),
    "Ông": N_("Grandfather"),
    "Bà": N_("Grandmother"),
    "Cháu": N_("Grandchild"),
    "Anh": N_("Elder brother"),
    "Chị": N_("Elder sister"),
    "Em": N_("Younger sibling"),
}


class HouseholdService:
    def __init__(self, db: Database, ops: Ops, people: PeopleService) -> None:
        self._db = db
        self._ops = ops
        self._people = people

    def get(self, household_id: str) -> Household:
        household = repo.get_household(self._db, household_id)
        if household is None:
            raise UserError(N_("This household no longer exists; refresh the list."))
        return household

    def members(self, household_id: str) -> list[HouseholdMember]:
        return repo.household_members(self._db, household_id)

    def create(self, head_id: str, address: str = "") -> OpResult[str]:
        """A new household with `head_id` as its head (chủ hộ)."""
        with self._ops.op("household.create") as op:
            head = self._people.get_live(head_id)
            if head.household_id is not None:
                raise UserError(
                    N_(
                        "{name} already belongs to a household. "
                        "Open it, or remove them from it first."
                    ),
                    {"name": head.full_name},
                )
            household_id = repo.insert_household(op.tx, head.hamlet_id, head_id, nfc(address))
            repo.set_person_household(op.tx, head_id, household_id, HEAD_RELATION)
        return op.result(household_id)

    def add_member(self, household_id: str, person_id: str, relation: str = "") -> OpResult[str]:
        with self._ops.op("household.add_member") as op:
            self.get(household_id)
            person = self._people.get_live(person_id)
            if person.household_id == household_id:
                raise UserError(
                    N_("{name} is already in this household."), {"name": person.full_name}
                )
            if person.household_id is not None:
                raise UserError(
                    N_(
                        "{name} belongs to another household. Remove them from it first, "
                        "so no one is counted twice."
                    ),
                    {"name": person.full_name},
                )
            repo.set_person_household(op.tx, person_id, household_id, nfc(relation))
        return op.result(household_id)

    def set_relation(self, person_id: str, relation: str) -> OpResult[str]:
        with self._ops.op("household.set_relation") as op:
            person = self._people.get(person_id)
            if person.household_id is None:
                raise UserError(N_("{name} is not in a household."), {"name": person.full_name})
            repo.set_person_household(op.tx, person_id, person.household_id, nfc(relation))
        return op.result(person.household_id)

    def set_head(self, household_id: str, person_id: str) -> OpResult[str]:
        with self._ops.op("household.set_head") as op:
            household = self.get(household_id)
            person = self._people.get(person_id)
            if person.household_id != household_id:
                raise UserError(
                    N_("{name} is not a member of this household; add them first."),
                    {"name": person.full_name},
                )
            repo.update_household(
                op.tx,
                household_id,
                head_id=person_id,
                hamlet_id=household.hamlet_id,
                address=household.address,
                notes=household.notes,
            )
            repo.set_person_household(op.tx, person_id, household_id, HEAD_RELATION)
            old_head = household.head_id
            if old_head is not None and old_head != person_id:
                # One head per household: the old head's relation to the new one is not
                # known, so it is left for the secretary to type rather than guessed.
                repo.set_person_household(op.tx, old_head, household_id, "")
        return op.result(household_id)

    def remove_member(self, person_id: str) -> OpResult[str]:
        """Take a person out of their household; the last member out closes the household."""
        with self._ops.op("household.remove_member") as op:
            person = self._people.get(person_id)
            household_id = person.household_id
            if household_id is None:
                raise UserError(N_("{name} is not in a household."), {"name": person.full_name})
            household = self.get(household_id)
            repo.set_person_household(op.tx, person_id, None, "")
            remaining = repo.household_members(self._db, household_id)
            if not remaining:
                repo.set_household_deleted(op.tx, household_id)
            elif household.head_id == person_id:
                repo.update_household(
                    op.tx,
                    household_id,
                    head_id=None,
                    hamlet_id=household.hamlet_id,
                    address=household.address,
                    notes=household.notes,
                )
        return op.result(household_id)
