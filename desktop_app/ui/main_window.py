"""The main window: a sidebar of the sections that work, the page, and a status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.problems import N_, StoreError
from desktop_app.i18n import _, set_language
from desktop_app.ui import errors
from desktop_app.ui.backup_dialog import BackupTab, RestoreDialog, backup_on_close, open_restore
from desktop_app.ui.classes import CertificateRegisterPage, ClassesPage
from desktop_app.ui.context import CHECKING_MESSAGE, DAMAGED, READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.fit import resize_within_screen
from desktop_app.ui.help import AboutDialog, HelpDialog
from desktop_app.ui.home_dashboard import HomeDashboard
from desktop_app.ui.import_history import ImportHistoryDialog, open_import_history
from desktop_app.ui.import_wizard import ImportWizard
from desktop_app.ui.khuyen_hoc import FundPage, MembersPage
from desktop_app.ui.learning_models_page import LearningModelsPage
from desktop_app.ui.people_page import PeoplePage
from desktop_app.ui.qt_texts import apply_qt_locale
from desktop_app.ui.reports_page import ReportsPage
from desktop_app.ui.settings_page import SECTION_BACKUPS, SECTION_PROFILE, SettingsPage
from desktop_app.ui.sync import SyncPage
from desktop_app.ui.widgets import Banner

log = logging.getLogger(__name__)

NOTICE_MS = 15_000
HOME = 0  # the first section, shown at start; Settings is always the last
PEOPLE = 1

SectionFactory = Callable[[AppContext], QWidget]
# Sections a later issue adds, between People and Settings: (title msgid, page factory).
# A page that shows data subscribes (`ctx.subscribe`) to the kinds of entity it shows.
EXTRA_SECTIONS: list[tuple[str, SectionFactory]] = [
    (N_("Classes"), ClassesPage),
    (N_("Certificates"), CertificateRegisterPage),
    (N_("Members"), MembersPage),
    (N_("Fund"), FundPage),
    (N_("Learning models"), LearningModelsPage),
    (N_("Reports"), ReportsPage),
    (N_("Sync"), SyncPage),
]


class MainWindow(QMainWindow):
    # Emitted before the window waits for queued writes, so long tasks can cancel first.
    closing = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._notice_action: Callable[[], None] | None = None
        # Helpers that live as long as the window (the first-run offer).
        self.keep_alive: list[object] = []
        # Wide enough for the ledger and the member list whole; within a 1280×720 screen.
        resize_within_screen(self, 1260, 700)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 6)
        self.banner = Banner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        self.sidebar = QListWidget()
        self.sidebar.setFixedWidth(170)
        self.sidebar.setAccessibleName(_("Sections"))
        body.addWidget(self.sidebar)
        self.stack = QStackedWidget()
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        # The status bar's notice, with a button for "Undo" after a delete.
        self.notice_label = QLabel()
        self.notice_button = QPushButton()
        self.notice_button.setAutoDefault(False)
        self.notice_button.setFlat(True)
        self.notice_button.setStyleSheet("text-decoration: underline;")
        self.notice_button.clicked.connect(self._notice_clicked)
        self.notice_button.hide()
        self.statusBar().addWidget(self.notice_label, 1)
        self.statusBar().addPermanentWidget(self.notice_button)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self.clear_notice)

        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        # The title shows the centre's name.
        ctx.subscribe(self, {"centre"}, lambda _changes: self.update_title())
        ctx.notice.connect(self.show_notice)
        ctx.integrity_changed.connect(self._integrity_changed)
        self.damaged_box: QMessageBox | None = None
        self.restore_dialog: RestoreDialog | None = None
        self._section_shortcuts: list[QShortcut] = []
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda n=number: self._shortcut_section(n - 1))
            self._section_shortcuts.append(shortcut)

        self.home_page: HomeDashboard
        self.people_page: PeoplePage
        self.settings_page: SettingsPage
        self.help_dialog: HelpDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self._build_pages()

    # Menu bar -------------------------------------------------------------------------

    def _build_menus(self) -> None:
        """Tệp and Trợ giúp; rebuilt with the pages when the language changes."""
        bar = self.menuBar()
        bar.clear()
        # No mnemonics on the menu titles: Alt+T and Alt+R already belong to the pages' buttons
        # ("&Thêm người"), and an ambiguous Alt key would do nothing at all.
        file_menu = bar.addMenu(_("File"))
        self.open_action = self._action(file_menu, _("&Open another database…"), self.open_other)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.import_action = self._action(
            file_menu, _("&Import a list from Excel…"), self.open_import
        )
        self.import_history_action = self._action(
            file_menu, _("Imports from Excel (&history)…"), self.open_import_history
        )
        file_menu.addSeparator()
        self.backup_action = self._action(file_menu, _("Back up &now"), self.backup_now)
        self.export_action = self._action(
            file_menu, _("Back up to a &USB stick or folder…"), self.backup_to_folder
        )
        self.restore_action = self._action(
            file_menu, _("&Restore from a backup…"), self.open_restore_dialog
        )
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, _("&Quit"), self.close)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        help_menu = bar.addMenu(_("Help"))
        self.guide_action = self._action(help_menu, _("&User guide"), self.show_help)
        self.guide_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.about_action = self._action(help_menu, _("&About"), self.show_about)

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def open_import(self) -> ImportWizard | None:
        """The import wizard, over the People page (the list it fills)."""
        self.sidebar.setCurrentRow(PEOPLE)
        return self.people_page.open_import()

    def open_import_history(self) -> ImportHistoryDialog:
        self.import_history = open_import_history(self.ctx, self)
        return self.import_history

    def backup_tab(self) -> BackupTab:
        tab = self.settings_page.findChild(BackupTab)
        assert tab is not None
        return tab

    def backup_now(self) -> None:
        self.backup_tab().backup_now()

    def backup_to_folder(self) -> None:
        self.backup_tab().choose_export_folder()

    def open_restore_dialog(self) -> RestoreDialog:
        self.restore_dialog = open_restore(self.ctx, self)
        return self.restore_dialog

    def open_other(self) -> None:
        """Choose another database file and reopen the window on it, as the app's start does."""
        from desktop_app.ui import app as app_module  # app builds this window

        chosen = app_module.pick_database_file(self, self.ctx.path.parent)
        if chosen is None:
            return
        self.open_database(chosen)

    def open_database(self, path: Path) -> MainWindow | None:
        from desktop_app.ui import app as app_module

        if path.resolve() == self.ctx.path.resolve():
            self.ctx.notify(_("This database is already open."))
            return None
        return app_module.reopen(self, path)

    def help_page_name(self) -> str:
        """The guide's page for the screen shown."""
        section = self.stack.currentIndex()
        if section == self.settings_index:
            on_backups = self.settings_page.tabs.currentIndex() == SECTION_BACKUPS
            return "backups" if on_backups else "settings"
        guide: dict[type[QWidget], str] = {
            HomeDashboard: "home",
            PeoplePage: "people",
            ClassesPage: "classes",
            CertificateRegisterPage: "certificates",
            MembersPage: "members",
            FundPage: "fund",
            LearningModelsPage: "models",
            ReportsPage: "reports",
            SyncPage: "sync",
        }
        page = self.stack.currentWidget()
        return guide.get(type(page), "index") if page is not None else "index"

    def show_help(self) -> HelpDialog:
        page = self.help_page_name()
        if self.help_dialog is not None:
            self.help_dialog.show_page(page)
        else:
            self.help_dialog = HelpDialog(page, self)
            self.help_dialog.finished.connect(lambda _r: setattr(self, "help_dialog", None))
        self.help_dialog.show()
        self.help_dialog.raise_()
        return self.help_dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.ctx.path, self)
        dialog.finished.connect(lambda _r: setattr(self, "about_dialog", None))
        self.about_dialog = dialog
        dialog.open()
        return dialog

    # Pages ----------------------------------------------------------------------------

    def _build_pages(self, section: int = HOME) -> None:
        while (page := self.stack.widget(0)) is not None:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self.home_page = HomeDashboard(self.ctx)
        self.home_page.open_report.connect(self.open_report)
        self.people_page = PeoplePage(self.ctx)
        self.settings_page = SettingsPage(self.ctx)
        self.settings_page.language_changed.connect(self.change_language)
        pages: list[tuple[str, QWidget]] = [
            (_("Home"), self.home_page),
            (_("People"), self.people_page),
        ]
        pages += [(_(title), factory(self.ctx)) for title, factory in EXTRA_SECTIONS]
        pages.append((_("Settings"), self.settings_page))
        for title, page in pages:
            self.sidebar.addItem(QListWidgetItem(title))
            self.stack.addWidget(page)
        self.sidebar.blockSignals(False)
        self._build_menus()
        self._show_banner()
        self.show_section(section)
        self.update_title()

    def _show_banner(self) -> None:
        if self.ctx.integrity == DAMAGED:
            self.banner.show_text(errors.store_error_text(self.ctx.damaged_error()))
        else:
            self.banner.show_text(_(READ_ONLY_MESSAGE) if self.ctx.read_only else "")

    def _integrity_changed(self, state: str) -> None:
        if self.notice_label.text() == _(CHECKING_MESSAGE):
            self.clear_notice()
        self._show_banner()
        self.update_title()
        if state != DAMAGED:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(_("The database is damaged"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(errors.store_error_text(self.ctx.damaged_error()))
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        # One click to the restore wizard, with the newest backup already checked and shown.
        self.damaged_restore_button = box.addButton(
            _("Restore the latest backup…"), QMessageBox.ButtonRole.AcceptRole
        )
        box.setDefaultButton(self.damaged_restore_button)
        box.finished.connect(lambda _result: setattr(self, "damaged_box", None))
        self.damaged_box = box
        self.damaged_restore_button.clicked.connect(self.restore_latest)
        box.open()

    def restore_latest(self) -> RestoreDialog:
        self.restore_dialog = open_restore(self.ctx, self, pick_latest=True)
        return self.restore_dialog

    @property
    def settings_index(self) -> int:
        return self.stack.count() - 1

    def _shortcut_section(self, section: int) -> None:
        if section < self.stack.count():
            self.show_section(section)

    def show_section(self, section: int) -> None:
        self.sidebar.setCurrentRow(section)
        self.stack.setCurrentIndex(section)
        if section == PEOPLE:
            self.people_page.table.setFocus()

    def page_of(self, kind: type[QWidget]) -> QWidget | None:
        for i in range(self.stack.count()):
            page = self.stack.widget(i)
            if isinstance(page, kind):
                return page
        return None

    def open_report(self, report: str) -> None:
        """A deadline's button on the home page: the page that makes the report it needs."""
        from desktop_app.core.deadlines import COMMUNITY_DOSSIER, UNIT_DOSSIER

        models = {UNIT_DOSSIER: "unit", COMMUNITY_DOSSIER: "community"}
        page = self.page_of(LearningModelsPage)
        if report in models and isinstance(page, LearningModelsPage):
            self.show_section(self.stack.indexOf(page))
            page.show_model(models[report])
            return
        reports = self.page_of(ReportsPage)
        if isinstance(reports, ReportsPage):
            reports.show_report(report)
            self.show_section(self.stack.indexOf(reports))

    def show_profile(self) -> None:
        self.show_section(self.settings_index)
        self.settings_page.show_section(SECTION_PROFILE)

    def change_language(self, lang: str) -> None:
        """Every widget sets its text when built, so rebuilding the pages retranslates them."""
        set_language(lang)
        apply_qt_locale(lang)
        section = self.stack.currentIndex()
        settings_tab = self.settings_page.tabs.currentIndex()
        self.clear_notice()
        # Deferred: the settings page that asked is still on the call stack.
        QTimer.singleShot(0, lambda: self._rebuild(section, settings_tab))

    def _rebuild(self, section: int, settings_tab: int) -> None:
        self._build_pages(section)
        self.settings_page.tabs.setCurrentIndex(settings_tab)

    def update_title(self) -> None:
        try:
            name = self.ctx.reader.centre.profile().name
        except StoreError:
            name = ""
        parts = [name or _("Community Learning Centre"), self.ctx.path.name]
        if self.ctx.integrity == DAMAGED:
            parts.append(_("damaged"))
        if self.ctx.read_only:
            parts.append(_("read-only"))
        self.setWindowTitle(" — ".join(parts))

    # Status bar -----------------------------------------------------------------------

    def show_notice(
        self, text: str, action_text: str = "", action: Callable[[], None] | None = None
    ) -> None:
        self.notice_label.setText(text)
        self._notice_action = action if action_text else None
        self.notice_button.setText(action_text)
        self.notice_button.setVisible(bool(action_text and action))
        self._notice_timer.start()

    def clear_notice(self) -> None:
        self.notice_label.setText("")
        self.notice_button.hide()
        self._notice_action = None

    def _notice_clicked(self) -> None:
        action = self._notice_action
        self.clear_notice()
        if action is not None:
            action()

    # Closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        form = self.people_page.form
        if form is not None and not form.close():
            event.ignore()  # the form asked to keep what was typed
            return
        self.closing.emit()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Let queued writes finish, then close every connection."""
        self.ctx.settle_integrity_check()  # writes held for the check run (or are refused)
        backup_on_close(self.ctx)  # queued last on the writer: it holds every write before it
        self.ctx.worker.close()
        if self.ctx.queries is not self.ctx.worker:
            self.ctx.queries.close()
        try:
            self.ctx.reader.close()
        except Exception:
            log.exception("Closing the reader database failed")
