"""Households: a head and members, so a whole family can be found and enrolled together."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.core.people import Household, HouseholdMember
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import nfc
from desktop_app.services.workspace import Change
from desktop_app.storage import people as repo

if TYPE_CHECKING:
    from desktop_app.services.workspace import Workspace

HEAD_RELATION = "Chủ hộ"
# Relations a secretary picks from; free text is accepted too.
RELATIONS = ("Chủ hộ", "Vợ", "Chồng", "Con", "Cha", "Mẹ", "Ông", "Bà", "Cháu", "Anh", "Chị", "Em")


class HouseholdService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def get(self, household_id: str) -> Household:
        household = repo.get_household(self._ws.db, household_id)
        if household is None:
            raise UserError(N_("This household no longer exists; refresh the list."))
        return household

    def members(self, household_id: str) -> list[HouseholdMember]:
        return repo.household_members(self._ws.db, household_id)

    def create(self, head_id: str, address: str = "") -> Change:
        """A new household with `head_id` as its head (chủ hộ)."""
        db = self._ws.db
        with db.transaction():
            head = self._ws.people.get_live(head_id)
            if head.household_id is not None:
                raise UserError(
                    N_(
                        "{name} already belongs to a household. "
                        "Open it, or remove them from it first."
                    ),
                    {"name": head.full_name},
                )
            household_id = repo.insert_household(
                db, head.hamlet_id, head_id, nfc(address), db.next_version()
            )
            repo.set_person_household(db, head_id, household_id, HEAD_RELATION, db.next_version())
            db.audit("create", "household", household_id)
        return Change("household", "create", (household_id, head_id))

    def add_member(self, household_id: str, person_id: str, relation: str = "") -> Change:
        db = self._ws.db
        with db.transaction():
            self.get(household_id)
            person = self._ws.people.get_live(person_id)
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
            repo.set_person_household(db, person_id, household_id, nfc(relation), db.next_version())
            db.audit("update", "household", household_id, "add_member")
        return Change("household", "update", (household_id, person_id))

    def set_relation(self, person_id: str, relation: str) -> Change:
        db = self._ws.db
        with db.transaction():
            person = self._ws.people.get(person_id)
            if person.household_id is None:
                raise UserError(N_("{name} is not in a household."), {"name": person.full_name})
            repo.set_person_household(
                db, person_id, person.household_id, nfc(relation), db.next_version()
            )
            db.audit("update", "household", person.household_id, "relation")
        return Change("household", "update", (person.household_id, person_id))

    def set_head(self, household_id: str, person_id: str) -> Change:
        db = self._ws.db
        with db.transaction():
            household = self.get(household_id)
            person = self._ws.people.get(person_id)
            if person.household_id != household_id:
                raise UserError(
                    N_("{name} is not a member of this household; add them first."),
                    {"name": person.full_name},
                )
            repo.update_household(
                db,
                household_id,
                head_id=person_id,
                hamlet_id=household.hamlet_id,
                address=household.address,
                notes=household.notes,
                version=db.next_version(),
            )
            repo.set_person_household(db, person_id, household_id, HEAD_RELATION, db.next_version())
            db.audit("update", "household", household_id, "head")
        return Change("household", "update", (household_id, person_id))

    def remove_member(self, person_id: str) -> Change:
        """Take a person out of their household; the last member out closes the household."""
        db = self._ws.db
        with db.transaction():
            person = self._ws.people.get(person_id)
            household_id = person.household_id
            if household_id is None:
                raise UserError(N_("{name} is not in a household."), {"name": person.full_name})
            household = self.get(household_id)
            repo.set_person_household(db, person_id, None, "", db.next_version())
            remaining = repo.household_members(db, household_id)
            if not remaining:
                repo.set_household_deleted(db, household_id, db.next_version())
                db.audit("delete", "household", household_id)
            elif household.head_id == person_id:
                repo.update_household(
                    db,
                    household_id,
                    head_id=None,
                    hamlet_id=household.hamlet_id,
                    address=household.address,
                    notes=household.notes,
                    version=db.next_version(),
                )
                db.audit("update", "household", household_id, "remove_member,head")
            else:
                db.audit("update", "household", household_id, "remove_member")
        return Change("household", "update", (household_id, person_id))
