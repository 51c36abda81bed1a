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
from PySide6.QtWidgets import QMessageBox, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.core.people import PersonInput, Sex
from desktop_app.i18n import _
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui.long_task import LongTask
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.sync import SyncPage
from desktop_app.ui.sync.models import C_SEQ, C_STATUS, O_STATUS, R_REQUEST, R_ROW, T_NEW, T_TABLE
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
    assert office.tabs.isTabVisible(TAB_CONFLICTS) and not office.tabs.isTabVisible(TAB_CORRECTIONS)
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
