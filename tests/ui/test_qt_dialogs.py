"""Qt's own dialogs in Vietnamese: every text Qt shows in a dialog of the app is translated.

Each dialog is opened offscreen (where Qt uses its own widgets, as on a Linux desktop without a
native dialog), and every visible text (labels, buttons, combo items, headers, tool tips, menu
actions, the window title) is compared with the texts Qt asked its translators for: a text Qt
asked for that our table (qt_texts.QT_TEXTS) does not cover would stay English on screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabBar,
    QTabWidget,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.i18n import _
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.qt_texts import QT_TEXTS

# Names of paper standards ("A4", "Letter / ANSI A") are printed on the packs as they are; key
# names ("Ctrl", "Del") are what the keyboard shows; "%p%" is a number.
EXEMPT_CONTEXTS = {"QPageSize", "QShortcut", "QProgressBar", "QGuiApplication"}


class _Recorder(QTranslator):
    """Asked before our translator (the last installed is asked first); answers nothing."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.asked: set[tuple[str, str]] = set()

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        self.asked.add((context, source_text))
        return None

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def recorder(qapp: QApplication) -> Iterator[_Recorder]:
    rec = _Recorder(qapp)
    qapp.installTranslator(rec)
    yield rec
    qapp.removeTranslator(rec)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _texts(widget: QWidget) -> list[str]:
    """Every text a person can see in the widget and its visible children."""
    seen: list[str] = [widget.windowTitle(), widget.toolTip()]
    for child in [widget, *widget.findChildren(QWidget)]:
        if child is not widget and not child.isVisibleTo(widget):
            continue
        seen.append(child.toolTip())
        if isinstance(child, QLabel | QAbstractButton):
            seen.append(child.text())
        if isinstance(child, QLineEdit):
            seen.append(child.placeholderText())
        if isinstance(child, QGroupBox):
            seen.append(child.title())
        if isinstance(child, QComboBox):
            seen += [child.itemText(i) for i in range(child.count())]
        if isinstance(child, QTabBar):
            seen += [child.tabText(i) for i in range(child.count())]
        if isinstance(child, QTabWidget):
            seen += [child.tabText(i) for i in range(child.count())]
        if isinstance(child, QAbstractItemView) and child.model() is not None:
            model = child.model()
            for column in range(model.columnCount()):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                seen.append(str(header or ""))
    for action in widget.findChildren(QAction):
        seen += [action.text(), action.toolTip()]
    return [t for t in seen if t]


def _english_left(recorder: _Recorder, texts: list[str]) -> set[str]:
    uncovered = {
        _plain(source)
        for context, source in recorder.asked
        if context not in EXEMPT_CONTEXTS and source not in QT_TEXTS
    }
    # "4 (2x2)" pages per sheet is figures, not English.
    return {t for t in texts if _plain(t) in uncovered and re.search("[A-Za-z]{2}", t)}


def _check(recorder: _Recorder, widget: QWidget, minimum: int) -> list[str]:
    texts = _texts(widget)
    assert len(texts) >= minimum, texts  # the walk saw the dialog's texts at all
    assert not _english_left(recorder, texts)
    return texts


@pytest.mark.parametrize(
    ("mode", "accept"),
    [
        (QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptSave),  # Save as…
        (QFileDialog.FileMode.ExistingFile, QFileDialog.AcceptMode.AcceptOpen),  # a backup
        (QFileDialog.FileMode.Directory, QFileDialog.AcceptMode.AcceptOpen),  # a USB stick
    ],
)
def test_file_dialogs_have_no_english(
    qtbot: QtBot,
    recorder: _Recorder,
    tmp_path: Path,
    mode: QFileDialog.FileMode,
    accept: QFileDialog.AcceptMode,
) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    dialog = QFileDialog(None, _("Save as"), str(tmp_path), _("PDF documents (*.pdf)"))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The list's header fills once the folder is read.
    qtbot.waitUntil(lambda: any(_("Size") in t for t in _texts(dialog)))
    texts = _check(recorder, dialog, 10)
    assert _plain(_(QT_TEXTS["&Look in:"])) in {_plain(t) for t in texts}


