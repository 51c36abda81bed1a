"""Settings > Kinds of class: the class-type catalogue is data the centre may edit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.appinfo import documents_folder
from desktop_app.core.courses import ClassType
from desktop_app.i18n import _, tr
from desktop_app.ui.classes.common import alive, show_inline
from desktop_app.ui.context import READ_ONLY_MESSAGE, AppContext
from desktop_app.ui.widgets import FieldMessage

COL_CODE, COL_NAME, COL_NAME_EN, COL_GROUP, COL_LITERACY, COL_PERCENT, COL_ACTIVE = range(7)


class ClassTypesEditor(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loaded: dict[str, ClassType] = {}
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [_("Code"), _("Name"), _("English name"), _("Report group"), _("Literacy"),
             _("Sessions needed (%)"), _("In use")]
        )  # fmt: skip
        self.table.horizontalHeader().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.message = FieldMessage()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("&Add a kind"))
        self.add_button.clicked.connect(self.add_row)
        self.save_button = QPushButton(_("&Save kinds"))
        self.save_button.clicked.connect(self.save)
        self.import_button = QPushButton(_("&Load a list from the office…"))
        self.import_button.clicked.connect(self.import_file)
        for button in (self.add_button, self.save_button, self.import_button):
            button.setEnabled(not ctx.read_only)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.subscribe(self, {"class_type"}, lambda _changes: self.load())
        self.load()

    def load(self) -> None:
        # A few dozen rows: the GUI thread's reader.
        types = self.ctx.reader.courses.class_types(include_inactive=True)
        self._loaded = {t.code: t for t in types}
        self.table.setRowCount(0)
        for t in types:
            self._append(t)

    def _append(self, t: ClassType) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        code = QTableWidgetItem(t.code)
        if t.code:
            code.setFlags(code.flags() & ~Qt.ItemFlag.ItemIsEditable)  # classes refer to it
        self.table.setItem(r, COL_CODE, code)
        self.table.setItem(r, COL_NAME, QTableWidgetItem(t.name))
        self.table.setItem(r, COL_NAME_EN, QTableWidgetItem(t.name_en))
        self.table.setItem(r, COL_GROUP, QTableWidgetItem(t.group))
        for col, value in ((COL_LITERACY, t.literacy), (COL_ACTIVE, t.active)):
            item = QTableWidgetItem()
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            self.table.setItem(r, col, item)
        self.table.setItem(r, COL_PERCENT, QTableWidgetItem(str(t.default_min_percent)))

    def add_row(self) -> None:
        self._append(ClassType("", "", "", "", False, 80, True))
        self.table.setCurrentCell(self.table.rowCount() - 1, COL_CODE)
        item = self.table.item(self.table.rowCount() - 1, COL_CODE)
        if item is not None:
            self.table.editItem(item)

    def _row(self, r: int) -> ClassType | None:
        def text(col: int) -> str:
            item = self.table.item(r, col)
            return item.text().strip() if item else ""

        def checked(col: int) -> bool:
            item = self.table.item(r, col)
            return bool(item and item.checkState() == Qt.CheckState.Checked)

        try:
            percent = int(text(COL_PERCENT) or "80")
        except ValueError:
            percent = -1  # the service refuses it with a message
        if not text(COL_CODE) and not text(COL_NAME):
            return None
        return ClassType(
            text(COL_CODE), text(COL_NAME), text(COL_NAME_EN), text(COL_GROUP),
            checked(COL_LITERACY), percent, checked(COL_ACTIVE),
        )  # fmt: skip

    def edited(self) -> list[ClassType]:
        rows = [self._row(r) for r in range(self.table.rowCount())]
        return [t for t in rows if t is not None and self._loaded.get(t.code) != t]

    def save(self) -> None:
        if self.ctx.read_only:
            self.message.show_messages([_(READ_ONLY_MESSAGE)])
            return
        changed = self.edited()
        if not changed:
            self.message.show_messages([_("Nothing to save.")])
            return

        title = _("Kinds of class")
        self.ctx.op(
            lambda ws: ws.courses.save_class_types(changed),
            lambda _n: self._say(_("Saved.")),
            self._failed,
            title=title,
        )

    def import_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Load kinds of class"),
            str(documents_folder()),
            _("Lists of kinds of class (*.json)"),
        )
        if not path:
            return
        self.ctx.op(
            lambda ws: ws.courses.import_catalogue(path),
            lambda count: self._say(tr("Loaded {count} kinds of class.", count=count)),
            self._failed,
            title=_("Load kinds of class"),
        )

    def _say(self, text: str) -> None:
        if alive(self):
            self.message.show_messages([text])

    def _failed(self, exc: BaseException) -> None:
        show_inline(self if alive(self) else None, _("Kinds of class"), exc, self._say)
