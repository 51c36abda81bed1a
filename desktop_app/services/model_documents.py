"""The learning models' paper: the yearly registration forms (Giấy đăng ký Gia đình học tập,
Dòng họ học tập) of households and clans, one page each, singly or in a batch for a hamlet.

As for a class's paper (services.class_documents), three steps: `family_forms` and
`clan_forms` read the database and return a `FormsPaper` (plain data), the static `render`
writes the PDF without touching the database, and `record_print` writes the audit line of a
finished print (the forms carry the members' names and birth years). `registration_forms` and
`write` do all three for the command line; the file is checked with outputs.check_output first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.certificates import bare_hamlet, hamlet_label
from desktop_app.core.dates import check_year, place_date_line
from desktop_app.core.learning_models import MODELS, CriteriaSet, set_for
from desktop_app.core.problems import N_, UserError
from desktop_app.services.centre import CentreProfile, CentreService
from desktop_app.services.learning_criteria import load_criteria
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.storage import learning_models as models_repo
from desktop_app.storage import model_documents as repo
from desktop_app.storage.db import Database, read_snapshot
from desktop_app.storage.people import household_members

if TYPE_CHECKING:
    from desktop_app.documents.model_forms import RegistrationForm

__all__ = ["FormsPaper", "ModelDocumentService"]

_BLANK_DATE = "ngày ...... tháng ...... năm ..........."
# Columns of the people table and their shares of its width.
_FAMILY_COLUMNS = ("Họ và tên", "Năm sinh", "Quan hệ với chủ hộ")
_FAMILY_WIDTHS = (6.0, 1.5, 2.5)
_CLAN_COLUMNS = ("Họ và tên chủ hộ", "Thôn, tổ dân phố", "Số người")
_CLAN_WIDTHS = (5.4, 3.2, 1.4)


@dataclass(frozen=True)
class FormsPaper:
    """The forms of one print as read from the database: rendered on any thread."""

    model: str  # "family" or "clan"
    year: int
    entity: str  # what was asked for, for the audit: "household", "hamlet" or "clan"
    subject: str  # its id (ids joined by commas)
    forms: tuple[RegistrationForm, ...]
    author: str


def _place(hamlet_name: str, hamlet_kind: str) -> str:
    """'thôn Đông', 'tổ dân phố 1': the hamlet inside a sentence."""
    if not hamlet_name.strip():
        return ""
    label = hamlet_label(hamlet_kind)
    return f"{label[:1].lower()}{label[1:]} {bare_hamlet(label, hamlet_name)}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date_line(profile: CentreProfile, day: dt.date | None) -> str:
    if day is not None:
        return place_date_line(profile.commune_name, day)
    return (
        f"{profile.commune_name}, {_BLANK_DATE}" if profile.commune_name else _capital(_BLANK_DATE)
    )


def _pledges(criteria: CriteriaSet) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((c.title, tuple(i.title for i in c.items)) for c in criteria.criteria)


class ModelDocumentService:
    def __init__(self, db: Database, ops: Ops, centre: CentreService) -> None:
        self._db = db
        self._ops = ops
        self._centre = centre

    # Reading (the database) --------------------------------------------------------------

    def _criteria(self, model: str, year: int) -> CriteriaSet:
        found = set_for(load_criteria(), model, year)
        if found is None:
            raise UserError(
                N_(
                    "There is no criteria set of {title} in force in {year}, so the form has "
                    "no criteria to pledge; add one (see 'models criteria check')."
                ),
                {"title": MODELS[model].title, "year": year},
            )
        return found

    def _registered_on(self, model: str, year: int, kind: str, subject_id: str) -> tuple[
        dt.date | None, str
    ]:  # fmt: skip
        held = models_repo.find_registration(self._db, model, year, kind, subject_id)
        return (held.registered_on, held.registered_by) if held else (None, "")

    @read_snapshot
    def family_forms(
        self,
        year: int,
        household_ids: Sequence[str] = (),
        hamlet_id: str | None = None,
        *,
        registered_only: bool = False,
    ) -> FormsPaper:
        """The Gia đình học tập forms of the given households, or of every household of a
        hamlet (`registered_only`: those registered for the year). A household registered
        that year has its form dated on the day of registration; the others are left to date
        by hand."""
        from desktop_app.documents.model_forms import FormPledge, RegistrationForm

        check_year(year)
        criteria = self._criteria("family", year)
        profile = self._centre.profile()
        if hamlet_id is not None:
            hamlet = dict(models_repo.hamlet_names(self._db)).get(hamlet_id)
            if hamlet is None:
                raise UserError(N_("There is no hamlet with the id {id}."), {"id": hamlet_id})
            households = repo.hamlet_form_households(
                self._db, hamlet_id, ("family", year) if registered_only else None
            )
            if not households:
                message = (
                    N_("No household of {hamlet} is registered for Gia đình học tập {year}; "
                       "there is no form to print.")
                    if registered_only
                    else N_("{hamlet} has no households, so there is no form to print.")
                )  # fmt: skip
                raise UserError(message, {"hamlet": hamlet, "year": year})
            entity, subject = "hamlet", hamlet_id
        else:
            if not household_ids:
                raise UserError(N_("Choose a household or a hamlet to print the forms of."))
            households = []
            for household_id in household_ids:
                found = repo.form_household(self._db, household_id)
                if found is None:
                    raise UserError(
                        N_("There is no household with the id {id}; nothing was printed."),
                        {"id": household_id},
                    )
                households.append(found)
            entity, subject = "household", ",".join(household_ids)
        pledges = tuple(FormPledge(t, items) for t, items in _pledges(criteria))
        title = f"GIẤY ĐĂNG KÝ GIA ĐÌNH HỌC TẬP NĂM {year}"
        forms = []
        for h in households:
            members = household_members(self._db, h.id)
            rows = tuple(
                (m.full_name, str(m.birth.year) if m.birth else "",
                 "Chủ hộ" if m.is_head else m.relation)
                for m in members
            )  # fmt: skip
            place = _place(h.hamlet_name, h.hamlet_kind)
            address = ", ".join(
                p for p in (h.address.strip(), _capital(place), profile.commune_name,
                            profile.province_name) if p
            )  # fmt: skip
            on, by = self._registered_on("family", year, "household", h.id)
            facts = [("Họ và tên chủ hộ", h.head_name), ("Địa chỉ", address),
                     ("Số thành viên trong gia đình", str(len(rows)))]  # fmt: skip
            if by.strip() and by.strip() != h.head_name.strip():
                facts.append(("Người đăng ký", by))
            forms.append(
                RegistrationForm(
                    title=title,
                    recipients=(
                        f"Ban công tác khuyến học {place}" if place else "",
                        profile.name,
                    ),
                    facts=tuple(facts),
                    table_heading="Các thành viên trong gia đình:",
                    columns=_FAMILY_COLUMNS,
                    widths=_FAMILY_WIDTHS,
                    rows=rows,
                    pledge_intro=(
                        f"Căn cứ tiêu chí “Gia đình học tập”, gia đình chúng tôi đăng ký xây "
                        f"dựng “Gia đình học tập” năm {year}, phấn đấu thực hiện các tiêu chí "
                        "sau:"
                    ),
                    pledges=pledges,
                    basis=f"Theo: {criteria.title} ({criteria.legal_basis})",
                    closing=(
                        "Gia đình chúng tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký, "
                        "động viên các thành viên cùng học tập."
                    ),
                    place_date=_date_line(profile, on),
                    left_signer=("Xác nhận của Ban công tác khuyến học", place),
                    right_signer="Chủ hộ",
                    signer_name=h.head_name,
                )
            )
        return FormsPaper("family", year, entity, subject, tuple(forms), profile.name)

    @read_snapshot
    def clan_forms(self, year: int, clan_ids: Sequence[str]) -> FormsPaper:
        """The Dòng họ học tập forms of the given clans: the clan, its head, its households."""
        from desktop_app.documents.model_forms import FormPledge, RegistrationForm

        check_year(year)
        criteria = self._criteria("clan", year)
        profile = self._centre.profile()
        if not clan_ids:
            raise UserError(N_("Choose a clan to print the form of."))
        kinds = {h.id: h.kind.value for h in self._centre.hamlets()}
        hamlets = dict(models_repo.hamlet_names(self._db))
        pledges = tuple(FormPledge(t, items) for t, items in _pledges(criteria))
        forms = []
        for clan_id in clan_ids:
            clan = models_repo.get_clan(self._db, clan_id)
            if clan is None:
                raise UserError(
                    N_("There is no clan with the id {id} ('models clans list' shows them)."),
                    {"id": clan_id},
                )
            rows = []
            for h in models_repo.clan_households(self._db, clan_id):
                hamlet = hamlets.get(h.hamlet_id or "", "")
                size = len(household_members(self._db, h.id))
                rows.append((h.name, hamlet, str(size)))
            place = _place(clan.hamlet_name, kinds.get(clan.hamlet_id or "", "thon"))
            on, _by = self._registered_on("clan", year, "clan", clan_id)
            forms.append(
                RegistrationForm(
                    title=f"GIẤY ĐĂNG KÝ DÒNG HỌ HỌC TẬP NĂM {year}",
                    recipients=(
                        f"Ban công tác khuyến học {place}" if place else "",
                        profile.name,
                    ),
                    facts=(
                        ("Tên dòng họ", clan.name),
                        ("Trưởng dòng họ", clan.head_name),
                        (
                            "Nơi cư trú",
                            ", ".join(
                                p
                                for p in (
                                    _capital(place),
                                    profile.commune_name,
                                    profile.province_name,
                                )
                                if p
                            ),
                        ),
                        ("Số hộ trong dòng họ", str(len(rows))),
                    ),
                    table_heading="Các hộ gia đình trong dòng họ:",
                    columns=_CLAN_COLUMNS,
                    widths=_CLAN_WIDTHS,
                    rows=tuple(rows),
                    pledge_intro=(
                        f"Căn cứ tiêu chí “Dòng họ học tập”, dòng họ chúng tôi đăng ký xây dựng "
                        f"“Dòng họ học tập” năm {year}, phấn đấu thực hiện các tiêu chí sau:"
                    ),
                    pledges=pledges,
                    basis=f"Theo: {criteria.title} ({criteria.legal_basis})",
                    closing="Dòng họ chúng tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký.",
                    place_date=_date_line(profile, on),
                    left_signer=("Xác nhận của Ban công tác khuyến học", place),
                    right_signer="Trưởng dòng họ",
                    signer_name=clan.head_name,
                )
            )
        return FormsPaper("clan", year, "clan", ",".join(clan_ids), tuple(forms), profile.name)

    # Rendering (no database) -------------------------------------------------------------

    @staticmethod
    def render(paper: FormsPaper, out: Path) -> int:
        """Write the forms' PDF; returns its pages (one per form unless a form is very
        long). No database: runs on any thread."""
        from desktop_app.documents.model_forms import render_registration_forms

        return render_registration_forms(paper.forms, out, author=paper.author)

    # The audit (the writer) --------------------------------------------------------------

    def record_print(self, paper: FormsPaper) -> OpResult[None]:
        """Who printed the households' names and birth years, and which."""
        return self._ops.record_event(
            f"{paper.model}_form.print",
            paper.entity,
            paper.subject,
            f"year={paper.year} forms={len(paper.forms)}",
        )

    # All three in one call (the command line) --------------------------------------------

    def write(self, paper: FormsPaper, out: Path) -> int:
        """Check `out`, write the paper there and audit it; returns the pages."""
        out = check_output(out, self._ops.db_path)
        pages = self.render(paper, out)
        self.record_print(paper)
        return pages

    def registration_forms(
        self,
        year: int,
        out: Path,
        household_ids: Sequence[str] = (),
        hamlet_id: str | None = None,
        *,
        registered_only: bool = False,
    ) -> Path:
        """The Gia đình học tập forms of households (or of a hamlet's) written to `out`."""
        out = check_output(out, self._ops.db_path)
        paper = self.family_forms(year, household_ids, hamlet_id, registered_only=registered_only)
        self.write(paper, out)
        return out