def test_print_dialog_and_its_properties_have_no_english(qtbot: QtBot, recorder: _Recorder) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer)
    dialog.setMinMax(1, 3)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    options = next(
        b for b in dialog.findChildren(QPushButton) if "Options" in b.text() or ">>" in b.text()
    )
    options.click()  # the hidden half: copies, page range, colour
    texts = _check(recorder, dialog, 15)
    assert _(QT_TEXTS["Printer"]) in texts

    seen: list[list[str]] = []

    def walk_properties() -> None:
        for top in QApplication.topLevelWidgets():
            if isinstance(top, QDialog) and top is not dialog and top.isVisible():
                # Read now, judged after the modal loop: an assertion here would leave it open.
                seen.append(_texts(top))
                top.reject()

    QTimer.singleShot(0, walk_properties)
    properties = next(
        b for b in dialog.findChildren(QPushButton) if _plain(b.text()) == _("Properties")
    )
    properties.click()  # modal: the timer above walks it and closes it
    assert seen and len(seen[0]) >= 8, seen
    assert not _english_left(recorder, seen[0])
    assert _(QT_TEXTS["Portrait"]) in seen[0]


def test_message_boxes_have_no_english(qtbot: QtBot, recorder: _Recorder) -> None:
    box = QMessageBox()
    buttons = QMessageBox.StandardButton
    for button in (
        buttons.Ok, buttons.Cancel, buttons.Yes, buttons.No, buttons.Close, buttons.Save,
        buttons.Discard, buttons.Retry, buttons.Ignore,
    ):  # fmt: skip
        box.addButton(button)
    box.setText("x")
    box.setDetailedText("details")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    texts = _check(recorder, box, 9)
    assert _(QT_TEXTS["Cancel"]) in texts


def _context_menu_texts(qtbot: QtBot, widget: QWidget) -> list[str]:
    """Opens the widget's own right-click menu (Qt builds it only then) and reads it."""
    seen: list[str] = []

    def read_and_close() -> None:
        popup = QApplication.activePopupWidget()
        if isinstance(popup, QMenu):
            seen.extend(a.text() for a in popup.actions() if not a.isSeparator())
            popup.close()

    QTimer.singleShot(0, read_and_close)
    target = widget.viewport() if isinstance(widget, QPlainTextEdit | QTextBrowser) else widget
    from PySide6.QtGui import QContextMenuEvent

    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard,
        target.rect().center(),
        target.mapToGlobal(target.rect().center()),
    )
    QCoreApplication.sendEvent(target, event)
    qtbot.waitUntil(lambda: bool(seen))
    return seen


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit, QSpinBox, QTextBrowser])
def test_right_click_menus_have_no_english(
    qtbot: QtBot, recorder: _Recorder, kind: type[QWidget]
) -> None:
    widget = kind()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    texts = _context_menu_texts(qtbot, widget)
    assert len(texts) >= 2
    assert not _english_left(recorder, texts)


def test_calendar_pop_up_follows_the_language(qtbot: QtBot, recorder: _Recorder) -> None:
    from desktop_app.ui.qt_texts import apply_qt_locale

    apply_qt_locale("vi")
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    qtbot.addWidget(edit)
    edit.show()
    calendar = edit.calendarWidget()
    calendar.show()
    texts = _check(recorder, calendar, 1)
    months = {calendar.locale().monthName(m) for m in range(1, 13)}
    assert "January" not in " ".join(texts + sorted(months))


def test_file_dialogs_start_in_the_documents_folder(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qtbot: QtBot
) -> None:
    """Every Open, Save and folder dialog of the app starts in Documents, not where the program
    was started from."""
    import desktop_app.appinfo as appinfo
    from desktop_app.ui import preview
    from desktop_app.ui.backup_dialog import BackupTab, open_restore
    from desktop_app.ui.classes.types_editor import ClassTypesEditor

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(appinfo, "user_documents_dir", lambda: str(documents))
    started: list[Path] = []

    def record(*args: object, **_kwargs: object) -> tuple[str, str]:
        started.append(Path(str(args[2])))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", record)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", record)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **_k: record(*a)[0])

    editor = window.settings_page.findChild(ClassTypesEditor)
    assert editor is not None
    editor.import_file()
    tab = window.settings_page.findChild(BackupTab)
    assert tab is not None
    tab.choose_export_folder()
    dialog = open_restore(window.ctx, window)
    dialog.choose_file()
    dialog.reject()
    preview.ask_save_path(window, preview.documents_folder() / "a.pdf", "")
    assert started[:3] == [documents] * 3
    assert started[3] == documents / "a.pdf"
