"""The Sync section (Đồng bộ): this computer's identity, joining an office, bundles on a stick.

A centre makes its request to join an office, imports the office's reply after comparing the
office's fingerprint read over the phone, sends its data upstream ("Gửi lên cấp trên") and
imports what comes down (acknowledgements, catalogues, correction requests). An office
enrols centres from their request files, imports many centres' files at once after a dry
run (`review.ImportReviewDialog`), sees its centres with the last bundle of each (overdue
ones highlighted), revokes a centre and sends its catalogues. Both see the history of
bundles. Every call goes to `Workspace.sync` through `ctx.query` or `ctx.task`, so the
window stays responsive; export and import show progress with Cancel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.appinfo import documents_folder
from desktop_app.core.problems import N_, StoreError, UserError
from desktop_app.i18n import _, format_int, tr
from desktop_app.services.ops import Progress
from desktop_app.services.sync import (
    CORRECTION_FIELDS,
    BundleRecord,
    CentreStatus,
    Conflict,
    CorrectionRequest,
    ExportResult,
    ImportOutcome,
    SiteInfo,
    SyncService,
)
from desktop_app.services.sync_recovery import NO_KEYS, RecoveryOutcome
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.context import AppContext
from desktop_app.ui.fit import fit_columns
from desktop_app.ui.khuyen_hoc.common import Latest
from desktop_app.ui.list_model import ListModel
from desktop_app.ui.sync.dialogs import FingerprintDialog, RejectDialog
from desktop_app.ui.sync.models import (
    C_DATE,
    C_NAME,
    C_SEQ,
    C_STATUS,
    H_DATE,
    H_DIRECTION,
    H_KIND,
    H_PEER,
    H_SEQ,
    H_STATUS,
    H_SUMMARY,
    R_FROM,
    R_REQUEST,
    R_ROW,
    R_STATUS,
    R_TABLE,
    V_FIELD,
    V_LEFT,
    V_RIGHT,
    X_CENTRE,
    X_ROW,
    X_TABLE,
    X_VERSION,
    CentresModel,
    CompareModel,
    ConflictLine,
    ConflictsModel,
    CorrectionLine,
    CorrectionsModel,
    HistoryModel,
    centre_note,
)
from desktop_app.ui.sync.review import ImportReviewDialog
from desktop_app.ui.sync.texts import (
    DERIVED_COLUMNS,
    FIELD_LABELS,
    ROLE_LABELS,
    SEX_VALUES,
    cell_text,
    column_label,
    counts_text,
    fingerprint_lines,
    label,
    table_label,
    when,
)
from desktop_app.ui.widgets import confirm, message_box, show_message

log = logging.getLogger(__name__)

# What the page shows: the sites it knows, and the bundles written and read.
SHOWN_KINDS = frozenset(
    {"site", "centre", "bundle_log", "peer_state", "sync_correction", "sync_conflict", "person"}
)
BUNDLE_FILTER = "*.tthbundle"
TAB_CENTRES, TAB_CONFLICTS, TAB_CORRECTIONS, TAB_HISTORY = range(4)


@dataclass(frozen=True)
class SyncView:
    """What the page shows, read on the query thread in one go."""

    site: SiteInfo
    centres: list[CentreStatus]
    history: list[BundleRecord]
    # The centre profile's name: what a site not set up yet is offered to be called.
    profile_name: str = ""
    # An office: rows kept for review; a centre: what the office asks it to correct.
    conflicts: list[ConflictLine] = field(default_factory=list)
    corrections: list[CorrectionLine] = field(default_factory=list)

    @property
    def set_up(self) -> bool:
        return bool(self.site.name)


def read_view(ws: Workspace) -> SyncView:
    site = ws.sync.site()
    office = site.role == "office"
    centres = ws.sync.centres() if office else []
    names = {c.id: c.name for c in centres}
    if site.upstream:
        names[site.upstream] = site.upstream_name
    conflicts = [
        ConflictLine(
            c.peer_name or names.get(c.peer_site, c.peer_site[:8]),
            c.table,
            record_name(ws, c.table, c.row_id),
            c.version,
            c.id,
            conflict_values(c),
        )
        for c in ws.sync.conflict_list()
    ]
    requests = ws.sync.correction_requests()
    proposing = any(r.fields for r in requests)
    hamlets = {h.id: h.name for h in ws.centre.hamlets()} if proposing else {}
    corrections = [
        CorrectionLine(
            names.get(r.to_site or r.from_site, (r.to_site or r.from_site)[:8]),
            r.table,
            record_name(ws, r.table, r.row_id),
            r.message,
            r.status,
            r.id,
            correction_values(ws, r, hamlets),
            r.reason,
            r.answered_at,
        )
        for r in requests
    ]
    return SyncView(
        site, centres, ws.sync.history(), ws.centre.profile().name, conflicts, corrections
    )


def record_name(ws: Workspace, table: str, row_id: str) -> str:
    """How the screen names a record: a person's name, a class's title, a voucher's number;
    its id only for what has no name."""
    try:
        if table == "person":
            return ws.people.get(row_id).full_name
        if table == "course":
            return ws.courses.get(row_id).title
        if table == "member":
            member = ws.members.get(row_id)
            return f"{member.member_number} {member.full_name}".strip()
        if table == "fund":
            return ws.fund.get(row_id).name
        if table == "ledger_entry":
            entry = ws.fund.entry(row_id)
            return f"{entry.voucher} {entry.party_name}".strip()
    except (UserError, StoreError):
        pass  # not held here (yet): the id says which it is
    return row_id[:8]


def conflict_values(c: Conflict) -> tuple[tuple[str, str, str], ...]:
    """(column, as held, as it came) for every column of a conflicting row."""
    held = c.held or {}
    columns = list(held) + [k for k in c.incoming if k not in held]
    return tuple(
        (
            column_label(column),
            _shown_value(column, held.get(column)),
            _shown_value(column, c.incoming.get(column)),
        )
        for column in columns
        if column not in DERIVED_COLUMNS
    )


def _shown_value(column: str, value: object) -> str:
    """A stored value as the side-by-side view shows it (times as the screen shows them)."""
    if column == "updated_at" and isinstance(value, str):
        return when(value)
    return cell_text(value)


def person_values(ws: Workspace, person_id: str, hamlets: dict[str, str]) -> dict[str, str]:
    """A person's correctable fields as the person form shows them ("" when not held)."""
    try:
        p = ws.people.get(person_id)
    except (UserError, StoreError):
        return {}
    return {
        "full_name": p.full_name,
        "birth": p.birth.display() if p.birth else "",
        "sex": _(SEX_VALUES[p.sex.value]) if p.sex else "",
        "phone": p.phone or "",
        "hamlet_id": p.hamlet_name or hamlets.get(p.hamlet_id or "", ""),
        "cccd": p.cccd or "",
    }


