"""Starting the GUI: language, Qt's own texts, opening the database, the first-run offer."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from platformdirs import user_log_dir
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
    QWidget,
)

from desktop_app.appinfo import APP_AUTHOR, APP_NAME, default_database_path
from desktop_app.core.problems import StoreError, UserError
from desktop_app.i18n import LANGUAGES, _, format_int, set_language, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.gc_guard import GuiThreadCollector
from desktop_app.ui.long_task import LongTask
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.qt_texts import CatalogTranslator, apply_qt_locale
from desktop_app.ui.settings_page import app_settings, saved_language
from desktop_app.ui.worker import DbWorker

log = logging.getLogger(__name__)

DEMO_PEOPLE = 2000
DEMO_OFFERED_KEY = "demo_offered"

CHOOSE, QUIT = "choose", "quit"

_translator: CatalogTranslator | None = None


# Start-up pieces, each usable on its own (tests drive them one by one) ---------------------


def setup_logging() -> Path | None:
    """Log to a file in the user's log folder, so a bug report can include what happened."""
    try:
        folder = Path(user_log_dir(APP_NAME, APP_AUTHOR))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "tthtcd.log"
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path = None
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def choose_language(lang: str | None) -> str:
    """The command line's choice, else the one saved in settings, else Vietnamese."""
    chosen = lang if lang in LANGUAGES else saved_language() or "vi"
    set_language(chosen)
    apply_qt_locale(chosen)
    return chosen


def install_translator(app: QCoreApplication) -> CatalogTranslator:
    """Route Qt's own button and menu texts through our catalog (once per application)."""
    global _translator
    if _translator is None:
        _translator = CatalogTranslator(app)
        app.installTranslator(_translator)
    return _translator


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    return app


