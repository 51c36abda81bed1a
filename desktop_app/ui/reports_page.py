"""The Reports section (Báo cáo): the centre's annual report, the Khuyến học yearly summary
and the Khuyến học month report, filled in from the records.

The user picks the report, the year and (for the annual report) the period: the calendar
year, the school year, or any days. At an office she also picks the centres: all of them
(summed), one or several. The figures are read on the query thread (`ws.report_documents.figures`)
and shown table by table as the paper prints them; every figure that counts records opens
the list of them (double-click, Enter, or "Records behind the figure…"), so each number can
be checked before the paper goes out. "Print…" previews the PDF; "Export to Excel…" writes
the workbook with its formulas and the lists of records. The page reads again when an
operation changes what it shows, or the next time it is shown if it was hidden then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.annual_report import AnnualReport, Figure, ReportTable
from desktop_app.core.deadlines import ANNUAL, COMMUNE_REPORT, KHUYEN_HOC_MONTH
from desktop_app.core.problems import N_, Label
from desktop_app.i18n import _, format_date, format_int, format_money, format_percent, tr
from desktop_app.services.dashboard import DASHBOARD_TABLES
from desktop_app.services.report_documents import (
    KHUYEN_HOC,
    MAX_NUMBER_CHARS,
    ReportDocumentService,
    ReportRequest,
)
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.centre_scope import CentreScope
from desktop_app.ui.context import AppContext
from desktop_app.ui.errors import report_error
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.khuyen_hoc.common import print_document
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.widgets import ERROR_STYLE

__all__ = ["RecordsDialog", "ReportsPage", "figure_text"]

# (report kind, its name in the chooser)
REPORTS = (
    (ANNUAL, N_("Annual report of the centre")),
    (KHUYEN_HOC, N_("Khuyến học yearly summary")),
    (KHUYEN_HOC_MONTH, N_("Khuyến học Month report")),
)
CALENDAR, SCHOOL, CUSTOM = "calendar", "school", "custom"
PERIODS = (
    (CALENDAR, N_("Calendar year")),
    (SCHOOL, N_("School year")),
    (CUSTOM, N_("Days of your choice")),
)
FIRST_YEAR = 2000
TO_FILL_IN = N_("(to fill in)")
NO_DATA = N_(
    "The records hold nothing for this period: no class, attendance, member, fund entry or "
    "registration. Choose another period, or fill the records in first."
)
FILE_STEMS = {
    ANNUAL: "Báo cáo kết quả hoạt động",
    KHUYEN_HOC: "Báo cáo tổng kết Khuyến học",
    KHUYEN_HOC_MONTH: "Báo cáo Tháng Khuyến học",
}


def figure_text(figure: Figure) -> str:
    """A figure as the screen shows it, in the UI's language: "1.234", "1.250.000 đ",
    "12,5 %"; a figure the records cannot answer says it is to be filled in."""
    value = figure.value
    if value is None:
        return _(TO_FILL_IN)
    if figure.unit == "money":
        return format_money(int(value))
    if figure.unit == "percent":
        return format_percent(float(value) / 100)
    if isinstance(value, float) and not value.is_integer():
        return format_percent(value).removesuffix("%").strip()
    return format_int(int(value))


class RecordModel(ListModel):
    def __init__(self, rows: list[list[object]]) -> None:
        super().__init__()
        self.headers = [_(str(h)) for h in rows[0]] if rows else []
        self.rows = rows[1:]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if value is None:
            return ""
        if isinstance(value, Label):
            return _(value)
        if isinstance(value, dt.date):
            return format_date(value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, int):
            return format_int(value)
        return str(value)


class RecordsDialog(QDialog):
    """The records behind one figure: as many rows as the figure counts."""

    def __init__(
        self, label: str, figure: Figure, rows: list[list[object]], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Records behind the figure"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel(
            tr(
                "{label}: {figure} — {count} records listed.",
                label=label, figure=figure_text(figure), count=format_int(max(0, len(rows) - 1)),
            )
        )  # fmt: skip
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self.model = RecordModel(rows)
        self.table = list_table(self.model)
        layout.addWidget(self.table, 1)
        # The first column is a name, a class or a date: it takes the width that is left.
        fit_columns(self.table, {}, [0])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class _FigureTable(QTableWidget):
    """One table of the report: its rows, the figures in their columns."""

    def __init__(self, table: ReportTable) -> None:
        super().__init__(len(table.rows), len(table.columns) + 1)
        self.report_table = table
        self.setHorizontalHeaderLabels([_("Item"), *(_(c) for c in table.columns)])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        last = len(table.rows) - 1
        for r, (label, figures) in enumerate(table.rows):
            item = QTableWidgetItem(_(label))
            bold = table.total and r == last
            if bold:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.setItem(r, 0, item)
            for c, figure in enumerate(figures, start=1):
                cell = QTableWidgetItem(figure_text(figure))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if figure.value is None:
                    cell.setForeground(Qt.GlobalColor.darkGray)
                if figure.records:
                    cell.setToolTip(_("Double-click to see the records behind this figure."))
                    font = QFont(cell.font())
                    font.setUnderline(True)
                    cell.setFont(font)
                if bold:
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                self.setItem(r, c, cell)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        self.resizeColumnsToContents()
        self.setColumnWidth(0, max(self.columnWidth(0), 320))
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height + 2)

    def figure_at(self, row: int, column: int) -> tuple[str, Figure] | None:
        if column < 1 or not 0 <= row < len(self.report_table.rows):
            return None
        label, figures = self.report_table.rows[row]
        if column - 1 >= len(figures):
            return None
        return _(label), figures[column - 1]


class ReportsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: AnnualReport | None = None
        self.loaded_request: ReportRequest | None = None
        self.stale = True
        self.loading = False
        self.dialog: QDialog | None = None
        self.tables: list[_FigureTable] = []
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.kind_combo = QComboBox()
        for kind, name in REPORTS:
            self.kind_combo.addItem(_(name), kind)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(FIRST_YEAR, dt.date.today().year + 1)
        self.year_spin.setValue(dt.date.today().year)
        self.period_combo = QComboBox()
        for key, name in PERIODS:
            self.period_combo.addItem(_(name), key)
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        # At an office: all its centres (summed), one, or several; hidden at a centre.
        self.scope = CentreScope(ctx)
        # Two rows, so that the page fits a 1280-pixel screen beside the sidebar.
        days = QHBoxLayout()
        for row, text, widget in (
            (bar, _("&Report:"), self.kind_combo),
            (bar, _("&Year:"), self.year_spin),
            (days, _("&Period:"), self.period_combo),
            (days, _("&From:"), self.from_edit),
            (days, _("&To:"), self.to_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        bar.addWidget(self.scope)
        bar.addStretch(1)
        days.addStretch(1)
        layout.addLayout(bar)
        layout.addLayout(days)

        self.period_label = QLabel()
        self.period_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.period_label)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)

        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.addStretch(1)
        self.scroller.setWidget(self.body)
        layout.addWidget(self.scroller, 1)

        self.sites_label = QLabel()
        self.sites_label.setWordWrap(True)
        self.sites_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.sites_label)

        foot = QHBoxLayout()
        self.records_button = QPushButton(_("Records behind the figure…"))
        self.records_button.clicked.connect(self.open_selected_records)
        number_label = QLabel(_("&Number:"))
        self.number_edit = QLineEdit()
        self.number_edit.setMinimumWidth(260)
        self.number_edit.setMaxLength(MAX_NUMBER_CHARS)
        self.number_edit.setPlaceholderText(_("e.g. 12/BC-TTHTCĐ (empty: dots to write in)"))
        number_label.setBuddy(self.number_edit)
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.clicked.connect(lambda: self.print_report(xlsx=False))
        self.excel_button = QPushButton(_("Export to &Excel…"))
        self.excel_button.clicked.connect(lambda: self.print_report(xlsx=True))
        foot.addWidget(self.records_button)
        foot.addStretch(1)
        foot.addWidget(number_label)
        foot.addWidget(self.number_edit)
        foot.addWidget(self.print_button)
        foot.addWidget(self.excel_button)
        layout.addLayout(foot)

        self._set_period_dates()
        self._update_controls()
        self.kind_combo.currentIndexChanged.connect(self._options_changed)
        self.year_spin.valueChanged.connect(self._year_changed)
        self.period_combo.currentIndexChanged.connect(self._year_changed)
        self.from_edit.dateChanged.connect(self._options_changed)
        self.to_edit.dateChanged.connect(self._options_changed)
        self.scope.changed.connect(self._options_changed)
        ctx.subscribe(self, DASHBOARD_TABLES | {"centre", "peer_site", "bundle"}, self._changed)

    # Options ----------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _period_key(self) -> str:
        return str(self.period_combo.currentData())

    def _set_period_dates(self) -> None:
        key = self._period_key()
        if key == CUSTOM:
            return
        start, end = self.ctx.reader.reports.period(self.year_spin.value(), key, None, None)
        for edit, day in ((self.from_edit, start), (self.to_edit, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _update_controls(self) -> None:
        annual = self.kind == ANNUAL
        custom = self._period_key() == CUSTOM
        self.period_combo.setEnabled(annual)
        self.from_edit.setEnabled(annual and custom)
        self.to_edit.setEnabled(annual and custom)
        ready = self.report is not None and not self.loading
        self.print_button.setEnabled(ready)
        self.excel_button.setEnabled(ready)
        self.records_button.setEnabled(ready and self.selected_figure() is not None)

    def _year_changed(self) -> None:
        self._set_period_dates()
        self._options_changed()

    def _options_changed(self) -> None:
        self._update_controls()
        self.stale = True
        if self.isVisible():
            self.load()

    def show_report(self, kind: str) -> None:
        """A deadline's button: this report, of the year it is due in."""
        index = self.kind_combo.findData(ANNUAL if kind == COMMUNE_REPORT else kind)
        if index >= 0:
            self.kind_combo.setCurrentIndex(index)

    def request(self) -> ReportRequest:
        sites = self.scope.sites()
        if self.kind != ANNUAL:
            return ReportRequest(self.kind, self.year_spin.value(), sites=sites)
        return ReportRequest(
            ANNUAL,
            self.year_spin.value(),
            self.from_edit.date().toPython(),  # type: ignore[arg-type]
            self.to_edit.date().toPython(),  # type: ignore[arg-type]
            sites,
        )

    # Reading ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.load()

    def _changed(self, _changes: object) -> None:
        self.stale = True
        if self.isVisible():
            self.load()

    def load(self) -> None:
        if self.loading:
            return  # the answer that comes back sees `stale` and reads again
        request = self.request()
        self.stale = False
        self.loading = True
        self._update_controls()

        def read(ws: Workspace) -> AnnualReport:
            return ws.report_documents.figures(request)

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.report = None
            self._clear_tables()
            self._update_controls()
            # A period that ends before it starts is said on the page, not in a box that
            # would pop up at every click of the date fields; a bug still gets its dialog.
            text = errors.error_text(exc)
            self.message.setStyleSheet(ERROR_STYLE if text else "")
            self.message.setText(text or "")
            if text is None:
                report_error(self, _("Reports"), exc)
            if self.stale:
                self.load()

        self.ctx.query(
            read,
            lambda report: self._loaded(request, report),
            failed,
            parent=self,
            title=_("Filling in the report…"),
        )

    def _loaded(self, request: ReportRequest, report: AnnualReport) -> None:
        self.loading = False
        if self.stale or request != self.request():
            self.load()
            return
        self.report = report
        self.loaded_request = request
        self.period_label.setText(
            tr(
                "From {start} to {end}",
                start=format_date(report.period_from), end=format_date(report.period_to),
            )
        )  # fmt: skip
        self._clear_tables()
        self.message.setStyleSheet("")
        self.message.setText(_(NO_DATA) if report.empty else "")
        if not report.empty:
            for number, table in enumerate(report.tables, start=1):
                title = QLabel(f"{number}. {_(table.title)}")
                font = QFont(title.font())
                font.setBold(True)
                title.setFont(font)
                title.setWordWrap(True)
                widget = _FigureTable(table)
                widget.cellDoubleClicked.connect(lambda r, c, w=widget: self.open_records(w, r, c))
                widget.itemActivated.connect(
                    lambda item, w=widget: self.open_records(w, item.row(), item.column())
                )
                widget.itemSelectionChanged.connect(self._update_controls)
                self.body_layout.insertWidget(self.body_layout.count() - 1, title)
                self.body_layout.insertWidget(self.body_layout.count() - 1, widget)
                self.tables.append(widget)
        self.sites_label.setText(self._sites_text(report))
        self._update_controls()

    def _clear_tables(self) -> None:
        self.tables = []
        while self.body_layout.count() > 1:
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    @staticmethod
    def _sites_text(report: AnnualReport) -> str:
        if not report.site_dates:
            return ""
        parts = [
            tr("{name}: latest bundle {date}", name=name, date=format_date(day))
            if day is not None
            else tr("{name}: no bundle received", name=name)
            for _site, name, day in report.site_dates
        ]
        return _("Centres covered") + ": " + "; ".join(parts) + "."

    # The records behind a figure ------------------------------------------------------------

    def selected_figure(self) -> tuple[_FigureTable, int, int] | None:
        for table in self.tables:
            items = table.selectedItems()
            if items:
                return table, items[0].row(), items[0].column()
        return None

    def open_selected_records(self) -> None:
        chosen = self.selected_figure()
        if chosen is not None:
            self.open_records(*chosen)

    def open_records(self, table: _FigureTable, row: int, column: int) -> None:
        found = table.figure_at(row, column)
        report = self.report
        if found is None or report is None:
            return
        label, figure = found
        if not figure.records:
            self.ctx.notify(_("This figure is not counted from a list of records."))
            return
        key = figure.records

        def shown(rows: list[list[object]]) -> None:
            dialog = RecordsDialog(label, figure, rows, self)
            dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
            self.dialog = dialog
            dialog.open()

        self.ctx.query(
            lambda ws: ws.report_documents.records(key, report),
            shown,
            lambda exc: report_error(self, _("Reports"), exc),
            parent=self,
            title=_("Reading the records…"),
        )

    # Paper and workbook --------------------------------------------------------------------

    def print_report(self, *, xlsx: bool) -> None:
        request = self.loaded_request
        if request is None:
            return
        number = self.number_edit.text().strip()
        year = request.year
        name = f"{FILE_STEMS[request.kind]} {year}.{'xlsx' if xlsx else 'pdf'}"
        print_document(
            self,
            self.ctx,
            _("Print the report") if not xlsx else _("Export the report"),
            lambda ws: ws.report_documents.prepare(request, number),
            lambda prepared, out, _progress: ReportDocumentService.render(prepared, out),
            name,
            xlsx=xlsx,
        )
