"""Progress of one model in a year against the plans' target: per hamlet and for the commune,
the share of those who could register that registered, and the share that passed their saved
assessment, drawn as bars with the target as a line (ui/charts.py), and the same figures in a
table under the chart. The figures are those of `ws.models.status` (`tthtcd models status`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop_app.core.learning_models import MODELS
from desktop_app.core.learning_subjects import Count, ModelStatus
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_int, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui.charts import BLUE, GREEN, ChartRow, RateChart, Series, rate_text
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.model_view import ModelHost, ModelView, name_order

__all__ = ["ProgressRow", "ProgressView", "progress_rows"]

REGISTERED, PASSED = "registered", "passed"
CHART_HEIGHT_MAX = 460
SERIES = (
    (REGISTERED, N_("Registered"), BLUE),
    (PASSED, N_("Passed the assessment"), GREEN),
)


class ProgressRow:
    """One row of the chart and the table: a hamlet, or the commune."""

    __slots__ = ("assessed", "eligible", "name", "passed", "registered", "total")

    def __init__(self, name: str, count: Count, total: bool = False) -> None:
        self.name = name
        self.eligible = count.eligible
        self.registered = count.registered
        self.assessed = count.assessed
        self.passed = count.passed
        self.total = total

    def rates(self) -> dict[str, float | None]:
        """The series' rates: of those who could register."""
        if not self.eligible:
            return {REGISTERED: None, PASSED: None}
        return {REGISTERED: self.registered / self.eligible, PASSED: self.passed / self.eligible}


def progress_rows(status: ModelStatus) -> list[ProgressRow]:
    """The hamlets that have someone who could register or registered, by name (those with
    no hamlet last), then the commune."""
    hamlets = sorted(
        ((name, c) for name, c in status.by_hamlet.items() if c.eligible or c.registered),
        key=lambda nc: (nc[0] == "", name_order(nc[0])),
    )
    rows = [ProgressRow(name or _("(no hamlet)"), c) for name, c in hamlets]
    commune = Count(status.registered, status.eligible, status.assessed, status.passed)
    rows.append(ProgressRow(_("Whole commune"), commune, total=True))
    return rows


class ProgressModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ProgressRow] = []
        self.headers = [
            _("Hamlet"), _("Could register"), _("Registered"), _("Share registered"),
            _("Assessed"), _("Passed"), _("Share passed"),
        ]  # fmt: skip

    def set_rows(self, rows: list[ProgressRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def cells(self, row: int) -> tuple[str, ...]:
        r = self.rows[row]
        rates = r.rates()
        return (
            r.name, format_int(r.eligible), format_int(r.registered), rate_text(rates[REGISTERED]),
            format_int(r.assessed), format_int(r.passed), rate_text(rates[PASSED]),
        )  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.rows[index.row()].total:
            font = QFont()
            font.setBold(True)
            return font
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.cells(index.row())[index.column()]


class ProgressView(ModelView):
    def __init__(self, host: ModelHost, model: str, parent: QWidget | None = None) -> None:
        super().__init__(host, model, parent)
        self.status: ModelStatus | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        layout.addWidget(self.summary)
        self.chart = RateChart()
        self.chart.setAccessibleName(
            tr("Progress of {title} against the target", title=MODELS[model].title)
        )
        self.chart.empty_text = _("No one could register yet.")
        self.chart_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.chart)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(scroll)
        self.table_model = ProgressModel(self)
        self.table = list_table(self.table_model)
        self.table.setAccessibleName(_("Progress hamlet by hamlet"))
        fit_columns(self.table, {1: 90, 2: 80, 3: 90, 4: 80, 5: 70, 6: 90}, stretch=(0,))
        layout.addWidget(self.table, 1)

    def load(self) -> None:
        year = self.year
        known = self.host.status_of(year)
        if known is not None:
            self.show_status(known.get(self.model))
            return
        asked = self.ask()

        def done(status: dict[str, ModelStatus]) -> None:
            if not self.answered(asked):
                return
            self.host.keep_status(year, status)
            self.show_status(status.get(self.model))

        self.ctx.query(lambda ws: _status(ws, year), done, parent=self)

    def show_status(self, status: ModelStatus | None) -> None:
        self.status = status
        rows = progress_rows(status) if status is not None else []
        self.table_model.set_rows(rows)
        target = status.target_rate if status is not None else None
        self.chart.set_data(
            [Series(key, _(label), color) for key, label, color in SERIES],
            [ChartRow(r.name, r.rates(), r.total) for r in rows],
            target,
            _("Target"),
        )
        # The chart whole when it fits; a long list of hamlets scrolls.
        wanted = self.chart.minimumHeight() + 2 * self.chart_area.frameWidth() + 2
        self.chart_area.setMinimumHeight(min(wanted, CHART_HEIGHT_MAX))
        self.chart_area.setMaximumHeight(min(wanted, CHART_HEIGHT_MAX))
        if status is None:
            self.summary.setText("")
            return
        rates = rows[-1].rates()
        self.summary.setText(
            tr(
                "{title} {year}: {registered} registered ({rate}), {passed} passed ({passed_rate}) "
                "of {eligible} who could register; the plans' target is {target}.",
                title=MODELS[self.model].title, year=status.year,
                registered=format_int(status.registered), rate=rate_text(rates[REGISTERED]),
                passed=format_int(status.passed), passed_rate=rate_text(rates[PASSED]),
                eligible=format_int(status.eligible), target=rate_text(status.target_rate),
            )
        )  # fmt: skip


def _status(ws: Workspace, year: int) -> dict[str, ModelStatus]:
    return ws.models.status(year)
