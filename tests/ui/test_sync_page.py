"""The Sync section end to end, on real databases (offscreen): a centre joins an office after
both compared fingerprints, sends its data upstream on a "stick", the office imports it after
the dry-run review and sees it in its centres list; a damaged file shows its refusal, a file
imported twice says so, the centre imports the acknowledgement; the page fits 1280×720."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.core.people import PersonInput, Sex
from desktop_app.i18n import _
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.app import build_window
from desktop_app.ui.long_task import LongTask
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.sync import SyncPage
from desktop_app.ui.sync.models import (
    C_SEQ,
    C_STATUS,
    O_STATUS,
    R_REQUEST,
    R_ROW,
    R_STATUS,
    T_NEW,
    T_TABLE,
    X_ROW,
)
from desktop_app.ui.sync.page import TAB_CONFLICTS, TAB_CORRECTIONS
from desktop_app.ui.sync.review import ImportReviewDialog
from desktop_app.ui.sync.texts import fingerprint_lines

WAIT_MS = 30_000
OFFICE_NAME = "Phòng Giáo dục huyện Long Thành"
CENTRE_NAME = "Trung tâm học tập cộng đồng xã Đông Hòa"
PEOPLE = [
    PersonInput("Trần Thị Bích", Sex.FEMALE, "12/05/1990"),
    PersonInput("Lê Văn Cường", Sex.MALE, "1975"),
    PersonInput("Phạm Thị Hoa", Sex.FEMALE, "03/02/1988"),
    PersonInput("Nguyễn Văn An", Sex.MALE, "1960"),
    PersonInput("Hoàng Minh Đức", Sex.MALE, "20/11/2001"),
]


def sync_page(qtbot: QtBot, window: MainWindow) -> SyncPage:
    index = next(
        i for i in range(window.stack.count()) if isinstance(window.stack.widget(i), SyncPage)
    )
    assert window.sidebar.item(index).text() == _("Sync")
    window.show_section(index)
    page = window.stack.widget(index)
    assert isinstance(page, SyncPage)
    qtbot.waitUntil(lambda: page.view is not None and not page.busy, timeout=WAIT_MS)
    return page


def office_db(tmp_path: Path) -> Path:
    path = tmp_path / "office.sqlite3"
    with Workspace.open(path, create=True) as ws:
        ws.sync.init_site("office", OFFICE_NAME)
    return path


@pytest.fixture
def centre_db(tmp_path: Path) -> Path:
    """A centre set up on a new database, then five people typed in."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        ws.sync.init_site("centre", CENTRE_NAME)
        for person in PEOPLE:
            ws.people.add(person)
    return path


def accept(box: QMessageBox | None) -> None:
    """Press the yes button of a confirmation."""
    assert isinstance(box, QMessageBox)
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    yes.click()


def close(box: QMessageBox | None) -> None:
    assert isinstance(box, QMessageBox)
    box.close()


def wait_box(qtbot: QtBot, page: SyncPage, before: QMessageBox | None = None) -> QMessageBox:
    qtbot.waitUntil(lambda: page.box is not None and page.box is not before, timeout=WAIT_MS)
    assert page.box is not None
    return page.box


def review(qtbot: QtBot, page: SyncPage, files: list[Path]) -> ImportReviewDialog:
    page.review_dialog = None
    page.dry_run(files)
    qtbot.waitUntil(lambda: page.review_dialog is not None, timeout=WAIT_MS)
    assert page.review_dialog is not None
    return page.review_dialog


