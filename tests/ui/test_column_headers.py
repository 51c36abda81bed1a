"""Column headers say what they hold: "No." ("STT") heads only a row counter, never a member's
number or a certificate's register number."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt
from pytestqt.qtbot import QtBot

from desktop_app.i18n import _, format_int
from desktop_app.ui.classes.register import RegisterModel
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.models import D_NUMBER, M_NUMBER, DuesModel, MembersModel
from desktop_app.ui.people_model import COL_NUMBER, PeopleModel


def header(model: QAbstractItemModel, column: int) -> str:
    return str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))


def headers(model: QAbstractItemModel) -> list[str]:
    return [header(model, c) for c in range(model.columnCount())]


def test_number_columns_say_whose_number(
    qtbot: QtBot, demo_copy: Callable[..., Path], open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(demo_copy(150, 4))
    members = MembersModel()
    members.set_rows(ctx.reader.members.members())
    assert header(members, M_NUMBER) == _("Member no.")
    first = ctx.reader.members.members()[0]
    assert members.index(0, M_NUMBER).data() == first.member_number

    dues = DuesModel()
    assert header(dues, D_NUMBER) == _("Member no.")

    register = RegisterModel()
    assert header(register, 0) == _("Register no.")

    for model in (members, dues, register):
        assert _("No.") not in headers(model)

    # The one "No." left counts the rows of the people list: 1, 2, 3...
    people = PeopleModel(ctx.reader)
    assert header(people, COL_NUMBER) == _("No.")
    assert [people.index(r, COL_NUMBER).data() for r in range(3)] == [
        format_int(n) for n in (1, 2, 3)
    ]
