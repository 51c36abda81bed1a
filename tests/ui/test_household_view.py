"""A person's household: create it, add a member found by name, head, relation, remove."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

import desktop_app.i18n as i18n
from desktop_app.core.people import PersonInput
from desktop_app.i18n import _
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui.household_view import HouseholdDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.people_model import COL_NAME
from desktop_app.ui.people_page import PeoplePage

TypeText = Callable[[QWidget, str], None]


def open_household(page: PeoplePage, name: str) -> HouseholdDialog:
    names = [page.model.index(r, COL_NAME).data() for r in range(page.model.rowCount())]
    page.select_row(names.index(name))
    page.household_button.click()
    assert page.household is not None
    return page.household


def members(dialog: HouseholdDialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    return [
        (
            table.topLevelItem(i).text(0),
            table.topLevelItem(i).text(2),
            table.topLevelItem(i).text(3),
        )
        for i in range(table.topLevelItemCount())
    ]


def test_household_from_creation_to_removal(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = window.people_page
    dialog = open_household(page, "Lê Văn Cường")
    assert dialog.create_button.isVisible()
    assert not dialog.add_button.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.household_id is not None, timeout=5000)
    assert members(dialog) == [("Lê Văn Cường", _("Head of household"), "✓")]
    assert not dialog.create_button.isVisible()

    # Add a member by typing a few letters; birth year and hamlet tell namesakes apart.
    dialog.open_picker()
    picker = dialog.picker
    assert picker is not None
    type_text(picker.search, "thi hoa")
    qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=2000)
    assert picker.results.item(0).text().startswith("Phạm Thị Hoa — ")
    assert "1988" in picker.results.item(0).text()
    picker.relation.setCurrentText("Vợ")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(dialog.members) == 2, timeout=5000)
    assert ("Phạm Thị Hoa", _("Wife"), "") in members(dialog)

    # Make her the head; the list shows the new head first.
    dialog.select_member(next(m.person_id for m in dialog.members if m.full_name.endswith("Hoa")))
    dialog.head_button.click()
    qtbot.waitUntil(lambda: members(dialog)[0][0] == "Phạm Thị Hoa", timeout=5000)
    assert members(dialog)[0][2] == "✓"

    # Change his relation; free text is accepted too.
    dialog.select_member(next(m.person_id for m in dialog.members if "Cường" in m.full_name))
    dialog.relation.setCurrentText("Chồng")
    dialog.set_relation_button.click()
    qtbot.waitUntil(lambda: ("Lê Văn Cường", _("Husband"), "") in members(dialog), timeout=5000)

    # The list shows household membership.
    names = [page.model.index(r, COL_NAME).data() for r in range(page.model.rowCount())]
    assert page.model.index(names.index("Phạm Thị Hoa"), 6).data() == _("Head of household")

    # Removing the person the dialog was opened for still shows the household they left.
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: len(dialog.members) == 1, timeout=5000)
    assert members(dialog)[0][0] == "Phạm Thị Hoa"
    dialog.remove_button.click()  # the last member out closes the household
    qtbot.waitUntil(lambda: dialog.household_id is None, timeout=5000)
    assert dialog.create_button.isVisible()


def test_adding_someone_from_another_household_says_why_not(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    done: list[object] = []

    def setup(ws: Workspace) -> OpResult[None]:
        ids = {k.row.full_name: k.row.id for k in ws.people.page(limit=100)}
        with ws.ops.op("test.two_households") as op:  # the two creates nest in one op
            ws.households.create(ids["Nguyễn Văn An"])
            ws.households.create(ids["Hoàng Minh Đức"])
        return op.result(None)

    window.ctx.op(setup, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    dialog = open_household(window.people_page, "Nguyễn Văn An")
    dialog.open_picker()
    picker = dialog.picker
    assert picker is not None
    type_text(picker.search, "duc")
    qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=2000)
    assert _("in another household") in picker.results.item(0).text()
    picker.accept()
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=5000)
    assert "Hoàng Minh Đức" in dialog.banner.text()
    assert len(dialog.members) == 1


def test_namesakes_are_told_apart_in_the_picker(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    done: list[object] = []
    window.ctx.op(lambda ws: ws.people.add(PersonInput("Nguyễn Văn An", birth="1999")), done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    dialog = open_household(window.people_page, "Lê Văn Cường")
    dialog.create_household()
    qtbot.waitUntil(lambda: dialog.household_id is not None, timeout=5000)
    dialog.open_picker()
    picker = dialog.picker
    assert picker is not None
    type_text(picker.search, "nguyen van an")
    qtbot.waitUntil(lambda: picker.results.count() == 2, timeout=2000)
    texts = {picker.results.item(i).text() for i in range(2)}
    assert any("1999" in t for t in texts) and any("1960" in t for t in texts)


def test_relations_show_in_english_and_are_stored_as_in_the_register(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    """In English the relations read in English; the household register keeps "Vợ"."""
    i18n.set_language("en")
    page = window.people_page
    dialog = open_household(page, "Lê Văn Cường")
    dialog.create_household()
    qtbot.waitUntil(lambda: dialog.household_id is not None, timeout=5000)
    assert members(dialog) == [("Lê Văn Cường", "Head of household", "✓")]
    dialog.open_picker()
    picker = dialog.picker
    assert picker is not None
    offered = [picker.relation.itemText(i) for i in range(picker.relation.count())]
    assert "Wife" in offered and "Vợ" not in offered
    type_text(picker.search, "thi hoa")
    qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=2000)
    picker.relation.setCurrentText("Wife")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(dialog.members) == 2, timeout=5000)
    assert ("Phạm Thị Hoa", "Wife", "") in members(dialog)
    stored = {
        m.full_name: m.relation for m in window.ctx.reader.households.members(dialog.household_id)
    }
    assert stored == {"Lê Văn Cường": "Chủ hộ", "Phạm Thị Hoa": "Vợ"}
