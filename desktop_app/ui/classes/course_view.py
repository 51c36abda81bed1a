"""One class: details, sessions, enrolment, attendance, results, completers and papers.

The page is drawn from one snapshot (the course, its attendance grid, its enrolments), read
by a query off the GUI thread when the page opens and again after every op that changed
what it shows. Tabs are built when first shown and fill from the latest snapshot.

The page may close while its work is still running, so the work started here has no parent
widget, and every answer checks that the page is still there (`alive`).
"""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.courses import AttendanceGrid, Course, Session
from desktop_app.core.dates import DateError
from desktop_app.core.problems import N_, UserError
from desktop_app.i18n import _, tr, user_error_text
from desktop_app.services.ops import OpChanges
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.classes.attendance import AttendanceTab
from desktop_app.ui.classes.common import (
    BAD_DATE,
    ClassSnapshot,
    Column,
    RowsModel,
    alive,
    course_dates_text,
    date_edit,
    date_text,
    parse_date,
    read_class,
    reporter,
    selected_row,
    setup_table,
    show_inline,
    status_label,
)
from desktop_app.ui.classes.course_form import CourseFields, course_type_name
from desktop_app.ui.classes.enrolment import EnrolmentTab, counts_text
from desktop_app.ui.classes.printing import ClassPrinter
from desktop_app.ui.classes.results import CompletersTab, ResultsTab
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets import Banner, FieldMessage, confirm

DETAILS, SESSIONS, ENROLMENT, ATTENDANCE, RESULTS, COMPLETERS = range(6)
# What the page shows: people's names, certificates on the completers' list.
# The tabs: each fills itself from a snapshot.
SnapshotTab: TypeAlias = (
    "DetailsTab | SessionsTab | EnrolmentTab | AttendanceTab | ResultsTab | CompletersTab"
)
COURSE_KINDS = frozenset(
    {"course", "session", "enrolment", "attendance", "person", "certificate", "class_type"}
)


