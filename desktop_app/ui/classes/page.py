"""The Classes section: the list of classes with filters, and one class's page."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.courses import COURSE_STATUS_LABELS, Course, CourseStatus
from desktop_app.core.problems import N_, StoreError
from desktop_app.i18n import _, format_int, ngettext
from desktop_app.services.courses import CourseFilter
from desktop_app.services.ops import OpChanges
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.centre_scope import CentreScope
from desktop_app.ui.classes.common import (
    Column,
    RowsModel,
    course_dates_text,
    selected_row,
    setup_table,
    status_label,
)
from desktop_app.ui.classes.course_form import NewCourseDialog, course_type_name, type_name
from desktop_app.ui.classes.course_view import CourseView
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.widgets import show_message

FILTER_DELAY_MS = 200
# The list shows each class's figures, so a tick or an enrolment changes it too.
LIST_KINDS = frozenset({"course", "session", "enrolment", "attendance", "class_type"})

COL_TITLE, COL_TYPE, COL_DATES, COL_STATUS, COL_PEOPLE, COL_ATTENDANCES = range(6)
COL_SESSIONS, COL_COMPLETED = 6, 7


def _number(attr: str) -> Column:
    def text(c: Course) -> str:
        return format_int(getattr(c, attr))

    return Column("", text, number=True, key=lambda c: getattr(c, attr))


def course_columns() -> list[Column]:
    people, attendances = _number("enrolled"), _number("attendances")
    sessions, completed = _number("sessions"), _number("completed")
    return [
        Column(N_("Title"), lambda c: c.title, tooltip=lambda c: c.notes),
        Column(N_("Kind"), course_type_name),
        Column(
            N_("Dates"),
            course_dates_text,
            key=lambda c: (c.start or c.end or _FAR, c.end or c.start or _FAR),
        ),
        Column(N_("Status"), lambda c: status_label(c.status), key=lambda c: c.status.value),
        Column(N_("Learners"), people.text, True, people.key),
        Column(N_("Attendances"), attendances.text, True, attendances.key),
        Column(N_("Sessions"), sessions.text, True, sessions.key),
        Column(N_("Completed"), completed.text, True, completed.key),
    ]


# Classes without dates sort after every dated one.
_FAR = dt.date.max


class CourseListModel(RowsModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(course_columns(), parent)

    def course_at(self, row: int) -> Course | None:
        return self.row_at(row)

    def row_of(self, course_id: str) -> int | None:
        return next((i for i, c in enumerate(self.rows) if c.id == course_id), None)


class ClassesPage(QWidget):
    """A page of the main window: the class list, or one class when opened."""

    course_opened = Signal(str)
    list_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: CourseView | None = None
        self.message_box: QMessageBox | None = None
        self.new_dialog: NewCourseDialog | None = None
        self.loading = False
        self._generation = 0
        self._stale = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.list_page = QWidget()
        layout = QVBoxLayout(self.list_page)
        self.scope = CentreScope(ctx, self.list_page)
        self.scope.changed.connect(self._scope_changed)
        layout.addWidget(self.scope)

        filters = QHBoxLayout()
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(_("Search class titles…"))
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName(_("Search class titles"))
        filters.addWidget(self.text_filter, 1)
        self.type_filter = QComboBox()
        self.type_filter.setAccessibleName(_("Kind of class"))
        self.type_filter.setMinimumContentsLength(18)
        self.type_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.year_filter = QComboBox()
        self.year_filter.setAccessibleName(_("Year"))
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(_("Status"))
        self.status_filter.addItem(_("All statuses"), None)
        for status, label in COURSE_STATUS_LABELS.items():
            self.status_filter.addItem(_(label), status)
        for combo in (self.type_filter, self.year_filter, self.status_filter):
            filters.addWidget(combo)
        layout.addLayout(filters)
        self.fill_filters()

        self.model = CourseListModel(self)
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        # The service's order (newest first) stands until the user clicks a header.
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_a: self.table.horizontalHeader().setSortIndicatorShown(True)
        )
        # Every column in view ("Completed" too): title and type share what is left.
        fit_columns(self.table, {COL_DATES: 170}, stretch=(COL_TITLE, COL_TYPE))
        self.table.activated.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table, 1)

        bottom = QHBoxLayout()
        self.count_label = QLabel()
        bottom.addWidget(self.count_label, 1)
        self.new_button = QPushButton(_("&New class…"))
        self.new_button.setToolTip(_("Add a class or a topic session (Ctrl+N)"))
        self.open_button = QPushButton(_("&Open"))
        self.open_button.setToolTip(_("Open the selected class (Enter)"))
        for button in (self.new_button, self.open_button):
            button.setAutoDefault(False)
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.new_button.clicked.connect(self.new_course)
        self.open_button.clicked.connect(self.open_selected)
        self.new_button.setEnabled(not ctx.read_only)
        self.stack.addWidget(self.list_page)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.reload)
        self.text_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self.text_filter.returnPressed.connect(self._filter_return)
        for combo in (self.type_filter, self.year_filter, self.status_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        shortcut = Qt.ShortcutContext.WidgetWithChildrenShortcut
        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self.list_page)
        new.setContext(shortcut)
        new.activated.connect(self.new_course)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self.list_page)
        find.setContext(shortcut)
        find.activated.connect(self.text_filter.setFocus)
        self._shortcuts = [new, find]
        ctx.subscribe(self, LIST_KINDS, self._on_change)
        self.reload()

    # Filters --------------------------------------------------------------------------

    def fill_filters(self) -> None:
        """Kinds and years come from the database; keep what was chosen if still there."""
        kind, year = self.type_filter.currentData(), self.year_filter.currentData()
        for combo in (self.type_filter, self.year_filter):
            combo.blockSignals(True)
            combo.clear()
        self.type_filter.addItem(_("All kinds"), None)
        self.year_filter.addItem(_("All years"), None)
        try:
            # Small indexed reads for two combo boxes: the GUI thread's reader.
            for t in self.ctx.reader.courses.class_types(include_inactive=True):
                self.type_filter.addItem(type_name(t), t.code)
            for y in self.ctx.reader.courses.years():
                self.year_filter.addItem(str(y), y)
        except StoreError as exc:
            # The list itself still loads; the filters offer "all" until the next change.
            errors.report_error(self, _("Classes"), exc)
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(kind)))
        self.year_filter.setCurrentIndex(max(0, self.year_filter.findData(year)))
        for combo in (self.type_filter, self.year_filter):
            combo.blockSignals(False)

    def current_filter(self) -> CourseFilter:
        status = self.status_filter.currentData()  # a combo gives enums back as str
        return CourseFilter(
            type_code=self.type_filter.currentData(),
            year=self.year_filter.currentData(),
            status=CourseStatus(status) if status else None,
            text=self.text_filter.text().strip(),
            sites=self.scope.sites(),
        )

    def _scope_changed(self) -> None:
        self.reload()

    def _filter_return(self) -> None:
        self.reload()
        self.table.setFocus()

    # Loading --------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the list on the query thread: with figures, 2,000 classes take about a
        second. Only the newest answer is shown."""
        self._filter_timer.stop()
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        self.loading = True
        self.count_label.setText(_("Loading…"))

        def read(ws: Workspace) -> list[Course]:
            return ws.courses.find(flt)

        def done(courses: list[Course]) -> None:
            if generation != self._generation:
                return  # a newer filter is on its way
            self._show(courses)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.loading = False
                self.count_label.setText("")
                errors.report_error(self, _("Classes"), exc)

        # No title: a refresh shows no progress dialog; the count says "Loading…".
        self.ctx.query(read, done, failed, parent=self)

    def _show(self, courses: list[Course]) -> None:
        selected = self.selected_id()
        self.model.set_rows(courses)
        header = self.table.horizontalHeader()
        if header.isSortIndicatorShown():
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.loading = False
        count = len(courses)
        self.count_label.setText(
            ngettext("{count} class", "{count} classes", count).format(count=format_int(count))
        )
        if selected is not None:
            self.select_course(selected)
        elif count:
            self.select_row(0)
        self.list_loaded.emit()

    def selected_id(self) -> str | None:
        row = selected_row(self.table)
        course = self.model.course_at(row) if row is not None else None
        return course.id if course else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, COL_TITLE)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_course(self, course_id: str) -> bool:
        row = self.model.row_of(course_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _on_change(self, changes: OpChanges) -> None:
        if changes.touches("course", "class_type"):
            self.fill_filters()
        if self.stack.currentWidget() is self.list_page:
            self.reload()
        else:
            # Reloaded when the list is shown again: no point loading what no one sees.
            self._stale = True

    # Opening a class ------------------------------------------------------------------

    def open_selected(self) -> None:
        course_id = self.selected_id()
        if course_id is None:
            return
        if not self.scope.owns("course", course_id):
            # A class's page edits it (roster, attendance, results): the centre's to do.
            self.message_box = show_message(
                self, _("Cannot do that"), self.scope.not_ours_text("course", course_id)
            )
            return
        self.open_course(course_id)

    def open_course(self, course_id: str, tab: int | None = None) -> CourseView:
        """Show one class; its page loads through a query and fills in when it arrives."""
        view = CourseView(self.ctx, course_id)
        self._close_view()
        self.view = view
        view.back_requested.connect(self.show_list)
        view.load_failed.connect(self._load_failed)
        view.deleted.connect(self._course_deleted)
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        if tab is not None:
            view.show_tab(tab)
        else:
            view.show_tab(view.tabs.currentIndex())
        self.course_opened.emit(course_id)
        return view

    def _close_view(self) -> None:
        if self.view is not None:
            self.view.close_view()
            self.stack.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None

    def show_list(self) -> None:
        course_id = self.view.course_id if self.view else None
        self.stack.setCurrentWidget(self.list_page)
        self._close_view()
        if self._stale:
            self._stale = False
            self.reload()
        elif course_id:
            self.select_course(course_id)
        self.table.setFocus()

    def _load_failed(self, view: CourseView) -> None:
        """The class could not be read (deleted meanwhile?): the error was shown; back to
        the list, read again."""
        if view is self.view:
            self._stale = True
            self.show_list()

    def _course_deleted(self, _course_id: str) -> None:
        self.ctx.notify(_("The class was deleted."))
        self._stale = True
        self.show_list()

    # New class ------------------------------------------------------------------------

    def new_course(self) -> None:
        if self.ctx.read_only:
            errors.report_error(self, _("New class"), self.ctx.read_only_error())
            return
        if self.new_dialog is not None:
            self.new_dialog.raise_()
            return
        dialog = NewCourseDialog(self.ctx, self)
        self.new_dialog = dialog

        def closed() -> None:
            self.new_dialog = None
            dialog.deleteLater()

        dialog.created.connect(lambda cid: self.open_course(cid))
        dialog.finished.connect(lambda _r: closed())
        dialog.open()