def open_failed_choice(error: StoreError, parent: QWidget | None = None) -> str:
    """Say why the file cannot be used and ask what to do: CHOOSE another file, or QUIT."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("The database cannot be opened"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(errors.store_error_text(error))
    choose = box.addButton(_("Choose another file…"), QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(choose)
    box.setEscapeButton(quit_button)
    box.exec()
    return CHOOSE if box.clickedButton() is choose else QUIT


def pick_database_file(parent: QWidget | None, start: Path) -> Path | None:
    """Choose an existing database, or type a new name to start a new one."""
    name, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Choose the database file"),
        str(start),
        _("Database files (*.sqlite3 *.db);;All files (*)"),
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    return Path(name) if name else None


def open_workspace(
    path: Path,
    *,
    ask: Callable[[StoreError], str] = open_failed_choice,
    pick: Callable[[Path], Path | None] | None = None,
) -> tuple[Workspace, Workspace] | None:
    """The writer and the GUI thread's reader, or None when the user gives up.

    A StoreError never escapes: its message is shown and the user may choose another file.
    """
    pick = pick or (lambda start: pick_database_file(None, start))
    while True:
        try:
            writer = Workspace.open(path, create=True)
        except StoreError as exc:
            log.warning("Cannot open %s: %s", path, exc)
            if ask(exc) != CHOOSE:
                return None
            chosen = pick(path)
            if chosen is None:
                return None
            path = chosen
            continue
        try:
            reader = writer.reader()
        except StoreError as exc:
            writer.close()
            log.warning("Cannot open a reader on %s: %s", path, exc)
            if ask(exc) != CHOOSE:
                return None
            chosen = pick(path)
            if chosen is None:
                return None
            path = chosen
            continue
        return writer, reader


# Windows opened by File › Open another database: Python must keep a reference to them.
_windows: list[MainWindow] = []


def start_window(window: MainWindow) -> None:
    """Show a built window as the start does: the integrity check, then the first-run offer."""
    window.show()
    # Checked on a reader of its own, the window already usable; writes wait for it.
    window.ctx.start_integrity_check()
    offer = DemoOffer(window)
    window.keep_alive.append(offer)
    QTimer.singleShot(0, offer.start)


def reopen(old: MainWindow, path: Path) -> MainWindow | None:
    """File › Open another database: open `path` as the start does (its messages, another
    file on failure), close `old` (which backs up as on quitting), show the new window.
    Nothing changes when the file cannot be opened or `old` keeps unsaved typing open."""
    opened = open_workspace(
        path,
        ask=lambda exc: open_failed_choice(exc, old),
        pick=lambda start: pick_database_file(old, start),
    )
    if opened is None:
        return None
    app = ensure_app()
    quit_on_last = app.quitOnLastWindowClosed()
    # Between closing the old window and showing the new one no window is open.
    app.setQuitOnLastWindowClosed(False)
    try:
        if not old.close():
            writer, reader = opened
            reader.close()
            writer.close()
            return None
        window = build_window(*opened)
        _windows.append(window)
        window.destroyed.connect(lambda _obj=None, w=window: _forget(w))
        start_window(window)
    finally:
        app.setQuitOnLastWindowClosed(quit_on_last)
    old.deleteLater()
    return window


def _forget(window: MainWindow) -> None:
    if window in _windows:
        _windows.remove(window)


def build_window(writer: Workspace, reader: Workspace) -> MainWindow:
    worker = DbWorker(writer)
    # Queries get a read-only connection and a thread of their own, so a long report never
    # waits behind a save and a save never waits behind a report.
    queries = DbWorker(writer.reader())
    ctx = AppContext(reader, worker, queries)
    window = MainWindow(ctx)
    ctx.window = window
    worker.setParent(window)
    queries.setParent(window)
    ctx.setParent(window)
    return window


# The empty-database offer ----------------------------------------------------------------


class DemoOffer:
    """Once per database: fill it with a demo centre, or start empty and set up the profile."""

    def __init__(self, window: MainWindow, people: int = DEMO_PEOPLE) -> None:
        self.window = window
        self.people = people
        self.box: QMessageBox | None = None
        self.task: LongTask | None = None
        self.finished = False

    def _key(self) -> str:
        # QSettings reads slashes in keys as groups, so the path is hashed into one key.
        path = self.window.ctx.path.resolve().as_posix().encode()
        return f"{DEMO_OFFERED_KEY}/{hashlib.sha1(path).hexdigest()[:16]}"

    def should_offer(self) -> bool:
        from desktop_app.services import demo  # imported here: only a first start needs it

        ctx = self.window.ctx
        if ctx.read_only or app_settings().value(self._key()):
            return False
        try:
            return demo.is_empty(ctx.reader)
        except StoreError:
            return False

    def start(self) -> bool:
        """Ask, if the database is empty and it was not asked before. Non-blocking."""
        if not self.should_offer():
            self.finished = True
            return False
        settings = app_settings()
        settings.setValue(self._key(), True)
        settings.sync()
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("An empty database"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            tr(
                "This database is empty. Fill it with a demo centre of {count} people to try "
                "the app, or start empty and enter your centre's profile?",
                count=format_int(self.people),
            )
        )
        fill = box.addButton(_("Fill with demo data"), QMessageBox.ButtonRole.AcceptRole)
        empty = box.addButton(_("Start empty"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(empty)
        box.setEscapeButton(empty)
        self.box = box

        def answered() -> None:
            self.box = None
            if box.clickedButton() is fill:
                self.fill()
            else:
                self.finished = True
                self.window.show_profile()

        box.finished.connect(answered)
        box.open()
        return True

    def fill(self) -> None:
        """Fill through the one runner, as one op: every page refreshes from what it changed."""
        from desktop_app.services import demo

        people = self.people
        self.task = self.window.ctx.task(
            self.window,
            _("Demo data"),
            lambda ws, progress: demo.create_demo(ws, people=people, progress=progress),
            self._filled,
            self._failed,
            on_cancelled=self._cancelled,
            label=_("Creating the demo centre…"),
            show_after_ms=0,
        )
        # Closing the window mid-way cancels too, instead of waiting for the whole demo.
        self.window.closing.connect(self.task.cancel)

    def _filled(self, _summary: object) -> None:
        self.finished = True
        self.window.ctx.notify(_("The demo centre is ready."))

    def _cancelled(self) -> None:
        # Nothing was kept, so the offer stands for the next start.
        self.finished = True
        app_settings().remove(self._key())
        self.window.ctx.notify(_("The demo was cancelled; nothing was added."))

    def _failed(self, exc: BaseException) -> None:
        self.finished = True
        if isinstance(exc, UserError):
            app_settings().remove(self._key())
        errors.report_error(self.window, _("Demo data"), exc)


# The whole start ---------------------------------------------------------------------------


def _bench_report(app: QApplication, window: MainWindow) -> None:
    """For bench/people.py: once the window is up, time it, scroll the list, print, quit."""
    import contextlib
    import json
    import resource
    import time

    shown = time.time()
    started = float(os.environ.get("TTHTCD_BENCH_T0", shown))
    table = window.people_page.table
    model = window.people_page.model
    t0 = time.perf_counter()
    app.processEvents()
    model.data(model.index(0, 1))
    first_rows_ms = (time.perf_counter() - t0) * 1000
    # Scroll through a few thousand rows, as a secretary paging down would.
    for row in range(0, min(model.rowCount(), 5000), 40):
        table.scrollTo(model.index(row, 1))
        app.processEvents()
    # ru_maxrss survives exec and so includes the bench parent that forked us; VmHWM is
    # this program's own peak.
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak_kib = int(line.split()[1])
    figures = {
        "start_to_window_s": shown - started,
        "first_rows_ms": first_rows_ms,
        "peak_rss_mb": peak_kib / 1024,
        "rows": model.rowCount(),
    }
    print("TTHTCD_BENCH " + json.dumps(figures), flush=True)
    app.quit()


def run_gui(db_path: Path | None, lang: str | None) -> int:
    """Start the app on `db_path` (default: the user's data folder) and run until it closes."""
    setup_logging()
    app = ensure_app()
    GuiThreadCollector(app)  # Qt objects are freed on the GUI thread only
    errors.install_excepthook()
    choose_language(lang)
    install_translator(app)

    opened = open_workspace(Path(db_path) if db_path else default_database_path())
    if opened is None:
        return 1
    window = build_window(*opened)
    if os.environ.get("TTHTCD_BENCH"):
        window.show()
        window.ctx.start_integrity_check()
        QTimer.singleShot(0, lambda: _bench_report(app, window))
        return app.exec()
    start_window(window)
    return app.exec()
