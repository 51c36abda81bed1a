"""Settings: the centre's profile, its hamlets and the language of the app."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.people import Hamlet
from desktop_app.core.problems import Problem, StoreError, UserError
from desktop_app.core.voucher_forms import DEFAULT_FORM, VOUCHER_FORMS
from desktop_app.i18n import LANGUAGES, _, current_language, problem_text, tr, user_error_text
from desktop_app.services.centre import CentreProfile, communes, provinces
from desktop_app.services.ops import OpChanges, OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.backup_dialog import BackupTab
from desktop_app.ui.classes.types_editor import ClassTypesEditor
from desktop_app.ui.context import READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.widgets import Banner, FieldMessage, add_field_row, confirm

SETTINGS_ORG = "tthtcd"
SETTINGS_APP = "tthtcd"
LANGUAGE_KEY = "language"

# Each language is listed in its own name, so whoever cannot read the current one finds theirs.
LANGUAGE_ENDONYMS = {"vi": "Tiếng Việt", "en": "English"}

SECTION_PROFILE, SECTION_HAMLETS, SECTION_CLASS_TYPES, SECTION_LANGUAGE = range(4)
SECTION_BACKUPS = 4


def app_settings() -> QSettings:
    return QSettings(SETTINGS_ORG, SETTINGS_APP)


def saved_language() -> str | None:
    value = app_settings().value(LANGUAGE_KEY)
    return value if isinstance(value, str) and value in LANGUAGES else None


def save_language(lang: str) -> None:
    settings = app_settings()
    settings.setValue(LANGUAGE_KEY, lang)
    settings.sync()


def _place_combo() -> QComboBox:
    """A combo to pick from hundreds of names by typing any part of one."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    return combo


def _picked_code(combo: QComboBox) -> str | None:
    """The code of the item whose name is typed or picked; None if the text is no item."""
    text = combo.currentText().strip()
    if not text:
        return None
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)
    data = combo.itemData(index) if index >= 0 else None
    return data if isinstance(data, str) else None


