"""The centre's profile, its commune and hamlets, and this installation's settings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward

from desktop_app.core.collation import sort_key
from desktop_app.core.ids import new_id
from desktop_app.core.people import Hamlet, HamletKind
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.text import nfc
from desktop_app.core.voucher_forms import DEFAULT_FORM, VOUCHER_FORMS
from desktop_app.services.ops import OpResult, Ops
from desktop_app.storage import office_views
from desktop_app.storage import people as repo
from desktop_app.storage.db import Database
from desktop_app.storage.people import CentreRow

MAX_HAMLET_NAME = 60
# A signer's name prints under a signature box a fifth of an A5 page wide.
MAX_SIGNER_NAME = 50
MAX_BODY_NAME = 80
SIGNER_FIELDS = ("director", "hoi_chair", "head_of_unit", "accountant", "treasurer")


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
    # The fund's paper: the upstream Hội Khuyến học printed as the parent body (empty: the
    # province's Hội), its chair, who signs the vouchers and books, and their form set.
    hoi_parent: str = ""
    hoi_chair: str = ""
    head_of_unit: str = ""
    accountant: str = ""
    treasurer: str = ""
    voucher_form: str = DEFAULT_FORM

    @property
    def is_set(self) -> bool:
        return bool(self.name and self.commune_code)


@dataclass(frozen=True)
class FundSigners:
    """The names on the fund's paper (vouchers, books, the disclosure sheet)."""

    parent: str
    unit: str
    commune: str
    chair: str
    head: str
    accountant: str
    treasurer: str
    form: str


def _length_problems(profile: CentreProfile) -> list[Problem]:
    problems: list[Problem] = []
    for field in SIGNER_FIELDS:
        if len(nfc(getattr(profile, field))) > MAX_SIGNER_NAME:
            problems.append(
                Problem(
                    field,
                    N_("A name under a signature keeps under {limit} characters."),
                    {"limit": MAX_SIGNER_NAME},
                )
            )
    if len(nfc(profile.hoi_parent)) > MAX_BODY_NAME:
        problems.append(
            Problem(
                "hoi_parent",
                N_("The name is too long; keep it under {limit} characters."),
                {"limit": MAX_BODY_NAME},
            )
        )
    return problems


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
    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops
        self._speaking_for: str | None = None

    # Profile ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def speaking_for(self, site_id: str | None) -> Iterator[None]:
        """Within the block, `profile()` and `fund_signers()` are those of centre `site_id`
        (at an office: the profile row that centre sent in its bundles), so one centre's
        papers printed at its office name that centre. This site's own id or None: no change."""
        before = self._speaking_for
        self._speaking_for = None if site_id in (None, self._db.site_id) else site_id
        try:
            yield
        finally:
            self._speaking_for = before

    def profile(self) -> CentreProfile:
        if self._speaking_for is not None:
            row = office_views.centre_row_of(self._db, self._speaking_for)
        else:
            row = repo.get_centre(self._db)
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
            hoi_parent=row.hoi_parent,
            hoi_chair=row.hoi_chair,
            head_of_unit=row.head_of_unit,
            accountant=row.accountant,
            treasurer=row.treasurer,
            voucher_form=row.voucher_form,
        )

    def save_profile(self, profile: CentreProfile) -> OpResult[str]:
        """Validate and save the profile; the value is the centre's id."""
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
        problems += _length_problems(profile)
        if profile.voucher_form not in VOUCHER_FORMS:
            problems.append(Problem("voucher_form", N_("Pick the voucher forms from the list.")))
        if problems:
            raise UserError(
                N_("Some fields need fixing before the profile can be saved."),
                problems=tuple(problems),
            )
        with self._ops.op("centre.save") as op:
            row = self._profile_row(profile, name, prov_name or "", com_name or "")
            repo.save_centre(op.tx, row)
            repo.set_site_name(op.tx, name)
        return op.result(row.id)

    def _profile_row(
        self, profile: CentreProfile, name: str, prov_name: str, com_name: str
    ) -> CentreRow:
        current = repo.get_centre(self._db)
        return CentreRow(
            id=current.id if current else new_id(),
            name=name,
            province_code=profile.province_code,
            province_name=prov_name,
            commune_code=profile.commune_code,
            commune_name=com_name,
            upstream_office=nfc(profile.upstream_office),
            address=nfc(profile.address),
            phone=nfc(profile.phone),
            director=nfc(profile.director),
            hoi_parent=nfc(profile.hoi_parent),
            hoi_chair=nfc(profile.hoi_chair),
            head_of_unit=nfc(profile.head_of_unit),
            accountant=nfc(profile.accountant),
            treasurer=nfc(profile.treasurer),
            voucher_form=profile.voucher_form,
        )

    def fund_signers(self) -> FundSigners:
        """Who the fund's paper names, with the profile's gaps filled as the forms expect."""
        p = self.profile()
        commune = p.commune_name
        province = p.province_name
        unit = f"Hội Khuyến học {commune}" if commune else "Hội Khuyến học"
        if province and not province.startswith(("Tỉnh ", "Thành phố ")):
            province = f"tỉnh {province}"
        parent = p.hoi_parent or (f"Hội Khuyến học {province}" if province else "")
        return FundSigners(
            parent=parent,
            unit=unit,
            commune=commune,
            chair=p.hoi_chair,
            # The chair heads the association when no other head of unit is named.
            head=p.head_of_unit or p.hoi_chair,
            accountant=p.accountant,
            treasurer=p.treasurer,
            form=p.voucher_form,
        )

    # Hamlets ---------------------------------------------------------------------------

    def hamlets(self) -> list[Hamlet]:
        return repo.list_hamlets(self._db)

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
        if repo.hamlet_name_taken(self._db, name, exclude_id):
            raise UserError(N_("There is already a hamlet called {name}."), {"name": name})
        return name

    def add_hamlet(self, name: str, kind: HamletKind = HamletKind.THON) -> OpResult[str]:
        with self._ops.op("hamlet.add") as op:
            clean = self._check_hamlet_name(name, None)
            hamlet_id = repo.insert_hamlet(op.tx, clean, kind)
        return op.result(hamlet_id)

    def update_hamlet(
        self, hamlet_id: str, name: str, kind: HamletKind, population: int | None = None
    ) -> OpResult[str]:
        if population is not None and population < 0:
            raise UserError(N_("The population cannot be negative."))
        with self._ops.op("hamlet.update") as op:
            clean = self._check_hamlet_name(name, hamlet_id)
            repo.update_hamlet(op.tx, hamlet_id, clean, kind, population)
        return op.result(hamlet_id)

    def delete_hamlet(self, hamlet_id: str) -> OpResult[str]:
        with self._ops.op("hamlet.delete") as op:
            used = repo.count_people_in_hamlet(self._db, hamlet_id)
            if used:
                raise UserError(
                    N_(
                        "{count} people live in this hamlet. Move them to another hamlet "
                        "before deleting it."
                    ),
                    {"count": used},
                )
            repo.set_hamlet_deleted(op.tx, hamlet_id)
        return op.result(hamlet_id)