def enrol(qtbot: QtBot, centre: SyncPage, office: SyncPage, usb: Path) -> None:
    """The centre's request, the office's acceptance, the centre's acceptance of the reply,
    each after the fingerprint shown was compared with the other side's screen."""
    centre.write_request(usb)
    qtbot.waitUntil(lambda: centre.last_request is not None, timeout=WAIT_MS)
    request = centre.last_request
    assert request is not None and request.is_file()
    box = wait_box(qtbot, centre)
    assert fingerprint_lines(centre.fingerprint_label.text()) in box.text()
    close(box)

    office.open_request(request)
    box = wait_box(qtbot, office)
    # The office sees the centre's fingerprint as the centre's own screen shows it.
    assert centre.fingerprint_label.text() in box.text()
    accept(box)
    qtbot.waitUntil(lambda: office.last_reply is not None, timeout=WAIT_MS)
    reply = office.last_reply
    assert reply is not None and reply.is_file()
    qtbot.waitUntil(lambda: office.centres_model.rowCount() == 1, timeout=WAIT_MS)
    close(wait_box(qtbot, office, box))

    centre.box = None
    centre.open_reply(reply)
    box = wait_box(qtbot, centre)
    assert office.fingerprint_label.text() in box.text()
    accept(box)
    qtbot.waitUntil(
        lambda: centre.view is not None and centre.view.site.upstream is not None,
        timeout=WAIT_MS,
    )
    assert OFFICE_NAME in centre.upstream_label.text()
    assert centre.send_button.isEnabled()


