"""The home page (Trang chủ), the first after start: the year's key figures as large numbers,
four small charts and the next reporting deadlines, each with a button to the page of the
report it needs.

The figures are `ws.dashboard.figures(year)`, read on the query thread; the page keeps them
for the day and reads them again when an operation touches a table they come from
(`DASHBOARD_TABLES`), or the next time it is shown if it was hidden then. The deadlines are
`ws.deadlines.upcoming()`, changed in the "Hạn nộp báo cáo…" dialog (`DeadlinesDialog`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.deadlines import (
    ANNUAL,
    COMMUNE_REPORT,
    COMMUNITY_DOSSIER,
    KHUYEN_HOC_MONTH,
    UNIT_DOSSIER,
    Deadline,
    Upcoming,
)
from desktop_app.core.learning_models import MODELS
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_date, format_int, format_money, format_percent, ngettext, tr
from desktop_app.services.dashboard import (
    DASHBOARD_TABLES,
    DashboardFigures,
    figures_from_json,
    figures_to_json,
)
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.charts import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    TEAL,
    ChartRow,
    ColumnChart,
    RateChart,
    Series,
    rate_text,
)
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.import_wizard import list_table
from desktop_app.ui.list_model import Index, ListModel
from desktop_app.ui.settings_page import app_settings
from desktop_app.ui.widgets import ERROR_STYLE, confirm

__all__ = ["DeadlinesDialog", "HomeDashboard", "days_left_text", "deadline_title"]

SHOWN_DEADLINES = 5
# The kinds of class drawn apart in the monthly chart; the rest are added up as "other".
KINDS_DRAWN = 4
KIND_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, TEAL)
OTHER_KINDS = "__other__"
OVERDUE_STYLE = "color: #b00020; font-weight: bold;"
SOON_DAYS = 14
MONTHS = tuple(f"{m}" for m in range(1, 13))
FIRST_YEAR = 2000

# What each report's button says; the page it opens is the main window's (`open_report`).
REPORT_BUTTONS = {
    KHUYEN_HOC_MONTH: N_("Khuyến học report…"),
    ANNUAL: N_("Annual report…"),
    COMMUNE_REPORT: N_("Annual report…"),
    UNIT_DOSSIER: N_("Learning units…"),
    COMMUNITY_DOSSIER: N_("Learning communities…"),
}


def deadline_title(deadline: Deadline) -> str:
    """The plans' deadlines are msgids; the centre's own are shown as typed."""
    return deadline.title if deadline.custom else _(deadline.title)


def days_left_text(days: int) -> str:
    if days == 0:
        return _("due today")
    if days < 0:
        return ngettext("overdue by {n} day", "overdue by {n} days", -days).format(n=-days)
    return ngettext("{n} day left", "{n} days left", days).format(n=days)


def million_text(value: float) -> str:
    """An amount of đồng on a chart's axis, in millions: "1.250 tr", "2,5 tr"."""
    millions = value / 1_000_000
    if millions == int(millions):
        return tr("{n} M", n=format_int(int(millions)))
    # One decimal, with the language's decimal mark (format_percent writes "2,5 %").
    return tr("{n} M", n=format_percent(millions).removesuffix("%").strip())


def count_text(value: float) -> str:
    return format_int(round(value))


