"""Enrolment from the keyboard: a Vietnamese name fragment and Enter; new person inline;
a pasted list; a household."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.core.people import Sex
from desktop_app.i18n import _, ngettext, tr
from desktop_app.ui.classes import ClassesPage
from desktop_app.ui.classes.course_view import ENROLMENT
from desktop_app.ui.classes.enrolment import EnrolmentTab, counts_text, split_pasted_line
from desktop_app.ui.context import AppContext

from .conftest import TITLE, course_id, open_class, write

TypeText = Callable[[QWidget, str], None]


def open_enrolment(qtbot: QtBot, page: ClassesPage, ctx: AppContext) -> tuple[str, EnrolmentTab]:
    cid = course_id(ctx, TITLE)
    view = open_class(qtbot, page, cid, ENROLMENT)
    assert view.enrolment is not None
    return cid, view.enrolment


def enrolled_names(ctx: AppContext, cid: str) -> list[str]:
    return [e.full_name for e in ctx.reader.courses.enrolments(cid)]


def test_typing_a_fragment_shows_birth_year_and_hamlet_and_enter_enrols(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, type_text: TypeText,
    qtmodeltester: ModelTester,
) -> None:  # fmt: skip
    cid, tab = open_enrolment(qtbot, page, ctx)
    assert tab.counts.text() == counts_text(3, 0)
    type_text(tab.search_box, "Đặn")
    assert tab.search_box.text() == "Đặn"
    assert tab.match_model.rowCount() == 1
    row = [tab.match_model.index(0, c).data() for c in range(4)]
    assert row[:3] == ["Nguyễn Văn Đặng", "1970", "Thôn 1"]
    qtmodeltester.check(tab.match_model)
    assert tab.match_model.headerData(4, Qt.Orientation.Horizontal) == ""
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Nguyễn Văn Đặng" in enrolled_names(ctx, cid), timeout=3000)
    qtbot.waitUntil(lambda: tab.enrolled_model.rowCount() == 4, timeout=3000)
    assert tab.search_box.text() == ""  # ready for the next name
    assert tab.counts.text() == counts_text(4, 0)
    assert tab.status.text() == tr("Enrolled {name}.", name="Nguyễn Văn Đặng")
    qtmodeltester.check(tab.enrolled_model)

    # Namesakes: arrows pick which one, birth year tells them apart.
    type_text(tab.search_box, "thi hoa")
    years = sorted(tab.match_model.index(r, 1).data() for r in range(tab.match_model.rowCount()))
    assert years == ["1962", "1980", "1988"]
    while tab.highlighted() is None or tab.highlighted().birth.year != 1980:  # type: ignore[union-attr]
        qtbot.keyClick(tab.search_box, Qt.Key.Key_Down)
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.enrolled_model.rowCount() == 5, timeout=3000)
    hoa = [e for e in ctx.reader.courses.enrolments(cid) if e.full_name == "Nguyễn Thị Hoa"]
    assert [e.birth for e in hoa] == ["1980"]

    # Someone already enrolled is not enrolled twice.
    type_text(tab.search_box, "Bích")
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
    assert tab.status.text() == tr("{name} is already enrolled.", name="Trần Thị Bích")


def test_a_new_person_is_added_inline_and_enrolled(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext, type_text: TypeText
) -> None:
    cid, tab = open_enrolment(qtbot, page, ctx)
    type_text(tab.search_box, "Vũ Thị Lành")
    assert tab.match_model.rowCount() == 0
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)  # no match: Enter opens the new person box
    box = tab.new_box
    assert box.isVisibleTo(tab)
    assert box.full_name.text() == "Vũ Thị Lành"
    box.sex.setCurrentIndex(box.sex.findData(Sex.FEMALE))
    qtbot.keyClicks(box.birth, "32/13/1990")
    qtbot.keyClick(box.birth, Qt.Key.Key_Return)
    assert box.message.text()  # a bad date says so, nothing is saved
    assert len(enrolled_names(ctx, cid)) == 3
    box.birth.setText("1990")
    box.hamlet.setCurrentIndex(box.hamlet.findText("Xóm Đông"))
    qtbot.keyClick(box.birth, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Vũ Thị Lành" in enrolled_names(ctx, cid), timeout=3000)
    qtbot.waitUntil(lambda: not box.isVisibleTo(tab), timeout=3000)
    person = ctx.reader.people.search("vu thi lanh")[0]
    assert (person.sex, person.birth.year if person.birth else None) == (Sex.FEMALE, 1990)
    assert person.hamlet_name == "Xóm Đông"


def test_paste_list_reports_each_line_and_resolves_the_rest(
    qtbot: QtBot, page: ClassesPage, ctx: AppContext
) -> None:
    cid, tab = open_enrolment(qtbot, page, ctx)
    tab.paste_button.click()
    dialog = tab.paste_dialog
    assert dialog is not None
    dialog.text.setPlainText(
        "1. Nguyễn Văn Đặng\nTrần Thị Bích\nĐỗ Văn Mới\t1985\nNguyễn Thị Hoa\nHoàng Minh Đức"
    )
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.paste_result is not None, timeout=3000)
    result = dialog.paste_result
    assert result is not None
    assert sorted(result.enrolled) == ["Hoàng Minh Đức", "Nguyễn Văn Đặng"]
    assert result.already == ("Trần Thị Bích",)
    assert result.not_found == ("Đỗ Văn Mới\t1985",)
    assert [line for line, _c in result.ambiguous] == ["Nguyễn Thị Hoa"]
    assert "Trần Thị Bích" in dialog.summary.text()
    assert dialog.not_found.count() == 1
    assert dialog.not_found.item(0).checkState() == Qt.CheckState.Checked
    combo = dialog.ambiguous_combos[0]
    assert combo.count() == 3  # skip + two namesakes
    pick = next(i for i in range(combo.count()) if "1962" in combo.itemText(i))
    combo.setCurrentIndex(pick)
    dialog.resolve_button.click()
    qtbot.waitUntil(lambda: "Đỗ Văn Mới" in enrolled_names(ctx, cid), timeout=3000)
    names = enrolled_names(ctx, cid)
    assert names.count("Nguyễn Thị Hoa") == 1
    assert len(names) == 3 + 2 + 2
    qtbot.waitUntil(lambda: tab.enrolled_model.rowCount() == 7, timeout=3000)
    new = ctx.reader.people.search("do van moi")[0]
    assert new.birth is not None and new.birth.year == 1985


def test_split_pasted_line() -> None:
    assert split_pasted_line("12. Đỗ Văn Mới 1985") == ("Đỗ Văn Mới", "1985")
    assert split_pasted_line("Lê Thị Na\t\tThôn 2") == ("Lê Thị Na", "")


def test_household_and_remove(qtbot: QtBot, page: ClassesPage, ctx: AppContext) -> None:
    cid, tab = open_enrolment(qtbot, page, ctx)
    dang = ctx.reader.people.search("Đặng")[0]
    duc = ctx.reader.people.search("Hoàng Minh Đức")[0]
    write(qtbot, ctx, lambda ws: ws.households.create(dang.id))
    household = ctx.reader.people.get(dang.id).household_id
    assert household is not None
    write(qtbot, ctx, lambda ws: ws.households.add_member(household, duc.id))
    assert ctx.reader.people.get(duc.id).household_id == household

    tab.search_box.setText("nguyen van dang")
    tab.household_button.click()
    qtbot.waitUntil(lambda: len(enrolled_names(ctx, cid)) == 5, timeout=3000)
    assert {"Nguyễn Văn Đặng", "Hoàng Minh Đức"} <= set(enrolled_names(ctx, cid))
    said = ngettext(
        "Enrolled {count} person of the household of {name}.",
        "Enrolled {count} people of the household of {name}.",
        2,
    ).format(count="2", name="Nguyễn Văn Đặng")
    qtbot.waitUntil(lambda: tab.status.text() == said, timeout=3000)

    qtbot.waitUntil(lambda: tab.enrolled_model.rowCount() == 5, timeout=3000)
    row = next(r for r, e in enumerate(tab.enrolled_model.rows) if e.full_name == "Lê Văn Cường")
    tab.enrolled.selectRow(row)
    tab.remove_selected()
    box = tab.confirm_box
    yes = next(b for b in box.buttons() if b.text() == _("Remove"))
    yes.click()
    qtbot.waitUntil(lambda: "Lê Văn Cường" not in enrolled_names(ctx, cid), timeout=3000)
