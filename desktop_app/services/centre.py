"""The centre's profile, its commune and hamlets, and this installation's settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from vietnam_provinces import Province, ProvinceCode, Ward

from desktop_app.core.collation import sort_key
from desktop_app.core.ids import new_id
from desktop_app.core.people import Hamlet, HamletKind
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.text import nfc
from desktop_app.services.workspace import Change
from desktop_app.storage import people as repo
from desktop_app.storage.people import CentreRow

if TYPE_CHECKING:
    from desktop_app.services.workspace import Workspace

MAX_HAMLET_NAME = 60


@dataclass(frozen=True)
class Place:
    code: str
    name: str


@dataclass(frozen=True)
class CentreProfile:
    name: str = ""
    province_code: str | None = None
    province_name: str = ""
    commune_code: str | None = None
    commune_name: str = ""
    upstream_office: str = ""
    address: str = ""
    phone: str = ""
    director: str = ""

    @property
    def is_set(self) -> bool:
        return bool(self.name and self.commune_code)


@cache
def provinces() -> tuple[Place, ...]:
    """The 34 provinces after the 2025 reform, in Vietnamese alphabetical order."""
    items = [Place(str(int(p.code)), p.name) for p in Province.iter_all()]
    return tuple(sorted(items, key=lambda p: sort_key(_bare(p.name))))


@cache
def communes(province_code: str) -> tuple[Place, ...]:
    """The communes, wards and special zones of one province, in alphabetical order."""
    code = ProvinceCode(int(province_code))
    items = [Place(str(int(w.code)), w.name) for w in Ward.iter_by_province(code)]
    return tuple(sorted(items, key=lambda p: sort_key(_bare(p.name))))


def _bare(name: str) -> str:
    """'Xã Đông Hòa' sorts under Đ, not under X: drop the unit word for ordering."""
    for prefix in ("Thành phố ", "Tỉnh ", "Đặc khu ", "Phường ", "Xã "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def province_name(code: str) -> str | None:
    return next((p.name for p in provinces() if p.code == code), None)


def commune_name(province_code: str, code: str) -> str | None:
    return next((c.name for c in communes(province_code) if c.code == code), None)


class CentreService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    # Profile ---------------------------------------------------------------------------

    def profile(self) -> CentreProfile:
        row = repo.get_centre(self._ws.db)
        if row is None:
            return CentreProfile()
        return CentreProfile(
            name=row.name,
            province_code=row.province_code,
            province_name=row.province_name,
            commune_code=row.commune_code,
            commune_name=row.commune_name,
            upstream_office=row.upstream_office,
            address=row.address,
            phone=row.phone,
            director=row.director,
        )

    def save_profile(self, profile: CentreProfile) -> Change:
        with self._ws.db.transaction():
            centre_id = self.save_profile_in_transaction(profile)
        return Change("centre", "update", (centre_id,))

    def save_profile_in_transaction(self, profile: CentreProfile) -> str:
        """Validate and write the profile inside the caller's transaction; return its id."""
        problems: list[Problem] = []
        name = nfc(profile.name)
        if not name:
            problems.append(
                Problem(
                    "name",
                    N_("Type the centre's name, e.g. Trung tâm học tập cộng đồng xã Đông Hòa."),
                )
            )
        prov_name = province_name(profile.province_code or "")
        if prov_name is None:
            problems.append(Problem("province_code", N_("Pick the province from the list.")))
        com_name = (
            commune_name(profile.province_code or "", profile.commune_code or "")
            if prov_name
            else None
        )
        if prov_name and com_name is None:
            problems.append(Problem("commune_code", N_("Pick the commune from the list.")))
        if problems:
            raise UserError(
                N_("Some fields need fixing before the profile can be saved."),
                problems=tuple(problems),
            )
        db = self._ws.db
        current = repo.get_centre(db)
        row = CentreRow(
            id=current.id if current else new_id(),
            name=name,
            province_code=profile.province_code,
            province_name=prov_name or "",
            commune_code=profile.commune_code,
            commune_name=com_name or "",
            upstream_office=nfc(profile.upstream_office),
            address=nfc(profile.address),
            phone=nfc(profile.phone),
            director=nfc(profile.director),
        )
        repo.save_centre(db, row, db.next_version())
        repo.set_site_name(db, name)
        db.audit("update" if current else "create", "centre", row.id)
        return row.id

    # Hamlets ---------------------------------------------------------------------------

    def hamlets(self) -> list[Hamlet]:
        return repo.list_hamlets(self._ws.db)

    def _check_hamlet_name(self, name: str, exclude_id: str | None) -> str:
        name = nfc(name)
        if not name:
            raise UserError(
                N_("Type the hamlet's name, e.g. Thôn 3 or Tổ dân phố Đông."),
                problems=(
                    Problem("name", N_("Type the hamlet's name, e.g. Thôn 3 or Tổ dân phố Đông.")),
                ),
            )
        if len(name) > MAX_HAMLET_NAME:
            raise UserError(
                N_("The hamlet's name is too long; keep it under {limit} characters."),
                {"limit": MAX_HAMLET_NAME},
            )
        if repo.hamlet_name_taken(self._ws.db, name, exclude_id):
            raise UserError(N_("There is already a hamlet called {name}."), {"name": name})
        return name

    def add_hamlet(self, name: str, kind: HamletKind = HamletKind.THON) -> Change:
        db = self._ws.db
        with db.transaction():
            clean = self._check_hamlet_name(name, None)
            hamlet_id = repo.insert_hamlet(db, clean, kind, db.next_version())
            db.audit("create", "hamlet", hamlet_id)
        return Change("hamlet", "create", (hamlet_id,))

    def update_hamlet(
        self, hamlet_id: str, name: str, kind: HamletKind, population: int | None = None
    ) -> Change:
        if population is not None and population < 0:
            raise UserError(N_("The population cannot be negative."))
        db = self._ws.db
        with db.transaction():
            clean = self._check_hamlet_name(name, hamlet_id)
            repo.update_hamlet(db, hamlet_id, clean, kind, population, db.next_version())
            db.audit("update", "hamlet", hamlet_id)
        return Change("hamlet", "update", (hamlet_id,))

    def delete_hamlet(self, hamlet_id: str) -> Change:
        db = self._ws.db
        with db.transaction():
            used = repo.count_people_in_hamlet(db, hamlet_id)
            if used:
                raise UserError(
                    N_(
                        "{count} people live in this hamlet. Move them to another hamlet "
                        "before deleting it."
                    ),
                    {"count": used},
                )
            repo.set_hamlet_deleted(db, hamlet_id, db.next_version())
            db.audit("delete", "hamlet", hamlet_id)
        return Change("hamlet", "delete", (hamlet_id,))