class SettingsPage(QWidget):
    language_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        self.banner = Banner()
        if ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_profile(), _("Centre profile"))
        self.tabs.addTab(self._build_hamlets(), _("Hamlets"))
        self.tabs.addTab(ClassTypesEditor(self.ctx), _("Kinds of class"))
        self.tabs.addTab(self._build_language(), _("Language"))
        self.tabs.addTab(BackupTab(self.ctx), _("Backups"))  # SECTION_BACKUPS
        layout.addWidget(self.tabs)
        self._loaded_profile: CentreProfile | None = None
        self.load_profile()
        self.load_hamlets()
        # The demo fill, another window's save: what this page shows follows every op.
        ctx.subscribe(self, {"centre"}, self._centre_changed)
        ctx.subscribe(self, {"hamlet"}, lambda _changes: self.load_hamlets())

    def show_section(self, section: int) -> None:
        self.tabs.setCurrentIndex(section)
        if section == SECTION_PROFILE:
            self.name.setFocus()

    # Language -------------------------------------------------------------------------

    def _build_language(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.language = QComboBox()
        for lang in LANGUAGES:
            self.language.addItem(LANGUAGE_ENDONYMS.get(lang, lang), lang)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.language.activated.connect(self._language_picked)
        form.addRow(_("&Language of the app:"), self.language)
        note = QLabel(_("The change applies at once and is remembered on this computer."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _language_picked(self, index: int) -> None:
        lang = self.language.itemData(index)
        if isinstance(lang, str) and lang != current_language():
            save_language(lang)
            self.language_changed.emit(lang)

    def set_language(self, lang: str) -> None:
        """Pick a language as if chosen in the combo (keyboard users and tests)."""
        index = self.language.findData(lang)
        if index >= 0:
            self.language.setCurrentIndex(index)
            self._language_picked(index)

    # Centre profile -------------------------------------------------------------------

    def _build_profile(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        self.profile_messages: dict[str, FieldMessage] = {}
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Trung tâm học tập cộng đồng xã Đông Hòa"))
        self._add_row(form, _("Centre &name:"), self.name, "name")
        self.province = _place_combo()
        for place in provinces():
            self.province.addItem(place.name, place.code)
        self.province.setCurrentIndex(-1)
        self.province.currentIndexChanged.connect(self._province_changed)
        self._add_row(form, _("&Province:"), self.province, "province_code")
        self.commune = _place_combo()
        self._add_row(form, _("&Commune:"), self.commune, "commune_code")
        self.upstream = QLineEdit()
        self.upstream.setPlaceholderText(_("The office you report to"))
        self._add_row(form, _("&Upstream office:"), self.upstream, "upstream_office")
        self.address = QLineEdit()
        self._add_row(form, _("&Address:"), self.address, "address")
        self.centre_phone = QLineEdit()
        self._add_row(form, _("P&hone:"), self.centre_phone, "phone")
        self.director = QLineEdit()
        self.director.setPlaceholderText(_("Signs certificates and rosters"))
        self._add_row(form, _("&Director:"), self.director, "director")
        # Who the fund's paper names (vouchers, books, the disclosure sheet).
        self.hoi_parent = QLineEdit()
        self.hoi_parent.setPlaceholderText(
            _("e.g. Hội Khuyến học tỉnh Đồng Nai (empty: the province's)")
        )
        self._add_row(form, _("Upstream Hội &Khuyến học:"), self.hoi_parent, "hoi_parent")
        self.hoi_chair = QLineEdit()
        self._add_row(form, _("Hội chai&r:"), self.hoi_chair, "hoi_chair")
        self.head_of_unit = QLineEdit()
        self.head_of_unit.setPlaceholderText(_("Signs vouchers (empty: the chair)"))
        self._add_row(form, _("Head o&f unit:"), self.head_of_unit, "head_of_unit")
        self.accountant = QLineEdit()
        self._add_row(form, _("Acc&ountant:"), self.accountant, "accountant")
        self.treasurer = QLineEdit()
        self._add_row(form, _("&Treasurer:"), self.treasurer, "treasurer")
        self.voucher_form = QComboBox()
        for key, voucher_set in VOUCHER_FORMS.items():
            self.voucher_form.addItem(_(voucher_set.label), key)
        self._add_row(form, _("&Voucher forms:"), self.voucher_form, "voucher_form")
        outer.addLayout(form)
        self.profile_message = FieldMessage()
        outer.addWidget(self.profile_message)
        row = QHBoxLayout()
        self.save_profile_button = QPushButton(_("&Save profile"))
        self.save_profile_button.setDefault(True)
        self.save_profile_button.clicked.connect(self.save_profile)
        self.save_profile_button.setEnabled(not self.ctx.read_only)
        row.addWidget(self.save_profile_button)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        for edit in (
            self.name, self.upstream, self.address, self.centre_phone, self.director,
            self.hoi_parent, self.hoi_chair, self.head_of_unit, self.accountant, self.treasurer,
        ):  # fmt: skip
            edit.returnPressed.connect(self.save_profile)
        return page

    def _add_row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        self.profile_messages[field] = add_field_row(form, label, widget)

    def _province_changed(self, _index: int) -> None:
        self._fill_communes(_picked_code(self.province))

    def _fill_communes(self, province_code: str | None, select: str | None = None) -> None:
        self.commune.blockSignals(True)
        self.commune.clear()
        if province_code:
            for place in communes(province_code):
                self.commune.addItem(place.name, place.code)
        index = self.commune.findData(select) if select else -1
        self.commune.setCurrentIndex(index)
        if index < 0:
            self.commune.setEditText("")
        self.commune.blockSignals(False)

    def load_profile(self) -> None:
        try:
            profile = self.ctx.reader.centre.profile()
        except StoreError as exc:
            self.profile_message.show_messages([errors.store_error_text(exc)])
            return
        self.name.setText(profile.name)
        self.province.blockSignals(True)
        index = self.province.findData(profile.province_code) if profile.province_code else -1
        self.province.setCurrentIndex(index)
        if index < 0:
            self.province.setEditText("")
        self.province.blockSignals(False)
        self._fill_communes(profile.province_code, profile.commune_code)
        self.upstream.setText(profile.upstream_office)
        self.address.setText(profile.address)
        self.centre_phone.setText(profile.phone)
        self.director.setText(profile.director)
        self.hoi_parent.setText(profile.hoi_parent)
        self.hoi_chair.setText(profile.hoi_chair)
        self.head_of_unit.setText(profile.head_of_unit)
        self.accountant.setText(profile.accountant)
        self.treasurer.setText(profile.treasurer)
        self.voucher_form.setCurrentIndex(max(0, self.voucher_form.findData(profile.voucher_form)))
        self._loaded_profile = self.current_profile()

    @property
    def profile_dirty(self) -> bool:
        """The profile fields hold typing that is not saved yet."""
        return self._loaded_profile is not None and self.current_profile() != self._loaded_profile

    def _centre_changed(self, _changes: OpChanges) -> None:
        # Never overwrite what the user is typing; their own save reloads when it is done.
        if not self.profile_dirty:
            self.load_profile()

    def current_profile(self) -> CentreProfile:
        return CentreProfile(
            name=self.name.text(),
            province_code=_picked_code(self.province),
            commune_code=_picked_code(self.commune),
            upstream_office=self.upstream.text(),
            address=self.address.text(),
            phone=self.centre_phone.text(),
            director=self.director.text(),
            hoi_parent=self.hoi_parent.text(),
            hoi_chair=self.hoi_chair.text(),
            head_of_unit=self.head_of_unit.text(),
            accountant=self.accountant.text(),
            treasurer=self.treasurer.text(),
            voucher_form=str(self.voucher_form.currentData() or DEFAULT_FORM),
        )

    def save_profile(self) -> None:
        if self.ctx.read_only:
            self.profile_message.show_messages([_(READ_ONLY_MESSAGE)])
            return
        profile = self.current_profile()
        self.save_profile_button.setEnabled(False)
        self._show_profile_problems(())

        def done(_centre_id: str) -> None:
            self.save_profile_button.setEnabled(True)
            self.load_profile()  # what was saved, as the service normalised it
            self.ctx.notify(_("The centre profile is saved."))

        def failed(exc: BaseException) -> None:
            self.save_profile_button.setEnabled(True)
            if isinstance(exc, UserError):
                self._show_profile_problems(exc.problems)
                self.profile_message.show_messages([user_error_text(exc)])
            elif isinstance(exc, StoreError):
                self.profile_message.show_messages([errors.store_error_text(exc)])
            else:
                errors.report_error(self, _("Centre profile"), exc)

        self.ctx.op(
            lambda ws: ws.centre.save_profile(profile),
            done,
            failed,
            parent=self,
            title=_("Centre profile"),
        )

    def _show_profile_problems(self, problems: tuple[Problem, ...]) -> None:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(problem_text(p))
        for field, message in self.profile_messages.items():
            message.show_messages(by_field.get(field, []))
        if not problems:
            self.profile_message.clear_message()

    def profile_field_message(self, field: str) -> str:
        message = self.profile_messages[field]
        return message.text() if not message.isHidden() else ""

    # Hamlets --------------------------------------------------------------------------

    def _build_hamlets(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            _("The hamlets (thôn, ấp, tổ dân phố) of the commune, to pick in each person's form.")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.hamlet_list = QListWidget()
        self.hamlet_list.currentItemChanged.connect(self._hamlet_selected)
        layout.addWidget(self.hamlet_list, 1)
        form = QFormLayout()
        self.hamlet_name = QLineEdit()
        self.hamlet_name.setPlaceholderText(_("e.g. Thôn 3"))
        self.hamlet_name.returnPressed.connect(self.add_hamlet)
        form.addRow(_("Hamlet &name:"), self.hamlet_name)
        # The population gives the share of Hội Khuyến học members per hamlet.
        self.hamlet_population = QSpinBox()
        self.hamlet_population.setRange(0, 1_000_000)
        self.hamlet_population.setSpecialValueText(_("not known"))
        self.hamlet_population.setGroupSeparatorShown(True)
        form.addRow(_("&Population:"), self.hamlet_population)
        layout.addLayout(form)
        self.hamlet_message = FieldMessage()
        layout.addWidget(self.hamlet_message)
        row = QHBoxLayout()
        self.add_hamlet_button = QPushButton(_("&Add"))
        self.rename_hamlet_button = QPushButton(_("&Rename / save population"))
        self.delete_hamlet_button = QPushButton(_("&Delete"))
        self.add_hamlet_button.clicked.connect(self.add_hamlet)
        self.rename_hamlet_button.clicked.connect(self.rename_hamlet)
        self.delete_hamlet_button.clicked.connect(self.delete_hamlet)
        for button in (
            self.add_hamlet_button,
            self.rename_hamlet_button,
            self.delete_hamlet_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def load_hamlets(self, select: str | None = None) -> None:
        try:
            hamlets = self.ctx.reader.centre.hamlets()
        except StoreError as exc:
            self.hamlet_message.show_messages([errors.store_error_text(exc)])
            return
        current = select or self._selected_hamlet_id()
        self.hamlet_list.blockSignals(True)
        self.hamlet_list.clear()
        for hamlet in hamlets:
            item = QListWidgetItem(hamlet.name)
            item.setData(Qt.ItemDataRole.UserRole, hamlet)
            self.hamlet_list.addItem(item)
            if hamlet.id == current:
                self.hamlet_list.setCurrentItem(item)
        self.hamlet_list.blockSignals(False)
        self._update_hamlet_buttons()

    def _selected_hamlet(self) -> Hamlet | None:
        item = self.hamlet_list.currentItem()
        hamlet = item.data(Qt.ItemDataRole.UserRole) if item else None
        return hamlet if isinstance(hamlet, Hamlet) else None

    def _selected_hamlet_id(self) -> str | None:
        hamlet = self._selected_hamlet()
        return hamlet.id if hamlet else None

    def select_hamlet(self, name: str) -> None:
        for i in range(self.hamlet_list.count()):
            if self.hamlet_list.item(i).text() == name:
                self.hamlet_list.setCurrentRow(i)
                return

    def _hamlet_selected(self, *_args: object) -> None:
        hamlet = self._selected_hamlet()
        if hamlet is not None:
            self.hamlet_name.setText(hamlet.name)
            self.hamlet_population.setValue(hamlet.population or 0)
        self.hamlet_message.clear_message()
        self._update_hamlet_buttons()

    def _update_hamlet_buttons(self) -> None:
        writable = not self.ctx.read_only
        selected = self._selected_hamlet() is not None
        self.add_hamlet_button.setEnabled(writable)
        self.rename_hamlet_button.setEnabled(writable and selected)
        self.delete_hamlet_button.setEnabled(writable and selected)

    def _hamlet_write(
        self,
        fn: Callable[[Workspace], OpResult[str]],
        done_text: str,
        *,
        select: bool = True,
        created: bool = False,
    ) -> None:
        """Write one hamlet; the list reloads by subscription, then the written one is picked."""
        if self.ctx.read_only:
            self.hamlet_message.show_messages([_(READ_ONLY_MESSAGE)])
            return
        self.hamlet_message.clear_message()

        def done(hamlet_id: str) -> None:
            if select:
                self.load_hamlets(hamlet_id)
            if created:
                self.hamlet_name.clear()
            self.ctx.notify(done_text)

        def failed(exc: BaseException) -> None:
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Hamlets"), exc)
                return
            self.hamlet_message.show_messages([text])

        self.ctx.op(fn, done, failed, parent=self, title=_("Hamlets"))

    def add_hamlet(self) -> None:
        name = self.hamlet_name.text()
        self._hamlet_write(
            lambda ws: ws.centre.add_hamlet(name),
            tr("Added the hamlet {name}.", name=name),
            created=True,
        )

    def rename_hamlet(self) -> None:
        hamlet = self._selected_hamlet()
        if hamlet is None:
            return
        name = self.hamlet_name.text()
        population = self.hamlet_population.value() or None
        self._hamlet_write(
            lambda ws: ws.centre.update_hamlet(hamlet.id, name, hamlet.kind, population),
            tr("Saved the hamlet {name}.", name=name),
        )

    def delete_hamlet(self) -> None:
        hamlet = self._selected_hamlet()
        if hamlet is None:
            return

        def do_delete() -> None:
            self.confirm_box = None
            self._hamlet_write(
                lambda ws: ws.centre.delete_hamlet(hamlet.id),
                tr("Deleted the hamlet {name}.", name=hamlet.name),
                select=False,
            )

        self.confirm_box = confirm(
            self,
            _("Delete hamlet"),
            tr("Delete the hamlet {name}?", name=hamlet.name),
            _("Delete"),
            do_delete,
        )
