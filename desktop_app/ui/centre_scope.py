"""The "Trung tâm" chooser an office's pages carry: all its centres, one, or several.

At a centre nothing of this shows: `sites()` is None (every row, which are its own) and
`owns()` is always True. At an office the chooser sits at the top of the People, Classes,
Certificates, Members and Fund pages and scopes each list and every print from that page;
rows a centre owns are that centre's to edit, never the office's.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from desktop_app.core.problems import N_, StoreError
from desktop_app.i18n import _, tr
from desktop_app.services import office_views
from desktop_app.services.workspace import Workspace
from desktop_app.ui.context import AppContext

# Why the office cannot edit or delete a centre's row: said on the disabled buttons and
# when the user tries anyway (a double click, a shortcut).
NOT_OURS = N_(
    "This record belongs to {centre}: only that centre edits it. The office can ask the "
    "centre to correct it (Request a correction…)."
)


def is_office(ws: Workspace) -> bool:
    return ws.db.site_role == "office"


def enrolled_centres(ws: Workspace) -> list[tuple[str, str]]:
    """(site id, name) of the centres enrolled at this office, revoked ones too (their rows
    are still held), by name."""
    return sorted(((c.id, c.name) for c in ws.sync.centres()), key=lambda c: c[1])


class CentreScope(QWidget):
    """A label and a drop-down of checkable centres. `changed` fires when the choice does."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office = is_office(ctx.reader)
        self.centres: list[tuple[str, str]] = []
        self._chosen: list[str] = []  # empty: every centre
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(_("Centre:"))
        layout.addWidget(self.label)
        # A push button draws its menu's arrow beside the text (a tool button drew it over
        # the last letters).
        self.button = QPushButton()
        self.button.setAccessibleName(_("Centre"))
        self.button.setToolTip(_("Show the records of all centres, one centre or several"))
        self.label.setBuddy(self.button)
        self.menu = QMenu(self.button)
        self.button.setMenu(self.menu)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.all_action: QAction | None = None
        self.actions_by_site: dict[str, QAction] = {}
        self.setVisible(self.office)
        if self.office:
            self.reload_centres()

    # The choice -----------------------------------------------------------------------

    def sites(self) -> tuple[str, ...] | None:
        """The chosen centres' site ids; None for every row (at a centre, or all centres)."""
        if not self.office or not self._chosen:
            return None
        return tuple(self._chosen)

    def single(self) -> str | None:
        """The one centre chosen, if exactly one is."""
        return self._chosen[0] if self.office and len(self._chosen) == 1 else None

    def set_sites(self, sites: list[str] | tuple[str, ...] | None) -> None:
        known = {c for c, _n in self.centres}
        chosen = [s for s in (sites or ()) if s in known]
        if len(chosen) == len(known) and len(known) > 1:
            chosen = []  # every centre is "all centres"
        if chosen == self._chosen:
            return
        self._chosen = chosen
        self._show_choice()
        self.changed.emit()

    def name_of(self, site_id: str) -> str:
        return next((n for c, n in self.centres if c == site_id), site_id)

    def reload_centres(self) -> None:
        try:
            self.centres = enrolled_centres(self.ctx.reader)
        except StoreError:
            self.centres = []
        self._chosen = [s for s in self._chosen if s in {c for c, _n in self.centres}]
        self.menu.clear()
        self.all_action = self.menu.addAction(_("All centres"))
        self.all_action.setCheckable(True)
        self.all_action.triggered.connect(lambda _c: self.set_sites(None))
        self.menu.addSeparator()
        self.actions_by_site = {}
        for site_id, name in self.centres:
            action = self.menu.addAction(name)
            action.setCheckable(True)
            action.triggered.connect(lambda _c, s=site_id: self._toggle(s))
            self.actions_by_site[site_id] = action
        self._show_choice()

    def _toggle(self, site_id: str) -> None:
        chosen = list(self._chosen)
        if site_id in chosen:
            chosen.remove(site_id)
        else:
            chosen.append(site_id)
        self.set_sites(chosen)

    def _show_choice(self) -> None:
        if self.all_action is not None:
            self.all_action.setChecked(not self._chosen)
        for site_id, action in self.actions_by_site.items():
            action.setChecked(site_id in self._chosen)
        self.button.setText(self.choice_text())

    def choice_text(self) -> str:
        if not self._chosen:
            return _("All centres")
        if len(self._chosen) == 1:
            return self.name_of(self._chosen[0])
        return tr("{count} centres", count=len(self._chosen))

    # Ownership ------------------------------------------------------------------------

    def owner(self, table: str, row_id: str) -> str | None:
        if not self.office:
            return self.ctx.reader.db.site_id
        try:
            return office_views.row_owner(self.ctx.reader.db, table, row_id)
        except StoreError:
            return None

    def owns(self, table: str, row_id: str) -> bool:
        """Whether this site may edit the row: always at a centre; at an office only its own."""
        if not self.office:
            return True
        return self.owner(table, row_id) == self.ctx.reader.db.site_id

    def not_ours_text(self, table: str, row_id: str) -> str:
        owner = self.owner(table, row_id) or ""
        return tr(NOT_OURS, centre=self.name_of(owner) if owner else _("another site"))
