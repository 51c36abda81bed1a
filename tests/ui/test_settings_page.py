"""Settings: language switch, centre profile with inline problems, hamlets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

import desktop_app.i18n as i18n
from desktop_app.i18n import _, tr
from desktop_app.services.centre import communes, provinces
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_page import SettingsPage

TypeText = Callable[[QWidget, str], None]


def open_settings(window: MainWindow) -> SettingsPage:
    window.show_section(window.settings_index)
    return window.settings_page


def test_switching_to_english_rebuilds_the_texts_and_is_remembered(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = open_settings(window)
    assert window.sidebar.item(1).text() == "Người dân"
    page.set_language("en")
    qtbot.waitUntil(lambda: window.sidebar.item(1).text() == "People", timeout=2000)
    assert i18n.current_language() == "en"
    assert QSettings("tthtcd", "tthtcd").value("language") == "en"
    assert window.stack.currentIndex() == window.settings_index  # the user stays where they were
    assert window.people_page.new_button.text().replace("&", "") == "New person"
    header = window.people_page.model.headerData(1, Qt.Orientation.Horizontal)
    assert header == "Full name"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"

    window.settings_page.set_language("vi")
    qtbot.waitUntil(lambda: window.sidebar.item(1).text() == "Người dân", timeout=2000)


def test_centre_profile_needs_name_province_and_commune(qtbot: QtBot, window: MainWindow) -> None:
    page = open_settings(window)
    page.save_profile_button.click()
    qtbot.waitUntil(lambda: page.profile_field_message("name") != "", timeout=5000)
    assert page.profile_field_message("province_code") != ""
    assert page.profile_field_message("name") == _(
        "Type the centre's name, e.g. Trung tâm học tập cộng đồng xã Đông Hòa."
    )
    assert not window.ctx.reader.centre.profile().is_set


def test_centre_profile_saves_and_shows_in_the_title(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = open_settings(window)
    province = provinces()[0]
    commune = communes(province.code)[0]
    type_text(page.name, "Trung tâm học tập cộng đồng xã Thử")
    page.province.setCurrentIndex(page.province.findData(province.code))
    assert page.commune.count() == len(communes(province.code))
    page.commune.setCurrentIndex(page.commune.findData(commune.code))
    type_text(page.upstream, "Sở Giáo dục và Đào tạo")
    qtbot.keyClick(page.upstream, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(
        lambda: window.ctx.reader.centre.profile().commune_code == commune.code, timeout=5000
    )
    profile = window.ctx.reader.centre.profile()
    assert profile.name == "Trung tâm học tập cộng đồng xã Thử"
    assert profile.upstream_office == "Sở Giáo dục và Đào tạo"
    # The title follows by subscription to "centre", announced just after the commit.
    qtbot.waitUntil(
        lambda: window.windowTitle().startswith("Trung tâm học tập cộng đồng xã Thử"), timeout=5000
    )


def test_commune_can_be_typed(qtbot: QtBot, window: MainWindow, type_text: TypeText) -> None:
    page = open_settings(window)
    province = provinces()[1]
    commune = communes(province.code)[2]
    page.province.setCurrentIndex(page.province.findData(province.code))
    page.commune.setEditText(commune.name.lower())  # typed, case aside
    assert page.current_profile().commune_code == commune.code
    page.commune.setEditText("Xã Không Có")
    assert page.current_profile().commune_code is None


def test_hamlets_add_rename_and_refuse_delete_when_people_live_there(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = open_settings(window)
    page.tabs.setCurrentIndex(1)
    page.hamlet_list.setCurrentRow(-1)
    page.hamlet_name.clear()
    type_text(page.hamlet_name, "Thôn Mới")
    qtbot.keyClick(page.hamlet_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.hamlet_list.count() == 4, timeout=5000)
    assert "Thôn Mới" in [h.name for h in window.ctx.reader.centre.hamlets()]

    page.select_hamlet("Thôn Mới")
    page.hamlet_name.setText("Thôn Mới 2")
    page.rename_hamlet_button.click()
    qtbot.waitUntil(
        lambda: "Thôn Mới 2" in [h.name for h in window.ctx.reader.centre.hamlets()],
        timeout=5000,
    )

    # A duplicate name is refused with the reason.
    page.hamlet_list.setCurrentRow(-1)
    page.hamlet_name.setText("thon 1")
    page.add_hamlet_button.click()
    qtbot.waitUntil(lambda: page.hamlet_message.isVisibleTo(page), timeout=5000)
    assert page.hamlet_list.count() == 4

    page.select_hamlet("Thôn 1")
    page.delete_hamlet_button.click()
    box = page.confirm_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == _("Delete")).click()
    qtbot.waitUntil(lambda: bool(page.hamlet_message.text()), timeout=5000)
    assert "2" in page.hamlet_message.text() or "1" in page.hamlet_message.text()
    assert page.hamlet_list.count() == 4

    page.select_hamlet("Thôn Mới 2")
    page.delete_hamlet_button.click()
    box = page.confirm_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == _("Delete")).click()
    qtbot.waitUntil(lambda: page.hamlet_list.count() == 3, timeout=5000)


def test_new_hamlet_appears_in_the_person_form(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    page = open_settings(window)
    page.hamlet_name.clear()
    page.hamlet_list.setCurrentRow(-1)
    type_text(page.hamlet_name, "Ấp Bắc")
    page.add_hamlet_button.click()
    qtbot.waitUntil(lambda: page.hamlet_list.count() == 4, timeout=5000)
    window.show_section(1)  # People
    window.people_page.new_person()
    form = window.people_page.form
    assert form is not None
    assert form.hamlet.findText("Ấp Bắc") >= 0


def test_kinds_of_class_are_edited_in_settings(
    qtbot: QtBot, window: MainWindow, type_text: TypeText
) -> None:
    from desktop_app.ui.classes.types_editor import COL_CODE, COL_NAME, ClassTypesEditor

    page = open_settings(window)
    editor = page.findChild(ClassTypesEditor)
    assert editor is not None
    codes = [editor.table.item(r, COL_CODE).text() for r in range(editor.table.rowCount())]
    assert "xmc1" in codes and "cd_phap_luat" in codes
    row = codes.index("cd_phap_luat")
    editor.table.item(row, COL_NAME).setText("Chuyên đề tuyên truyền pháp luật")
    editor.add_row()
    new = editor.table.rowCount() - 1
    editor.table.item(new, COL_CODE).setText("cd_ocop")
    editor.table.item(new, COL_NAME).setText("Chuyên đề OCOP")
    editor.save_button.click()

    def saved() -> bool:
        names = {t.code: t.name for t in window.ctx.reader.courses.class_types()}
        return names.get("cd_phap_luat") == "Chuyên đề tuyên truyền pháp luật" and (
            names.get("cd_ocop") == "Chuyên đề OCOP"
        )

    qtbot.waitUntil(saved, timeout=5000)


def test_the_director_is_part_of_the_centre_profile(qtbot: QtBot, window: MainWindow) -> None:
    page = open_settings(window)
    province = provinces()[0]
    page.name.setText("Trung tâm học tập cộng đồng")
    page.province.setCurrentIndex(page.province.findData(province.code))
    page.commune.setCurrentIndex(page.commune.findData(communes(province.code)[0].code))
    page.director.setText("Nguyễn Văn Bình")
    page.save_profile_button.click()
    qtbot.waitUntil(
        lambda: window.ctx.reader.centre.profile().director == "Nguyễn Văn Bình", timeout=5000
    )


def test_hamlet_population_is_entered_in_settings(qtbot: QtBot, window: MainWindow) -> None:
    page = open_settings(window)
    page.tabs.setCurrentIndex(1)
    page.hamlet_list.setCurrentRow(0)
    name = page.hamlet_list.item(0).text()
    page.hamlet_population.setValue(1250)
    page.rename_hamlet_button.click()

    def saved() -> bool:
        return any(
            h.name == name and h.population == 1250 for h in window.ctx.reader.centre.hamlets()
        )

    qtbot.waitUntil(saved, timeout=5000)


def test_the_fund_signers_and_voucher_forms_are_part_of_the_centre_profile(
    qtbot: QtBot, window: MainWindow
) -> None:
    from desktop_app.core.voucher_forms import INTERNAL, VOUCHER_FORMS

    page = open_settings(window)
    province = provinces()[0]
    page.name.setText("Trung tâm học tập cộng đồng")
    page.province.setCurrentIndex(page.province.findData(province.code))
    page.commune.setCurrentIndex(page.commune.findData(communes(province.code)[0].code))
    # The form sets are offered by their names; the 2024 circular's is the default.
    offered = [page.voucher_form.itemText(i) for i in range(page.voucher_form.count())]
    assert offered == [_(f.label) for f in VOUCHER_FORMS.values()]
    assert page.voucher_form.currentData() == "tt24_2024"
    page.hoi_parent.setText("Hội Khuyến học tỉnh Cà Mau")
    page.hoi_chair.setText("Trần Thị Ánh")
    page.accountant.setText("Lê Hữu Phước")
    page.treasurer.setText("Đỗ Thị Ngọc Ẩn")
    page.voucher_form.setCurrentIndex(page.voucher_form.findData(INTERNAL))
    page.save_profile_button.click()
    qtbot.waitUntil(
        lambda: window.ctx.reader.centre.profile().treasurer == "Đỗ Thị Ngọc Ẩn", timeout=5000
    )
    profile = window.ctx.reader.centre.profile()
    assert (profile.hoi_parent, profile.hoi_chair, profile.accountant, profile.voucher_form) == (
        "Hội Khuyến học tỉnh Cà Mau", "Trần Thị Ánh", "Lê Hữu Phước", INTERNAL,
    )  # fmt: skip
    # A name too long for its signature box is refused next to its field (once the save
    # is done: it reloads the fields with what was saved).
    qtbot.waitUntil(page.save_profile_button.isEnabled, timeout=5000)
    qtbot.waitUntil(lambda: page.treasurer.text() == "Đỗ Thị Ngọc Ẩn", timeout=5000)
    page.treasurer.setText("Đỗ " * 30)
    page.save_profile_button.click()
    expected = tr("A name under a signature keeps under {limit} characters.", limit=50)
    qtbot.waitUntil(lambda: expected in page.profile_field_message("treasurer"), timeout=5000)