def correction_values(
    ws: Workspace, r: CorrectionRequest, hamlets: dict[str, str]
) -> tuple[tuple[str, str, str], ...]:
    """(field, value now, value proposed) for each field a request proposes."""
    if not r.fields or r.table != "person":
        return ()
    now = person_values(ws, r.row_id, hamlets)
    out = []
    for key in CORRECTION_FIELDS:
        if key not in r.fields:
            continue
        value = r.fields[key]
        if key == "sex":
            value = label(SEX_VALUES, value) if value else ""
        elif key == "hamlet_id":
            value = hamlets.get(value, value[:8]) if value else ""
        out.append((label(FIELD_LABELS, key), now.get(key, ""), value))
    return tuple(out)


def correction_detail(c: CorrectionLine) -> str:
    """The request's message and, once answered, the answer (with its reason)."""
    lines = [c.message] if c.message else []
    if c.status == "accepted":
        lines.append(tr("Accepted on {when}.", when=when(c.answered_at)))
    elif c.status == "rejected":
        lines.append(tr("Rejected on {when}: {reason}", when=when(c.answered_at), reason=c.reason))
    elif c.status == "sent":
        lines.append(_("No answer yet: it comes with the centre's next data bundle."))
    return "\n".join(lines)


def bundle_facts(info: dict[str, Any]) -> tuple[str, str, str, str]:
    """A bundle's (kind, enrolment step, sender's name, sender's fingerprint) from `inspect`."""
    sender = info.get("sender")
    sender = sender if isinstance(sender, dict) else {}
    extra = info.get("extra")
    extra = extra if isinstance(extra, dict) else {}
    return (
        str(info.get("kind", "")),
        str(extra.get("step", "")),
        str(sender.get("name", "")),
        str(sender.get("fingerprint", "")),
    )


def place_of(info: dict[str, Any]) -> str:
    """The commune and province an enrolment request names, as one line."""
    extra = info.get("extra")
    site = extra.get("site") if isinstance(extra, dict) else None
    if not isinstance(site, dict):
        return ""
    parts = [str(site.get(k) or "") for k in ("commune_name", "province_name")]
    return ", ".join(p for p in parts if p)


def rows_text(rows: dict[str, int]) -> str:
    shown = [f"{table_label(t)} {format_int(n)}" for t, n in sorted(rows.items()) if n]
    return ", ".join(shown) if shown else _("no new rows")


def _fingerprint_label() -> QLabel:
    shown = QLabel()
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    shown.setFont(font)
    shown.setTextFormat(Qt.TextFormat.PlainText)
    shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return shown


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        button.setAutoDefault(False)
        row.addWidget(button)
    row.addStretch(1)
    return row


def _row_widget(*buttons: QPushButton) -> QWidget:
    row = _button_row(*buttons)
    row.setContentsMargins(0, 0, 0, 0)
    widget = QWidget()
    widget.setLayout(row)
    return widget


def _note_above(text: str, table: QTableView) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    note = QLabel(text)
    note.setWordWrap(True)
    layout.addWidget(note)
    layout.addWidget(table, 1)
    return page


def _compare_list(model: CompareModel) -> QTableView:
    table = _list(model)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    fit_columns(table, {V_FIELD: 110}, stretch=(V_LEFT, V_RIGHT))
    return table


def _review_tab(
    note: str | QLabel,
    table: QTableView,
    compare: QTableView,
    buttons: QWidget,
    detail: QLabel | None = None,
) -> QWidget:
    """A list of what waits for review beside the selected one's two versions, and the
    buttons that decide."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    if isinstance(note, str):
        note = QLabel(note)
    note.setWordWrap(True)
    layout.addWidget(note)
    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(table)
    right = QWidget()
    right_layout = QVBoxLayout(right)
    right_layout.setContentsMargins(0, 0, 0, 0)
    right_layout.addWidget(compare, 1)
    if detail is not None:
        right_layout.addWidget(detail)
    right_layout.addWidget(buttons)
    split.addWidget(right)
    # The list a little wider than the two versions: its request column is the long one.
    split.setStretchFactor(0, 4)
    split.setStretchFactor(1, 3)
    split.setChildrenCollapsible(False)
    layout.addWidget(split, 1)
    return page


def _counted(title: str, count: int) -> str:
    """A tab's title with how many rows wait in it: "Conflicts (3)"."""
    return tr("{title} ({count})", title=title, count=format_int(count)) if count else title


