"""A class's details (new and edit), and the session dates of a new class."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.courses import (
    COURSE_STATUS_LABELS,
    ClassType,
    Course,
    CourseInput,
    CourseStatus,
    validate_course,
)
from desktop_app.core.dates import DateError
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.i18n import _, current_language, problem_text, tr, user_error_text
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.classes.common import BAD_DATE, alive, date_edit, date_text, parse_date
from desktop_app.ui.context import READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.widgets import Banner, FieldMessage, add_field_row

FIELDS = ("type_code", "title", "start", "end", "min_percent")
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MAX_SESSIONS = 200


def type_name(t: ClassType) -> str:
    return t.name_en if current_language() == "en" and t.name_en else t.name


def course_type_name(c: Course) -> str:
    """The class's kind in the UI language (documents keep the Vietnamese name)."""
    return c.type_name_en if current_language() == "en" and c.type_name_en else c.type_name


class CourseFields(QWidget):
    """The fields of a class with inline messages; used by the new-class dialog and the
    Details tab."""

    edited = Signal()

    def __init__(
        self,
        types: Sequence[ClassType],
        course: Course | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.types = {t.code: t for t in types}
        self.messages: dict[str, FieldMessage] = {}
        self._touched: set[str] = set()
        self._loading = False  # filling the fields from a class is no edit
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)

        self.type_box = QComboBox()
        self.type_box.addItem(_("(choose)"), None)
        for t in types:
            if t.active:
                self.type_box.addItem(type_name(t), t.code)
        self._row(form, _("&Kind of class:"), self.type_box, "type_code")
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("e.g. Kỹ thuật trồng lúa vụ Đông Xuân"))
        self._row(form, _("&Title:"), self.title, "title")
        dates = QWidget()
        dates_layout = QHBoxLayout(dates)
        dates_layout.setContentsMargins(0, 0, 0, 0)
        self.start = date_edit()
        self.end = date_edit()
        dates_layout.addWidget(self.start)
        dates_layout.addWidget(QLabel(_("to")))
        dates_layout.addWidget(self.end)
        self._row(form, _("&Dates:"), dates, "start", focus=self.start)
        self.end.setProperty("field", "end")
        self.messages["end"] = self.messages["start"]
        self.partner = QLineEdit()
        self._row(form, _("&Partner:"), self.partner, "partner")
        self.presenter = QLineEdit()
        self._row(form, _("P&resenter:"), self.presenter, "presenter")
        self.venue = QLineEdit()
        self._row(form, _("&Venue:"), self.venue, "venue")
        self.funding = QLineEdit()
        self._row(form, _("F&unding:"), self.funding, "funding")
        self.status = QComboBox()
        for status, label in COURSE_STATUS_LABELS.items():
            self.status.addItem(_(label), status)
        self._row(form, _("&Status:"), self.status, "status")
        rule = QWidget()
        rule_layout = QHBoxLayout(rule)
        rule_layout.setContentsMargins(0, 0, 0, 0)
        self.min_percent = QSpinBox()
        self.min_percent.setRange(0, 100)
        self.min_percent.setSuffix(" %")
        self.min_percent.setValue(80)
        self.needs_result = QCheckBox(_("needs a passing result"))
        rule_layout.addWidget(self.min_percent)
        rule_layout.addWidget(QLabel(_("of sessions attended")))
        rule_layout.addWidget(self.needs_result)
        rule_layout.addStretch(1)
        self._row(form, _("&Completion:"), rule, "min_percent", focus=self.min_percent)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(50)
        self._row(form, _("N&otes:"), self.notes, "notes")

        if course is not None:
            self.load(course)
        for edit in (self.title, self.start, self.end, self.partner, self.presenter):
            edit.textEdited.connect(self._edited)
        for edit in (self.venue, self.funding):
            edit.textEdited.connect(self._edited)
        self.type_box.currentIndexChanged.connect(self._type_changed)
        self.status.currentIndexChanged.connect(self._edited)
        self.min_percent.valueChanged.connect(self._edited)
        self.needs_result.toggled.connect(self._edited)
        self.notes.textChanged.connect(self._edited)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(300)
        self._check_timer.timeout.connect(self.check)

    def _row(
        self,
        form: QFormLayout,
        label: str,
        widget: QWidget,
        field: str,
        focus: QWidget | None = None,
    ) -> None:
        self.messages[field] = add_field_row(form, label, widget, focus)
        (focus or widget).setProperty("field", field)

    def load(self, course: Course) -> None:
        if self.type_box.findData(course.type_code) < 0:
            # A kind no longer in use still shows for the classes that have it.
            t = self.types.get(course.type_code)
            name = type_name(t) if t is not None else course.type_name or course.type_code
            self.type_box.addItem(name, course.type_code)
        self._loading = True
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(course.type_code)))
        self.title.setText(course.title)
        self.start.setText(date_text(course.start))
        self.end.setText(date_text(course.end))
        self.partner.setText(course.partner)
        self.presenter.setText(course.presenter)
        self.venue.setText(course.venue)
        self.funding.setText(course.funding)
        self.status.setCurrentIndex(max(0, self.status.findData(course.status)))
        self.min_percent.setValue(course.rule.min_percent)
        self.needs_result.setChecked(course.rule.needs_result)
        self.notes.setPlainText(course.notes)
        self._loading = False
        self._touched.clear()

    def _type_changed(self) -> None:
        if self._loading:
            return
        t = self.types.get(self.type_box.currentData() or "")
        if t is not None and "min_percent" not in self._touched:
            self.min_percent.setValue(t.default_min_percent)
        self._touched.add("type_code")
        self._edited()

    def _edited(self) -> None:
        if self._loading:
            return
        sender = self.sender()
        field = sender.property("field") if sender is not None else None
        if isinstance(field, str):
            self._touched.add(field)
        if sender is self.end:
            self._touched.add("start")
        self._check_timer.start()
        self.edited.emit()

    # Reading and checking -------------------------------------------------------------

    def read(self) -> tuple[CourseInput | None, list[Problem]]:
        problems: list[Problem] = []
        days: dict[str, dt.date | None] = {}
        for field, edit in (("start", self.start), ("end", self.end)):
            try:
                days[field] = parse_date(edit.text())
            except DateError as e:
                problems.append(Problem(field, e.message, e.params))
                days[field] = None
        data = CourseInput(
            type_code=self.type_box.currentData() or "",
            title=self.title.text(),
            start=days["start"],
            end=days["end"],
            partner=self.partner.text(),
            presenter=self.presenter.text(),
            venue=self.venue.text(),
            funding=self.funding.text(),
            status=CourseStatus(self.status.currentData()),
            min_percent=self.min_percent.value(),
            needs_result=self.needs_result.isChecked(),
            notes=self.notes.toPlainText(),
        )
        problems += validate_course(data, frozenset(self.types))
        return (None if problems else data), problems

    def check(self, *, all_fields: bool = False) -> CourseInput | None:
        self._check_timer.stop()
        if all_fields:
            self._touched.update(FIELDS)
        data, problems = self.read()
        self.show_problems(problems)
        return data

    def show_problems(self, problems: Sequence[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            field = "start" if p.field == "end" else p.field
            by_field.setdefault(field, []).append(problem_text(p))
        for field, message in self.messages.items():
            if field == "end":
                continue
            texts = by_field.get(field, [])
            if texts and field in self._touched:
                message.show_messages(texts)
            else:
                message.clear_message()

    def field_message(self, field: str) -> str:
        message = self.messages[field]
        return message.text() if not message.isHidden() else ""

    def focus_first_problem(self) -> None:
        _data, problems = self.read()
        widgets: dict[str, QWidget] = {
            "type_code": self.type_box, "title": self.title, "start": self.start,
            "end": self.end, "min_percent": self.min_percent,
        }  # fmt: skip
        for p in problems:
            if p.field in widgets:
                widgets[p.field].setFocus()
                return


def plan_dates(
    start: dt.date, count: int, *, weekdays: Sequence[int] = (), step_days: int = 7
) -> list[dt.date]:
    """`count` session dates from `start`: on the given weekdays (0 = Monday), or every
    `step_days` days when no weekday is given."""
    count = max(0, min(count, MAX_SESSIONS))
    if not weekdays:
        step = max(1, step_days)
        return [start + dt.timedelta(days=step * i) for i in range(count)]
    wanted = set(weekdays)
    days: list[dt.date] = []
    for offset in itertools.count():
        day = start + dt.timedelta(days=offset)
        if day.weekday() in wanted:
            days.append(day)
            if len(days) == count:
                break
    return days


class NewCourseDialog(QDialog):
    """New class or topic session: its details and the dates of its sessions."""

    created = Signal(str)  # course id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._saving = False
        self._dates_edited = False
        self.setWindowTitle(_("New class"))
        layout = QVBoxLayout(self)
        self.banner = Banner(error=True)
        layout.addWidget(self.banner)
        self.fields = CourseFields(ctx.reader.courses.class_types())
        layout.addWidget(self.fields)

        plan = QGroupBox(_("Sessions"))
        plan_layout = QVBoxLayout(plan)
        kinds = QHBoxLayout()
        self.one_off = QRadioButton(_("One-off topic session (one date)"))
        self.series = QRadioButton(_("Course of several sessions"))
        self.series.setChecked(True)
        kinds.addWidget(self.one_off)
        kinds.addWidget(self.series)
        kinds.addStretch(1)
        plan_layout.addLayout(kinds)
        self.series_box = QWidget()
        series = QFormLayout(self.series_box)
        series.setContentsMargins(0, 0, 0, 0)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_SESSIONS)
        self.count.setValue(10)
        series.addRow(QLabel(_("Number of sessions:")), self.count)
        days_row = QWidget()
        days_layout = QHBoxLayout(days_row)
        days_layout.setContentsMargins(0, 0, 0, 0)
        self.weekday_boxes: list[QCheckBox] = []
        for name in WEEKDAYS:
            box = QCheckBox(_(name))
            self.weekday_boxes.append(box)
            days_layout.addWidget(box)
        days_layout.addStretch(1)
        series.addRow(QLabel(_("On weekdays:")), days_row)
        self.step = QSpinBox()
        self.step.setRange(1, 60)
        self.step.setValue(7)
        self.step.setSuffix(" " + _("days"))
        series.addRow(QLabel(_("Or every:")), self.step)
        plan_layout.addWidget(self.series_box)
        plan_layout.addWidget(QLabel(_("Session dates (one a line; edit freely):")))
        self.dates = QPlainTextEdit()
        self.dates.setTabChangesFocus(True)
        self.dates.setFixedHeight(110)
        plan_layout.addWidget(self.dates)
        self.dates_message = FieldMessage()
        plan_layout.addWidget(self.dates_message)
        layout.addWidget(plan)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Create class"))
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.one_off.toggled.connect(self._plan_changed)
        self.count.valueChanged.connect(self._plan_changed)
        self.step.valueChanged.connect(self._plan_changed)
        for box in self.weekday_boxes:
            box.toggled.connect(self._plan_changed)
        self.fields.start.textEdited.connect(lambda _t: self._plan_changed())
        self.dates.textChanged.connect(self._dates_typed)
        self.fields.title.setFocus()

    def _dates_typed(self) -> None:
        if not self.dates.signalsBlocked():
            self._dates_edited = True

    def _plan_changed(self) -> None:
        self.series_box.setEnabled(self.series.isChecked())
        try:
            start = parse_date(self.fields.start.text())
        except ValueError:
            start = None
        if start is None:
            return
        if self.one_off.isChecked():
            days = [start]
        else:
            weekdays = [i for i, b in enumerate(self.weekday_boxes) if b.isChecked()]
            days = plan_dates(
                start, self.count.value(), weekdays=weekdays, step_days=self.step.value()
            )
        # A new plan replaces the list: the user asked for it by changing the plan.
        self.dates.blockSignals(True)
        self.dates.setPlainText("\n".join(date_text(d) for d in days))
        self.dates.blockSignals(False)
        self._dates_edited = False

    def session_dates(self) -> tuple[list[dt.date], list[tuple[str, DateError]]]:
        """The typed days, and each line that is not one with what is wrong with it."""
        days: list[dt.date] = []
        bad: list[tuple[str, DateError]] = []
        for line in self.dates.toPlainText().splitlines():
            if not line.strip():
                continue
            try:
                day = parse_date(line)
            except DateError as e:
                bad.append((line.strip(), e))
                continue
            if day is not None:
                days.append(day)
        return sorted(set(days)), bad

    def save(self) -> None:
        if self._saving:
            return
        if self.ctx.read_only:
            self.banner.show_text(_(READ_ONLY_MESSAGE))
            return
        data = self.fields.check(all_fields=True)
        days, bad = self.session_dates()
        if bad:
            unreadable = [line for line, e in bad if e.unreadable]
            # A day that does not exist is named: "30/02/2026: there is no 30 February."
            messages = [f"{line}: {user_error_text(e)}" for line, e in bad if not e.unreadable]
            if unreadable:
                lines = ", ".join(unreadable)
                messages.insert(0, tr("These lines are not dates: {lines}.", lines=lines))
                messages[0] += " " + _(BAD_DATE)
            self.dates_message.show_messages(messages)
        else:
            self.dates_message.clear_message()
        if data is None or bad:
            self.fields.focus_first_problem()
            return
        if self.one_off.isChecked() and days and data.end is None:
            data = CourseInput(**{**data.__dict__, "end": days[0]})
        elif days and data.end is None and len(days) > 1:
            data = CourseInput(**{**data.__dict__, "end": days[-1]})
        self._saving = True
        self.save_button.setEnabled(False)

        def write(ws: Workspace) -> OpResult[str]:
            return ws.courses.create(data, days)

        # The dialog stays open (Cancel is refused) until the answer is back.
        self.ctx.op(write, self._saved, self._failed, parent=self, title=_("New class"))

    def _saved(self, course_id: str) -> None:
        self._saving = False
        self.created.emit(course_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        if not alive(self):
            errors.report_error(None, _("New class"), exc)
            return
        self.save_button.setEnabled(True)
        if isinstance(exc, UserError):
            self.fields.show_problems(exc.problems)
        text = errors.error_text(exc)
        if text is None:
            self.banner.show_text(
                _("The app failed to save the class. What you typed is still here.")
            )
            errors.report_error(self, _("New class"), exc)
            return
        self.banner.show_text(text)

    def reject(self) -> None:
        if self._saving:
            return
        super().reject()


__all__ = ["CourseFields", "NewCourseDialog", "course_type_name", "plan_dates", "type_name"]
