"""The people page as a secretary uses it: type, press Enter, search, edit, delete, undo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.dates import NO_SUCH_DAY
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import Problem, StoreError
from desktop_app.i18n import _, problem_text, tr
from desktop_app.ui.main_window import PEOPLE, MainWindow
from desktop_app.ui.people_model import COL_BIRTH, COL_NAME, COL_PHONE
from desktop_app.ui.people_page import PeoplePage
from desktop_app.ui.person_form import PersonForm

TypeText = Callable[[QWidget, str], None]


@pytest.fixture
def window(people_db: Path, make_window: Callable[..., MainWindow]) -> MainWindow:
    """The window on the People section, as a secretary opens it from the sidebar (the home
    page comes first at start)."""
    window = make_window(people_db)
    window.show_section(PEOPLE)
    return window


def names(page: PeoplePage) -> list[str]:
    model = page.model
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def open_new_form(qtbot: QtBot, page: PeoplePage) -> PersonForm:
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form is not None
    qtbot.waitExposed(page.form)
    return page.form


def search(qtbot: QtBot, page: PeoplePage, text: str) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    qtbot.waitUntil(lambda: page.model.query == (text.strip() or None), timeout=2000)


def select_name(qtbot: QtBot, page: PeoplePage, name: str) -> None:
    row = names(page).index(name)
    page.select_row(row)
    # Offscreen, nothing gives the window back its focus after a message box closes.
    window = page.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    page.table.setFocus()


def test_window_shows_people_with_counts_and_title(window: MainWindow) -> None:
    page = window.people_page
    assert page.model.rowCount() == 5
    assert page.count_label.text() == "5 người"
    assert "centre.sqlite3" in window.windowTitle()
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles[:2] == [_("Home"), _("People")]
    assert titles[-1] == _("Settings")


def test_add_person_typed_in_vietnamese_then_search_finds_it(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = window.people_page
    form = open_new_form(qtbot, page)
    type_text(form.full_name, "Nguyễn Văn Đặng")
    assert form.full_name.text() == "Nguyễn Văn Đặng"
    type_text(form.birth, "07/03/1985")
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: page.form is None, timeout=5000)
    assert page.model.rowCount() == 6
    assert "Nguyễn Văn Đặng" in names(page)
    assert window.notice_label.text() == "Đã lưu Nguyễn Văn Đặng." or "Đặng" in (
        window.notice_label.text()
    )

    search(qtbot, page, "dang")
    assert names(page) == ["Nguyễn Văn Đặng"]
    assert page.count_label.text() == "1 kết quả" or page.count_label.text().startswith("1")


def test_search_is_debounced_and_clearing_shows_everyone(qtbot: QtBot, window: MainWindow) -> None:
    page = window.people_page
    before = page.model.queries
    qtbot.keyClicks(page.search, "bich")
    assert page.model.query is None  # nothing yet: the user is still typing
    qtbot.waitUntil(lambda: page.model.query == "bich", timeout=2000)
    assert names(page) == ["Trần Thị Bích"]
    assert page.model.queries - before <= 2
    search(qtbot, page, "")
    assert page.model.rowCount() == 5


def test_ctrl_f_focuses_search(qtbot: QtBot, window: MainWindow) -> None:
    page = window.people_page
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()


def test_edit_phone(qtbot: QtBot, window: MainWindow, type_text: TypeText) -> None:
    page = window.people_page
    select_name(qtbot, page, "Phạm Thị Hoa")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the selected person
    form = page.form
    assert form is not None and form.person is not None
    assert form.windowTitle() == _("Edit person")
    form.phone.clear()
    type_text(form.phone, "0988 111 222")
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.form is None, timeout=5000)
    person = window.ctx.reader.people.get(form.person.id)
    assert person.phone == "0988111222"
    row = names(page).index("Phạm Thị Hoa")
    assert page.model.index(row, COL_PHONE).data() == "0988 111 222"


def test_delete_then_undo_from_the_status_bar_and_with_ctrl_z(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = window.people_page
    select_name(qtbot, page, "Lê Văn Cường")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    box = page.confirm_box
    assert isinstance(box, QMessageBox)
    assert "Lê Văn Cường" in box.text()
    yes = next(b for b in box.buttons() if b.text() == _("Delete"))
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=5000)
    assert "Lê Văn Cường" not in names(page)
    assert window.notice_button.isVisible()
    assert window.notice_button.text() == _("Undo")

    qtbot.mouseClick(window.notice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=5000)
    assert "Lê Văn Cường" in names(page)

    select_name(qtbot, page, "Lê Văn Cường")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    box = page.confirm_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == _("Delete")).click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=5000)
    select_name(qtbot, page, "Trần Thị Bích")
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=5000)


def test_cancelling_the_delete_keeps_the_person(qtbot: QtBot, window: MainWindow) -> None:
    page = window.people_page
    select_name(qtbot, page, "Nguyễn Văn An")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    box = page.confirm_box
    assert box is not None
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter picks Cancel: deleting needs a deliberate click
    qtbot.wait(50)
    assert window.ctx.worker.pending == 0
    assert page.model.rowCount() == 5


def test_bad_cccd_shows_a_message_next_to_it_and_saves_nothing(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = window.people_page
    form = open_new_form(qtbot, page)
    type_text(form.full_name, "Đỗ Thị Lan")
    type_text(form.cccd, "12345")
    qtbot.keyClick(form.cccd, Qt.Key.Key_Return)
    expected = problem_text(
        Problem(
            "cccd",
            "The CCCD number must have exactly 12 digits; you typed {count}. "
            "Copy it again from the card.",
            {"count": 5},
        )
    )
    assert form.field_message("cccd") == expected
    assert form.messages["cccd"].isVisible()
    assert form.field_message("full_name") == ""
    assert form.isVisible() and page.form is form
    assert form.focusWidget() is form.cccd
    assert window.ctx.worker.pending == 0
    qtbot.wait(50)
    assert page.model.rowCount() == 5

    # Fixing the number clears the message while typing, and then the person saves.
    form.cccd.clear()
    type_text(form.cccd, "001090012345")
    qtbot.waitUntil(lambda: form.field_message("cccd") == "", timeout=2000)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.form is None, timeout=5000)
    assert page.model.rowCount() == 6


def test_inline_messages_appear_while_typing(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    form = open_new_form(qtbot, window.people_page)
    type_text(form.phone, "12ab")
    qtbot.waitUntil(lambda: form.field_message("phone") != "", timeout=2000)
    assert form.field_message("full_name") == ""  # untouched fields stay quiet
    type_text(form.birth, "31/02/1990")
    # It says what is wrong: the day does not exist (not "type the date as dd/mm/yyyy").
    expected = tr(NO_SUCH_DAY[1], day=31)
    qtbot.waitUntil(lambda: form.field_message("birth") == expected, timeout=2000)


def test_duplicate_warning_then_this_is_a_different_person(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = window.people_page
    form = open_new_form(qtbot, page)
    type_text(form.full_name, "Nguyễn Văn An")
    type_text(form.birth, "1960")
    form.hamlet.setCurrentIndex(form.hamlet.findText("Thôn 1"))
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.duplicate_dialog is not None, timeout=5000)
    dialog = form.duplicate_dialog
    assert dialog is not None
    assert dialog.candidates.topLevelItemCount() == 1
    assert dialog.candidates.topLevelItem(0).text(0) == "Nguyễn Văn An"
    assert page.model.rowCount() == 5
    qtbot.mouseClick(dialog.different_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.form is None, timeout=5000)
    assert names(page).count("Nguyễn Văn An") == 2


def test_same_name_and_birth_date_with_a_blank_hamlet_warns_in_plain_words(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = window.people_page
    existing = next(
        r for r in window.ctx.reader.people.search("Tran Thi Bich") if r.birth is not None
    )
    assert existing.hamlet_name  # the one in the list has a hamlet; the new one is left blank
    form = open_new_form(qtbot, page)
    type_text(form.full_name, "tran thi bich")
    type_text(form.birth, "12/5/1990")
    assert form.hamlet.currentData() is None
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.duplicate_dialog is not None, timeout=5000)
    dialog = form.duplicate_dialog
    assert dialog is not None
    assert dialog.message.text() == tr(
        "{name}, born on {birth}, of {hamlet}, is already in the list. "
        "Open that person instead, or confirm this is a different person.",
        name="Trần Thị Bích", birth="12/05/1990", hamlet=existing.hamlet_name,
    )  # fmt: skip
    assert "?" not in dialog.message.text()
    assert dialog.candidates.topLevelItem(0).text(2) == existing.hamlet_name
    dialog.reject()


def test_duplicate_warning_then_open_the_existing_person(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = window.people_page
    existing = next(
        r
        for r in window.ctx.reader.people.search("Nguyen Van An")
        if r.full_name == "Nguyễn Văn An"
    )
    form = open_new_form(qtbot, page)
    type_text(form.full_name, "nguyễn văn an")
    type_text(form.birth, "1960")
    form.hamlet.setCurrentIndex(form.hamlet.findText("Thôn 1"))
    qtbot.keyClick(form.birth, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.duplicate_dialog is not None, timeout=5000)
    dialog = form.duplicate_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.form is not None and page.form is not form, timeout=5000)
    assert page.form is not None and page.form.person is not None
    assert page.form.person.id == existing.id
    assert page.model.rowCount() == 5


def test_store_error_on_save_keeps_the_dialog_and_the_typing(
    qtbot: QtBot,
    window: MainWindow,
    type_text: TypeText,
    people_db: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    locked = StoreError(
        StoreError.LOCKED,
        "The database {path} is busy in another program or window. "
        "Close the other copy of the app and try again; nothing was changed.",
        {"path": str(people_db)},
    )

    def busy(*_args: object, **_kwargs: object) -> None:
        raise locked

    monkeypatch.setattr(window.ctx.worker._ws.people, "add", busy)
    page = window.people_page
    form = open_new_form(qtbot, page)
    type_text(form.full_name, "Vũ Thị Mai")
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.banner.isVisible(), timeout=5000)
    assert form.banner.text() == tr(locked.message, **locked.params)
    assert str(people_db) in form.banner.text()
    assert page.form is form and form.isVisible()
    assert form.full_name.text() == "Vũ Thị Mai"
    assert form.save_button.isEnabled()  # the user can try again once the other copy closes


def test_read_only_database_shows_banner_and_refuses_saving(
    qtbot: QtBot,
    people_db: Path,
    make_window: Callable[..., MainWindow],
    type_text: TypeText,
) -> None:
    window = make_window(people_db, read_only=True)
    window.show_section(PEOPLE)
    page = window.people_page
    assert window.banner.isVisible()
    assert "chỉ đọc" in window.banner.text() or window.banner.text() == _(
        "This database is read-only: you can look, but nothing can be saved. "
        "Copy the file to a folder you can write to and open the copy."
    )
    assert not page.new_button.isEnabled()
    select_name(qtbot, page, "Trần Thị Bích")
    assert not page.delete_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    form = page.form
    assert form is not None
    type_text(form.notes, "thêm ghi chú")
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.banner.isVisible() and form.banner.text()
    assert window.ctx.worker.pending == 0
    person = window.ctx.reader.people.get(form.person.id if form.person else "")
    assert person.notes == ""

    # Ctrl+N and Del explain instead of doing nothing.
    form._loaded = form.current_input()
    form.reject()
    qtbot.waitUntil(lambda: page.form is None)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form is None
    assert page.message_box is not None and page.message_box.text()


def test_model_row_numbers_and_formatted_phone(window: MainWindow) -> None:
    page = window.people_page
    row = names(page).index("Trần Thị Bích")
    assert page.model.index(row, COL_PHONE).data() == "0912 345 678"
    assert page.model.index(0, 0).data() == "1"


def test_new_person_added_through_the_service_path(qtbot: QtBot, window: MainWindow) -> None:
    """A write is an op, and the list refreshes by subscription before on_done is called."""
    done: list[object] = []
    with qtbot.waitSignal(window.ctx.changed, timeout=5000) as announced:
        window.ctx.op(lambda ws: ws.people.add(PersonInput("Đinh Văn Tú")), done.append)
    assert announced.args is not None and announced.args[0].touches("person")
    assert window.people_page.model.rowCount() == 6
    assert window.people_page.count_label.text() == "6 người"
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert isinstance(done[0], str)  # the new person's id


def test_escape_closes_a_clean_form_and_asks_before_losing_typing(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = window.people_page
    form = open_new_form(qtbot, page)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.form is None, timeout=2000)

    form = open_new_form(qtbot, page)
    type_text(form.full_name, "Lò Văn Páo")
    asked: list[str] = []

    def keep_editing() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == _("Keep editing")).click()

    QTimer.singleShot(0, keep_editing)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    assert asked == [_("What you typed in this form will be lost.")]
    assert page.form is form and form.full_name.text() == "Lò Văn Páo"


def test_form_tab_order_follows_the_fields(qtbot: QtBot, window: MainWindow) -> None:
    form = open_new_form(qtbot, window.people_page)
    wanted = [
        form.full_name, form.sex, form.birth, form.cccd, form.phone, form.hamlet,
        form.sensitive_toggle, form.ethnicity, form.religion, form.notes,
        form.save_button, form.cancel_button,
    ]  # fmt: skip
    chain: list[QWidget] = []
    widget: QWidget | None = form.full_name
    while widget is not None and len(chain) < 200:
        if widget in wanted and widget not in chain:
            chain.append(widget)
        widget = widget.nextInFocusChain()
        if widget is form.full_name:
            break
    assert chain == wanted
    assert form.save_button.isDefault()  # Enter saves


def test_only_name_birth_and_hamlet_columns_sort(qtbot: QtBot, window: MainWindow) -> None:
    page = window.people_page
    header = page.table.horizontalHeader()
    header.sectionClicked.emit(COL_PHONE)
    header.setSortIndicator(COL_PHONE, Qt.SortOrder.AscendingOrder)
    assert page.model.sort_column == COL_NAME
    assert header.sortIndicatorSection() == COL_NAME
    header.setSortIndicator(COL_BIRTH, Qt.SortOrder.DescendingOrder)
    assert page.model.sort_column == COL_BIRTH
    assert page.model.index(0, COL_BIRTH).data() == "20/11/2001"