class CourseView(QWidget):
    back_requested = Signal()
    deleted = Signal(str)
    # A snapshot was read and shown.
    loaded = Signal()
    # The first read failed (the error was shown): the view is of no use.
    load_failed = Signal(object)

    def __init__(self, ctx: AppContext, course_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.course: Course | None = None
        self.snapshot: ClassSnapshot | None = None
        self.loading = False
        self.closed = False
        self._generation = 0
        self.printer = ClassPrinter(self, ctx, course_id)
        self.confirm_box: object = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.back_button = QPushButton(_("← All classes"))
        self.back_button.setAutoDefault(False)
        self.back_button.setToolTip(_("Back to the list of classes (Alt+Left)"))
        self.back_button.setShortcut("Alt+Left")
        self.back_button.clicked.connect(self.back_requested.emit)
        top.addWidget(self.back_button)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)  # a long class title must not widen the window
        top.addWidget(self.title, 1)
        self.counts = QLabel()
        top.addWidget(self.counts)
        layout.addLayout(top)
        self.subtitle = QLabel(_("Loading…"))
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.details: DetailsTab | None = None
        self.sessions: SessionsTab | None = None
        self.enrolment: EnrolmentTab | None = None
        self.attendance: AttendanceTab | None = None
        self.results: ResultsTab | None = None
        self.completers: CompletersTab | None = None
        for title in (
            _("&Details"), _("&Sessions"), _("&Enrolment"), _("&Attendance"), _("&Results"),
            _("&Completers and printing"),
        ):  # fmt: skip
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, title)
        self.tabs.currentChanged.connect(self._tab_shown)
        ctx.subscribe(self, COURSE_KINDS, self._on_change)
        self.reload()

    # Tabs, built on first view --------------------------------------------------------

    def show_tab(self, tab: int) -> QWidget:
        self.tabs.setCurrentIndex(tab)
        self._tab_shown(tab)
        return self.tab_widget(tab)

    def tab_widget(self, tab: int) -> QWidget:
        holder = self.tabs.widget(tab)
        layout = holder.layout() if holder is not None else None
        assert layout is not None
        if layout.count() == 0:
            layout.addWidget(self._build(tab))
        item = layout.itemAt(0)
        widget = item.widget() if item is not None else None
        assert widget is not None
        return widget

    def _build(self, tab: int) -> QWidget:
        ctx, cid = self.ctx, self.course_id
        widget: SnapshotTab
        if tab == DETAILS:
            self.details = DetailsTab(ctx, cid, self)
            self.details.delete_requested.connect(self.delete_course)
            widget = self.details
        elif tab == SESSIONS:
            self.sessions = SessionsTab(ctx, cid, self)
            widget = self.sessions
        elif tab == ENROLMENT:
            self.enrolment = EnrolmentTab(ctx, cid, self)
            widget = self.enrolment
        elif tab == ATTENDANCE:
            self.attendance = AttendanceTab(ctx, cid, self)
            self.attendance.reload_requested.connect(self.reload)
            widget = self.attendance
        elif tab == RESULTS:
            self.results = ResultsTab(ctx, cid, self)
            self.results.reload_requested.connect(self.reload)
            widget = self.results
        else:
            self.completers = CompletersTab(ctx, cid, self.printer.actions(), self)
            self.completers.reload_requested.connect(self.reload)
            widget = self.completers
        if self.snapshot is not None:
            widget.show_snapshot(self.snapshot)
        return widget

    def _built_tabs(self) -> list[SnapshotTab]:
        tabs = (
            self.details, self.sessions, self.enrolment, self.attendance, self.results,
            self.completers,
        )  # fmt: skip
        return [t for t in tabs if t is not None]

    def _tab_shown(self, tab: int) -> None:
        widget = self.tab_widget(tab)
        if tab == ENROLMENT and isinstance(widget, EnrolmentTab):
            widget.search_box.setFocus()
        elif tab == ATTENDANCE and isinstance(widget, AttendanceTab):
            widget.view.setFocus()

    # Header ---------------------------------------------------------------------------

    def _show_header(self, c: Course) -> None:
        self.title.setText(c.title)
        parts = [course_type_name(c), course_dates_text(c), status_label(c.status)]
        if c.venue:
            parts.append(c.venue)
        self.subtitle.setText(" · ".join(p for p in parts if p))
        self.counts.setText(counts_text(c.enrolled, c.attendances))

    # Loading and refreshing -----------------------------------------------------------

    def reload(self) -> None:
        """Read the class again on the query thread; only the newest answer is shown."""
        if self.closed:
            return
        self._generation += 1
        generation = self._generation
        course_id = self.course_id
        first = self.snapshot is None
        self.loading = True

        def read(ws: Workspace) -> ClassSnapshot:
            return read_class(ws, course_id)

        def current() -> bool:
            return not self.closed and alive(self) and generation == self._generation

        def done(snapshot: ClassSnapshot) -> None:
            if current():
                self.show_snapshot(snapshot)

        def failed(exc: BaseException) -> None:
            if not current():
                return
            self.loading = False
            if first:
                # The page is of no use and goes: the message stays on what is left.
                errors.report_error(self.parentWidget(), _("Classes"), exc)
                self.load_failed.emit(self)
            else:
                errors.report_error(self, _("Classes"), exc)

        # No title: a page's own refresh shows no progress dialog; the header says
        # "Loading…" until the first answer. No parent: the answer comes back (and is
        # dropped) even if the page closed meanwhile.
        self.ctx.query(read, done, failed)

    def show_snapshot(self, snapshot: ClassSnapshot) -> None:
        self.snapshot = snapshot
        self.course = snapshot.course
        self.loading = False
        self._show_header(snapshot.course)
        for tab in self._built_tabs():
            tab.show_snapshot(snapshot)
        self.loaded.emit()

    def _on_change(self, changes: OpChanges) -> None:
        if self.closed:
            return
        courses = changes.ids_of("course")
        if changes.kinds == {"course"} and courses and self.course_id not in courses:
            return  # another class changed
        if self.course_id in courses and changes.op == "course.delete":
            return  # ours, deleted: the page closes
        self.reload()

    def close_view(self) -> None:
        """The page leaves the screen: answers still on their way are dropped."""
        self.closed = True
        self._generation += 1

    # Delete ---------------------------------------------------------------------------

    def delete_course(self) -> None:
        if self.course is None:
            return
        course_id, title = self.course_id, self.course.title

        def do_delete() -> None:
            self.ctx.op(
                lambda ws: ws.courses.delete(course_id),
                lambda _id: self.deleted.emit(course_id) if alive(self) else None,
                reporter(self, _("Delete class")),
                title=_("Delete class"),
            )

        self.confirm_box = confirm(
            self,
            _("Delete class"),
            tr("Delete the class {title}?", title=title),
            _("Delete"),
            do_delete,
        )


class DetailsTab(QWidget):
    delete_requested = Signal()

    def __init__(self, ctx: AppContext, course_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.course: Course | None = None
        self._saving = False
        layout = QVBoxLayout(self)
        self.banner = Banner(error=True)
        layout.addWidget(self.banner)
        # The kinds fill a combo box: a small read on the GUI thread's reader.
        self.fields = CourseFields(ctx.reader.courses.class_types(include_inactive=True))
        self.fields.setEnabled(False)  # until the class is read
        layout.addWidget(self.fields)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.saved_label = QLabel()
        buttons.addWidget(self.saved_label, 1)
        self.delete_button = QPushButton(_("Delete class…"))
        self.delete_button.setAutoDefault(False)
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setAutoDefault(False)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete_requested.emit)
        self.fields.edited.connect(lambda: self.saved_label.setText(""))
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only and self.course is not None
        self.save_button.setEnabled(writable)
        self.delete_button.setEnabled(writable)

    def show_snapshot(self, snapshot: ClassSnapshot) -> None:
        # The fields are filled once: a later change elsewhere must not wipe what is typed.
        if self.course is None:
            self.fields.load(snapshot.course)
            self.fields.setEnabled(True)
        self.course = snapshot.course
        self._update_buttons()

    def save(self) -> None:
        if self._saving or self.course is None:
            return
        data = self.fields.check(all_fields=True)
        if data is None:
            self.fields.focus_first_problem()
            return
        course_id = self.course_id
        self._saving = True
        title = _("Save")

        def done(_id: str) -> None:
            self._saving = False
            if alive(self):
                self.banner.show_text("")
                self.saved_label.setText(_("Saved."))

        def failed(exc: BaseException) -> None:
            self._saving = False
            if not alive(self):
                errors.report_error(None, title, exc)
                return
            if isinstance(exc, UserError) and exc.problems:
                self.fields.show_problems(exc.problems)
            show_inline(self, title, exc, self.banner.show_text)

        self.ctx.op(lambda ws: ws.courses.update(course_id, data), done, failed, title=title)


