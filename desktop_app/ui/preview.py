"""Look at a document before keeping it: page previews, Save as…, Print….

Pages write their PDFs (or ZIP, xlsx) into `temp_document_path()` first; the dialog shows them
and copies the file where the user wants it, so a cancelled save leaves nothing behind.
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRect, QSize, QSizeF, Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.appinfo import documents_folder
from desktop_app.core.problems import UserError
from desktop_app.documents.output import atomic_output
from desktop_app.i18n import _, format_int, ngettext, tr
from desktop_app.services.outputs import check_output
from desktop_app.ui.errors import report_error
from desktop_app.ui.fit import resize_within_screen
from desktop_app.ui.widgets import show_message

log = logging.getLogger(__name__)

ZOOMS = (50, 75, 100, 125, 150, 200)
DEFAULT_ZOOM = 100
# 100 % shows a page at its paper size on a common 96 dpi screen.
_SCREEN_SCALE = 96 / 72
# A printer at 1200 dpi would need a 140 MB image per A4 page; 300 dpi prints text crisply.
MAX_PRINT_DPI = 300
_PAGE_GAP = 12

_temp_dir: tempfile.TemporaryDirectory[str] | None = None
# issue(target, then): write the issued document to `target`, then call `then(target)`.
Issue = Callable[[Path, Callable[[Path], None]], None]
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def temp_document_path(name: str) -> Path:
    """A fresh path for a document to preview, in a folder removed when the app exits."""
    global _temp_dir
    if _temp_dir is None:
        _temp_dir = tempfile.TemporaryDirectory(prefix="tthtcd-docs-")
        atexit.register(_temp_dir.cleanup)
    folder = Path(tempfile.mkdtemp(dir=_temp_dir.name))
    return folder / safe_file_name(name)


def safe_file_name(name: str) -> str:
    """What Windows accepts as a file name; Vietnamese letters stay."""
    cleaned = _UNSAFE.sub(" ", name).strip(" .")
    return re.sub(r"\s+", " ", cleaned)[:150] or "document"


def ask_save_path(parent: QWidget | None, suggested: Path, file_filter: str) -> Path | None:
    """The native Save dialog. Tests replace this to answer without a dialog."""
    name, _selected = QFileDialog.getSaveFileName(parent, _("Save as"), str(suggested), file_filter)
    return Path(name) if name else None


def ask_output_path(
    parent: QWidget | None, suggested: Path, file_filter: str, db_path: Path | None
) -> Path | None:
    """Ask where to save a document and check the answer (never the database, its files, the
    backups folder or a folder); a refused answer is explained and gives None."""
    target = ask_save_path(parent, suggested, file_filter)
    if target is None:
        return None
    if not target.suffix and suggested.suffix and not target.is_dir():
        target = target.with_suffix(suggested.suffix)
    try:
        return check_output(target, db_path)
    except UserError as exc:
        report_error(parent, _("Save as"), exc)
        return None


def save_copy(source: Path, target: Path) -> Path:
    """Copy a finished document to `target`, which shows up only once complete."""
    with atomic_output(target) as part:
        shutil.copyfile(source, part)
    return target


def _filter_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _("PDF documents (*.pdf)")
    if suffix == ".zip":
        return _("ZIP files (*.zip)")
    if suffix == ".xlsx":
        return _("Excel workbooks (*.xlsx)")
    return _("All files (*)")


def render_page(document: pdfium.PdfDocument, index: int, scale: float) -> QImage:
    bitmap = document[index].render(scale=scale, prefer_bgrx=True)
    image = QImage(
        bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB32
    )
    # The bitmap's memory goes away with it; the copy owns its pixels.
    return image.copy()


class _PageLabel(QLabel):
    def __init__(self, size: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: white; border: 1px solid #b0b0b0;")
        self.setFixedSize(size)
        self.rendered_zoom: int | None = None


class PdfPreviewDialog(QDialog):
    """Shows a document's pages and lets the user save or print it.

    PDF pages render lazily, only those scrolled into view. Any other file (a ZIP of
    certificates, an xlsx) shows a short description and can only be saved.
    """

    def __init__(
        self,
        path: Path,
        suggested_name: str = "",
        parent: QWidget | None = None,
        db_path: Path | None = None,
        issue: Issue | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.db_path = db_path
        # A preview of what is not issued yet (certificates): Save and Print first issue it,
        # writing the final file to the path given, then carry on with that file.
        self.issue = issue
        self.suggested_name = safe_file_name(suggested_name or self.path.name)
        if not Path(self.suggested_name).suffix:
            self.suggested_name += self.path.suffix
        self.saved_to: Path | None = None
        self.zoom = DEFAULT_ZOOM
        self.document: pdfium.PdfDocument | None = None
        self.page_sizes: list[tuple[float, float]] = []  # points
        self.labels: list[_PageLabel] = []
        self.setWindowTitle(tr("Preview: {name}", name=self.suggested_name))

        layout = QVBoxLayout(self)
        self.is_pdf = self.path.suffix.lower() == ".pdf"
        if self.is_pdf:
            self.document = pdfium.PdfDocument(str(self.path))
            self.page_sizes = [
                (float(w), float(h))
                for w, h in (self.document.get_page_size(i) for i in range(len(self.document)))
            ]
        self.info = QLabel(self._describe())
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        self.zoom_box = QComboBox()
        self.zoom_box.setAccessibleName(_("Zoom"))
        for z in ZOOMS:
            self.zoom_box.addItem(f"{z} %", z)
        self.zoom_box.setCurrentIndex(ZOOMS.index(DEFAULT_ZOOM))
        self.zoom_box.currentIndexChanged.connect(
            lambda i: self.set_zoom(int(self.zoom_box.itemData(i)))
        )
        if self.is_pdf:
            top.addWidget(QLabel(_("Zoom:")))
            top.addWidget(self.zoom_box)
        layout.addLayout(top)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setStyleSheet("QScrollArea { background: #808080; }")
        self.pages_widget = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setSpacing(_PAGE_GAP)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setWidget(self.pages_widget)
        if self.is_pdf:
            layout.addWidget(self.scroll_area, 1)
            for i in range(len(self.page_sizes)):
                label = _PageLabel(self._page_pixels(i), self.pages_widget)
                self.labels.append(label)
                self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.scroll_area.verticalScrollBar().valueChanged.connect(lambda _v: self._schedule())
        else:
            layout.addStretch(1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(_("&Save as…"))
        self.save_button.clicked.connect(self.save_as)
        buttons.addWidget(self.save_button)
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.clicked.connect(self.print_document)
        self.print_button.setVisible(self.is_pdf)
        buttons.addWidget(self.print_button)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.close_button)
        self.save_button.setDefault(True)
        layout.addLayout(buttons)

        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, lambda: self.step_zoom(1)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.step_zoom(-1)),
            (QKeySequence.StandardKey.Save, self.save_as),
            (QKeySequence.StandardKey.Print, self.print_document),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self.render_visible)
        self.finished.connect(lambda _r: self._close_document())
        if self.is_pdf:
            resize_within_screen(self, 900, 760)
        else:
            self.resize(QSize(480, 180))

    # What is shown --------------------------------------------------------------------

    def _describe(self) -> str:
        if self.is_pdf:
            count = len(self.page_sizes)
            return ngettext("{count} page", "{count} pages", count).format(count=format_int(count))
        if self.path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(self.path) as archive:
                    count = len(archive.namelist())
            except (OSError, zipfile.BadZipFile):
                count = 0
            return ngettext(
                "A ZIP file with {count} document. Save it, then open it from the folder.",
                "A ZIP file with {count} documents. Save it, then open it from the folder.",
                count,
            ).format(count=format_int(count))
        return tr(
            "{name} is ready. Save it, then open it with its own program.",
            name=self.suggested_name,
        )

    @property
    def page_count(self) -> int:
        return len(self.page_sizes)

    def _page_pixels(self, index: int) -> QSize:
        w, h = self.page_sizes[index]
        scale = self.zoom / 100 * _SCREEN_SCALE
        return QSize(round(w * scale), round(h * scale))

    def set_zoom(self, zoom: int) -> None:
        if zoom == self.zoom or not self.is_pdf:
            return
        self.zoom = zoom
        self.zoom_box.blockSignals(True)
        self.zoom_box.setCurrentIndex(ZOOMS.index(zoom) if zoom in ZOOMS else 0)
        self.zoom_box.blockSignals(False)
        for i, label in enumerate(self.labels):
            label.setFixedSize(self._page_pixels(i))
            label.clear()
            label.rendered_zoom = None
        self._schedule()

    def step_zoom(self, step: int) -> None:
        i = ZOOMS.index(self.zoom) if self.zoom in ZOOMS else ZOOMS.index(DEFAULT_ZOOM)
        self.set_zoom(ZOOMS[max(0, min(len(ZOOMS) - 1, i + step))])

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self._schedule()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._schedule()

    def _schedule(self) -> None:
        if self.is_pdf:
            self._render_timer.start()

    def visible_pages(self) -> list[int]:
        viewport = self.scroll_area.viewport()
        area = QRect(0, 0, viewport.width(), viewport.height())
        shown: list[int] = []
        for i, label in enumerate(self.labels):
            top_left = label.mapTo(viewport, label.rect().topLeft())
            if area.intersects(QRect(top_left, label.size())):
                shown.append(i)
        return shown or ([0] if self.labels else [])

    def render_visible(self) -> None:
        """Render the pages in view (and the next one, so scrolling down looks instant)."""
        if self.document is None:
            return
        shown = self.visible_pages()
        if shown and shown[-1] + 1 < len(self.labels):
            shown.append(shown[-1] + 1)
        for i in shown:
            label = self.labels[i]
            if label.rendered_zoom == self.zoom:
                continue
            scale = self.zoom / 100 * _SCREEN_SCALE * self.devicePixelRatioF()
            pixmap = QPixmap.fromImage(render_page(self.document, i, scale))
            pixmap.setDevicePixelRatio(self.devicePixelRatioF())
            label.setPixmap(pixmap)
            label.rendered_zoom = self.zoom

    def rendered_pages(self) -> list[int]:
        return [i for i, label in enumerate(self.labels) if label.rendered_zoom is not None]

    def _close_document(self) -> None:
        # Windows keeps the file locked while pdfium has it open.
        if self.document is not None:
            self.document.close()
            self.document = None

    # Saving ---------------------------------------------------------------------------

    def save_as(self) -> Path | None:
        suggested = documents_folder() / self.suggested_name
        if not suggested.suffix:
            suggested = suggested.with_suffix(self.path.suffix)
        target = ask_output_path(self, suggested, _filter_for(self.path), self.db_path)
        if target is None:
            return None
        if self.issue is not None:
            self.issue(target, self._saved)
            return target
        try:
            save_copy(self.path, target)
        except UserError as exc:
            log.warning("Saving %s to %s failed: %s", self.path, target, exc.params)
            report_error(self, _("Save as"), exc)
            return None
        self.saved_to = target
        self.info.setText(tr("Saved to {path}.", path=str(target)))
        return target

    def _saved(self, target: Path) -> None:
        self.saved_to = target
        self.info.setText(tr("Saved to {path}.", path=str(target)))

    # Printing -------------------------------------------------------------------------

    def print_document(self) -> None:
        if self.document is None:
            return
        printer = self.choose_printer()
        if printer is None:
            return  # the print dialog was cancelled: nothing printed, nothing issued
        if self.issue is not None:
            # Numbers are taken only once the user has chosen to print: issue, then print
            # the issued file (numbers, QR codes, no preview mark) on the printer chosen.
            self.issue(
                temp_document_path(self.suggested_name),
                lambda path: self._print_issued(path, printer),
            )
            return
        self.print_to(printer)

    def _print_issued(self, path: Path, printer: QPrinter) -> None:
        self._close_document()
        self.path = path
        self.issue = None  # issued: from now on this is the real document
        self.document = pdfium.PdfDocument(str(path))
        for label in self.labels:
            label.clear()
            label.rendered_zoom = None
        self._schedule()
        self.print_to(printer)

    def choose_printer(self) -> QPrinter | None:
        """The system's print dialog: the printer and pages chosen, or None if cancelled."""
        if self.document is None:
            return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        self._set_page_layout(printer, 0)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_count)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return printer

    def _set_page_layout(self, printer: QPrinter, index: int) -> None:
        w, h = self.page_sizes[index]
        # Fuzzy matching turns 595 × 842 points into the printer's own "A4".
        size = QPageSize(
            QSizeF(min(w, h), max(w, h)),
            QPageSize.Unit.Point,
            "",
            QPageSize.SizeMatchPolicy.FuzzyMatch,
        )
        orientation = (
            QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait
        )
        # The PDF already has its margins; the printer's own are the only ones to keep.
        printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))

    def print_to(self, printer: QPrinter) -> int:
        """Paint the chosen pages onto the printer; returns the number of pages printed."""
        if self.document is None or not self.page_sizes:
            return 0
        first, last = 1, self.page_count
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage():
            first = max(1, printer.fromPage())
            last = min(self.page_count, printer.toPage() or self.page_count)
        self._set_page_layout(printer, first - 1)
        painter = QPainter()
        if not painter.begin(printer):
            show_message(
                self, _("Print"), _("The printer could not be started. Check that it is on.")
            )
            return 0
        printed = 0
        try:
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            for index in range(first - 1, last):
                if printed:
                    self._set_page_layout(printer, index)
                    printer.newPage()
                image = render_page(self.document, index, dpi / 72)
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
                painter.setWindow(target)
                printed += 1
        finally:
            painter.end()
        return printed


def preview_pdf(
    parent: QWidget | None,
    path: Path,
    suggested_name: str = "",
    db_path: Path | None = None,
    issue: Issue | None = None,
) -> PdfPreviewDialog:
    """Open the preview, window-modal and non-blocking; the dialog deletes itself on close.
    `db_path` is the open database, which Save as never overwrites; `issue` makes Save and
    Print issue the document first (see PdfPreviewDialog)."""
    dialog = PdfPreviewDialog(Path(path), suggested_name, parent, db_path, issue)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
