"""The certificate register: search, revoke with a reason, reissue, reprint, verify QR text."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.i18n import _, tr
from desktop_app.ui.classes import CertificateRegisterPage
from desktop_app.ui.classes.register import COL_STATUS
from desktop_app.ui.context import AppContext

from .conftest import TITLE, course_id, write


def issue(qtbot: QtBot, ctx: AppContext) -> list[str]:
    cid = course_id(ctx, TITLE)
    grid = ctx.reader.courses.grid(cid)
    pairs = [(e.id, s.id) for e in grid.enrolments for s in grid.sessions]
    write(qtbot, ctx, lambda ws: ws.courses.set_attendance(cid, pairs, True))
    issued = write(qtbot, ctx, lambda ws: ws.certificates.issue_for_course(cid))
    return [i.certificate.serial for i in issued]


def register_page(qtbot: QtBot, ctx: AppContext) -> CertificateRegisterPage:
    page = CertificateRegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    return page


def serials(page: CertificateRegisterPage) -> list[str]:
    return [c.serial for c in page.model.rows]


def test_search_and_revoke_with_a_reason(
    qtbot: QtBot, ctx: AppContext, qtmodeltester: ModelTester
) -> None:
    issued = issue(qtbot, ctx)
    page = register_page(qtbot, ctx)
    assert sorted(serials(page)) == sorted(issued)
    qtmodeltester.check(page.model)
    assert page.year.findData(int(issued[0].split("/")[1])) > 0

    qtbot.keyClicks(page.search, "bich")
    qtbot.waitUntil(lambda: [c.full_name for c in page.model.rows] == ["Trần Thị Bích"],
                    timeout=3000)  # fmt: skip
    page.table.selectRow(0)
    assert page.revoke_button.isEnabled()
    page.revoke_button.click()
    dialog = page.revoke_dialog
    assert dialog is not None
    dialog.revoke_button.click()  # no reason: refused, the dialog says why
    assert dialog.message.text() == _("Say why the certificate is revoked.")
    dialog.reason.setText("In sai ngày sinh")
    dialog.revoke_button.click()
    qtbot.waitUntil(lambda: page.revoke_dialog is None, timeout=3000)
    cert = next(c for c in ctx.reader.certificates.register() if c.full_name == "Trần Thị Bích")
    assert cert.revoked_at and cert.revoke_reason == "In sai ngày sinh"
    qtbot.waitUntil(
        lambda: (
            page.model.index(0, COL_STATUS).data()
            == tr("Revoked: {reason}", reason="In sai ngày sinh")
        ),
        timeout=3000,
    )
    page.table.selectRow(0)
    assert not page.revoke_button.isEnabled() and not page.reprint_button.isEnabled()
    assert page.reissue_button.isEnabled()


def test_reissue_gives_a_new_number_and_reprint_keeps_it(
    qtbot: QtBot, ctx: AppContext, docs: Path
) -> None:
    issued = issue(qtbot, ctx)
    page = register_page(qtbot, ctx)
    old = next(c for c in page.model.rows if c.full_name == "Lê Văn Cường")
    page.select(old.id)
    page.reissue_selected()
    box = page.confirm_box
    yes = next(b for b in box.buttons() if b.text() == _("Reissue"))  # type: ignore[attr-defined]
    yes.click()
    qtbot.waitUntil(lambda: page.last_issued is not None, timeout=10000)
    new = next(c for c in ctx.reader.certificates.register() if c.serial == page.last_issued)
    assert new.serial not in issued and new.reissue_of == old.id
    assert page.preview is not None and page.preview.page_count == 1
    page.preview.close_button.click()
    qtbot.waitUntil(lambda: new.id in [c.id for c in page.model.rows], timeout=3000)
    row = page.model.row_of(new.id)
    assert row is not None
    assert tr("reissue of {serial}", serial=old.serial) in page.model.index(row, COL_STATUS).data()

    page.select(new.id)
    page.preview = None
    page.reprint_button.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=10000)
    document = pdfium.PdfDocument(str(page.preview.path))  # type: ignore[union-attr]
    assert len(document) == 1
    document.close()
    page.preview.close_button.click()  # type: ignore[union-attr]
    again = ctx.reader.certificates.get(new.id)
    assert again.serial == new.serial and again.print_count == new.print_count + 1
    assert len(ctx.reader.certificates.register()) == len(issued) + 1


def test_verify_qr_text_in_plain_words(qtbot: QtBot, ctx: AppContext) -> None:
    issue(qtbot, ctx)
    page = register_page(qtbot, ctx)
    cert = page.model.rows[0]
    page.verify_button.click()
    dialog = page.verify_dialog
    assert dialog is not None
    dialog.text.setPlainText(cert.payload)
    dialog.check_button.click()
    assert dialog.verification is not None and dialog.verification.ok
    assert (
        cert.full_name in dialog.result_label.text() and cert.serial in dialog.result_label.text()
    )

    dialog.text.setPlainText(cert.payload.replace(cert.full_name, "Nguyễn Văn Giả"))
    dialog.check_button.click()
    assert dialog.verification is not None and not dialog.verification.ok
    assert dialog.result_label.text().startswith(
        _("The signature does not match: the QR text was changed or is not genuine.")
    )

    dialog.text.setPlainText("hello")
    dialog.check_button.click()
    assert dialog.verification is None
    assert dialog.result_label.text() == _(
        "This is not the text of a certificate's QR code from this app; scan it again."
    )