def _session_attended(s: Session, totals: dict[str, int]) -> str:
    return str(totals.get(s.id, 0))


class SessionsTab(QWidget):
    def __init__(self, ctx: AppContext, course_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.totals: dict[str, int] = {}
        self.dialog: SessionDialog | None = None
        self.confirm_box: object = None
        layout = QVBoxLayout(self)
        self.model = RowsModel(
            [
                Column(N_("Date"), lambda s: date_text(s.day), key=lambda s: s.day),
                Column(N_("Topic"), lambda s: s.topic),
                Column(
                    N_("Present"),
                    lambda s: _session_attended(s, self.totals),
                    number=True,
                    key=lambda s: self.totals.get(s.id, 0),
                ),
            ],
            self,
        )
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(self.model)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(1, 380)
        self.table.activated.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("&Add session…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.remove_button = QPushButton(_("&Remove"))
        for button, slot in (
            (self.add_button, self.add),
            (self.edit_button, self.edit_selected),
            (self.remove_button, self.remove_selected),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_snapshot(self, snapshot: ClassSnapshot) -> None:
        self.show_grid(snapshot.grid)

    def show_grid(self, grid: AttendanceGrid) -> None:
        totals = grid.session_totals()
        self.totals = {s.id: totals[j] for j, s in enumerate(grid.sessions)}
        self.model.set_rows(list(grid.sessions))

    def selected(self) -> Session | None:
        row = selected_row(self.table)
        return self.model.row_at(row) if row is not None else None

    def add(self) -> None:
        last = self.model.rows[-1].day if self.model.rows else None
        suggestion = last + dt.timedelta(days=7) if last else dt.date.today()
        self._open(None, suggestion, "")

    def edit_selected(self) -> None:
        session = self.selected()
        if session is not None:
            self._open(session, session.day, session.topic)

    def _open(self, session: Session | None, day: dt.date, topic: str) -> None:
        if self.ctx.read_only:
            errors.report_error(self, _("Sessions"), self.ctx.read_only_error())
            return
        dialog = SessionDialog(day, topic, self)
        self.dialog = dialog
        course_id = self.course_id

        def accepted() -> None:
            new_day, new_topic = dialog.value()
            if session is None:
                fn = lambda ws: ws.courses.add_session(course_id, new_day, new_topic)  # noqa: E731
            else:
                sid = session.id
                fn = lambda ws: ws.courses.update_session(sid, new_day, new_topic)  # noqa: E731
            self.ctx.op(fn, None, reporter(self, _("Sessions")), title=_("Sessions"))

        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: SessionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def remove_selected(self) -> None:
        session = self.selected()
        if session is None or self.ctx.read_only:
            return
        sid = session.id
        present = self.totals.get(sid, 0)
        text = tr("Remove the session of {day}?", day=date_text(session.day))
        if present:
            text += " " + tr("Its attendances ({count}) will no longer count.", count=present)

        def remove() -> None:
            self.ctx.op(
                lambda ws: ws.courses.remove_session(sid),
                None,
                reporter(self, _("Sessions")),
                title=_("Remove session"),
            )

        self.confirm_box = confirm(self, _("Remove session"), text, _("Remove"), remove)


class SessionDialog(QDialog):
    def __init__(self, day: dt.date, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Session"))
        form = QFormLayout(self)
        self.day = date_edit()
        self.day.setText(date_text(day))
        form.addRow(QLabel(_("Date:")), self.day)
        self.message = FieldMessage()
        form.addRow(self.message)
        self.topic = QLineEdit(topic)
        form.addRow(QLabel(_("Topic:")), self.topic)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.day.setFocus()
        self.day.selectAll()

    def value(self) -> tuple[dt.date, str]:
        day = parse_date(self.day.text())
        assert day is not None
        return day, self.topic.text()

    def _accept(self) -> None:
        try:
            day = parse_date(self.day.text())
            problem = _(BAD_DATE)
        except DateError as e:
            day, problem = None, user_error_text(e)
        if day is None:
            self.message.show_messages([problem])
            self.day.setFocus()
            return
        self.accept()


__all__ = ["CourseView", "DetailsTab", "SessionDialog", "SessionsTab"]
