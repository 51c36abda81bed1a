"""The Learning models page with its real widgets on a real database: the year's registrations
against the eligible subjects hamlet by hamlet, a family registered through one of its people,
a hamlet registered from the list, a second registration refused in the dialog, a
registration withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.core.learning_models import MODELS
from desktop_app.i18n import _, format_percent
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview as preview_module
from desktop_app.ui.context import AppContext
from desktop_app.ui.learning_models_page import (
    LearningModelsPage,
    RegisterDialog,
    RegistrationsView,
)
from tests.documents.test_roster import page_count, text_of
from tests.ui.test_import_wizard import WAIT, choose, click, idle, yes

YEAR = dt.date.today().year


def page_on(qtbot: QtBot, ctx: AppContext) -> LearningModelsPage:
    page = LearningModelsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    idle(qtbot, ctx)
    return page


def registered(view: RegistrationsView) -> list[str]:
    return [r.subject_name for r in view.registrations_model.rows]


def press_ok(qtbot: QtBot, dialog: RegisterDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))


def test_a_family_and_a_hamlet_are_registered_and_one_withdrawn(
    qtbot: QtBot, people_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    with Workspace.open(people_db) as ws:
        people = {p.full_name: p.id for p in ws.people.roster()}
        household = ws.households.create(people["Trần Thị Bích"]).value
        ws.households.add_member(household, people["Lê Văn Cường"], "Chồng")
        ws.households.create(people["Phạm Thị Hoa"])
    ctx = open_context(people_db)
    page = page_on(qtbot, ctx)
    assert page.model == "family" and page.year == YEAR
    # A tab per model, each with its views.
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        _(info.label) for info in MODELS.values()
    ]
    assert page.current.inner.count() == 4
    view = page.current.registrations
    assert view.status is not None and view.status.eligible == 2 and view.status.registered == 0
    assert format_percent(70.0) in view.summary.text()

    # A family, through any one of its people.
    click(qtbot, view.register_button)
    dialog = view.dialog
    assert isinstance(dialog, RegisterDialog) and dialog.picker is not None
    dialog.picker.pick(people["Lê Văn Cường"], "Lê Văn Cường")
    dialog.by_edit.setText("Trần Thị Bích")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.registered_id is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: len(registered(view)) == 1, timeout=WAIT)
    idle(qtbot, ctx)
    assert view.status is not None and view.status.registered == 1
    assert view.registrations_model.rows[0].registered_by == "Trần Thị Bích"
    assert format_percent(50.0) in view.summary.text()

    # The same household again, through its other person: refused, said in the dialog.
    click(qtbot, view.register_button)
    again = view.dialog
    assert isinstance(again, RegisterDialog) and again.picker is not None
    again.picker.pick(people["Trần Thị Bích"], "Trần Thị Bích")
    press_ok(qtbot, again)
    qtbot.waitUntil(lambda: bool(again.message.text()), timeout=WAIT)
    assert again.registered_id is None and again.isVisible()
    again.reject()

    # A person in no household cannot register a family.
    click(qtbot, view.register_button)
    alone = view.dialog
    assert isinstance(alone, RegisterDialog) and alone.picker is not None
    alone.picker.pick(people["Nguyễn Văn An"], "Nguyễn Văn An")
    press_ok(qtbot, alone)
    assert alone.message.text() == _(
        "This person is in no household: put them in one on the People page."
    )
    alone.reject()

    # A hamlet, chosen from the list.
    view = page.show_model("community").registrations
    idle(qtbot, ctx)
    assert view.status is not None and view.status.eligible == 3
    click(qtbot, view.register_button)
    hamlet = view.dialog
    assert isinstance(hamlet, RegisterDialog) and hamlet.combo is not None
    choose(hamlet.combo, next(h.id for h in ctx.reader.centre.hamlets() if h.name == "Thôn 2"))
    press_ok(qtbot, hamlet)
    qtbot.waitUntil(lambda: registered(view) == ["Thôn 2"], timeout=WAIT)
    idle(qtbot, ctx)
    rows = {row[0]: row[1:3] for row in view.hamlets_model.rows}
    assert rows["Thôn 2"] == (1, 1) and rows["Thôn 1"] == (0, 1)
    assert rows[_("Whole commune")] == (1, 3)
    assert MODELS["community"].title in view.summary.text()

    # Withdrawn, after a confirmation.
    view.registrations_table.selectRow(0)
    assert view.unregister_button.isEnabled()
    click(qtbot, view.unregister_button)
    yes(qtbot, view.confirm_box, _("Withdraw the registration"))
    qtbot.waitUntil(lambda: registered(view) == [], timeout=WAIT)
    with Workspace.open(people_db, read_only=True) as ws:
        assert not ws.models.registrations("community", YEAR)
        assert len(ws.models.registrations("family", YEAR)) == 1


def test_the_registered_families_forms_print_for_the_hamlet_chosen(
    qtbot: QtBot,
    people_db: Path,
    open_context: Callable[[Path], AppContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[Path] = []
    monkeypatch.setattr(
        preview_module, "preview_pdf", lambda _parent, path, *_a, **_k: shown.append(Path(path))
    )
    with Workspace.open(people_db) as ws:
        people = {p.full_name: p for p in ws.people.roster()}
        for name in ("Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Hoa"):
            household = ws.households.create(people[name].id).value
            ws.models.register("family", YEAR, household, by=name)
    ctx = open_context(people_db)
    page = page_on(qtbot, ctx)
    view = page.current.registrations
    assert view.forms_button.isEnabled()
    # The hamlet of Trần Thị Bích only: one form.
    hamlet = next(r.hamlet_name for r in view.registrations_model.rows
                  if r.subject_name == "Trần Thị Bích")  # fmt: skip
    view.hamlets_table.selectRow(view.hamlets_model.keys.index(hamlet))
    qtbot.waitUntil(lambda: registered(view) == ["Trần Thị Bích"], timeout=WAIT)
    click(qtbot, view.forms_button)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT)
    idle(qtbot, ctx)
    text = text_of(shown[0], layout=True)
    assert f"GIẤY ĐĂNG KÝ GIA ĐÌNH HỌC TẬP NĂM {YEAR}" in text
    assert "Trần Thị Bích" in text and "Lê Văn Cường" not in text
    assert page_count(shown[0]) == 1
    # The print is in the audit.
    with Workspace.open(people_db, read_only=True) as ws:
        rows = ws.db.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'family_form.print'"
        ).fetchone()
    assert rows[0] == 1


def test_a_large_commune_opens_on_its_first_hamlet_and_lists_a_hamlet_at_a_time(
    qtbot: QtBot,
    people_db: Path,
    open_context: Callable[[Path], AppContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop_app.ui import model_view

    with Workspace.open(people_db) as ws:
        for p in ws.people.roster():
            household = ws.households.create(p.id).value
            ws.models.register("family", YEAR, household)
        by_hamlet = {
            name: c.registered for name, c in ws.models.status(YEAR)["family"].by_hamlet.items()
        }
    # As if the five registrations were more than a whole list is read for.
    monkeypatch.setattr(model_view, "WHOLE_LIST_AT_MOST", 4)
    ctx = open_context(people_db)
    page = page_on(qtbot, ctx)
    view = page.current.registrations
    first = next(name for name in view.hamlets_model.keys if name and by_hamlet[name])
    assert view.shown_hamlet == first and view.chosen_hamlet() == first
    assert {r.hamlet_name for r in view.registrations_model.rows} == {first}
    assert len(view.registrations_model.rows) == by_hamlet[first]
    # The whole commune, when asked for.
    view.hamlets_table.selectRow(0)
    qtbot.waitUntil(lambda: len(view.registrations_model.rows) == 5, timeout=WAIT)
    # A registration elsewhere reloads the list shown, on the same choice.
    other = next(name for name in view.hamlets_model.keys if name and name != first)
    view.hamlets_table.selectRow(view.hamlets_model.keys.index(other))
    qtbot.waitUntil(
        lambda: {r.hamlet_name for r in view.registrations_model.rows} <= {other}, timeout=WAIT
    )
    assert view.shown_hamlet == other