def test_a_centre_joins_sends_and_the_office_imports_after_the_review(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb, acks = tmp_path / "usb", tmp_path / "acks"
    usb.mkdir()
    acks.mkdir()
    centre_window = make_window(centre_db)
    office_window = make_window(office_db(tmp_path))
    centre, office = sync_page(qtbot, centre_window), sync_page(qtbot, office_window)
    # Each computer shows its role and its fingerprint: 8 groups of 5 digits on 2 lines.
    assert centre.centre_box.isVisibleTo(centre) and not centre.office_box.isVisibleTo(centre)
    assert office.office_box.isVisibleTo(office) and not office.centre_box.isVisibleTo(office)
    lines = centre.fingerprint_label.text().split("\n")
    assert len(lines) == 2 and all(len(g) == 5 and g.isdigit() for g in " ".join(lines).split())
    assert not centre.send_button.isEnabled()  # not joined yet

    enrol(qtbot, centre, office, usb)

    # Send upstream: "safe to remove the stick" only once the file is written.
    centre.box = None
    centre.export_to(usb)
    qtbot.waitUntil(lambda: centre.last_export is not None, timeout=WAIT_MS)
    sent = centre.last_export
    assert sent is not None and sent.file.is_file() and sent.file.parent == usb
    assert not list(usb.glob("*.part"))
    box = wait_box(qtbot, centre)
    assert str(sent.file) in box.text()
    close(box)
    qtbot.waitUntil(lambda: centre.history_model.rowCount() >= 1, timeout=WAIT_MS)

    # The office: the dry run first, nothing changed until Import.
    dialog = review(qtbot, office, [sent.file])
    (checked,) = dialog.outcomes
    assert checked.status == "dry-run", checked.reason
    assert dialog.files_model.index(0, O_STATUS).data() == _("Ready to import")
    rows = {
        dialog.tables_model.index(r, T_TABLE).data(): r
        for r in range(dialog.tables_model.rowCount())
    }
    assert dialog.tables_model.index(rows[_("People")], T_NEW).data() == "5"
    assert office.centres_model.index(0, C_STATUS).data() == _("Nothing received yet")
    dialog.set_ack_folder(acks)
    applied: list[object] = []
    dialog.applied.connect(applied.append)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    assert dialog.applied_outcomes is not None
    assert [o.status for o in dialog.applied_outcomes] == ["applied"]
    assert str(acks) in dialog.intro.text()
    (ack,) = list(acks.glob("*.tthbundle"))
    dialog.close()
    qtbot.waitUntil(
        lambda: office.centres_model.index(0, C_SEQ).data() == str(sent.seq), timeout=WAIT_MS
    )
    assert office.centres_model.index(0, C_STATUS).data() == _("Up to date")

    # The same file again: already imported, nothing to do.
    dialog = review(qtbot, office, [sent.file])
    (again,) = dialog.outcomes
    assert again.status == "already-imported"
    assert again.reason and again.reason in dialog.reason_label.text()
    dialog.close()

    # A damaged copy: refused with its reason in plain words, the Import button off.
    damaged = tmp_path / "damaged" / sent.file.name
    damaged.parent.mkdir()
    shutil.copyfile(sent.file, damaged)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    dialog = review(qtbot, office, [damaged])
    (refused,) = dialog.outcomes
    assert refused.status == "refused" and refused.reason
    assert refused.reason in dialog.reason_label.text()
    assert dialog.files_model.index(0, O_STATUS).data() == _("Refused")
    assert not dialog.import_button.isEnabled()
    dialog.close()

    # The centre imports the acknowledgement from upstream.
    dialog = review(qtbot, centre, [ack])
    assert not dialog.ack_row.isVisibleTo(dialog)
    (checked,) = dialog.outcomes
    assert checked.status == "dry-run", checked.reason
    applied.clear()
    dialog.applied.connect(applied.append)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    assert dialog.applied_outcomes is not None
    assert [o.status for o in dialog.applied_outcomes] == ["applied"]
    dialog.close()


def test_the_office_revokes_a_centre(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    centre = sync_page(qtbot, make_window(centre_db))
    office = sync_page(qtbot, make_window(office_db(tmp_path)))
    enrol(qtbot, centre, office, usb)
    assert not office.revoke_button.isEnabled()
    office.centres_table.selectRow(0)
    assert office.revoke_button.isEnabled()
    office.box = None
    office.ask_revoke()
    accept(wait_box(qtbot, office))
    qtbot.waitUntil(
        lambda: office.centres_model.index(0, C_STATUS).data() == _("Revoked"), timeout=WAIT_MS
    )
    centre.export_to(usb)
    qtbot.waitUntil(lambda: centre.last_export is not None, timeout=WAIT_MS)
    assert centre.last_export is not None
    dialog = review(qtbot, office, [centre.last_export.file])
    assert [o.status for o in dialog.outcomes] == ["refused"]
    assert dialog.outcomes[0].reason in dialog.reason_label.text()
    dialog.close()


def test_the_office_page_fits_the_screen(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(office_db(tmp_path))
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=3000)
    page = sync_page(qtbot, window)
    assert window.width() <= 1280
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    for table in page.findChildren(QTableView):
        if not table.isVisible():
            continue
        header = table.horizontalHeader()
        last = header.count() - 1
        right = header.sectionViewportPosition(last) + header.sectionSize(last)
        assert right <= table.viewport().width()


def test_a_site_not_set_up_is_offered_the_choice(
    qtbot: QtBot,
    people_db: Path,
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A new, empty database becomes an office.
    page = sync_page(qtbot, make_window(tmp_path / "new.sqlite3"))
    assert page.setup_box.isVisibleTo(page)
    assert not page.centre_box.isVisibleTo(page) and not page.office_box.isVisibleTo(page)
    page.setup_name.setText(OFFICE_NAME)
    page.setup_role.setCurrentIndex(page.setup_role.findData("office"))
    page.setup_button.click()
    qtbot.waitUntil(lambda: page.office_box.isVisibleTo(page), timeout=WAIT_MS)
    assert not page.setup_box.isVisibleTo(page)
    assert OFFICE_NAME in page.site_label.text()

    # A database that already holds records cannot: the page says why.
    shown: list[str] = []
    monkeypatch.setattr(errors, "show_message", lambda _parent, _title, text: shown.append(text))
    page = sync_page(qtbot, make_window(people_db))
    assert page.setup_box.isVisibleTo(page)
    page.setup_name.setText("Văn phòng")
    page.setup_role.setCurrentIndex(page.setup_role.findData("office"))
    page.setup_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert page.setup_box.isVisibleTo(page)


def test_cancelling_the_export_leaves_nothing_on_the_stick(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb, stick = tmp_path / "usb", tmp_path / "stick"
    usb.mkdir()
    stick.mkdir()
    centre_window = make_window(centre_db)
    centre = sync_page(qtbot, centre_window)
    enrol(qtbot, centre, sync_page(qtbot, make_window(office_db(tmp_path))), usb)
    # The writer is busy with something else when Cancel is pressed: the export never starts.
    gate = threading.Event()
    centre_window.ctx.worker.submit(lambda _ws: gate.wait(10))
    centre.export_to(stick)
    (task,) = [t for t in centre.findChildren(LongTask) if not t.finished]
    with qtbot.waitSignal(centre_window.ctx.notice, timeout=WAIT_MS) as notice:
        task.cancel()
        gate.set()
    assert notice.args is not None and notice.args[0] == _(
        "Cancelled. No file was left on the USB stick."
    )
    assert centre.last_export is None
    assert list(stick.iterdir()) == []


def test_a_correction_request_reaches_the_centre(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb, down = tmp_path / "usb", tmp_path / "down"
    usb.mkdir()
    down.mkdir()
    centre = sync_page(qtbot, make_window(centre_db))
    office_path = office_db(tmp_path)
    office = sync_page(qtbot, make_window(office_path))
    enrol(qtbot, centre, office, usb)
    # The office sees the requests it sent (and their answers); only a centre answers them.
    assert office.tabs.isTabVisible(TAB_CONFLICTS) and office.tabs.isTabVisible(TAB_CORRECTIONS)
    assert not office.correction_buttons.isVisibleTo(office)
    assert centre.tabs.isTabVisible(TAB_CORRECTIONS) and not centre.tabs.isTabVisible(TAB_CONFLICTS)
    # The selected centre's line names its fingerprint, as its own screen shows it.
    office.centres_table.selectRow(0)
    digits = " ".join(centre.fingerprint_label.text().split())
    assert digits in office.centre_note.text()

    assert centre.view is not None
    with Workspace.open(centre_db, read_only=True) as ws:
        person = ws.people.roster()[0]
    with Workspace.open(office_path) as ws:
        request = ws.sync.request_correction(
            centre.view.site.id, "person", person.id, "Năm sinh là 1976, không phải 1975.", down
        )
    dialog = review(qtbot, centre, [request])
    assert [o.status for o in dialog.outcomes] == ["dry-run"], dialog.outcomes[0].reason
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.applied_outcomes is not None, timeout=WAIT_MS)
    dialog.close()
    qtbot.waitUntil(lambda: centre.corrections_model.rowCount() == 1, timeout=WAIT_MS)
    assert centre.corrections_model.index(0, R_REQUEST).data() == (
        "Năm sinh là 1976, không phải 1975."
    )
    assert centre.corrections_model.index(0, R_ROW).data() == person.full_name
    assert centre.tabs.tabText(TAB_CORRECTIONS).endswith("(1)")


def test_the_office_people_list_shows_the_imported_people(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    centre = sync_page(qtbot, make_window(centre_db))
    office_window = make_window(office_db(tmp_path))
    office = sync_page(qtbot, office_window)
    enrol(qtbot, centre, office, usb)
    centre.export_to(usb)
    qtbot.waitUntil(lambda: centre.last_export is not None, timeout=WAIT_MS)
    assert centre.last_export is not None
    people = office_window.people_page
    before = people.model.rowCount()
    dialog = review(qtbot, office, [centre.last_export.file])
    with qtbot.waitSignal(office_window.ctx.changed, timeout=WAIT_MS) as changed:
        dialog.import_button.click()
    assert changed.args is not None and "person" in changed.args[0].kinds
    qtbot.waitUntil(lambda: people.model.rowCount() == before + len(PEOPLE), timeout=WAIT_MS)
    dialog.close()


def import_all(qtbot: QtBot, page: SyncPage, files: list[Path], acks: Path | None = None) -> None:
    dialog = review(qtbot, page, files)
    assert all(o.status == "dry-run" for o in dialog.outcomes), [o.reason for o in dialog.outcomes]
    if acks is not None:
        dialog.set_ack_folder(acks)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.applied_outcomes is not None, timeout=WAIT_MS)
    assert dialog.applied_outcomes is not None
    assert [o.status for o in dialog.applied_outcomes] == ["applied"] * len(files)
    dialog.close()


def send(qtbot: QtBot, centre: SyncPage, usb: Path) -> Path:
    centre.last_export = None
    centre.export_to(usb)
    qtbot.waitUntil(lambda: centre.last_export is not None, timeout=WAIT_MS)
    assert centre.last_export is not None
    return centre.last_export.file


def test_a_proposed_correction_is_accepted_and_the_office_sees_the_answer(
    qtbot: QtBot,
    centre_db: Path,
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usb, down, acks = tmp_path / "usb", tmp_path / "down", tmp_path / "acks"
    for folder in (usb, down, acks):
        folder.mkdir()
    centre = sync_page(qtbot, make_window(centre_db))
    office_path = office_db(tmp_path)
    office_window = make_window(office_path)
    office = sync_page(qtbot, office_window)
    enrol(qtbot, centre, office, usb)
    import_all(qtbot, office, [send(qtbot, centre, usb)], acks)
    assert centre.view is not None
    with Workspace.open(centre_db, read_only=True) as ws:
        person = next(p for p in ws.people.roster() if p.full_name == "Lê Văn Cường")

    # The office proposes new values from its People page, with a message.
    people = office_window.people_page
    office_window.show_section(office_window.stack.indexOf(people))
    qtbot.waitUntil(lambda: people.model.rowCount() == len(PEOPLE), timeout=WAIT_MS)
    people.select_row(
        next(r for r in range(people.model.rowCount()) if people.model.person_id(r) == person.id)
    )
    assert people.correction_button.isEnabled()
    people.correction_button.click()
    form = people.correction_dialog
    assert form is not None and form.birth.text() == "1975" and not form.ok.isEnabled()
    form.birth.setText("1976")
    form.phone.setText("0912345678")
    assert form.ok.isEnabled() and form.fields() == {"birth": "1976", "phone": "0912345678"}
    form.text.setPlainText("Năm sinh và số điện thoại.")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(down))
    form.ok.click()
    qtbot.waitUntil(lambda: people.last_correction is not None, timeout=WAIT_MS)
    first = people.last_correction
    assert first is not None and first.parent == down
    office = sync_page(qtbot, office_window)
    qtbot.waitUntil(lambda: office.corrections_model.rowCount() == 1, timeout=WAIT_MS)
    assert office.corrections_model.index(0, R_STATUS).data() == _("Sent, no answer yet")
    with Workspace.open(office_path) as ws:
        second = ws.sync.request_correction(
            centre.view.site.id, "person", person.id, "", down, {"full_name": "Lê Văn Cương"}
        )
    import_all(qtbot, centre, [first, second])
    qtbot.waitUntil(lambda: centre.corrections_model.rowCount() == 2, timeout=WAIT_MS)
    assert centre.tabs.tabText(TAB_CORRECTIONS).endswith("(2)")

    # Accept the first: the values now and proposed side by side, then the usual edit.
    row = next(
        r
        for r in range(centre.corrections_model.rowCount())
        if centre.corrections_model.index(r, R_REQUEST).data() == "Năm sinh và số điện thoại."
    )
    centre.corrections_table.selectRow(row)
    compare = {
        centre.correction_compare.index(r, 0).data(): (
            centre.correction_compare.index(r, 1).data(),
            centre.correction_compare.index(r, 2).data(),
        )
        for r in range(centre.correction_compare.rowCount())
    }
    assert compare == {_("Birth"): ("1975", "1976"), _("Phone"): ("", "0912345678")}
    assert centre.accept_correction_button.isEnabled()
    centre.box = None
    centre.ask_accept_correction()
    box = wait_box(qtbot, centre)
    assert "1975 → 1976" in box.text()
    accept(box)
    qtbot.waitUntil(lambda: centre.tabs.tabText(TAB_CORRECTIONS).endswith("(1)"), timeout=WAIT_MS)
    with Workspace.open(centre_db, read_only=True) as ws:
        changed = ws.people.get(person.id)
    assert changed.birth is not None and changed.birth.display() == "1976"
    assert changed.phone == "0912345678"
    assert not centre.accept_correction_button.isEnabled()  # answered: the buttons are off

    # Reject the second, with a reason.
    row = next(
        r
        for r in range(centre.corrections_model.rowCount())
        if centre.corrections_model.line(r).status == "open"  # type: ignore[union-attr]
    )
    centre.corrections_table.selectRow(row)
    dialog = centre.ask_reject_correction()
    assert dialog is not None and not dialog.ok.isEnabled()
    dialog.text.setPlainText("Tên trên CCCD là Cường.")
    dialog.ok.click()
    qtbot.waitUntil(lambda: not centre.tabs.tabText(TAB_CORRECTIONS).endswith(")"), timeout=WAIT_MS)
    with Workspace.open(centre_db, read_only=True) as ws:
        assert ws.people.get(person.id).full_name == "Lê Văn Cường"

    # The next export carries both answers; the office sees them.
    import_all(qtbot, office, [send(qtbot, centre, usb)], acks)
    qtbot.waitUntil(
        lambda: (
            sorted(
                office.corrections_model.index(r, R_STATUS).data()
                for r in range(office.corrections_model.rowCount())
            )
            == sorted([_("Accepted"), _("Rejected")])
        ),
        timeout=WAIT_MS,
    )
    rejected = next(c for c in office.corrections_model.rows if c.status == "rejected")
    office.corrections_table.selectRow(office.corrections_model.row_of(rejected.id) or 0)
    assert "Tên trên CCCD là Cường." in office.correction_detail.text()


def _conflicting_office(tmp_path: Path) -> tuple[Path, str]:
    """An office holding a conflict: a restored centre sent an edit with the version of one
    the office holds (as in tests/services/test_sync_answers.py)."""
    from desktop_app.services import backup
    from tests.services.sync_helpers import add_person, make_pair

    pair = make_pair(tmp_path)
    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thị Bích")
    o.sync.import_files([c.sync.export(pair.stick).file])
    saved = c.backup.backup_now(tmp_path / "bk")
    c.people.update(person, PersonInput("Trần Thị Bích Ngọc", Sex.FEMALE, "1980"))
    o.sync.import_files([c.sync.export(pair.stick).file])
    c.close()
    backup.restore(c.path, saved)
    c = Workspace.open(c.path)
    c.people.update(person, PersonInput("Trần Thị Bích Hà", Sex.FEMALE, "1980"))
    held = o.db.conn.execute("SELECT version FROM person WHERE id = ?", (person,)).fetchone()[0]
    c.db.conn.execute("UPDATE person SET version = ? WHERE id = ?", (held, person))
    again = tmp_path / "stick-2"
    again.mkdir()
    (outcome,) = o.sync.import_files([c.sync.export(again).file])
    assert outcome.tables["person"].conflict == 1, outcome
    c.close()
    o.close()
    return o.path, person


@pytest.mark.parametrize(
    ("keep", "name"), [("held", "Trần Thị Bích Ngọc"), ("incoming", "Trần Thị Bích Hà")]
)
def test_the_office_resolves_a_conflict(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow], keep: str, name: str
) -> None:
    office_path, person = _conflicting_office(tmp_path)
    office = sync_page(qtbot, make_window(office_path))
    assert office.tabs.tabText(TAB_CONFLICTS).endswith("(1)")
    office.tabs.setCurrentIndex(TAB_CONFLICTS)
    # The first conflict is selected; held and incoming side by side, what differs first.
    assert office.conflicts_model.index(0, X_ROW).data() == "Trần Thị Bích Ngọc"
    compare = office.conflict_compare
    shown = [tuple(compare.index(r, c).data() for c in range(3)) for r in range(compare.rowCount())]
    differing = [row for row in shown if row[1] != row[2]]
    assert (_("Full name"), "Trần Thị Bích Ngọc", "Trần Thị Bích Hà") in differing
    assert shown[: len(differing)] == differing  # what differs first
    assert "search_text" not in {row[0] for row in shown}  # derived columns left out
    button = office.keep_held_button if keep == "held" else office.take_incoming_button
    assert button.isEnabled()
    office.box = None
    button.click()
    accept(wait_box(qtbot, office))
    qtbot.waitUntil(lambda: office.conflicts_model.rowCount() == 0, timeout=WAIT_MS)
    assert office.tabs.tabText(TAB_CONFLICTS) == _("Conflicts")
    assert not office.keep_held_button.isEnabled()
    with Workspace.open(office_path, read_only=True) as ws:
        assert ws.people.get(person).full_name == name
        (done,) = ws.sync.conflict_list(resolved=True)
    assert done.resolution == keep


def test_a_recovery_file_from_the_office_restores_a_new_centre_database(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb, acks, rescue = tmp_path / "usb", tmp_path / "acks", tmp_path / "rescue"
    for folder in (usb, acks, rescue):
        folder.mkdir()
    centre = sync_page(qtbot, make_window(centre_db))
    office = sync_page(qtbot, make_window(office_db(tmp_path)))
    enrol(qtbot, centre, office, usb)
    import_all(qtbot, office, [send(qtbot, centre, usb)], acks)

    # The office writes the centre's recovery file, with the note to carry it there.
    qtbot.waitUntil(lambda: office.centres_model.rowCount() == 1, timeout=WAIT_MS)
    office.centres_table.selectRow(0)
    assert office.recovery_file_button.isEnabled()
    office.box = None
    office.write_recovery_file(office.centres_model.rows[0].id, rescue)
    qtbot.waitUntil(lambda: office.last_recovery_file is not None, timeout=WAIT_MS)
    recovery = office.last_recovery_file
    assert recovery is not None and recovery.parent == rescue
    box = wait_box(qtbot, office)
    assert str(recovery) in box.text() and office.fingerprint_label.text() in box.text()
    close(box)

    # The centre's PC died. A new, empty database on the new PC (the key file restored).
    # (Not make_window's: the window is closed and deleted when the database is reopened.)
    writer = Workspace.open(tmp_path / "new-pc.sqlite3", create=True)
    new_window = build_window(writer, writer.reader())
    new_window.show()
    page = sync_page(qtbot, new_window)
    assert page.setup_box.isVisibleTo(page) and page.new_pc_button.isEnabled()
    page.box = None
    accept(page.ask_new_pc([recovery]))
    qtbot.waitUntil(lambda: page.reopened is not None, timeout=WAIT_MS)
    reopened = page.reopened
    assert isinstance(reopened, MainWindow)
    try:
        again = sync_page(qtbot, reopened)
        # The new database does not know its office yet: the fingerprint read over the phone.
        qtbot.waitUntil(lambda: again.fingerprint_dialog is not None, timeout=WAIT_MS)
        dialog = again.fingerprint_dialog
        assert dialog is not None and not dialog.ok.isEnabled()
        dialog.edit.setText(office.fingerprint_label.text().replace("\n", " "))
        assert dialog.ok.isEnabled()
        dialog.ok.click()
        qtbot.waitUntil(lambda: again.recovered is not None, timeout=WAIT_MS)
        assert again.recovered is not None
        assert [o.status for o in again.recovered] == ["recovered"], again.recovered
        box = wait_box(qtbot, again)
        assert recovery.name in box.text()
        qtbot.waitUntil(
            lambda: again.view is not None and bool(again.view.site.upstream), timeout=WAIT_MS
        )
        assert again.view is not None and again.view.site.name == CENTRE_NAME
        with (
            Workspace.open(centre_db, read_only=True) as old,
            Workspace.open(reopened.ctx.path, read_only=True) as new,
        ):
            assert len(new.people.roster()) == len(old.people.roster()) == len(PEOPLE)
    finally:
        reopened.close()
        reopened.shutdown()
        reopened.deleteLater()


def test_a_wrong_office_fingerprint_recovers_nothing(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb, acks, rescue = tmp_path / "usb", tmp_path / "acks", tmp_path / "rescue"
    for folder in (usb, acks, rescue):
        folder.mkdir()
    centre = sync_page(qtbot, make_window(centre_db))
    office = sync_page(qtbot, make_window(office_db(tmp_path)))
    enrol(qtbot, centre, office, usb)
    import_all(qtbot, office, [send(qtbot, centre, usb)], acks)
    with Workspace.open(office.ctx.path) as ws:
        recovery = ws.recovery.recovery_bundle(office.centres_model.rows[0].id, rescue)
    dialog = centre.ask_office_fingerprint([recovery], OFFICE_NAME, " ".join(["11111"] * 8), None)
    centre.box = None
    dialog.edit.setText("2" * 40)
    dialog.ok.click()
    box = wait_box(qtbot, centre)
    assert "11111 11111 11111 11111" in box.text()
    assert centre.recovered is None


def test_an_office_joins_a_higher_office_and_sends_its_centres_records_up(
    qtbot: QtBot, centre_db: Path, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    usb, acks = tmp_path / "usb", tmp_path / "acks"
    usb.mkdir()
    acks.mkdir()
    # The province office already holds the records of one centre of its own.
    lower_db = tmp_path / "province.sqlite3"
    with Workspace.open(lower_db, create=True) as lower_ws, Workspace.open(centre_db) as c_ws:
        lower_ws.sync.init_site("office", "Sở GD&ĐT tỉnh Đồng Nai")
        reply = lower_ws.sync.enrol(c_ws.sync.enrol_request(usb), usb)
        c_ws.sync.enrol_accept(reply)
        (outcome,) = lower_ws.sync.import_files([c_ws.sync.export(usb).file])
        assert outcome.status == "applied", outcome.reason
        centre_id = c_ws.db.site_id
    for old in usb.iterdir():
        old.unlink()
    lower = sync_page(qtbot, make_window(lower_db))
    higher = sync_page(qtbot, make_window(office_db(tmp_path)))
    # An office that reports to nobody shows no such box, only the button that asks for it.
    assert not lower.centre_box.isVisibleTo(lower)
    assert lower.join_higher_button.isVisibleTo(lower)
    lower.join_higher_button.click()
    assert lower.centre_box.isVisibleTo(lower)
    assert lower.centre_box.title() == _("The higher office this office reports to")

    enrol(qtbot, lower, higher, usb)
    assert not lower.join_higher_button.isVisibleTo(lower)

    # "Send upstream" at an office sends up (its catalogue button still sends down).
    lower.box = None
    lower.last_export = None
    lower.export_to(usb, up=True)
    qtbot.waitUntil(lambda: lower.last_export is not None, timeout=WAIT_MS)
    assert lower.last_export is not None
    file = lower.last_export.file
    assert "_data_" in file.name
    close(wait_box(qtbot, lower))
    import_all(qtbot, higher, [file], acks)
    # The higher office lists the province office and, under it, the centre it relays.
    qtbot.waitUntil(lambda: higher.centres_model.rowCount() == 2, timeout=WAIT_MS)
    assert higher.view is not None
    listed = {c.id: c for c in higher.view.centres}
    assert listed[centre_id].status == "relayed"
    row = higher.centres_model.row_of(centre_id)
    assert row is not None
    status = higher.centres_model.index(row, C_STATUS).data()
    assert "Sở GD&ĐT tỉnh Đồng Nai" in status
    with Workspace.open(tmp_path / "office.sqlite3", read_only=True) as ws:
        assert len(ws.people.roster(sites=(centre_id,))) == len(PEOPLE)
