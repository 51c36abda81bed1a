"""The people list as a lazy table model: keyset pages on demand, never every row in memory.

With 200,000 people the view asks only for the rows it paints. Each page is one indexed
query; the page after a cached page continues from its last row's key (a keyset page costs
the same at row 10 and row 150,000), and a jump (dragging the scroll bar) uses an offset.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop_app.core.people import PersonRow, Sex
from desktop_app.core.phone import format_phone
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_int
from desktop_app.services.households import RELATION_LABELS
from desktop_app.services.people import KeyedRow, PeopleOrder
from desktop_app.services.workspace import Workspace

PAGE_SIZE = 200
# 20 pages of 200 rows is a few screens up and down: enough to scroll back without a query,
# and a fixed ceiling on memory however far the user scrolls.
MAX_CACHED_PAGES = 20


def relation_label(value: str) -> str:
    """A stored relation ("Con") in the UI language; a family's own word is shown as typed."""
    msgid = RELATION_LABELS.get(value)
    return _(msgid) if msgid else value


COL_NUMBER, COL_NAME, COL_SEX, COL_BIRTH, COL_HAMLET, COL_PHONE, COL_HOUSEHOLD = range(7)
HEADERS = (
    N_("No."),  # the row counter ("STT"); nothing else is headed "No."
    N_("Full name"),
    N_("Sex"),
    N_("Birth"),
    N_("Hamlet"),
    N_("Phone"),
    N_("Household"),
)
SORTABLE: dict[int, PeopleOrder] = {
    COL_NAME: PeopleOrder.NAME,
    COL_BIRTH: PeopleOrder.BIRTH,
    COL_HAMLET: PeopleOrder.HAMLET,
}
SEX_TEXT = {Sex.MALE: N_("Male"), Sex.FEMALE: N_("Female")}

PersonIdRole = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class PeopleModel(QAbstractTableModel):
    """Rows of `ws.people.page(...)`, read on the GUI thread's read-only Workspace."""

    count_changed = Signal(int)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._query: str | None = None
        self._sites: tuple[str, ...] | None = None  # an office's choice of centres
        self._order = PeopleOrder.NAME
        self._descending = False
        self._sort_column = COL_NAME
        self._count = 0
        self._pages: OrderedDict[int, list[KeyedRow]] = OrderedDict()
        self.queries = 0  # pages fetched; tests and benchmarks read it
        self._recount()

    # State ----------------------------------------------------------------------------

    @property
    def query(self) -> str | None:
        return self._query

    @property
    def order(self) -> PeopleOrder:
        return self._order

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    def set_query(self, text: str) -> None:
        query = text.strip() or None
        if query == self._query:
            return
        self._query = query
        self.refresh()

    @property
    def sites(self) -> tuple[str, ...] | None:
        return self._sites

    def set_sites(self, sites: tuple[str, ...] | None) -> None:
        """Only the people these centres own (an office's view); None: everyone."""
        if sites == self._sites:
            return
        self._sites = sites
        self.refresh()

    def refresh(self) -> None:
        """Drop every cached page and count again, after a write or a new search."""
        self.beginResetModel()
        self._pages.clear()
        self._recount()
        self.endResetModel()
        self.count_changed.emit(self._count)

    def _recount(self) -> None:
        self._count = self._ws.people.count(self._query, self._sites)

    def person_id(self, row: int) -> str | None:
        item = self.row_at(row)
        return item.id if item else None

    def row_at(self, row: int) -> PersonRow | None:
        if not 0 <= row < self._count:
            return None
        page_no, within = divmod(row, PAGE_SIZE)
        page = self._page(page_no)
        return page[within].row if within < len(page) else None

    def row_of(self, person_id: str) -> int | None:
        """The row of a person among the pages already loaded, without a query."""
        for page_no, page in self._pages.items():
            for i, item in enumerate(page):
                if item.row.id == person_id:
                    return page_no * PAGE_SIZE + i
        return None

    # Paging ---------------------------------------------------------------------------

    def _page(self, page_no: int) -> list[KeyedRow]:
        page = self._pages.get(page_no)
        if page is not None:
            self._pages.move_to_end(page_no)
            return page
        previous = self._pages.get(page_no - 1) if page_no else None
        if previous and len(previous) == PAGE_SIZE:
            page = self._ws.people.page(
                order=self._order,
                descending=self._descending,
                query=self._query,
                after=previous[-1].key,
                limit=PAGE_SIZE,
                sites=self._sites,
            )
        else:
            page = self._ws.people.page(
                order=self._order,
                descending=self._descending,
                query=self._query,
                offset=page_no * PAGE_SIZE,
                limit=PAGE_SIZE,
                sites=self._sites,
            )
        self.queries += 1
        self._pages[page_no] = page
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    # QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section in SORTABLE:
            return _("Click to sort by this column")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(index.row())
            return _display(row, index.row(), index.column()) if row else None
        if role == PersonIdRole:
            return self.person_id(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_NUMBER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        people_order = SORTABLE.get(column)
        if people_order is None:
            return  # only the orders with an index can page fast over 200,000 rows
        descending = order == Qt.SortOrder.DescendingOrder
        if (people_order, descending) == (self._order, self._descending):
            return
        # Other people now sit at every row, so nothing the view remembers still holds.
        self.beginResetModel()
        self._order = people_order
        self._descending = descending
        self._sort_column = column
        self._pages.clear()
        self.endResetModel()


def _display(row: PersonRow, number: int, column: int) -> str:
    if column == COL_NUMBER:
        return format_int(number + 1)
    if column == COL_NAME:
        return row.full_name
    if column == COL_SEX:
        return _(SEX_TEXT[row.sex]) if row.sex else ""
    if column == COL_BIRTH:
        return row.birth.display() if row.birth else ""
    if column == COL_HAMLET:
        return row.hamlet_name
    if column == COL_PHONE:
        return format_phone(row.phone) if row.phone else ""
    if column == COL_HOUSEHOLD:
        if not row.household_id:
            return ""
        return relation_label(row.relation) if row.relation else "✓"
    return ""
