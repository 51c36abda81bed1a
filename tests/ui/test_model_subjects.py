"""The clans' and the units' windows with their real widgets on a real database: a clan added
with its head, households put in it through their people, a household already in a clan
refused for a second one, one taken out after a confirmation; a school added, a member added
and taken out; nothing writable on a read-only file; the Registration tab of the clan model
opening the window, and a clan added there then registered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.learning_subjects import UNIT_KIND_LABELS, UnitKind
from desktop_app.i18n import _, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui.context import AppContext
from desktop_app.ui.learning_models_page import LearningModelsPage, RegisterDialog
from desktop_app.ui.model_subjects import (
    ClansDialog,
    GroupForm,
    NameDialog,
    PickPersonDialog,
    SubjectsDialog,
    UnitsDialog,
)
from tests.ui.test_import_wizard import WAIT, choose, click, idle, yes

YEAR = dt.date.today().year


def press_ok(qtbot: QtBot, dialog: object) -> None:
    assert isinstance(dialog, (GroupForm, NameDialog, PickPersonDialog, RegisterDialog))
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))


def shown(qtbot: QtBot, ctx: AppContext, dialog: SubjectsDialog) -> SubjectsDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    idle(qtbot, ctx)
    return dialog


def groups(dialog: SubjectsDialog) -> list[tuple[str, ...]]:
    return [dialog.group_cells(g) for g in dialog.groups_model.rows]


def members(dialog: SubjectsDialog) -> list[tuple[str, ...]]:
    return [dialog.member_cells(m) for m in dialog.members_model.rows]


def add_member(qtbot: QtBot, ctx: AppContext, dialog: SubjectsDialog, person: tuple[str, str]):
    click(qtbot, dialog.add_member_button)
    pick = dialog.form
    assert isinstance(pick, PickPersonDialog)
    pick.picker.pick(*person)
    press_ok(qtbot, pick)
    idle(qtbot, ctx)
    return pick


@pytest.fixture
def households_db(people_db: Path) -> Path:
    """Three households (Trần Thị Bích with Lê Văn Cường; Phạm Thị Hoa; Nguyễn Văn An);
    Hoàng Minh Đức is in none."""
    with Workspace.open(people_db) as ws:
        people = {p.full_name: p.id for p in ws.people.roster()}
        first = ws.households.create(people["Trần Thị Bích"]).value
        ws.households.add_member(first, people["Lê Văn Cường"], "Chồng")
        ws.households.create(people["Phạm Thị Hoa"])
        ws.households.create(people["Nguyễn Văn An"])
    return people_db


def test_a_clan_with_its_head_and_households(
    qtbot: QtBot, households_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(households_db)
    people = {p.full_name: p.id for p in ctx.reader.people.roster()}
    hamlets = {h.name: h.id for h in ctx.reader.centre.hamlets()}
    dialog = shown(qtbot, ctx, ClansDialog(ctx))
    assert dialog.windowTitle() == _("Clans") and not dialog.isModal()
    assert groups(dialog) == [] and not dialog.add_member_button.isEnabled()
    assert not dialog.rename_button.isEnabled()

    # The name is required: said in the form, which stays open.
    click(qtbot, dialog.add_button)
    form = dialog.form
    assert isinstance(form, GroupForm) and form.head_picker is not None
    press_ok(qtbot, form)
    qtbot.waitUntil(lambda: bool(form.message.text()), timeout=WAIT)
    assert form.message.text() == _("Type the clan's name, e.g. Dòng họ Nguyễn Văn.")
    assert form.isVisible() and groups(dialog) == []

    # Name, hamlet and head.
    form.name_edit.setText("Dòng họ Lê Văn")
    choose(form.hamlet_combo, hamlets["Thôn 2"])
    form.head_picker.pick(people["Lê Văn Cường"], "Lê Văn Cường")
    press_ok(qtbot, form)
    qtbot.waitUntil(lambda: form.added_id is not None, timeout=WAIT)
    idle(qtbot, ctx)
    assert groups(dialog) == [("Dòng họ Lê Văn", "Lê Văn Cường", "Thôn 2", "0")]
    assert dialog.group_id == form.added_id
    assert dialog.members_title.text() == tr("Households of {clan}", clan="Dòng họ Lê Văn")

    # Two households, each through one of its people (Cường's is Bích's).
    add_member(qtbot, ctx, dialog, (people["Lê Văn Cường"], "Lê Văn Cường"))
    add_member(qtbot, ctx, dialog, (people["Phạm Thị Hoa"], "Phạm Thị Hoa"))
    assert sorted(members(dialog)) == [("Phạm Thị Hoa", "Xóm Đông"), ("Trần Thị Bích", "Thôn 1")]
    assert groups(dialog)[0][3] == "2"

    # A person in no household: refused in the picker, with what to do.
    click(qtbot, dialog.add_member_button)
    alone = dialog.form
    assert isinstance(alone, PickPersonDialog)
    alone.picker.pick(people["Hoàng Minh Đức"], "Hoàng Minh Đức")
    press_ok(qtbot, alone)
    assert alone.message.text() == _(
        "This person is in no household: put them in one on the People page."
    )
    alone.reject()

    # A second clan: Hoa's household is in the first one, so refused; nothing changed.
    click(qtbot, dialog.add_button)
    second = dialog.form
    assert isinstance(second, GroupForm)
    second.name_edit.setText("Dòng họ Phạm")
    press_ok(qtbot, second)
    qtbot.waitUntil(lambda: second.added_id is not None, timeout=WAIT)
    idle(qtbot, ctx)
    assert [g[0] for g in groups(dialog)] == ["Dòng họ Lê Văn", "Dòng họ Phạm"]
    assert dialog.chosen_group().name == "Dòng họ Phạm" and members(dialog) == []
    refused = add_member(qtbot, ctx, dialog, (people["Phạm Thị Hoa"], "Phạm Thị Hoa"))
    assert refused.isVisible() and refused.added_id is None
    assert refused.message.text() == tr(
        "The household of {name} is in {clan}; remove it from there first, so that no "
        "household is counted in two clans.",
        name="Phạm Thị Hoa", clan="Dòng họ Lê Văn",
    )  # fmt: skip
    refused.reject()
    with Workspace.open(households_db, read_only=True) as ws:
        clans = {c.name: c for c in ws.models.clans()}
        assert clans["Dòng họ Lê Văn"].households == 2 and clans["Dòng họ Phạm"].households == 0

    # Renamed.
    click(qtbot, dialog.rename_button)
    rename = dialog.form
    assert isinstance(rename, NameDialog)
    rename.name_edit.setText("Dòng họ Phạm Văn")
    press_ok(qtbot, rename)
    qtbot.waitUntil(lambda: rename.renamed, timeout=WAIT)
    idle(qtbot, ctx)
    assert [g[0] for g in groups(dialog)] == ["Dòng họ Lê Văn", "Dòng họ Phạm Văn"]

    # Back on the first; Delete on a household asks, then removes.
    dialog.select_group(clans["Dòng họ Lê Văn"].id)
    idle(qtbot, ctx)
    assert len(members(dialog)) == 2
    # Enter on the clan's row: its households, the first one chosen.
    dialog.groups_table.setCurrentIndex(dialog.groups_model.index(0, 0))
    qtbot.keyClick(dialog.groups_table, Qt.Key.Key_Return)
    assert dialog.selected_member() is not None
    row = next(i for i, m in enumerate(members(dialog)) if m[0] == "Phạm Thị Hoa")
    dialog.members_table.selectRow(row)
    assert dialog.remove_member_button.isEnabled()
    qtbot.keyClick(dialog.members_table, Qt.Key.Key_Delete)
    assert dialog.confirm_box is not None
    yes(qtbot, dialog.confirm_box, _("Remove from the clan"))
    qtbot.waitUntil(lambda: members(dialog) == [("Trần Thị Bích", "Thôn 1")], timeout=WAIT)
    idle(qtbot, ctx)
    assert dialog.message.text() == tr(
        "The household of {name} was removed from {clan}.",
        name="Phạm Thị Hoa", clan="Dòng họ Lê Văn",
    )  # fmt: skip
    assert groups(dialog)[0][3] == "1"
    with Workspace.open(households_db, read_only=True) as ws:
        clan_id = clans["Dòng họ Lê Văn"].id
        assert [s.name for s in ws.models.clan_households(clan_id)] == ["Trần Thị Bích"]
    # Now free, Hoa's household goes to the second clan.
    dialog.select_group(clans["Dòng họ Phạm"].id)
    idle(qtbot, ctx)
    add_member(qtbot, ctx, dialog, (people["Phạm Thị Hoa"], "Phạm Thị Hoa"))
    assert members(dialog) == [("Phạm Thị Hoa", "Xóm Đông")]


def test_a_school_with_a_member_added_and_removed(
    qtbot: QtBot, households_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(households_db)
    people = {p.full_name: p.id for p in ctx.reader.people.roster()}
    hamlets = {h.name: h.id for h in ctx.reader.centre.hamlets()}
    dialog = shown(qtbot, ctx, UnitsDialog(ctx))
    assert dialog.windowTitle() == _("Learning units")
    click(qtbot, dialog.add_button)
    form = dialog.form
    assert isinstance(form, GroupForm) and form.kind_combo is not None
    assert form.head_picker is None
    assert form.kind_combo.count() == len(UNIT_KIND_LABELS)
    form.name_edit.setText("Trường Tiểu học Phú Mỹ")
    choose(form.kind_combo, UnitKind.SCHOOL.value)
    choose(form.hamlet_combo, hamlets["Thôn 1"])
    press_ok(qtbot, form)
    qtbot.waitUntil(lambda: form.added_id is not None, timeout=WAIT)
    idle(qtbot, ctx)
    assert groups(dialog) == [("Trường Tiểu học Phú Mỹ", _("school"), "Thôn 1", "0")]

    # The same name again: refused in the form.
    click(qtbot, dialog.add_button)
    again = dialog.form
    assert isinstance(again, GroupForm)
    again.name_edit.setText("trường tiểu học phú mỹ")
    press_ok(qtbot, again)
    qtbot.waitUntil(lambda: bool(again.message.text()), timeout=WAIT)
    assert again.message.text() == tr(
        "There is already a unit called {name}.", name="trường tiểu học phú mỹ"
    )
    again.reject()

    add_member(qtbot, ctx, dialog, (people["Hoàng Minh Đức"], "Hoàng Minh Đức"))
    add_member(qtbot, ctx, dialog, (people["Trần Thị Bích"], "Trần Thị Bích"))
    # In Vietnamese order of the given names: Bích before Đức.
    assert members(dialog) == [
        ("Trần Thị Bích", "1990", "Thôn 1"),
        ("Hoàng Minh Đức", "2001", "Thôn 2"),
    ]
    assert groups(dialog)[0][3] == "2"
    assert dialog.members_title.text() == tr("Members of {unit}", unit="Trường Tiểu học Phú Mỹ")
    # A member twice: refused.
    twice = add_member(qtbot, ctx, dialog, (people["Hoàng Minh Đức"], "Hoàng Minh Đức"))
    assert twice.message.text() == tr(
        "{name} is already a member of {unit}.",
        name="Hoàng Minh Đức", unit="Trường Tiểu học Phú Mỹ",
    )  # fmt: skip
    twice.reject()

    row = next(i for i, m in enumerate(members(dialog)) if m[0] == "Hoàng Minh Đức")
    dialog.members_table.selectRow(row)
    click(qtbot, dialog.remove_member_button)
    # Cancel first: nothing changes.
    box = dialog.confirm_box
    assert isinstance(box, QMessageBox)
    click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
    idle(qtbot, ctx)
    assert len(members(dialog)) == 2
    click(qtbot, dialog.remove_member_button)
    yes(qtbot, dialog.confirm_box, _("Remove from the unit"))
    qtbot.waitUntil(lambda: len(members(dialog)) == 1, timeout=WAIT)
    idle(qtbot, ctx)
    assert members(dialog) == [("Trần Thị Bích", "1990", "Thôn 1")]
    with Workspace.open(households_db, read_only=True) as ws:
        unit = ws.models.units()[0]
        assert unit.kind is UnitKind.SCHOOL and unit.members == 1
        assert [s.name for s in ws.models.unit_members(unit.id)] == ["Trần Thị Bích"]


@pytest.fixture
def read_only_context(households_db: Path, open_context: Callable[..., AppContext]) -> AppContext:
    with Workspace.open(households_db) as ws:
        clan = ws.models.add_clan("Dòng họ Trần").value
        bich = next(p.id for p in ws.people.roster() if p.full_name == "Trần Thị Bích")
        household = ws.people.get(bich).household_id
        assert household is not None
        ws.models.add_clan_household(clan, household)
        ws.models.add_unit("Trạm Y tế xã", UnitKind.AGENCY)
    return open_context(households_db, read_only=True)


def test_read_only_the_writing_buttons_are_disabled(
    qtbot: QtBot, read_only_context: AppContext
) -> None:
    ctx = read_only_context
    clans = shown(qtbot, ctx, ClansDialog(ctx))
    assert [g[0] for g in groups(clans)] == ["Dòng họ Trần"]
    assert clans.chosen_group() is not None
    assert members(clans) == [("Trần Thị Bích", "Thôn 1")]
    clans.members_table.selectRow(0)
    for button in (clans.add_button, clans.rename_button, clans.add_member_button,
                   clans.remove_member_button):  # fmt: skip
        assert not button.isEnabled()
    assert clans.open_add() is None and clans.open_rename() is None
    assert clans.open_add_member() is None
    clans.ask_remove()
    assert clans.confirm_box is None
    units = shown(qtbot, ctx, UnitsDialog(ctx))
    assert groups(units) == [("Trạm Y tế xã", _("agency or office"), "", "0")]
    assert not units.add_button.isEnabled() and not units.add_member_button.isEnabled()


def test_the_clan_models_registration_tab_opens_the_clans_and_registers_a_new_one(
    qtbot: QtBot, households_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(households_db)
    page = LearningModelsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    idle(qtbot, ctx)
    # Only the clan and the unit model have the button.
    assert page.current.registrations.subjects_button is None
    for model in ("community", "citizen"):
        assert page.model_tabs[model].registrations.subjects_button is None
    unit_button = page.model_tabs["unit"].registrations.subjects_button
    assert unit_button is not None and unit_button.text() == _("U&nits…")
    view = page.show_model("clan").registrations
    idle(qtbot, ctx)
    assert view.subjects_button is not None and view.subjects_button.text() == _("C&lans…")
    assert view.status is not None and view.status.eligible == 0
    click(qtbot, view.subjects_button)
    dialog = view.subjects_dialog
    assert isinstance(dialog, ClansDialog) and dialog.isVisible() and not dialog.isModal()
    # Asked again: the same window.
    click(qtbot, view.subjects_button)
    assert view.subjects_dialog is dialog
    idle(qtbot, ctx)
    click(qtbot, dialog.add_button)
    form = dialog.form
    assert isinstance(form, GroupForm)
    form.name_edit.setText("Dòng họ Nguyễn Văn")
    press_ok(qtbot, form)
    qtbot.waitUntil(lambda: form.added_id is not None, timeout=WAIT)
    idle(qtbot, ctx)
    # The tab counts the new clan among those who could register.
    qtbot.waitUntil(lambda: view.status is not None and view.status.eligible == 1, timeout=WAIT)
    dialog.close()
    click(qtbot, view.register_button)
    register = view.dialog
    assert isinstance(register, RegisterDialog) and register.combo is not None
    choose(register.combo, form.added_id)
    press_ok(qtbot, register)
    qtbot.waitUntil(lambda: register.registered_id is not None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: [r.subject_name for r in view.registrations_model.rows] == ["Dòng họ Nguyễn Văn"],
        timeout=WAIT,
    )
    with Workspace.open(households_db, read_only=True) as ws:
        assert [r.subject_name for r in ws.models.registrations("clan", YEAR)] == [
            "Dòng họ Nguyễn Văn"
        ]
