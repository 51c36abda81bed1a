"""Progress of one model in a year against the target: per hamlet and for the commune, the
share of those who could register that registered, that passed their saved assessment and that
are recognised, drawn as bars with the target (of the recognised) as a line (ui/charts.py), the
target's source under the chart with a button to set it, and the same figures in a table. The
figures are those of `ws.models.status` (`tthtcd models status`), the target's of
`ws.models.targets` (`tthtcd models targets`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.learning_models import MODELS
from desktop_app.core.learning_subjects import Count, ModelStatus, Target
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_date, format_int, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.charts import BLUE, GREEN, ORANGE, ChartRow, RateChart, Series, rate_text
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.model_assessment import number_text
from desktop_app.ui.model_view import ModelHost, ModelView, name_order, status_with
from desktop_app.ui.widgets import ok_cancel

__all__ = ["ProgressRow", "ProgressView", "TargetDialog", "progress_rows"]

REGISTERED, PASSED, RECOGNISED = "registered", "passed", "recognised"
CHART_HEIGHT_MAX = 520
SERIES = (
    (REGISTERED, N_("Registered"), BLUE),
    (PASSED, N_("Passed the assessment"), GREEN),
    (RECOGNISED, N_("Recognised"), ORANGE),
)


class ProgressRow:
    """One row of the chart and the table: a hamlet, or the commune."""

    __slots__ = ("assessed", "eligible", "name", "passed", "recognised", "registered", "total")

    def __init__(self, name: str, count: Count, total: bool = False) -> None:
        self.name = name
        self.eligible = count.eligible
        self.registered = count.registered
        self.assessed = count.assessed
        self.passed = count.passed
        self.recognised = count.recognised
        self.total = total

    def rates(self) -> dict[str, float | None]:
        """The series' rates: of those who could register."""
        if not self.eligible:
            return {REGISTERED: None, PASSED: None, RECOGNISED: None}
        return {
            REGISTERED: self.registered / self.eligible,
            PASSED: self.passed / self.eligible,
            RECOGNISED: self.recognised / self.eligible,
        }


def progress_rows(status: ModelStatus) -> list[ProgressRow]:
    """The hamlets that have someone who could register or registered, by name (those with
    no hamlet last), then the commune."""
    hamlets = sorted(
        ((name, c) for name, c in status.by_hamlet.items() if c.eligible or c.registered),
        key=lambda nc: (nc[0] == "", name_order(nc[0])),
    )
    rows = [ProgressRow(name or _("(no hamlet)"), c) for name, c in hamlets]
    commune = Count(
        status.registered, status.eligible, status.assessed, status.passed, status.recognised
    )
    rows.append(ProgressRow(_("Whole commune"), commune, total=True))
    return rows


class ProgressModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ProgressRow] = []
        self.headers = [
            _("Hamlet"), _("Could register"), _("Registered"), _("Share registered"),
            _("Assessed"), _("Passed"), _("Share passed"), _("Recognised"), _("Share recognised"),
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
            format_int(r.recognised), rate_text(rates[RECOGNISED]),
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
        self.target: Target | None = None
        self.dialog: TargetDialog | None = None
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
        # Where the target comes from, and setting it.
        target_row = QHBoxLayout()
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        self.target_label.setTextFormat(Qt.TextFormat.PlainText)
        target_row.addWidget(self.target_label, 1)
        self.target_button = QPushButton(_("&Target…"))
        self.target_button.setAutoDefault(False)
        self.target_button.setToolTip(
            _("Set the share to reach, kept in this installation's settings for every year")
        )
        self.target_button.clicked.connect(lambda _c=False: self.open_target())
        target_row.addWidget(self.target_button)
        layout.addLayout(target_row)
        self.table_model = ProgressModel(self)
        self.table = list_table(self.table_model)
        self.table.setAccessibleName(_("Progress hamlet by hamlet"))
        fit_columns(
            self.table, {1: 90, 2: 80, 3: 90, 4: 80, 5: 70, 6: 90, 7: 80, 8: 100}, stretch=(0,)
        )
        layout.addWidget(self.table, 1)
        self.target_button.setEnabled(not self.ctx.read_only)

    def load(self) -> None:
        year, model = self.year, self.model
        known = self.host.status_of(year)
        if known is not None and model in known:
            self.show_status(known[model])
        else:
            known = None if known is None else dict(known)
        asked = self.ask()

        def read(ws: Workspace) -> tuple[dict[str, ModelStatus] | None, Target]:
            have = known is not None and model in known
            status = None if have else status_with(ws, known, year, model)
            return status, ws.models.targets(year)[model]

        def done(value: tuple[dict[str, ModelStatus] | None, Target]) -> None:
            if not self.answered(asked):
                return
            status, target = value
            if status is not None:
                self.host.keep_status(year, status)
                self.show_status(status.get(model))
            self.show_target(target)

        self.ctx.query(read, done, parent=self)

    def show_target(self, target: Target) -> None:
        self.target = target
        rate = rate_text(target.rate)
        if not target.custom:
            text = tr("Target: {target} recognised, from the plans ({source}).",
                      target=rate, source=target.source)  # fmt: skip
        else:
            text = tr(
                "Target: {target} recognised, set in this installation's settings on {date} by "
                "{who} (the plans' target is {default}, {source}).",
                target=rate, date=format_date(target.set_on) if target.set_on else "—",
                who=target.set_by or "—", default=rate_text(target.default_rate),
                source=target.source,
            )  # fmt: skip
        self.target_label.setText(text)
        self.target_button.setEnabled(not self.ctx.read_only)

    def open_target(self) -> TargetDialog | None:
        if self.ctx.read_only:
            errors.report_error(self, _("Target"), self.ctx.read_only_error())
            return None
        rate = self.target.rate if self.target is not None else None
        if rate is None and self.status is not None:
            rate = self.status.target_rate
        self.dialog = TargetDialog(self, rate)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()
        return self.dialog

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
                "{title} {year}: {registered} registered ({rate}), {passed} passed "
                "({passed_rate}), {recognised} recognised ({recognised_rate}) of {eligible} who "
                "could register; the target is {target} recognised.",
                title=MODELS[self.model].title, year=status.year,
                registered=format_int(status.registered), rate=rate_text(rates[REGISTERED]),
                passed=format_int(status.passed), passed_rate=rate_text(rates[PASSED]),
                recognised=format_int(status.recognised),
                recognised_rate=rate_text(rates[RECOGNISED]),
                eligible=format_int(status.eligible), target=rate_text(status.target_rate),
            )
        )  # fmt: skip


class TargetDialog(QDialog):
    """A model's target: the share of those who could register to be recognised, a percentage
    kept in this installation's settings for every year (one operation)."""

    def __init__(self, view: ProgressView, rate: float | None) -> None:
        super().__init__(view)
        self.view = view
        self.saved: float | None = None
        title = MODELS[view.model].title
        self.setWindowTitle(tr("Target of {title}", title=title))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "The share of those who could register that are to be recognised as {title}, "
                "for every year, as the plans of the commune set it.",
                title=title,
            )
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        target = view.target
        if target is not None:
            plans = QLabel(
                tr("The plans' target: {default} ({source}).",
                   default=rate_text(target.default_rate), source=target.source)
            )  # fmt: skip
            plans.setWordWrap(True)
            plans.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(plans)
        form = QFormLayout()
        self.percent_edit = QLineEdit(number_text(round(rate * 100, 2)) if rate is not None else "")
        self.percent_edit.setAccessibleName(_("Target in percent"))
        self.percent_edit.setPlaceholderText(_("from 0 to 100, e.g. 75"))
        form.addRow(_("&Target (%):"), self.percent_edit)
        layout.addLayout(form)
        self.plan_button = QPushButton(_("Use the &plans' target"))
        self.plan_button.setAutoDefault(False)
        self.plan_button.setEnabled(target is not None and target.custom)
        self.plan_button.clicked.connect(lambda _c=False: self.use_plan())
        layout.addWidget(self.plan_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.message, self.ok_button = ok_cancel(self, layout, _("Save"), self.save)

    def use_plan(self) -> None:
        """Forget the target kept here: the plans' applies again."""
        model = self.view.model

        def done(_gone: bool) -> None:
            self.saved = None
            self.accept()
            self.view.host.reload()

        self.view.ctx.op(lambda ws: ws.models.reset_target(model), done, self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        text = errors.error_text(exc)
        if text is None:
            errors.report_error(self, _("Target"), exc)
            return
        self.message.setText(text)

    def save(self) -> None:
        model, text = self.view.model, self.percent_edit.text()

        def done(rate: float) -> None:
            self.saved = rate
            self.accept()
            # A setting is no row an operation announces: the section reads again itself.
            self.view.host.reload()

        self.view.ctx.op(
            lambda ws: ws.models.set_target(model, text), done, self._failed, parent=self
        )