def _list(model: ListModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    return table


class SyncPage(QWidget):
    """One page of the main window: reads through `ctx.query`, writes through `ctx.task`."""

    # What the page shows is up to date (tests wait for it).
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._latest = Latest()
        self.view: SyncView | None = None
        self.box: QMessageBox | None = None
        self.review_dialog: ImportReviewDialog | None = None
        self.last_export: ExportResult | None = None
        self.last_reply: Path | None = None
        self.last_request: Path | None = None
        self.reject_dialog: RejectDialog | None = None
        self.fingerprint_dialog: FingerprintDialog | None = None
        self.last_recovery_file: Path | None = None
        self.recovered: list[RecoveryOutcome] | None = None
        self.reopened: QWidget | None = None
        layout = QVBoxLayout(self)

        # This computer: name, role, fingerprint to read over the phone.
        identity = QGroupBox(_("This computer"))
        identity_layout = QHBoxLayout(identity)
        facts = QVBoxLayout()
        self.site_label = QLabel()
        self.site_label.setWordWrap(True)
        self.site_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.site_label.font()
        bold.setBold(True)
        self.site_label.setFont(bold)
        facts.addWidget(self.site_label)
        self.upstream_label = QLabel()
        self.upstream_label.setWordWrap(True)
        self.upstream_label.setTextFormat(Qt.TextFormat.PlainText)
        facts.addWidget(self.upstream_label)
        self.recovery_button = QPushButton(_("Save the &recovery key…"))
        self.recovery_button.setToolTip(
            _("The key that opens this computer's own bundles, for a new PC after this one died")
        )
        self.recover_button = QPushButton(_("Recover &data from bundle files…"))
        self.recover_button.setToolTip(
            _(
                "A new PC of this centre: its records come back from the bundles it sent, or "
                "from the recovery file its office made"
            )
        )
        self.recover_menu = QMenu(self.recover_button)
        self.recover_menu.addAction(_("Choose the &files…"), lambda: self.choose_recover("files"))
        self.recover_menu.addAction(
            _("Choose a f&older (all its bundles)…"), lambda: self.choose_recover("folder")
        )
        self.recover_button.setMenu(self.recover_menu)
        facts.addLayout(_button_row(self.recovery_button, self.recover_button))
        facts.addStretch(1)
        identity_layout.addLayout(facts, 1)
        prints = QVBoxLayout()
        prints.addWidget(QLabel(_("Key fingerprint, to read out over the phone:")))
        self.fingerprint_label = _fingerprint_label()
        self.fingerprint_label.setAccessibleName(_("Key fingerprint"))
        prints.addWidget(self.fingerprint_label)
        prints.addStretch(1)
        identity_layout.addLayout(prints)
        layout.addWidget(identity)

        # Not set up yet: a name and a role, once.
        self.setup_box = QGroupBox(_("Set up this computer for sync"))
        setup_layout = QVBoxLayout(self.setup_box)
        note = QLabel(
            _(
                "Give this computer its name and say what it is, once: a centre sends its "
                "records up to its office; an office receives the records of its centres. "
                "This is done on a new database, before anything is typed in it."
            )
        )
        note.setWordWrap(True)
        setup_layout.addWidget(note)
        setup_form = QFormLayout()
        self.setup_name = QLineEdit()
        self.setup_name.setPlaceholderText(_("e.g. Trung tâm học tập cộng đồng xã Đông Hòa"))
        setup_form.addRow(_("&Name:"), self.setup_name)
        self.setup_role = QComboBox()
        for role in ("centre", "office"):
            self.setup_role.addItem(label(ROLE_LABELS, role), role)
        setup_form.addRow(_("&This computer is:"), self.setup_role)
        setup_layout.addLayout(setup_form)
        self.setup_button = QPushButton(_("&Set up"))
        self.new_pc_button = QPushButton(_("New computer: get the centre's data &back…"))
        self.new_pc_button.setToolTip(
            _(
                "This empty database becomes the centre whose bundles (or recovery file from "
                "the office) you choose, and its records come back"
            )
        )
        self.new_pc_menu = QMenu(self.new_pc_button)
        self.new_pc_menu.addAction(_("Choose the &files…"), lambda: self.choose_new_pc("files"))
        self.new_pc_menu.addAction(
            _("Choose a f&older (all its bundles)…"), lambda: self.choose_new_pc("folder")
        )
        self.new_pc_button.setMenu(self.new_pc_menu)
        setup_layout.addLayout(_button_row(self.setup_button, self.new_pc_button))
        layout.addWidget(self.setup_box)

        # A centre: join an office, send upstream, import what comes down.
        self.centre_box = QGroupBox(_("The office this centre reports to"))
        centre_layout = QVBoxLayout(self.centre_box)
        self.request_button = QPushButton(_("Make the &request to join…"))
        self.request_button.setToolTip(
            _("A file to take to the office, on a USB stick or by e-mail")
        )
        self.reply_button = QPushButton(_("Import the office's re&ply…"))
        self.join_row = _row_widget(self.request_button, self.reply_button)
        self.send_button = QPushButton(_("&Send upstream…"))
        self.send_button.setToolTip(
            _("Every change the office has not acknowledged yet, in one file on a USB stick")
        )
        self.import_up_button = QPushButton(_("&Import from upstream…"))
        self.import_up_button.setToolTip(
            _("Acknowledgements, catalogues and correction requests from the office")
        )
        self.send_row = _row_widget(self.send_button, self.import_up_button)
        # Joining comes first until it is done; then sending, the monthly work, does.
        self.centre_layout = centre_layout
        centre_layout.addWidget(self.join_row)
        centre_layout.addWidget(self.send_row)
        layout.addWidget(self.centre_box)

        # An office: its centres and their files.
        self.office_box = QGroupBox(_("The centres of this office"))
        office_layout = QVBoxLayout(self.office_box)
        self.import_many_button = QPushButton(_("&Import files…"))
        self.import_many_button.setToolTip(
            _("Pick the files of one or many centres: what they change is shown first")
        )
        self.enrol_button = QPushButton(_("&Enrol a centre…"))
        self.enrol_button.setToolTip(_("From the request file the centre made"))
        self.revoke_button = QPushButton(_("Re&voke the centre…"))
        self.join_higher_button = QPushButton(_("Report to a &higher office…"))
        self.join_higher_button.setToolTip(
            _(
                "A province office that sends its centres' records on to a higher office: "
                "join it as a centre joins an office"
            )
        )
        self.higher_asked = False
        self.catalogue_button = QPushButton(_("Send &catalogues…"))
        self.catalogue_button.setToolTip(
            _("Kinds of class and other lists the office keeps, for every enrolled centre")
        )
        office_layout.addLayout(
            _button_row(
                self.import_many_button,
                self.enrol_button,
                self.revoke_button,
                self.catalogue_button,
                self.join_higher_button,
            )
        )
        layout.addWidget(self.office_box)

        self.tabs = QTabWidget()
        self.centres_model = CentresModel(self)
        self.centres_table = _list(self.centres_model)
        self.centres_table.setAccessibleName(_("Centres"))
        fit_columns(self.centres_table, {C_SEQ: 110, C_DATE: 140, C_STATUS: 250}, stretch=(C_NAME,))
        centres = QWidget()
        centres_layout = QVBoxLayout(centres)
        centres_layout.setContentsMargins(0, 0, 0, 4)
        centres_layout.addWidget(self.centres_table, 1)
        # What the selected centre's status means, its fingerprint, a rewritten ledger's detail.
        self.centre_note = QLabel()
        self.centre_note.setWordWrap(True)
        self.centre_note.setTextFormat(Qt.TextFormat.PlainText)
        self.centre_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        centres_layout.addWidget(self.centre_note)
        self.recovery_file_button = QPushButton(_("Recovery &file for the centre…"))
        self.recovery_file_button.setToolTip(
            _(
                "Every record of the selected centre held here, for its new PC: readable by "
                "that centre only"
            )
        )
        centres_layout.addLayout(_button_row(self.recovery_file_button))
        self.tabs.addTab(centres, _("Centres"))  # TAB_CENTRES
        self.conflicts_model = ConflictsModel(self)
        self.conflicts_table = _list(self.conflicts_model)
        self.conflicts_table.setAccessibleName(_("Conflicts"))
        fit_columns(
            self.conflicts_table, {X_TABLE: 90, X_ROW: 150, X_VERSION: 60}, stretch=(X_CENTRE,)
        )
        self.conflict_compare = CompareModel(_("Held here"), _("As the centre sent it"), self)
        self.conflict_compare_table = _compare_list(self.conflict_compare)
        self.conflict_compare_table.setAccessibleName(_("The held and the incoming record"))
        self.keep_held_button = QPushButton(_("&Keep the held record"))
        self.keep_held_button.setToolTip(_("The incoming record is set aside; nothing changes"))
        self.take_incoming_button = QPushButton(_("&Take the centre's record"))
        self.take_incoming_button.setToolTip(
            _("The held record is replaced by the one the centre sent")
        )
        self.tabs.addTab(
            _review_tab(
                _(
                    "Rows that came with the same version as a row held here but other content "
                    "(a restored backup, a copied computer): kept for review, never applied. "
                    "Ask the centre which is right, then keep one of the two."
                ),
                self.conflicts_table,
                self.conflict_compare_table,
                _row_widget(self.keep_held_button, self.take_incoming_button),
            ),
            _("Conflicts"),
        )  # TAB_CONFLICTS
        self.corrections_model = CorrectionsModel(self)
        self.corrections_table = _list(self.corrections_model)
        self.corrections_table.setAccessibleName(_("Correction requests"))
        fit_columns(
            self.corrections_table,
            {R_FROM: 100, R_TABLE: 70, R_ROW: 120, R_STATUS: 90},
            stretch=(R_REQUEST,),
        )
        self.correction_compare = CompareModel(_("Now"), _("Proposed"), self)
        self.correction_compare_table = _compare_list(self.correction_compare)
        self.correction_compare_table.setAccessibleName(_("The values now and proposed"))
        self.accept_correction_button = QPushButton(_("&Accept…"))
        self.accept_correction_button.setToolTip(
            _("The app makes the correction, with the usual checks, as if typed in the form")
        )
        self.reject_correction_button = QPushButton(_("&Reject…"))
        self.reject_correction_button.setToolTip(_("Say why: the office reads it"))
        self.correction_buttons = _row_widget(
            self.accept_correction_button, self.reject_correction_button
        )
        self.correction_detail = QLabel()
        self.correction_detail.setWordWrap(True)
        self.correction_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.correction_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.corrections_note = QLabel()
        self.corrections_note.setWordWrap(True)
        self.tabs.addTab(
            _review_tab(
                self.corrections_note,
                self.corrections_table,
                self.correction_compare_table,
                self.correction_buttons,
                self.correction_detail,
            ),
            _("Correction requests"),
        )  # TAB_CORRECTIONS
        self.history_model = HistoryModel(self)
        self.history_table = _list(self.history_model)
        self.history_table.setAccessibleName(_("Bundle history"))
        fit_columns(
            self.history_table,
            {H_DATE: 125, H_DIRECTION: 90, H_KIND: 120, H_SEQ: 50, H_STATUS: 130},
            stretch=(H_PEER, H_SUMMARY),
        )
        self.tabs.addTab(self.history_table, _("Bundle history"))  # TAB_HISTORY
        layout.addWidget(self.tabs, 1)

        self.recovery_button.clicked.connect(self.ask_recovery_key)
        self.recovery_file_button.clicked.connect(self.choose_recovery_folder)
        self.request_button.clicked.connect(self.choose_request_folder)
        self.reply_button.clicked.connect(self.choose_reply)
        self.setup_button.clicked.connect(self.set_up)
        self.send_button.clicked.connect(lambda: self.choose_send_folder(up=True))
        self.import_up_button.clicked.connect(self.choose_import_files)
        self.import_many_button.clicked.connect(self.choose_import_files)
        self.enrol_button.clicked.connect(self.choose_request)
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.catalogue_button.clicked.connect(lambda: self.choose_send_folder(up=False))
        self.join_higher_button.clicked.connect(self.ask_higher)
        self.centres_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_buttons()
        )
        self.conflicts_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._show_conflict()
        )
        self.corrections_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._show_correction()
        )
        self.keep_held_button.clicked.connect(lambda: self.ask_resolve("held"))
        self.take_incoming_button.clicked.connect(lambda: self.ask_resolve("incoming"))
        self.accept_correction_button.clicked.connect(self.ask_accept_correction)
        self.reject_correction_button.clicked.connect(self.ask_reject_correction)
        ctx.subscribe(self, SHOWN_KINDS, lambda _changes: self.reload())
        # Nothing of either role until the site is read.
        for box in (self.setup_box, self.centre_box, self.office_box):
            box.hide()
        for tab in (TAB_CENTRES, TAB_CONFLICTS, TAB_CORRECTIONS):
            self.tabs.setTabVisible(tab, False)
        self.reload()

    # Reading ----------------------------------------------------------------------------------

    def after_load(self, callback: Callable[[], None]) -> None:
        """Call `callback` once what the page shows is read (now, if it is)."""
        if self.view is not None and not self.busy:
            callback()
            return

        def once() -> None:
            self.loaded.disconnect(once)
            callback()

        self.loaded.connect(once)

    def showEvent(self, event: QShowEvent) -> None:
        # What another page wrote without a change to announce (a correction request written
        # from the People page, a file on the stick) shows when the section is opened again.
        super().showEvent(event)
        if self.view is not None and not self.busy:
            self.reload()

    @property
    def busy(self) -> bool:
        return self._latest.busy

    @property
    def office(self) -> bool:
        return self.view is not None and self.view.site.role == "office"

    def reload(self) -> None:
        asked = self._latest.ask()
        self.ctx.query(
            read_view,
            lambda view: self._read(asked, view),
            lambda exc: self._read_failed(asked, exc),
            parent=self,
        )

    def _read(self, asked: int, view: SyncView) -> None:
        if not self._latest.answer(asked):
            return
        self.view = view
        site = view.site
        self.site_label.setText(site.name or _("(no name)"))
        self.fingerprint_label.setText(fingerprint_lines(site.fingerprint))
        if not view.set_up:
            self.upstream_label.setText(_("Not set up for sync yet."))
            if not self.setup_name.text():
                self.setup_name.setText(view.profile_name)
        elif site.role == "office":
            self.upstream_label.setText(
                tr("Role: {role}.", role=label(ROLE_LABELS, site.role))
                + " "
                + _("Centres enrol here with their request file; their bundles come in below.")
                + (
                    " " + tr("Reports to: {office}", office=site.upstream_name or site.upstream[:8])
                    if site.upstream
                    else ""
                )
            )
        elif site.upstream:
            self.upstream_label.setText(
                tr("Role: {role}.", role=label(ROLE_LABELS, site.role))
                + " "
                + tr("Reports to: {office}", office=site.upstream_name or site.upstream[:8])
            )
        else:
            self.upstream_label.setText(
                tr("Role: {role}.", role=label(ROLE_LABELS, site.role))
                + " "
                + _(
                    "Not joined to an office yet: make the request to join, take it to the "
                    "office, then import the office's reply."
                )
            )
        selected = self.selected_centre()
        self.centres_model.set_rows(view.centres)
        if selected is not None:
            self.select_centre(selected.id)
        self.history_model.set_rows(view.history)
        conflict = self.selected_conflict()
        self.conflicts_model.set_rows(view.conflicts)
        self._reselect(
            self.conflicts_table, self.conflicts_model.row_of(conflict.id if conflict else "")
        )
        correction = self.selected_correction()
        self.corrections_model.set_rows(view.corrections)
        self.corrections_model.set_office(site.role == "office")
        self._reselect(
            self.corrections_table,
            self.corrections_model.row_of(correction.id if correction else ""),
        )
        self.corrections_note.setText(
            _(
                "The correction requests sent to the centres. A centre accepts or rejects "
                "each in its app; the answer comes up with its next data bundle."
            )
            if site.role == "office"
            else _(
                "The office never changes this centre's records itself; it asks here. "
                "Accept: the app makes the correction as if typed in the form. Reject: say "
                "why. The next bundle sent upstream carries the answer to the office."
            )
        )
        self._show_conflict()
        self._show_correction()
        waiting = sum(1 for c in view.corrections if c.status == "open")
        self.tabs.setTabText(TAB_CONFLICTS, _counted(_("Conflicts"), len(view.conflicts)))
        self.tabs.setTabText(TAB_CORRECTIONS, _counted(_("Correction requests"), waiting))
        self._show_role(site.role if view.set_up else "")
        if not self.busy:
            self.loaded.emit()

    def _read_failed(self, asked: int, exc: BaseException) -> None:
        if self._latest.answer(asked):
            errors.report_error(self, _("Cannot do that"), exc)

    def _show_role(self, role: str) -> None:
        """ "centre", "office", or "" for a site not set up yet."""
        office = role == "office"
        self.setup_box.setVisible(not role)
        # An office may report to a higher office too (province to ministry): the same
        # buttons join it and send it the records of this office's centres. Most offices
        # report to none, so the box shows once asked for, or once joined.
        joined = bool(self.view and self.view.site.upstream)
        self.centre_box.setVisible(role == "centre" or (office and (joined or self.higher_asked)))
        self.join_higher_button.setVisible(office and not joined and not self.higher_asked)
        self.centre_box.setTitle(
            _("The higher office this office reports to")
            if office
            else _("The office this centre reports to")
        )
        self.office_box.setVisible(office)
        self.recover_button.setVisible(role == "centre")
        self.tabs.setTabVisible(TAB_CENTRES, office)
        self.tabs.setTabVisible(TAB_CONFLICTS, office)
        self.tabs.setTabVisible(TAB_CORRECTIONS, bool(role))
        self.correction_buttons.setVisible(role == "centre")
        if not office:
            self.tabs.setCurrentIndex(TAB_HISTORY)
        first = self.send_row if joined else self.join_row
        if self.centre_layout.indexOf(first) != 0:
            self.centre_layout.removeWidget(first)
            self.centre_layout.insertWidget(0, first)
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.ctx.read_only
        joined = bool(self.view and self.view.site.upstream)
        for button in (
            self.request_button,
            self.reply_button,
            self.setup_button,
            self.import_up_button,
            self.import_many_button,
            self.enrol_button,
            self.catalogue_button,
        ):
            button.setEnabled(writable)
        self.send_button.setEnabled(writable and joined)
        self.recover_button.setEnabled(writable)
        self.new_pc_button.setEnabled(writable)
        centre = self.selected_centre()
        self.recovery_file_button.setEnabled(
            writable and centre is not None and centre.status != "revoked"
        )
        self.centre_note.setText(centre_note(centre) if centre is not None else "")
        self.revoke_button.setEnabled(
            writable and centre is not None and centre.status != "revoked"
        )

    @staticmethod
    def _reselect(table: QTableView, row: int | None) -> None:
        if row is not None:
            table.selectRow(row)
        elif table.model().rowCount():
            table.selectRow(0)

    def selected_conflict(self) -> ConflictLine | None:
        rows = self.conflicts_table.selectionModel().selectedRows()
        return self.conflicts_model.line(rows[0].row()) if rows else None

    def selected_correction(self) -> CorrectionLine | None:
        rows = self.corrections_table.selectionModel().selectedRows()
        return self.corrections_model.line(rows[0].row()) if rows else None

    def _show_conflict(self) -> None:
        c = self.selected_conflict()
        self.conflict_compare.set_rows(c.values if c else ())
        writable = not self.ctx.read_only and c is not None
        self.keep_held_button.setEnabled(writable)
        # A fund entry never changes once written: only the held one can be kept (the
        # service refuses the other and its message is shown; the tooltip says it before).
        self.take_incoming_button.setEnabled(writable)
        self.take_incoming_button.setToolTip(
            _(
                "A fund entry never changes: keep the held one; the centre records a "
                "correcting entry"
            )
            if c is not None and c.table == "ledger_entry"
            else _("The held record is replaced by the one the centre sent")
        )

    def _show_correction(self) -> None:
        c = self.selected_correction()
        self.correction_compare.set_rows(c.values if c else ())
        open_ = not self.ctx.read_only and c is not None and c.status == "open"
        self.accept_correction_button.setEnabled(open_)
        self.reject_correction_button.setEnabled(open_)
        self.correction_detail.setText(correction_detail(c) if c else "")

    def selected_centre(self) -> CentreStatus | None:
        rows = self.centres_table.selectionModel().selectedRows()
        return self.centres_model.centre(rows[0].row()) if rows else None

    def select_centre(self, site_id: str) -> bool:
        row = self.centres_model.row_of(site_id)
        if row is None:
            return False
        self.centres_table.selectRow(row)
        return True

    # Messages ---------------------------------------------------------------------------------

    def inform(self, title: str, text: str) -> QMessageBox:
        """A message that does not block; kept as `box` (tests read it)."""
        box = message_box(self, title, text)
        box.open()
        self.box = box
        return box

    def refuse(self, title: str, text: str) -> QMessageBox:
        self.box = show_message(self, title, text)
        return self.box

    def _choose_folder(self, title: str) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, title, str(documents_folder()))
        return Path(folder) if folder else None

    def _choose_bundle(self, title: str) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(
            self, title, str(documents_folder()), self._bundle_filter()
        )
        return Path(name) if name else None

    @staticmethod
    def _bundle_filter() -> str:
        return tr("Bundles ({pattern});;All files (*)", pattern=BUNDLE_FILTER)

    def _inspect(self, path: Path, shown: Any) -> None:
        """Read a bundle's manifest (no decryption) on the query thread."""
        self.ctx.task(
            self,
            "",
            lambda _ws, _progress: SyncService.inspect(path),
            shown,
            lambda exc: errors.report_error(self, _("Cannot do that"), exc),
            write=False,
        )

    # The recovery key -------------------------------------------------------------------------

    def ask_recovery_key(self) -> None:
        self.box = confirm(
            self,
            _("Save the recovery key"),
            _(
                "This file opens every bundle this computer sent, so a new PC can get the "
                "records back if this one dies. Whoever has it can read them too: keep it on "
                "a USB stick locked away, never with the bundles, and never send it by e-mail."
            ),
            _("Choose where to save it…"),
            self.choose_recovery_file,
        )

    def choose_recovery_file(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the recovery key"),
            str(documents_folder() / "tthtcd-recovery-key.txt"),
            _("Key files (*.txt);;All files (*)"),
        )
        if name:
            self.save_recovery_key(Path(name))

    def save_recovery_key(self, path: Path) -> None:
        self.ctx.task(
            self,
            _("Saving the recovery key…"),
            lambda ws, _progress: ws.sync.export_age_identity(path),
            lambda written: self._recovery_saved(written),
            write=False,
        )

    def _recovery_saved(self, path: Path) -> None:
        self.inform(
            _("Save the recovery key"),
            tr("The recovery key is saved as {path}. Keep it locked away.", path=str(path)),
        )

    # A centre joins an office -----------------------------------------------------------------

    def choose_request_folder(self) -> None:
        folder = self._choose_folder(_("Where to save the request to join"))
        if folder is not None:
            self.write_request(folder)

    def write_request(self, folder: Path) -> None:
        def done(path: Path) -> None:
            self.last_request = path
            fingerprint = self.view.site.fingerprint if self.view else ""
            self.inform(
                _("Request to join an office"),
                tr(
                    "The request is saved as {path}.\nTake it to the office on a USB stick or "
                    "send it by e-mail. The office will read your fingerprint back to you over "
                    "the phone; it must be:\n{fingerprint}\nThen import the office's reply here.",
                    path=str(path),
                    fingerprint=fingerprint_lines(fingerprint),
                ),
            )
            self.reload()

        self.ctx.task(
            self,
            _("Writing the request…"),
            lambda ws, _progress: ws.sync.enrol_request(folder),
            done,
            write=True,
        )

    def choose_reply(self) -> None:
        path = self._choose_bundle(_("Choose the office's reply"))
        if path is not None:
            self.open_reply(path)

    def open_reply(self, path: Path) -> None:
        """Show the office's fingerprint from the reply; join only once the user confirms."""

        def shown(info: dict[str, Any]) -> None:
            kind, step, name, fingerprint = bundle_facts(info)
            if kind != "enrolment" or step != "reply":
                self.refuse(
                    _("Join an office"),
                    _("This file is not an office's reply to a request to join."),
                )
                return
            if info.get("signature") != "valid":
                self.refuse(
                    _("Join an office"),
                    _("This file is damaged or was changed: ask the office to send it again."),
                )
                return
            self.box = confirm(
                self,
                _("Join an office"),
                tr(
                    "The reply comes from {office}, whose fingerprint is:\n{fingerprint}\n"
                    "Call the office and have them read their fingerprint from their screen. "
                    "Join only if every group of digits is the same.",
                    office=name,
                    fingerprint=fingerprint_lines(fingerprint),
                ),
                _("The same: join"),
                lambda: self.accept_reply(path),
            )

        self._inspect(path, shown)

    def accept_reply(self, path: Path) -> None:
        def done(site: SiteInfo) -> None:
            self.last_reply = path
            office = site.upstream_name or (site.upstream or "")[:8]
            self.ctx.notify(tr("This centre now reports to {office}.", office=office))
            self.reload()

        self.ctx.task(
            self,
            _("Joining the office…"),
            lambda ws, _progress: ws.sync.enrol_accept(path),
            done,
            write=True,
        )

    def set_up(self) -> None:
        """Name this site and make it a centre or an office (the service refuses a database
        that already holds data, and says so)."""
        name = self.setup_name.text()
        role = self.setup_role.currentData()
        self.ctx.task(
            self,
            _("Setting up…"),
            lambda ws, _progress: ws.sync.init_site(str(role), name),
            lambda _site: self.reload(),
            write=True,
        )

    def ask_higher(self) -> None:
        """An office shows the buttons that join a higher office (and later send to it)."""
        self.higher_asked = True
        self._show_role("office")
        self.request_button.setFocus()

    # Sending ----------------------------------------------------------------------------------

    def choose_send_folder(self, *, up: bool = True) -> None:
        folder = self._choose_folder(_("Choose the USB stick or folder"))
        if folder is not None:
            self.export_to(folder, up=up)

    def export_to(self, folder: Path, *, up: bool | None = None) -> None:
        """Data up (a centre, or an office to the higher office it reports to) or catalogues
        down (an office), with progress and Cancel. "Safe to remove the stick" is said only
        once the file is written and read back. `up` None: a centre's data up, an office's
        catalogues down."""
        office = self.office
        up = not office if up is None else up
        title = _("Send catalogues") if office and not up else _("Send upstream")

        def run(ws: Workspace, progress: Progress) -> ExportResult:
            return ws.sync.export(folder, progress, up=up and office)

        def done(result: ExportResult) -> None:
            self.last_export = result
            self.inform(
                title,
                tr(
                    "File {seq} is written and checked: {file}\nIt holds: {rows}.\n"
                    "It is now safe to remove the USB stick.",
                    seq=format_int(result.seq),
                    file=str(result.file),
                    rows=rows_text(result.rows),
                ),
            )
            self.reload()

        self.ctx.task(
            self,
            title,
            run,
            done,
            write=True,
            label=_("Writing the file… do not remove the USB stick."),
            on_cancelled=lambda: self.ctx.notify(
                _("Cancelled. No file was left on the USB stick.")
            ),
        )

    # Importing --------------------------------------------------------------------------------

    def choose_import_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose the files to import"), str(documents_folder()), self._bundle_filter()
        )
        if names:
            self.dry_run([Path(n) for n in names])

    def dry_run(self, files: list[Path]) -> None:
        """Check every file without changing anything, then show what importing would do."""

        def run(ws: Workspace, progress: Progress) -> list[ImportOutcome]:
            return ws.sync.import_files(files, dry_run=True, progress=progress)

        self.ctx.task(
            self,
            _("Checking the files…"),
            run,
            self.show_review,
            write=True,
            on_cancelled=lambda: self.ctx.notify(_("Cancelled. Nothing was imported.")),
        )

    def show_review(self, outcomes: list[ImportOutcome]) -> None:
        self.review(outcomes)

    def review(self, outcomes: list[ImportOutcome]) -> ImportReviewDialog:
        dialog = ImportReviewDialog(self.ctx, outcomes, office=self.office, parent=self)
        dialog.applied.connect(lambda _outcomes: self.reload())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "review_dialog", None))
        self.review_dialog = dialog
        dialog.open()
        return dialog

    # An office enrols and revokes centres -----------------------------------------------------

    def choose_request(self) -> None:
        path = self._choose_bundle(_("Choose the centre's request to join"))
        if path is not None:
            self.open_request(path)

    def open_request(self, path: Path) -> None:
        """Show the centre and its fingerprint; enrol only once the user confirms."""

        def shown(info: dict[str, Any]) -> None:
            kind, step, name, fingerprint = bundle_facts(info)
            if kind != "enrolment" or step != "request":
                self.refuse(_("Enrol a centre"), _("This file is not a centre's request to join."))
                return
            if info.get("signature") != "valid":
                self.refuse(
                    _("Enrol a centre"),
                    _("This file is damaged or was changed: ask the centre to make it again."),
                )
                return
            place = place_of(info)
            who = tr("{name} ({place})", name=name, place=place) if place else name
            self.box = confirm(
                self,
                _("Enrol a centre"),
                tr(
                    "Enrol {centre}? Its fingerprint is:\n{fingerprint}\nCall the centre and "
                    "have them read the fingerprint on their Sync screen. Enrol only if every "
                    "group of digits is the same. The reply file is written next to the "
                    "request.",
                    centre=who,
                    fingerprint=fingerprint_lines(fingerprint),
                ),
                _("The same: enrol"),
                lambda: self.accept_request(path, path.parent),
            )

        self._inspect(path, shown)

    def accept_request(self, path: Path, out: Path) -> None:
        def done(reply: Path) -> None:
            self.last_reply = reply
            fingerprint = self.view.site.fingerprint if self.view else ""
            self.inform(
                _("Enrol a centre"),
                tr(
                    "The centre is enrolled. Its reply file is {path}: give it back to the "
                    "centre. When it imports the reply, read it this office's fingerprint:\n"
                    "{fingerprint}",
                    path=str(reply),
                    fingerprint=fingerprint_lines(fingerprint),
                ),
            )
            self.reload()

        self.ctx.task(
            self,
            _("Enrolling the centre…"),
            lambda ws, _progress: ws.sync.enrol(path, out),
            done,
            write=True,
        )

    def ask_revoke(self) -> None:
        centre = self.selected_centre()
        if centre is None:
            return
        self.box = confirm(
            self,
            _("Revoke the centre"),
            tr(
                "Stop trusting {centre}? Its files are refused from now on; what it sent "
                "before stays. To send again, it must enrol again.",
                centre=centre.name,
            ),
            _("Revoke"),
            lambda: self.revoke(centre.id),
        )

    def revoke(self, site_id: str) -> None:
        self.ctx.task(
            self,
            _("Revoking…"),
            lambda ws, _progress: ws.sync.revoke(site_id),
            lambda _none: self.reload(),
            write=True,
        )

    # Conflicts (office) -----------------------------------------------------------------------

    def ask_resolve(self, keep: str) -> None:
        c = self.selected_conflict()
        if c is None:
            return
        text = (
            tr(
                "Keep {record} as held here? What {centre} sent for it is set aside.",
                record=c.row_id,
                centre=c.peer_name,
            )
            if keep == "held"
            else tr(
                "Replace {record} with the record {centre} sent? The one held here is "
                "replaced; the audit log keeps who decided and when.",
                record=c.row_id,
                centre=c.peer_name,
            )
        )
        self.box = confirm(
            self,
            _("Resolve the conflict"),
            text,
            _("Keep the held record") if keep == "held" else _("Take the centre's record"),
            lambda: self.resolve(c.id, keep),
        )

    def resolve(self, conflict_id: str, keep: str) -> None:
        self.ctx.op(
            lambda ws: ws.sync.resolve_conflict(conflict_id, keep),
            lambda _id: self.ctx.notify(_("The conflict is resolved.")),
            lambda exc: errors.report_error(self, _("Resolve the conflict"), exc),
            parent=self,
            title=_("Resolving the conflict…"),
        )

    # Correction requests (centre) -------------------------------------------------------------

    def ask_accept_correction(self) -> None:
        c = self.selected_correction()
        if c is None:
            return
        if c.values:
            changes = "\n".join(
                tr("{field}: {now} → {new}", field=name, now=now or "—", new=new or "—")
                for name, now, new in c.values
            )
            text = tr(
                "Correct {record} as the office proposes?\n{changes}\nThe app makes the edit "
                "with the usual checks, as if typed in the person's form. The next bundle sent "
                "upstream carries the answer.",
                record=c.row_id,
                changes=changes,
            )
        else:
            text = tr(
                "Accept the request about {record}? Make the correction itself in the "
                "record's section; the next bundle sent upstream tells the office it was "
                "accepted.",
                record=c.row_id,
            )
        self.box = confirm(
            self, _("Accept the correction"), text, _("Accept"), lambda: self.accept_request_(c.id)
        )

    def accept_request_(self, correction_id: str) -> None:
        self.ctx.op(
            lambda ws: ws.sync.accept_correction(correction_id),
            lambda _id: self.ctx.notify(
                _("Accepted. The next bundle sent upstream carries the answer.")
            ),
            lambda exc: errors.report_error(self, _("Accept the correction"), exc),
            parent=self,
            title=_("Accepting the correction…"),
        )

    def ask_reject_correction(self) -> RejectDialog | None:
        c = self.selected_correction()
        if c is None:
            return None
        dialog = RejectDialog(c.row_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.reject_request(c.id, dialog.reason()))
        dialog.finished.connect(lambda _r: setattr(self, "reject_dialog", None))
        self.reject_dialog = dialog
        dialog.open()
        return dialog

    def reject_request(self, correction_id: str, reason: str) -> None:
        self.ctx.op(
            lambda ws: ws.sync.reject_correction(correction_id, reason),
            lambda _id: self.ctx.notify(
                _("Rejected. The next bundle sent upstream carries the answer and its reason.")
            ),
            lambda exc: errors.report_error(self, _("Reject the correction"), exc),
            parent=self,
            title=_("Rejecting the correction…"),
        )

    # Recovery ---------------------------------------------------------------------------------

    def choose_recovery_folder(self) -> None:
        centre = self.selected_centre()
        if centre is None:
            return
        folder = self._choose_folder(_("Where to write the recovery file (e.g. the USB stick)"))
        if folder is not None:
            self.write_recovery_file(centre.id, folder)

    def write_recovery_file(self, centre_id: str, folder: Path) -> None:
        """Office: every record of one centre held here, for the centre's new PC."""
        name = next((c.name for c in self.centres_model.rows if c.id == centre_id), centre_id)
        fingerprint = self.view.site.fingerprint if self.view else ""

        def done(path: Path) -> None:
            self.last_recovery_file = path
            self.inform(
                _("Recovery file for the centre"),
                tr(
                    "The recovery file for {centre} is written: {path}\nCarry it to the centre "
                    "(on a USB stick, or attach it to an e-mail): only that centre's keys open "
                    "it. On its new PC the secretary chooses Sync › Recover data from bundle "
                    "files… and may ask for this office's fingerprint over the phone:\n"
                    "{fingerprint}",
                    centre=name,
                    path=str(path),
                    fingerprint=fingerprint_lines(fingerprint),
                ),
            )
            self.reload()

        self.ctx.task(
            self,
            _("Writing the recovery file…"),
            lambda ws, _progress: ws.recovery.recovery_bundle(centre_id, folder),
            done,
            write=True,
            label=_("Writing the file… do not remove the USB stick."),
        )

    def _chosen_bundles(self, how: str, title: str) -> list[Path]:
        if how == "folder":
            folder = self._choose_folder(title)
            return sorted(folder.glob(BUNDLE_FILTER)) if folder is not None else []
        names, _filter = QFileDialog.getOpenFileNames(
            self, title, str(documents_folder()), self._bundle_filter()
        )
        return [Path(n) for n in names]

    def choose_recover(self, how: str) -> None:
        files = self._chosen_bundles(how, _("Choose the centre's bundles or recovery file"))
        if files:
            self.recover(files)
        elif how == "folder":
            self.refuse(_("Recover data"), _("There is no bundle file in this folder."))

    def recover(self, files: list[Path], age_identity: Path | None = None) -> None:
        """Centre: read the manifests first (no decryption); a recovery file from an office
        this database does not know asks for the office's fingerprint, then recover."""

        def shown(infos: list[dict[str, Any]]) -> None:
            known = bool(self.view and self.view.site.upstream)
            office = next((i for i in infos if _is_recovery_file(i)), None)
            if office is None or known:
                self.run_recovery(files, None, age_identity)
                return
            _kind, _step, name, fingerprint = bundle_facts(office)
            self.ask_office_fingerprint(files, name, fingerprint, age_identity)

        self.ctx.task(
            self,
            "",
            lambda _ws, _progress: [_inspect_or_empty(f) for f in files],
            shown,
            write=False,
        )

    def ask_office_fingerprint(
        self, files: list[Path], office: str, fingerprint: str, age_identity: Path | None
    ) -> FingerprintDialog:
        dialog = FingerprintDialog(office, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def compared() -> None:
            if _digits(dialog.fingerprint()) != _digits(fingerprint):
                self.refuse(
                    _("Recover data"),
                    tr(
                        "The fingerprint you typed is not the one of the file:\n{fingerprint}\n"
                        "Nothing was recovered. Call the office again; if the digits still "
                        "differ, this file was not made by your office: do not use it.",
                        fingerprint=fingerprint_lines(fingerprint),
                    ),
                )
                return
            self.run_recovery(files, dialog.fingerprint(), age_identity)

        dialog.accepted.connect(compared)
        dialog.finished.connect(lambda _r: setattr(self, "fingerprint_dialog", None))
        self.fingerprint_dialog = dialog
        dialog.open()
        return dialog

    def run_recovery(
        self, files: list[Path], office_fingerprint: str | None, age_identity: Path | None = None
    ) -> None:
        def run(ws: Workspace, progress: Progress) -> list[RecoveryOutcome]:
            return ws.recovery.recover_from_bundles(
                files, progress, age_identity=age_identity, office_fingerprint=office_fingerprint
            )

        def done(outcomes: list[RecoveryOutcome]) -> None:
            self.recovered = outcomes
            self.inform(_("Recover data"), recovery_text(outcomes))
            self.reload()

        self.ctx.task(
            self,
            _("Recovering the records…"),
            run,
            done,
            write=True,
            on_cancelled=lambda: self.ctx.notify(
                _(
                    "Cancelled. The files recovered so far stay recovered; recover again for "
                    "the rest."
                )
            ),
        )

    # A new PC: this empty database takes the centre's identity, then recovers --------------

    def choose_new_pc(self, how: str) -> None:
        files = self._chosen_bundles(how, _("Choose the centre's bundles or recovery file"))
        if files:
            self.ask_new_pc(files)
        elif how == "folder":
            self.refuse(_("Recover data"), _("There is no bundle file in this folder."))

    def ask_new_pc(self, files: list[Path]) -> QMessageBox:
        self.box = confirm(
            self,
            _("New computer: get the centre's data back"),
            _(
                "This empty database becomes the centre that sent these files, and its "
                "records come back from them. The centre's key file must be on this computer "
                '(restored from a backup), or its recovery key saved with "Save the recovery '
                'key…": you are asked for it if needed. The database is opened again first.'
            ),
            _("Go on"),
            lambda: self.take_identity(files),
        )
        return self.box

    def take_identity(self, files: list[Path], age_identity: Path | None = None) -> None:
        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError) and exc.message == NO_KEYS and age_identity is None:
                name, _filter = QFileDialog.getOpenFileName(
                    self,
                    _("Choose the recovery key file"),
                    str(documents_folder()),
                    _("Key files (*.txt *.agekey);;All files (*)"),
                )
                if name:
                    self.take_identity(files, Path(name))
                    return
            errors.report_error(self, _("New computer: get the centre's data back"), exc)

        self.ctx.task(
            self,
            _("Taking the centre's identity…"),
            lambda ws, _progress: ws.recovery.take_identity(files, age_identity=age_identity),
            lambda _site: self.reopen_and_recover(files, age_identity),
            failed,
            write=True,
        )

    def reopen_and_recover(self, files: list[Path], age_identity: Path | None) -> None:
        """The site id changed under the services: open the database again, as File › Open
        does, then recover on the new window's Sync page."""
        from desktop_app.ui import app as app_module
        from desktop_app.ui.main_window import MainWindow

        window = self.window()
        if not isinstance(window, MainWindow):
            return
        new = app_module.reopen(window, self.ctx.path)
        if new is None:
            return
        self.reopened = new
        page = next(
            (
                new.stack.widget(i)
                for i in range(new.stack.count())
                if isinstance(new.stack.widget(i), SyncPage)
            ),
            None,
        )
        if isinstance(page, SyncPage):
            new.show_section(new.stack.indexOf(page))
            page.after_load(lambda: page.recover(files, age_identity))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _inspect_or_empty(path: Path) -> dict[str, Any]:
    try:
        return SyncService.inspect(path)
    except (UserError, OSError, ValueError):
        return {}  # the recovery itself says why it cannot be read


def _is_recovery_file(info: dict[str, Any]) -> bool:
    extra = info.get("extra")
    return isinstance(extra, dict) and extra.get("recovery") is True


RECOVERY_STATUS_LABELS = {
    "recovered": N_("Recovered"),
    "already-held": N_("Already held: nothing to do"),
    "refused": N_("Refused"),
}


def recovery_text(outcomes: list[RecoveryOutcome]) -> str:
    """One line per file (what came back, or why not), then any warning once."""
    lines = []
    for o in outcomes:
        line = f"{o.file.name}: {label(RECOVERY_STATUS_LABELS, o.status)}"
        if o.status == "recovered" and o.tables:
            line += f" ({counts_text(o.tables)})"
        if o.reason:
            line += f"\n    {o.reason}"
        lines.append(line)
    warnings = sorted({o.warning for o in outcomes if o.warning})
    if any(o.status == "recovered" for o in outcomes):
        lines.append(
            _(
                "The records are back. Check the People list; then send upstream as usual "
                "(into an empty folder: a new series of bundles starts)."
            )
        )
    return "\n".join(lines + warnings)