class FigureTile(QFrame):
    """A key figure: the number large, its caption under it, a detail line below."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.number = QLabel("—")
        font = QFont(self.number.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.number)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.detail)
        self.setAccessibleName(caption)

    def show_figure(self, number: str, detail: str = "") -> None:
        self.number.setText(number)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleDescription(f"{number} {detail}".strip())


def _section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class HomeDashboard(QWidget):
    """Trang chủ."""

    # A deadline's button: the report it needs (core.deadlines.REPORT_KEYS).
    open_report = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today: Callable[[], dt.date] = dt.date.today
        self._figures: dict[int, DashboardFigures] = {}
        self._asked = 0
        self.figures: DashboardFigures | None = None
        self.deadlines: list[Upcoming] = []
        self.deadline_buttons: list[QPushButton] = []
        self.deadline_labels: list[QLabel] = []
        self.dialog: DeadlinesDialog | None = None
        self.info_box: object = None
        self.loads = 0  # how many times the figures were read (for tests)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)

        top = QHBoxLayout()
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        top.addWidget(self.title, 1)
        top.addWidget(QLabel(_("Year:")))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(FIRST_YEAR, self.today().year + 1)
        self.year_spin.setValue(self.today().year)
        self.year_spin.setAccessibleName(_("Year"))
        self.year_spin.valueChanged.connect(lambda _y: self.load())
        top.addWidget(self.year_spin)
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        tiles = QGridLayout()
        self.classes_tile = FigureTile(_("classes and topic sessions"))
        self.attendances_tile = FigureTile(_("learner-attendances (lượt)"))
        self.learners_tile = FigureTile(_("learners (each person once)"))
        self.members_tile = FigureTile(_("Hội Khuyến học members"))
        self.fund_tile = FigureTile(_("in the funds"))
        self.models_tile = FigureTile(_("learning models recognised"))
        for i, tile in enumerate(
            (self.classes_tile, self.attendances_tile, self.learners_tile,
             self.members_tile, self.fund_tile, self.models_tile)
        ):  # fmt: skip
            tiles.addWidget(tile, i // 3, i % 3)
        layout.addLayout(tiles)

        deadline_top = QHBoxLayout()
        deadline_top.addWidget(_section_title(_("Reports due")), 1)
        self.deadlines_button = QPushButton(_("Report &deadlines…"))
        self.deadlines_button.setAutoDefault(False)
        self.deadlines_button.setToolTip(_("Change the days, add the centre's own deadlines"))
        self.deadlines_button.clicked.connect(lambda _c=False: self.open_deadlines())
        deadline_top.addWidget(self.deadlines_button)
        layout.addLayout(deadline_top)
        self.deadline_grid = QGridLayout()
        self.deadline_grid.setColumnStretch(1, 1)
        layout.addLayout(self.deadline_grid)
        charts = QGridLayout()
        self.attendance_chart = ColumnChart()
        self.attendance_chart.setAccessibleName(_("Learner-attendances per month"))
        self.attendance_chart.empty_text = _("No attendance recorded this year.")
        self.members_chart = ColumnChart()
        self.members_chart.setAccessibleName(_("Members by hamlet"))
        self.members_chart.empty_text = _("No members yet.")
        self.fund_chart = ColumnChart()
        self.fund_chart.setAccessibleName(_("Fund balance at each month's end"))
        self.fund_chart.empty_text = _("No fund yet.")
        self.models_chart = RateChart()
        self.models_chart.setAccessibleName(_("Learning models against their targets"))
        self.models_chart.empty_text = _("No one could register yet.")
        self.models_chart.setMinimumWidth(260)
        for i, (title, chart) in enumerate(
            (
                (_("Learner-attendances per month, by kind of class"), self.attendance_chart),
                (_("Members by hamlet"), self.members_chart),
                (_("Fund balance at each month's end (million đồng)"), self.fund_chart),
                (_("Learning models: registered and recognised against the target"),
                 self.models_chart),
            )
        ):  # fmt: skip
            box = QVBoxLayout()
            box.addWidget(_section_title(title))
            box.addWidget(chart)
            box.addStretch(1)
            charts.addLayout(box, i // 2, i % 2)
        layout.addLayout(charts)

        layout.addStretch(1)

        ctx.subscribe(self, DASHBOARD_TABLES, self._changed)
        self._show_title()

    # Reading ------------------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.year_spin.value()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _saved_key(self, year: int) -> str:
        place = hashlib.sha1(str(self.ctx.path.resolve()).encode()).hexdigest()[:16]
        return f"home/figures/{place}/{year}"

    def _saved(self, year: int) -> DashboardFigures | None:
        """The figures the last run kept for this database and year, if they are today's
        and nothing was saved since (the database's change counter is the same): the page
        then shows them at once instead of counting 200,000 people again."""
        raw = app_settings().value(self._saved_key(year))
        if not isinstance(raw, str):
            return None
        try:
            data = json.loads(raw)
            figures = figures_from_json(data["figures"])
            version = int(data["version"])
        except (KeyError, TypeError, ValueError):
            return None  # written by another version, or damaged: count again
        if figures.computed_on != self.today() or figures.year != year:
            return None
        if version != self.ctx.reader.dashboard.version():
            return None
        return figures

    def _save(self, figures: DashboardFigures, version: int) -> None:
        data = {"version": version, "figures": figures_to_json(figures)}
        app_settings().setValue(self._saved_key(figures.year), json.dumps(data))

    def refresh(self) -> None:
        """Show the kept figures if they are today's, else read them (only while shown)."""
        if self.year not in self._figures:
            saved = self._saved(self.year)
            if saved is not None:
                self._figures[self.year] = saved
        kept = self._figures.get(self.year)
        if kept is not None and kept.computed_on == self.today():
            if kept is not self.figures:
                self.show_figures(kept)
            return
        if self.isVisible():
            self.load()

    def load(self) -> None:
        """Read the year's figures and the deadlines on the query thread."""
        year, today = self.year, self.today()
        if year not in self._figures:
            saved = self._saved(year)
            if saved is not None:
                self._figures[year] = saved
        kept = self._figures.get(year)
        fresh = kept if kept is not None and kept.computed_on == today else None
        if fresh is not None:
            self.show_figures(fresh)
        else:
            self.status.setText(_("Counting the year's figures…"))
        self._asked += 1
        asked = self._asked

        def read(ws: Workspace) -> tuple[DashboardFigures, int, list[Upcoming]]:
            # The counter first: a save in between leaves the kept figures marked stale.
            version = ws.dashboard.version()
            figures = fresh if fresh is not None else ws.dashboard.figures(year, today)
            return figures, version, ws.deadlines.upcoming(today)

        def done(value: tuple[DashboardFigures, int, list[Upcoming]]) -> None:
            if asked != self._asked:
                return  # a newer read is on its way
            figures, version, deadlines = value
            if figures is not fresh:
                self._figures[year] = figures
                self._save(figures, version)
            if year == self.year:
                self.show_figures(figures)
            self.show_deadlines(deadlines)

        def failed(exc: BaseException) -> None:
            if asked == self._asked:
                self.status.setText("")
            errors.report_error(self, _("Home"), exc)

        if fresh is None:
            self.loads += 1
        self.ctx.query(read, done, failed, parent=self)

    def reload_deadlines(self) -> None:
        today = self.today()
        self.ctx.query(lambda ws: ws.deadlines.upcoming(today), self.show_deadlines, parent=self)

    def _changed(self, _changes: object) -> None:
        self._figures.clear()
        if self.isVisible():
            self.load()

    # Showing ------------------------------------------------------------------------------

    def _show_title(self) -> None:
        self.title.setText(tr("The year {year} at a glance", year=self.year))

    def show_figures(self, f: DashboardFigures) -> None:
        self.figures = f
        self._show_title()
        self.status.setText(_("Nothing is recorded for this year yet.") if f.empty else "")
        self.classes_tile.show_figure(format_int(f.classes))
        self.attendances_tile.show_figure(format_int(f.attendances))
        self.learners_tile.show_figure(format_int(f.learners))
        share = f.member_share
        self.members_tile.show_figure(
            format_int(f.members),
            tr("{share} of the population ({population})", share=rate_text(share),
               population=format_int(f.population)) if f.population else
            _("the hamlets' populations are not entered (Settings)"),
        )  # fmt: skip
        self.fund_tile.show_figure(
            format_money(f.fund_balance),
            tr("on {date}", date=format_date(min(dt.date(f.year, 12, 31), f.computed_on))),
        )
        self.models_tile.show_figure(
            format_int(f.models_recognised),
            tr("of {registered} registered", registered=format_int(f.models_registered)),
        )
        self._show_attendance(f)
        hamlets = [h for h in f.members_by_hamlet if h.members or h.population]
        self.members_chart.set_data(
            [h.name for h in hamlets],
            [Series("members", _("Members"), BLUE)],
            {"members": [h.members for h in hamlets]},
            integer=True,
            value_text=count_text,
        )
        self.fund_chart.set_data(
            list(MONTHS),
            [Series("balance", _("Balance"), GREEN)],
            {"balance": list(f.fund_by_month)},
            line=True,
            value_text=million_text,
        )
        self.models_chart.set_data(
            [
                Series("registered", _("Registered"), BLUE),
                Series("recognised", _("Recognised"), ORANGE),
                Series("target", _("Target"), GREY),
            ],
            [
                ChartRow(
                    _(MODELS[m.model].label),
                    {
                        "registered": m.registered_rate,
                        "recognised": m.recognised_rate,
                        "target": m.target,
                    },
                )
                for m in f.models
            ],
        )

    def _show_attendance(self, f: DashboardFigures) -> None:
        drawn = f.attendance_by_kind[:KINDS_DRAWN]
        rest = f.attendance_by_kind[KINDS_DRAWN:]
        series = [Series(k.code, k.name, KIND_COLOURS[i]) for i, k in enumerate(drawn)]
        values: dict[str, list[float | None]] = {k.code: list(k.months) for k in drawn}
        if rest:
            series.append(Series(OTHER_KINDS, _("Other kinds"), GREY))
            values[OTHER_KINDS] = [sum(k.months[m] for k in rest) for m in range(12)]
        self.attendance_chart.set_data(
            list(MONTHS), series, values, integer=True, value_text=count_text
        )

    def show_deadlines(self, deadlines: list[Upcoming]) -> None:
        self.deadlines = deadlines
        while (item := self.deadline_grid.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.deadline_buttons = []
        self.deadline_labels = []
        for row, u in enumerate(deadlines[:SHOWN_DEADLINES]):
            d = u.deadline
            when = format_date(u.date) + (f" ({d.span})" if d.span else "")
            date_label = QLabel(when)
            title = QLabel(deadline_title(d))
            title.setWordWrap(True)
            title.setToolTip(d.source)
            left = QLabel(days_left_text(u.days_left))
            if u.overdue:
                for label in (date_label, title, left):
                    label.setStyleSheet(OVERDUE_STYLE)
            elif u.days_left <= SOON_DAYS:
                bold = QFont(left.font())
                bold.setBold(True)
                left.setFont(bold)
            self.deadline_grid.addWidget(date_label, row, 0)
            self.deadline_grid.addWidget(title, row, 1)
            self.deadline_grid.addWidget(left, row, 2)
            self.deadline_labels.append(left)
            if d.report:
                button = QPushButton(_(REPORT_BUTTONS[d.report]))
                button.setAutoDefault(False)
                button.clicked.connect(lambda _c=False, r=d.report: self.open_report.emit(r))
                self.deadline_grid.addWidget(button, row, 3)
                self.deadline_buttons.append(button)
        if not deadlines:
            self.deadline_grid.addWidget(QLabel(_("No deadlines.")), 0, 0, 1, 4)

    # Reports and deadlines -----------------------------------------------------------------

    def open_deadlines(self) -> DeadlinesDialog:
        self.dialog = DeadlinesDialog(self)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()
        return self.dialog


class DeadlinesModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Upcoming] = []
        self.headers = [_("Day"), _("Report"), _("Next"), _("Set by")]

    def set_rows(self, rows: list[Upcoming]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        u = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return u.deadline.source or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        d = u.deadline
        title = deadline_title(d) + ("" if not d.custom else " " + _("(your own)"))
        cells = (
            d.day_text,
            title,
            f"{format_date(u.date)} ({days_left_text(u.days_left)})",
            d.source,
        )
        return cells[index.column()]


class DeadlinesDialog(QDialog):
    """Hạn nộp báo cáo: every deadline; change the day of the one chosen, add one of the
    centre's own, remove one of those, or put the plans' deadlines back. Each change is one
    operation; the home page reads the deadlines again after it."""

    def __init__(self, page: HomeDashboard) -> None:
        super().__init__(page)
        self.page = page
        self.ctx = page.ctx
        self.setWindowTitle(_("Report deadlines"))
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "The days the reports are due every year, from the plans the centre answers "
                "to. Change a day where your district or province sets another, and add the "
                "deadlines of your own."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = DeadlinesModel(self)
        self.table = list_table(self.model)
        self.table.setAccessibleName(_("Report deadlines"))
        fit_columns(self.table, {0: 80, 2: 170, 3: 200}, stretch=(1,))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._chosen())
        layout.addWidget(self.table, 1)

        change = QHBoxLayout()
        change.addWidget(QLabel(_("New day for the one chosen (dd/mm):")))
        self.day_edit = QLineEdit()
        self.day_edit.setAccessibleName(_("New day"))
        self.day_edit.setPlaceholderText("06/10")
        self.day_edit.setMaximumWidth(90)
        change.addWidget(self.day_edit)
        self.set_button = QPushButton(_("&Change the day"))
        self.set_button.setAutoDefault(False)
        self.set_button.clicked.connect(lambda _c=False: self.set_day())
        change.addWidget(self.set_button)
        self.remove_button = QPushButton(_("&Remove"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip(_("Only the deadlines you added can be removed"))
        self.remove_button.clicked.connect(lambda _c=False: self.remove())
        change.addWidget(self.remove_button)
        change.addStretch(1)
        layout.addLayout(change)

        form = QFormLayout()
        add_row = QHBoxLayout()
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName(_("Title of the new deadline"))
        self.title_edit.setPlaceholderText(_("e.g. Báo cáo sơ kết học kỳ I"))
        add_row.addWidget(self.title_edit, 1)
        self.add_day_edit = QLineEdit()
        self.add_day_edit.setAccessibleName(_("Day of the new deadline"))
        self.add_day_edit.setPlaceholderText("dd/mm")
        self.add_day_edit.setMaximumWidth(90)
        add_row.addWidget(self.add_day_edit)
        self.add_button = QPushButton(_("&Add"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda _c=False: self.add())
        add_row.addWidget(self.add_button)
        form.addRow(_("A deadline of your own:"), add_row)
        layout.addLayout(form)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.reset_button = buttons.addButton(
            _("Put the plans' deadlines &back…"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.reset_button.setAutoDefault(False)
        self.reset_button.clicked.connect(lambda _c=False: self.ask_reset())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        writable = not self.ctx.read_only
        for w in (self.set_button, self.remove_button, self.add_button, self.reset_button):
            w.setEnabled(writable)
        self.confirm_box: object = None
        self.load()

    def load(self, select: str | None = None) -> None:
        today = self.page.today()

        def done(rows: list[Upcoming]) -> None:
            self.model.set_rows(rows)
            keys = [u.deadline.key for u in rows]
            if select in keys:
                self.table.selectRow(keys.index(select))
            self._chosen()

        self.ctx.query(lambda ws: ws.deadlines.upcoming(today), done, parent=self)

    def chosen(self) -> Deadline | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row].deadline if 0 <= row < len(self.model.rows) else None

    def _chosen(self) -> None:
        d = self.chosen()
        writable = not self.ctx.read_only
        self.set_button.setEnabled(writable and d is not None)
        self.remove_button.setEnabled(writable and d is not None and d.custom)
        if d is not None:
            self.day_edit.setText(f"{d.day:02d}/{d.month:02d}")

    def _run(
        self, fn: Callable[[Workspace], OpResult[Any]], then: Callable[[], None] | None = None
    ) -> None:
        self.message.setText("")

        def done(value: object) -> None:
            self.load(value if isinstance(value, str) else None)
            self.page.reload_deadlines()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            text = errors.error_text(exc)
            if text is None:
                errors.report_error(self, _("Report deadlines"), exc)
                return
            self.message.setText(text)

        self.ctx.op(fn, done, failed, parent=self)

    def set_day(self) -> None:
        d = self.chosen()
        if d is None:
            return
        key, day = d.key, self.day_edit.text()
        self._run(lambda ws: ws.deadlines.set_day(key, day))

    def add(self) -> None:
        title, day = self.title_edit.text(), self.add_day_edit.text()

        def added() -> None:
            self.title_edit.clear()
            self.add_day_edit.clear()

        self._run(lambda ws: ws.deadlines.add(title, day), added)

    def remove(self) -> None:
        d = self.chosen()
        if d is None or not d.custom:
            return
        key = d.key
        self._run(lambda ws: ws.deadlines.remove(key))

    def ask_reset(self) -> None:
        self.confirm_box = confirm(
            self,
            _("Report deadlines"),
            _(
                "Put back the plans' deadlines? The days you changed go back to the plans' "
                "and the deadlines you added are removed."
            ),
            _("Put back"),
            lambda: self._run(lambda ws: ws.deadlines.reset()),
        )
